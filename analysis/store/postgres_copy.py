"""Bulk reads and writes on PostgreSQL with COPY: Arrow tables go in and come out as CSV that Arrow writes and
parses in C, so that a million incidents cross in seconds, not row by row.

Both run on the DBAPI connection (psycopg 3) of a SQLAlchemy connection, so a write is part of its transaction.
In CSV, PostgreSQL and Arrow agree on what is NULL (an empty field) and what is the empty string (``""``).
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa

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


def copy_in(conn: sa.Connection, table_name: str, table: pa.Table) -> None:
    """Append ``table``'s rows to ``table_name`` (columns by name) inside ``conn``'s transaction."""
    columns = ", ".join(table.column_names)
    options = pa_csv.WriteOptions(include_header=False)
    cursor = conn.connection.cursor()
    try:
        with cursor.copy(f"COPY {table_name} ({columns}) FROM STDIN (FORMAT csv)") as copy:
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
