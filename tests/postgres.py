"""A throwaway PostgreSQL cluster for the tests that run on both backends: ``initdb`` in a temporary folder,
started on a free local port as a non-root user, stopped and deleted afterwards. ``bash .ci/run`` installs
Debian's ``postgresql``; where it is absent the PostgreSQL cases are skipped."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from tests.browser.harness import free_port

VERSIONS = Path("/usr/lib/postgresql")
USER = "gridlens"


def binaries() -> Path | None:
    """The bin folder of the newest PostgreSQL Debian installed (None: not installed)."""
    found = sorted((p / "bin" for p in VERSIONS.glob("*") if (p / "bin" / "initdb").exists()),
                   key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return found[-1] if found else None


def _as_owner(command: list[str]) -> list[str]:
    """``command`` run as ``nobody`` when the tests run as root (PostgreSQL refuses to run as root)."""
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command] if os.geteuid() == 0 \
        else command


@contextmanager
def cluster() -> Iterator[str]:
    """Start a cluster; yields the SQLAlchemy URL of its server (no database part), trust authentication."""
    bin_dir = binaries()
    assert bin_dir is not None
    folder = Path(tempfile.mkdtemp(prefix="gridlens-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody", "nogroup")
    data, port = folder / "data", free_port()
    subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8",
                              "--no-locale"]), check=True, capture_output=True)
    subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                              f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                              "-c synchronous_commit=off -c full_page_writes=off", "start"]),
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://{USER}@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server: str) -> str:
    """A new empty database on ``server``; returns its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return f"{server}/{name}"
