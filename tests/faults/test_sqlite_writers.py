"""SQLite with 20 members typing commands at once, each on a connection of its own, while a dispatcher sends a
burst: not one "database is locked" (writes take the lock up front, BEGIN IMMEDIATE, and wait for it)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.faults.scenarios import sqlite_writers


async def test_twenty_writers_and_a_dispatcher_never_see_database_is_locked(tmp_path: Path) -> None:
    result = await sqlite_writers(tmp_path / "rekan.db", writers=20, rounds=3, deliveries=300, within=120)
    print("\n" + json.dumps(result))
    assert result["database_is_locked"] == 0, result
    assert result["other_db_errors"] == [], result
    assert result["failed_commands"] == 0, result
    assert result["commands"] == 20 * 3 * 4
    assert result["deliveries_sent"] >= 300, result
