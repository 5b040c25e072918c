"""Text people type, and names their platforms give them, never ping anyone when Rekan says it back.

Every echo path is driven through the real router (and the real planner and dispatcher for what is sent
later: reminders, standup prompts and reports, late answers), and every action is rendered by the real
Slack and Discord renderers (`tests.security.corpus.leaks`): no `<!channel>`, `<!here>`, `<!everyone>`,
`<!subteam…>`, no user or role token but the ones in `Send.ping`, no live `@everyone`/`@here`, and
Discord's `allowed_mentions` never parses anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.core.actions import Action, AskChoice, Send
from bot.features.meetings.polls import POLL_KEY
from storage.models import DeadlineRow, MeetingPollRow, StandupRow
from storage.session import Database
from tests.bot.features.deadlines.team import Harness
from tests.security.corpus import CORPUS, SHORT, TEXTS, leaks
from tests.security.world import AYU, EMMA, LIAM, PRIYA, Actor, seed, utc
from tests.support import count


@pytest.fixture
def db(lite_db: Database) -> Database:
    """Escaping is the renderers' job, not the database's: SQLite alone keeps the corpus quick."""
    return lite_db


@pytest.fixture
async def h(db: Database) -> Harness:
    clock = ManualClock(utc(2026, 11, 30, 0, 0))  # Monday 00:00 UTC: 07:00 in Jakarta
    await seed(db, clock.now())
    return Harness(db, clock)


def actor(h: Harness, user: str, *, in_channel: bool = False, name: str | None = None) -> Actor:
    assert h.router is not None
    return Actor(h.router, h.clock, user, in_channel=in_channel, name=name)


def sent_since(h: Harness, start: int) -> list[Action]:
    return [s.action for s in h.sent[start:]]


class Leaks:
    """Collects what leaked on every path, so one run reports them all."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.actions = 0

    def check(self, actions: Sequence[Action], where: str) -> None:
        self.actions += len(actions)
        self.found += leaks(actions, where)


async def test_deadline_titles_in_confirmations_lists_reminders_and_answers(h: Harness) -> None:
    ayu, liam = actor(h, AYU), actor(h, LIAM)
    seen = Leaks()
    for label, text in SHORT:
        await ayu.run(f'/deadline add "{text}" in 3 hours for <@{LIAM}> remind 1h')
        seen.check(ayu.last, f"add {label}")
    for n, (label, text) in enumerate(CORPUS):  # Discord's options, long titles (refused) included
        await ayu.command("deadline", "add", options={"title": text, "when": "in 3 hours", "for": f"<@{LIAM}>"})
        seen.check(ayu.last, f"add option {label}")
        if n % 3 == 0:
            await ayu.run(f"/deadline remind me {text} in 3 hours")
            seen.check(ayu.last, f"remind {label}")
    created = await count(h.db, DeadlineRow)
    assert created >= 2 * len(SHORT)  # the titles really were stored, to be echoed below
    for who in (liam, ayu):
        await who.run("/deadline list")
        seen.check(who.last, "list")
    await ayu.run("/deadline list team")
    seen.check(ayu.last, "list team")
    start = len(h.sent)
    await h.advance(timedelta(hours=4))  # each lead reminder, then each "overdue" to the creator
    assert len(h.sent) - start >= created
    seen.check(sent_since(h, start), "reminders")
    for n in range(1, min(created, 40) + 1, 2):
        await liam.run(f"/deadline done {n}")
        seen.check(liam.last, f"done {n}")
        await ayu.run(f"/deadline cancel {n + 1}")
        seen.check(ayu.last, f"cancel {n + 1}")
    await ayu.run("/deadline list overdue")
    seen.check(ayu.last, "list overdue")
    assert not seen.found, "\n".join(seen.found[:30])


DEADLINE_ECHOES = [
    '/deadline add "ok" {x}', '/deadline add "ok" in 2 hours remind {x}', '/deadline add "ok" in 2 hours for {x}',
    "/deadline add {x}", "/deadline {x}", "/deadline list {x}", "/deadline done {x}", "/deadline snooze 1 {x}",
    "/deadline edit 1 {x}", '/deadline edit 1 title "{x}"', "/deadline edit 1 remind {x}", "/deadline edit 1 for {x}",
    "/deadline settings leads {x}", "/deadline settings {x}", "/deadline cancel {x}", "/deadline remind {x}",
]
PROFILE_ECHOES = [
    "/tz set {x}", "/tz hours {x}", "/tz off {x}", "/tz off remove {x}", "/tz country {x}", "/tz {x}",
    "/rekan help {x}", "/rekan lang {x}", "/rekan lang workspace {x}", "/rekan managers add {x}", "/rekan {x}",
    "{x}",
]
MEET_ECHOES = [
    "/meet time {x}", "/meet time tomorrow 3pm {x}", "/meet overlap {x}", "/meet suggest {x}",
    "/meet suggest 30m {x}", "/meet poll {x}", "/meet poll 30m <@" + PRIYA + "> {x}", "/meet vote {x}",
    "/meet vote 1 {x}", "/meet pick {x}", "/meet {x}",
]
STANDUP_ECHOES = [
    "/standup new {x}", '/standup new "ok" in {x}', '/standup new "ok" in #team at {x}',
    '/standup new "ok" in #team days {x}', '/standup new "ok" in #team team {x}',
    '/standup new "ok" in #team for {x}', "/standup pause {x}", "/standup resume {x}", "/standup delete {x}",
    "/standup edit {x}", "/standup edit Daily {x}", "/standup edit Daily team {x}", "/standup edit Daily at {x}",
    "/standup edit Daily owner {x}", "/standup history {x}", "/standup history Daily {x}",
    "/standup report Daily {x}", "/standup export Daily {x}", "/standup stats {x}", "/standup mine Daily {x}",
    "/standup away {x}", "/standup answer {x}", "/standup redo {x}", "/standup {x}",
]


