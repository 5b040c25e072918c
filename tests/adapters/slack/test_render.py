"""Content and choices as Slack Block Kit: user text never pings, and Slack's limits always hold."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from adapters.slack.mrkdwn import unescape
from adapters.slack.render import (
    CHOICE_ACTION_PATTERN,
    CHOICE_BLOCK_PREFIX,
    EMPTY_TEXT,
    SlackMessage,
    escape,
    render_choice,
    render_content,
    render_home,
    render_modal,
)
from bot.core.actions import AskChoice, Choice, FieldKind, FormField, OpenForm
from bot.core.content import (
    BulletList,
    Card,
    Code,
    CodeBlock,
    Content,
    Emphasis,
    Field,
    Link,
    Mention,
    Paragraph,
    Text,
    Timestamp,
    TimestampStyle,
    bullets,
    paragraph,
)
from bot.core.identity import AccountRef, ConversationKind, ConversationRef

DM = ConversationRef(platform="slack", workspace_id="T0TEAM", kind=ConversationKind.DM, conversation_id="U0AYU")
AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

# What a member could type to make Rekan ping, link or impersonate: none of it may survive as a token.
INJECTIONS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123ABC>",
    "<#C123|general>",
    "<!subteam^S123|@devs>",
    "&lt;!channel&gt;",
    "<https://evil.example|click>",
    "@channel",
    "@here",
]

# Keys whose strings are data Slack hands back to us, never text it shows or parses.
DATA_KEYS = {"type", "action_id", "block_id", "callback_id", "private_metadata", "value", "initial_value"}


def account(user_id: str = "U0PRIYA") -> AccountRef:
    return AccountRef(platform="slack", workspace_id="T0TEAM", user_id=user_id)


def ask(*labels: str, key: str = "profile.tz.pick:abc", prompt: Content | None = None) -> AskChoice:
    choices = tuple(Choice(label=label, value=f"v{i}") for i, label in enumerate(labels))
    return AskChoice(to=DM, prompt=prompt or Content.text("Which one?"), choices=choices, key=key)


def form(*fields: FormField, title: str = "Your hours") -> OpenForm:
    return OpenForm(to=DM, title=title, fields=fields, key="profile.hours:abc")


def shown_strings(payload: Any, key: str | None = None) -> Iterator[str]:
    """Every string Slack would show or parse, anywhere in the JSON."""
    if isinstance(payload, dict):
        for k, v in payload.items():
            yield from shown_strings(v, k)
    elif isinstance(payload, list):
        for item in payload:
            yield from shown_strings(item, key)
    elif isinstance(payload, str) and key not in DATA_KEYS:
        yield payload


def messages_json(messages: list[SlackMessage]) -> list[dict[str, Any]]:
    return [{"text": m.text, "blocks": m.blocks} for m in messages]


def section_texts(messages: list[SlackMessage]) -> list[str]:
    return [b["text"]["text"] for m in messages for b in m.blocks if b["type"] == "section" and "text" in b]


def tokens(payload: Any) -> list[str]:
    """The `<…>` tokens Slack would act on: pings, channel links, links, dates."""
    return [t for s in shown_strings(payload) for t in re.findall(r"<[^<>]*>", s)]


def assert_only_whole_entities(text: str) -> None:
    """Every `&` starts one of the three entities, and no raw `<` or `>` is left from user text."""
    assert not re.search(r"&(?!amp;|lt;|gt;)", text), text
    assert "<" not in text and ">" not in text, text


def assert_slack_accepts(blocks: list[dict[str, Any]]) -> None:
    """Slack's own SDK models parse, validate and reproduce every block."""
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        assert parsed.to_dict() == block


# --- user text never pings -----------------------------------------------------------------------

Path = Callable[[str], Any]

