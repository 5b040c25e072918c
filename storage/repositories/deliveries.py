"""The deliveries outbox: idempotent inserts, leased claims and guarded marks, on SQLite and PostgreSQL.

Every mark after a claim is guarded by `claimed_by = worker AND status = 'claimed'`, so a worker whose
lease ran out and was taken over can never overwrite the new claimer's outcome.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DeliveryRow, MemberRow, WorkspaceRow

PENDING = "pending"
CLAIMED = "claimed"
SENT = "sent"
EXPIRED = "expired"
FAILED = "failed"

_T = cast(Table, DeliveryRow.__table__)
_INSERT_CHUNK = 500  # 16 bound values a row keeps a chunk under SQLite's variable limit


@dataclass(frozen=True, kw_only=True)
class NewDelivery:
    """One row to insert; the outbox layer builds these from planned deliveries."""

    workspace_pk: int
    kind: str
    source_id: str
    occurrence: str
    due_at: datetime
    payload: dict[str, Any]
    owner_user_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class DeliveryRecord:
    """A delivery as the dispatcher sees it, detached from any session."""

    id: int
    workspace_pk: int
    kind: str
    source_id: str
    occurrence: str
    due_at: datetime
    status: str
    owner_user_id: str | None
    payload: dict[str, Any]
    claimed_by: str | None
    lease_until: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    late: bool
    sent_at: datetime | None
    message_id: str | None
    error: str | None


@dataclass(frozen=True, kw_only=True)
class OwnerContact:
    """Where and in which language to tell an owner about missed deliveries."""

    platform: str
    workspace_external_id: str
    locale: str


def _record(row: RowMapping) -> DeliveryRecord:
    return DeliveryRecord(
        id=row["id"], workspace_pk=row["workspace_id"], kind=row["kind"], source_id=row["source_id"],
        occurrence=row["occurrence"], due_at=row["due_at"], status=row["status"],
        owner_user_id=row["owner_user_id"], payload=row["payload"], claimed_by=row["claimed_by"],
        lease_until=row["lease_until"], attempts=row["attempts"], next_attempt_at=row["next_attempt_at"],
        late=row["late"], sent_at=row["sent_at"], message_id=row["message_id"], error=row["error"],
    )


def _values(new: NewDelivery, now: datetime) -> dict[str, Any]:
    return {
        "workspace_id": new.workspace_pk, "kind": new.kind, "source_id": new.source_id,
        "occurrence": new.occurrence, "due_at": new.due_at, "status": PENDING,
        "owner_user_id": new.owner_user_id, "payload": new.payload, "attempts": 0, "late": False,
        "created_at": now,
    }


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def insert_new(session: AsyncSession, rows: Sequence[NewDelivery], *, now: datetime) -> int:
    """Insert rows whose occurrence key is new; existing keys are left alone. Returns how many were new."""
    return len(await insert_new_ids(session, rows, now=now))


async def insert_new_ids(session: AsyncSession, rows: Sequence[NewDelivery], *, now: datetime) -> list[int]:
    """`insert_new`, answering the new rows' ids (the log of the event that made them names them).

    One executemany: SQLAlchemy batches it into multi-row INSERTs itself (insertmanyvalues) from one
    compiled statement, instead of compiling a statement with 500 rows of literals per chunk.
    """
    if not rows:
        return []
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    stmt = (insert(_T).on_conflict_do_nothing(index_elements=["kind", "source_id", "occurrence"])
            .returning(_T.c.id))
    result = await session.execute(stmt, [_values(r, now) for r in rows])
    return [int(i) for i in result.scalars()]


def _claimable(now: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Rows whose claimer's lease ran out, and pending rows due (each read in due order by its index)."""
    c = _T.c
    abandoned = and_(c.status == CLAIMED, c.lease_until < now)
    due = and_(c.status == PENDING, c.due_at <= now,
               or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now))
    return abandoned, due


