"""`rekan db upgrade|current|backup|copy`: the database chores of an operator, each one command.

Everything printed names a database by its URL with the password masked. A refusal or failure is one line
on standard error and exit 2; `db current` exits 1 when the schema is not at head, so scripts can ask.
SQLAlchemy and storage are imported inside the functions: the other `rekan` commands need neither.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

_SQLITE = "sqlite+aiosqlite://"
_POSTGRES = "postgresql+asyncpg://"
_ALIASES = {"postgresql://": _POSTGRES, "postgres://": _POSTGRES, "sqlite://": _SQLITE}


def add_parser(sub: Any) -> None:
    """Declare `rekan db …` on the main parser's subcommands."""
    db = sub.add_parser("db", help="database maintenance: upgrade, current, backup, copy")
    commands = db.add_subparsers(dest="db_command", required=True)
    commands.add_parser("upgrade", help="apply the migrations up to the newest (also done on every start)")
    commands.add_parser("current", help="print the revision and the newest; exit 1 when not at the newest")
    backup = commands.add_parser("backup", help="SQLite: copy the live database to FILE; PostgreSQL: print "
                                 "the pg_dump command")
    backup.add_argument("file", type=Path, metavar="FILE")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    copy = commands.add_parser("copy", help="copy every row into another, empty database (e.g. SQLite to "
                               "PostgreSQL)")
    copy.add_argument("--to", required=True, metavar="URL", dest="to",
                      help="the target database; migrated first, refused if any table has rows")


def run(args: argparse.Namespace, database_url: str) -> int:
    """Run one `rekan db` command against the configured database; 0 done, 1 not at head, 2 refused."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from storage.ops import OpsError, describe, safe_url

    command: str = args.db_command
    urls = [database_url] + ([args.to] if command == "copy" else [])
    try:
        if command == "backup":
            return _backup(database_url, args.file, force=args.force)
        if command == "copy":
            return asyncio.run(_copy(database_url, target_url(args.to)))
        return asyncio.run(_revision(database_url, upgrade=command == "upgrade"))
    except OpsError as exc:
        return _refused(command, str(exc))
    except (OSError, SQLAlchemyError, CommandError) as exc:  # CommandError: a revision this Rekan lacks
        return _refused(command, f"{safe_url(database_url)}: {describe(exc, urls=urls)}")


def _refused(command: str, reason: str) -> int:
    print(f"rekan db {command}: {reason}", file=sys.stderr)
    return 2


def target_url(text: str) -> str:
    """The `--to` URL in the form Rekan's engines take (as the settings would normalise it), or OpsError."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from storage.ops import OpsError, safe_url, sqlite_file

    text = text.strip()
    for alias, scheme in _ALIASES.items():
        if text.startswith(alias):
            text = scheme + text[len(alias):]
    if not text.startswith((_SQLITE, _POSTGRES)):
        scheme = text.split("://", 1)[0] if "://" in text else "no scheme"
        raise OpsError(f'--to: expected a URL starting with "{_SQLITE}/" or "{_POSTGRES}", not "{scheme}"')
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise OpsError("--to: not a database URL") from None
    if text.startswith(_SQLITE):
        path = sqlite_file(text)
        if path is None:
            raise OpsError("--to: a SQLite target needs a file path (an in-memory copy would be lost)")
        return f"{_SQLITE}/{os.path.abspath(path)}"
    if not parsed.database:
        raise OpsError(f"--to: {safe_url(parsed)} names no database")
    return parsed.render_as_string(hide_password=False)


async def _revision(url: str, *, upgrade: bool) -> int:
    from storage.ops import safe_url, sqlite_file
    from storage.session import Database

    missing = url.startswith("sqlite") and not upgrade and _missing_file(url)
    db = Database(url) if not missing else None
    try:
        if db is not None and upgrade:
            await db.upgrade()
        current = await db.current_revision() if db is not None else None
        head = _head()
    finally:
        if db is not None:
            await db.dispose()
    print(f"database {safe_url(url)} at revision {current or 'none'} (head {head})")
    if upgrade or current == head:
        return 0
    if missing:
        print(f"no database file at {sqlite_file(url)} yet: `rekan db upgrade` creates it")
    elif current is None:
        print("no Rekan schema yet: run `rekan db upgrade`")
    elif _known(current):
        print("behind head: run `rekan db upgrade`")
    else:
        print(f"revision {current} is unknown to this Rekan: a newer Rekan migrated this database")
    return 1


def _missing_file(url: str) -> bool:
    """`db current` on a SQLite file that is not there: answer without creating an empty database."""
    from storage.ops import sqlite_file

    path = sqlite_file(url)
    return path is not None and not path.exists()


def _head() -> str | None:
    from alembic.script import ScriptDirectory

    from storage.session import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from storage.session import alembic_config

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _backup(url: str, file: Path, *, force: bool) -> int:
    from storage.ops import OpsError, backup_sqlite, pg_dump_command, sqlite_file

    if url.startswith("sqlite"):
        done = backup_sqlite(url, file, force=force)
        print(f"backed up {sqlite_file(url)} to {done.path}: revision {done.revision or 'none'}, "
              f"{done.tables} tables, {done.rows:,} rows, {done.size:,} bytes")
        return 0
    target = file.expanduser().absolute()
    if target.exists() and not force:
        raise OpsError(f"{target} already exists (add --force to replace it)")
    print("# PostgreSQL is backed up with its own pg_dump (the server's major version or newer).\n"
          "# Give it the password in PGPASSWORD or ~/.pgpass. Restore into an empty database with\n"
          "# pg_restore --no-owner --dbname=NAME FILE.")
    print(pg_dump_command(url, target))
    return 0


async def _copy(source: str, target: str) -> int:
    from storage.copy import copy_database
    from storage.ops import safe_url

    copied = await copy_database(source, target)
    total = sum(c.rows for c in copied)
    print(f"copied {total:,} rows from {safe_url(source)} to {safe_url(target)}; rows per table:")
    width = max(len(c.table) for c in copied)
    for line in (f"  {c.table:<{width}}  {c.rows:>9,}" for c in copied):
        print(line)
    return 0

