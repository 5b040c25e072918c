"""How a forgotten member is recognised in stored text and JSON, and taken out of it."""

from __future__ import annotations

from bot.core.actions import Send
from bot.core.content import Content, Mention, Paragraph, Text
from bot.core.identity import AccountRef, ConversationRef
from bot.core.serialize import action_from_dict, action_to_dict
from storage.repositories.privacy import TOMBSTONE, Subject, addressed_to

NADIA = Subject(workspace_pk=1, platform="slack", user_id="U1", display_name="Nadia Kusuma")


def test_an_id_is_found_as_a_whole_token_only() -> None:
    assert NADIA.named_in("action:U1:1764374400.1") and NADIA.named_in("2026-11-30|U1|60")
    assert NADIA.named_in("<@U1>") and NADIA.named_in("u1")
    assert not NADIA.named_in("U12") and not NADIA.named_in("XU1") and not NADIA.named_in("su:1")


def test_a_name_is_found_as_words_in_any_case_and_a_short_one_is_not_searched() -> None:
    assert NADIA.named_in({"text": "set by NADIA KUSUMA."})
    assert not NADIA.named_in("Nadia Kusumawati")
    short = Subject(workspace_pk=1, platform="slack", user_id="U1", display_name="A")
    assert not short.named_in("A reminder") and short.named_in("for U1")


def test_redaction_keeps_the_message_readable_and_drops_her_from_lists() -> None:
    her = AccountRef(platform="slack", workspace_id="T1", user_id="U1")
    liam = AccountRef(platform="slack", workspace_id="T1", user_id="U2")
    content = Content(blocks=(Paragraph(inlines=(Mention(account=her, display_name="Nadia Kusuma"),
                                                 Text(text=" and Nadia Kusuma owe "),
                                                 Mention(account=liam, display_name="Liam"))),))
    payload = action_to_dict(Send(to=ConversationRef.dm(liam), content=content, ping=("U1", "U2")))
    cleaned = NADIA.redact(payload)
    assert not NADIA.named_in(cleaned)
    back = action_from_dict(cleaned)
    assert isinstance(back, Send) and back.ping == ("U2",)
    assert [type(i).__name__ for i in back.content.blocks[0].inlines] == ["Text", "Text", "Mention"]  # type: ignore[union-attr]
    assert TOMBSTONE in str(cleaned)


def test_a_message_is_hers_when_it_goes_to_her_dm() -> None:
    her = AccountRef(platform="slack", workspace_id="T1", user_id="U1")
    assert addressed_to(NADIA, action_to_dict(Send(to=ConversationRef.dm(her), content=Content.text("hi"))))
    other = ConversationRef.dm(AccountRef(platform="slack", workspace_id="T1", user_id="U12"))
    assert not addressed_to(NADIA, action_to_dict(Send(to=other, content=Content.text("U1"))))
