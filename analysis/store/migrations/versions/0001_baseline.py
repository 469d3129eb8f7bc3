"""Baseline: the store's tables as they stood when migrations began (2026-12-01).

A store made before then has no ``alembic_version`` table; opening it adds the columns and tables it
lacks the way the store used to (:mod:`analysis.store.migrations`) and stamps it with this revision.

Revision ID: 0001
Revises:
Create Date: 2026-12-01 00:14:39
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


# columns added by hand before migrations began: (table, column, SQL type and default)
ADDED_BY_HAND = (("boundary_versions", "effective_from", "VARCHAR NOT NULL DEFAULT ''"),
                 ("incidents", "extended_due_at", "VARCHAR"), ("incidents", "disposed_at", "VARCHAR"),
                 *(("incidents", name, "VARCHAR NOT NULL DEFAULT ''") for name in ("event_name", "description",
                                                                                   "photos")))


def _create(name: str, *columns: sa.schema.SchemaItem, **options: Any) -> None:
    """Create a table unless a store made before migrations already has it."""
    if not sa.inspect(op.get_bind()).has_table(name):
        op.create_table(name, *columns, **options)


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, column, sql_type in ADDED_BY_HAND:     # a store made before these columns: add them
        if inspector.has_table(table) and column not in {c["name"] for c in inspector.get_columns(table)}:
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
    _create('batches',
    sa.Column('batch_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('file_name', sa.String(), nullable=False),
    sa.Column('file_hash', sa.String(), nullable=False),
    sa.Column('imported_at', sa.String(), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_imported', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.Column('coord_system', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('batch_id')
    )
    _create('buildings',
    sa.Column('building_id', sa.String(), nullable=False),
    sa.Column('address', sa.String(), nullable=False),
    sa.Column('aliases', sa.String(), nullable=False),
    sa.Column('community', sa.String(), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('building_id')
    )
    _create('fixes',
    sa.Column('incident_id', sa.String(), nullable=False),
    sa.Column('grid_id', sa.String(), nullable=False),
    sa.Column('building_id', sa.String(), nullable=False),
    sa.Column('fixed_at', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('incident_id')
    )
    _create('meeting_notes',
    sa.Column('week', sa.String(), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('saved_at', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('week')
    )
    _create('plans',
    sa.Column('plan_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('created_at', sa.String(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('locked', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('plan_id'),
    sa.UniqueConstraint('name', 'revision')
    )
    _create('services',
    sa.Column('service_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('volunteer_id', sa.String(), nullable=False),
    sa.Column('date', sa.String(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('grid_id', sa.String(), nullable=False),
    sa.Column('activity', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('service_id')
    )
    _create('volunteers',
    sa.Column('volunteer_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('team', sa.String(), nullable=False),
    sa.Column('grid_id', sa.String(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('volunteer_id')
    )
    _create('workers',
    sa.Column('worker_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('grid_id', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('worker_id')
    )
    _create('boundary_versions',
    sa.Column('version_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('created_at', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('street_wkt', sa.String(), nullable=False),
    sa.Column('effective_from', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.batch_id'], ),
    sa.PrimaryKeyConstraint('version_id')
    )
    _create('incidents',
    sa.Column('incident_id', sa.String(), nullable=False),
    sa.Column('reported_at', sa.String(), nullable=False),
    sa.Column('due_at', sa.String(), nullable=True),
    sa.Column('closed_at', sa.String(), nullable=True),
    sa.Column('extended_due_at', sa.String(), nullable=True),
    sa.Column('disposed_at', sa.String(), nullable=True),
    sa.Column('category', sa.String(), nullable=False),
    sa.Column('subcategory', sa.String(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('address', sa.String(), nullable=False),
    sa.Column('coord_system', sa.String(), nullable=False),
    sa.Column('handled_level', sa.String(), nullable=False),
    sa.Column('handler', sa.String(), nullable=False),
    sa.Column('reporter_phone', sa.String(), nullable=False),
    sa.Column('satisfaction', sa.String(), nullable=False),
    sa.Column('reopened', sa.String(), nullable=False),
    sa.Column('grid_id', sa.String(), nullable=False),
    sa.Column('building_id', sa.String(), nullable=False),
    sa.Column('match_method', sa.String(), nullable=False),
    sa.Column('event_name', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('photos', sa.String(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('match_score', sa.Float(), nullable=True),
    sa.Column('distance_m', sa.Float(), nullable=True),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.batch_id'], ),
    sa.PrimaryKeyConstraint('incident_id'),
    sqlite_with_rowid=False
    )
    _create('plan_grids',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('level', sa.String(), nullable=False),
    sa.Column('parent_id', sa.String(), nullable=False),
    sa.Column('community', sa.String(), nullable=False),
    sa.Column('wkt', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.plan_id'], ),
    sa.PrimaryKeyConstraint('plan_id', 'grid_id')
    )
    _create('problems',
    sa.Column('problem_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=True),
    sa.Column('column', sa.String(), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('severity', sa.String(), nullable=False),
    sa.Column('detail', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.batch_id'], ),
    sa.PrimaryKeyConstraint('problem_id')
    )
    _create('review',
    sa.Column('review_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.String(), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('detail', sa.String(), nullable=False),
    sa.Column('raw', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.batch_id'], ),
    sa.PrimaryKeyConstraint('review_id')
    )
    _create('grids',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('level', sa.String(), nullable=False),
    sa.Column('parent_id', sa.String(), nullable=False),
    sa.Column('community', sa.String(), nullable=False),
    sa.Column('households', sa.Float(), nullable=True),
    sa.Column('population', sa.Float(), nullable=True),
    sa.Column('wkt', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['boundary_versions.version_id'], ),
    sa.PrimaryKeyConstraint('version_id', 'grid_id')
    )


def downgrade() -> None:
    op.drop_table('grids')
    op.drop_table('review')
    op.drop_table('problems')
    op.drop_table('plan_grids')
    op.drop_table('incidents')
    op.drop_table('boundary_versions')
    op.drop_table('workers')
    op.drop_table('volunteers')
    op.drop_table('services')
    op.drop_table('plans')
    op.drop_table('meeting_notes')
    op.drop_table('fixes')
    op.drop_table('buildings')
    op.drop_table('batches')
