"""The store's tables (SQLAlchemy Core): the schema the migrations (:mod:`analysis.store.migrations`)
arrive at; a change here needs a revision there.

The code writes and reads times as ISO text ('YYYY-MM-DD HH:MM:SS', the form SQLite's date functions use)
and geometries as WKT on either backend. On SQLite the columns hold that text; on PostgreSQL they are
``timestamptz`` and PostGIS geometries in WGS-84 (grids ``MultiPolygon``; incidents, buildings and
volunteers ``Point``, generated from ``lon``/``lat``) with GiST indexes, so that QGIS opens them as layers
(:mod:`analysis.store.types`).
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from analysis.store.types import Geometry, PointOf, Time

# the values ``incidents.match_method`` may hold ('' = not placed)
MATCH_METHODS = ("coordinates", "snapped", "address_exact", "address_fuzzy", "manual")

metadata = sa.MetaData()


def point_column() -> sa.Column[str]:
    """The generated column ``geom``: the row's point at ``lon``, ``lat`` (NULL without them)."""
    return sa.Column("geom", Geometry("POINT"), sa.Computed(PointOf(), persisted=True))


def spatial_index(table: str) -> sa.Index:
    """The GiST index of ``table.geom`` (PostgreSQL only: on SQLite the column is text no query searches)."""
    return sa.Index(f"ix_{table}_geom", "geom", postgresql_using="gist",
                    info={"only_on": "postgresql"}).ddl_if(dialect="postgresql")


def on_dialect(dialect: str) -> Callable[..., bool]:
    """Alembic's ``include_object`` for a database of ``dialect``: leaves out what exists only on another one
    (``info["only_on"]``), which alembic's comparison would otherwise find missing, and the tables of
    PostGIS itself."""
    def include(obj: object, name: str | None, kind: str, _reflected: bool, _compare_to: object) -> bool:
        if kind == "table" and name == "spatial_ref_sys":
            return False
        only_on: str = getattr(obj, "info", {}).get("only_on", dialect)
        return only_on == dialect
    return include


def stored_columns(table: sa.Table) -> list[sa.Column[object]]:
    """The columns of ``table`` a row is written with: all but the generated ones."""
    return [c for c in table.columns if c.computed is None]


LOCAL_STREET = "local"    # the street of a store made before streets were a key (renamed with ``street add``)

streets = sa.Table(
    "streets", metadata,                                     # the streets (街道) one database holds
    sa.Column("code", sa.String, primary_key=True),          # the street's code, e.g. '430103007'
    sa.Column("name", sa.String, nullable=False),
    sa.Column("created_at", Time, nullable=False),
)


def street_column() -> sa.Column[str]:
    """The column ``street``: the code of the street a row belongs to (every street's own rows)."""
    return sa.Column("street", sa.String, sa.ForeignKey("streets.code"), nullable=False)

