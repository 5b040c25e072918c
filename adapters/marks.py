"""Helpers both chat markups share: emphasis that hugs its words, cuts that keep tokens whole."""

from __future__ import annotations


def hug(line: str, mark: str) -> str:
    """Marks hug the words (`* x *` is not bold anywhere), so surrounding spaces move outside them."""
    core = line.strip()
    if not core:
        return line
    lead = line[: len(line) - len(line.lstrip())]
    trail = line[len(line.rstrip()):]
    return f"{lead}{mark}{core}{mark}{trail}"


ELLIPSIS = "\u2026"


def truncate_atoms(text: str, atoms: list[str], limit: int) -> str:
    """At most `limit` characters ending in … when shortened; `atoms` are the pieces a cut keeps whole."""
    if len(text) <= limit:
        return text
    kept: list[str] = []
    size = len(ELLIPSIS)
    for atom in atoms:
        if size + len(atom) > limit:
            break
        kept.append(atom)
        size += len(atom)
    return "".join(kept).rstrip() + ELLIPSIS