PATHS: dict[str, Path] = {
    "text": lambda s: messages_json(render_content(Content.text(s))),
    "strong": lambda s: messages_json(render_content(Content.of(Emphasis(text=s)))),
    "italic": lambda s: messages_json(render_content(Content.of(Emphasis(text=s, strong=False)))),
    "code": lambda s: messages_json(render_content(Content.of(Code(text=s)))),
    "code block": lambda s: messages_json(render_content(Content.of(CodeBlock(text=s)))),
    "bad link": lambda s: messages_json(render_content(Content.of(Link(url="javascript:alert(1)", label=s)))),
    "bullet": lambda s: messages_json(render_content(Content.of(bullets([s, s], numbered=True)))),
    "card title": lambda s: messages_json(render_content(Content.of(Card(title=s)))),
    "card field label": lambda s: messages_json(render_content(Content.of(
        Card(title="t", fields=(Field(label=s, value=paragraph("v")),))))),
    "card field value": lambda s: messages_json(render_content(Content.of(
        Card(title="t", fields=(Field(label="l", value=paragraph(s)),))))),
    "card body": lambda s: messages_json(render_content(Content.of(Card(title="t", body=(paragraph(s),))))),
    "card footer": lambda s: messages_json(render_content(Content.of(Card(title="t", footer=s)))),
    "unpinged mention": lambda s: messages_json(render_content(
        Content.of(Mention(account=account("U123ABC"), display_name=s)), ping=())),
    "choice prompt": lambda s: render_choice(ask("a", prompt=Content.text(s))).blocks,
    "button label": lambda s: render_choice(ask(s, "b")).blocks,
    "menu label": lambda s: render_choice(ask(s, "b", "c", "d", "e", "f")).blocks,
    "modal title": lambda s: render_modal(form(FormField(key="k", label="l"), title=s)),
    "modal label": lambda s: render_modal(form(FormField(key="k", label=s))),
    "modal hint": lambda s: render_modal(form(FormField(key="k", label="l", hint=s))),
    "modal option": lambda s: render_modal(form(FormField(
        key="k", label="l", kind=FieldKind.CHOICE, choices=(Choice(label=s, value="v"),), initial="v"))),
    "modal submit": lambda s: render_modal(OpenForm(
        to=DM, title="t", fields=(FormField(key="k", label="l"),), key="f", submit_label=s)),
    "home": lambda s: render_home(Content.of(s, Card(title=s, footer=s))),
}


@pytest.mark.parametrize("typed", INJECTIONS)
@pytest.mark.parametrize("path", PATHS)
def test_user_text_never_becomes_a_slack_token(path: str, typed: str) -> None:
    payload = PATHS[path](typed)
    assert tokens(payload) == []
    for text in shown_strings(payload):
        assert_only_whole_entities(text)


@pytest.mark.parametrize("typed", INJECTIONS)
@pytest.mark.parametrize("path", ["text", "code", "card field value", "button label", "modal label"])
def test_user_text_still_reads_as_typed(path: str, typed: str) -> None:
    shown = [unescape(s) for s in shown_strings(PATHS[path](typed))]
    assert any(typed in s for s in shown)


@pytest.mark.parametrize("typed", INJECTIONS)
def test_a_link_label_cannot_add_a_token_of_its_own(typed: str) -> None:
    payload = messages_json(render_content(Content.of(Link(url="https://example.org", label=typed))))
    assert tokens(payload) == [f"<https://example.org|{escape(typed)}>"]
    assert_only_whole_entities(escape(typed))


def test_already_escaped_text_is_escaped_again_so_it_shows_literally() -> None:
    assert escape("&lt;!channel&gt;") == "&amp;lt;!channel&amp;gt;"


def test_escape_touches_exactly_the_three_control_characters() -> None:
    assert escape("a & b < c > d * _ ` ~ | @here #general") == "a &amp; b &lt; c &gt; d * _ ` ~ | @here #general"


def test_every_mrkdwn_text_is_verbatim_so_slack_does_not_auto_link_at_here_or_channels() -> None:
    content = Content.of("@here see #general", Card(title="t", fields=(Field(label="l", value=paragraph("@here")),),
                                                    footer="@channel"))
    objects = [o for m in render_content(content) for b in m.blocks
               for o in [b.get("text"), *b.get("fields", ()), *b.get("elements", ())] if o]
    assert {o["type"] for o in objects} == {"mrkdwn", "plain_text"}
    assert all(o["verbatim"] is True for o in objects if o["type"] == "mrkdwn")


def test_only_pinged_mentions_become_user_tokens() -> None:
    content = Content.of(paragraph(Mention(account=account("U0PRIYA"), display_name="Priya"), " and ",
                                   Mention(account=account("U0BUDI"), display_name="Budi")))
    [message] = render_content(content, ping=["U0PRIYA"])
    assert message.blocks[0]["text"]["text"] == "<@U0PRIYA> and @Budi"


def test_an_unpinged_mention_is_its_escaped_display_name() -> None:
    content = Content.of(Mention(account=account("U0X"), display_name="<!here> & co"))
    assert render_content(content)[0].blocks[0]["text"]["text"] == "@&lt;!here&gt; &amp; co"


