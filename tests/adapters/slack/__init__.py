"""Slack adapter tests."""
