"""Rekan on Discord: raw interactions in, plain API v10 JSON out (render, components, commands)."""
