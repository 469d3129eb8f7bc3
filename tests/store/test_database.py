"""The store's writes: rows checked before writing, the bulk and row-by-row paths agree, failures roll back."""
import pandas as pd
import pytest
import sqlalchemy as sa

from analysis.ingest.geocode import Geocoded
from analysis.ingest.importer import import_incidents
from analysis.store import migrations
from analysis.store.database import Store
from tests.fixtures import at, export, snapshot


def normalised(rows) -> pd.DataFrame:
    from analysis.ingest.incidents import normalise_incidents
    from analysis.ingest.schema import INCIDENT_FIELDS, guess_mapping
    from analysis.ingest.tables import read_table
    table, _ = read_table(export(rows), "e.csv")
    frame = normalise_incidents(table, guess_mapping(list(table.columns), INCIDENT_FIELDS)).incidents
    return frame.assign(grid_id="C1G3", building_id="", match_method="coordinates", match_score=100.0,
                        distance_m=0.0)


BATCH = {"kind": "incidents", "file_name": "e.csv", "file_hash": "h", "rows_read": 2, "rows_imported": 2,
         "rows_rejected": 0}


def test_invalid_rows_are_refused_before_anything_is_written(store):
    from analysis.ingest.incidents import normalise_incidents
    from analysis.ingest.schema import INCIDENT_FIELDS, guess_mapping
    from analysis.ingest.tables import read_table
    x, y = at(0.5, 0.5)
    table, _ = read_table(export([("E7", "2026/3/1 8:00", "", x, y, "", "")]), "d.csv")
    frame = normalise_incidents(table, guess_mapping(list(table.columns), INCIDENT_FIELDS)).incidents
    frame = frame.assign(grid_id="", building_id="", match_method="guessed", match_score=1.0, distance_m=0.0)
    before = snapshot(store)
    with pytest.raises(ValueError, match="E7: unknown match_method"):
        with store.transaction() as conn:
            store.upsert_incidents(conn, frame, store.add_batch(conn, "incidents", "d.csv", "h", 1, 1, 0))
    assert snapshot(store) == before


def test_bulk_and_row_by_row_writes_store_the_same(store, tmp_path):
    from analysis.ingest.problems import ProblemReport
    x, y = at(0.5, 0.5)
    frame = normalised([("E1", "2026/3/1 8:00", "处置中", x, y, "西湖路1号", ""),
                        ("E2", "2026/3/2 9:30", "已结案", "", "", "", "2026/3/3 10:00")])
    store.write_incident_batch(BATCH, [Geocoded(frame, pd.DataFrame(), ProblemReport())],
                                   ProblemReport())     # SQLite: the ADBC path
    other = Store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    with other.transaction() as conn:                                             # the general path
        other.upsert_incidents(conn, frame, other.add_batch(conn, **BATCH))
    bulk = store.incidents().drop(columns="batch_id")
    rows = other.incidents().drop(columns="batch_id")
    pd.testing.assert_frame_equal(bulk, rows)
    assert bulk.set_index("incident_id").loc["E2", "closed_at"] == pd.Timestamp("2026-03-03 10:00")
    assert pd.isna(bulk.set_index("incident_id").loc["E2", "lon"])


def test_failed_bulk_write_leaves_the_store_unchanged(store):
    from analysis.ingest.problems import ProblemReport
    x, y = at(0.5, 0.5)
    import_incidents(store, export([("E1", "2026/3/1 8:00", "处置中", x, y, "", "")]), "a.csv")
    before = snapshot(store)
    frame = normalised([("E1", "2026/3/1 8:00", "已结案", x, y, "", ""), ("E3", "2026/3/1 8:00", "", x, y, "", "")])
    frame.loc[1, "reported_at"] = pd.NaT            # E3 breaks NOT NULL after E1 was updated and the batch written
    with pytest.raises(sa.exc.IntegrityError):
        store.write_incident_batch(BATCH, [Geocoded(frame, pd.DataFrame(), ProblemReport())],
                                   ProblemReport())
    assert snapshot(store) == before
    assert store.incidents().set_index("incident_id").loc["E1", "status"] == "处置中"
    import_incidents(store, export([("E4", "2026/3/1 8:00", "", x, y, "", "")]), "b.csv")   # nothing left attached
    assert store.count_incidents() == 2


@pytest.mark.parametrize("content, kind", [(b"", "empty_file"), (b"PK\x03\x04 a zip, not a database", "corrupt")])
def test_a_store_file_that_is_no_database_is_refused_and_left_alone(tmp_path, content, kind):
    from analysis.store import StoreError
    path = tmp_path / "store.sqlite"
    path.write_bytes(content)
    with pytest.raises(StoreError) as err:
        Store(f"sqlite:///{path}")
    assert err.value.kind == kind and path.read_bytes() == content


