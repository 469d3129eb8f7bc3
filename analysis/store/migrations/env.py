"""Alembic's environment for the store: migrations run on the connection the store hands over
(``config.attributes["connection"]``), or on ``sqlalchemy.url`` when a developer runs ``alembic``."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from analysis.store.tables import metadata, on_dialect

config = context.config


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                      compare_type=True, include_object=on_dialect(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


given = config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    with sa.create_engine(config.get_main_option("sqlalchemy.url") or "").connect() as conn:
        _run(conn)
