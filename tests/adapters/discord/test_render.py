"""Content as Discord message JSON: user text never pings or links, and Discord's limits always hold."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord.markdown import unescape
from adapters.discord.render import (
    EMPTY_TEXT,
    MAX_CONTENT,
    DiscordMessage,
    allowed_mentions,
    escape,
    modal_error_message,
    render_choice,
    render_content,
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
    Inline,
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

DM = ConversationRef(platform="discord", workspace_id="", kind=ConversationKind.DM, conversation_id="111111111111111111")
AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
UNIX_AT = 1796029200
PRIYA = "123456789012345678"
BUDI = "223456789012345678"
NO_PINGS = {"parse": [], "users": [], "roles": [], "replied_user": False}
ZWSP = "\u200b"

# What a member could type to make Rekan ping, link, format or impersonate: none of it may come alive.
INJECTIONS = [
    "@everyone",
    "@here",
    "hey @Everyone and @HERE!",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "</tz set:123456789012345678>",
    "<t:0:R>",
    "<a:party:123456789012345678>",
    "[click](https://evil.example)",
    "**bold** __under__ ~~gone~~ ||secret||",
    "@\u200beveryone",
    "@\u200b\u200bhere",
    "\\@everyone",
    "\\<@123456789012345678>",
    "<\u200b@123456789012345678>",
    "\\*\\*looks escaped\\*\\*",
    "`<@123456789012345678>`",
    "```\n@everyone\n```",
    "# @here",
    "> <#123456789012345678>",
    "-# <t:1:F>",
]

# A `<` that opens a token, or @everyone/@here: what Discord would turn into a ping, link or timestamp.
LIVE = re.compile(r"<(?![\s\u200b])|@(?:everyone|here)", re.IGNORECASE)

# Keys whose strings are data Discord hands back to us, never text it shows or parses.
DATA_KEYS = {"custom_id"}


def account(user_id: str = PRIYA) -> AccountRef:
    return AccountRef(platform="discord", workspace_id="999999999999999999", user_id=user_id)


def ask(*labels: str, prompt: Content | None = None) -> AskChoice:
    choices = tuple(Choice(label=label, value=f"v{i}") for i, label in enumerate(labels))
    return AskChoice(to=DM, prompt=prompt or Content.text("Which one?"), choices=choices, key="profile.tz.pick:ab")


def form(*fields: FormField, title: str = "Your hours", errors: tuple[tuple[str, str], ...] = ()) -> OpenForm:
    return OpenForm(to=DM, title=title, fields=fields, key="profile.setup:ab", errors=errors)


def as_json(messages: list[DiscordMessage] | DiscordMessage) -> list[dict[str, Any]]:
    items = messages if isinstance(messages, list) else [messages]
    return [{"content": m.content, "embeds": m.embeds, "components": m.components,
             "allowed_mentions": m.allowed_mentions} for m in items]


def shown_strings(payload: Any, key: str | None = None, parent: dict[str, Any] | None = None) -> Iterator[str]:
    """Every string Discord would show or parse, anywhere in the JSON (an input's or option's value is data)."""
    if isinstance(payload, dict):
        for k, v in payload.items():
            yield from shown_strings(v, k, payload)
    elif isinstance(payload, list):
        for item in payload:
            yield from shown_strings(item, key, parent)
    elif isinstance(payload, str) and key not in DATA_KEYS:
        is_data_value = key == "value" and parent is not None and ("label" in parent or parent.get("type") == 4)
        if not is_data_value:
            yield payload


def live(payload: Any) -> list[str]:
    return [m.group(0) for s in shown_strings(payload) for m in LIVE.finditer(s)]


def bare(text: str) -> list[str]:
    """The characters of markdown that no backslash escapes."""
    return [piece for piece in re.findall(r"\\.|.", text, re.DOTALL) if len(piece) == 1]


def content_of(*inlines: Inline | str, ping: tuple[str, ...] = ()) -> str:
    [message] = render_content(Content.of(paragraph(*inlines)), ping=ping)
    return message.content


# --- user text never pings, links or formats ----------------------------------------------------

Path = Callable[[str], Any]

PATHS: dict[str, Path] = {
    "text": lambda s: as_json(render_content(Content.text(s))),
    "strong": lambda s: as_json(render_content(Content.of(Emphasis(text=s)))),
    "italic": lambda s: as_json(render_content(Content.of(Emphasis(text=s, strong=False)))),
    "code": lambda s: as_json(render_content(Content.of(Code(text=s)))),
    "code block": lambda s: as_json(render_content(Content.of(CodeBlock(text=s)))),
    "link label": lambda s: as_json(render_content(Content.of(Link(url="javascript:alert(1)", label=s)))),
    "bullet": lambda s: as_json(render_content(Content.of(bullets([s, s], numbered=True)))),
    "card title": lambda s: as_json(render_content(Content.of(Card(title=s)))),
    "card field label": lambda s: as_json(render_content(Content.of(
        Card(title="t", fields=(Field(label=s, value=paragraph("v")),))))),
    "card field value": lambda s: as_json(render_content(Content.of(
        Card(title="t", fields=(Field(label="l", value=paragraph(s)),))))),
    "card body": lambda s: as_json(render_content(Content.of(Card(title="t", body=(paragraph(s),))))),
    "card footer": lambda s: as_json(render_content(Content.of(Card(title="t", footer=s)))),
    "unpinged mention": lambda s: as_json(render_content(
        Content.of(Mention(account=account(BUDI), display_name=s)), ping=(PRIYA,))),
    "choice prompt": lambda s: as_json(render_choice(ask("a", prompt=Content.text(s)))),
    "button label": lambda s: as_json(render_choice(ask(s, "b"))),
    "select label": lambda s: as_json(render_choice(ask(s, "b", "c", "d", "e", "f"))),
    "modal title": lambda s: render_modal(form(FormField(key="k", label="l"), title=s)),
    "modal label": lambda s: render_modal(form(FormField(key="k", label=s))),
    "modal placeholder": lambda s: render_modal(form(FormField(key="k", label="l", hint=s))),
    "modal choice": lambda s: render_modal(form(FormField(
        key="k", label="l", kind=FieldKind.CHOICE, choices=(Choice(label=s, value="v"),)))),
    "modal error": lambda s: modal_error_message(form(FormField(key="k", label=s), errors=(("k", s), ("x", s)))),
}


@pytest.mark.parametrize("typed", INJECTIONS)
@pytest.mark.parametrize("path", PATHS)
def test_user_text_never_becomes_a_live_token(path: str, typed: str) -> None:
    assert live(PATHS[path](typed)) == []


@pytest.mark.parametrize("typed", INJECTIONS)
@pytest.mark.parametrize("path", [p for p in PATHS if not p.startswith("modal")])
def test_messages_never_allow_a_ping_by_parsing(path: str, typed: str) -> None:
    for message in PATHS[path](typed):
        assert message["allowed_mentions"] == NO_PINGS


@pytest.mark.parametrize("typed", INJECTIONS)
def test_markdown_in_user_text_is_escaped_so_it_shows_as_typed(typed: str) -> None:
    [message] = render_content(Content.text(typed))
    assert not set(bare(message.content)) & set("*_~`|[]\\")
    assert unescape(message.content) == typed


@pytest.mark.parametrize("typed", INJECTIONS)
@pytest.mark.parametrize("path", ["text", "card field value", "card body"])
def test_user_text_still_reads_as_typed(path: str, typed: str) -> None:
    assert any(typed in unescape(s) for s in shown_strings(PATHS[path](typed)))


@pytest.mark.parametrize("typed", INJECTIONS)
@pytest.mark.parametrize("path", ["code", "button label", "modal label"])
def test_text_without_markdown_reads_as_typed_but_for_invisible_spaces(path: str, typed: str) -> None:
    shown = [s.replace(ZWSP, "").replace("\u02cb", "`") for s in shown_strings(PATHS[path](typed))]
    assert any(typed.replace(ZWSP, "").split("\n")[0] in s for s in shown)


@pytest.mark.parametrize("typed", INJECTIONS)
def test_a_link_label_cannot_add_a_link_of_its_own(typed: str) -> None:
    text = content_of(Link(url="https://example.org", label=typed))
    label = escape(" ".join(typed.splitlines()))
    assert text == f"[{label}](https://example.org)"
    assert "[" not in bare(label) and "]" not in bare(label)


def test_escaping_is_undone_exactly_by_unescape() -> None:
    typed = "a\\b *c* _d_ ~e~ `f` |g| [h] <i> @everyone\n# j\n- k\n> l\n12. m"
    assert unescape(escape(typed)) == typed


def test_line_start_markers_are_escaped_only_where_they_would_format() -> None:
    assert escape("# title\n-# small\n> quote\n- item\n+ item\n3. item") == (
        "\\# title\n\\-# small\n\\> quote\n\\- item\n\\+ item\n3\\. item")
    assert escape("a # b - c > d 3. e") == "a # b - c > d 3. e"


def test_a_bare_url_keeps_its_underscores_so_the_link_still_works() -> None:
    assert escape("see https://example.org/a_b*c now_") == "see https://example.org/a_b*c now\\_"


def test_a_url_ends_at_a_backtick_so_every_bare_backtick_is_our_own() -> None:
    assert escape("https://a.example/x`y`") == "https://a.example/x\\`y\\`"


def test_a_url_cannot_smuggle_a_masked_link() -> None:
    assert escape("https://a.example/[x](https://evil.example)") == (
        "https://a.example/\\[x\\](https://evil.example)")


def test_a_lone_angle_bracket_before_a_space_is_left_alone() -> None:
    assert escape("a < b") == "a < b"
    assert escape("a<") == f"a<{ZWSP}"  # the next node could start a token


def test_everyone_split_across_two_nodes_is_still_defused() -> None:
    assert content_of("@", "everyone", " and <", "@123456789012345678>") == (
        f"@{ZWSP}everyone and <{ZWSP}@123456789012345678>")


# --- mentions and allowed_mentions --------------------------------------------------------------


def test_only_pinged_snowflakes_become_mentions_and_only_they_are_allowed() -> None:
    content = Content.of(paragraph(Mention(account=account(PRIYA), display_name="Priya"), " and ",
                                   Mention(account=account(BUDI), display_name="Budi")))
    [message] = render_content(content, ping=[PRIYA])
    assert message.content == f"<@{PRIYA}> and @Budi"
    assert message.allowed_mentions == {"parse": [], "users": [PRIYA], "roles": [], "replied_user": False}


@pytest.mark.parametrize("forged", ["U0PRIYA", "123", "1234567890123456789012", "1>|<@&1234567890123456789", ""])
def test_a_pinged_id_that_is_not_a_snowflake_is_shown_by_name(forged: str) -> None:
    [message] = render_content(Content.of(Mention(account=account(forged), display_name="x")), ping=[forged])
    assert message.content == "@x"
    assert message.allowed_mentions == NO_PINGS


def test_a_display_name_that_spells_everyone_cannot_ping() -> None:
    assert content_of(Mention(account=account(BUDI), display_name="everyone")) == f"@{ZWSP}everyone"


def test_allowed_mentions_lists_users_only_never_roles_or_everyone() -> None:
    assert allowed_mentions([PRIYA, "U0X", PRIYA, BUDI]) == {
        "parse": [], "users": [PRIYA, BUDI], "roles": [], "replied_user": False}


def test_a_message_allows_only_the_pinged_users_it_mentions() -> None:
    content = Content.of(paragraph(Mention(account=account(PRIYA), display_name="P")), "x" * 1_990,
                         paragraph(Mention(account=account(BUDI), display_name="B")))
    messages = render_content(content, ping=[PRIYA, BUDI])
    assert [m.allowed_mentions["users"] for m in messages] == [[PRIYA], [], [BUDI]]


# --- inlines ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("style", "letter"), [("full", "F"), ("date", "D"), ("time", "t"), ("relative", "R")])
def test_timestamps_are_discord_tokens_read_in_each_readers_zone(style: TimestampStyle, letter: str) -> None:
    assert content_of(Timestamp(instant=AT, style=style)) == f"<t:{UNIX_AT}:{letter}>"


@pytest.mark.parametrize("instant", [AT.astimezone(timezone(timedelta(hours=7))), AT.replace(tzinfo=None)])
def test_a_timestamp_is_the_same_instant_whatever_zone_it_was_built_in(instant: datetime) -> None:
    assert content_of(Timestamp(instant=instant)) == f"<t:{UNIX_AT}:F>"


def test_a_timestamp_before_1970_rounds_down() -> None:
    instant = datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC)
    assert content_of(Timestamp(instant=instant, style="date")) == "<t:-1:D>"


def test_strong_and_italic_emphasis() -> None:
    assert content_of("the ", Emphasis(text="deadline"), " moved ", Emphasis(text="maybe", strong=False)) == (
        "the **deadline** moved *maybe*")


def test_emphasis_escapes_its_text_and_hugs_the_words() -> None:
    assert content_of(Emphasis(text=" a*b_c ")) == " **a\\*b\\_c** "
    assert content_of(Emphasis(text="one\ntwo", strong=False)) == "*one*\n*two*"


def test_inline_code_wraps_in_backticks_and_a_backtick_inside_is_a_look_alike() -> None:
    assert content_of(Code(text="a`b *c*")) == "`a\u02cbb *c*`"


def test_inline_code_too_long_to_stay_whole_is_escaped_text_so_a_cut_cannot_free_its_markdown() -> None:
    line = "a " * 1_200 + "[x](https://evil.example) **b**"
    messages = render_content(Content.of(Code(text=f"short [y](https://e.example)\n{line}")))
    assert messages[0].content.startswith("`short [y](https://e.example)`\n")
    for message in messages:
        outside_code = re.sub(r"`[^`\n]*`", "", message.content)
        assert not {"[", "*"} & set(bare(outside_code))


def test_a_link_to_an_http_url_is_a_masked_link_with_an_escaped_label() -> None:
    assert content_of(Link(url="https://example.org/a_b?c=1&d=2", label="Q*A")) == (
        "[Q\\*A](https://example.org/a_b?c=1&d=2)")


def test_parentheses_spaces_and_at_signs_in_a_url_are_percent_encoded() -> None:
    assert content_of(Link(url="https://example.org/a (b)/@everyone", label="x")) == (
        "[x](https://example.org/a%20%28b%29/%40everyone)")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "mailto:a@example.org", "/relative", "discord://x",
                                 "https://", "https://bank.example@evil.example/", "http://[::1"])
def test_a_link_to_anything_but_a_plain_http_url_shows_its_label_only(url: str) -> None:
    assert content_of(Link(url=url, label="docs")) == "docs"


def test_a_link_without_a_label_shows_the_url_without_a_preview() -> None:
    assert content_of(Link(url="https://example.org", label=" ")) == "<https://example.org>"


def test_a_link_too_long_for_one_token_shows_its_label_only() -> None:
    assert content_of(Link(url="https://example.org/" + "a" * 3_000, label="docs")) == "docs"


# --- blocks -------------------------------------------------------------------------------------


def test_a_paragraph_is_message_content() -> None:
    assert render_content(Content.text("hello")) == [
        DiscordMessage(content="hello", embeds=[], components=[], allowed_mentions=NO_PINGS)]


def test_paragraphs_are_lines_and_lists_use_discords_markers() -> None:
    content = Content.of("Today", bullets(["one", "- two"]), bullets(["a", "b"], numbered=True))
    assert content_of_all(content) == "Today\n- one\n- \\- two\n1. a\n2. b"


def content_of_all(content: Content) -> str:
    [message] = render_content(content)
    return message.content


def test_a_code_block_is_fenced_and_its_backticks_cannot_close_the_fence() -> None:
    text = content_of_all(Content.of(CodeBlock(text="if a < b:\n    x = `y````")))
    assert text == f"```\nif a < b:\n    x = `y`{ZWSP}`{ZWSP}`{ZWSP}`\n```"


def test_a_long_code_block_is_fenced_in_every_message() -> None:
    code = "\n".join(f"line {i} <x>" for i in range(400))
    messages = render_content(Content.of(CodeBlock(text=code)))
    assert len(messages) > 1
    fenced = [m.content.removesuffix("\n") for m in messages]  # the line break between pieces ends a piece
    assert all(f.startswith("```\n") and f.endswith("\n```") for f in fenced)
    assert all(len(m.content) <= MAX_CONTENT for m in messages)
    assert "\n".join(f[4:-4] for f in fenced).replace(ZWSP, "") == code


@pytest.mark.parametrize("content", [Content(), Content.text(""), Content.text("  \n "), Content.of(CodeBlock(text="")),
                                     Content.of(Card(title="")), Content.of(BulletList(items=()))])
def test_empty_content_is_one_placeholder_message_since_discord_refuses_an_empty_one(content: Content) -> None:
    assert render_content(content) == [
        DiscordMessage(content=EMPTY_TEXT, embeds=[], components=[], allowed_mentions=NO_PINGS)]


# --- cards as embeds ----------------------------------------------------------------------------


def embed_limits_hold(messages: list[DiscordMessage]) -> None:
    """Discord's embed limits, counted the way discord.py counts them."""
    for message in messages:
        assert len(message.embeds) <= 10
        assert sum(len(discord.Embed.from_dict(e)) for e in message.embeds) <= 6_000
        for embed in message.embeds:
            assert len(embed.get("title", "")) <= 256
            assert len(embed.get("description", "")) <= 4_096
            assert len(embed.get("fields", [])) <= 25
            assert len(embed.get("footer", {}).get("text", "")) <= 2_048
            for item in embed.get("fields", []):
                assert 1 <= len(item["name"]) <= 256 and 1 <= len(item["value"]) <= 1_024
                assert item["inline"] is False


