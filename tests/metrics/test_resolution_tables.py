"""The resolution page's tables on the small street: rates by group, backlog ages, weekly rates."""
import numpy as np
import pandas as pd
import pytest

from analysis.metrics import resolution as r
from analysis.metrics import resolution_tables as rt
from tests.fixtures import small_dataset


def test_resolution_rates_by_grid_and_handling_and_rework(week):
    ds, flags, mask = week
    reopened = small_dataset(lambda f: f.assign(reopened=["0", "1", "0", "0", "0", "0", "0"]))
    again = r.period_flags(reopened.incidents, flags.period)
    assert r.rework_rate(again) == pytest.approx(1 / 3)                 # I2 of the disposed I1 I2 I7
    # 按期处置率 divides by the cases due (I1 I2 I3 I7), not by those closed: I3 left open counts against it
    assert r.on_time_disposal_rate(flags) == pytest.approx(2 / 4)       # I1, I7 in time; I2 late; I3 open
    by = rt.rates_by(flags, mask, r.Groups.of(ds.incidents["grid_id"])).set_index("group")
    assert by.loc["G1", "closure_rate"] == 1.0 and by.loc["G1", "on_time_closure_rate"] == 0.5
    assert by.loc["G3", "disposal_rate"] == 0.0 and by.loc["G1", "disposed"] == 2
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


def test_the_tables_read_only_the_chosen_rows(week):
    """A mask (one grid; none) gives the figures of those rows alone, as if the others were not there: the weekly
    rates, and the rates by group (counted on the rows taken when the mask keeps less than half of them)."""
    ds, flags, _ = week
    weeks = pd.to_datetime(["2026-02-23", "2026-03-02"])
    for chosen in (ds.incidents["grid_id"].eq("G1").to_numpy(), np.zeros(len(ds.incidents), dtype=bool)):
        part = ds.incidents[chosen].reset_index(drop=True)
        for deferred in (False, True):
            pd.testing.assert_frame_equal(rt.weekly_rates(ds.incidents, chosen, weeks, deferred),
                                          rt.weekly_rates(part, np.ones(len(part), dtype=bool), weeks, deferred))
        alone = r.period_flags(part, flags.period)
        for column in ("category", "handler"):
            groups = r.Groups.of(ds.incidents[column])
            pd.testing.assert_frame_equal(
                rt.rates_by(flags, chosen, groups),
                rt.rates_by(alone, np.ones(len(part), dtype=bool), r.Groups(groups.codes[chosen], groups.labels)))
    g1 = ds.incidents["grid_id"].eq("G1").to_numpy()
    assert 0 < rt.weekly_rates(ds.incidents, g1, weeks)["reported"].sum() < rt.weekly_rates(
        ds.incidents, np.ones(len(g1), dtype=bool), weeks)["reported"].sum()
