"""A workspace's standups as its list shows them: counted and cut in SQL, in one hop, members not loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Connection, Table, bindparam, func, select

from storage.models import StandupMemberRow, StandupRow
from storage.repositories.standups import decode_days


@dataclass(frozen=True, kw_only=True)
class StandupLine:
    """What a list of standups shows of one: its schedule and how many members, not who."""

    id: int
    name: str
    channel_id: str
    days: frozenset[int]
    prompt_minute: int
    time_mode: str
    zone: str
    report_minute: int | None
    paused: bool
    member_count: int


_STANDUPS = cast(Table, StandupRow.__table__)
_MEMBERS = cast(Table, StandupMemberRow.__table__)
_S = _STANDUPS.c
_LISTING = (
    select(_S.id, _S.name, _S.channel_id, _S.days, _S.prompt_minute, _S.time_mode, _S.zone, _S.report_minute,
           _S.paused, select(func.count()).where(_MEMBERS.c.standup_id == _S.id).scalar_subquery()
           .label("member_count"), func.count().over().label("total"))
    .where(_S.workspace_id == bindparam("ws")).order_by(_S.name).limit(bindparam("limit"))
)


def listing_on(conn: Connection, workspace_pk: int, *, limit: int) -> tuple[int, list[StandupLine]]:
    """The first `limit` standups of a workspace by name, and how many it has: counted, not loaded.

    Plain (a `Connection`) to run whole in one hop (`Database.read_with`)."""
    rows = conn.execute(_LISTING, {"ws": workspace_pk, "limit": limit}).all()
    lines = [StandupLine(id=r.id, name=r.name, channel_id=r.channel_id, days=decode_days(r.days),
                         prompt_minute=r.prompt_minute, time_mode=r.time_mode, zone=r.zone,
                         report_minute=r.report_minute, paused=bool(r.paused), member_count=r.member_count)
             for r in rows]
    return (rows[0].total if rows else 0), lines