batches = sa.Table(
    "batches", metadata,
    sa.Column("batch_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("file_name", sa.String, nullable=False),
    sa.Column("file_hash", sa.String, nullable=False),
    sa.Column("imported_at", Time, nullable=False),
    sa.Column("rows_read", sa.Integer, nullable=False),
    sa.Column("rows_imported", sa.Integer, nullable=False),
    sa.Column("rows_rejected", sa.Integer, nullable=False),
    sa.Column("coord_system", sa.String, nullable=False, default=""),
    sa.Index("ix_batches_file_hash", "file_hash"),
    street_column(),
)

INCIDENT_TIMES = ("reported_at", "due_at", "extended_due_at", "disposed_at", "closed_at")
INCIDENT_TEXT = ("category", "subcategory", "source", "status", "address", "coord_system",
                  "handled_level", "handler", "reporter_phone", "satisfaction", "reopened",
                  "grid_id", "building_id", "match_method", "event_name", "description", "photos")
incidents = sa.Table(
    "incidents", metadata,
    sa.Column("incident_id", sa.String, nullable=False),
    sa.Column("reported_at", Time, nullable=False),
    sa.Column("due_at", Time),
    sa.Column("closed_at", Time),
    sa.Column("extended_due_at", Time),
    sa.Column("disposed_at", Time),
    *[sa.Column(name, sa.String, nullable=False, default="") for name in INCIDENT_TEXT],
    sa.Column("lon", sa.Float),
    sa.Column("lat", sa.Float),
    sa.Column("match_score", sa.Float),
    sa.Column("distance_m", sa.Float),
    sa.Column("source_row", sa.Integer),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.batch_id"), nullable=False),
    point_column(), spatial_index("incidents"),
    street_column(), sa.PrimaryKeyConstraint("street", "incident_id"),   # ids are unique within a street
    # one B-tree keyed by the id; range and method rules are checked before writing
    # (:func:`_validate`): as CHECK constraints they doubled the time of a million-row import
    sqlite_with_rowid=False,
)
INCIDENT_COLUMNS = tuple(c.name for c in stored_columns(incidents))

review = sa.Table(
    "review", metadata,
    sa.Column("review_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.batch_id"), nullable=False),
    sa.Column("incident_id", sa.String, nullable=False, default=""),
    sa.Column("source_row", sa.Integer),
    sa.Column("reason", sa.String, nullable=False),
    sa.Column("detail", sa.String, nullable=False, default=""),
    sa.Column("raw", sa.String, nullable=False, default=""),
    sa.Index("ix_review_batch_id", "batch_id"),
)

problems = sa.Table(
    "problems", metadata,
    sa.Column("problem_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.batch_id"), nullable=False),
    sa.Column("row", sa.Integer),
    sa.Column("column", sa.String, nullable=False),
    sa.Column("value", sa.String, nullable=False),
    sa.Column("code", sa.String, nullable=False),
    sa.Column("severity", sa.String, nullable=False),
    sa.Column("detail", sa.String, nullable=False),
    sa.Index("ix_problems_batch_id", "batch_id"),
)

fixes = sa.Table(
    "fixes", metadata,
    sa.Column("incident_id", sa.String, nullable=False),
    sa.Column("grid_id", sa.String, nullable=False, default=""),
    sa.Column("building_id", sa.String, nullable=False, default=""),
    sa.Column("fixed_at", Time, nullable=False),
    street_column(), sa.PrimaryKeyConstraint("street", "incident_id"),
)

