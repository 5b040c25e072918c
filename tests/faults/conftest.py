"""Fixtures of the fault tests: the CI PostgreSQL database emptied, a throwaway cluster's binaries."""

from __future__ import annotations

import pytest

from storage.session import Database
from tests.conftest import IN_CI, _truncate_postgres
from tests.faults.cluster import unavailable_reason


@pytest.fixture
async def empty_postgres(postgres_database: str) -> str:
    """The session's migrated database on the server named by REKAN_TEST_POSTGRES_URL, emptied."""
    db = Database(postgres_database)
    try:
        await _truncate_postgres(db)
    finally:
        await db.dispose()
    return postgres_database


@pytest.fixture
def cluster_binaries() -> None:
    """Fails under CI=true, else skips, saying why, where no throwaway PostgreSQL cluster can be made."""
    reason = unavailable_reason()
    if reason is None:
        return
    message = f"cannot start a throwaway PostgreSQL cluster: {reason}"
    if IN_CI:
        pytest.fail(f"required under CI=true: {message}")
    pytest.skip(message)
