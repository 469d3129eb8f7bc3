"""Workload, resolution tables and volunteer coverage on the small street (tests/fixtures.small_street).

Week 2026-03-02 to 03-08; full-time workers G1 1, G2 1, G3 0, G4 2; households 400/300/200/100.
"""
import numpy as np
import pandas as pd
import pytest

from analysis import coverage, resolution as r, resolution_tables as rt
from analysis.dataset import build_dataset, with_deadlines
from analysis.filters import Filters
from analysis.settings import load_settings
from analysis.workload import workload_index, workload_table
from tests.fixtures import small_street

SETTINGS = load_settings()


def street(change=None):
    grids, incidents, buildings, workers, volunteers, services = small_street()
    if change:
        incidents = change(incidents)
    return build_dataset(incidents, grids, None, buildings, workers, volunteers, services, tolerance_m=30)


@pytest.fixture(scope="module")
def week():
    ds = street()
    period = Filters(period="week").resolve(ds.anchor)
    return ds, r.period_flags(ds.incidents, period), np.ones(len(ds.incidents), dtype=bool)


def test_workload_per_worker_and_index(week):
    ds, flags, mask = week
    w = workload_table(ds, flags, mask, SETTINGS).set_index("grid_id")
    assert w["fulltime"].tolist() == [1, 1, 0, 2] and w["no_worker"].tolist() == [False, False, True, False]
    assert w["incidents_per_week"].tolist() == [2, 1, 1, 1]
    assert w["incidents_per_worker_week"].tolist()[:2] == [2, 1] and np.isnan(w.loc["G3", "incidents_per_worker_week"])
    assert w.loc["G4", "households_per_worker"] == 50 and w.loc["G4", "backlog_per_worker"] == 0.5
    # parts / medians: incidents [2,1,1,.5]/1, households [400,300,200,50]/250, open [0,0,1,.5]/.25 (G3 alone)
    assert w["workload_index"].round(6).tolist() == [1.28, 0.76, 1.84, 0.86]


def test_workload_index_skips_a_part_whose_median_is_zero():
    parts = pd.DataFrame({"a": [1.0, 3.0], "b": [0.0, 0.0]})
    assert workload_index(parts, {"a": 0.5, "b": 0.5}).tolist() == [0.5, 1.5]


def test_resolution_rates_by_grid_and_handling_and_rework(week):
    ds, flags, mask = week
    reopened = street(lambda f: f.assign(reopened=["0", "1", "0", "0", "0", "0", "0"]))
    again = r.period_flags(reopened.incidents, flags.period)
    assert rt.rework_rate(reopened.incidents, again) == pytest.approx(1 / 3)   # I2 of I1 I2 I7
    assert rt.handling_rate(ds.incidents, flags) == pytest.approx(2 / 3)      # I1, I7 in time; I2 late
    by = rt.rates_by(ds.incidents, flags, mask, r.Groups.of(ds.incidents["grid_id"])).set_index("group")
    assert by.loc["G1", "closure_rate"] == 1.0 and by.loc["G1", "on_time_rate"] == 0.5
    assert by.loc["G3", "overdue"] == 1 and np.isnan(by.loc["G3", "median_days"])
    assert by.loc["G1", "p90_days"] == pytest.approx(0.5 + 0.9 * 2.5)


def test_backlog_ages_overdue_list_and_levels(week):
    ds, flags, mask = week
    ages = rt.backlog_by_age(ds.incidents, flags, mask)
    assert ages["open"].tolist() == [1, 2, 0, 0, 0] and ages["overdue"].tolist() == [0, 1, 0, 0, 0]
    overdue = rt.overdue_list(ds.incidents, flags, mask, {"G3": "三"})
    assert overdue[["incident_id", "grid", "days_overdue", "reporter_phone"]].values.tolist() == \
        [["I3", "三", 4.0, "159****1111"]]
    levels = rt.handled_levels(ds.incidents, flags, mask).set_index("level")
    assert levels["closed"].tolist() == [2, 1, 0, 0, 0] and levels.loc["grid", "share"] == pytest.approx(2 / 3)


def test_weekly_rates_by_deadline_week_and_category_by_grid(week):
    ds, flags, mask = week
    weeks = pd.to_datetime(["2026-02-23", "2026-03-02"])
    weekly = rt.weekly_rates(ds.incidents, mask, weeks)
    assert weekly["due"].tolist() == [1, 4] and weekly["closure_rate"].tolist() == [1.0, 0.75]
    assert weekly["on_time_rate"].tolist() == [1.0, 0.5] and weekly["reported"].tolist() == [1, 6]
    matrix = rt.category_grid_on_time(ds.incidents, flags, mask, {"G1": "一", "G2": "二", "G3": "三"})
    assert matrix.loc["市容环境", ["一", "二", "三"]].tolist() == [1.0, 1.0, 0.0]
    assert matrix.loc["设施维修", "一"] == 0.0


def test_a_case_without_deadline_gets_its_categorys_default_and_is_counted():
    def no_deadline(frame):
        frame = frame.copy()
        frame.loc[frame["incident_id"] == "I3", "due_at"] = pd.NaT
        return frame
    ds = street(no_deadline)
    i3 = ds.incidents.set_index("incident_id").loc["I3"]
    assert bool(i3["due_assumed"]) and i3["due_at"] == pd.Timestamp("2026-03-05 08:00")   # 市容环境: 1 day
    flags = r.period_flags(ds.incidents, Filters(period="week").resolve(ds.anchor))
    assert rt.data_quality(ds.incidents, flags, np.ones(len(ds.incidents), bool)) == \
        {"closed_before_reported": 0, "due_assumed": 1}
    frame = with_deadlines(pd.DataFrame({"reported_at": [pd.Timestamp("2026-03-01")], "due_at": [pd.NaT],
                                         "category": ["新类别"], "subcategory": [""]}), {"*": 3})
    assert frame["due_at"].iloc[0] == pd.Timestamp("2026-03-04")


def test_coverage_by_radius(week):
    ds = week[0]
    wide = coverage.coverage_table(ds, SETTINGS, 1.0).set_index("grid_id")
    assert wide["active"].tolist() == [1, 0, 1, 0] and wide["no_active"].tolist() == [False, True, False, True]
    assert wide["coverage"].tolist() == [1.0] * 4                      # 300 m reaches every building
    near = coverage.coverage_table(ds, {**SETTINGS, "walk_radius_m": 100.0}, 1.0).set_index("grid_id")
    assert near["coverage"].tolist() == [1.0, 1.0, 0.0, 0.0]           # B2 is 98 m away, B3 111 m
    assert near.loc["G1", "active_per_100_households"] == pytest.approx(0.25)


def test_recruiting_picks_the_building_that_covers_most(week):
    ds = week[0]
    sites = coverage.recruiting_sites(ds, {**SETTINGS, "walk_radius_m": 100.0}, n=5)
    assert sites[["building_id", "gain", "covered_after"]].values.tolist() == [["B3", 300.0, 1.0]]
    assert coverage.recruiting_sites(ds, SETTINGS).empty              # everyone covered: nothing to suggest


def test_monthly_services_by_team(week):
    monthly = coverage.monthly_services(week[0])
    assert monthly[["month", "services", "hours"]].values.tolist() == [["2026-02", 1, 3.0], ["2026-03", 2, 3.0]]


def test_inactive_volunteer_covers_nobody():
    ds = street()
    ds.services = ds.services.iloc[0:0]
    assert coverage.active_volunteers(ds, 90).tolist() == [False, False]
    assert not coverage.covered_buildings(ds, coverage.active_volunteers(ds, 90), 300).any()
