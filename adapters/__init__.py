"""Adapters translate platform payloads into core events and core actions into platform calls."""
