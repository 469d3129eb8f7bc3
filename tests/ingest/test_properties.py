"""Property-based tests (hypothesis) of the readers and the incident normaliser: whatever the cells hold,
nothing is lost, nothing raises but ReadError, and what is kept is well formed.

The examples are drawn from a fixed seed (``derandomize``) so that CI runs the same cases every time;
run with ``--hypothesis-seed`` (and without the profile) to explore further.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analysis.ingest.boundaries import read_boundary_file
from analysis.ingest.incidents import normalise_incidents
from analysis.ingest.problems import MESSAGES, ReadError
from analysis.ingest.tables import file_rows, read_table
from analysis.ingest.values import clean_ids, parse_numbers
from tests.fixtures import at

SETTINGS = settings(max_examples=120, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# what cells of a street office's export hold: Chinese and ASCII text, digits, punctuation, blanks
HANZI = "事件编号上报时间经纬度地址湘江路号栋单元室社区网格已结案处置中待派遣市容环境垃圾堆放张王李"
CELL = st.text(alphabet=st.sampled_from(list(HANZI) + list("abcXYZ0123456789 .,:-/\"'=+@#;\t")), max_size=12)
HEADER = st.text(alphabet=st.sampled_from(list(HANZI) + list("abcXYZ_")), min_size=1, max_size=6)


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    headers = draw(st.lists(HEADER, min_size=1, max_size=5, unique=True))
    rows = draw(st.lists(st.lists(CELL, min_size=len(headers), max_size=len(headers)), min_size=1, max_size=8))
    return pd.DataFrame(rows, columns=headers)


@SETTINGS
@given(table=tables(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_a_csv_reads_back_cell_for_cell(table: pd.DataFrame, encoding: str) -> None:
    """Every cell comes back as the file has it; only rows of nothing but spaces are left out; the row numbers
    are the spreadsheet's."""
    data = table.to_csv(index=False).encode(encoding)
    expected = table[(table.apply(lambda c: c.str.strip()) != "").any(axis=1)]
    try:
        got, _ = read_table(data, "t.csv")
    except ReadError as err:   # only a file with no data row left may be refused
        assert expected.empty, err.report.to_frame("en")
        return
    assert list(got.columns) == list(table.columns)
    assert got.to_numpy().tolist() == expected.to_numpy().tolist()
    assert file_rows(got).tolist() == (expected.index.to_numpy() + 2).tolist()


@SETTINGS
@given(table=tables())
def test_a_workbook_reads_back_cell_for_cell(table: pd.DataFrame) -> None:
    # openpyxl writes a text starting with "=" as a formula, which has no value until Excel computes it
    assume(not table.apply(lambda c: c.str.lstrip().str.startswith("=")).to_numpy().any())
    out = io.BytesIO()
    table.to_excel(out, index=False)
    expected = table[(table.apply(lambda c: c.str.strip()) != "").any(axis=1)]
    try:
        got, _ = read_table(out.getvalue(), "t.xlsx")
    except ReadError:
        assert expected.empty
        return
    assert got.to_numpy().tolist() == expected.to_numpy().tolist()
    assert file_rows(got).tolist() == (expected.index.to_numpy() + 2).tolist()


X0, Y0 = at(0, 0)
COORD = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(str), CELL,
                  st.floats(X0 - 1, X0 + 1).map(lambda v: f"{v:.6f}"), st.just(""))
DATE = st.one_of(CELL, st.datetimes(min_value=pd.Timestamp("1990-01-01").to_pydatetime(),
                                    max_value=pd.Timestamp("2100-01-01").to_pydatetime()).map(str),
                 st.sampled_from(["2026-03-01 08:00", "2026/3/1 8:00", "2026-03-01T08:00:00+08:00", "20260301",
                                  "2026年3月1日", "", "坏", "2026-02-30"]))


@st.composite
def exports(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 12))
    ids = draw(st.lists(st.one_of(st.sampled_from(["A1", "Ａ1", "A1\u200b", " A1 ", "", "B2", "12.0", "12"]), CELL),
                        min_size=n, max_size=n))
    column = lambda strategy: draw(st.lists(strategy, min_size=n, max_size=n))   # noqa: E731
    return pd.DataFrame({"事件编号": ids, "上报时间": column(DATE), "办结时间": column(DATE), "经度": column(COORD),
                         "纬度": column(COORD), "事发地址": column(CELL)})


