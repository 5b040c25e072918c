"""Actions as JSON-safe dicts, so a due send can wait in the outbox across restarts.

`reply_handle` is process-local (an interaction token, a socket) and is never stored.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from bot.clock import ensure_aware_utc
from bot.core.actions import (
    Action,
    AskChoice,
    Choice,
    Edit,
    FieldKind,
    FormField,
    OpenForm,
    PublishHome,
    React,
    Send,
    Upload,
    Visibility,
)
from bot.core.content import content_from_dict, content_to_dict
from bot.core.identity import ConversationKind, ConversationRef

FORMAT_VERSION = 1


class ActionDecodeError(ValueError):
    """A stored action that this version cannot read; the delivery fails rather than guessing."""


def conversation_to_dict(ref: ConversationRef) -> dict[str, str]:
    return {"platform": ref.platform, "workspace_id": ref.workspace_id, "kind": ref.kind.value,
            "conversation_id": ref.conversation_id}


def conversation_from_dict(data: Mapping[str, Any]) -> ConversationRef:
    return ConversationRef(platform=data["platform"], workspace_id=data["workspace_id"],
                           kind=ConversationKind(data["kind"]), conversation_id=data["conversation_id"])


def _choices_to_list(choices: tuple[Choice, ...]) -> list[dict[str, str]]:
    return [{"label": c.label, "value": c.value} for c in choices]


def _choices_from_list(items: list[dict[str, str]]) -> tuple[Choice, ...]:
    return tuple(Choice(label=c["label"], value=c["value"]) for c in items)


def _instant_to_str(value: datetime | None) -> str | None:
    return None if value is None else ensure_aware_utc(value).isoformat()


def _instant_from_str(value: str | None) -> datetime | None:
    return None if value is None else ensure_aware_utc(datetime.fromisoformat(value))


def _send(a: Send) -> dict[str, Any]:
    return {"content": content_to_dict(a.content), "thread": a.thread,
            "visibility": a.visibility.value, "ping": list(a.ping)}


def _edit(a: Edit) -> dict[str, Any]:
    return {"message_id": a.message_id, "content": content_to_dict(a.content)}


def _ask(a: AskChoice) -> dict[str, Any]:
    return {"prompt": content_to_dict(a.prompt), "choices": _choices_to_list(a.choices), "key": a.key,
            "expires_at": _instant_to_str(a.expires_at), "visibility": a.visibility.value}


def _upload(a: Upload) -> dict[str, Any]:
    return {"filename": a.filename, "mime_type": a.mime_type,
            "data": base64.b64encode(a.data).decode("ascii"),
            "comment": None if a.comment is None else content_to_dict(a.comment)}


def _react(a: React) -> dict[str, Any]:
    return {"message_id": a.message_id, "emoji": a.emoji}


def _field_to_dict(f: FormField) -> dict[str, Any]:
    return {"key": f.key, "label": f.label, "kind": f.kind.value, "required": f.required,
            "choices": _choices_to_list(f.choices), "initial": f.initial, "hint": f.hint}


def _form(a: OpenForm) -> dict[str, Any]:
    return {"title": a.title, "fields": [_field_to_dict(f) for f in a.fields], "key": a.key,
            "submit_label": a.submit_label, "errors": [list(e) for e in a.errors]}


def action_to_dict(action: Action) -> dict[str, Any]:
    """The action as plain JSON types, tagged with its type and the format version."""
    body: dict[str, Any]
    if isinstance(action, Send):
        tag, body = "send", _send(action)
    elif isinstance(action, Edit):
        tag, body = "edit", _edit(action)
    elif isinstance(action, AskChoice):
        tag, body = "ask_choice", _ask(action)
    elif isinstance(action, Upload):
        tag, body = "upload", _upload(action)
    elif isinstance(action, React):
        tag, body = "react", _react(action)
    elif isinstance(action, OpenForm):
        tag, body = "open_form", _form(action)
    elif isinstance(action, PublishHome):
        tag, body = "publish_home", {"content": content_to_dict(action.content)}
    else:
        raise TypeError(f"cannot serialise {type(action).__name__}")
    return {"v": FORMAT_VERSION, "type": tag, "to": conversation_to_dict(action.to), **body}


def _send_from(d: Mapping[str, Any], to: ConversationRef) -> Send:
    return Send(to=to, content=content_from_dict(d["content"]), thread=d.get("thread"),
                visibility=Visibility(d.get("visibility", "public")), ping=tuple(d.get("ping", ())))


def _edit_from(d: Mapping[str, Any], to: ConversationRef) -> Edit:
    return Edit(to=to, message_id=d["message_id"], content=content_from_dict(d["content"]))


def _ask_from(d: Mapping[str, Any], to: ConversationRef) -> AskChoice:
    return AskChoice(to=to, prompt=content_from_dict(d["prompt"]), choices=_choices_from_list(d["choices"]),
                     key=d["key"], expires_at=_instant_from_str(d.get("expires_at")),
                     visibility=Visibility(d.get("visibility", "public")))


def _upload_from(d: Mapping[str, Any], to: ConversationRef) -> Upload:
    comment = d.get("comment")
    return Upload(to=to, filename=d["filename"], mime_type=d["mime_type"],
                  data=base64.b64decode(d["data"], validate=True),
                  comment=None if comment is None else content_from_dict(comment))


def _react_from(d: Mapping[str, Any], to: ConversationRef) -> React:
    return React(to=to, message_id=d["message_id"], emoji=d["emoji"])


def _field_from(d: Mapping[str, Any]) -> FormField:
    return FormField(key=d["key"], label=d["label"], kind=FieldKind(d["kind"]), required=d["required"],
                     choices=_choices_from_list(d["choices"]), initial=d.get("initial"), hint=d.get("hint"))


def _form_from(d: Mapping[str, Any], to: ConversationRef) -> OpenForm:
    return OpenForm(to=to, title=d["title"], fields=tuple(_field_from(f) for f in d["fields"]), key=d["key"],
                    submit_label=d["submit_label"],
                    errors=tuple((str(k), str(m)) for k, m in d.get("errors", ())))


def _home_from(d: Mapping[str, Any], to: ConversationRef) -> PublishHome:
    return PublishHome(to=to, content=content_from_dict(d["content"]))


_DECODERS: dict[str, Callable[[Mapping[str, Any], ConversationRef], Action]] = {
    "send": _send_from, "edit": _edit_from, "ask_choice": _ask_from, "upload": _upload_from,
    "react": _react_from, "open_form": _form_from, "publish_home": _home_from,
}


def action_from_dict(data: Mapping[str, Any]) -> Action:
    """Rebuild an action stored by `action_to_dict`; anything unreadable raises ActionDecodeError."""
    if data.get("v") != FORMAT_VERSION:
        raise ActionDecodeError(f"unsupported action format version {data.get('v')!r}")
    decoder = _DECODERS.get(str(data.get("type")))
    if decoder is None:
        raise ActionDecodeError(f"unknown action type {data.get('type')!r}")
    try:
        return decoder(data, conversation_from_dict(data["to"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ActionDecodeError(f"malformed {data.get('type')} action: {type(exc).__name__}") from exc
