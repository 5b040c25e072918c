"""The planner reads standups a page at a time: a pass over many never loads every member at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.features.standups import source as source_module
from bot.features.standups.source import KIND_PROMPT, PAGE, StandupSource
from bot.scheduling.planner import Planner
from storage.repositories import standups as repo
from storage.repositories.standups import MEMBER_TIME, NewStandup, Question
from storage.session import Database
from tests.bot.features.deadlines.team import seed_team
from tests.bot.scheduling.helpers import find


async def test_a_pass_plans_every_standup_in_pages_and_the_next_pass_starts_again(
        db: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = await seed_team(db, clock.now())
    async with db.session() as s:
        for i in range(PAGE * 2 + 3):
            await repo.insert(s, NewStandup(
                workspace_pk=ws, name=f"Team {i}", channel_id=f"C{i:03d}", owner="ayu",
                questions=(Question(text="What did you do?"),), days=frozenset(range(7)), prompt_minute=9 * 60,
                time_mode=MEMBER_TIME, zone="UTC", report_minute=17 * 60, nudge_minutes=(),
                members=("ayu", "liam")), now=clock.now() - timedelta(days=1))
    pages: list[int] = []
    original = repo.active

    async def recording(*args: object, **kwargs: object) -> list[repo.StandupRecord]:
        found = await original(*args, **kwargs)  # type: ignore[arg-type]
        pages.append(len(found))
        return found

    monkeypatch.setattr(source_module.repo, "active", recording)
    planner = Planner(db, clock, [StandupSource()])
    await planner.run()
    assert pages == [PAGE, PAGE, 3]
    prompts = {r.source_id for r in await find(db) if r.kind == KIND_PROMPT}
    assert len(prompts) == PAGE * 2 + 3  # every standup's prompts, none skipped between pages
    pages.clear()
    clock.advance(timedelta(minutes=1))
    assert await planner.run() == 0  # the next pass reads them all again from the first, adds nothing
    assert pages == [PAGE, PAGE, 3]
