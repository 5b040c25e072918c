"""Actions as terminal text, or as one JSON object per action for `--json`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.actions import Action, AskChoice, Edit, OpenForm, React, Send, Upload
from bot.core.identity import ConversationKind, ConversationRef
from bot.core.render_text import render_plain


@dataclass(frozen=True, kw_only=True)
class Viewer:
    """Whose zone and language timestamps are shown in."""

    zone: str = "UTC"
    locale: str = "en"
    now: datetime | None = None


def destination(to: ConversationRef, speaker: str) -> str | None:
    """None when the action is for the person at the keyboard; otherwise a label for where it went."""
    if to.kind is ConversationKind.DM:
        return None if to.conversation_id == speaker else f"DM @{to.conversation_id}"
    return f"#{to.conversation_id}"


def render_text(action: Action, viewer: Viewer, speaker: str) -> str:
    body = _body(action, viewer)
    where = destination(action.to, speaker)
    if where is None:
        return body
    indented = "\n".join(f"  {line}" for line in body.splitlines())
    return f"→ {where}\n{indented}"


def _body(action: Action, viewer: Viewer) -> str:
    if isinstance(action, Send):
        return render_plain(action.content, viewer.zone, viewer.locale, viewer.now)
    if isinstance(action, AskChoice):
        lines = [render_plain(action.prompt, viewer.zone, viewer.locale, viewer.now)]
        lines += [f"  {n}. {c.label}" for n, c in enumerate(action.choices, start=1)]
        return "\n".join(lines)
    if isinstance(action, Edit):
        return f"(edited {action.message_id}) " + render_plain(action.content, viewer.zone, viewer.locale)
    if isinstance(action, Upload):
        note = render_plain(action.comment, viewer.zone, viewer.locale) if action.comment else ""
        return f"{note}\n[file {action.filename}, {len(action.data)} bytes]".strip()
    if isinstance(action, React):
        return f"[{action.emoji} on {action.message_id}]"
    if isinstance(action, OpenForm):
        return action.title
    return ""


def render_json(action: Action, viewer: Viewer) -> dict[str, Any]:
    """A stable, small JSON shape: scripts read `type`, `to` and `text`."""
    to = {"kind": action.to.kind.value, "id": action.to.conversation_id}
    out: dict[str, Any] = {"type": type(action).__name__.lower(), "to": to, "text": _body(action, viewer)}
    if isinstance(action, Send | AskChoice):
        out["visibility"] = action.visibility.value
    if isinstance(action, AskChoice):
        out["key"] = action.key
        out["choices"] = [{"label": c.label, "value": c.value} for c in action.choices]
    if isinstance(action, Upload):
        out["filename"] = action.filename
    return out
