"""Authorization: every admin-, manager-, owner- or member-only action, tried by someone without the right,
is refused with a reason and changes no row; the same action by someone with the right does act.

Found by reading the specs' `permission` (only `/rekan managers` is declared ADMIN) and the handlers' own
checks: `/rekan lang workspace` and `/deadline settings <change>` (admins), assigning to others while the
workspace's setting says managers (`add`, `edit … for`, the form), editing and cancelling someone else's
deadline, anything on another member's personal reminder (even for admins), snoozing what is not yours,
configuring a standup one does not own (managers may), reading a standup one is not in, picking a poll's
slot without owning it, recording a weekly series pick without being in it, and answering a choice or a
form that was offered to someone else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from bot.features.deadlines.create import FORM_KEY as DEADLINE_FORM
from bot.features.profile.commands import PICK_KEY as ZONE_PICK
from tests.security.world import AYU, EMMA, LIAM, NOOR, PRIYA, World, attempt
from tests.support import snapshot

ADMINS = r"Only workspace admins"
OWNER = r"Only the standup's owner"
NOT_MANAGER = r"Only managers"
NOT_YOURS = r"is not yours to change"
NOT_SEEN = r"There is no deadline #\d+ that you can see|expired or was already answered"
NOT_MEMBER = r"Only the members, the owner, managers and admins see"
POLL_OWNER = r"Only the person who set up the poll picks"
EXPIRED = r"expired or was already answered"


@dataclass(frozen=True)
class Case:
    who: str
    kind: str
    what: str
    reason: str


def refusals(w: World) -> list[Case]:
    d, r, c, p = w.deadline, w.reminder, w.channel_deadline, w.poll
    return [
        # /rekan managers is declared ADMIN: refused by the router before the handler runs.
        Case(LIAM, "run", f"/rekan managers add <@{EMMA}>", ADMINS),
        Case(LIAM, "run", f"/rekan managers remove <@{PRIYA}>", ADMINS),
        Case(LIAM, "run", "/rekan managers list", ADMINS),
        Case(PRIYA, "run", f"/rekan managers add <@{LIAM}>", ADMINS),
        Case(PRIYA, "run", f"/rekan managers remove <@{PRIYA}>", ADMINS),
        # The handlers' own admin checks.
        Case(LIAM, "run", "/rekan lang workspace id", ADMINS),
        Case(PRIYA, "run", "/rekan lang default id", ADMINS),
        Case(LIAM, "run", "/deadline settings leads 1d,1h", ADMINS),
        Case(LIAM, "run", "/deadline settings assign everyone", ADMINS),
        Case(PRIYA, "run", "/deadline settings assign everyone", ADMINS),
        # Assigning to others while the setting says managers (the default).
        Case(LIAM, "run", f'/deadline add "Yours" tomorrow 9am for <@{EMMA}>', NOT_MANAGER),
        Case(LIAM, "run", '/deadline add "Everyone\'s" tomorrow 9am for #team', NOT_MANAGER),
        Case(LIAM, "run", f"/deadline edit {r} for <@{EMMA}>", NOT_MANAGER),
        Case(LIAM, "form", f"{DEADLINE_FORM} title=Yours|when=tomorrow 9am|for=<@{EMMA}>", NOT_MANAGER),
        # Someone else's deadline: the assignee may finish it, not change or cancel it.
        Case(LIAM, "run", f"/deadline edit {d} title Mine now", NOT_YOURS),
        Case(LIAM, "run", f"/deadline edit {d} when Fri 18:00", NOT_YOURS),
        Case(LIAM, "run", f"/deadline cancel {d}", NOT_YOURS),
        Case(LIAM, "click", f"dl.act:{d} cancel", NOT_YOURS),
        Case(PRIYA, "run", f"/deadline snooze {d} 1h", NOT_YOURS),
        # Someone else's deadline one cannot see at all, and a personal reminder (private even to admins).
        Case(EMMA, "run", f"/deadline done {d}", NOT_SEEN),
        Case(EMMA, "run", f"/deadline snooze {d} 1h", NOT_SEEN),
        Case(EMMA, "click", f"dl.act:{d} done", NOT_SEEN),
        Case(EMMA, "click", f"dl.list done:{d}", NOT_SEEN),
        Case(AYU, "run", f"/deadline done {r}", NOT_SEEN),
        Case(AYU, "run", f"/deadline edit {r} title Seen", NOT_SEEN),
        Case(PRIYA, "run", f"/deadline cancel {r}", NOT_SEEN),
        Case(PRIYA, "click", f"dl.act:{r} done", NOT_SEEN),
        # A member may not configure a standup they do not own.
        Case(LIAM, "run", "/standup edit Daily at 10:00", OWNER),
        Case(LIAM, "run", f"/standup edit Daily owner <@{LIAM}>", OWNER),
        Case(LIAM, "run", f"/standup edit Daily for <@{LIAM}>", OWNER),
        Case(EMMA, "run", "/standup pause Daily", OWNER),
        Case(EMMA, "run", "/standup resume Daily", OWNER),
        Case(LIAM, "run", "/standup delete Daily", OWNER),
        # Nor read one they are not in.
        Case(NOOR, "run", "/standup history Daily", NOT_MEMBER),
        Case(NOOR, "run", "/standup report Daily", NOT_MEMBER),
        Case(NOOR, "run", "/standup export Daily", NOT_MEMBER),
        Case(NOOR, "run", "/standup stats Daily", NOT_MEMBER),
        Case(NOOR, "run", "/standup mine Daily delete today", NOT_MEMBER),
        Case(NOOR, "form", f"su.answer:{w.standup}:{w.day} q0=Mine|q1=Mine|q2=none", EXPIRED),
        # A poll's slot is picked by its owner only; a weekly pick only by the series' members.
        Case(PRIYA, "run", f"/meet pick {p} 1", POLL_OWNER),
        Case(PRIYA, "run", f"/meet pick {p}", POLL_OWNER),
        Case(EMMA, "click", f"meet.poll:{p} pick", POLL_OWNER),
        Case(EMMA, "click", f"meet.poll:{p} pick:2", POLL_OWNER),
        Case(LIAM, "click", f"meet.series:{w.series} {w.slot}", r"Only the people in this meeting can pick"),
        # A choice offered to someone else (Ayu's zone question) cannot be answered by another member.
        Case(LIAM, "click", f"{ZONE_PICK} Asia/Makassar", EXPIRED),
        Case(LIAM, "run", "1", r"."),
        # The channel deadline's buttons, pressed by someone it is not for.
        Case(NOOR, "click", f"dl.act:{c} cancel", NOT_YOURS),
    ]


def controls(w: World) -> list[Case]:
    """The same kinds of action by someone allowed: each one changes rows."""
    d, p = w.deadline, w.poll
    return [
        Case(AYU, "run", f"/rekan managers add <@{EMMA}>", r"is now a manager"),
        Case(AYU, "run", "/rekan lang workspace id", r"."),
        Case(AYU, "run", "/deadline settings leads 1d,1h", r"."),
        Case(PRIYA, "run", f'/deadline add "Yours" tomorrow 9am for <@{EMMA}>', r"Deadline #\d+ set"),
        Case(LIAM, "run", f"/deadline done {d}", r"."),
        Case(AYU, "run", f"/deadline edit {w.channel_deadline} title Renamed", r"."),
        Case(PRIYA, "run", "/standup edit Daily at 10:00", r"."),
        Case(NOOR, "run", f'/deadline add "Mine" tomorrow 9am for <@{NOOR}>', r"set"),
        Case(AYU, "run", f"/meet pick {p} 1", r"."),
        Case(EMMA, "click", f"meet.series:{w.series} {w.slot}", r"."),
        Case(AYU, "click", f"{ZONE_PICK} Asia/Makassar", r"Asia/Makassar"),
        Case(AYU, "run", "/deadline settings assign everyone", r"."),
        Case(LIAM, "run", f'/deadline add "Yours" tomorrow 9am for <@{EMMA}>', r"Deadline #\d+ set"),
    ]


async def run_case(w: World, case: Case) -> str:
    who = w.who(case.who)
    if case.kind == "form":
        key, _, fields = case.what.partition(" ")
        values = dict(item.split("=", 1) for item in fields.split("|"))
        return await who.submit(key, values)
    return await attempt(who, case.kind, case.what)


async def test_every_guarded_action_is_refused_without_the_right_and_changes_nothing(world: World) -> None:
    db = world.h.db
    await world.who(NOOR).run("/tz")
    await world.who(AYU, in_channel=False).run("/tz set Indonesia")  # a choice offered to Ayu alone
    refused: list[str] = []
    for case in refusals(world):
        before = await snapshot(db)
        said = await run_case(world, case)
        if not re.search(case.reason, said, re.IGNORECASE):
            refused.append(f"{case.what!r} by {case.who[-1]}: {said!r}")
        if await snapshot(db) != before:
            refused.append(f"{case.what!r} by {case.who[-1]} changed rows")
    assert not refused, "\n".join(refused)


async def test_the_same_actions_by_someone_allowed_do_act(world: World) -> None:
    db = world.h.db
    await world.who(NOOR).run("/tz")
    await world.who(AYU, in_channel=False).run("/tz set Indonesia")
    for case in controls(world):
        before = await snapshot(db)
        said = await run_case(world, case)
        assert re.search(case.reason, said), f"{case.what!r}: {said!r}"
        assert await snapshot(db) != before, f"{case.what!r} by {case.who[-1]} changed nothing: {said!r}"


@pytest.mark.parametrize("claim", [True, False])
async def test_platform_admin_rights_follow_the_platform_and_rekan_managers_stay_managers(world: World, claim: bool) -> None:
    """A platform that says someone is not an admin (their admin rights were removed) takes them away at once;
    a member of the workspace who was made manager in Rekan stays one whatever the payload says."""
    db = world.h.db
    said = await world.who(AYU, is_admin=claim).run("/deadline settings leads 2h")
    assert bool(re.search(ADMINS, said)) is (not claim), said
    before = await snapshot(db)
    said = await world.who(LIAM, is_admin=False).run(f'/deadline add "Yours" tomorrow 9am for <@{EMMA}>')
    assert re.search(NOT_MANAGER, said) and await snapshot(db) == before, said
    said = await world.who(PRIYA, is_admin=False).run(f'/deadline add "Yours" tomorrow 9am for <@{EMMA}>')
    assert re.search(r"Deadline #\d+ set", said), said
