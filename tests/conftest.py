"""Shared fixtures: the demo street in a temporary store, real data (skipped when absent)."""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.cli import load_demo
from analysis.demo.writer import DEMO_DIR
from analysis.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session", autouse=True)
def snapshots_apart(tmp_path_factory) -> Iterator[None]:
    """Dataset snapshots of server stores go to a temporary folder (not the project's ``geodata/local``); the
    dashboards the browser tests start inherit it."""
    before = os.environ.get("GRIDLENS_SNAPSHOTS")
    os.environ["GRIDLENS_SNAPSHOTS"] = str(tmp_path_factory.mktemp("snapshots"))
    yield
    if before is None:
        os.environ.pop("GRIDLENS_SNAPSHOTS", None)
    else:
        os.environ["GRIDLENS_SNAPSHOTS"] = before


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


def _new_store(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> Store:
    """An empty store: an SQLite file, or a new database on the test PostgreSQL server (with PostGIS)."""
    if backend == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    from tests.postgres import new_database
    return Store(new_database(request.getfixturevalue("postgres_server")))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_store(request, tmp_path) -> Store:
    """An empty store on each backend."""
    return _new_store(request, tmp_path, request.param)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a throwaway PostgreSQL server (one per test worker); skipped where PostgreSQL is absent."""
    from tests import postgres
    if postgres.binaries() is None:
        pytest.skip("PostgreSQL is not installed (bash .ci/run installs it)")
    with postgres.cluster() as server:
        yield server




@pytest.fixture(scope="session")
def demo_postgis(postgres_server) -> str:
    """The URL of a PostgreSQL/PostGIS database holding the whole demo street (built once per worker; read only)."""
    from tests.postgres import new_database
    store = Store(new_database(postgres_server))
    load_demo(store, DEMO_DIR)
    store.engine.dispose()
    return store.url


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present")
    return REALDATA


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Store:
    """A store on each backend whose only boundary version is the four-grid drawing of :mod:`tests.fixtures`."""
    from analysis.ingest.importer import import_boundaries
    from tests.fixtures import four_grids
    s = _new_store(request, tmp_path, request.param)
    path = tmp_path / "grids.geojson"
    four_grids().to_file(path)
    import_boundaries(s, path, version_name="v1")
    return s
