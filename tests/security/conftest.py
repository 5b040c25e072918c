"""Fixtures shared by the security tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.session import Database
from tests.security.world import World, build_world


@pytest.fixture
async def lite_db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite database, for tests about rendering and parsing rather than about the engine."""
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}")
    await database.upgrade()
    yield database
    await database.dispose()


@pytest.fixture
async def world(db: Database) -> World:
    """Two workspaces of one platform, T1 with something of every kind (see `build_world`); on both engines."""
    return await build_world(db)
