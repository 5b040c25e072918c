"""Which sends a deadline or reminder owes, and when: lead times, quiet hours, overdue follow-ups, digests.

Every send is named by (kind, source, occurrence) with the occurrence written in the item's own terms
(the deadline's instant or the rule's local wall time, the lead, the recipient), so planning the same
window twice, or on two replicas, or across a DST fall-back day, yields each send once.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

from bot.core.actions import Action
from bot.core.identity import DayOff, Member, WorkingHours
from bot.features.deadlines import messages as msg
from bot.features.deadlines.quiet import next_working, previous_working
from bot.scheduling.outbox import KEY_MAX, PlannedDelivery
from bot.time.phrases.resolve import at_wall
from bot.time.recurrence import Occurrence, Recurrence
from bot.time.zones import get_zone
from storage.repositories.deadlines import DEADLINE, REMINDER, DeadlineRecord
from storage.repositories.privacy import TOMBSTONE

KIND_REMIND = "reminder"
KIND_ASSIGNED = "deadline_assigned"
KIND_OVERDUE = "deadline_overdue"
KIND_DIGEST = "deadline_digest"
OVERDUE_AFTER = timedelta(hours=1)
RECUR_LOOKBACK = timedelta(days=2)
QUIET_REACH = timedelta(days=7)
DEFAULT_HOURS = WorkingHours()
ShiftFn = Callable[[datetime, WorkingHours, Sequence[DayOff], str], datetime]


@dataclass(frozen=True, kw_only=True)
class People:
    """The members a workspace's items mention, and the workspace's language for everyone else."""

    members: Mapping[str, Member]
    default_locale: str

    def reader(self, user_id: str | None) -> msg.Reader:
        return msg.Reader(self.members.get(user_id or ""), self.default_locale)

    def name(self, user_id: str) -> str:
        member = self.members.get(user_id)
        return member.display_name if member and member.display_name else user_id

    def working(self, user_id: str) -> tuple[WorkingHours, Member] | None:
        """Hours to keep quiet around; unknown when the member's zone is unknown."""
        member = self.members.get(user_id)
        if member is None or member.tz is None:
            return None
        return member.hours or DEFAULT_HOURS, member


def instant_key(instant: datetime) -> str:
    """An instant named in UTC: a record fresh from a command carries the setter's zone, one read back
    from the database carries UTC, and both must name the same occurrence."""
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def occurrence_key(*parts: str) -> str:
    """Join the parts; a key too long for the outbox keeps its head and a digest of the whole."""
    key = "|".join(parts)
    if len(key) <= KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[: KEY_MAX - 17]}~{digest}"


def occurrences(record: DeadlineRecord, start: datetime, end: datetime) -> list[Occurrence]:
    """The item's occurrences whose sends may fall in `[start, end)`."""
    if record.rrule is None or record.anchor_local is None:
        return [Occurrence(at=record.due_at, key=instant_key(record.due_at))]
    lead = timedelta(minutes=max(record.leads, default=0))
    # Quiet hours move a reminder back to the previous working window, days earlier over a weekend or a
    # holiday: a run that far ahead may already owe a send inside the window.
    reach = lead + (QUIET_REACH if record.kind == DEADLINE and not record.urgent else timedelta(0))
    anchor = datetime.fromisoformat(record.anchor_local)
    rule = Recurrence(rrule=record.rrule, zone=record.zone, anchor=anchor)
    return rule.between(max(record.planned_from, start - RECUR_LOOKBACK), end + reach)


def current_run(record: DeadlineRecord, now: datetime) -> Occurrence:
    """A repeating item's next run (its key names it in the outbox); a one-off's instant."""
    if record.rrule and record.anchor_local:
        anchor = datetime.fromisoformat(record.anchor_local)
        nxt = Recurrence(rrule=record.rrule, zone=record.zone, anchor=anchor).after(now)
        if nxt is not None:
            return nxt
    return Occurrence(at=record.due_at, key=instant_key(record.due_at))


def _shift(at: datetime, user_id: str, people: People, move: ShiftFn) -> datetime:
    found = people.working(user_id)
    if found is None:
        return at
    hours, member = found
    assert member.tz is not None
    return move(at, hours, member.days_off, member.tz)


def quiet_before(at: datetime, user_id: str, people: People) -> datetime:
    """Back into the member's previous working window (a reminder before a deadline)."""
    return _shift(at, user_id, people, previous_working)


def quiet_after(at: datetime, user_id: str, people: People) -> datetime:
    """On to the start of the member's next working window (a follow-up after a deadline)."""
    return _shift(at, user_id, people, next_working)


@dataclass(frozen=True, kw_only=True)
class Slot:
    """A send the plan owes, named and timed; its message is written only when the outbox lacks it,
    so the planner's pass every minute costs a key lookup, not a thousand rendered messages."""

    workspace_pk: int
    kind: str
    source_id: str
    occurrence: str
    due_at: datetime
    owner_user_id: str
    build: Callable[[], Action]

    @property
    def key(self) -> tuple[str, str, str]:
        return self.kind, self.source_id, self.occurrence

    def planned(self) -> PlannedDelivery:
        return PlannedDelivery(workspace_pk=self.workspace_pk, kind=self.kind, source_id=self.source_id,
                               occurrence=self.occurrence, due_at=self.due_at, action=self.build(),
                               owner_user_id=self.owner_user_id)


def _slot(record: DeadlineRecord, kind: str, occurrence: str, due: datetime,
          build: Callable[[], Action]) -> Slot:
    return Slot(workspace_pk=record.workspace_pk, kind=kind, source_id=record.source_id,
                occurrence=occurrence, due_at=due, owner_user_id=record.creator, build=build)