async def claim_due(session: AsyncSession, *, worker_id: str, now: datetime, lease_until: datetime,
                    limit: int, platforms: Collection[str] | None = None) -> list[DeliveryRecord]:
    """Claim up to `limit` due rows in due order, rows whose claimer's lease ran out first.

    PostgreSQL skips rows another transaction has locked; SQLite's single writer (BEGIN IMMEDIATE)
    makes the same statements safe there, where FOR UPDATE is not emitted. With `platforms`, only
    rows of workspaces on those platforms are claimed, leaving the rest to the process serving them.
    Each kind is picked by its own statement, so `(status, due_at)`'s index gives rows in due order and
    the pick stops at `limit` (one OR of the two would sort every due row at every claim).
    """
    ids: list[int] = []
    for where in _claimable(now):
        if len(ids) >= limit:
            break
        if platforms is not None:
            served = select(WorkspaceRow.id).where(WorkspaceRow.platform.in_(sorted(platforms)))
            where = and_(where, _T.c.workspace_id.in_(served))
        pick = (select(_T.c.id).where(where).order_by(_T.c.due_at, _T.c.id).limit(limit - len(ids))
                .with_for_update(skip_locked=True))
        ids += (await session.execute(pick)).scalars()
    if not ids:
        return []
    stmt = (update(_T).where(_T.c.id.in_(ids))
            .values(status=CLAIMED, claimed_by=worker_id, lease_until=lease_until,
                    attempts=_T.c.attempts + 1)
            .returning(*_T.c))
    records = [_record(r) for r in (await session.execute(stmt)).mappings()]
    return sorted(records, key=lambda r: (r.due_at, r.id))


def _held(ids: Iterable[int], worker_id: str) -> ColumnElement[bool]:
    return and_(_T.c.id.in_(list(ids)), _T.c.claimed_by == worker_id, _T.c.status == CLAIMED)


async def _guarded_update(session: AsyncSession, ids: Iterable[int], worker_id: str,
                          values: Mapping[str, Any]) -> set[int]:
    stmt = update(_T).where(_held(ids, worker_id)).values(**values).returning(_T.c.id)
    return set((await session.execute(stmt)).scalars())


async def renew_leases(session: AsyncSession, ids: Iterable[int], *, worker_id: str,
                       lease_until: datetime) -> set[int]:
    """Extend this worker's claims; the ids not returned were taken over by someone else."""
    return await _guarded_update(session, ids, worker_id, {"lease_until": lease_until})


async def mark_sent(session: AsyncSession, delivery_id: int, *, worker_id: str, sent_at: datetime,
                    message_id: str | None, late: bool) -> bool:
    values = {"status": SENT, "sent_at": sent_at, "message_id": message_id, "late": late,
              "lease_until": None, "error": None}
    return bool(await _guarded_update(session, [delivery_id], worker_id, values))


@dataclass(frozen=True, kw_only=True)
class SentMark:
    """One send the platform accepted, waiting to be marked with others in one transaction."""

    delivery_id: int
    sent_at: datetime
    message_id: str | None
    late: bool


_MARK_SENT = (
    update(_T)
    .where(_T.c.id == bindparam("b_id"), _T.c.claimed_by == bindparam("b_worker"), _T.c.status == CLAIMED)
    .values(status=SENT, sent_at=bindparam("b_sent_at"), message_id=bindparam("b_message_id"),
            late=bindparam("b_late"), lease_until=None, error=None)
)


async def mark_sent_many(session: AsyncSession, marks: Sequence[SentMark], *, worker_id: str) -> set[int]:
    """Mark many sends in one statement run (executemany); returns the ids this worker still held.

    The held rows are read (and on PostgreSQL locked) first, since an executemany UPDATE cannot say
    which of its rows matched.
    """
    held: set[int] = set()
    for start in range(0, len(marks), _INSERT_CHUNK):
        chunk = [m.delivery_id for m in marks[start:start + _INSERT_CHUNK]]
        pick = select(_T.c.id).where(_held(chunk, worker_id)).with_for_update()
        held.update((await session.execute(pick)).scalars())
    params = [{"b_id": m.delivery_id, "b_worker": worker_id, "b_sent_at": m.sent_at,
               "b_message_id": m.message_id, "b_late": m.late} for m in marks if m.delivery_id in held]
    if params:
        await session.execute(_MARK_SENT, params)
    return held


async def mark_retry(session: AsyncSession, delivery_id: int, *, worker_id: str,
                     next_attempt_at: datetime, error: str) -> bool:
    values = {"status": PENDING, "claimed_by": None, "lease_until": None,
              "next_attempt_at": next_attempt_at, "error": error}
    return bool(await _guarded_update(session, [delivery_id], worker_id, values))


async def mark_failed(session: AsyncSession, delivery_id: int, *, worker_id: str, error: str) -> bool:
    values = {"status": FAILED, "lease_until": None, "error": error}
    return bool(await _guarded_update(session, [delivery_id], worker_id, values))


async def mark_expired(session: AsyncSession, ids: Iterable[int], *, worker_id: str) -> set[int]:
    values = {"status": EXPIRED, "lease_until": None, "error": "expired"}
    return await _guarded_update(session, ids, worker_id, values)