def test_a_pinged_id_that_is_not_a_slack_user_id_is_not_put_in_a_token() -> None:
    forged = "U1>|<!channel"
    content = Content.of(Mention(account=account(forged), display_name="x"))
    assert tokens(messages_json(render_content(content, ping=[forged]))) == []


def test_deliberate_tokens_are_the_only_tokens() -> None:
    content = Content.of(paragraph("<!channel> ", Mention(account=account("U0PRIYA"), display_name="P"), " at ",
                                   Timestamp(instant=AT), " ", Link(url="https://example.org", label="<!here>")))
    found = tokens(messages_json(render_content(content, ping=["U0PRIYA"])))
    notification_ping, *in_blocks = found
    assert notification_ping == "<@U0PRIYA>"
    assert in_blocks == ["<@U0PRIYA>", "<!date^1796029200^{date_long_pretty} {time}|2026-11-30 09:00 UTC>",
                         "<https://example.org|&lt;!here&gt;>"]


# --- inlines ------------------------------------------------------------------------------------


def first_text(*inlines: Any, ping: tuple[str, ...] = ()) -> str:
    text: str = render_content(Content.of(Paragraph(inlines=inlines)), ping=ping)[0].blocks[0]["text"]["text"]
    return text


@pytest.mark.parametrize(("style", "token"), [
    ("full", "{date_long_pretty} {time}"),
    ("date", "{date_long_pretty}"),
    ("time", "{time}"),
    ("relative", "{ago}"),
])
def test_timestamps_become_slack_date_tokens_read_in_each_readers_zone(style: TimestampStyle, token: str) -> None:
    assert first_text(Timestamp(instant=AT, style=style)) == f"<!date^1796029200^{token}|2026-11-30 09:00 UTC>"


def test_a_timestamps_fallback_is_the_instant_in_utc_whatever_zone_it_was_built_in() -> None:
    wib = AT.astimezone(timezone(timedelta(hours=7)))
    assert first_text(Timestamp(instant=wib)).endswith("|2026-11-30 09:00 UTC>")


def test_strong_emphasis_wraps_in_asterisks() -> None:
    assert first_text(Text(text="the "), Emphasis(text="deadline"), Text(text=" moved")) == "the *deadline* moved"


def test_italic_emphasis_wraps_in_underscores() -> None:
    assert first_text(Emphasis(text="maybe", strong=False)) == "_maybe_"


def test_an_asterisk_inside_bold_is_a_look_alike_so_the_span_cannot_end_early() -> None:
    assert first_text(Emphasis(text="a*<https://evil.example|b>*c")) == "*a\u2217&lt;https://evil.example|b&gt;\u2217c*"


def test_an_underscore_inside_italic_is_a_look_alike() -> None:
    assert first_text(Emphasis(text="snake_case", strong=False)) == "_snake\u02cdcase_"


def test_spaces_around_emphasis_move_outside_the_marks_where_slack_needs_them() -> None:
    assert first_text(Emphasis(text=" late ")) == " *late* "


def test_emphasis_over_several_lines_marks_each_line() -> None:
    assert first_text(Emphasis(text="one\ntwo")) == "*one*\n*two*"


def test_inline_code_wraps_in_backticks_and_a_backtick_inside_is_a_look_alike() -> None:
    assert first_text(Code(text="a`b")) == "`a\u02cbb`"


def test_a_link_to_an_http_url_is_a_slack_link_with_an_escaped_label() -> None:
    assert first_text(Link(url="https://example.org/a?b=1&c=2", label="Q&A")) == "<https://example.org/a?b=1&c=2|Q&amp;A>"


def test_pipes_angle_brackets_and_spaces_in_a_url_are_percent_encoded() -> None:
    assert first_text(Link(url="https://example.org/a|b>c d", label="x")) == "<https://example.org/a%7Cb%3Ec%20d|x>"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "mailto:a@example.org", "/relative", "slack://open", "https://"])
def test_a_link_to_anything_but_an_absolute_http_url_shows_its_label_only(url: str) -> None:
    assert first_text(Link(url=url, label="docs")) == "docs"


def test_a_link_without_a_label_shows_the_url() -> None:
    assert first_text(Link(url="https://example.org", label="")) == "<https://example.org>"


def test_a_link_too_long_for_one_token_shows_its_label_only() -> None:
    assert first_text(Link(url="https://example.org/" + "a" * 3_000, label="docs")) == "docs"


