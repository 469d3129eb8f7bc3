"""Bulk reads and writes on PostgreSQL with COPY: Arrow tables go in and come out as CSV that Arrow writes and
parses in C, so that a million incidents cross in seconds, not row by row.

Both run on the DBAPI connection (psycopg 3) of a SQLAlchemy connection, so a write is part of its transaction.
In CSV, PostgreSQL and Arrow agree on what is NULL (an empty field) and what is the empty string (``""``).
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any, cast

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa

if TYPE_CHECKING:
    from psycopg import Copy, Cursor

ROWS_PER_CHUNK = 50_000     # rows written to CSV at once: bounds the memory of a large import
REBUILD_FROM_ROWS = 100_000  # a write of this many rows rebuilds the spatial index and foreign keys once


@contextmanager
def checked_once(conn: sa.Connection, table: sa.Table, rows: int) -> Iterator[None]:
    """Around a write of ``rows`` rows into ``table``: from :data:`REBUILD_FROM_ROWS` rows on, its GiST indexes and
    foreign keys are dropped before and made again after, inside the transaction.

    One sorted index build and one check of the whole table cost less than a check and an index insertion per
    row: 12.2 s against 6.6 s for a million incidents on the benchmark machine. Meanwhile the table is locked
    (pages reading it wait for the import to end), which is why smaller writes keep them.
    """
    if rows < REBUILD_FROM_ROWS:
        yield
        return
    indexes = [i for i in table.indexes if i.dialect_options["postgresql"]["using"] == "gist"]
    keys = [(f"{table.name}_{k.parent.name}_fkey", k) for k in table.foreign_keys]   # PostgreSQL's own names
    for index in indexes:
        conn.exec_driver_sql(f"DROP INDEX {index.name}")
    for name, _ in keys:
        conn.exec_driver_sql(f"ALTER TABLE {table.name} DROP CONSTRAINT {name}")
    yield
    for index in indexes:
        conn.execute(sa.schema.CreateIndex(index))
    for name, key in keys:
        conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD CONSTRAINT {name} FOREIGN KEY ({key.parent.name}) "
                             f"REFERENCES {key.column.table.name} ({key.column.name})")


def copy_in(conn: sa.Connection, table_name: str, tables: Iterable[pa.Table]) -> None:
    """Append the rows of ``tables`` to ``table_name`` (columns by name, the first table's) inside ``conn``'s
    transaction.

    A second thread sends the rows (psycopg's queued writer) while this one takes the next table from ``tables``:
    when that table is computed as it is asked for (an import placing its rows part by part), the server stores
    one part while the next is made, on another core.
    """
    from psycopg.copy import QueuedLibpqWriter  # the driver is imported when a PostgreSQL store writes, not before

    options = pa_csv.WriteOptions(include_header=False)
    cursor = cast("Cursor[Any]", conn.connection.cursor())   # psycopg's: COPY and its writer
    try:
        copy: Copy | None = None
        with ExitStack() as stack:
            for table in tables:
                if copy is None:
                    columns = ", ".join(f'"{c}"' for c in table.column_names)   # "row", "column": words of SQL
                    copy = stack.enter_context(cursor.copy(
                        f"COPY {table_name} ({columns}) FROM STDIN (FORMAT csv)",
                        writer=QueuedLibpqWriter(cursor)))
                for batch in table.to_batches(max_chunksize=ROWS_PER_CHUNK):
                    buffer = io.BytesIO()
                    pa_csv.write_csv(batch, buffer, write_options=options)
                    copy.write(buffer.getvalue())
    finally:
        cursor.close()


def copy_out(conn: sa.Connection, select_sql: str, schema: pa.Schema) -> pa.Table:
    """The rows of ``select_sql`` as an Arrow table of ``schema`` (the select's columns, in order)."""
    buffer = io.BytesIO()
    cursor = conn.connection.cursor()
    try:
        with cursor.copy(f"COPY ({select_sql}) TO STDOUT (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
    finally:
        cursor.close()
    if not buffer.tell():
        return schema.empty_table()
    buffer.seek(0)
    return pa_csv.read_csv(
        buffer, read_options=pa_csv.ReadOptions(column_names=schema.names),
        convert_options=pa_csv.ConvertOptions(column_types=schema, null_values=[""], strings_can_be_null=True,
                                              quoted_strings_can_be_null=False))
