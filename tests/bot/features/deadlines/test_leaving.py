"""Assignees who leave the workspace are taken off their deadlines, and the creator is told."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.core.actions import Action, SendResult
from bot.core.events import MemberLeft
from bot.core.identity import ConversationRef
from bot.scheduling.sender import USER_LEFT, PermanentSendError
from storage.session import Database
from tests.bot.features.deadlines.team import Harness, account, seed_team


async def test_a_member_who_leaves_is_taken_off_and_the_creator_is_told(db: Database, clock: ManualClock) -> None:
    await seed_team(db, clock.now())
    h = Harness(db, clock)
    await h.who("priya").run('/deadline add "Ship v2.3" Fri 17:00 for <@liam> <@jonas> remind 1d')
    await h.who("priya").run('/deadline add "Docs" Tue 12:00 for <@liam>')
    liam = account("liam")
    assert h.router is not None
    said = await h.router.handle(MemberLeft(platform="shell", event_id="left-1", actor=liam,
                                            conversation=ConversationRef.dm(liam), at=clock.now()),
                                 h.who("liam").caps)
    assert said == []  # nothing is said to someone who is gone
    await h.advance(timedelta(days=8))
    told = [s for s in h.to("priya") if "left the workspace" in s.text]
    assert len(told) == 1
    assert "#1 *Ship v2.3*" in told[0].text and "#2 *Docs*" in told[0].text
    assert "/deadline edit 1 for @member" in told[0].text
    assert [s for s in h.to("liam") if "is due in" in s.text] == []
    assert [s for s in h.to("jonas") if "is due in" in s.text]  # the others are still reminded
    assert "#1" in await h.who("priya").run("/deadline list team")


class _Gone(Harness):
    """A platform on which Liam's account is gone: every DM to him fails for good."""

    async def perform(self, action: Action) -> SendResult:
        if action.to.conversation_id == "liam":
            raise PermanentSendError(USER_LEFT)
        return await super().perform(action)


async def test_a_reminder_that_cannot_reach_a_departed_assignee_is_reported_to_the_creator(
        db: Database, clock: ManualClock) -> None:
    """Discord says nothing when someone leaves a server (without the members intent); the failed DM does."""
    await seed_team(db, clock.now())
    h = _Gone(db, clock)
    await h.who("priya").run('/deadline add "Ship v2.3" Fri 17:00 for <@liam>')
    await h.advance(timedelta(hours=1))
    report = [s for s in h.to("priya") if "could not be delivered" in s.text]
    assert len(report) == 1 and "the person has left the workspace" in report[0].text
