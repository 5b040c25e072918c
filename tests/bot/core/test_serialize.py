"""Actions survive the outbox: JSON out, the same action back, reply handles never stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.core.actions import (
    Action,
    AskChoice,
    Choice,
    Edit,
    FieldKind,
    FormField,
    OpenForm,
    React,
    Send,
    Upload,
    Visibility,
)
from bot.core.content import (
    Card,
    Code,
    CodeBlock,
    Content,
    Emphasis,
    Field,
    Link,
    Mention,
    Timestamp,
    bullets,
    paragraph,
)
from bot.core.identity import AccountRef, ConversationKind, ConversationRef
from bot.core.serialize import ActionDecodeError, action_from_dict, action_to_dict

ALICE = AccountRef(platform="slack", workspace_id="T1", user_id="U1")
DM = ConversationRef.dm(ALICE)
CHANNEL = ConversationRef(platform="discord", workspace_id="G1", kind=ConversationKind.CHANNEL,
                          conversation_id="123")
RICH = Content.of(
    paragraph("Hi ", Mention(account=ALICE, display_name="Alice"), ", due ",
              Timestamp(instant=datetime(2026, 12, 1, 9, 0, tzinfo=UTC), style="relative")),
    bullets(["one", paragraph(Emphasis(text="two", strong=False), Code(text="x=1"))], numbered=True),
    CodeBlock(text="print('hi')"),
    Card(title="Standup", fields=(Field(label="Yesterday", value=paragraph(Link(url="https://e.x", label="PR"))),),
         body=(paragraph("body"),), footer="foot"),
)

ACTIONS: list[Action] = [
    Send(to=DM, content=RICH, thread="1700.1", visibility=Visibility.EPHEMERAL, ping=("U1", "U2")),
    Send(to=CHANNEL, content=Content.text("plain")),
    Edit(to=CHANNEL, message_id="m1", content=Content.text("edited")),
    AskChoice(to=DM, prompt=Content.text("Which zone?"),
              choices=(Choice(label="Jakarta", value="Asia/Jakarta"), Choice(label="Bali", value="Asia/Makassar")),
              key="tz-pick", expires_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
    AskChoice(to=DM, prompt=Content.text("?"), choices=(), key="k"),
    Upload(to=CHANNEL, filename="meeting.ics", data=bytes(range(256)), mime_type="text/calendar",
           comment=Content.text("Your invite")),
    Upload(to=DM, filename="empty.csv", data=b"", mime_type="text/csv"),
    React(to=CHANNEL, message_id="m2", emoji="white_check_mark"),
    OpenForm(to=DM, title="Setup", key="setup", submit_label="Save",
             fields=(FormField(key="tz", label="Zone", kind=FieldKind.CHOICE, required=False,
                               choices=(Choice(label="A", value="a"),), initial="a", hint="pick"),
                     FormField(key="bio", label="Bio", kind=FieldKind.LONG_TEXT)),
             errors=(("tz", "unknown zone"),)),
]


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: type(a).__name__)
def test_round_trip_through_json(action: Action) -> None:
    stored = json.loads(json.dumps(action_to_dict(action)))
    assert action_from_dict(stored) == action


def test_reply_handle_is_never_stored() -> None:
    data = action_to_dict(Send(to=DM, content=Content.text("x"), reply_handle=object()))
    assert "reply_handle" not in json.dumps(data)
    assert action_from_dict(data).reply_handle is None  # type: ignore[union-attr]


def test_upload_bytes_are_base64() -> None:
    data = action_to_dict(Upload(to=DM, filename="a.bin", data=b"\x00\xffhi", mime_type="x/y"))
    assert data["data"] == "AP9oaQ=="


def test_expiry_is_stored_in_utc() -> None:
    jakarta = timezone(timedelta(hours=7))
    ask = AskChoice(to=DM, prompt=Content.text("?"), choices=(), key="k",
                    expires_at=datetime(2026, 12, 1, 16, 0, tzinfo=jakarta))
    data = action_to_dict(ask)
    assert data["expires_at"] == "2026-12-01T09:00:00+00:00"
    back = action_from_dict(data)
    assert isinstance(back, AskChoice) and back.expires_at == ask.expires_at


@pytest.mark.parametrize("bad", [
    {"v": 99, "type": "send"},
    {"v": 1, "type": "teleport", "to": {}},
    {"v": 1, "type": "send", "to": {"platform": "slack"}},
    {"v": 1, "type": "upload", "to": {"platform": "s", "workspace_id": "T", "kind": "dm",
                                       "conversation_id": "U"},
     "filename": "a", "mime_type": "b", "data": "not base64!", "comment": None},
])
def test_unreadable_actions_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ActionDecodeError):
        action_from_dict(bad)
