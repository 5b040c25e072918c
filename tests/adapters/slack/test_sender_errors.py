"""Slack's failures, sorted: wait and retry (429, 5xx) or record and tell the owner (the rest)."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.sender import classify, split_message_id
from bot.scheduling.sender import PermanentSendError, TransientSendError


def failure(status: int, body: dict[str, object], headers: dict[str, str] | None = None) -> SlackApiError:
    response = AsyncSlackResponse(client=AsyncWebClient(), http_verb="POST", api_url="https://slack.com/api/x",
                                  req_args={}, data=body, headers=headers or {}, status_code=status)
    return SlackApiError("failed", response)


def test_a_429_waits_as_long_as_slack_says() -> None:
    error = classify(failure(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"}))
    assert isinstance(error, TransientSendError) and error.retry_after == 7.0


def test_a_429_pauses_the_whole_workspace_since_slack_does_not_say_which_limit_refused() -> None:
    error = classify(failure(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}))
    assert isinstance(error, TransientSendError) and error.scope == "workspace"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried(status: int) -> None:
    assert isinstance(classify(failure(status, {"ok": False, "error": "internal_error"})), TransientSendError)


@pytest.mark.parametrize("code", ["channel_not_found", "user_not_found", "not_in_channel", "is_archived",
                                  "account_inactive"])
def test_errors_that_will_not_go_away_are_permanent_with_their_code(code: str) -> None:
    error = classify(failure(200, {"ok": False, "error": code}))
    assert isinstance(error, PermanentSendError) and error.code == code


def test_a_message_id_carries_channel_and_ts_for_later_edits() -> None:
    assert split_message_id("C0GENERAL:1764468000.000100") == ("C0GENERAL", "1764468000.000100")
    with pytest.raises(PermanentSendError):
        split_message_id("garbage")


def test_a_proxy_error_page_is_a_transient_failure() -> None:
    assert isinstance(classify(failure(502, "Bad Gateway")), TransientSendError)  # type: ignore[arg-type]
