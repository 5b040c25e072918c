"""Operator tools around the database: what `rekan db backup` does, and errors worded for one line.

Nothing here runs inside Rekan; these are called by the command line while Rekan may be running.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

_MESSAGE_MAX = 300


class OpsError(Exception):
    """An operation refused or failed; `str(error)` is one line for the operator, with no password in it."""


def safe_url(url: str | URL) -> str:
    """The URL as it may be printed: the password masked (SQLAlchemy's own rendering, so it parses alike)."""
    parsed = make_url(url) if isinstance(url, str) else url
    query = {k: "***" if k.lower() in ("password", "passwd", "pwd") else v for k, v in parsed.query.items()}
    return parsed.set(query=query).render_as_string(hide_password=True)


def describe(exc: BaseException, *, urls: Iterable[str] = ()) -> str:
    """One line saying what went wrong, with every password of `urls` scrubbed out, for `exit 2` messages."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        text = str(exc.orig)  # the driver's words, without SQLAlchemy's statement and background link
    else:
        text = str(exc) or type(exc).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = lines[0] if lines else type(exc).__name__
    for url in urls:
        for secret in _secrets(url):
            line = line.replace(secret, "***")
    return line if len(line) <= _MESSAGE_MAX else line[: _MESSAGE_MAX - 1] + "…"


def _secrets(url: str) -> list[str]:
    """The password of a URL however it is written (user:password@ or ?password=), to scrub from messages."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return []
    found = [parsed.password] if parsed.password else []
    for key, value in parsed.query.items():
        if key.lower() in ("password", "passwd", "pwd"):
            found.extend([value] if isinstance(value, str) else value)
    return [str(s) for s in found if s]


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None: a database in memory); only called for SQLite URLs."""
    database = make_url(url).database or ""
    if database in ("", ":memory:"):
        return None
    return Path(database).expanduser().absolute()


# --- backup ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backup:
    """What a SQLite backup wrote, so the command can say it and the operator can check it."""

    path: Path
    size: int
    tables: int
    rows: int
    revision: str | None


def backup_sqlite(url: str, dest: Path, *, force: bool = False) -> Backup:
    """Copy a live SQLite database with SQLite's online backup API: one consistent snapshot, safe while
    Rekan writes (copying the file would not be: the WAL holds recent commits)."""
    source = sqlite_file(url)
    if source is None:
        raise OpsError("the database is in memory: there is nothing to back up")
    if not source.is_file():
        raise OpsError(f"no database file at {source}")
    dest = dest.expanduser().absolute()
    if dest.exists() and dest.resolve() == source.resolve():
        raise OpsError(f"{dest} is the database itself")
    if dest.exists() and not force:
        raise OpsError(f"{dest} already exists (add --force to replace it)")
    if not dest.parent.is_dir():
        raise OpsError(f"no directory {dest.parent}")
    partial = dest.with_name(f".{dest.name}.partial")  # replaced in one rename: never half a backup at dest
    partial.unlink(missing_ok=True)
    try:
        summary = _backup(source, partial)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(dest, dest.stat().st_size, *summary)


def _backup(source: Path, dest: Path) -> tuple[int, int, str | None]:
    """Back up `source` into `dest`, make it one self-contained file, check it; (tables, rows, revision)."""
    # mode=rw: never create an empty database where the operator mistyped the path
    src = sqlite3.connect(f"{source.as_uri()}?mode=rw", uri=True, timeout=15)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # the copy needs no -wal file beside it
            if dst.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise OpsError(f"the backup of {source} failed SQLite's check; the file was not kept")
            return _summary(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise OpsError(f"cannot back up {source}: {exc}") from exc
    finally:
        src.close()


def _summary(conn: sqlite3.Connection) -> tuple[int, int, str | None]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    rows = sum(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
               for name in names if name != "alembic_version")
    revision = None
    if "alembic_version" in names:
        found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = found[0] if found else None
    return len([n for n in names if n != "alembic_version"]), rows, revision


def pg_dump_command(url: str, dest: Path) -> str:
    """The pg_dump line that backs up the PostgreSQL database `url` names, with no password in it.

    Rekan does not run pg_dump itself: it is the server's own tool and must match the server's version.
    """
    parsed = make_url(url)
    query = {k.lower(): v if isinstance(v, str) else v[-1] for k, v in parsed.query.items()}
    env = []
    sslmode = query.get("sslmode") or query.get("ssl")  # asyncpg spells it ssl=require
    if sslmode and sslmode.lower() not in ("false", "0", "off"):
        env.append(f"PGSSLMODE={'require' if sslmode.lower() in ('true', '1', 'on') else sslmode}")
    args = ["pg_dump", "--format=custom", f"--file={dest}"]
    host = parsed.host or query.get("host")
    if host:
        args.append(f"--host={host}")
    if parsed.port:
        args.append(f"--port={parsed.port}")
    if parsed.username:
        args.append(f"--username={parsed.username}")
    if parsed.database:
        args.append(f"--dbname={parsed.database}")
    return " ".join(shlex.quote(part) for part in [*env, *args])
