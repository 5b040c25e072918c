"""`rekan db copy`: every row of one database into another, empty one: SQLite to PostgreSQL, or back.

Rekan's own tables are copied through their models, so a value crosses engines the way Rekan writes it
(aware UTC datetimes, JSON); slack_sdk's tables, which have no models, are read and written as each
database describes them. The target is written in one transaction: a copy that fails leaves it empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, MetaData, Table, func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import Base
from storage.ops import OpsError, describe, safe_url, sqlite_file
from storage.session import Database

CHUNK = 1000
"""Rows read and inserted at a time: a few hundred kilobytes in memory, whatever the table's size."""
_ALEMBIC = "alembic_version"


@dataclass(frozen=True)
class Copied:
    """One table's rows: as many in the target afterwards as in the source's snapshot."""

    table: str
    rows: int


@dataclass(frozen=True)
class _Pair:
    """The same table as the source reads it and as the target writes it."""

    source: Table
    target: Table


async def copy_database(source_url: str, target_url: str, *, chunk: int = CHUNK) -> list[Copied]:
    """Copy every table of `source_url` into `target_url` (migrated to head first; refused unless empty)."""
    if _same(source_url, target_url):
        raise OpsError("the target is the configured database itself")
    source_file = sqlite_file(source_url) if source_url.startswith("sqlite") else None
    if source_url.startswith("sqlite") and (source_file is None or not source_file.is_file()):
        raise OpsError(f"no database file at {source_file or 'memory'}: nothing to copy")
    source, target = Database(source_url), Database(target_url)
    try:
        head = source.head_revision()
        revision = await _side(source_url, "source", source.current_revision())
        if revision != head:
            raise OpsError(f"the source database is at revision {revision or 'none'}, not {head}: "
                           "run `rekan db upgrade` on it first (a newer revision: copy with that Rekan)")
        await _side(target_url, "target", target.upgrade())
        return await _copy(source, target, chunk)
    finally:
        await source.dispose()
        await target.dispose()


def _same(a: str, b: str) -> bool:
    if a.startswith("sqlite") and b.startswith("sqlite"):
        fa, fb = sqlite_file(a), sqlite_file(b)
        return fa is not None and fb is not None and fa.resolve() == fb.resolve()
    return a == b


async def _side(url: str, role: str, step: Any) -> Any:
    """Await `step`, naming the side and its (masked) URL when the database cannot be reached or used."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return await step
    except (OSError, SQLAlchemyError) as exc:
        raise OpsError(f"{role} {safe_url(url)}: {describe(exc, urls=[url])}") from exc


async def _copy(source: Database, target: Database, chunk: int) -> list[Copied]:
    # A snapshot of the source: SQLite's read transaction in WAL mode, PostgreSQL's repeatable read.
    options: dict[str, Any] = {"rekan_read_only": True}
    if source.is_postgres:
        options["isolation_level"] = "REPEATABLE READ"
    async with source.engine.execution_options(**options).connect() as sconn, sconn.begin():
        pairs = await _pairs(sconn, target)
        async with target.engine.connect() as tconn:
            await _refuse_rows(tconn, [p.target for p in pairs])
        expected = {p.source.name: await _count(sconn, p.source) for p in pairs}
        async with target.engine.begin() as tconn:
            for pair in pairs:
                copied = await _copy_table(sconn, tconn, pair, chunk)
                if copied != expected[pair.source.name]:
                    raise OpsError(f"{pair.source.name}: read {copied} rows, counted "
                                   f"{expected[pair.source.name]}; nothing was kept")
            if target.is_postgres:
                await _reset_sequences(tconn, [p.target for p in pairs])
    async with target.engine.connect() as tconn:
        found = {p.target.name: await _count(tconn, p.target) for p in pairs}
    wrong = [f"{name}: {expected[name]} in the source, {n} in the target"
             for name, n in found.items() if n != expected[name]]
    if wrong:
        raise OpsError("the row counts differ after the copy (" + "; ".join(wrong) + ")")
    return [Copied(name, n) for name, n in found.items()]


async def _pairs(sconn: AsyncConnection, target: Database) -> list[_Pair]:
    """Rekan's tables in foreign-key order, then any other table the source has (slack_sdk's stores)."""
    names: list[str] = await sconn.run_sync(lambda c: inspect(c).get_table_names())
    ours = MetaData()
    pairs = [_Pair(t, t) for t in (_json_nulls_kept(table, ours) for table in Base.metadata.sorted_tables)]
    extra = sorted(set(names) - set(Base.metadata.tables) - {_ALEMBIC})
    if not extra:
        return pairs
    sources = await sconn.run_sync(_reflect, extra)
    async with target.engine.connect() as tconn:
        present: list[str] = await tconn.run_sync(lambda c: inspect(c).get_table_names())
        missing = [name for name in extra if name not in present]
        if missing:
            raise OpsError(f"the target has no table {', '.join(missing)} after its migration")
        targets = await tconn.run_sync(_reflect, extra)
    return pairs + [_Pair(sources[n], targets[n]) for n in extra]


def _json_nulls_kept(table: Table, metadata: MetaData) -> Table:
    """The model's table with its JSON columns keeping SQL NULL as NULL (the model would write JSON null)."""
    copy = table.to_metadata(metadata)
    for column in copy.columns:
        if isinstance(column.type, JSON):
            column.type = JSON(none_as_null=True)
    return copy