async def release_claims(session: AsyncSession, *, worker_id: str) -> int:
    """Put this worker's unfinished claims back, uncounted, for a graceful shutdown."""
    stmt = (update(_T).where(_T.c.claimed_by == worker_id, _T.c.status == CLAIMED)
            .values(status=PENDING, claimed_by=None, lease_until=None,
                    attempts=case((_T.c.attempts > 0, _T.c.attempts - 1), else_=0))
            .returning(_T.c.id))
    return len((await session.execute(stmt)).all())


async def next_due_at(session: AsyncSession) -> datetime | None:
    """When the next row becomes claimable: a pending row's due or retry time, or a lapsing lease."""
    c = _T.c
    effective = case((c.next_attempt_at > c.due_at, c.next_attempt_at), else_=c.due_at)
    pending = select(func.min(effective)).where(c.status == PENDING)
    leased = select(func.min(c.lease_until)).where(c.status == CLAIMED)
    times = [await session.scalar(pending), await session.scalar(leased)]
    present = [t for t in times if t is not None]
    return min(present) if present else None


async def owner_contact(session: AsyncSession, workspace_pk: int, user_id: str) -> OwnerContact | None:
    """The owner's platform address and locale (theirs, else the workspace's)."""
    ws = await session.get(WorkspaceRow, workspace_pk)
    if ws is None:
        return None
    stmt = select(MemberRow.locale).where(MemberRow.workspace_id == workspace_pk,
                                          MemberRow.user_id == user_id)
    locale = await session.scalar(stmt)
    return OwnerContact(platform=ws.platform, workspace_external_id=ws.external_id,
                        locale=locale or ws.default_locale)


async def get(session: AsyncSession, delivery_id: int) -> DeliveryRecord | None:
    row = (await session.execute(select(_T).where(_T.c.id == delivery_id))).mappings().first()
    return None if row is None else _record(row)


async def find(session: AsyncSession, *, kind: str | None = None, status: str | None = None,
               workspace_pk: int | None = None) -> list[DeliveryRecord]:
    """Rows by kind and status in due order; for operators' views and tests."""
    stmt = select(_T).order_by(_T.c.due_at, _T.c.id)
    if kind is not None:
        stmt = stmt.where(_T.c.kind == kind)
    if status is not None:
        stmt = stmt.where(_T.c.status == status)
    if workspace_pk is not None:
        stmt = stmt.where(_T.c.workspace_id == workspace_pk)
    return [_record(r) for r in (await session.execute(stmt)).mappings()]


async def upcoming_for(session: AsyncSession, workspace_pk: int, user_id: str, *, now: datetime,
                       limit: int = 10) -> list[DeliveryRecord]:
    """A member's own pending sends from now on (their home view lists them), soonest first."""
    stmt = (select(_T).where(_T.c.workspace_id == workspace_pk, _T.c.owner_user_id == user_id,
                             _T.c.status == PENDING, _T.c.due_at >= now)
            .order_by(_T.c.due_at, _T.c.id).limit(limit))
    return [_record(r) for r in (await session.execute(stmt)).mappings()]


async def by_key(session: AsyncSession, kind: str, source_id: str, occurrence: str) -> DeliveryRecord | None:
    stmt = select(_T).where(_T.c.kind == kind, _T.c.source_id == source_id, _T.c.occurrence == occurrence)
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else _record(row)


async def existing_keys(session: AsyncSession, source_ids: Sequence[str], *,
                        due_from: datetime | None = None) -> set[tuple[str, str, str]]:
    """(kind, source_id, occurrence) of the rows of these sources, whatever their status.

    With `due_from`, only rows due from then on: enough to skip writing what is planned again, since
    the insert itself still ignores a key that is there (a row moved earlier by a later change).
    """
    found: set[tuple[str, str, str]] = set()
    for start in range(0, len(source_ids), _INSERT_CHUNK):
        chunk = list(source_ids[start:start + _INSERT_CHUNK])
        stmt = select(_T.c.kind, _T.c.source_id, _T.c.occurrence).where(_T.c.source_id.in_(chunk))
        if due_from is not None:
            stmt = stmt.where(_T.c.due_at >= due_from)
        found.update((k, s, o) for k, s, o in (await session.execute(stmt)).all())
    return found


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    stmt = select(_T.c.status, func.count()).group_by(_T.c.status)
    return {status: int(n) for status, n in (await session.execute(stmt)).all()}