def test_a_card_is_one_embed() -> None:
    card = Card(title="Standup", fields=(Field(label="Yesterday", value=paragraph("shipped")),),
                body=(paragraph("All good"),), footer="3 of 4 answered")
    [message] = render_content(Content.of(card))
    assert message.content == ""
    assert message.embeds == [{"title": "Standup", "description": "All good",
                               "fields": [{"name": "Yesterday", "value": "shipped", "inline": False}],
                               "footer": {"text": "3 of 4 answered"}, "color": 0x1F5F6B}]


def test_a_footer_shows_no_markdown_so_it_is_not_backslash_escaped() -> None:
    [message] = render_content(Content.of(Card(title="t", footer="*3* of <4> @here")))
    assert message.embeds[0]["footer"] == {"text": f"*3* of <{ZWSP}4> @{ZWSP}here"}


def test_an_empty_field_label_or_value_is_a_zero_width_blank() -> None:
    [message] = render_content(Content.of(Card(title="t", fields=(Field(label=" ", value=paragraph("")),))))
    assert message.embeds[0]["fields"] == [{"name": ZWSP, "value": ZWSP, "inline": False}]


def test_text_before_a_card_carries_it_and_text_after_starts_a_new_message() -> None:
    messages = render_content(Content.of("before", Card(title="A"), Card(title="B"), "after"))
    assert [(m.content, [e["title"] for e in m.embeds]) for m in messages] == [
        ("before", ["A", "B"]), ("after", [])]


