"""The standard indicators on a hand-made case table with known answers, every status rule, the published
bulletin's figures, and the same table through the CLI (import, then ``indicators --json``).

Period: 03-01 to 03-08 (a week, end exclusive). Deadlines all in the period unless said.
  case  status  due    extended  disposed  closed   rework  rating    what it tests
  A     已结案   03-03  —         —         03-02    0       满意      closed on time (disposal = closing)
  B     已结案   03-04  —         —         03-06    0       基本满意   closed late
  C     作废     03-05  —         —         —        0                 void: in no count at all
  D     缓办     03-05  —         —         —        0                 deferred: not due, not open
  E     已结案   03-04  —         —         —        0                 closed status, no time: closed, never on time
  F     已结案   03-03  03-07     —         03-06    0       不满意     an extension moves the deadline: on time
  G     处置中   03-05  03-20     —         —        0                 extended out of the period: not due, open
  H     待核查   03-04  —         03-03     —        0                 disposed on time, not closed: open, overdue
  I     处置中   03-05  —         —         —        0                 open, overdue
  J     已结案   03-04  —         03-02     03-03    是      满意      reworked (是 reads as once)
  K     待受理   03-06  —         —         —        0                 due, never dispatched; open, overdue
"""
import json

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.ingest.importer import import_boundaries
from analysis.metrics import resolution as r
from analysis.metrics.indicators import FIGURES
from analysis.metrics.lifecycle import lifecycle_columns
from analysis.metrics.periods import Period
from analysis.settings import DEFAULTS
from analysis.store.database import Store
from tests.fixtures import at, four_grids