ECHOES = DEADLINE_ECHOES + PROFILE_ECHOES + MEET_ECHOES + STANDUP_ECHOES
SPREAD = 9
"""Each template meets every ninth corpus entry (a different ninth for each) and the mixed one, so every entry
goes through about seven templates and the run stays quick; the fuzz tests cover the rest of the space."""


async def test_refusals_that_quote_the_input_ping_nobody(h: Harness) -> None:
    """Templates that quote what was typed back (most refuse it, with the input in the reason)."""
    ayu = actor(h, AYU, in_channel=True)
    await ayu.run(f'/standup new Daily in #team at 09:30 report 17:00 for <@{LIAM}>')
    await ayu.run('/deadline add "first" in 2 hours')
    seen = Leaks()
    for n, template in enumerate(ECHOES):
        for m, (label, text) in enumerate(CORPUS):
            if (n + m) % SPREAD == 0 or label == "mixed":
                await ayu.run(template.replace("{x}", text))
                seen.check(ayu.last, f"{template} [{label}]")
    assert seen.actions >= len(ECHOES) * len(CORPUS) // SPREAD
    assert not seen.found, "\n".join(seen.found[:30])


async def test_an_unknown_command_or_subcommand_name_pings_nobody(h: Harness) -> None:
    ayu = actor(h, AYU)
    seen = Leaks()
    for n, (label, text) in enumerate(CORPUS):
        if n % 2:
            await ayu.command(text[:100], None, "")
        else:
            await ayu.command("deadline", text[:100], "")
        seen.check(ayu.last, f"command or subcommand name [{label}]")
    assert not seen.found, "\n".join(seen.found[:30])


async def test_tz_lookups_echo_typed_zones_as_text(h: Harness) -> None:
    """`/tz set <text>` answers with choices or an unknown-zone reason quoting the text."""
    ayu = actor(h, AYU)
    seen = Leaks()
    for n, (label, text) in enumerate(CORPUS):
        line = (f"/tz set {text}", f"/tz set Jakarta {text}", f"/tz set {text} Asia/Jakarta")[n % 3]
        if n % 2:
            await ayu.run(line)
        else:
            await ayu.command("tz", "set", options={"zone": text})
        seen.check(ayu.last, f"{line[:30]} [{label}]")
    assert not seen.found, "\n".join(seen.found[:30])


MID_LONG = "<!here> @everyone " * 160
"""An answer just under the 3,000-character limit: the report has to be cut into several sections."""


ACTIVE = 6
"""Standups that keep running (prompts, reports, late answers); the rest are paused once their names have
been echoed by `new`, `pause`, `resume` and `list`."""