def test_long_card_parts_are_cut_with_an_ellipsis() -> None:
    card = Card(title="T" * 300, fields=(Field(label="L" * 300, value=paragraph("v" * 2_000)),), footer="f" * 3_000)
    messages = render_content(Content.of(card))
    embed_limits_hold(messages)
    [embed] = [e for m in messages for e in m.embeds if "title" in e]
    assert embed["title"].endswith("\u2026") and embed["fields"][0]["value"].endswith("\u2026")


def test_thirty_fields_continue_in_a_second_embed() -> None:
    card = Card(title="t", fields=tuple(Field(label=f"L{i}", value=paragraph(f"v{i}")) for i in range(30)))
    [message] = render_content(Content.of(card))
    assert [len(e["fields"]) for e in message.embeds] == [25, 5]
    assert [f["name"] for e in message.embeds for f in e["fields"]] == [f"L{i}" for i in range(30)]


def test_a_body_past_4096_characters_continues_in_more_descriptions_without_loss() -> None:
    body = tuple(paragraph(f"line {i} " + "x" * 90) for i in range(100))
    messages = render_content(Content.of(Card(title="t", body=body)))
    embed_limits_hold(messages)
    descriptions = [e["description"] for m in messages for e in m.embeds]
    assert len(descriptions) >= 3
    assert "".join(descriptions).replace("\n", "") == "".join(f"line {i} " + "x" * 90 for i in range(100))


