"""The store: one SQLite file under ``geodata/local/`` by default, through SQLAlchemy.

Zero set-up. Every import is one transaction (all or nothing) with a batch record. Incidents
are upserted by ``incident_id``, so re-importing the same or an updated export updates status
and closing times without duplicates. Boundary sets are stored as numbered versions, one of
them current. The URL can point at PostgreSQL with PostGIS instead (``GRIDLENS_DB``), where the
columns are typed (geometries, ``timestamptz``) and imports COPY their rows. The tables are in
:mod:`analysis.store.tables`; opening a store brings them to the newest schema revision, rows kept
(:mod:`analysis.store.migrations`).
"""
from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import adbc_driver_sqlite.dbapi as adbc_sqlite
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
import sqlalchemy as sa
from shapely.geometry.base import BaseGeometry

from analysis.settings import PROJECT_ROOT
from analysis.store import migrations
from analysis.store.errors import StoreError
from analysis.store.freed_memory import release_freed_memory
from analysis.store.incident_rows import EMPTY_INCIDENTS, ROW_BYTES, Placed, incident_table, python_values, validate
from analysis.store.postgres_copy import checked_once, copy_in, copy_out
from analysis.store.review import pending_review
from analysis.store.staging import remove_stale_staging, staged_incidents
from analysis.store.streets import check_code, known_street
from analysis.store.tables import (
    INCIDENT_COLUMNS,
    INCIDENT_TIMES,
    LOCAL_STREET,
    REGISTERS,
    batches,
    boundary_versions,
    fixes,
    grids,
    incidents,
    problems,
    review,
    stored_columns,
)
from analysis.store.types import TIME_ZONE, now_text

if TYPE_CHECKING:   # the report's type only: ingest writes through the store, never the reverse
    from analysis.ingest.problems import ProblemReport

DEFAULT_PATH = PROJECT_ROOT / "geodata" / "local" / "gridlens.sqlite"
_ROWS_PER_STATEMENT = 50
_MAX_PARAMS = 32766  # SQLite's limit on parameters in one statement (since 3.32)


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    """Foreign keys on; up to 512 MB of page cache so that a million-row import does not spill.

    The default rollback journal is kept: a large import's transaction would be written twice
    under WAL (log, then checkpoint), which measured slower here.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA cache_size=-524288")
    cursor.close()


# the upsert leaves a stored closed case alone when the incoming row has no closing time (an older export)
KEEP_CLOSED = " WHERE NOT (incidents.closed_at IS NOT NULL AND excluded.closed_at IS NULL)"


def _report_older(report: ProblemReport, rows: Sequence[Any], overwritten: bool) -> None:
    """A line per incoming row ``(source_row, incident_id, stored closed_at)`` that would reopen a closed case."""
    for row, incident_id, closed_at in rows:
        report.add(int(row), "closed_at", incident_id, "older_state_overwritten" if overwritten else "older_state_kept",
                   "warning", str(closed_at)[:16])


def _check_sqlite_file(path: Path) -> None:
    """Refuse a file that exists but is no SQLite database: an empty file (a store cut short, say by a
    full disk) or another file. A missing file is fine: it is created. Filling such a file with fresh
    tables (or the demo) would hide that the street's data is gone."""
    if not path.exists():
        return
    if path.stat().st_size == 0:
        raise StoreError("empty_file", str(path))
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise StoreError("corrupt", str(path))


