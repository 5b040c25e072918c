"""Helpers both chat markups share: Slack and Discord ignore emphasis whose marks touch spaces."""

from __future__ import annotations


def hug(line: str, mark: str) -> str:
    """Marks hug the words (`* x *` is not bold anywhere), so surrounding spaces move outside them."""
    core = line.strip()
    if not core:
        return line
    lead = line[: len(line) - len(line.lstrip())]
    trail = line[len(line.rstrip()):]
    return f"{lead}{mark}{core}{mark}{trail}"
