"""Shared fixtures: the demo street in a temporary store, real data (skipped when absent)."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.cli import load_demo
from analysis.demo.writer import DEMO_DIR
from analysis.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A SQLite file holding the whole demo street (built once per test session)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    store = Store(f"sqlite:///{path}")
    load_demo(store, DEMO_DIR)
    store.engine.dispose()  # closing the last connection checkpoints the WAL into the file we copy
    return path


@pytest.fixture
def demo_store(demo_db, tmp_path) -> Store:
    """A private copy of the demo store that a test may change."""
    copy = tmp_path / "store.sqlite"
    shutil.copy(demo_db, copy)
    return Store(f"sqlite:///{copy}")


@pytest.fixture
def empty_store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'empty.sqlite'}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a throwaway PostgreSQL server (one per test worker); skipped where PostgreSQL is absent."""
    from tests import postgres
    if postgres.binaries() is None:
        pytest.skip("PostgreSQL is not installed (bash .ci/run installs it)")
    with postgres.cluster() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path) -> Store:
    """An empty store on each backend: an SQLite file, and a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    from tests.postgres import new_database
    return Store(new_database(request.getfixturevalue("postgres_server")))


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present")
    return REALDATA


@pytest.fixture
def store(tmp_path) -> Store:
    """A store whose only boundary version is the four-grid drawing of :mod:`tests.fixtures`."""
    from analysis.ingest.importer import import_boundaries
    from tests.fixtures import four_grids
    s = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    path = tmp_path / "grids.geojson"
    four_grids().to_file(path)
    import_boundaries(s, path, version_name="v1")
    return s
