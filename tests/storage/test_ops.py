"""`storage.ops`: SQLite's online backup of a live database, the pg_dump line, and one-line errors that
never carry a password."""

from __future__ import annotations

import asyncio
import shlex
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from storage.ops import OpsError, backup_sqlite, describe, pg_dump_command, safe_url
from storage.session import Database
from tests.storage.dbops_support import ALL_TABLES, contents, counts, seed_url

PASSWORD = "CANARYpw0rd"


async def _read(url: str) -> tuple[object, object]:
    db = Database(url)
    try:
        return await counts(db), await contents(db)
    finally:
        await db.dispose()


@pytest.fixture
def seeded(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}"
    asyncio.run(seed_url(url))
    return url


def test_a_backup_is_one_readable_file_with_the_same_rows(seeded: str, tmp_path: Path) -> None:
    dest = tmp_path / "backups" / "rekan-2026-11-28.db"
    dest.parent.mkdir()
    done = backup_sqlite(seeded, dest)
    assert done.path == dest and done.size == dest.stat().st_size
    assert done.tables == len(ALL_TABLES) and done.rows > len(ALL_TABLES) and done.revision
    assert sorted(p.name for p in dest.parent.iterdir()) == [dest.name]  # no -wal, no partial file left
    with sqlite3.connect(dest) as plain:  # readable by any SQLite, without Rekan
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert plain.execute("SELECT count(*) FROM members").fetchone() == (3,)
    assert asyncio.run(_read(f"sqlite+aiosqlite:///{dest}")) == asyncio.run(_read(seeded))


def test_a_backup_takes_what_is_committed_while_a_writer_holds_the_lock(seeded: str, tmp_path: Path) -> None:
    writer = sqlite3.connect(seeded.removeprefix("sqlite+aiosqlite:///"), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM members")  # not committed: the backup must not see it, nor wait for it
        done = backup_sqlite(seeded, tmp_path / "during.db")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with sqlite3.connect(done.path) as plain:
        assert plain.execute("SELECT count(*) FROM members").fetchone() == (3,)


def test_an_existing_file_is_kept_unless_forced(seeded: str, tmp_path: Path) -> None:
    dest = tmp_path / "backup.db"
    dest.write_text("precious")
    with pytest.raises(OpsError, match=r"already exists \(add --force to replace it\)"):
        backup_sqlite(seeded, dest)
    assert dest.read_text() == "precious"
    backup_sqlite(seeded, dest, force=True)
    with sqlite3.connect(dest) as plain:
        assert plain.execute("SELECT count(*) FROM workspaces").fetchone() == (2,)


def test_nothing_to_back_up_is_refused_without_creating_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    with pytest.raises(OpsError, match="no database file at"):
        backup_sqlite(f"sqlite+aiosqlite:///{missing}", tmp_path / "b.db")
    assert not missing.exists() and not (tmp_path / "b.db").exists()
    with pytest.raises(OpsError, match="in memory"):
        backup_sqlite("sqlite+aiosqlite://", tmp_path / "b.db")
    existing = tmp_path / "x.db"
    sqlite3.connect(existing).close()
    with pytest.raises(OpsError, match="no directory"):
        backup_sqlite(f"sqlite+aiosqlite:///{existing}", tmp_path / "a" / "b.db")


def test_backing_up_onto_the_database_itself_is_refused(seeded: str, tmp_path: Path) -> None:
    with pytest.raises(OpsError, match="the database itself"):
        backup_sqlite(seeded, tmp_path / "rekan.db", force=True)


@pytest.mark.parametrize("url", [
    f"postgresql+asyncpg://rekan:{PASSWORD}@db.internal:6543/rekan_prod",
    f"postgresql+asyncpg://rekan@db.internal:6543/rekan_prod?password={PASSWORD}",
])
def test_the_pg_dump_line_names_the_database_and_never_the_password(url: str, tmp_path: Path) -> None:
    line = pg_dump_command(url, tmp_path / "my backups" / "rekan.dump")
    assert PASSWORD not in line
    assert shlex.split(line) == ["pg_dump", "--format=custom", f"--file={tmp_path}/my backups/rekan.dump",
                                 "--host=db.internal", "--port=6543", "--username=rekan", "--dbname=rekan_prod"]


def test_the_pg_dump_line_keeps_tls_and_a_socket_directory() -> None:
    line = pg_dump_command("postgresql+asyncpg://rekan@db.internal/rekan?ssl=require", Path("/b/r.dump"))
    assert line.startswith("PGSSLMODE=require pg_dump ")
    line = pg_dump_command("postgresql+asyncpg://rekan@/rekan?host=/var/run/postgresql", Path("/b/r.dump"))
    assert "--host=/var/run/postgresql" in line and "PGSSLMODE" not in line


def test_urls_and_errors_are_shown_without_the_password() -> None:
    url = f"postgresql+asyncpg://rekan:{PASSWORD}@db.internal/rekan?password={PASSWORD}"
    assert PASSWORD not in safe_url(url) and "rekan:***@db.internal" in safe_url(url)
    error = DBAPIError("SELECT 1", {}, Exception(f'connect failed for {PASSWORD}\nsecond line'))
    assert describe(error, urls=[url]) == "connect failed for ***"
    assert describe(OSError(111, "Connection refused")) == "[Errno 111] Connection refused"
