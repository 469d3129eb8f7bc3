"""The store's writes: rows checked before writing, the bulk and row-by-row paths agree, failures roll back."""
import pandas as pd
import pytest
import sqlalchemy as sa

from analysis.ingest.importer import import_incidents
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
    store.write_incident_batch(BATCH, frame, pd.DataFrame(), ProblemReport())     # SQLite: the ADBC path
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
        store.write_incident_batch(BATCH, frame, pd.DataFrame(), ProblemReport())
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