def _reflect(connection: Any, names: Sequence[str]) -> dict[str, Table]:
    metadata = MetaData()
    metadata.reflect(connection, only=list(names))
    return {name: metadata.tables[name] for name in names}


async def _count(conn: AsyncConnection, table: Table) -> int:
    return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def _refuse_rows(tconn: AsyncConnection, tables: Sequence[Table]) -> None:
    """Copy into an empty database only: merging two Rekan databases would collide on every id."""
    occupied = [(t.name, n) for t in tables if (n := await _count(tconn, t))]
    if occupied:
        listed = ", ".join(f"{name}: {n}" for name, n in occupied)
        raise OpsError(f"the target database already has rows ({listed}); copy only into an empty database")


async def _copy_table(sconn: AsyncConnection, tconn: AsyncConnection, pair: _Pair, chunk: int) -> int:
    """Read the source table in primary-key order, `chunk` rows at a time, and insert them as they are."""
    key = list(pair.source.primary_key.columns)
    order: list[Column[Any]] = key or list(pair.source.columns)
    names = [c.name for c in pair.target.columns]
    copied = 0
    last: Any = None
    while True:
        query = select(pair.source).order_by(*order).limit(chunk)
        if len(key) == 1:  # keyset pagination: each chunk is one index range, however deep
            if last is not None:
                query = query.where(key[0] > last)
        else:
            query = query.offset(copied)
        rows = [dict(r) for r in (await sconn.execute(query)).mappings()]
        if not rows:
            return copied
        await tconn.execute(pair.target.insert(), [{n: r[n] for n in names if n in r} for r in rows])
        copied += len(rows)
        if len(key) == 1:
            last = rows[-1][key[0].name]


def _integer(column: Column[Any]) -> bool:
    """Whether a key column holds integers (and so may own a sequence to move past the copied ids)."""
    try:
        return column.type.python_type is int
    except NotImplementedError:  # SQLAlchemy's answer for types with no Python equivalent: not an integer
        return False


async def _reset_sequences(tconn: AsyncConnection, tables: Sequence[Table]) -> None:
    """Set each id sequence past the copied ids: PostgreSQL's next insert would otherwise reuse id 1."""
    preparer = tconn.dialect.identifier_preparer
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not _integer(key[0]):
            continue
        column = preparer.quote(key[0].name)
        await tconn.execute(
            text(f"SELECT setval(pg_get_serial_sequence(:table, :column), "  # NULL (no-op): no sequence
                 f"COALESCE(MAX({column}), 0) + 1, false) FROM {preparer.format_table(table)}"),
            {"table": preparer.format_table(table), "column": key[0].name})