boundary_versions = sa.Table(
    "boundary_versions", metadata,
    sa.Column("version_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("created_at", Time, nullable=False),
    sa.Column("note", sa.String, nullable=False, default=""),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.batch_id")),
    sa.Column("is_current", sa.Boolean, nullable=False, default=False),
    sa.Column("street_wkt", sa.String, nullable=False, default=""),
    sa.Column("effective_from", sa.String, nullable=False, default=""),
    street_column(),                                         # is_current: one current version per street
)

grids = sa.Table(
    "grids", metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("boundary_versions.version_id"), primary_key=True),
    sa.Column("grid_id", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("level", sa.String, nullable=False),
    sa.Column("parent_id", sa.String, nullable=False, default=""),
    sa.Column("community", sa.String, nullable=False, default=""),
    sa.Column("households", sa.Float),
    sa.Column("population", sa.Float),
    sa.Column("geom", Geometry("MULTIPOLYGON"), nullable=False),
    spatial_index("grids"),
)

buildings = sa.Table(
    "buildings", metadata,
    sa.Column("building_id", sa.String, nullable=False),
    sa.Column("address", sa.String, nullable=False),
    sa.Column("aliases", sa.String, nullable=False, default=""),
    sa.Column("community", sa.String, nullable=False, default=""),
    sa.Column("households", sa.Integer, nullable=False, default=0),
    sa.Column("population", sa.Integer, nullable=False, default=0),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    point_column(), spatial_index("buildings"),
    street_column(), sa.PrimaryKeyConstraint("street", "building_id"),
)

workers = sa.Table(
    "workers", metadata,
    sa.Column("worker_id", sa.String, nullable=False), sa.Column("name", sa.String, nullable=False),
    sa.Column("role", sa.String, nullable=False), sa.Column("grid_id", sa.String, nullable=False),
    street_column(), sa.PrimaryKeyConstraint("street", "worker_id"),
)
volunteers = sa.Table(
    "volunteers", metadata,
    sa.Column("volunteer_id", sa.String, nullable=False), sa.Column("name", sa.String, nullable=False),
    sa.Column("team", sa.String, nullable=False), sa.Column("grid_id", sa.String, nullable=False),
    sa.Column("lon", sa.Float), sa.Column("lat", sa.Float), sa.Column("active", sa.Boolean, nullable=False),
    point_column(), spatial_index("volunteers"),
    street_column(), sa.PrimaryKeyConstraint("street", "volunteer_id"),
)
services = sa.Table(
    "services", metadata,
    sa.Column("service_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("volunteer_id", sa.String, nullable=False), sa.Column("date", sa.String, nullable=False),
    sa.Column("hours", sa.Float, nullable=False), sa.Column("grid_id", sa.String, nullable=False),
    sa.Column("activity", sa.String, nullable=False),
    street_column(),
)
plans = sa.Table(
    "plans", metadata,
    sa.Column("plan_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String, nullable=False), sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("author", sa.String, nullable=False, default=""), sa.Column("note", sa.String, nullable=False, default=""),
    sa.Column("created_at", Time, nullable=False), sa.Column("base_version", sa.Integer),
    sa.Column("locked", sa.String, nullable=False, default="[]"),
    street_column(), sa.UniqueConstraint("street", "name", "revision"),
)
plan_grids = sa.Table(
    "plan_grids", metadata,
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.plan_id"), primary_key=True),
    sa.Column("grid_id", sa.String, primary_key=True), sa.Column("name", sa.String, nullable=False),
    sa.Column("level", sa.String, nullable=False), sa.Column("parent_id", sa.String, nullable=False, default=""),
    sa.Column("community", sa.String, nullable=False, default=""),
    sa.Column("geom", Geometry("MULTIPOLYGON"), nullable=False), spatial_index("plan_grids"),
)
meeting_notes = sa.Table(
    "meeting_notes", metadata,
    sa.Column("week", sa.String, nullable=False),            # ISO week, '2026-W47'
    sa.Column("text", sa.String, nullable=False, default=""), sa.Column("saved_at", Time, nullable=False),
    street_column(), sa.PrimaryKeyConstraint("street", "week"),
)
users = sa.Table(
    "users", metadata,                                       # the district server's logins (analysis.access)
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("role", sa.String, nullable=False),            # viewer, analyst, data_manager, admin
    sa.Column("street", sa.String, nullable=False, default=""),   # a street's code; '' = the whole district
    sa.Column("password_hash", sa.String, nullable=False),   # argon2id, with its salt and parameters
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("failed_logins", sa.Integer, nullable=False, default=0),   # in a row, since the last success
    sa.Column("locked_until", sa.String, nullable=False, default=""),   # ISO text; '' = not locked
    sa.Column("created_at", Time, nullable=False),
)
audit = sa.Table(
    "audit", metadata,                                       # append-only: triggers refuse UPDATE and DELETE
    sa.Column("audit_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", Time, nullable=False),
    sa.Column("username", sa.String, nullable=False),   # ("user" is a reserved word of PostgreSQL)
    sa.Column("action", sa.String, nullable=False),
    sa.Column("target", sa.String, nullable=False, default=""),
    sa.Column("detail", sa.String, nullable=False, default=""),
    sa.Column("street", sa.String, nullable=False, default=""),   # the street acted on; '' = the district
    sa.Index("ix_audit_at", "at"),
)
STREET_TABLES = ("batches", "incidents", "fixes", "boundary_versions", "buildings", "workers", "volunteers",
                 "services", "plans", "meeting_notes")
"""The tables whose rows belong to one street (the others through them: grids, plan_grids, review, problems)."""
REGISTERS = {"buildings": buildings, "workers": workers, "volunteers": volunteers, "services": services}
