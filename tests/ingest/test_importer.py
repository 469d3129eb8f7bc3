"""Imports into the store: re-import, failure leaves the store as it was, fixes, versions, registers."""
import pandas as pd
import pytest
import sqlalchemy as sa

from analysis.ingest.importer import import_boundaries, import_incidents, import_register
from analysis.ingest.problems import ReadError
from analysis.store.database import Store
from tests.fixtures import at, export, four_grids, snapshot


def test_reimport_is_idempotent_and_updates_status(store):
    x, y = at(0.5, 0.5)
    first = export([("E1", "2026/3/1 8:00", "处置中", x, y, "", ""), ("E2", "2026/3/1 9:00", "处置中", x, y, "", "")])
    import_incidents(store, first, "a.csv")
    import_incidents(store, first, "a.csv")
    assert store.count_incidents() == 2
    update = export([("E1", "2026/3/1 8:00", "已结案", x, y, "", "2026/3/2 10:00")])
    import_incidents(store, update, "b.csv")
    frame = store.incidents().set_index("incident_id")
    assert store.count_incidents() == 2
    assert frame.loc["E1", "status"] == "已结案" and frame.loc["E1", "closed_at"] == pd.Timestamp("2026-03-02 10:00")
    assert frame.loc["E2", "status"] == "处置中" and frame.loc["E1", "grid_id"] == "C1G3"
    assert store.batches()["rows_imported"].tolist() == [1, 2, 2, 4]   # newest first; the boundary batch last


def test_failed_import_leaves_the_store_unchanged(store):
    x, y = at(0.5, 0.5)
    import_incidents(store, export([("E1", "2026/3/1 8:00", "处置中", x, y, "", "")]), "a.csv")
    before = snapshot(store)
    with pytest.raises(ReadError):
        import_incidents(store, b"id,foo\n1,2\n", "bad.csv")          # fails in validation
    # a failure in the middle of the write: the batch row and E2 are inserted, then E3 breaks NOT NULL
    from analysis.ingest.incidents import normalise_incidents
    from analysis.ingest.schema import INCIDENT_FIELDS, guess_mapping
    from analysis.ingest.tables import read_table
    table, _ = read_table(export([("E2", "2026/3/1 8:00", "", x, y, "", ""), ("E3", "2026/3/1 8:00", "", x, y, "", "")]),
                          "c.csv")
    frame = normalise_incidents(table, guess_mapping(list(table.columns), INCIDENT_FIELDS)).incidents
    frame = frame.assign(grid_id="C1G3", building_id="", match_method="coordinates", match_score=100.0,
                         distance_m=0.0)
    frame.loc[1, "reported_at"] = pd.NaT
    with pytest.raises(sa.exc.IntegrityError):
        with store.transaction() as conn:
            batch = store.add_batch(conn, "incidents", "c.csv", "h", 2, 2, 0)
            store.upsert_incidents(conn, frame, batch)
    assert snapshot(store) == before
    assert store.incidents()["incident_id"].tolist() == ["E1"]


def test_a_fix_survives_reimport(store):
    data = export([("E9", "2026/3/1 8:00", "处置中", "", "", "菜市场旁边", "")])
    import_incidents(store, data, "a.csv")
    assert store.review_queue()["incident_id"].tolist() == ["E9"]
    store.save_fix("E9", grid_id="C1G2")
    assert store.review_queue().empty
    import_incidents(store, data, "a.csv")
    row = store.incidents().set_index("incident_id").loc["E9"]
    assert (row["grid_id"], row["match_method"]) == ("C1G2", "manual")
    assert store.review_queue().empty
    # and across a restart: a new Store object on the same file
    again = Store(store.url)
    assert again.fixes()["grid_id"].tolist() == ["C1G2"]


def test_review_queue_does_not_double_on_reimport(store):
    data = export([("", "2026/3/1 8:00", "处置中", "", "", "x", ""), ("E1", "坏日期", "", "", "", "", "")])
    import_incidents(store, data, "a.csv")
    import_incidents(store, data, "a.csv")
    assert sorted(store.review_queue()["reason"]) == ["bad_date", "missing_id"]


def test_incidents_need_boundaries_first(tmp_path):
    with pytest.raises(LookupError):
        import_incidents(Store(f"sqlite:///{tmp_path / 'e.sqlite'}"), export([("E1", "2026/3/1", "", 1, 1, "", "")]),
                         "a.csv")


