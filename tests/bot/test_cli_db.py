"""`rekan db upgrade|current|backup|copy` end to end through `bot.cli.main`, the way an operator runs them.

Done is exit 0; `db current` exits 1 when the schema is not at head; anything refused or unreachable is
exit 2 with one line on standard error, and no password is ever printed.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from storage.session import Database
from tests.storage.dbops_support import ALL_TABLES, counts, fresh_postgres_sync, seed_url

PASSWORD = "CANARYdbPassw0rd9"
HEAD = Database("sqlite+aiosqlite://").head_revision()
REKAN = Path(sys.executable).with_name("rekan")
Capture = pytest.CaptureFixture[str]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No platform credentials or settings file from the machine; a SQLite file in a fresh directory."""
    for key in list(os.environ):
        if key.startswith(("SLACK_", "DISCORD_", "REKAN_")) and key != "REKAN_TEST_POSTGRES_URL":
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "rekan.db"
    monkeypatch.setenv("REKAN_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    return path


def rekan(capsys: Capture, *args: str) -> tuple[int, str, str]:
    code = main(["db", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def refused(capsys: Capture, *args: str) -> str:
    """Run a command that must be refused: exit 2, one line on standard error, nothing on standard output."""
    code, out, err = rekan(capsys, *args)
    assert (code, out) == (2, ""), (code, out, err)
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith(f"rekan db {args[0]}: ")
    assert PASSWORD not in err
    return err


async def _counts(url: str) -> dict[str, int]:
    db = Database(url)
    try:
        return await counts(db)
    finally:
        await db.dispose()


# --- upgrade and current ----------------------------------------------------------------------------------


def test_current_on_no_file_exits_1_without_creating_it_then_upgrade_and_current_exit_0(
        env: Path, capsys: Capture) -> None:
    code, out, _ = rekan(capsys, "current")
    assert code == 1
    assert out.splitlines() == [f"database sqlite+aiosqlite:///{env} at revision none (head {HEAD})",
                                f"no database file at {env} yet: `rekan db upgrade` creates it"]
    assert not env.exists()
    code, out, _ = rekan(capsys, "upgrade")
    assert (code, out) == (0, f"database sqlite+aiosqlite:///{env} at revision {HEAD} (head {HEAD})\n")
    code, out, _ = rekan(capsys, "current")
    assert (code, out) == (0, f"database sqlite+aiosqlite:///{env} at revision {HEAD} (head {HEAD})\n")


def test_current_behind_head_exits_1_and_says_what_to_run(env: Path, capsys: Capture) -> None:
    async def old() -> None:
        db = Database(f"sqlite+aiosqlite:///{env}")
        await db.upgrade("0005")
        await db.dispose()

    asyncio.run(old())
    code, out, _ = rekan(capsys, "current")
    assert code == 1
    assert out.splitlines()[1:] == ["behind head: run `rekan db upgrade`"]
    assert "at revision 0005 " in out


def test_a_database_migrated_by_a_newer_rekan_is_named_as_such(env: Path, capsys: Capture) -> None:
    assert rekan(capsys, "upgrade")[0] == 0
    with sqlite3.connect(env) as plain:
        plain.execute("UPDATE alembic_version SET version_num = '0999'")
    code, out, _ = rekan(capsys, "current")
    assert code == 1 and out.splitlines()[1] == (
        "revision 0999 is unknown to this Rekan: a newer Rekan migrated this database")
    assert "Can't locate revision identified by '0999'" in refused(capsys, "upgrade")


def test_current_against_an_unreachable_server_is_one_line_without_the_password(
        env: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REKAN_DATABASE_URL", f"postgresql://rekan:{PASSWORD}@127.0.0.1:1/rekan")
    err = refused(capsys, "current")
    assert "postgresql+asyncpg://rekan:***@127.0.0.1:1/rekan" in err


# --- backup -----------------------------------------------------------------------------------------------


def test_backup_writes_a_readable_copy_and_never_overwrites_without_force(env: Path, capsys: Capture,
                                                                         tmp_path: Path) -> None:
    asyncio.run(seed_url(f"sqlite+aiosqlite:///{env}"))
    code, out, err = rekan(capsys, "backup", "nightly.db")
    assert (code, err) == (0, "")
    assert out.startswith(f"backed up {env} to {tmp_path / 'nightly.db'}: revision {HEAD}, ")
    assert asyncio.run(_counts(f"sqlite+aiosqlite:///{tmp_path / 'nightly.db'}")) == asyncio.run(
        _counts(f"sqlite+aiosqlite:///{env}"))
    assert "already exists (add --force to replace it)" in refused(capsys, "backup", "nightly.db")
    code, _, _ = rekan(capsys, "backup", "nightly.db", "--force")
    assert code == 0
    with sqlite3.connect(tmp_path / "nightly.db") as plain:
        assert plain.execute("SELECT count(*) FROM deadlines").fetchone() == (2,)


def test_backup_of_a_missing_database_is_refused(env: Path, capsys: Capture) -> None:
    assert "no database file at" in refused(capsys, "backup", "b.db")
    assert not env.exists()


def test_backup_on_postgresql_prints_the_pg_dump_command_without_the_password(
        env: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REKAN_DATABASE_URL", f"postgresql://rekan:{PASSWORD}@db.internal:5433/rekan")
    code, out, err = rekan(capsys, "backup", "rekan.dump")
    assert (code, err) == (0, "")
    assert PASSWORD not in out
    assert "PGPASSWORD" in out
    command = [line for line in out.splitlines() if not line.startswith("#")]
    assert command == [f"pg_dump --format=custom --file={tmp_path / 'rekan.dump'} --host=db.internal "
                       "--port=5433 --username=rekan --dbname=rekan"]


@pytest.mark.postgres
@pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
                    reason="pg_dump and pg_restore are not installed")
def test_the_printed_pg_dump_command_backs_up_the_database(env: Path, capsys: Capture,
                                                           monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with fresh_postgres_sync() as url:
        asyncio.run(seed_url(url))
        monkeypatch.setenv("REKAN_DATABASE_URL", url)
        code, out, _ = rekan(capsys, "backup", "rekan.dump")
        assert code == 0
        line = out.splitlines()[-1]
        subprocess.run(shlex.split(line), check=True, timeout=120)
        listing = subprocess.run(["pg_restore", "--list", str(tmp_path / "rekan.dump")], check=True,
                                 capture_output=True, text=True, timeout=60).stdout
    assert "TABLE DATA public members" in listing and "TABLE DATA public slack_installations" in listing


# --- copy -------------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_copy_sqlite_to_postgresql_prints_equal_counts_and_refuses_a_second_time(
        env: Path, capsys: Capture) -> None:
    source = f"sqlite+aiosqlite:///{env}"
    asyncio.run(seed_url(source))
    expected = asyncio.run(_counts(source))
    with fresh_postgres_sync() as url:
        target = url.replace("postgresql+asyncpg://", "postgresql://")  # the form a hosting service gives
        code, out, err = rekan(capsys, "copy", "--to", target)
        assert code == 0, err
        lines = out.splitlines()
        assert lines[0].startswith(f"copied {sum(expected.values()):,} rows from {source} to postgresql+asyncpg://")
        printed = {name: int(n.replace(",", "")) for name, n in (line.split() for line in lines[1:])}
        assert printed == expected and set(printed) == set(ALL_TABLES)
        assert asyncio.run(_counts(url)) == expected
        err = refused(capsys, "copy", "--to", target)
        assert "the target database already has rows (" in err and "workspaces: 2" in err


def test_copy_to_a_bad_or_unreachable_url_is_one_line_without_the_password(env: Path, capsys: Capture) -> None:
    asyncio.run(seed_url(f"sqlite+aiosqlite:///{env}"))
    assert "expected a URL starting with" in refused(capsys, "copy", "--to", f"mysql://rekan:{PASSWORD}@h/rekan")
    assert "names no database" in refused(capsys, "copy", "--to", f"postgresql://rekan:{PASSWORD}@h")
    err = refused(capsys, "copy", "--to", f"postgresql://rekan:{PASSWORD}@127.0.0.1:1/rekan")
    assert err.startswith("rekan db copy: target postgresql+asyncpg://rekan:***@127.0.0.1:1/rekan: ")
    assert "in-memory" in refused(capsys, "copy", "--to", "sqlite://")
    assert "itself" in refused(capsys, "copy", "--to", "sqlite:///rekan.db")  # relative: this directory


def test_copy_to_a_sqlite_file_through_the_installed_command(env: Path, tmp_path: Path) -> None:
    """The console script itself (what `make install` puts in .venv/bin), in a process of its own."""
    asyncio.run(seed_url(f"sqlite+aiosqlite:///{env}"))
    command = [str(REKAN)] if REKAN.exists() else [sys.executable, "-m", "bot.cli"]
    done = subprocess.run([*command, "db", "copy", "--to", "sqlite+aiosqlite:///copy.db"], capture_output=True,
                          text=True, cwd=tmp_path, env=dict(os.environ), timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert asyncio.run(_counts(f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}")) == asyncio.run(
        _counts(f"sqlite+aiosqlite:///{env}"))
    current = subprocess.run([*command, "db", "current"], capture_output=True, text=True, cwd=tmp_path,
                             env={**os.environ, "REKAN_DATABASE_URL": "sqlite+aiosqlite:///copy.db"},
                             timeout=60, check=False)
    assert current.returncode == 0 and f"at revision {HEAD} (head {HEAD})" in current.stdout