# --- blocks -------------------------------------------------------------------------------------


def test_a_paragraph_is_a_mrkdwn_section() -> None:
    [message] = render_content(Content.text("hello"))
    assert message.blocks == [{"type": "section", "text": {"type": "mrkdwn", "text": "hello", "verbatim": True}}]
    assert message.text == "hello"


def test_a_bullet_list_writes_out_its_markers() -> None:
    [message] = render_content(Content.of(bullets(["one", "two"])))
    assert message.blocks[0]["text"]["text"] == "\u2022 one\n\u2022 two"


def test_a_numbered_list_numbers_its_items() -> None:
    [message] = render_content(Content.of(bullets(["one", "two"], numbered=True)))
    assert message.blocks[0]["text"]["text"] == "1. one\n2. two"


def test_a_code_block_is_fenced_and_escaped() -> None:
    [message] = render_content(Content.of(CodeBlock(text="if a < b && c:\n    pass")))
    assert message.blocks[0]["text"]["text"] == "```\nif a &lt; b &amp;&amp; c:\n    pass\n```"


def test_backticks_in_a_code_block_cannot_close_the_fence() -> None:
    [message] = render_content(Content.of(CodeBlock(text="a```b")))
    assert "```" not in message.blocks[0]["text"]["text"].removeprefix("```\n").removesuffix("\n```")


def test_a_long_code_block_is_fenced_in_every_section() -> None:
    code = "\n".join(f"line {i} <&>" for i in range(600))
    texts = section_texts(render_content(Content.of(CodeBlock(text=code))))
    assert len(texts) > 1
    assert all(t.startswith("```\n") and t.endswith("\n```") and len(t) <= 3_000 for t in texts)
    assert "\n".join(unescape(t[4:-4]) for t in texts) == code


def test_a_card_has_a_header_fields_body_and_footer() -> None:
    card = Card(title="Standup", fields=(Field(label="Yesterday", value=paragraph("shipped")),),
                body=(paragraph("All good"),), footer="3 of 4 answered")
    [message] = render_content(Content.of(card))
    assert message.blocks == [
        {"type": "header", "text": {"type": "plain_text", "text": "Standup"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Yesterday*\nshipped", "verbatim": True}]},
        {"type": "section", "text": {"type": "mrkdwn", "text": "All good", "verbatim": True}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "3 of 4 answered", "verbatim": True}]},
    ]
    assert_slack_accepts(message.blocks)


def test_a_card_title_is_cut_to_slacks_150_characters_with_an_ellipsis() -> None:
    [message] = render_content(Content.of(Card(title="&" * 200)))
    title = message.blocks[0]["text"]["text"]
    assert len(title) <= 150 and title.endswith("\u2026")
    assert_only_whole_entities(title.removesuffix("\u2026"))


def test_a_card_with_more_than_ten_fields_uses_a_section_per_ten() -> None:
    card = Card(title="t", fields=tuple(Field(label=f"L{i}", value=paragraph(f"v{i}")) for i in range(23)))
    [message] = render_content(Content.of(card))
    sections = [b["fields"] for b in message.blocks if "fields" in b]
    assert [len(s) for s in sections] == [10, 10, 3]
    assert [f["text"] for s in sections for f in s] == [f"*L{i}*\nv{i}" for i in range(23)]
    assert_slack_accepts(message.blocks)


def test_a_field_longer_than_slacks_2000_characters_is_cut_without_breaking_an_entity() -> None:
    card = Card(title="t", fields=(Field(label="l", value=paragraph("a&" * 1_500)),))
    [message] = render_content(Content.of(card))
    [text] = [f["text"] for b in message.blocks for f in b.get("fields", ())]
    assert len(text) <= 2_000 and text.endswith("\u2026")
    assert_only_whole_entities(text.removesuffix("\u2026"))


@pytest.mark.parametrize("content", [Content(), Content.text(""), Content.text("  \n "),
                                     Content.of(CodeBlock(text="")), Content.of(Card(title=""))])
def test_empty_content_is_one_message_with_an_ellipsis_since_slack_refuses_blank_text(content: Content) -> None:
    assert render_content(content) == [SlackMessage(text=EMPTY_TEXT, blocks=[
        {"type": "section", "text": {"type": "mrkdwn", "text": EMPTY_TEXT, "verbatim": True}}])]


# --- Slack's size limits ------------------------------------------------------------------------