def test_boundary_versions_are_kept(store, tmp_path):
    moved = four_grids()
    moved.loc[0, "name"] = "新一"
    path = tmp_path / "v2.geojson"
    moved.to_file(path)
    result = import_boundaries(store, path, version_name="v2")
    versions = store.boundary_versions()
    assert versions["name"].tolist() == ["v2", "v1"] and versions["is_current"].tolist() == [True, False]
    assert store.current_version() == result.version_id
    assert store.grids(versions["version_id"].iloc[1])["name"].iloc[0] == "一"
    assert store.grids()["name"].iloc[0] == "新一"


def test_register_rejects_buildings_without_coordinates(store):
    data = "楼栋编号,标准地址,户数,经度,纬度\nB1,西湖路1号,20,112.97,28.19\nB2,西湖路2号,10,不详,28.19\n"
    result = import_register(store, "buildings", data.encode(), "b.csv")
    assert (result.rows_imported, result.rows_rejected) == (1, 1)
    assert result.report.count(code="bad_number") == 1
    assert store.register("buildings")["building_id"].tolist() == ["B1"]


def test_register_keeps_volunteers_without_a_location(store):
    data = "志愿者编号,姓名,队伍,网格编号,经度,纬度,在册\nV1,王芳,巾帼志愿队,C1G1,,,是\nV2,李强,青年志愿队,C1G2,112.97,28.19,否\n"
    result = import_register(store, "volunteers", data.encode(), "v.csv")
    assert (result.rows_imported, result.rows_rejected) == (2, 0)
    assert result.report.count(severity="warning") == 0        # an empty location is not an error
    volunteers = store.register("volunteers").set_index("volunteer_id")
    assert pd.isna(volunteers.loc["V1", "lon"]) and volunteers["active"].tolist() == [True, False]


@pytest.mark.parametrize("bulk", [True, False], ids=["sqlite_bulk", "row_by_row"])
def test_an_older_export_does_not_reopen_closed_cases_unless_asked(store, monkeypatch, bulk):
    store.bulk_writes = bulk   # False: the path every other database takes
    x, y = at(0.5, 0.5)
    closed = export([("E1", "2026/3/1 8:00", "已结案", x, y, "", "2026/3/2 10:00"),
                     ("E2", "2026/3/1 9:00", "处置中", x, y, "", "")])
    import_incidents(store, closed, "new.csv")
    older = export([("E1", "2026/3/1 8:00", "处置中", x, y, "", ""), ("E2", "2026/3/1 9:00", "已结案", x, y, "",
                                                                      "2026/3/3 9:00")])
    result = import_incidents(store, older, "old.csv")
    frame = store.incidents().set_index("incident_id")
    assert frame.loc["E1", "closed_at"] == pd.Timestamp("2026-03-02 10:00") and frame.loc["E1", "status"] == "已结案"
    assert frame.loc["E2", "closed_at"] == pd.Timestamp("2026-03-03 09:00")          # newer facts still land
    kept = [p for p in result.report.problems if p.code == "older_state_kept"]
    assert [(p.row, p.value) for p in kept] == [(2, "E1")]
    assert set(store.problems(result.batch_id)["code"]) >= {"older_state_kept"}     # stored with the batch
    again = import_incidents(store, older, "old.csv", overwrite_older=True)
    assert store.incidents().set_index("incident_id").loc["E1", "closed_at"] is pd.NaT
    assert again.report.count(code="older_state_overwritten") == 1


def test_importing_the_same_file_again_does_not_double_its_problems_or_review_rows(store):
    x, y = at(0.5, 0.5)
    data = export([("", "2026/3/1 8:00", "处置中", x, y, "", ""), ("E9", "2026/3/1 8:00", "处置中", 9.0, 9.0, "", ""),
                   ("E8", "bad date", "处置中", x, y, "", "")])
    import_incidents(store, data, "a.csv")
    counts = snapshot(store)
    import_incidents(store, data, "a.csv")
    again = snapshot(store)
    assert again["problems"] == counts["problems"] and again["review"] == counts["review"]
    assert again["batches"] == counts["batches"] + 1                                # the history keeps both
    assert len(store.review_queue()) == 3


