"""Typed columns: PostGIS geometries and ``timestamptz`` times on PostgreSQL, and a point column per located row.

* On both backends the grid polygons' column ``wkt`` of ``grids`` and ``plan_grids`` is renamed ``geom``, and
  incidents, buildings and volunteers get a generated column ``geom``, their point at ``lon``/``lat``
  (:func:`analysis.store.tables.point_column`). On SQLite the columns stay text (WKT); the points are
  VIRTUAL columns, computed when read, so that they cost no space and no import time.
* On PostgreSQL the extension PostGIS is created (a superuser may have to do it once, see the README), the
  polygons become ``geometry(MultiPolygon, 4326)``, the points ``geometry(Point, 4326)`` STORED, each with a
  GiST index, and the times ``timestamptz`` read as China Standard Time.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 05:30:00
"""
from __future__ import annotations

from alembic import op

from analysis.store.types import SRID, TIME_ZONE

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

POLYGONS = ("grids", "plan_grids")
POINTS = ("incidents", "buildings", "volunteers")
TIMES = (("batches", "imported_at"), ("boundary_versions", "created_at"), ("fixes", "fixed_at"),
         ("plans", "created_at"), ("meeting_notes", "saved_at"), ("users", "created_at"), ("audit", "at"),
         *(("incidents", name) for name in ("reported_at", "due_at", "closed_at", "extended_due_at",
                                            "disposed_at")))


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        op.execute(f"SET LOCAL TIME ZONE '{TIME_ZONE}'")
    for table in POLYGONS:
        op.execute(f"ALTER TABLE {table} RENAME COLUMN wkt TO geom")
        if postgres:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN geom TYPE geometry(MultiPolygon, {SRID}) "
                       f"USING ST_Multi(ST_GeomFromText(geom, {SRID}))")
            op.execute(f"CREATE INDEX ix_{table}_geom ON {table} USING gist (geom)")
    for table in POINTS:
        if postgres:
            op.execute(f"ALTER TABLE {table} ADD COLUMN geom geometry(Point, {SRID}) GENERATED ALWAYS AS "
                       f"(ST_SetSRID(ST_MakePoint(lon, lat), {SRID})) STORED")
            op.execute(f"CREATE INDEX ix_{table}_geom ON {table} USING gist (geom)")
        else:
            op.execute(f"ALTER TABLE {table} ADD COLUMN geom VARCHAR GENERATED ALWAYS AS (CASE WHEN lon IS NULL "
                       "OR lat IS NULL THEN NULL ELSE 'POINT (' || lon || ' ' || lat || ')' END) VIRTUAL")
    if postgres:
        for table, column in TIMES:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE timestamptz "
                       f"USING NULLIF({column}, '')::timestamptz")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for table, column in TIMES:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar "
                       f"USING to_char({column} AT TIME ZONE '{TIME_ZONE}', 'YYYY-MM-DD HH24:MI:SS')")
    for table in POINTS:
        op.execute(f"ALTER TABLE {table} DROP COLUMN geom")
    for table in POLYGONS:
        if postgres:
            op.execute(f"DROP INDEX ix_{table}_geom")
            op.execute(f"ALTER TABLE {table} ALTER COLUMN geom TYPE varchar USING ST_AsText(geom)")
        op.execute(f"ALTER TABLE {table} RENAME COLUMN geom TO wkt")
