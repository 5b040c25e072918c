"""Slack payloads, as Slack sends them, become the core's neutral events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.slack.render import CHOICE_BLOCK_PREFIX, FIELD_ACTION
from adapters.slack.translate_in import (
    SlackReply,
    action_event,
    command_event,
    member_left_event,
    message_event,
    neutral_text,
    view_closed_event,
    view_submission_event,
)
from bot.core.identity import ConversationKind

AT = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def slash(text: str, channel: str = "C0GENERAL") -> dict[str, str]:
    return {"token": "x", "team_id": "T0TEAM", "team_domain": "acme", "channel_id": channel,
            "channel_name": "general", "user_id": "U0AYU", "user_name": "ayu", "command": "/tz",
            "text": text, "api_app_id": "A0REKAN", "is_enterprise_install": "false",
            "response_url": "https://hooks.slack.com/commands/T0TEAM/1/abc", "trigger_id": "13345224609.738474920.8088930838d88f008e0"}


@pytest.mark.parametrize(("raw", "neutral"), [
    ("set Asia/Jakarta", "set Asia/Jakarta"),
    ("<@U0PRIYA|priya>", "<@U0PRIYA>"),
    ("<@U0PRIYA>", "<@U0PRIYA>"),
    ("<!channel> ship it", "@channel ship it"),
    ("<!here|here> and <!everyone>", "@here and @everyone"),
    ("<!subteam^S0DEVS|@devs> please", "<@&S0DEVS> please"),
    ("<#C0RANDOM|random>", "<#C0RANDOM>"),
    ("see <https://example.org/a?b=1&amp;c=2|the doc>", "see the doc"),
    ("<https://example.org>", "https://example.org"),
    ("a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"),
    ("&amp;lt;!channel&amp;gt;", "&lt;!channel&gt;"),
])
def test_slack_markup_becomes_plain_text_with_neutral_mentions(raw: str, neutral: str) -> None:
    assert neutral_text(raw) == neutral


def test_a_slash_command_in_a_channel() -> None:
    event = command_event(slash("hours 09:00-17:00 Mon-Fri"), at=AT)
    assert (event.name, event.text, event.platform) == ("tz", "hours 09:00-17:00 Mon-Fri", "slack")
    assert (event.actor.workspace_id, event.actor.user_id, event.actor_name) == ("T0TEAM", "U0AYU", "ayu")
    assert event.conversation.kind is ConversationKind.CHANNEL
    assert event.conversation.conversation_id == "C0GENERAL"
    assert event.reply_handle == SlackReply(team_id="T0TEAM", user_id="U0AYU", channel_id="C0GENERAL",
                                            response_url="https://hooks.slack.com/commands/T0TEAM/1/abc",
                                            trigger_id="13345224609.738474920.8088930838d88f008e0")
    assert event.event_id == "command:13345224609.738474920.8088930838d88f008e0"


def test_a_slash_command_in_the_dm_with_rekan_is_a_dm_and_mentions_are_neutral() -> None:
    event = command_event(slash("<@U0PRIYA|priya>", channel="D0DM"), at=AT)
    assert event.conversation.kind is ConversationKind.DM
    assert event.conversation.conversation_id == "U0AYU"
    assert event.text == "<@U0PRIYA>"


def im(text: str, **extra: object) -> dict[str, object]:
    event = {"type": "message", "channel": "D0DM", "user": "U0AYU", "text": text,
             "ts": "1764468000.000100", "channel_type": "im", "team": "T0TEAM", **extra}
    return {"token": "x", "team_id": "T0TEAM", "api_app_id": "A0REKAN", "event": event,
            "type": "event_callback", "event_id": "Ev0MESSAGE", "event_time": 1764468000}


def test_a_dm_to_rekan_is_a_message_with_the_platform_event_id() -> None:
    event = message_event(im("Yesterday: shipped &lt;the&gt; release"))
    assert event is not None
    assert (event.text, event.event_id) == ("Yesterday: shipped <the> release", "Ev0MESSAGE")
    assert event.at == datetime.fromtimestamp(1764468000.0001, UTC)
    assert event.reply_handle.channel_id == "D0DM"


@pytest.mark.parametrize("extra", [
    {"bot_id": "B0REKAN"},
    {"subtype": "message_changed"},
    {"subtype": "channel_join"},
    {"channel_type": "channel"},
])
def test_bot_posts_edits_joins_and_channel_messages_are_not_answers(extra: dict[str, object]) -> None:
    assert message_event(im("hi", **extra)) is None


def click(block_id: str, action: dict[str, object]) -> dict[str, object]:
    return {
        "type": "block_actions", "team": {"id": "T0TEAM", "domain": "acme"},
        "user": {"id": "U0AYU", "username": "ayu", "name": "ayu", "team_id": "T0TEAM"},
        "api_app_id": "A0REKAN", "token": "x", "trigger_id": "1.2.abc",
        "container": {"type": "message", "message_ts": "1764468000.000200", "channel_id": "D0DM",
                      "is_ephemeral": False},
        "channel": {"id": "D0DM", "name": "directmessage"},
        "response_url": "https://hooks.slack.com/actions/T0TEAM/2/def",
        "actions": [{"block_id": block_id, "action_ts": "1764468001.000300", **action}],
    }


def test_a_button_click_names_the_prompt_key_and_the_value() -> None:
    body = click(CHOICE_BLOCK_PREFIX + "profile.tz.pick:abc",
                 {"action_id": "rekan.choice.1", "type": "button", "value": "Asia/Makassar",
                  "text": {"type": "plain_text", "text": "WITA"}})
    event = action_event(body, at=AT)
    assert event is not None
    assert (event.key, event.value) == ("profile.tz.pick:abc", "Asia/Makassar")
    assert event.conversation.kind is ConversationKind.DM
    assert event.reply_handle.response_url == "https://hooks.slack.com/actions/T0TEAM/2/def"


def test_a_select_picks_its_selected_option() -> None:
    body = click(CHOICE_BLOCK_PREFIX + "k", {"action_id": "rekan.choice.select", "type": "static_select",
                                             "selected_option": {"value": "v7", "text": {"type": "plain_text",
                                                                                          "text": "Seven"}}})
    event = action_event(body, at=AT)
    assert event is not None and event.value == "v7"


def test_a_click_on_something_that_is_not_rekans_choice_is_ignored() -> None:
    assert action_event(click("other_block", {"action_id": "x", "type": "button", "value": "1"}), at=AT) is None


def view(**extra: object) -> dict[str, object]:
    state = {"values": {"zone": {FIELD_ACTION: {"type": "plain_text_input", "value": "Jakarta"}},
                        "hours": {FIELD_ACTION: {"type": "plain_text_input", "value": None}}}}
    return {"type": "view_submission", "team": {"id": "T0TEAM", "domain": "acme"},
            "user": {"id": "U0AYU", "username": "ayu", "name": "ayu", "team_id": "T0TEAM"},
            "api_app_id": "A0REKAN", "token": "x", "trigger_id": "3.4.ghi",
            "view": {"id": "V0SETUP", "type": "modal", "callback_id": "rekan.form",
                     "private_metadata": "profile.setup", "state": state, "hash": "1764468000.abc"},
            "response_urls": [], **extra}


def test_a_modal_submission_carries_the_form_key_and_field_values() -> None:
    event = view_submission_event(view(), at=AT)
    assert event.key == "profile.setup"
    assert dict(event.values) == {"zone": "Jakarta", "hours": ""}
    assert event.event_id == "view:V0SETUP:1764468000.abc"
    assert event.reply_handle.trigger_id == "3.4.ghi"


def test_closing_a_modal_is_a_form_closed_event() -> None:
    body = view()
    body["type"] = "view_closed"
    event = view_closed_event(body, at=AT)
    assert event.key == "profile.setup" and event.actor.user_id == "U0AYU"


def test_a_deactivated_account_is_a_member_who_left() -> None:
    """Slack's `user_change` with `deleted: true` (recorded shape, trimmed) is the only sign an account left."""
    body = {"team_id": "T0TEAM", "event_id": "Ev0LEFT", "type": "event_callback",
            "event": {"type": "user_change", "user": {"id": "U0LIAM", "team_id": "T0TEAM", "name": "liam",
                                                      "deleted": True, "is_bot": False,
                                                      "profile": {"display_name": "Liam"}}}}
    left = member_left_event(body, AT)
    assert left is not None and left.actor.user_id == "U0LIAM" and left.actor.workspace_id == "T0TEAM"
    assert left.event_id == "Ev0LEFT" and left.actor_name == "Liam"


@pytest.mark.parametrize("user", [{"id": "U0LIAM", "deleted": False}, {"id": "B0BOT", "deleted": True,
                                                                         "is_bot": True}])
def test_other_profile_changes_are_not_leaving(user: dict[str, object]) -> None:
    assert member_left_event({"team_id": "T0TEAM", "event": {"type": "user_change", "user": user}}, AT) is None
