"""A standup report full of mention tricks, for the Slack and Discord injection tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.identity import AccountRef, Member
from storage.repositories.standups import ASKED, DONE, AnswerRecord, Question, StandupRecord

TRICKS = ("<!channel> shipped", "@everyone @here deploy", "<!subteam^S1|@devs> <@U0LIAM> <@&123> @channel")


def standup(platform: str, workspace: str, channel: str, *, mention_missing: bool = False) -> StandupRecord:
    return StandupRecord(
        id=1, workspace_pk=1, platform=platform, workspace_external_id=workspace, default_locale="en",
        name="Daily <!here>", channel_id=channel, owner="U0AYU",
        questions=(Question(text="Done?"), Question(text="Next?"), Question(text="Stuck?", kind="blocker")),
        days=frozenset(range(5)), prompt_minute=570, time_mode="member", zone="UTC", report_minute=1020,
        nudge_minutes=(60,), paused=False, members=("U0AYU", "U0LIAM"), updated_at=datetime(2026, 11, 1, tzinfo=UTC),
        mention_missing=mention_missing)


def answers() -> list[AnswerRecord]:
    at = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    """Ayu answered with every trick; Liam was asked and has not answered."""
    return [AnswerRecord(id=1, standup_id=1, day=date(2026, 11, 30), user_id="U0AYU", status=DONE, step=3,
                         answers=TRICKS, skip_reason=None, asked_at=at, answered_at=at, reported=False),
            AnswerRecord(id=2, standup_id=1, day=date(2026, 11, 30), user_id="U0LIAM", status=ASKED, step=0,
                         answers=(), skip_reason=None, asked_at=at, answered_at=None, reported=False)]


def members(platform: str, workspace: str) -> dict[str, Member]:
    return {u: Member(id=n, workspace_pk=1, account=AccountRef(platform=platform, workspace_id=workspace, user_id=u),
                      display_name=f"@everyone {u}") for n, u in enumerate(("U0AYU", "U0LIAM"), 1)}
