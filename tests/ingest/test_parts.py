"""A file read and imported a part at a time gives what it gives read whole: the same table, the same stored
incidents, review rows and problem lines (ids repeated across parts included)."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from analysis.ingest.importer import import_boundaries, import_incidents
from analysis.ingest.problems import ReadError
from analysis.ingest.tables import file_rows, read_table, table_parts
from analysis.store.database import Store
from tests.fixtures import at, export, four_grids
from tests.ingest.test_properties import tables

WHOLE = 2**30


def _joined(data: bytes, part_bytes: int, name: str = "t.csv") -> tuple[pd.DataFrame, int]:
    parts = list(table_parts(data, name, part_bytes=part_bytes))
    return pd.concat(parts), len(parts)


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    assert got.to_numpy().tolist() == expected.to_numpy().tolist()
    assert file_rows(got).tolist() == file_rows(expected).tolist()


@settings(max_examples=80, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
       part_bytes=st.integers(1, 300))
def test_parts_join_into_the_whole_table(table: pd.DataFrame, encoding: str, part_bytes: int) -> None:
    data = table.to_csv(index=False).encode(encoding)
    try:
        whole, _ = read_table(data, "t.csv")
    except ReadError:
        with pytest.raises(ReadError):
            _joined(data, part_bytes)
        return
    _same(_joined(data, part_bytes)[0], whole)


ROWS = "".join(f"A{i},西湖路{i}号,112.{i:03d}\n" for i in range(60))


@pytest.mark.parametrize("data, reader", [
    ("事件编号,事发地址,经度\n" + ROWS, "Arrow"),
    ("某某街道事件台账（2026年3月）\n事件编号,事发地址,经度\n" + ROWS, "a title row: Python's csv"),
    ("事件编号,事发地址,经度\n" + ROWS.replace("A7,", "\nA7,"), "a blank line: Python's csv"),
    ("事件编号,事发地址,经度\n" + ROWS.replace("A50,西湖路50号,112.050", "A50,西湖路50号"), "a short row late: both"),
    ('事件编号,事发地址,经度\n' + ROWS.replace("西湖路40号", '"西湖路\n40号"'), "a line inside a value: both"),
])
def test_every_reader_gives_the_whole_table_in_parts(data: str, reader: str) -> None:
    for encoding in ("utf-8-sig", "gbk"):
        raw = data.encode(encoding)
        whole, report = read_table(raw, "t.csv")
        joined, count = _joined(raw, 200)
        assert count > 5, reader
        _same(joined, whole)
        assert len(whole) == 60 and whole["事件编号"].tolist() == [f"A{i}" for i in range(60)]
    assert table_parts(raw, "t.csv", part_bytes=200).report.codes() == report.codes()


def test_a_row_wider_than_the_table_further_down_is_an_error_in_parts() -> None:
    data = ("事件编号,事发地址,经度\n" + ROWS.replace("A50,西湖路50号,112.050", "A50,西湖路50号,112.050,多余")).encode()
    whole, _ = read_table(data, "t.csv")
    assert list(whole.columns) == ["事件编号", "事发地址", "经度", "#4"]       # read whole: a column of its own
    with pytest.raises(ReadError) as err:
        _joined(data, 200)
    assert err.value.report.problems[0].row == 52 and "row 52" in err.value.report.problems[0].message("en")


def test_a_bad_byte_far_down_is_found_before_anything_is_read() -> None:
    data = ("事件编号,事发地址\n" + ROWS * 200).encode("gbk") + b"A99,\xff\xff\n"   # beyond the first 256 KB
    with pytest.raises(ReadError) as err:
        table_parts(data, "t.csv", part_bytes=200)
    assert [p.code for p in err.value.report.problems] == ["unreadable_file"]
    assert "gb18030" in err.value.report.problems[0].message("en")


def test_the_row_count_is_estimated_from_the_first_part() -> None:
    data = ("事件编号,事发地址,经度\n" + ROWS * 20).encode()
    assert 1000 <= table_parts(data, "t.csv", part_bytes=500).rows <= 1500      # 1,200 rows


def _stored(store: Store, batch_id: int) -> dict[str, object]:
    incidents = store.incidents().drop(columns=["batch_id"]).sort_values("incident_id").reset_index(drop=True)
    review = store.review_queue()
    problems = store.problems(batch_id).drop(columns=["batch_id", "problem_id"], errors="ignore")
    counts = store.batches().iloc[0][["rows_read", "rows_imported", "rows_rejected"]].tolist()
    return {"incidents": _text(incidents), "review": sorted(_text(review[["incident_id", "source_row", "reason"]])),
            "problems": sorted(_text(problems)), "counts": counts}


def _text(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    return [tuple(map(str, row)) for row in frame.itertuples(index=False)]


def _fresh(folder, name: str) -> Store:
    store = Store(f"sqlite:///{folder / name}")
    four_grids().to_file(folder / "grids.geojson")
    import_boundaries(store, folder / "grids.geojson", version_name="v1")
    return store


IDS = st.sampled_from(["E1", "E2", "E3", "E4", "E5", ""])
WHEN = st.sampled_from(["2026/3/1 8:00", "2026/3/2 9:30", "", "坏日期"])
STATUS = st.sampled_from(["处置中", "已结案", "奇怪状态"])
WHERE = st.sampled_from([at(0.5, 0.5), at(1.5, 0.5), at(6, 6), ("", "")])
ROW = st.tuples(IDS, WHEN, STATUS, WHERE, st.sampled_from(["", "菜市场旁边"]), st.sampled_from(["", "2026/3/3 10:00"]))


@settings(max_examples=25, derandomize=True, deadline=None, phases=[Phase.explicit, Phase.generate],  # no shrinking:
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])   # slow, and 25 is few
@given(rows=st.lists(ROW, min_size=1, max_size=14), part_bytes=st.integers(60, 400))
def test_an_import_in_parts_stores_what_the_whole_file_does(tmp_path_factory, rows, part_bytes) -> None:
    folder = tmp_path_factory.mktemp("parts")
    data = export([(i, w, s, *xy, a, c) for i, w, s, xy, a, c in rows])
    whole, parts = _fresh(folder, "whole.sqlite"), _fresh(folder, "parts.sqlite")
    try:
        one = import_incidents(whole, data, "a.csv", part_bytes=WHOLE)
    except ReadError:
        with pytest.raises(ReadError):
            import_incidents(parts, data, "a.csv", part_bytes=part_bytes)
        return
    many = import_incidents(parts, data, "a.csv", part_bytes=part_bytes)
    assert _stored(parts, many.batch_id) == _stored(whole, one.batch_id)
    assert (many.rows_read, many.rows_imported, many.rows_rejected, many.by_method) == \
        (one.rows_read, one.rows_imported, one.rows_rejected, one.by_method)
    assert sorted(_text(many.report.to_frame("en"))) == sorted(_text(one.report.to_frame("en")))


def test_an_id_again_in_a_later_part_keeps_the_last_row(store: Store) -> None:
    first = ("E1", "2026/3/1 8:00", "处置中", *at(0.5, 0.5), "", "")
    middle = [(f"M{i}", "2026/3/1 9:00", "处置中", *at(1.5, 1.5), "", "") for i in range(6)]
    last = ("E1", "2026/3/1 8:00", "已结案", *at(0.5, 1.5), "", "2026/3/2 10:00")
    data = export([first, *middle, last])
    assert len(list(table_parts(data, "a.csv", part_bytes=120))) >= 3
    result = import_incidents(store, data, "a.csv", part_bytes=120)
    stored = store.incidents().set_index("incident_id")
    assert len(stored) == 7 and stored.loc["E1", "status"] == "已结案" and stored.loc["E1", "grid_id"] == "C1G1"
    assert [(p.row, p.code, p.detail) for p in result.report.problems if p.code == "duplicate_id"] == [(2, "duplicate_id", "9")]
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (8, 7, 1)
    assert store.batches().iloc[0][["rows_read", "rows_imported", "rows_rejected"]].tolist() == [8, 7, 1]