def recipients(record: DeadlineRecord) -> tuple[str, ...]:
    """Who is reminded by DM: the assignees of a deadline, the owner of a personal reminder."""
    return record.assignees if record.kind == DEADLINE else (record.creator,)


def plan_item(record: DeadlineRecord, people: People, start: datetime, end: datetime) -> list[Slot]:
    """Lead reminders (and overdue follow-ups of one-off deadlines) due before `end`."""
    out: list[Slot] = []
    for occ in occurrences(record, start, end):
        out += _leads(record, people, occ, end)
        if record.kind == DEADLINE and record.rrule is None:
            out += _overdue(record, people, occ, end)
    return out


def sends_of_run(record: DeadlineRecord, people: People, occ: Occurrence) -> list[Slot]:
    """Every reminder one run owes, planned or not yet (a run marked done is withdrawn whole)."""
    return _leads(record, people, occ, occ.at + timedelta(days=1))


def _leads(record: DeadlineRecord, people: People, occ: Occurrence, end: datetime) -> list[Slot]:
    out: list[Slot] = []
    creator = people.name(record.creator)
    quiet = record.kind == DEADLINE and not record.urgent
    for user in recipients(record):
        taken: set[datetime] = set()
        for lead in sorted(record.leads):  # nearest first: two leads moved to one moment send once
            ideal = occ.at - timedelta(minutes=lead)
            send_at = quiet_before(ideal, user, people) if quiet else ideal
            if not record.planned_from <= send_at < end or send_at in taken:
                continue
            taken.add(send_at)
            build = partial(msg.lead_reminder, record, people.reader(user), msg.dm(record, user), occ.at,
                            send_at, creator)
            out.append(_slot(record, KIND_REMIND, occurrence_key(occ.key, str(lead), user), send_at, build))
    for channel_id in [record.channel_id] if record.channel_id else []:
        for lead in record.leads:
            ideal = occ.at - timedelta(minutes=lead)
            if record.planned_from <= ideal < end:
                build = partial(msg.channel_reminder, record, people.reader(None), channel_id, occ.at, ideal)
                key = occurrence_key(occ.key, str(lead), "#" + channel_id)
                out.append(_slot(record, KIND_REMIND, key, ideal, build))
    return out


def _overdue(record: DeadlineRecord, people: People, occ: Occurrence, end: datetime) -> list[Slot]:
    """One follow-up each to the assignees and the creator, in their next working hours unless urgent."""
    out: list[Slot] = []
    ideal = occ.at + OVERDUE_AFTER
    for user in record.assignees:
        send_at = ideal if record.urgent else quiet_after(ideal, user, people)
        if send_at < end:
            build = partial(msg.overdue_assignee, record, people.reader(user), user)
            out.append(_slot(record, KIND_OVERDUE, occurrence_key(occ.key, "over", user), send_at, build))
    send_at = quiet_after(ideal, record.creator, people)
    if send_at < end and record.creator != TOMBSTONE:  # a creator who asked to be forgotten is told nothing
        names = [people.name(u) for u in record.assignees] + [f"#{c}" for c in [record.channel_id] if c]
        build = partial(msg.overdue_creator, record, people.reader(record.creator), names)
        out.append(_slot(record, KIND_OVERDUE, occurrence_key(occ.key, "over", "creator"), send_at, build))
    return out


def digest_source(workspace_pk: int, creator: str) -> str:
    return f"dg:{workspace_pk}:{creator}"


def plan_digests(items: Sequence[DeadlineRecord], people: People, start: datetime,
                 end: datetime) -> list[Slot]:
    """A daily list of a creator's overdue deadlines, at their working day's start, until none is left."""
    by_creator: dict[str, list[DeadlineRecord]] = defaultdict(list)
    for d in items:
        if d.kind == DEADLINE and d.rrule is None and d.creator != TOMBSTONE:
            by_creator[d.creator].append(d)
    out: list[Slot] = []
    for creator, owned in by_creator.items():
        out += _digests_of(creator, owned, people, start, end)
    return out


def _digests_of(creator: str, owned: Sequence[DeadlineRecord], people: People, start: datetime,
                end: datetime) -> list[Slot]:
    member = people.members.get(creator)
    zone = (member.tz if member else None) or "UTC"
    hours = (member.hours if member else None) or DEFAULT_HOURS
    first = owned[0]
    out: list[Slot] = []
    for day in _days(start, end, zone):
        if day.weekday() not in hours.workdays:
            continue
        at = at_wall(day, time(hours.start_minute // 60, hours.start_minute % 60), zone)
        if not start <= at < end:
            continue
        # Only after the creator's own follow-up went out: that message already said it once.
        late = [d for d in owned if quiet_after(d.due_at + OVERDUE_AFTER, creator, people) < at]
        if not late:
            continue
        build = partial(msg.digest, late, people.reader(creator), msg.dm(first, creator), at)
        out.append(Slot(workspace_pk=first.workspace_pk, kind=KIND_DIGEST,
                        source_id=digest_source(first.workspace_pk, creator), occurrence=day.isoformat(),
                        due_at=at, owner_user_id=creator, build=build))
    return out


def _days(start: datetime, end: datetime, zone: str) -> Iterable[date]:
    tz = get_zone(zone)
    day, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


__all__ = [
    "KIND_ASSIGNED",
    "KIND_DIGEST",
    "KIND_OVERDUE",
    "KIND_REMIND",
    "REMINDER",
    "People",
    "plan_digests",
    "plan_item",
]
