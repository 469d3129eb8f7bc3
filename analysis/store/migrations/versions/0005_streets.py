"""Several streets in one database: the table ``streets`` and a key ``street`` on every street's rows.

The rows a store holds already belong to one street, given the code ``local`` (named 本街道; ``python -m analysis
street add local --name …`` renames it). Ids become unique within a street: the primary keys of incidents,
fixes, the registers and meeting notes, and the plans' numbering, take the street first. The audit log gets
the street an action was on ('' for the district), added in place so that its append-only triggers stay.

On SQLite a key cannot be added to a table in place: each table is copied into its new form (alembic's batch
mode; :func:`analysis.store.migrations.upgrade` checks the foreign keys once, at the end).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 06:00:00
"""
from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic import op

from analysis.store.types import Time

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LOCAL = "local"
NAMES = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}   # SQLite's unnamed unique constraint, named to drop it
POINTS = ("incidents", "buildings", "volunteers")       # their generated point column (revision 0004)
POINT_WKT = "CASE WHEN lon IS NULL OR lat IS NULL THEN NULL ELSE 'POINT (' || lon || ' ' || lat || ')' END"
# table -> the columns of its new primary key after ``street`` (None: the key stays)
KEYS: dict[str, str | None] = {"batches": None, "incidents": "incident_id", "fixes": "incident_id",
                               "boundary_versions": None, "buildings": "building_id", "workers": "worker_id",
                               "volunteers": "volunteer_id", "services": None, "plans": None,
                               "meeting_notes": "week"}


def _old_unique(postgres: bool) -> str:
    """The name of the plans' former UNIQUE (name, revision): PostgreSQL's own, or :data:`NAMES`' on SQLite."""
    return "plans_name_revision_key" if postgres else "uq_plans_name_revision"


def upgrade() -> None:
    with warnings.catch_warnings():   # the copied tables' columns still say which was the key; the new key is set
        warnings.filterwarnings("ignore", "Table '_alembic_tmp_", sa.exc.SAWarning)
        _upgrade()


def _upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    op.create_table("streets", sa.Column("code", sa.String(), nullable=False),
                    sa.Column("name", sa.String(), nullable=False), sa.Column("created_at", Time(), nullable=False),
                    sa.PrimaryKeyConstraint("code"))
    if any(bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() for table in KEYS):
        op.execute(f"INSERT INTO streets (code, name, created_at) VALUES ('{LOCAL}', '本街道', CURRENT_TIMESTAMP)")
    for table, key in KEYS.items():
        points = table in POINTS and not postgres
        if points:       # batch mode would copy the generated column's values: drop it, add it again after
            op.execute(f"ALTER TABLE {table} DROP COLUMN geom")
        options = {"sqlite_with_rowid": False} if table == "incidents" else {}
        with op.batch_alter_table(table, recreate="never" if postgres else "always", table_kwargs=options,
                                  naming_convention=NAMES) as batch:
            batch.add_column(sa.Column("street", sa.String(), nullable=False, server_default=LOCAL))
            if key is not None:
                if postgres:
                    batch.drop_constraint(f"{table}_pkey", type_="primary")
                batch.create_primary_key(f"{table}_pkey", ["street", key])
            if table == "plans":
                batch.drop_constraint(_old_unique(postgres), type_="unique")
                batch.create_unique_constraint("plans_street_name_revision_key", ["street", "name", "revision"])
            batch.create_foreign_key(f"{table}_street_fkey", "streets", ["street"], ["code"])
        with op.batch_alter_table(table, recreate="never" if postgres else "always", table_kwargs=options) as batch:
            batch.alter_column("street", server_default=None)
        if points:
            op.execute(f"ALTER TABLE {table} ADD COLUMN geom VARCHAR GENERATED ALWAYS AS ({POINT_WKT}) VIRTUAL")
    op.add_column("audit", sa.Column("street", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if bind.execute(sa.text("SELECT count(*) FROM streets")).scalar_one() > 1:
        raise RuntimeError("the database holds several streets: they cannot share one street's tables")
    op.drop_column("audit", "street")
    for table, key in KEYS.items():
        points = table in POINTS and not postgres
        if points:
            op.execute(f"ALTER TABLE {table} DROP COLUMN geom")
        options = {"sqlite_with_rowid": False} if table == "incidents" else {}
        with op.batch_alter_table(table, recreate="never" if postgres else "always", table_kwargs=options) as batch:
            batch.drop_constraint(f"{table}_street_fkey", type_="foreignkey")
            if key is not None:
                if postgres:
                    batch.drop_constraint(f"{table}_pkey", type_="primary")
                batch.create_primary_key(f"{table}_pkey", [key])
            if table == "plans":
                batch.drop_constraint("plans_street_name_revision_key", type_="unique")
                batch.create_unique_constraint(_old_unique(postgres), ["name", "revision"])
            batch.drop_column("street")
        if points:
            op.execute(f"ALTER TABLE {table} ADD COLUMN geom VARCHAR GENERATED ALWAYS AS ({POINT_WKT}) VIRTUAL")
    op.drop_table("streets")
