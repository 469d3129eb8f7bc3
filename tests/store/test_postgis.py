"""The PostgreSQL store is a spatial database: typed geometry and time columns with GiST indexes that a GIS
client opens as layers, rows COPYed in, and the same placements and figures as the SQLite store.
Runs on the test PostgreSQL server with PostGIS (``bash .ci/run`` installs both)."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import sqlalchemy as sa

from analysis.ingest.geocode import Geocoded
from analysis.metrics import load_dataset
from analysis.store.database import Store
from analysis.store.errors import store_problem
from tests.postgres import new_database

KEPT = {"incidents_pkey", "ix_incidents_geom", "incidents_batch_id_fkey", "incidents_street_fkey"}
LAYERS = {("grids", "geom"): ("MULTIPOLYGON", 4326), ("plan_grids", "geom"): ("MULTIPOLYGON", 4326),
          ("incidents", "geom"): ("POINT", 4326), ("buildings", "geom"): ("POINT", 4326),
          ("volunteers", "geom"): ("POINT", 4326)}


def _rows(url: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.exec_driver_sql(sql).all()]
    finally:
        engine.dispose()


def test_geometry_columns_gist_indexes_and_timestamptz(demo_postgis):
    """What QGIS reads to list a database's layers: every geometry column with its type and SRID; each has a GiST
    index; the times are timestamptz."""
    listed = {(t, c): (kind, srid) for t, c, kind, srid in _rows(
        demo_postgis, "SELECT f_table_name, f_geometry_column, type, srid FROM geometry_columns")}
    assert listed == LAYERS
    gist = {(t, i) for t, i in _rows(demo_postgis, "SELECT tablename, indexname FROM pg_indexes "
                                                   "WHERE indexdef LIKE '%%USING gist (geom)%%'")}
    assert gist == {(t, f"ix_{t}_geom") for t, _ in LAYERS}
    times = {(t, c) for t, c in _rows(demo_postgis, "SELECT table_name, column_name FROM information_schema.columns "
                                                    "WHERE data_type = 'timestamp with time zone'")}
    assert {("incidents", "reported_at"), ("incidents", "closed_at"), ("batches", "imported_at"),
            ("audit", "at"), ("plans", "created_at")} <= times


def test_a_gis_client_reads_the_grids_as_the_store_does(demo_postgis):
    """geopandas reads the grids table as a layer (binary geometries, as QGIS does): the same polygons, areas and
    SRID as the store's own reading."""
    store = Store(demo_postgis)
    version = store.current_version()
    engine = sa.create_engine(demo_postgis)
    layer = gpd.read_postgis(f"SELECT grid_id, geom FROM grids WHERE version_id = {version} ORDER BY grid_id",
                             engine, geom_col="geom")
    engine.dispose()
    ours = store.grids().sort_values("grid_id").reset_index(drop=True)
    assert layer.crs.to_epsg() == 4326 and len(layer) == len(ours) > 0
    assert layer["grid_id"].tolist() == ours["grid_id"].tolist()
    assert (layer.geom_type == "MultiPolygon").all()
    metres = layer.estimate_utm_crs()
    apart = layer.geometry.to_crs(metres).symmetric_difference(ours.geometry.set_crs(4326).to_crs(metres))
    assert apart.area.max() < 0.01                                     # m²: the same polygons
    store.engine.dispose()


def test_placement_in_the_database_agrees_with_the_placement_in_python(demo_postgis):
    """``ST_Contains`` of the stored grids and points places every incident placed by its coordinates in the grid
    the importer (shapely, in Python) put it in."""
    pairs = _rows(demo_postgis, """
        SELECT i.incident_id, i.grid_id, g.grid_id FROM incidents i
        JOIN boundary_versions v ON v.is_current
        LEFT JOIN grids g ON g.version_id = v.version_id AND g.level = 'grid' AND ST_Contains(g.geom, i.geom)
        WHERE i.match_method = 'coordinates'""")
    assert len(pairs) > 1000
    disagree = [p for p in pairs if p[1] != p[2]]
    assert disagree == []


def test_times_are_china_standard_time_and_read_back_as_written(demo_postgis):
    store = Store(demo_postgis)
    first = store.incidents().sort_values("incident_id").iloc[0]
    (utc,) = _rows(demo_postgis, f"SELECT to_char(reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
                                 f"FROM incidents WHERE incident_id = '{first.incident_id}'")[0]
    assert pd.Timestamp(utc) == first.reported_at - pd.Timedelta(hours=8)
    store.engine.dispose()


