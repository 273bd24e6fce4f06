# SPDX-License-Identifier: GPL-3.0-or-later
"""Alembic environment: runs on the connection the application hands over (one transaction),
or on ``sqlalchemy.url`` when a developer runs the ``alembic`` command."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from kaltim_desktop.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only alter tables by move-and-copy
        compare_type=True,
    )
    context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.begin() as conn:
        _run(conn)


run_migrations_online()
