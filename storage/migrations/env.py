"""Alembic environment: runs on a connection handed over by storage.session.Database.upgrade."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.models import Base

target_metadata = Base.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through `rekan db upgrade`, which supplies a connection")
    run_migrations(connection)


main()