def test_embeds_past_10_or_6000_characters_go_to_further_messages() -> None:
    small = render_content(Content.of(*[Card(title=f"c{i}") for i in range(12)]))
    assert [len(m.embeds) for m in small] == [10, 2]
    big = render_content(Content.of(*[Card(title=f"c{i}", body=(paragraph("x" * 2_500),)) for i in range(5)]))
    embed_limits_hold(big)
    assert [len(m.embeds) for m in big] == [2, 2, 1]


def test_an_enormous_card_never_breaks_a_limit() -> None:
    card = Card(title="t" * 500, body=tuple(paragraph("b" * 3_000) for _ in range(5)), footer="f" * 5_000,
                fields=tuple(Field(label="n" * 400, value=paragraph("v" * 1_500)) for _ in range(60)))
    embed_limits_hold(render_content(Content.of(card)))


# --- Discord's 2,000 characters -----------------------------------------------------------------


def test_a_long_paragraph_is_cut_at_a_line_break_before_a_word_boundary() -> None:
    text = "a" * 1_500 + "\n" + "b " * 400
    messages = render_content(Content.text(text))
    assert messages[0].content == "a" * 1_500 + "\n"
    assert "".join(m.content for m in messages) == text


def test_an_escape_at_the_cut_stays_whole() -> None:
    messages = render_content(Content.text("a" * 1_998 + "**"))
    assert [m.content for m in messages] == ["a" * 1_998, "\\*\\*"]