def test_a_long_paragraph_is_cut_at_a_line_break_before_a_word_boundary() -> None:
    text = "a" * 2_000 + "\n" + "b " * 1_000
    texts = section_texts(render_content(Content.text(text)))
    assert texts[0] == "a" * 2_000 + "\n"
    assert "".join(texts) == text


def test_a_long_line_is_cut_after_a_space() -> None:
    text = "word " * 1_000
    texts = section_texts(render_content(Content.text(text)))
    assert all(t.endswith(" ") and len(t) <= 3_000 for t in texts)


def test_an_entity_at_the_cut_stays_whole() -> None:
    text = "a" * 2_998 + "&&&"
    texts = section_texts(render_content(Content.text(text)))
    assert texts == ["a" * 2_998, "&amp;&amp;&amp;"]


def test_a_token_at_the_cut_stays_whole() -> None:
    content = Content.of(paragraph("a" * 2_990, Timestamp(instant=AT)))
    texts = section_texts(render_content(content))
    assert texts[1].startswith("<!date^") and texts[1].endswith(">")


def test_more_than_50_blocks_become_several_messages_in_order() -> None:
    messages = render_content(Content.of(*[f"p{i}" for i in range(120)]))
    assert [len(m.blocks) for m in messages] == [50, 50, 20]
    assert section_texts(messages) == [f"p{i}" for i in range(120)]
    assert messages[1].text.startswith("p50\n")


def test_the_notification_text_is_capped_at_3000_characters() -> None:
    [message] = render_content(Content.of(*["x" * 2_000 for _ in range(10)]))
    assert len(message.text) <= 3_000 and message.text.endswith("\u2026")


def test_the_notification_text_shows_what_tokens_show_and_keeps_pings() -> None:
    content = Content.of(paragraph("Hi ", Mention(account=account("U0PRIYA"), display_name="Priya"), " at ",
                                   Timestamp(instant=AT), ", see ", Link(url="https://example.org", label="docs")))
    [message] = render_content(content, ping=["U0PRIYA"])
    assert message.text == "Hi <@U0PRIYA> at 2026-11-30 09:00 UTC, see docs"


# Words with Slack's control characters sprinkled in, and runs long enough to force every kind of cut.
PIECES = st.sampled_from(["&", "<", ">", "&amp;", "&lt;!here&gt;", "<!channel>", " ", "\n", "word", "é",
                          "x" * 997, "y" * 3_100, "*", "_", "`"])
LONG_TEXT = st.lists(PIECES, min_size=1, max_size=120).map("".join).filter(str.strip)


def assert_within_slack_limits(messages: list[SlackMessage]) -> None:
    for message in messages:
        assert 1 <= len(message.blocks) <= 50
        assert 1 <= len(message.text) <= 3_000
        assert_only_whole_entities(message.text.removesuffix("\u2026"))
    for text in section_texts(messages):
        assert 1 <= len(text) <= 3_000 and text.strip()
        assert_only_whole_entities(text)


@settings(max_examples=150, deadline=None)
@given(LONG_TEXT)
def test_long_text_stays_within_limits_and_reads_back_exactly(text: str) -> None:
    messages = render_content(Content.text(text))
    assert_within_slack_limits(messages)
    assert unescape("".join(section_texts(messages))) == text


@settings(max_examples=60, deadline=None)
@given(st.lists(LONG_TEXT, min_size=1, max_size=8))
def test_long_lists_stay_within_limits_and_read_back_exactly(items: list[str]) -> None:
    messages = render_content(Content.of(BulletList(items=tuple(paragraph(i) for i in items))))
    assert_within_slack_limits(messages)
    assert unescape("".join(section_texts(messages))) == "\n".join(f"\u2022 {i}" for i in items)


@settings(max_examples=40, deadline=None)
@given(st.lists(LONG_TEXT, min_size=1, max_size=60))
def test_many_long_paragraphs_stay_within_limits_and_keep_their_order(paragraphs: list[str]) -> None:
    messages = render_content(Content.of(*paragraphs))
    assert_within_slack_limits(messages)
    assert unescape("".join(section_texts(messages))) == "".join(paragraphs)


# --- choices ------------------------------------------------------------------------------------


