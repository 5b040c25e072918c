"""`/rekan forget-me`: asked first, then every row of the workspace that names the member goes in one
transaction, the team's deadlines, standups, polls and series keep working, and she can start again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.core.actions import AskChoice, Send
from bot.core.content import Content
from bot.core.identity import ConversationKind, ConversationRef, WorkspaceRef
from bot.core.render_text import render_plain
from bot.core.serialize import action_from_dict
from bot.features.rekan.forget import FORGET_KEY, forget
from bot.scheduling.outbox import PlannedDelivery, enqueue
from storage.models import DeliveryRow, MeetingPollRow, MeetingSeriesRow, MemberRow, StandupRow
from storage.repositories import meetings, members, privacy
from storage.repositories.privacy import TOMBSTONE
from storage.session import Database
from tests.bot.features.rekan.world import NADIA, START, World, build, traces
from tests.support import snapshot

EVERY_KIND_OF_ROW = {"members", "days_off", "deadlines", "deadline_assignees", "deliveries", "pending_prompts",
                     "key_values", "processed_events", "standups", "standup_members", "standup_answers",
                     "meeting_polls", "meeting_series", "dm_channels"}


@pytest.fixture
async def w(db: Database) -> World:
    return await build(db)


async def _forget(w: World) -> str:
    nadia = w.nadia()
    await nadia.run("/rekan forget-me")
    [ask] = nadia.last
    assert isinstance(ask, AskChoice) and ask.key == FORGET_KEY
    assert [c.value for c in ask.choices] == ["yes", "no"]
    return await nadia.click(FORGET_KEY, "yes")


async def test_after_forgetting_no_row_of_the_workspace_names_her(w: World, db: Database) -> None:
    assert set(await traces(db, w.ws)) == EVERY_KIND_OF_ROW  # the scan sees her everywhere first
    elsewhere = await traces(db, w.other_ws)
    said = await _forget(w)
    assert await traces(db, w.ws) == {}
    left = await traces(db, w.other_ws)  # her other workspace keeps all of hers (event ids belong to none)
    assert left == {k: v for k, v in elsewhere.items() if k != "processed_events"}
    assert said.splitlines() == [
        "Done: I have forgotten you in this workspace. What I removed:",
        "• your profile (time zone, working hours, language, country and role)",
        "• days off: 1",
        "• your own deadlines and reminders, deleted: 2",
        "• team deadlines kept for the others, without you: 3",
        "• standups you were in: 2, with 2 answer(s) of yours deleted",
        "• standups you owned, now without an owner (a manager can give them one): 1",
        "• meeting polls you were in or voted in, now without you: 2 (of yours, closed: 1)",
        "• recurring meetings whose fairness tally no longer counts you: 1",
        "• questions and forms waiting for your answer, dropped: 1",
        "• messages to you not sent yet, withdrawn: 2",
        "• stored copies of sent messages that named you, scrubbed: 7",
        "If you use Rekan here again, you start as someone new.",
    ]


async def test_the_team_keeps_working_without_her(w: World, db: Database) -> None:
    await _forget(w)
    forgot_at = w.clock.now()
    await w.h.advance(timedelta(days=5))  # to Saturday: every deadline is due and past
    assert not [s for s in w.h.sent if s.to == NADIA and s.at >= forgot_at]
    liam = " ".join(s.text for s in w.h.to("liam"))
    assert "Ship v2.3" in liam and "Launch checklist" in liam  # hers and Priya's, still reminded
    [told] = [s for s in w.h.to("priya") if "asked me to forget them" in s.text]
    assert "#4 *Ship v2.3*" in told.text and "#5" not in told.text  # only what is still open
    assert "Nadia" not in told.text
    assert "Daily" in " ".join(s.text for s in w.h.to("#team"))  # the standup still reports
    async with db.read() as s:
        polls = {p.title: p for p in await s.scalars(select(MeetingPollRow))}
        [series] = list(await s.scalars(select(MeetingSeriesRow)))
        sync = await s.scalar(select(StandupRow).where(StandupRow.name == "Sync"))
    assert polls["Retro"].status == "closed" and polls["Retro"].owner_user_id == TOMBSTONE
    assert polls["Planning"].status == "open" and polls["Planning"].votes == {}
    assert sorted(series.members) == ["emma", "liam"] and len(series.picks) == 2  # merged into theirs
    assert series.tally["liam"]["times"] == 1
    assert sync is not None and sync.owner_user_id == TOMBSTONE
    said = await w.h.who("priya").run("/standup edit Sync owner <@liam>")  # a manager gives it a new one
    assert "Sync" in said


async def test_she_can_start_again_as_someone_new(w: World, db: Database) -> None:
    async with db.read() as s:
        before = await s.scalar(select(MemberRow.id).where(MemberRow.user_id == NADIA,
                                                           MemberRow.workspace_id == w.ws))
    await _forget(w)
    said = await w.nadia().run("/tz")
    assert "time zone" in said.lower() and "Asia/Makassar" not in said
    async with db.read() as s:
        again = await s.scalar(select(MemberRow).where(MemberRow.user_id == NADIA,
                                                       MemberRow.workspace_id == w.ws))
    assert again is not None and again.id != before
    assert (again.tz, again.is_manager, again.locale, again.country) == (None, False, None, None)
    assert "call the bank" not in await w.nadia().run("/deadline list")


async def test_answering_no_deletes_nothing(w: World, db: Database) -> None:
    nadia = w.nadia()
    await nadia.run("/rekan forget-me")
    before = await snapshot(db, skip=("processed_events", "pending_prompts"))
    assert await nadia.click(FORGET_KEY, "no") == "All right: nothing was deleted."
    assert await snapshot(db, skip=("processed_events", "pending_prompts")) == before


async def test_a_failure_half_way_forgets_nothing(w: World, db: Database,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    async def boom(*_: object) -> tuple[int, int]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(privacy, "forget_profile", boom)  # the last step before planning again
    before = await snapshot(db)
    said = await w.nadia().run("/rekan forget-me confirm")
    assert "error" in said.lower()
    assert await snapshot(db) == before


async def test_typing_confirm_forgets_at_once_in_her_language(db: Database) -> None:
    w = await build(db, locale="id")
    said = await w.nadia().run("/rekan lupakan-saya konfirmasi")
    assert said.startswith("Beres: saya sudah melupakan Anda di workspace ini. Yang saya hapus:")
    assert "• hari libur: 1" in said
    assert said.endswith("Jika Anda memakai Rekan lagi di sini, Anda mulai sebagai orang baru.")
    assert await traces(db, w.ws) == {}


async def test_a_stray_word_explains_itself(w: World, db: Database) -> None:
    before = await snapshot(db)
    said = await w.nadia().run("/rekan forget-me now")
    assert said.startswith("Type `/rekan forget-me` to be asked first")
    assert await snapshot(db) == before


async def test_a_series_is_rekeyed_for_the_rest_or_deleted_when_nobody_is_left(db: Database) -> None:
    team = ConversationRef(platform="shell", workspace_id="T9", kind=ConversationKind.CHANNEL, conversation_id="team")
    async with db.session() as s:
        ws = (await members.ensure_workspace(s, WorkspaceRef(platform="shell", workspace_id="T9"), now=START)).id
        await members.ensure_member(s, ws, NADIA, now=START, display_name="Nadia Kusuma")
        pair = await meetings.series_for(s, ws, [NADIA, "liam"], 30, by=NADIA, now=START)
        await meetings.record_pick(s, ws, pair.id, 1796023800, {NADIA: 60, "liam": 0}, now=START)
        alone = await meetings.series_for(s, ws, [NADIA], 30, by=NADIA, now=START)
        poll = await meetings.insert_poll(s, ws, conversation=team, owner="liam", title="1:1", minutes=30,
                                          slots=[1796023800], members=[NADIA], series_id=alone.id, now=START)
    async with db.session() as s:
        subj = await privacy.subject(s, ws, NADIA)
        assert subj is not None
        assert await privacy.forget_series(s, subj) == (1, 1)
    async with db.read() as s:
        [row] = list(await s.scalars(select(MeetingSeriesRow)))
        left = await s.get_one(MeetingPollRow, poll.id)
    assert (row.members, row.member_key, row.created_by) == (["liam"], meetings.member_key(["liam"]), TOMBSTONE)
    assert row.tally == {"liam": {"minutes": 0, "times": 0}} and row.picks == [[1796023800, {"liam": 0}]]
    assert left.series_id is None


async def test_a_name_beyond_ascii_is_found_in_stored_json_on_both_engines(db: Database) -> None:
    """JSON is stored with \\u escapes; the search looks for both spellings."""
    name = "Núria Ñandú"
    async with db.session() as s:
        ws = (await members.ensure_workspace(s, WorkspaceRef(platform="shell", workspace_id="T9"), now=START)).id
        await members.ensure_member(s, ws, "U9", now=START, display_name=name)
        liam = ConversationRef(platform="shell", workspace_id="T9", kind=ConversationKind.DM, conversation_id="liam")
        said = [PlannedDelivery(workspace_pk=ws, kind="note", source_id="x", occurrence=str(n), due_at=START,
                                action=Send(to=liam, content=Content.text(f"{name} set this up")))
                for n in range(2)]
        await enqueue(s, said, now=START)
        await s.execute(update(DeliveryRow).where(DeliveryRow.occurrence == "0").values(status="sent"))
    done = await forget(db, ws, "U9", now=START)
    assert (done.scrubbed, done.withdrawn) == (1, 0)
    async with db.read() as s:
        rows = {r.occurrence: r for r in await s.scalars(select(DeliveryRow))}
    assert rows["0"].payload == {"scrubbed": True}
    assert render_plain(action_from_dict(rows["1"].payload).content) == "(forgotten) set this up"  # type: ignore[union-attr]
    assert name.casefold() not in str(await snapshot(db)).casefold()