PERIOD = Period(pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-08"))
ROWS = [  # id, reported, status, due, extended, disposed, closed, rework, rating, level
    ("A", "03-01 09:00", "已结案", "03-03", "", "", "03-02 10:00", "0", "满意", "网格员"),
    ("B", "03-01 10:00", "已结案", "03-04", "", "", "03-06 10:00", "0", "基本满意", "社区"),
    ("C", "03-02 09:00", "作废", "03-05", "", "", "", "0", "", ""),
    ("D", "03-02 10:00", "缓办", "03-05", "", "", "", "0", "", ""),
    ("E", "03-02 11:00", "已结案", "03-04", "", "", "", "0", "", "街道办"),
    ("F", "03-01 11:00", "已结案", "03-03", "03-07", "", "03-06 12:00", "0", "不满意", "区级部门"),
    ("G", "03-03 09:00", "处置中", "03-05", "03-20", "", "", "0", "", ""),
    ("H", "03-03 10:00", "待核查", "03-04", "", "03-03 15:00", "", "0", "", ""),
    ("I", "03-04 09:00", "处置中", "03-05", "", "", "", "0", "", ""),
    ("J", "03-01 12:00", "已结案", "03-04", "", "03-02 12:00", "03-03 12:00", "是", "满意", "自行处置"),
    ("K", "03-05 09:00", "待受理", "03-06", "", "", "", "0", "", ""),
]
EXPECTED = {"reported": 10, "due": 8, "closed": 5, "on_time_closed": 3, "disposed": 6, "on_time_disposed": 4,
            "reworked": 1, "extended": 1, "rated": 4, "satisfied": 3, "backlog": 4, "overdue": 3,
            "closure_rate": 5 / 8, "on_time_closure_rate": 3 / 8, "disposal_rate": 6 / 8, "on_time_disposal_rate": 4 / 8,
            "rework_rate": 1 / 6, "extension_rate": 1 / 8, "satisfaction_rate": 3 / 4}
HEADERS = ["事件编号", "上报时间", "事件状态", "处理期限", "延期至", "处置时间", "结案时间", "返工次数", "满意度",
           "处置层级"]


def _day(text: str) -> str:
    return f"2026-{text}" if text else ""


def case_table() -> pd.DataFrame:
    """The module table as an export would write it (Chinese headers, text cells)."""
    return pd.DataFrame([[row[0], _day(row[1]), row[2], _day(row[3]), _day(row[4]), _day(row[5]), _day(row[6]),
                          *row[7:]] for row in ROWS], columns=HEADERS)


def stored_cases() -> pd.DataFrame:
    """The same cases as the store gives them back (canonical names, parsed times), with the lifecycle read."""
    raw = case_table()
    frame = pd.DataFrame({"incident_id": raw["事件编号"], "status": raw["事件状态"], "reopened": ["0"] * len(raw),
                          "satisfaction": raw["满意度"], "handled_level": raw["处置层级"]})
    frame.loc[raw["返工次数"] == "是", "reopened"] = "1"
    for column, header in (("reported_at", "上报时间"), ("due_at", "处理期限"), ("extended_due_at", "延期至"),
                           ("disposed_at", "处置时间"), ("closed_at", "结案时间")):
        frame[column] = pd.to_datetime(raw[header].replace("", None))
    # the deadline is a day: due by the end of it
    for column in ("due_at", "extended_due_at"):
        frame[column] = frame[column] + pd.Timedelta(hours=23, minutes=59)
    return lifecycle_columns(frame, DEFAULTS.model_dump())[0]


def figures(flags: r.PeriodFlags) -> dict[str, float]:
    count = {"reported": flags.reported, "due": flags.due, "closed": flags.closed, "on_time_closed": flags.on_time,
             "disposed": flags.disposed, "on_time_disposed": flags.on_time_disposed, "reworked": flags.reworked,
             "extended": flags.extended, "rated": flags.rated, "satisfied": flags.satisfied,
             "backlog": flags.backlog, "overdue": flags.overdue}
    out: dict[str, float] = {k: r.count(v) for k, v in count.items()}
    out.update(closure_rate=r.closure_rate(flags), on_time_closure_rate=r.on_time_closure_rate(flags),
               disposal_rate=r.disposal_rate(flags), on_time_disposal_rate=r.on_time_disposal_rate(flags),
               rework_rate=r.rework_rate(flags), extension_rate=r.extension_rate(flags),
               satisfaction_rate=r.satisfaction_rate(flags))
    return out


def test_every_indicator_and_status_rule_on_the_hand_made_table():
    got = figures(r.period_flags(stored_cases(), PERIOD))
    assert got == pytest.approx(EXPECTED)


def test_which_cases_count_where():
    cases = stored_cases().set_index("incident_id")
    flags = r.period_flags(cases.reset_index(), PERIOD)
    ids = cases.index.to_numpy()
    assert list(ids[flags.full("due")]) == ["A", "B", "E", "F", "H", "I", "J", "K"]
    assert list(ids[flags.full("backlog")]) == ["G", "H", "I", "K"]
    assert list(ids[flags.full("on_time")]) == ["A", "F", "J"]
    assert not (flags.full("reported") | flags.full("due") | flags.full("backlog"))[ids == "C"].any()          # void: nowhere
    assert list(cases["state"]) == ["closed", "closed", "void", "deferred", "closed", "closed", "handling",
                                    "disposed", "handling", "closed", "received"]


def test_settings_that_differ_between_cities():
    cases = stored_cases()
    with_deferred = r.period_flags(cases, PERIOD, deferred_in_due=True)
    assert r.count(with_deferred.due) == 9 and r.count(with_deferred.backlog) == 4     # D is due, never open
    by_dispatch = r.period_flags(cases, PERIOD, rework_basis="dispatched")
    assert r.count(by_dispatch.rework_base) == 7 and r.rework_rate(by_dispatch) == pytest.approx(1 / 7)
    by_report = r.period_flags(cases, PERIOD, basis="reported")
    assert r.count(by_report.due) == 9                        # every case reported in the week but void C
    with pytest.raises(ValueError, match="rework_basis"):
        r.period_flags(cases, PERIOD, rework_basis="closed")


def test_handling_levels_read_through_the_word_table():
    cases = stored_cases()
    assert cases.set_index("incident_id")["handled_level"][["A", "B", "E", "F", "J"]].tolist() == \
        ["grid", "community", "street", "department", "grid"]
    flags = r.period_flags(cases, PERIOD)
    assert r.within_grid_share(flags) == pytest.approx(2 / 4)     # A and J of A, B, F, J closed in the week


def test_the_published_bulletin():
    """A district bulletin: 972 cases due, 911 disposed (93.72%), 737 of them on time (75.82%)."""
    n = 972
    reported = pd.Timestamp("2026-03-01 09:00")
    disposed = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    disposed[:737] = np.datetime64("2026-03-02T09:00")            # on time
    disposed[737:911] = np.datetime64("2026-03-06T09:00")         # late, still in the week
    frame = pd.DataFrame({"incident_id": [f"B{i}" for i in range(n)], "reported_at": reported,
                          "due_at": pd.Timestamp("2026-03-03 18:00"), "disposed_at": disposed, "closed_at": pd.NaT,
                          "status": np.where(np.isnat(disposed), "处置中", "已处置"), "reopened": "0"})
    flags = r.period_flags(lifecycle_columns(frame, DEFAULTS.model_dump())[0], PERIOD)
    assert (r.count(flags.disposed), r.count(flags.due)) == (911, 972)
    assert round(100 * r.disposal_rate(flags), 2) == 93.72
    assert round(100 * r.on_time_disposal_rate(flags), 2) == 75.82


def test_unknown_words_are_reported_and_the_times_decide():
    frame = stored_cases()[["incident_id", "reported_at", "due_at", "closed_at"]].head(3).assign(
        status=["已经搞定", "已结案", ""], handled_level=["物业", "网格", ""], satisfaction=["还行", "", ""],
        reopened="0")
    read, report = lifecycle_columns(frame, DEFAULTS.model_dump())
    assert report.unknown == {"status": {"已经搞定": 1}, "handled_level": {"物业": 1}, "satisfaction": {"还行": 1}}
    assert list(read["state"]) == ["closed", "closed", "handling"]     # A has a closing time; C has none
    assert list(read["handled_level"]) == ["", "grid", ""]


def test_the_cli_prints_the_standard_values_for_an_imported_table(tmp_path, capsys):
    """What a street does: import its export with the CLI, ask for the figures as JSON."""
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    store = Store(db)
    four_grids().to_file(tmp_path / "g.geojson")
    import_boundaries(store, tmp_path / "g.geojson")
    table = case_table()                                       # deadlines as days: due by the end of the day
    lon, lat = at(0.5, 0.5)
    table = table.assign(经度=lon, 纬度=lat)
    table.iloc[:6].to_csv(tmp_path / "cases.csv", index=False, encoding="gbk")
    table.iloc[6:].to_excel(tmp_path / "more.xlsx", index=False)
    assert main(["import", "incidents", str(tmp_path / "cases.csv"), "--db", db]) == 0
    assert main(["import", "incidents", str(tmp_path / "more.xlsx"), "--db", db]) == 0
    capsys.readouterr()
    assert main(["indicators", "--start", "2026-03-01", "--end", "2026-03-08", "--db", db, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result["street"]) == list(FIGURES)
    assert result["street"] == pytest.approx(EXPECTED)
    assert main(["indicators", "--start", "2026-03-01", "--end", "2026-03-08", "--db", db, "--json",
                 "--by", "grid"]) == 0
    groups = json.loads(capsys.readouterr().out)["groups"]
    assert [(g["key"], g["due"]) for g in groups] == [("C1G3", 8)]
    # a week with nothing due: rates are null, never 0
    assert main(["indicators", "--start", "2027-01-04", "--end", "2027-01-11", "--db", db, "--json"]) == 0
    empty = json.loads(capsys.readouterr().out)["street"]
    assert empty["due"] == 0 and empty["closure_rate"] is None and empty["backlog"] == 4     # G, H, I, K


def test_the_import_reports_what_it_could_not_read(tmp_path):
    from analysis.ingest.importer import import_incidents
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    four_grids().to_file(tmp_path / "g.geojson")
    import_boundaries(store, tmp_path / "g.geojson")
    lon, lat = at(0.5, 0.5)
    table = case_table().assign(经度=lon, 纬度=lat)
    table.loc[0, "事件状态"], table.loc[1, "返工次数"], table.loc[2, "满意度"] = "搞定了", "好几次", "还行"
    result = import_incidents(store, table.to_csv(index=False).encode(), "cases.csv")
    codes = {p.code: p for p in result.report.problems}
    assert codes["unknown_status"].value == "搞定了" and codes["unknown_rating"].value == "还行"
    assert codes["bad_number"].value == "好几次"
    assert result.report.count(code="closed_without_time") == 1 and codes["closed_without_time"].row == 6


def test_the_weekly_rates_follow_the_same_rules():
    from analysis.metrics import resolution_tables as rt
    cases = stored_cases()
    cases = cases[cases["state"] != "void"].reset_index(drop=True)          # the dataset sets void cases aside
    weekly = rt.weekly_rates(cases, np.ones(len(cases), bool), pd.to_datetime(["2026-03-02"]))
    assert weekly[["due", "closure_rate", "on_time_rate"]].values.tolist() == [[8, 5 / 8, 3 / 8]]
    with_deferred = rt.weekly_rates(cases, np.ones(len(cases), bool), pd.to_datetime(["2026-03-02"]), True)
    assert with_deferred["due"].tolist() == [9]


def test_a_returned_case_is_open_and_reworked_and_a_registered_one_not_dispatched():
    frame = pd.DataFrame({"incident_id": ["R", "S"], "reported_at": pd.to_datetime(["2026-03-01 9:00"] * 2),
                          "due_at": pd.to_datetime(["2026-03-05 18:00"] * 2),
                          "disposed_at": pd.to_datetime(["2026-03-02 9:00", None]), "closed_at": pd.NaT,
                          "status": ["已退回", "已立案"], "reopened": ["0", "0"]})
    cases = lifecycle_columns(frame, DEFAULTS.model_dump())[0]
    assert list(cases["state"]) == ["returned", "registered"] and list(cases["rework"]) == [1, 0]
    flags = r.period_flags(cases, PERIOD)
    assert list(flags.backlog) == [True, True] and list(flags.overdue) == [True, True]
    assert list(flags.dispatched) == [True, False] and list(flags.reworked) == [True, False]