def test_up_to_five_choices_are_buttons_with_stable_ids() -> None:
    message = render_choice(ask("WIB", "WITA", "WIT", "SGT", "JST"))
    actions = message.blocks[-1]
    assert actions["type"] == "actions"
    assert actions["block_id"] == CHOICE_BLOCK_PREFIX + "profile.tz.pick:abc"
    assert [(e["type"], e["action_id"], e["text"]["text"], e["value"]) for e in actions["elements"]] == [
        ("button", f"rekan.choice.{i}", label, f"v{i}") for i, label in enumerate(["WIB", "WITA", "WIT", "SGT", "JST"])
    ]
    assert_slack_accepts(message.blocks)


def test_six_choices_are_a_static_select() -> None:
    message = render_choice(ask("a", "b", "c", "d", "e", "f"))
    [select] = message.blocks[-1]["elements"]
    assert select["type"] == "static_select" and select["action_id"] == "rekan.choice.select"
    assert [(o["text"]["text"], o["value"]) for o in select["options"]] == [(c, f"v{i}") for i, c in enumerate("abcdef")]
    assert_slack_accepts(message.blocks)


def test_the_same_choice_renders_the_same_ids_every_time_so_clicks_survive_a_restart() -> None:
    assert render_choice(ask("a", "b")) == render_choice(ask("a", "b"))


def test_every_choice_action_id_matches_the_one_listener_pattern() -> None:
    ids = [e["action_id"] for n in (5, 6) for e in render_choice(ask(*"abcdef"[:n])).blocks[-1]["elements"]]
    assert all(CHOICE_ACTION_PATTERN.match(i) for i in ids)


def test_a_choice_message_starts_with_its_prompt_and_notifies_with_it() -> None:
    message = render_choice(ask("a", prompt=Content.text("Pick a zone")))
    assert message.blocks[0]["text"]["text"] == "Pick a zone"
    assert message.text == "Pick a zone"


def test_option_labels_are_cut_to_slacks_75_characters_but_values_stay_intact() -> None:
    choices = tuple(Choice(label="L" * 100, value="k" * 150) for _ in range(6))
    action = AskChoice(to=DM, prompt=Content.text("?"), choices=choices, key="k")
    [select] = render_choice(action).blocks[-1]["elements"]
    assert all(len(o["text"]["text"]) == 75 and o["value"] == "k" * 150 for o in select["options"])


def test_a_choice_value_too_long_for_slack_is_refused_rather_than_cut() -> None:
    action = AskChoice(to=DM, prompt=Content.text("?"), choices=(Choice(label="a", value="k" * 151),), key="k")
    with pytest.raises(ValueError, match="choice value"):
        render_choice(action)


def test_a_key_too_long_for_a_block_id_is_refused() -> None:
    with pytest.raises(ValueError, match="block_id"):
        render_choice(ask("a", key="k" * (256 - len(CHOICE_BLOCK_PREFIX))))


def test_a_key_that_just_fits_a_block_id_is_kept_whole() -> None:
    key = "k" * (255 - len(CHOICE_BLOCK_PREFIX))
    assert render_choice(ask("a", key=key)).blocks[-1]["block_id"] == CHOICE_BLOCK_PREFIX + key


@pytest.mark.parametrize("count", [0, 101])
def test_a_choice_needs_one_to_a_hundred_options(count: int) -> None:
    with pytest.raises(ValueError, match="options"):
        render_choice(ask(*[f"c{i}" for i in range(count)]))


def test_a_long_prompt_leaves_room_for_the_buttons_in_one_message() -> None:
    message = render_choice(ask("a", prompt=Content.of(*[f"p{i}" for i in range(80)])))
    assert len(message.blocks) == 50
    assert message.blocks[-2]["type"] == "context" and message.blocks[-1]["type"] == "actions"


# --- home ---------------------------------------------------------------------------------------


def test_home_is_a_home_view_of_the_content() -> None:
    view = render_home(Content.text("Your week"))
    assert view == {"type": "home", "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Your week", "verbatim": True}}]}
    assert View(**view).to_dict() == view


def test_home_past_100_blocks_ends_with_an_ellipsis_line() -> None:
    view = render_home(Content.of(*[f"p{i}" for i in range(150)]))
    assert len(view["blocks"]) == 100
    assert view["blocks"][98]["text"]["text"] == "p98"
    assert view["blocks"][-1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "\u2026", "verbatim": True}]}


def test_an_empty_home_still_has_a_block_since_slack_refuses_an_empty_view() -> None:
    assert len(render_home(Content())["blocks"]) == 1


def test_home_never_pings() -> None:
    view = render_home(Content.of(Mention(account=account("U0PRIYA"), display_name="Priya")))
    assert view["blocks"][0]["text"]["text"] == "@Priya"