def new_id(result: sa.CursorResult[Any]) -> int:
    """The primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the INSERT returned no primary key")
    return int(key[0])


def _arrow_type(sql_type: sa.types.TypeEngine[Any]) -> pa.DataType:
    """The Arrow type the code reads a column of the schema as (text, float, integer or boolean)."""
    return pa.float64() if isinstance(sql_type, sa.Float) else pa.int64() if isinstance(sql_type, sa.Integer) \
        else pa.bool_() if isinstance(sql_type, sa.Boolean) else pa.string()


def _as_schema_type(column: pa.ChunkedArray, sql_type: sa.types.TypeEngine[Any]) -> pa.ChunkedArray:
    """An Arrow column cast to the Arrow type of its column in the schema (text, float or integer)."""
    wanted = _arrow_type(sql_type)
    if column.type == wanted:
        return column
    if column.null_count == len(column):
        return pa.chunked_array([pa.nulls(len(column), wanted)])
    return pc.cast(column, wanted)


READ_ROWS = 262_144
"""Incidents read and typed at a time (:meth:`Store.incident_columns`): the text of every column of a whole city
read first and typed after (times parsed, categories encoded) peaked at 7.5 GB for 10M incidents."""


def _typed(raw: pa.Table, columns: tuple[str, ...], categorical: tuple[str, ...], times: tuple[str, ...]) -> pa.Table:
    """``columns`` of ``raw`` cast to their schema types, ``times`` (text) parsed to seconds (null where empty or
    unreadable), ``categorical`` dictionary-encoded ('' for null), the others copied into one chunk each."""
    out = {}
    for name in columns:
        column = _as_schema_type(raw.column(name), incidents.c[name].type)
        if name in times:
            text = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
            column = pc.strptime(text, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
        elif name in categorical:
            column = pc.dictionary_encode(pc.fill_null(column, ""))
        else:   # copied out of the driver's batches: a column kept from one keeps all of the batch's columns alive
            column = pa.chunked_array([column.combine_chunks()])
        out[name] = column
    return pa.table(out)


def _in_groups(batches: Iterable[pa.RecordBatch], rows: int) -> Iterator[pa.Table]:
    """``batches`` gathered into tables of at least ``rows`` rows (the last one smaller)."""
    group: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        group.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.Table.from_batches(group)
            group, count = [], 0
    if group:
        yield pa.Table.from_batches(group)


def _read_columns(table: sa.Table) -> list[sa.Column[object]]:
    """The columns a reader of one street gets: the stored ones but the street."""
    return [c for c in stored_columns(table) if c.name != "street"]


class Store:
    """The project's store. ``Store()`` opens (and creates) the default SQLite file.

    One database may hold several streets (街道); a ``Store`` reads and writes one of them, ``street_code``:
    every row it writes carries that code and every query it makes is limited to it (:meth:`mine`). Ids
    (incidents, buildings, plan names) are unique within a street.

    Parameters
    ----------
    url : str, optional
        A SQLAlchemy URL; by default ``$GRIDLENS_DB`` or the file ``geodata/local/gridlens.sqlite``.
    street : str, optional
        The street's code; by default ``$GRIDLENS_STREET`` or ``local``, the one street of a laptop's store
        (created on its first write; other streets are added with :func:`analysis.store.streets.add_street`).
    """

    def __init__(self, url: str | None = None, street: str | None = None) -> None:
        url = url or os.environ.get("GRIDLENS_DB") or f"sqlite:///{DEFAULT_PATH}"
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            _check_sqlite_file(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_staging()
        self.url = url
        postgres = sa.engine.make_url(url).get_backend_name() == "postgresql"
        # times without a zone (the exports') are the streets' local time, in COPY as in statements
        self.engine = sa.create_engine(url, connect_args={"options": f"-c TimeZone={TIME_ZONE}"} if postgres else {})
        # imports write through Arrow's ADBC staging file on SQLite and COPY on PostgreSQL, row batches
        # elsewhere (all tested)
        self.bulk_writes = self.engine.dialect.name in ("sqlite", "postgresql")
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        migrations.upgrade(self.engine)
        self.street_code = check_code(street or os.environ.get("GRIDLENS_STREET") or LOCAL_STREET)

    def for_street(self, code: str) -> Store:
        """The same database (one engine, one pool) seen as the street ``code``."""
        other = copy.copy(self)
        other.street_code = check_code(code)
        return other

    def mine(self, table: sa.Table) -> sa.ColumnElement[bool]:
        """The condition that keeps a query on ``table`` to this store's street."""
        return table.c.street == self.street_code

    @contextmanager
    def transaction(self, attach: dict[str, Path] | None = None) -> Iterator[sa.Connection]:
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
                    known_street(conn, self.street_code)
                    yield conn
            finally:
                for alias in attach:
                    conn.exec_driver_sql(f"DETACH DATABASE {alias}")
                conn.commit()

    # -- batches, problems, review ---------------------------------------------------------
    def add_batch(self, conn: sa.Connection, kind: str, file_name: str, file_hash: str, rows_read: int,
                  rows_imported: int, rows_rejected: int, coord_system: str = "") -> int:
        """Insert a batch record inside ``conn``'s transaction; returns its id."""
        result = conn.execute(batches.insert().values(
            street=self.street_code, kind=kind, file_name=file_name, file_hash=file_hash, imported_at=now_text(), rows_read=rows_read,
            rows_imported=rows_imported, rows_rejected=rows_rejected, coord_system=coord_system))
        return new_id(result)

    def add_problems(self, conn: sa.Connection, batch_id: int, report: ProblemReport) -> None:
        """Store every line of a :class:`ProblemReport` under the batch."""
        rows = [{"batch_id": batch_id, "row": p.row, "column": p.column, "value": p.value, "code": p.code,
                 "severity": p.severity, "detail": p.detail} for p in report.problems]
        self._insert(conn, problems, rows)

    def add_review(self, conn: sa.Connection, batch_id: int, rows: pd.DataFrame) -> None:
        """Queue rows for review: incident_id, source_row, reason, detail, raw (any may be absent)."""
        if rows.empty:
            return
        frame = rows.reindex(columns=["incident_id", "source_row", "reason", "detail", "raw"])
        source_rows = pd.to_numeric(frame.pop("source_row"), errors="coerce")
        frame = frame.astype(object).fillna("")
        records = [{"batch_id": batch_id, "incident_id": str(r.incident_id), "reason": str(r.reason),
                    "source_row": None if pd.isna(row) else int(row), "detail": str(r.detail), "raw": str(r.raw)}
                   for r, row in zip(frame.itertuples(index=False), source_rows)]
        self._insert(conn, review, records)

    @staticmethod
    def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        """Insert ``rows`` (dicts of one set of keys) into ``table``: COPYed on PostgreSQL, a statement elsewhere."""
        if not rows:
            return
        if conn.dialect.name == "postgresql":   # tens of thousands of problem lines: 0.1 s instead of 0.6 s
            copy_in(conn, table.name, [pa.Table.from_pylist(rows)])
        else:
            conn.execute(table.insert(), rows)

    def batches(self) -> pd.DataFrame:
        """All batch records, newest first."""
        q = sa.select(batches).where(self.mine(batches)).order_by(batches.c.batch_id.desc())
        return pd.read_sql(q, self.engine)

    def problems(self, batch_id: int) -> pd.DataFrame:
        """The stored problem lines of one batch."""
        ours = sa.select(batches.c.batch_id).where(self.mine(batches))
        q = sa.select(problems).where((problems.c.batch_id == batch_id) & problems.c.batch_id.in_(ours))
        return pd.read_sql(q, self.engine)

    def review_queue(self) -> pd.DataFrame:
        """Rows awaiting review.

        For an incident id: the entries of the latest batch that mentions it, unless a later
        import placed it or a manual fix resolved it. Rejected rows without an id: once per
        distinct raw row (re-importing the same file does not queue them twice).
        """
        ours = sa.select(batches.c.batch_id).where(self.mine(batches))
        frame = pd.read_sql(sa.select(review).where(review.c.batch_id.in_(ours)).order_by(review.c.review_id),
                            self.engine)
        queued = sa.select(review.c.incident_id).where(review.c.batch_id.in_(ours) & (review.c.incident_id != ""))
        stored = pd.read_sql(sa.select(incidents.c.incident_id, incidents.c.batch_id).where(   # the queued ids only
            self.mine(incidents) & incidents.c.incident_id.in_(queued)), self.engine)
        return pending_review(frame, stored.set_index("incident_id")["batch_id"], set(self.fixes()["incident_id"]))

    # -- incidents -------------------------------------------------------------------------
    def upsert_incidents(self, conn: sa.Connection, frame: pd.DataFrame, batch_id: int,
                         report: ProblemReport | None = None, overwrite_older: bool = False) -> int:
        """Insert or update incidents by id inside ``conn``'s transaction; returns rows written.

        Works on any database SQLAlchemy reaches; :meth:`write_incident_batch` is the fast path
        that imports use on SQLite. A row that would reopen a stored closed case is reported in
        ``report`` and skipped unless ``overwrite_older``.
        """
        if frame.empty:
            return 0
        validate(frame)
        if report is not None:
            open_rows = frame[frame["closed_at"].isna()]
            ids = open_rows["incident_id"].astype(str).tolist()
            closed: dict[str, str] = {}
            for start in range(0, len(ids), 5000):
                q = sa.select(incidents.c.incident_id, incidents.c.closed_at).where(
                    self.mine(incidents) & incidents.c.incident_id.in_(ids[start:start + 5000])
                    & incidents.c.closed_at.is_not(None))
                closed.update({str(i): str(c) for i, c in conn.execute(q).all()})
            _report_older(report, [(int(r), i, closed[i]) for r, i in zip(open_rows["source_row"], ids)
                                   if i in closed], overwrite_older)
        table = incident_table(frame, batch_id, self.street_code)
        names = table.column_names
        columns = [python_values(column) for column in table.columns]
        rows = np.empty((len(frame), len(names)), dtype=object)
        for j, values in enumerate(columns):
            rows[:, j] = values
        per = max(1, min(_ROWS_PER_STATEMENT, _MAX_PARAMS // len(names)))
        full = len(rows) // per * per
        driver = conn.dialect.dbapi
        assert driver is not None, "a connection always has its DBAPI module"
        cursor = conn.connection.cursor()  # the DBAPI cursor of this transaction: lists bind without copying
        try:
            if full:
                cursor.executemany(self._upsert_sql(conn, names, per, overwrite_older),
                                   rows[:full].reshape(-1, per * len(names)).tolist())
            if len(rows) > full:
                cursor.execute(self._upsert_sql(conn, names, len(rows) - full, overwrite_older),
                               rows[full:].reshape(-1).tolist())
        except driver.Error as err:  # raise it as SQLAlchemy would, whatever the driver
            raise sa.exc.DBAPIError.instance("upsert incidents", None, err, driver.Error) from err
        finally:
            cursor.close()
        return len(frame)

    def write_incident_batch(self, batch: dict[str, Any], placed: Iterable[Placed], report: ProblemReport,
                             overwrite_older: bool = False,
                             notes: Callable[[], ProblemReport] | None = None) -> int:
        """Write one incident import as a single transaction; returns the batch id.

        ``batch`` holds :meth:`add_batch`'s keyword arguments; its ``rows_imported`` says about how many incidents
        ``placed`` holds. ``placed`` gives the import part by part, and may place each part only when it is asked
        for: a part's rows are written as it comes, its review lines are queued and its problem lines are added to
        ``report``. Once every part is written, the batch's counts are read from ``batch`` again (an import read
        part by part knows them only then), and the lines ``notes`` gives (on the whole file) are added to
        ``report``. On SQLite, Arrow's ADBC driver writes the parts into a staging file (C code, no per-value
        Python work) that the transaction attaches, and one statement upserts them from there. On PostgreSQL a
        second thread COPYs each part into a temporary table of the transaction (or straight into ``incidents``
        on a street's first import), so that the server stores one part while the next is placed. Elsewhere rows
        go through :meth:`upsert_incidents`. Either way the store changes only when the transaction commits: an
        error in any part leaves it as it was.

        A row that would reopen a case the store has closed (an older export: closed there, open
        here) is reported and, unless ``overwrite_older``, leaves the stored case as it is. Problem
        and review lines of an earlier import of the same file give way to this one's.
        """
        reviews: list[pd.DataFrame] = []
        names = [n for n in INCIDENT_COLUMNS if n != "batch_id"]

        def frames() -> Iterator[pd.DataFrame]:
            for part in placed:
                report.extend(part.report)
                reviews.append(part.review)
                if len(part.incidents):
                    validate(part.incidents)
                    yield part.incidents

        def tables() -> Iterator[pa.Table]:
            for frame in frames():
                yield incident_table(frame, 0, self.street_code).select(names)

        rows = int(batch.get("rows_imported", 0))
        file_hash = str(batch.get("file_hash", ""))
        if self.engine.dialect.name == "postgresql":
            with self.transaction() as conn, checked_once(conn, incidents, rows):
                first = conn.execute(sa.select(incidents.c.incident_id).where(self.mine(incidents)).limit(1)).first()
                batch_id = self.add_batch(conn, **batch)
                self._supersede(conn, batch_id, file_hash)
                if first is None:   # nothing to update: straight in, 3 s less for a million rows
                    copy_in(conn, "incidents", (t.append_column("batch_id", pa.array(np.full(len(t), batch_id)))
                                                for t in tables()))
                else:
                    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE staging_incidents ON COMMIT DROP AS "
                                         f"SELECT {', '.join(names)} FROM incidents WITH NO DATA")
                    copy_in(conn, "staging_incidents", tables())
                    self._upsert_staged(conn, "staging_incidents", batch_id, report, overwrite_older)
                self._queue(conn, batch_id, reviews, report, batch, notes)
            return batch_id
        if self.bulk_writes:
            schema = incident_table(EMPTY_INCIDENTS, 0, self.street_code).select(names).schema
            with staged_incidents(tables(), schema, rows * ROW_BYTES) as staging, \
                    self.transaction(attach={"staging": staging}) as conn:
                batch_id = self.add_batch(conn, **batch)
                self._supersede(conn, batch_id, file_hash)
                self._upsert_staged(conn, "staging.incidents", batch_id, report, overwrite_older)
                self._queue(conn, batch_id, reviews, report, batch, notes)
            return batch_id
        with self.transaction() as conn:
            batch_id = self.add_batch(conn, **batch)
            self._supersede(conn, batch_id, file_hash)
            for frame in frames():
                self.upsert_incidents(conn, frame, batch_id, report, overwrite_older)
            self._queue(conn, batch_id, reviews, report, batch, notes)
        return batch_id

    def _upsert_staged(self, conn: sa.Connection, staged: str, batch_id: int, report: ProblemReport,
                       overwrite_older: bool) -> None:
        """Insert or update the incidents of the table ``staged`` in one statement (see :meth:`write_incident_batch`
        for the closed cases an older export would reopen)."""
        older = conn.execute(sa.text(
            f"SELECT s.source_row, s.incident_id, i.closed_at FROM {staged} s JOIN incidents i "
            "ON i.street = s.street AND i.incident_id = s.incident_id "
            "WHERE i.closed_at IS NOT NULL AND s.closed_at IS NULL"
        ).columns(closed_at=incidents.c.closed_at.type)).all()
        _report_older(report, older, overwrite_older)
        names = [n for n in INCIDENT_COLUMNS if n != "batch_id"]
        conn.execute(sa.text(
            f"INSERT INTO incidents ({', '.join(names)}, batch_id) SELECT {', '.join(names)}, :batch_id "
            f"FROM {staged} WHERE true ON CONFLICT(street, incident_id) DO UPDATE SET "
            + ", ".join(f"{n} = excluded.{n}" for n in INCIDENT_COLUMNS if n not in ("street", "incident_id"))
            + ("" if overwrite_older else KEEP_CLOSED)), {"batch_id": batch_id})

    def _queue(self, conn: sa.Connection, batch_id: int, reviews: list[pd.DataFrame], report: ProblemReport,
               batch: dict[str, Any], notes: Callable[[], ProblemReport] | None) -> None:
        """The counts, the review lines and the problem report of a written batch."""
        conn.execute(batches.update().where(batches.c.batch_id == batch_id).values(
            {k: int(batch.get(k, 0)) for k in ("rows_read", "rows_imported", "rows_rejected")}))
        if notes is not None:
            report.extend(notes())
        filled = [r for r in reviews if len(r)]
        if filled:
            self.add_review(conn, batch_id, pd.concat(filled, ignore_index=True))
        self.add_problems(conn, batch_id, report)

    def _supersede(self, conn: sa.Connection, batch_id: int, file_hash: str) -> None:
        """Drop the problem and review lines of this street's earlier imports of the same file (``file_hash``):
        they would only repeat this import's, doubling the queue and the report."""
        if not file_hash:
            return
        earlier = sa.select(batches.c.batch_id).where(self.mine(batches) & (batches.c.file_hash == file_hash)
                                                      & (batches.c.batch_id != batch_id))
        conn.execute(sa.delete(problems).where(problems.c.batch_id.in_(earlier)))
        conn.execute(sa.delete(review).where(review.c.batch_id.in_(earlier)))

    @staticmethod
    def _upsert_sql(conn: sa.Connection, names: list[str], rows: int, overwrite_older: bool = False) -> str:
        """INSERT of ``rows`` rows at once that updates every column of an existing id (a closed case is
        kept closed unless ``overwrite_older``)."""
        mark = "?" if conn.dialect.name == "sqlite" else "%s"
        values = ", ".join(["(" + ", ".join([mark] * len(names)) + ")"] * rows)
        return (f"INSERT INTO incidents ({', '.join(names)}) VALUES {values} ON CONFLICT(street, incident_id) "
                "DO UPDATE SET " + ", ".join(f"{n} = excluded.{n}" for n in names if n not in ("street", "incident_id"))
                + ("" if overwrite_older else KEEP_CLOSED))

    def incidents(self, where: sa.ColumnElement[bool] | None = None) -> pd.DataFrame:
        """Stored incidents with times parsed (``INCIDENT_TIMES``)."""
        q = sa.select(*_read_columns(incidents)).where(self.mine(incidents))
        q = q if where is None else q.where(where)
        frame = pd.read_sql(q, self.engine)
        for column in INCIDENT_TIMES:
            frame[column] = pd.to_datetime(frame[column], format="ISO8601")
        return frame

    def incident_columns(self, columns: tuple[str, ...], categorical: tuple[str, ...] = (),
                         times: tuple[str, ...] = ()) -> pd.DataFrame:
        """Every stored incident, some columns only, read through Arrow (fast on a million rows).

        ``categorical`` columns come back as pandas categoricals, ``times`` as datetime64[s]
        (NaT where empty), other text as pandas' ``str`` ('' where empty). On SQLite the rows are read by Arrow's ADBC driver, on PostgreSQL by COPY
        (times as local text); elsewhere through SQLAlchemy. Each column is cast to its type in the schema first: a driver guesses a type from
        the values, and a column that holds no value at all (no deadline in the whole export) comes
        back as integers or nulls.
        """
        query = f"SELECT {', '.join(columns)} FROM incidents WHERE street = '{self.street_code}'"   # a checked code

        def typed(raw: pa.Table) -> pa.Table:
            out = _typed(raw, columns, categorical, times)
            release_freed_memory()       # the groups read before this one: freed, but kept by the allocators
            return out
        if self.engine.dialect.name == "sqlite":
            with adbc_sqlite.connect(str(self.engine.url.database)) as conn, conn.cursor() as cursor:
                cursor.execute(query)
                reader = cursor.fetch_record_batch()
                pieces = [typed(group) for group in _in_groups(reader, READ_ROWS)] or [typed(reader.read_all())]
            table = pa.concat_tables(pieces)   # pandas unifies the parts' categories
            del pieces
        elif self.engine.dialect.name == "postgresql":
            listed = ", ".join(f"to_char({n}, 'YYYY-MM-DD HH24:MI:SS')" if n in INCIDENT_TIMES else n
                               for n in columns)
            schema = pa.schema([(n, _arrow_type(incidents.c[n].type)) for n in columns])
            with self.engine.connect() as connection:
                table = typed(copy_out(connection, f"SELECT {listed} FROM incidents WHERE street = '{self.street_code}'",
                                       schema))
        else:
            table = typed(pa.Table.from_pandas(pd.read_sql(sa.text(query), self.engine), preserve_index=False))
        for name in columns:
            if pa.types.is_string(table.column(name).type) or pa.types.is_large_string(table.column(name).type):
                # one buffer: selecting rows is a take per chunk, 1,000 rows each
                table = table.set_column(table.schema.get_field_index(name), name,
                                         pa.chunked_array([table.column(name).combine_chunks()]))
        frame: pd.DataFrame = table.to_pandas(self_destruct=True, split_blocks=True)   # Arrow's copy freed as it goes
        del table
        for name in columns:             # text stays in Arrow's buffers (pandas' str): a sixth of the memory of objects
            if name not in times and name not in categorical and frame[name].dtype != float:
                frame[name] = frame[name].fillna("")
        release_freed_memory()           # the driver's batches and Arrow's copies: as much again as the frame
        return frame

    def count_incidents(self) -> int:
        """Number of stored incidents."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(incidents).where(self.mine(incidents)))
                       .scalar_one())

    def counts_by_method(self) -> pd.Series:
        """Stored incidents per ``match_method`` ('' = unplaced)."""
        q = sa.select(incidents.c.match_method, sa.func.count()).where(self.mine(incidents)).group_by(
            incidents.c.match_method)
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
            conn.execute(sa.delete(fixes).where(self.mine(fixes) & (fixes.c.incident_id == incident_id)))
            conn.execute(fixes.insert().values(street=self.street_code, incident_id=incident_id, grid_id=grid_id,
                                               building_id=building_id, fixed_at=now_text()))
            if grid_id:
                conn.execute(sa.update(incidents).where(
                    self.mine(incidents) & (incidents.c.incident_id == incident_id)).values(
                    grid_id=grid_id, building_id=building_id, match_method="manual", match_score=100.0))

    def fixes(self) -> pd.DataFrame:
        """All stored manual fixes."""
        return pd.read_sql(sa.select(*_read_columns(fixes)).where(self.mine(fixes)), self.engine)

    # -- boundaries ------------------------------------------------------------------------
    def add_boundary_version(self, conn: sa.Connection, name: str, layer: gpd.GeoDataFrame, batch_id: int | None,
                             street: BaseGeometry | None = None, note: str = "", make_current: bool = True, effective_from: str = "") -> int:
        """Store a named set of grid polygons as a new version (inside ``conn``).

        ``effective_from`` is the day (ISO date) the division takes effect ('' when not stated).
        """
        result = conn.execute(boundary_versions.insert().values(
            street=self.street_code, name=name, created_at=now_text(), note=note, batch_id=batch_id, is_current=False,
            effective_from=effective_from,
            street_wkt="" if street is None else shapely.to_wkt(street, rounding_precision=7)))
        version = new_id(result)
        rows = layer.drop(columns="geometry").assign(
            version_id=version, geom=shapely.to_wkt(shapely.force_2d(layer.geometry.to_numpy()), rounding_precision=7))
        rows = rows.reindex(columns=[c.name for c in grids.columns])
        rows = rows.astype(object).where(rows.notna(), None)
        conn.execute(grids.insert(), rows.to_dict("records"))
        if make_current:
            conn.execute(sa.update(boundary_versions).where(self.mine(boundary_versions)).values(
                is_current=(boundary_versions.c.version_id == version)))
        return version

    def boundary_versions(self) -> pd.DataFrame:
        """Stored boundary versions, newest first."""
        q = sa.select(*_read_columns(boundary_versions)).where(self.mine(boundary_versions)).order_by(
            boundary_versions.c.version_id.desc())
        return pd.read_sql(q, self.engine)

    def current_version(self) -> int | None:
        """The id of the current boundary version (None when none is stored)."""
        q = sa.select(boundary_versions.c.version_id).where(self.mine(boundary_versions) & boundary_versions.c.is_current)
        with self.engine.connect() as conn:
            return conn.execute(q).scalar_one_or_none()

    def grids(self, version: int | None = None) -> gpd.GeoDataFrame:
        """The grid polygons of a version (default: current) as a canonical GeoDataFrame."""
        version = self.current_version() if version is None else int(version)
        ours = sa.select(boundary_versions.c.version_id).where(self.mine(boundary_versions))
        frame = pd.read_sql(sa.select(grids).where((grids.c.version_id == (version or -1))
                                                   & grids.c.version_id.in_(ours)), self.engine)
        geometry = shapely.from_wkt(frame.pop("geom").to_numpy()) if len(frame) else np.empty(0, dtype=object)
        return gpd.GeoDataFrame(frame.drop(columns="version_id"), geometry=list(geometry), crs=4326)

    def street(self, version: int | None = None) -> BaseGeometry | None:
        """The street boundary stored with a version (None when none was given)."""
        version = self.current_version() if version is None else int(version)
        q = sa.select(boundary_versions.c.street_wkt).where(
            self.mine(boundary_versions) & (boundary_versions.c.version_id == (version or -1)))
        with self.engine.connect() as conn:
            text = conn.execute(q).scalar_one_or_none()
        return shapely.from_wkt(text) if text else None

    # -- registers (buildings, workers, volunteers, services) -------------------------------
    def replace_register(self, conn: sa.Connection, name: str, frame: pd.DataFrame) -> int:
        """Replace a register table wholesale with ``frame`` (inside ``conn``)."""
        table = REGISTERS[name]
        columns = [c.name for c in table.columns if c.name in frame.columns]
        conn.execute(sa.delete(table).where(self.mine(table)))
        records = frame[columns].astype(object).where(frame[columns].notna(), None).to_dict("records")
        rows = [{**row, "street": self.street_code}
                for row in cast(list[dict[str, Any]], records)]   # the keys are the table's column names
        if rows:
            conn.execute(table.insert(), rows)
        return len(rows)

    def register(self, name: str) -> pd.DataFrame:
        """A register table as a DataFrame."""
        table = REGISTERS[name]
        return pd.read_sql(sa.select(*_read_columns(table)).where(self.mine(table)), self.engine)