def test_a_token_at_the_cut_stays_whole() -> None:
    messages = render_content(Content.of(paragraph("a" * 1_990, Timestamp(instant=AT))))
    assert messages[1].content == f"<t:{UNIX_AT}:F>"


def test_a_piece_starting_mid_line_cannot_become_a_heading_or_quote() -> None:
    messages = render_content(Content.text("a " * 999 + "# b > c"))
    assert messages[1].content == "\\# b > c"
    assert unescape("".join(m.content for m in messages)) == "a " * 999 + "# b > c"


WORD = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="\u200b\r"), min_size=1, max_size=12)
    .filter(lambda w: not any(c.isspace() for c in w)),
    st.sampled_from(["#", "-#", ">", ">>>", "-", "+", "1.", "12.", "*", "**", "\\", "<", "@", "everyone",
                     "https://example.org/a_b", "<@123456789012345678>", "<t:0:R>", "[x](https://e.example)",
                     "`", "```", "||", "~~", "_"]),
)
PIECE = st.tuples(WORD, st.sampled_from([" ", "\n", " ", " "]))


@settings(max_examples=60, deadline=None)
@given(pieces=st.lists(PIECE, min_size=1, max_size=40), repeat=st.integers(min_value=1, max_value=150))
def test_any_text_splits_under_the_limit_and_reads_back_exactly(pieces: list[tuple[str, str]], repeat: int) -> None:
    text = "".join(w + s for w, s in pieces) * repeat
    messages = render_content(Content.text(text))
    assert all(0 < len(m.content) <= MAX_CONTENT and m.content.strip() for m in messages)
    assert "".join(unescape(m.content) for m in messages) == text
    assert live(as_json(messages)) == []
    assert all(m.allowed_mentions == NO_PINGS for m in messages)