MAPPING = {"incident_id": "事件编号", "reported_at": "上报时间", "closed_at": "办结时间", "lon": "经度", "lat": "纬度",
           "address": "事发地址"}


@SETTINGS
@given(table=exports(), system=st.sampled_from(["wgs84", "gcj02", "bd09", "cgcs2000"]))
def test_the_normaliser_keeps_or_reports_every_row(table: pd.DataFrame, system: str) -> None:
    read = normalise_incidents(table, MAPPING, system, now=pd.Timestamp("2026-12-01"))
    kept, rejected = read.incidents, read.rejected
    # every row is kept or rejected, never both, never neither
    assert sorted([*kept["source_row"], *rejected["source_row"]]) == (table.index.to_numpy() + 2).tolist()
    # each rejection has its reason, in words, and a report line on its row
    reported = {(p.row, p.code) for p in read.report.problems}
    for row, code in zip(rejected["source_row"], rejected["code"], strict=True):
        assert code in MESSAGES and (row, code) in reported
    # what is kept is well formed: one row per id, ids as a person reads them, a report time, usable coordinates
    assert kept["incident_id"].is_unique and (kept["incident_id"] != "").all()
    assert (clean_ids(kept["incident_id"]) == kept["incident_id"]).all()
    assert kept["reported_at"].notna().all()
    located = kept["lon"].notna()
    assert (located == kept["lat"].notna()).all()
    assert kept.loc[located, "lon"].between(-180, 180).all() and kept.loc[located, "lat"].between(-90, 90).all()
    for problem in read.report.problems:
        assert problem.message("zh") and problem.message("en")


@SETTINGS
@given(value=st.integers(0, 10**6), unit=st.sampled_from(["", "户", "人", "小时", "h", " 户"]),
       hedge=st.sampled_from(["", "约", "大约", "共"]), width=st.booleans())
def test_numbers_with_units_and_hedges(value: int, unit: str, hedge: str, width: bool) -> None:
    text = f"{hedge}{value}{unit}"
    if width:   # full-width digits, as a Chinese input method types them
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    numbers, bad = parse_numbers(pd.Series([text]))
    assert numbers.iloc[0] == value and not bad[0]


@SETTINGS
@given(ids=st.lists(CELL, min_size=1, max_size=10))
def test_clean_ids_is_idempotent(ids: list[str]) -> None:
    once = clean_ids(pd.Series(ids))
    assert clean_ids(once).tolist() == once.tolist()


@st.composite
def layers(draw: st.DrawFn) -> bytes:
    import json

    import shapely
    n = draw(st.integers(1, 6))
    features = []
    for i in range(n):
        x, y = draw(st.integers(0, 3)), draw(st.integers(0, 3))
        size = draw(st.sampled_from([1.0, 0.5, 0.0, 2.0]))
        box = shapely.box(*at(x, y), *at(x + size, y + size))
        properties = {"code": draw(st.one_of(st.just(f"G{i}"), st.just("G0"), st.just(""), CELL)),
                      "name": draw(st.one_of(st.just(f"网格{i}"), st.just("同名"), CELL)),
                      "level": draw(st.sampled_from(["网格", "社区", "微网格", "", "片区", "grid"]))}
        features.append({"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(box)})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


@SETTINGS
@given(data=layers())
def test_a_boundary_layer_is_read_or_refused_with_reasons(data: bytes) -> None:
    try:
        read = read_boundary_file(data, "g.geojson")
    except ReadError as err:
        assert err.report.problems and all(p.code in MESSAGES for p in err.report.problems)
        return
    grids = read.grids
    assert grids["grid_id"].is_unique and (grids["grid_id"] != "").all()
    assert set(grids["level"]) <= {"grid", "community", "micro"}
    assert grids.crs.to_epsg() == 4326
    areas = np.array([g.area if g is not None else 0.0 for g in grids.geometry])
    assert (areas >= 0).all()
