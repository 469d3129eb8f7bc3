"""The store's schema migrations (alembic): opening a store brings its tables to the newest revision and
keeps every row.

* An empty database gets every table by running the revisions from the first.
* A store made before migrations began (tables, no ``alembic_version``) is brought to the baseline by
  the baseline revision itself: the tables and the columns it lacks are added, nothing is dropped; then
  the later revisions run.
* A store with a revision runs the revisions after it.

Each revision is a file under ``versions/``; :mod:`analysis.store.tables` holds the schema they arrive
at (a test checks that the two agree). A developer writes the next one with
``alembic -c analysis/store/migrations/alembic.ini revision --autogenerate -m "…"``.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPTS = Path(__file__).parent
# the newest revision, so that opening a store already at it does not import alembic (half a second of every
# server start); a test checks that it is alembic's own head
HEAD = "0005"


def _config(connection: sa.Connection | None = None) -> Config:
    from alembic.config import Config
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


@cache
def head() -> str:
    """The newest revision, as alembic reads it from the revisions' files."""
    from alembic.script import ScriptDirectory
    newest = ScriptDirectory.from_config(_config()).get_current_head()
    assert newest is not None
    return newest


def revision_of(engine: sa.Engine) -> str | None:
    """The revision a store's tables are at (None: made before migrations, or empty)."""
    from alembic.runtime.migration import MigrationContext
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, target: str = "head") -> None:
    """Bring the store's tables to ``target`` (by default the newest revision) in one transaction: a revision
    that fails leaves the store as it was; two processes opening an old store upgrade it once.

    On SQLite a revision may swap a table for a changed copy, which its foreign keys would refuse mid-way:
    as SQLite's own procedure for schema changes says, they are switched off for the transaction and every
    key is checked before it commits.
    """
    if target == "head" and _stamped(engine) == HEAD:
        return
    from alembic import command
    _in_one_transaction(engine, lambda conn: command.upgrade(_config(conn), target))


def _stamped(engine: sa.Engine) -> str | None:
    """The revision in the store's ``alembic_version`` table, read without alembic (None: no such table)."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _in_one_transaction(engine: sa.Engine, change: Callable[[sa.Connection], None]) -> None:
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")   # only outside a transaction does this take
            conn.commit()
        try:
            with conn.begin():
                if sqlite:   # pysqlite opens no transaction before DDL: open one, holding the write lock,
                    conn.exec_driver_sql("BEGIN IMMEDIATE")   # so that a failed revision rolls back whole
                change(conn)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise sa.exc.IntegrityError("PRAGMA foreign_key_check", None,
                                                Exception("a migration left rows whose key points nowhere"))
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def downgrade(engine: sa.Engine, target: str) -> None:
    """Take the store's tables back to the revision ``target`` in one transaction (rows kept where the older
    schema has room for them): what a release rolled back needs."""
    from alembic import command
    _in_one_transaction(engine, lambda conn: command.downgrade(_config(conn), target))