def test_the_demo_reads_the_same_on_both_backends(demo_postgis, demo_store):
    """Every incident, grid and register row, and the dataset the pages use, are the same from PostGIS and
    from SQLite."""
    postgis = Store(demo_postgis)
    ours, theirs = load_dataset(postgis), load_dataset(demo_store)
    columns = sorted(ours.incidents.columns)
    key = ours.incidents[columns].sort_values("incident_id").reset_index(drop=True)
    other = theirs.incidents[columns].sort_values("incident_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(key, other, check_dtype=False, check_categorical=False)
    for name in ("buildings", "workers", "volunteers", "services"):
        a, b = postgis.register(name), demo_store.register(name)
        key_column = a.columns[0]
        pd.testing.assert_frame_equal(a.sort_values(key_column).reset_index(drop=True),
                                      b.sort_values(key_column).reset_index(drop=True), check_dtype=False)
    assert postgis.batches()["rows_imported"].tolist() == demo_store.batches()["rows_imported"].tolist()
    postgis.engine.dispose()


def test_a_database_without_postgis_is_told_and_the_store_is_left_alone(postgres_server):
    """An account that may not create the extension (PostGIS is not "trusted") gets a message naming PostGIS, and
    nothing is created; once a superuser has created it, the same account opens the store."""
    url = new_database(postgres_server)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    database = sa.engine.make_url(url).database
    with admin.connect() as conn:
        conn.exec_driver_sql("CREATE ROLE clerk LOGIN")
        conn.exec_driver_sql(f"ALTER DATABASE {database} OWNER TO clerk")
        conn.exec_driver_sql("ALTER SCHEMA public OWNER TO clerk")
    clerk = url.replace("gridlens@", "clerk@")
    with pytest.raises(sa.exc.DBAPIError) as err:
        Store(clerk)
    assert store_problem(err.value) == "no_postgis"
    assert _rows(url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") == [(0,)]
    with admin.connect() as conn:
        conn.exec_driver_sql("CREATE EXTENSION postgis")
    admin.dispose()
    store = Store(clerk)
    assert store.boundary_versions().empty
    store.engine.dispose()


@pytest.fixture
def postgis_store(postgres_server, tmp_path) -> Store:
    """A new PostGIS store holding the four grids of :mod:`tests.fixtures`."""
    from analysis.ingest.importer import import_boundaries
    from tests.fixtures import four_grids
    store = Store(new_database(postgres_server))
    four_grids().to_file(tmp_path / "grids.geojson")
    import_boundaries(store, tmp_path / "grids.geojson")
    return store


def test_a_large_import_rebuilds_the_index_and_key_once_and_a_failed_one_keeps_them(postgis_store, monkeypatch):
    """From ``REBUILD_FROM_ROWS`` rows on (lowered to 1 here), an import on PostgreSQL drops the GiST index and the
    foreign key, writes, and makes them again: after a first import (COPY straight into the table) and an update
    (through the staging table) both are there and hold; a failed import rolls their drop back with the rows."""
    from analysis.ingest.importer import import_incidents
    from analysis.ingest.problems import ProblemReport
    from analysis.store import postgres_copy
    from tests.fixtures import at, export, snapshot
    store = postgis_store
    monkeypatch.setattr(postgres_copy, "REBUILD_FROM_ROWS", 1)
    x, y = at(0.5, 0.5)
    import_incidents(store, export([("E1", "2026/3/1 8:00", "处置中", x, y, "", ""),
                                    ("E2", "2026/3/1 9:00", "处置中", x, y, "", "")]), "a.csv")
    import_incidents(store, export([("E1", "2026/3/1 8:00", "已结案", x, y, "", "2026/3/2 8:00"),
                                    ("E3", "2026/3/3 9:00", "处置中", x, y, "", "")]), "b.csv")

    def checks() -> set[str]:
        return {name for (name,) in _rows(store.url, "SELECT indexname FROM pg_indexes WHERE tablename = 'incidents' "
                                                     "UNION SELECT conname FROM pg_constraint "
                                                     "WHERE conrelid = 'incidents'::regclass AND contype = 'f'")}
    assert checks() == KEPT
    stored = store.incidents().set_index("incident_id")
    assert stored["status"].to_dict() == {"E1": "已结案", "E2": "处置中", "E3": "处置中"}
    assert stored.loc["E1", "closed_at"] == pd.Timestamp("2026-03-02 08:00")
    assert _rows(store.url, "SELECT count(*) FROM incidents WHERE geom IS NOT NULL") == [(3,)]
    with pytest.raises(sa.exc.IntegrityError):
        _rows(store.url, "INSERT INTO incidents (street, incident_id, reported_at, batch_id, category, subcategory, source, "
                         "status, address, coord_system, handled_level, handler, reporter_phone, satisfaction, "
                         "reopened, grid_id, building_id, match_method, event_name, description, photos) VALUES "
                         "('local', 'X', now(), 999, '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '')")
    before = snapshot(store)
    with pytest.raises(sa.exc.IntegrityError):
        frame = store.incidents().drop(columns="batch_id").assign(reported_at=pd.NaT)
        store.write_incident_batch({"kind": "incidents", "file_name": "c.csv", "file_hash": "c", "rows_read": 3,
                                    "rows_imported": 3, "rows_rejected": 0}, [Geocoded(frame, pd.DataFrame(), ProblemReport())],
                                   ProblemReport())
    assert snapshot(store) == before and checks() == KEPT