IN_PARTS = [("E1", "2026/3/1 8:00", "处置中", *at(0.5, 0.5), "", ""), ("E2", "2026/3/1 8:10", "处置中", *at(1.5, 1.5), "", ""),
            ("E3", "2026/3/1 8:20", "处置中", *at(6, 6), "", ""), ("", "2026/3/1 8:30", "处置中", *at(0.5, 0.5), "", ""),
            ("E4", "2026/3/1 8:40", "处置中", "", "", "", ""), ("E5", "2026/3/1 8:50", "已结案", *at(0.5, 1.5), "",
                                                                "2026/3/2 9:00"),
            ("E6", "2026/3/1 9:00", "处置中", *at(1.5, 0.5), "", "")]


PART_BYTES = 120   # IN_PARTS's export in three parts: the header and E1-E3, the row without an id and E4, E5-E6


def _geocode_calls(monkeypatch, fail_at: int = 0) -> list[int]:
    """Count the incidents of each part placed (and raise at part ``fail_at``, if given)."""
    from analysis.ingest import importer
    calls: list[int] = []
    place = importer.geocode_incidents

    def counted(incidents, *args, **kwargs):
        calls.append(len(incidents))
        if len(calls) == fail_at:
            raise RuntimeError("placing failed")
        return place(incidents, *args, **kwargs)

    monkeypatch.setattr(importer, "geocode_incidents", counted)
    return calls


@pytest.mark.parametrize("earlier", [False, True], ids=["first import", "import into a street with incidents"])
def test_an_import_placed_in_parts_is_written_as_a_whole(store, monkeypatch, earlier):
    if earlier:   # on PostgreSQL: through the staging table and the upsert, not straight into incidents
        import_incidents(store, export([("E1", "2026/2/1 8:00", "处置中", *at(1.5, 1.5), "", "")]), "earlier.csv")
    calls = _geocode_calls(monkeypatch)
    result = import_incidents(store, export(IN_PARTS), "parts.csv", part_bytes=PART_BYTES)
    assert calls == [3, 1, 2]                                   # 6 incidents kept (the row without an id is not)
    stored = store.incidents().set_index("incident_id")
    assert stored["grid_id"].to_dict() == {"E1": "C1G3", "E2": "C1G2", "E3": "", "E4": "", "E5": "C1G1", "E6": "C1G4"}
    assert stored.loc["E1", "reported_at"] == pd.Timestamp("2026-03-01 08:00")     # updated where it was stored
    assert stored.loc["E5", "closed_at"] == pd.Timestamp("2026-03-02 09:00")
    assert (stored["batch_id"] == result.batch_id).all()
    assert result.by_method == {"coordinates": 4, "unplaced": 2}
    assert [(r.source_row, r.reason) for r in result.review.itertuples()] == \
        [(4, "outside"), (5, "missing_id"), (6, "no_location")]          # part by part
    queued = store.review_queue()
    assert sorted(zip(queued["source_row"], queued["reason"])) == [(4, "outside"), (5, "missing_id"), (6, "no_location")]
    lines = store.problems(result.batch_id).dropna(subset=["row"])
    on_rows = list(zip(lines["row"].astype(int), lines["code"]))
    assert sorted(on_rows) == sorted((p.row, p.code) for p in result.report.problems if p.row is not None)
    assert {(4, "outside"), (5, "missing_id"), (6, "no_location")} <= set(on_rows)


@pytest.mark.parametrize("earlier", [False, True], ids=["first import", "import into a street with incidents"])
def test_a_part_that_fails_leaves_the_store_as_it_was(store, monkeypatch, earlier):
    import os
    import tempfile
    from pathlib import Path

    from analysis.store.staging import PREFIX, SHM
    if earlier:
        import_incidents(store, export([("E1", "2026/2/1 8:00", "处置中", *at(1.5, 1.5), "", "")]), "earlier.csv")
    before = snapshot(store)
    calls = _geocode_calls(monkeypatch, fail_at=2)          # the first part is written (or staged), then this
    with pytest.raises(RuntimeError, match="placing failed"):
        import_incidents(store, export(IN_PARTS), "parts.csv", part_bytes=PART_BYTES)
    assert calls == [3, 1]
    assert snapshot(store) == before
    assert store.incidents()["incident_id"].tolist() == (["E1"] if earlier else [])
    left = [p for base in (SHM, tempfile.gettempdir()) for p in Path(base).glob(f"{PREFIX}{os.getpid()}-*")]
    assert left == []                                       # no staging file is left behind
    import_incidents(store, export(IN_PARTS[:2]), "again.csv")    # and the next import goes through
    assert store.count_incidents() == 2
