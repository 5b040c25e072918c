"""Rekan: the platform-neutral core."""