async def test_standup_names_questions_and_answers_in_prompts_reports_and_late_threads(h: Harness) -> None:
    ayu, liam, emma = actor(h, AYU, in_channel=True), actor(h, LIAM), actor(h, EMMA)
    seen = Leaks()
    names: list[str] = []
    for n, (label, text) in enumerate(SHORT[::2]):
        name = f"{text[:70]} {n}"
        await ayu.run(f'/standup new "{name}" in #team at 09:30 report 17:00 for <@{LIAM}> <@{EMMA}>')
        seen.check(ayu.last, f"new [{label}]")
        names.append(name)
    assert await count(h.db, StandupRow) == len(names)
    questions = [text for _, text in SHORT]
    active = names[:: len(names) // ACTIVE][:ACTIVE]
    for n, name in enumerate(active):
        asked = questions[n * 7:n * 7 + 4]
        quoted = " ".join(f'"{q}"' for q in asked) + f' "blocker: {questions[-1 - n]}"'
        await ayu.run(f'/standup edit "{name}" questions {quoted}')
        seen.check(ayu.last, f"questions {n}")
        await ayu.run(f'/standup edit "{name}" blockers on mentions on')
        seen.check(ayu.last, f"options {n}")
    for name in names:
        if name not in active:
            await ayu.run(f'/standup pause "{name}"')
            seen.check(ayu.last, "pause")
    await ayu.run(f'/standup resume "{names[1]}"')
    await ayu.run(f'/standup pause "{names[1]}"')
    await ayu.run("/standup list")
    seen.check(ayu.last, "list")
    start = len(h.sent)
    await h.advance(timedelta(hours=15))  # Monday 15:00 UTC: both have been asked (London, New York)
    answers = [*TEXTS, MID_LONG]
    for n in range(len(active) * 5):  # Liam answers every question before the report, from the corpus
        await liam.run(answers[n % len(answers)])
        seen.check(liam.last, "liam answers")
    await h.advance(timedelta(hours=12))  # past every report (17:00 in the zone where it comes last)
    reports = [s for s in h.sent[start:] if s.to == "#team"]
    assert len(reports) >= len(active)
    late: list[Action] = []
    for n in range(len(active) * 5):  # Emma answers after the reports: her answers follow as late replies
        await emma.run(answers[-1 - n % len(answers)])
        seen.check(emma.last, "emma late answers")
        late += [a for a in emma.last if isinstance(a, Send) and a.to.conversation_id == "team" and a.thread]
    assert late, "no late answer was posted under a report"
    seen.check(sent_since(h, start), "prompts, nudges and reports")
    pinged = [a for a in sent_since(h, start) if isinstance(a, Send) and a.ping]
    assert pinged, "no report pinged the members who had not answered: the allowed-ping path went untested"
    for name in active[:3]:
        for line in (f'/standup history "{name}"', f'/standup report "{name}"', f'/standup stats "{name}"',
                     f'/standup mine "{name}"', f'/standup export "{name}"'):
            await ayu.run(line)
            seen.check(ayu.last, line[:40])
    assert not seen.found, "\n".join(seen.found[:30])


async def test_meeting_poll_titles_votes_and_the_picked_result(h: Harness) -> None:
    ayu, priya = actor(h, AYU, in_channel=True), actor(h, PRIYA, in_channel=True)
    seen = Leaks()
    for label, text in SHORT:
        title = re.sub(r'["\u201c\u201d]', "", text)
        await ayu.run(f'/meet poll 30m <@{PRIYA}> <@{EMMA}> "{title}"')
        seen.check(ayu.last, f"poll [{label}]")
        asked = [a for a in ayu.last if isinstance(a, AskChoice)]
        assert asked, f"no poll for {label}: {ayu.last}"
    polls = await count(h.db, MeetingPollRow)
    assert polls == len(SHORT)
    for n in range(1, polls + 1, 3):
        await priya.run(f"/meet vote {n} 1")
        seen.check(priya.last, "vote")
        await priya.click(f"{POLL_KEY}:{n}", "vote:2")
        seen.check(priya.last, "vote button")
        await ayu.click(f"{POLL_KEY}:{n}", "pick")
        seen.check(ayu.last, "pick button")
        await ayu.run(f"/meet pick {n} 1")
        seen.check(ayu.last, "pick")
        assert any(isinstance(a, Send) for a in ayu.last)
    async with h.db.read() as s:
        picked = [p for p in (await s.execute(select(MeetingPollRow))).scalars() if p.status != "open"]
    assert len(picked) == len(range(1, polls + 1, 3))
    assert not seen.found, "\n".join(seen.found[:30])


async def test_display_names_from_the_platform_ping_nobody(h: Harness) -> None:
    """A member whose platform name is a trick: every place that shows a name (poll owner, "said by", a
    deadline's assignee and creator, /tz of someone, the managers list, a standup report) stays inert."""
    seen = Leaks()
    await actor(h, AYU).run(f'/standup new Daily in #team at 09:30 report 17:00 for <@{LIAM}> <@{EMMA}>')
    start = len(h.sent)
    lines = [f'/meet poll 30m <@{PRIYA}> <@{EMMA}> "Sync"', "/meet time tomorrow 3pm",
             f'/deadline add "Report" in 3 hours for <@{LIAM}> <@{PRIYA}>', f"/tz <@{LIAM}>",
             "/rekan managers list", f"/meet overlap <@{LIAM}> <@{PRIYA}>",
             f"/meet suggest 30m <@{PRIYA}> <@{EMMA}>", f"/standup history Daily <@{LIAM}>"]
    for n, (label, text) in enumerate(CORPUS):
        ayu, liam, priya = (actor(h, AYU, in_channel=True, name=text), actor(h, LIAM, name=text),
                            actor(h, PRIYA, name=text))
        await liam.run("/tz")  # the platform's name for Liam is now the trick
        await priya.run("/tz")
        for line in (lines[n % len(lines)], lines[(n + 3) % len(lines)]):
            await ayu.run(line)
            seen.check(ayu.last, f"{line[:30]} [{label}]")
        await ayu.run(f"/tz {text}")
        seen.check(ayu.last, f"tz by name [{label}]")
    await h.advance(timedelta(days=1))  # reminders naming the creator, prompts, a report naming members
    seen.check(sent_since(h, start), "sent later")
    assert not seen.found, "\n".join(seen.found[:30])
