"""Slack: Bolt app, inbound translation, Block Kit rendering."""