OUR_TOKEN = re.compile(r"<(?:t:-?\d+:[FDtR]|@\d{17,20})>")
INLINE = st.one_of(
    WORD.map(lambda w: Text(text=w + " ")),
    st.just(Timestamp(instant=AT, style="relative")),
    st.just(Mention(account=account(PRIYA), display_name="Priya")),
    st.just(Link(url="https://example.org/(x)", label="a [label]")),
    WORD.map(lambda w: Emphasis(text=w)),
    WORD.map(lambda w: Code(text=w)),
)


@settings(max_examples=60, deadline=None)
@given(inlines=st.lists(INLINE, min_size=1, max_size=30), repeat=st.integers(min_value=1, max_value=120))
def test_a_cut_never_falls_inside_a_token_or_an_escape(inlines: list[Inline], repeat: int) -> None:
    nodes = tuple(inlines) * repeat
    messages = render_content(Content.of(Paragraph(inlines=nodes)), ping=[PRIYA])
    expected = sum(isinstance(n, Timestamp | Mention) for n in nodes)
    links = sum(isinstance(n, Link) for n in nodes)
    for m in messages:
        assert len(m.content) <= MAX_CONTENT
        rest = OUR_TOKEN.sub("", m.content)
        assert not re.search(r"<(?![\s\u200b])", rest), "a token was cut"
        assert len(m.content) - len(m.content.rstrip("\\")) in (0, 2, 4), "an escape was cut"
        assert m.allowed_mentions["users"] == ([PRIYA] if f"<@{PRIYA}>" in m.content else [])
    assert sum(len(OUR_TOKEN.findall(m.content)) for m in messages) == expected
    assert sum(m.content.count("](https://example.org/%28x%29)") for m in messages) == links


@settings(max_examples=60, deadline=None)
@given(text=st.text(st.characters(codec="utf-8"), max_size=300), repeat=st.integers(1, 30))
def test_arbitrary_text_never_passes_the_limit_or_comes_alive(text: str, repeat: int) -> None:
    messages = render_content(Content.of(text * repeat, Card(title=text, footer=text), CodeBlock(text=text * repeat)))
    assert all(len(m.content) <= MAX_CONTENT for m in messages)
    assert live(as_json(messages)) == []
