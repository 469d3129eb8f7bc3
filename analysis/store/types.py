"""Column types that are typed on PostgreSQL/PostGIS and plain text on SQLite, with one face to the code.

The code reads and writes geometries as WKT text and times as ISO text on either backend. On SQLite the
columns hold that text. On PostgreSQL they are what a spatial database and its clients (QGIS, psql, a
report writer) expect:

* :class:`Geometry` is a PostGIS ``geometry(<kind>, 4326)``: WKT goes in through ``ST_GeomFromText`` (heights
  dropped: the columns are 2-D) and comes out through ``ST_AsText`` (a multi-part column gives a single part back as a single geometry, as
  it was written);
* :class:`Time` is ``timestamptz``: the text is read as local time of the street (China Standard Time,
  :data:`TIME_ZONE`, the session's time zone) and comes back as 'YYYY-MM-DD HH:MM:SS';
* :class:`PointOf` is the expression of a generated point column: ``ST_Point(lon, lat, 4326)`` on PostGIS,
  the point's WKT on SQLite.

SQLAlchemy applies the conversions in every statement it builds (see "Applying SQL-level Bind/Result
Processing" in its documentation); statements written as text must do the same themselves.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TIMESTAMP
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import UserDefinedType

SRID = 4326
TIME_ZONE = "Asia/Shanghai"       # China Standard Time, UTC+8 all year: the streets' clocks
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def now_text() -> str:
    """The local time now as the store writes it ('YYYY-MM-DDTHH:MM:SS')."""
    return datetime.now().isoformat(timespec="seconds")


class PostGISGeometry(UserDefinedType[str]):
    """``geometry(<kind>, 4326)`` of PostGIS, read and written as WKT."""

    cache_ok = True

    def __init__(self, kind: str = "GEOMETRY", srid: int = SRID) -> None:
        self.kind, self.srid = kind.upper(), srid

    def get_col_spec(self, **_kw: Any) -> str:
        return f"geometry({self.kind},{self.srid})"

    def bind_expression(self, bindvalue: Any) -> Any:
        geometry = sa.func.ST_Force2D(sa.func.ST_GeomFromText(bindvalue, self.srid), type_=self)
        return sa.func.ST_Multi(geometry, type_=self) if self.kind.startswith("MULTI") else geometry

    def column_expression(self, col: Any) -> Any:
        if self.kind.startswith("MULTI"):      # one part: as the single geometry it was written as
            col = sa.case((sa.func.ST_NumGeometries(col) == 1, sa.func.ST_GeometryN(col, 1)), else_=col)
        return sa.func.ST_AsText(col, type_=sa.String())


ischema_names["geometry"] = PostGISGeometry    # reflection (alembic's comparison) knows the type


class Geometry(sa.types.TypeDecorator[str]):
    """A geometry as WKT text: PostGIS ``geometry(kind, 4326)`` on PostgreSQL, text elsewhere."""

    impl = sa.String
    cache_ok = True

    def __init__(self, kind: str = "GEOMETRY") -> None:
        super().__init__()
        self.kind = kind

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(PostGISGeometry(self.kind))
        return dialect.type_descriptor(sa.String())


class Time(sa.types.TypeDecorator[str]):
    """A time as ISO text 'YYYY-MM-DD HH:MM:SS' (a 'T' may stand for the space in what is written):
    ``timestamptz`` on PostgreSQL, text elsewhere."""

    impl = sa.String
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TIMESTAMP(timezone=True))
        return dialect.type_descriptor(sa.String())

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        if dialect.name != "postgresql" or value is None or isinstance(value, datetime):
            return value
        text = str(value).strip()
        if not text:
            return None
        return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(TIME_ZONE))

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(ZoneInfo(TIME_ZONE)).strftime(TIME_FORMAT)
        return value


class PointOf(sa.sql.expression.ColumnElement[str]):
    """The point at columns ``lon``, ``lat`` (NULL when either is): the expression of a generated column."""

    inherit_cache = False     # not cached: its SQL depends on its attributes

    def __init__(self, lon: str = "lon", lat: str = "lat") -> None:
        self.lon, self.lat = lon, lat


@compiles(PointOf, "postgresql")
def _point_postgis(element: PointOf, _compiler: SQLCompiler, **_kw: Any) -> str:
    return f"ST_SetSRID(ST_MakePoint({element.lon}, {element.lat}), {SRID})"


@compiles(PointOf)
def _point_wkt(element: PointOf, _compiler: SQLCompiler, **_kw: Any) -> str:
    return (f"CASE WHEN {element.lon} IS NULL OR {element.lat} IS NULL THEN NULL "
            f"ELSE 'POINT (' || {element.lon} || ' ' || {element.lat} || ')' END")


class MonthOf(sa.sql.functions.FunctionElement[str]):
    """``MonthOf(column)``: the month 'YYYY-MM' of a :class:`Time` column, in SQL."""

    type = sa.String()
    inherit_cache = True
    name = "month_of"


@compiles(MonthOf, "postgresql")
def _month_postgres(element: MonthOf, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@compiles(MonthOf)
def _month_text(element: MonthOf, compiler: SQLCompiler, **kw: Any) -> str:
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"
