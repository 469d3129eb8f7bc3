"""The embedded store: one SQLite file under ``geodata/local/``, through SQLAlchemy.

Zero set-up. Every import is one transaction (all or nothing) with a batch record. Incidents
are upserted by ``incident_id``, so re-importing the same or an updated export updates status
and closing times without duplicates. Boundary sets are stored as numbered versions, one of
them current. The URL can point at PostgreSQL instead (``GRIDLENS_DB``); geometries are kept
as WKT text so that nothing here needs a spatial extension.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import adbc_driver_sqlite.dbapi as adbc_sqlite
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
import sqlalchemy as sa

from analysis.schema import MATCH_METHODS

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "geodata" / "local" / "gridlens.sqlite"

metadata = sa.MetaData()

batches = sa.Table(
    "batches", metadata,
    sa.Column("batch_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("file_name", sa.String, nullable=False),
    sa.Column("file_hash", sa.String, nullable=False),
    sa.Column("imported_at", sa.String, nullable=False),
    sa.Column("rows_read", sa.Integer, nullable=False),
    sa.Column("rows_imported", sa.Integer, nullable=False),
    sa.Column("rows_rejected", sa.Integer, nullable=False),
    sa.Column("coord_system", sa.String, nullable=False, default=""),
)

_incident_text = ("category", "subcategory", "source", "status", "address", "coord_system",
                  "handled_level", "handler", "reporter_phone", "satisfaction", "reopened",
                  "grid_id", "building_id", "match_method")
incidents = sa.Table(
    "incidents", metadata,
    sa.Column("incident_id", sa.String, primary_key=True),
    sa.Column("reported_at", sa.String, nullable=False),
    sa.Column("due_at", sa.String),
    sa.Column("closed_at", sa.String),
    *[sa.Column(name, sa.String, nullable=False, default="") for name in _incident_text],
    sa.Column("lon", sa.Float),
    sa.Column("lat", sa.Float),
    sa.Column("match_score", sa.Float),
    sa.Column("distance_m", sa.Float),
    sa.Column("source_row", sa.Integer),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.batch_id"), nullable=False),
    # one B-tree keyed by the id; range and method rules are checked before writing
    # (:func:`_validate`): as CHECK constraints they doubled the time of a million-row import
    sqlite_with_rowid=False,
)
INCIDENT_COLUMNS = tuple(c.name for c in incidents.columns)

review = sa.Table(
    "review", metadata,
    sa.Column("review_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.batch_id"), nullable=False),
    sa.Column("incident_id", sa.String, nullable=False, default=""),
    sa.Column("source_row", sa.Integer),
    sa.Column("reason", sa.String, nullable=False),
    sa.Column("detail", sa.String, nullable=False, default=""),
    sa.Column("raw", sa.String, nullable=False, default=""),
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
)

fixes = sa.Table(
    "fixes", metadata,
    sa.Column("incident_id", sa.String, primary_key=True),
    sa.Column("grid_id", sa.String, nullable=False, default=""),
    sa.Column("building_id", sa.String, nullable=False, default=""),
    sa.Column("fixed_at", sa.String, nullable=False),
)

boundary_versions = sa.Table(
    "boundary_versions", metadata,
    sa.Column("version_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("created_at", sa.String, nullable=False),
    sa.Column("note", sa.String, nullable=False, default=""),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.batch_id")),
    sa.Column("is_current", sa.Boolean, nullable=False, default=False),
    sa.Column("street_wkt", sa.String, nullable=False, default=""),
    sa.Column("effective_from", sa.String, nullable=False, default=""),
)
# columns added after a table was first released: (table, column, SQL type and default)
ADDED_COLUMNS = (("boundary_versions", "effective_from", "VARCHAR NOT NULL DEFAULT ''"),)

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
    sa.Column("wkt", sa.String, nullable=False),
)

buildings = sa.Table(
    "buildings", metadata,
    sa.Column("building_id", sa.String, primary_key=True),
    sa.Column("address", sa.String, nullable=False),
    sa.Column("aliases", sa.String, nullable=False, default=""),
    sa.Column("community", sa.String, nullable=False, default=""),
    sa.Column("households", sa.Integer, nullable=False, default=0),
    sa.Column("population", sa.Integer, nullable=False, default=0),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
)

workers = sa.Table(
    "workers", metadata,
    sa.Column("worker_id", sa.String, primary_key=True), sa.Column("name", sa.String, nullable=False),
    sa.Column("role", sa.String, nullable=False), sa.Column("grid_id", sa.String, nullable=False),
)
volunteers = sa.Table(
    "volunteers", metadata,
    sa.Column("volunteer_id", sa.String, primary_key=True), sa.Column("name", sa.String, nullable=False),
    sa.Column("team", sa.String, nullable=False), sa.Column("grid_id", sa.String, nullable=False),
    sa.Column("lon", sa.Float), sa.Column("lat", sa.Float), sa.Column("active", sa.Boolean, nullable=False),
)
services = sa.Table(
    "services", metadata,
    sa.Column("service_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("volunteer_id", sa.String, nullable=False), sa.Column("date", sa.String, nullable=False),
    sa.Column("hours", sa.Float, nullable=False), sa.Column("grid_id", sa.String, nullable=False),
    sa.Column("activity", sa.String, nullable=False),
)
plans = sa.Table(
    "plans", metadata,
    sa.Column("plan_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String, nullable=False), sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("author", sa.String, nullable=False, default=""), sa.Column("note", sa.String, nullable=False, default=""),
    sa.Column("created_at", sa.String, nullable=False), sa.Column("base_version", sa.Integer),
    sa.Column("locked", sa.String, nullable=False, default="[]"),
    sa.UniqueConstraint("name", "revision"),
)
plan_grids = sa.Table(
    "plan_grids", metadata,
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.plan_id"), primary_key=True),
    sa.Column("grid_id", sa.String, primary_key=True), sa.Column("name", sa.String, nullable=False),
    sa.Column("level", sa.String, nullable=False), sa.Column("parent_id", sa.String, nullable=False, default=""),
    sa.Column("community", sa.String, nullable=False, default=""), sa.Column("wkt", sa.String, nullable=False),
)
REGISTERS = {"buildings": buildings, "workers": workers, "volunteers": volunteers, "services": services}


_ROWS_PER_STATEMENT = 50
_MAX_PARAMS = 32766  # SQLite's limit on parameters in one statement (since 3.32)


def _scratch_folder(nbytes: int) -> str | None:
    """/dev/shm (memory) when it exists and has room for twice ``nbytes``, else the temp folder."""
    shm = "/dev/shm"
    if os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2 * nbytes:
        return shm
    return None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Foreign keys on; up to 512 MB of page cache so that a million-row import does not spill.

    The default rollback journal is kept: a large import's transaction would be written twice
    under WAL (log, then checkpoint), which measured slower here.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA cache_size=-524288")
    cursor.close()


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _timestamps(values: pd.Series) -> pa.Array:
    """datetime64 -> 'YYYY-MM-DD HH:MM:SS' text, null for NaT (the form SQLite's date functions use)."""
    return pc.cast(pa.array(values.to_numpy(dtype="datetime64[s]")), pa.string())


def _strings(frame: pd.DataFrame, column: str) -> pa.Array:
    if column not in frame:
        return pa.array([""] * len(frame), type=pa.string())
    return pa.array(frame[column].fillna("").astype(str), type=pa.string())


def incident_table(frame: pd.DataFrame, batch_id: int) -> pa.Table:
    """The incidents as an Arrow table with the store's columns (text, NULL for missing numbers)."""
    def floats(column: str) -> pa.Array:
        return pa.array(frame[column].to_numpy(dtype=float), type=pa.float64(), from_pandas=True)

    columns = {
        "incident_id": _strings(frame, "incident_id"),
        "reported_at": _timestamps(frame["reported_at"]), "due_at": _timestamps(frame["due_at"]),
        "closed_at": _timestamps(frame["closed_at"]),
        **{c: _strings(frame, c) for c in _incident_text},
        "lon": floats("lon"), "lat": floats("lat"), "match_score": floats("match_score"),
        "distance_m": floats("distance_m"),
        "source_row": pa.array(frame["source_row"].to_numpy(dtype=np.int64)),
        "batch_id": pa.array(np.full(len(frame), batch_id, dtype=np.int64)),
    }
    return pa.table({name: columns[name] for name in INCIDENT_COLUMNS})


def _python_values(column: pa.ChunkedArray) -> np.ndarray:
    """An Arrow column as Python objects for a DBAPI driver: None for nulls."""
    values = column.to_numpy(zero_copy_only=False).astype(object)
    if column.null_count:
        values[column.is_null().to_numpy(zero_copy_only=False)] = None
    return values


def _validate(frame: pd.DataFrame) -> None:
    """The rules the incidents table relies on; raises ValueError naming the first bad row."""
    rules = {
        "lon outside -180..180": ~(frame["lon"].isna() | frame["lon"].between(-180, 180)),
        "lat outside -90..90": ~(frame["lat"].isna() | frame["lat"].between(-90, 90)),
        "unknown match_method": ~frame["match_method"].fillna("").isin(("", *MATCH_METHODS)),
    }
    for rule, bad in rules.items():
        if bad.any():
            row = frame.loc[bad.idxmax()]
            raise ValueError(f"incident {row['incident_id']}: {rule}")


class Store:
    """The project's store. ``Store()`` opens (and creates) the default SQLite file.

    Parameters
    ----------
    url : str, optional
        A SQLAlchemy URL; by default ``$GRIDLENS_DB`` or the file ``geodata/local/gridlens.sqlite``.
    """

    def __init__(self, url: str | None = None):
        url = url or os.environ.get("GRIDLENS_DB") or f"sqlite:///{DEFAULT_PATH}"
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.engine = sa.create_engine(url)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Bring a store made before a column was added up to date (``ADDED_COLUMNS``)."""
        inspector = sa.inspect(self.engine)
        with self.engine.begin() as conn:
            for table, column, sql_type in ADDED_COLUMNS:
                if column not in {c["name"] for c in inspector.get_columns(table)}:
                    conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")

    @contextmanager
    def transaction(self, attach: dict[str, Path] | None = None):
        """One all-or-nothing unit of work (a SQLAlchemy connection inside BEGIN ... COMMIT).

        ``attach`` names SQLite files to attach, read-only in spirit, for the duration (SQLite
        attaches only outside a transaction, so they are attached before it begins).
        """
        attach = attach or {}
        with self.engine.connect() as conn:
            for alias, path in attach.items():
                conn.exec_driver_sql(f"ATTACH DATABASE ? AS {alias}", (str(path),))
            conn.commit()
            try:
                with conn.begin():
                    yield conn
            finally:
                for alias in attach:
                    conn.exec_driver_sql(f"DETACH DATABASE {alias}")
                conn.commit()

    # -- batches, problems, review ---------------------------------------------------------
    def add_batch(self, conn, kind: str, file_name: str, file_hash: str, rows_read: int,
                  rows_imported: int, rows_rejected: int, coord_system: str = "") -> int:
        """Insert a batch record inside ``conn``'s transaction; returns its id."""
        result = conn.execute(batches.insert().values(
            kind=kind, file_name=file_name, file_hash=file_hash, imported_at=_now(), rows_read=rows_read,
            rows_imported=rows_imported, rows_rejected=rows_rejected, coord_system=coord_system))
        return int(result.inserted_primary_key[0])

    def add_problems(self, conn, batch_id: int, report) -> None:
        """Store every line of a :class:`ProblemReport` under the batch."""
        rows = [{"batch_id": batch_id, "row": p.row, "column": p.column, "value": p.value, "code": p.code,
                 "severity": p.severity, "detail": p.detail} for p in report.problems]
        if rows:
            conn.execute(problems.insert(), rows)

    def add_review(self, conn, batch_id: int, rows: pd.DataFrame) -> None:
        """Queue rows for review: incident_id, source_row, reason, detail, raw (any may be absent)."""
        if rows.empty:
            return
        frame = rows.reindex(columns=["incident_id", "source_row", "reason", "detail", "raw"])
        source_rows = pd.to_numeric(frame.pop("source_row"), errors="coerce")
        frame = frame.astype(object).fillna("")
        records = [{"batch_id": batch_id, "incident_id": str(r.incident_id), "reason": str(r.reason),
                    "source_row": None if pd.isna(row) else int(row), "detail": str(r.detail), "raw": str(r.raw)}
                   for r, row in zip(frame.itertuples(index=False), source_rows)]
        conn.execute(review.insert(), records)

    def batches(self) -> pd.DataFrame:
        """All batch records, newest first."""
        return pd.read_sql(sa.select(batches).order_by(batches.c.batch_id.desc()), self.engine)

    def problems(self, batch_id: int) -> pd.DataFrame:
        """The stored problem lines of one batch."""
        return pd.read_sql(sa.select(problems).where(problems.c.batch_id == batch_id), self.engine)

    def review_queue(self) -> pd.DataFrame:
        """Rows awaiting review.

        For an incident id: the entries of the latest batch that mentions it, unless a later
        import placed it or a manual fix resolved it. Rejected rows without an id: once per
        distinct raw row (re-importing the same file does not queue them twice).
        """
        frame = pd.read_sql(sa.select(review).order_by(review.c.review_id), self.engine)
        stored = pd.read_sql(sa.select(incidents.c.incident_id, incidents.c.batch_id, incidents.c.match_method),
                             self.engine).set_index("incident_id")
        fixed = set(self.fixes()["incident_id"])
        has_id = frame["incident_id"] != ""
        with_id = frame[has_id & ~frame["incident_id"].isin(fixed)]
        if len(with_id):
            latest = with_id.groupby("incident_id")["batch_id"].transform("max")
            with_id = with_id[with_id["batch_id"] == latest]
            stored_batch = with_id["incident_id"].map(stored["batch_id"]).astype(float)
            with_id = with_id[~(stored_batch > with_id["batch_id"])]   # placed by a later import
        no_id = frame[~has_id].drop_duplicates("raw", keep="last")
        return pd.concat([with_id, no_id]).sort_values("review_id").reset_index(drop=True)

    # -- incidents -------------------------------------------------------------------------
    def upsert_incidents(self, conn, frame: pd.DataFrame, batch_id: int) -> int:
        """Insert or update incidents by id inside ``conn``'s transaction; returns rows written.

        Works on any database SQLAlchemy reaches; :meth:`write_incident_batch` is the fast path
        that imports use on SQLite.
        """
        if frame.empty:
            return 0
        _validate(frame)
        table = incident_table(frame, batch_id)
        names = table.column_names
        columns = [_python_values(column) for column in table.columns]
        rows = np.empty((len(frame), len(names)), dtype=object)
        for j, values in enumerate(columns):
            rows[:, j] = values
        per = max(1, min(_ROWS_PER_STATEMENT, _MAX_PARAMS // len(names)))
        full = len(rows) // per * per
        cursor = conn.connection.cursor()  # the DBAPI cursor of this transaction: lists bind without copying
        try:
            if full:
                cursor.executemany(self._upsert_sql(conn, names, per), rows[:full].reshape(-1, per * len(names)).tolist())
            if len(rows) > full:
                cursor.execute(self._upsert_sql(conn, names, len(rows) - full), rows[full:].reshape(-1).tolist())
        except conn.dialect.dbapi.Error as err:  # raise it as SQLAlchemy would, whatever the driver
            raise sa.exc.DBAPIError.instance("upsert incidents", None, err, conn.dialect.dbapi.Error) from err
        finally:
            cursor.close()
        return len(frame)

    def write_incident_batch(self, batch: dict, frame: pd.DataFrame, review_rows: pd.DataFrame, report) -> int:
        """Write one incident import as a single transaction; returns the batch id.

        ``batch`` holds :meth:`add_batch`'s keyword arguments. On SQLite the rows are first
        written by Arrow's ADBC driver into a staging file (C code, no per-value Python work),
        which the transaction attaches and upserts from in one statement; elsewhere rows go
        through :meth:`upsert_incidents`. Either way the store changes only in the transaction.
        """
        if self.engine.dialect.name != "sqlite" or frame.empty:
            with self.transaction() as conn:
                batch_id = self.add_batch(conn, **batch)
                self.upsert_incidents(conn, frame, batch_id)
                self.add_review(conn, batch_id, review_rows)
                self.add_problems(conn, batch_id, report)
            return batch_id
        _validate(frame)
        table = incident_table(frame, batch_id=0)
        with tempfile.TemporaryDirectory(prefix="gridlens-staging-", dir=_scratch_folder(table.nbytes)) as folder:
            staging = Path(folder) / "staging.sqlite"
            with adbc_sqlite.connect(str(staging), autocommit=True) as bulk, bulk.cursor() as cursor:
                for pragma in ("journal_mode=OFF", "synchronous=OFF"):  # a scratch file: no journal, no fsync
                    cursor.execute(f"PRAGMA {pragma}")
                    cursor.fetchall()
                cursor.adbc_ingest("incidents", table, mode="create")
            with self.transaction(attach={"staging": staging}) as conn:
                batch_id = self.add_batch(conn, **batch)
                names = [n for n in INCIDENT_COLUMNS if n != "batch_id"]
                conn.exec_driver_sql(
                    f"INSERT INTO incidents ({', '.join(names)}, batch_id) SELECT {', '.join(names)}, ? "
                    f"FROM staging.incidents WHERE true ON CONFLICT(incident_id) DO UPDATE SET "
                    + ", ".join(f"{n} = excluded.{n}" for n in INCIDENT_COLUMNS if n != "incident_id"),
                    (batch_id,))
                self.add_review(conn, batch_id, review_rows)
                self.add_problems(conn, batch_id, report)
        return batch_id

    @staticmethod
    def _upsert_sql(conn, names: list[str], rows: int) -> str:
        """INSERT of ``rows`` rows at once that updates every column of an existing id."""
        mark = "?" if conn.dialect.name == "sqlite" else "%s"
        values = ", ".join(["(" + ", ".join([mark] * len(names)) + ")"] * rows)
        return (f"INSERT INTO incidents ({', '.join(names)}) VALUES {values} ON CONFLICT(incident_id) DO UPDATE SET "
                + ", ".join(f"{n} = excluded.{n}" for n in names if n != "incident_id"))

    def incidents(self, where: sa.ColumnElement | None = None) -> pd.DataFrame:
        """Stored incidents with times parsed (``reported_at``, ``due_at``, ``closed_at``)."""
        q = sa.select(incidents) if where is None else sa.select(incidents).where(where)
        frame = pd.read_sql(q, self.engine)
        for column in ("reported_at", "due_at", "closed_at"):
            frame[column] = pd.to_datetime(frame[column], format="ISO8601")
        return frame

    def incident_columns(self, columns: tuple[str, ...], categorical: tuple[str, ...] = (),
                         times: tuple[str, ...] = ()) -> pd.DataFrame:
        """Every stored incident, some columns only, read through Arrow (fast on a million rows).

        ``categorical`` columns come back as pandas categoricals, ``times`` as datetime64[s]
        (NaT where empty). On SQLite the rows are read by Arrow's ADBC driver; elsewhere through
        SQLAlchemy.
        """
        query = f"SELECT {', '.join(columns)} FROM incidents"
        if self.engine.dialect.name == "sqlite":
            with adbc_sqlite.connect(str(self.engine.url.database)) as conn, conn.cursor() as cursor:
                cursor.execute(query)
                table = cursor.fetch_arrow_table()
        else:
            table = pa.Table.from_pandas(pd.read_sql(sa.text(query), self.engine), preserve_index=False)
        out = {}
        for name in columns:
            column = table.column(name)
            if name in times:
                text = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
                column = pc.strptime(text, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
            elif name in categorical:
                column = pc.dictionary_encode(pc.fill_null(column, ""))
            out[name] = column
        frame = pa.table(out).to_pandas()
        for name in columns:
            if name not in times and name not in categorical and frame[name].dtype != float:
                frame[name] = frame[name].fillna("").astype(object)
        return frame

    def count_incidents(self) -> int:
        """Number of stored incidents."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(incidents)).scalar_one())

    def counts_by_method(self) -> pd.Series:
        """Stored incidents per ``match_method`` ('' = unplaced)."""
        q = sa.select(incidents.c.match_method, sa.func.count()).group_by(incidents.c.match_method)
        with self.engine.connect() as conn:
            return pd.Series(dict(conn.execute(q).all()), dtype=int)

    # -- fixes -----------------------------------------------------------------------------
    def save_fix(self, incident_id: str, grid_id: str = "", building_id: str = "") -> None:
        """Store a user's placement of one incident and apply it to the stored incident now.

        The fix is kept in its own table and re-applied by every later import of that id.
        """
        if not (grid_id or building_id):
            raise ValueError("a fix needs a grid or a building")
        with self.transaction() as conn:
            conn.execute(sa.delete(fixes).where(fixes.c.incident_id == incident_id))
            conn.execute(fixes.insert().values(incident_id=incident_id, grid_id=grid_id,
                                               building_id=building_id, fixed_at=_now()))
            if grid_id:
                conn.execute(sa.update(incidents).where(incidents.c.incident_id == incident_id).values(
                    grid_id=grid_id, building_id=building_id, match_method="manual", match_score=100.0))

    def fixes(self) -> pd.DataFrame:
        """All stored manual fixes."""
        return pd.read_sql(sa.select(fixes), self.engine)

    # -- boundaries ------------------------------------------------------------------------
    def add_boundary_version(self, conn, name: str, layer: gpd.GeoDataFrame, batch_id: int | None,
                             street=None, note: str = "", make_current: bool = True, effective_from: str = "") -> int:
        """Store a named set of grid polygons as a new version (inside ``conn``).

        ``effective_from`` is the day (ISO date) the division takes effect ('' when not stated).
        """
        result = conn.execute(boundary_versions.insert().values(
            name=name, created_at=_now(), note=note, batch_id=batch_id, is_current=False,
            effective_from=effective_from,
            street_wkt="" if street is None else shapely.to_wkt(street, rounding_precision=7)))
        version = int(result.inserted_primary_key[0])
        rows = layer.drop(columns="geometry").assign(
            version_id=version, wkt=shapely.to_wkt(layer.geometry.to_numpy(), rounding_precision=7))
        rows = rows.reindex(columns=[c.name for c in grids.columns])
        rows = rows.astype(object).where(rows.notna(), None)
        conn.execute(grids.insert(), rows.to_dict("records"))
        if make_current:
            conn.execute(sa.update(boundary_versions).values(is_current=(boundary_versions.c.version_id == version)))
        return version

    def boundary_versions(self) -> pd.DataFrame:
        """Stored boundary versions, newest first."""
        q = sa.select(boundary_versions).order_by(boundary_versions.c.version_id.desc())
        return pd.read_sql(q, self.engine)

    def current_version(self) -> int | None:
        """The id of the current boundary version (None when none is stored)."""
        q = sa.select(boundary_versions.c.version_id).where(boundary_versions.c.is_current)
        with self.engine.connect() as conn:
            return conn.execute(q).scalar_one_or_none()

    def grids(self, version: int | None = None) -> gpd.GeoDataFrame:
        """The grid polygons of a version (default: current) as a canonical GeoDataFrame."""
        version = self.current_version() if version is None else int(version)
        frame = pd.read_sql(sa.select(grids).where(grids.c.version_id == (version or -1)), self.engine)
        geometry = shapely.from_wkt(frame.pop("wkt").to_numpy()) if len(frame) else []
        return gpd.GeoDataFrame(frame.drop(columns="version_id"), geometry=list(geometry), crs=4326)

    def street(self, version: int | None = None):
        """The street boundary stored with a version (None when none was given)."""
        version = self.current_version() if version is None else int(version)
        q = sa.select(boundary_versions.c.street_wkt).where(boundary_versions.c.version_id == (version or -1))
        with self.engine.connect() as conn:
            text = conn.execute(q).scalar_one_or_none()
        return shapely.from_wkt(text) if text else None

    # -- registers (buildings, workers, volunteers, services) -------------------------------
    def replace_register(self, conn, name: str, frame: pd.DataFrame) -> int:
        """Replace a register table wholesale with ``frame`` (inside ``conn``)."""
        table = REGISTERS[name]
        columns = [c.name for c in table.columns if c.name in frame.columns]
        conn.execute(sa.delete(table))
        rows = frame[columns].astype(object).where(frame[columns].notna(), None).to_dict("records")
        if rows:
            conn.execute(table.insert(), rows)
        return len(rows)

    def register(self, name: str) -> pd.DataFrame:
        """A register table as a DataFrame."""
        return pd.read_sql(sa.select(REGISTERS[name]), self.engine)
