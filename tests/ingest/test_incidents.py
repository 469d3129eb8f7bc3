"""Normalising an incident table: required columns, rows rejected or flagged and never dropped, coordinates, levels."""
import numpy as np
import pandas as pd
import pytest

from analysis.geo.crs import wgs84_to_gcj02
from analysis.ingest.incidents import normalise_incidents
from analysis.ingest.problems import ReadError


def table(**columns) -> pd.DataFrame:
    return pd.DataFrame({k: [str(v) for v in vals] for k, vals in columns.items()})


MAPPING = {"incident_id": "id", "reported_at": "t", "lon": "x", "lat": "y", "address": "addr"}


def test_missing_required_columns_is_one_clear_error():
    with pytest.raises(ReadError) as err:
        normalise_incidents(table(id=["1"]), {"incident_id": "id"})
    codes = [p.code for p in err.value.report.problems]
    assert codes.count("missing_column") == 2   # the report time, and any location
    assert "reported_at" in {p.detail for p in err.value.report.problems}


def test_mapped_header_absent():
    with pytest.raises(ReadError) as err:
        normalise_incidents(table(id=["1"], t=["2026/1/1"]), {"incident_id": "id", "reported_at": "t", "lon": "X",
                                                              "lat": "Y"})
    assert {p.code for p in err.value.report.problems} == {"mapped_column_absent"}


def test_rows_are_rejected_or_flagged_never_dropped_silently():
    raw = table(
        id=["A", "", "C", "D", "E", "A"],
        t=["2026/3/1 8:00", "2026/3/1 9:00", "昨天", "2026/3/2 8:00", "2026/3/2 9:00", "2026/3/3 8:00"],
        x=["112.97", "112.97", "112.97", "不详", "112.97", "112.98"],
        y=["28.19", "28.19", "28.19", "28.19", "", "28.19"],
        addr=["", "", "", "西湖路12号", "", ""],
    )
    read = normalise_incidents(raw, MAPPING)
    # kept: D (coordinates set aside, address kept), E (half coordinate, kept), A (the last row of two)
    assert read.incidents["incident_id"].tolist() == ["D", "E", "A"]
    assert read.incidents.set_index("incident_id").loc["A", "lon"] == pytest.approx(112.98)
    assert np.isnan(read.incidents.set_index("incident_id").loc["D", "lon"])
    rejected = dict(zip(read.rejected["source_row"], read.rejected["code"], strict=False))
    assert rejected == {3: "missing_id", 4: "bad_date", 2: "duplicate_id"}
    warnings = {(p.row, p.code) for p in read.report.problems if p.severity == "warning"}
    assert {(5, "bad_number"), (6, "half_coordinate")} <= warnings
    # every input row is accounted for: imported or rejected
    assert len(read.incidents) + len(read.rejected) == len(raw)
    assert '"id": "A"' in read.rejected.set_index("source_row").loc[2, "raw"]


def test_per_row_coordinate_system_wins_over_the_file_default():
    glon, glat = wgs84_to_gcj02(112.97, 28.19)
    raw = table(id=["w", "g", "u"], t=["2026/1/1"] * 3, x=["112.97", f"{glon:.8f}", "112.97"],
                y=["28.19", f"{glat:.8f}", "28.19"], addr=[""] * 3, crs=["WGS84", "GCJ02", "火星文"])
    read = normalise_incidents(raw, {**MAPPING, "coord_system": "crs"}, default_system="bd09")
    frame = read.incidents.set_index("incident_id")
    assert frame.loc["g", "lon"] == pytest.approx(112.97, abs=1e-7)
    assert frame.loc["g", "coord_system"] == "gcj02"
    assert np.isnan(frame.loc["u", "lon"])        # unknown system: coordinates set aside, warned
    assert read.report.count(code="bad_coord_system") == 1


def test_closed_before_reported_is_kept_and_warned():
    raw = table(id=["1"], t=["2026/3/2 8:00"], x=["112.97"], y=["28.19"], addr=[""], c=["2026/3/1 8:00"])
    read = normalise_incidents(raw, {**MAPPING, "closed_at": "c"})
    assert len(read.incidents) == 1 and read.report.count(code="closed_before_reported") == 1


def test_out_of_range_coordinates_are_set_aside():
    raw = table(id=["1"], t=["2026/3/2 8:00"], x=["1129.7"], y=["28.19"], addr=["x"])
    read = normalise_incidents(raw, MAPPING)
    assert np.isnan(read.incidents.loc[0, "lon"]) and read.report.count(code="coord_out_of_range") == 1


def test_handled_level_words_are_kept_as_written_and_rework_read_as_a_count():
    raw = table(id=["1", "2", "3", "4"], t=["2026/1/1"] * 4, x=["112.97"] * 4, y=["28.19"] * 4, addr=[""] * 4,
                lv=["网格", "社区", "街道", "职能部门"], rw=["是", "2次", "", "很多"])
    read = normalise_incidents(raw, {**MAPPING, "handled_level": "lv", "reopened": "rw"})
    assert read.incidents["handled_level"].tolist() == ["网格", "社区", "街道", "职能部门"]   # the settings read them
    assert read.incidents["reopened"].tolist() == ["1", "2", "0", ""]
    assert [(p.code, p.value) for p in read.report.problems] == [("bad_number", "很多")]


def test_to_numbers_agrees_with_pandas():
    from analysis.ingest.incidents import to_numbers
    text = pd.Series(["112.97", "-28", "+1.5e3", ".5", "7.", "", "不详", "1,5", "0x10", "nan", "inf", "28.19.1"])
    expected = pd.to_numeric(text.where(~text.isin(["nan", "inf"]), "x"), errors="coerce")
    pd.testing.assert_series_equal(to_numbers(text), expected, check_names=False)


def test_a_rejected_last_row_does_not_drop_an_earlier_good_one():
    raw = table(id=["A", "A"], t=["2026/3/1 8:00", "坏日期"], x=["112.97", "112.97"], y=["28.19", "28.19"],
                addr=["", ""])
    read = normalise_incidents(raw, MAPPING)
    assert read.incidents["incident_id"].tolist() == ["A"]          # the good row is kept
    assert dict(zip(read.rejected["source_row"], read.rejected["code"], strict=False)) == {3: "bad_date"}


def test_a_deadline_given_as_a_day_is_due_at_the_end_of_that_day():
    raw = table(id=["1", "2", "3", "4"], t=["2026/3/1 8:00"] * 4, x=["112.97"] * 4, y=["28.19"] * 4, addr=[""] * 4,
                due=["2026/3/5", "2026/3/5 10:00", "2026年3月6日", "2026-03-05 00:00"], ext=["", "", "2026/3/9", ""])
    read = normalise_incidents(raw, {**MAPPING, "due_at": "due", "extended_due_at": "ext"})
    assert read.incidents["due_at"].tolist() == [pd.Timestamp("2026-03-05 23:59:59"), pd.Timestamp("2026-03-05 10:00"),
                                                 pd.Timestamp("2026-03-06 23:59:59"), pd.Timestamp("2026-03-05 00:00")]
    assert read.incidents["extended_due_at"].iloc[2] == pd.Timestamp("2026-03-09 23:59:59")
    notes = [(p.column, p.detail) for p in read.report.problems if p.code == "deadline_end_of_day"]
    assert notes == [("due", "2"), ("ext", "1")]