@pytest.mark.parametrize("message, kind", [("database is locked", "locked"), ("database or disk is full", "disk_full"),
                                           ("attempt to write a readonly database", "read_only"),
                                           ("file is not a database", "corrupt"),
                                           ("unable to open database file", "cannot_open")])
def test_database_errors_are_read_into_what_to_do(message, kind):
    import sqlite3

    from analysis.store import store_problem
    from analysis.store.errors import STORE_MESSAGES
    err = sa.exc.OperationalError("INSERT ...", {}, sqlite3.OperationalError(message))
    assert store_problem(err) == kind and kind in STORE_MESSAGES
    assert store_problem(ValueError("a bug")) is None


def test_a_store_made_before_the_lifecycle_columns_is_brought_up_to_date(tmp_path):
    """An existing street's store (no 处置时间, 延期至, event name, description, photos) opens, keeps its cases,
    fixes and plans, and takes the new columns on the next import."""
    import sqlite3

    import pandas as pd

    from analysis.ingest.importer import import_boundaries, import_incidents
    from analysis.metrics import load_dataset
    from tests.fixtures import at, four_grids
    path = tmp_path / "old.sqlite"
    store = Store(f"sqlite:///{path}")
    four_grids().to_file(tmp_path / "g.geojson")
    import_boundaries(store, tmp_path / "g.geojson")
    x, y = at(0.5, 0.5)
    import_incidents(store, f"事件编号,上报时间,经度,纬度,事件状态\nE1,2026/3/1 8:00,{x},{y},作废\n".encode(), "a.csv")
    store.save_fix("E1", grid_id="C1G2")
    migrations.downgrade(store.engine, "0001")      # the schema as it was released (before migrations, too)
    store.engine.dispose()
    with sqlite3.connect(path) as conn:
        for column in ("disposed_at", "extended_due_at", "event_name", "description", "photos"):
            conn.execute(f"ALTER TABLE incidents DROP COLUMN {column}")
        conn.execute("DROP TABLE alembic_version")
    assert "disposed_at" not in {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(incidents)")}
    again = Store(f"sqlite:///{path}")
    assert again.fixes()["grid_id"].tolist() == ["C1G2"] and again.count_incidents() == 1
    assert load_dataset(again).void == 1                                   # 作废: read, and set aside
    import_incidents(again, f"事件编号,上报时间,经度,纬度,处置时间,事件描述\nE2,2026/3/1 8:00,{x},{y},"
                            "2026/3/2 9:00,路灯不亮\n".encode(), "b.csv")
    stored = again.incidents().set_index("incident_id")
    assert stored.loc["E2", "disposed_at"] == pd.Timestamp("2026-03-02 09:00")
    assert stored.loc["E2", "description"] == "路灯不亮" and pd.isna(stored.loc["E1", "disposed_at"])


def test_incidents_read_in_groups_are_the_incidents_read_at_once(tmp_path, monkeypatch):
    """Read part by part (each of the driver's batches of 1,024 rows its own part), the incidents are what one read
    gives: a closing time first seen in a later part, categories that differ between parts, empty places."""
    from analysis.ingest.problems import ProblemReport
    from analysis.metrics.dataset import CATEGORICAL, INCIDENT_READ, INCIDENT_TIMES
    from analysis.store import database
    x, y = at(0.5, 0.5)
    rows = [(f"E{i}", "2026/3/1 8:00", "处置中" if i < 1500 else "已结案", x if i % 7 else "", y if i % 7 else "",
             f"西湖路{i}号" if i % 3 else "", "" if i < 1500 else "2026/3/3 10:00") for i in range(2600)]
    frame = normalised(rows).assign(category=["市容环境" if i < 1100 else f"设施{i % 5}" for i in range(2600)])
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    store.write_incident_batch({**BATCH, "rows_read": 2600, "rows_imported": 2600},
                               [Geocoded(frame, pd.DataFrame(), ProblemReport())], ProblemReport())

    def read():
        return store.incident_columns(INCIDENT_READ, categorical=CATEGORICAL, times=INCIDENT_TIMES)
    whole = read()
    monkeypatch.setattr(database, "READ_ROWS", 1)
    parts = read()
    pd.testing.assert_frame_equal(parts, whole)
    assert len(parts) == 2600 and parts["closed_at"].notna().sum() == 1100 and parts["lon"].isna().sum() == 372
    assert sorted(parts["category"].cat.categories) == sorted({"市容环境", *(f"设施{i}" for i in range(5))})
    assert (parts["address"] == "").sum() == 867 and str(parts["closed_at"].dtype) == "datetime64[s]"
