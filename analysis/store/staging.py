"""Staging files for bulk writes on SQLite: rows written by Arrow's ADBC driver (C code, no
per-value Python work) into a scratch SQLite file that the import's transaction attaches."""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import adbc_driver_sqlite.dbapi as adbc_sqlite
import pyarrow as pa

SHM = "/dev/shm"
PREFIX = "gridlens-staging-"   # then the process id, then a random part: gridlens-staging-1234-abcd


def scratch_folder(nbytes: int) -> str | None:
    """/dev/shm (memory) when it exists and has room for twice ``nbytes`` bytes, else None (the temp folder)."""
    if os.access(SHM, os.W_OK) and shutil.disk_usage(SHM).free > 2 * nbytes:
        return SHM
    return None


@contextmanager
def staged_incidents(tables: Iterable[pa.Table], schema: pa.Schema, nbytes: int) -> Iterator[Path]:
    """Write the rows of ``tables`` (each of ``schema``) as the table ``incidents`` of a scratch SQLite file; yields
    its path. ``nbytes``, about how large they are, chooses the folder (see :func:`scratch_folder`).

    The tables are written one at a time, as they come. The folder is removed when the block ends, whether it
    succeeded or not.
    """
    with tempfile.TemporaryDirectory(prefix=f"{PREFIX}{os.getpid()}-", dir=scratch_folder(nbytes)) as folder:
        staging = Path(folder) / "staging.sqlite"
        with adbc_sqlite.connect(str(staging), autocommit=True) as bulk, bulk.cursor() as cursor:
            for pragma in ("journal_mode=OFF", "synchronous=OFF"):  # a scratch file: no journal, no fsync
                cursor.execute(f"PRAGMA {pragma}")
                cursor.fetchall()
            cursor.adbc_ingest("incidents", schema.empty_table(), mode="create")
            for table in tables:
                cursor.adbc_ingest("incidents", table, mode="append")
        yield staging


def remove_stale_staging() -> list[Path]:
    """Remove staging folders left by an import that was killed (its process is gone); returns them.

    A finished or failed import removes its own folder; one killed mid-way (a server restart, the
    kernel's out-of-memory killer) cannot, and the folder would hold up to hundreds of MB of RAM in
    ``/dev/shm`` until the machine restarts.
    """
    removed = []
    for base in {SHM, tempfile.gettempdir()}:
        if not os.path.isdir(base):
            continue
        for folder in Path(base).glob(f"{PREFIX}*"):
            pid = folder.name.removeprefix(PREFIX).split("-", 1)[0]
            if not pid.isdigit() or _alive(int(pid)):
                continue
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # someone else's process: alive
        return True
    return True
