"""The overview's figures on the small street (tests/fixtures.small_street), worked out by hand."""
import numpy as np
import pandas as pd
import pytest

from analysis.metrics import resolution as r
from analysis.metrics.dataset import build_dataset
from analysis.metrics.filters import Filters
from analysis.metrics.grid_stats import grid_measures
from analysis.metrics.overview import Kpi, attention, kpis, weekly_trend
from analysis.metrics.periods import week_starts
from analysis.settings import load_settings
from tests.fixtures import small_street


@pytest.fixture(scope="module")
def ds():
    grids, incidents, buildings, workers, volunteers, services = small_street()
    return build_dataset(incidents, grids, None, buildings, workers, volunteers, services, tolerance_m=30)


def figures(ds, filters):
    period = filters.resolve(ds.anchor)
    now, before = r.period_flags(ds.incidents, period), r.period_flags(ds.incidents, period.previous())
    return {k.key: k for k in kpis(ds, filters, now, before)}


def test_week_of_the_whole_street(ds):
    k = figures(ds, Filters(period="week"))
    assert (k["reported"].value, k["reported"].previous) == (6, 1)        # I1 I2 I3 I4 I6 I7 | I5
    assert k["closure_rate"].value == pytest.approx(3 / 4)               # due: I1 I2 I3 I7; closed: I1 I2 I7
    assert k["on_time_rate"].value == pytest.approx(2 / 4)               # I1 and I7
    assert k["median_days"].value == pytest.approx(0.5)                  # 0.5, 3, 0.5 days
    assert (k["backlog"].value, k["overdue"].value) == (3, 1)            # I3 I4 I6 open; I3 overdue
    assert k["within_grid"].value == pytest.approx(2 / 3)                # I1 I7 grid, I2 community
    assert (k["services"].value, k["services"].previous) == (2, 1)
    assert k["closure_rate"].previous == 1.0 and k["backlog"].previous == 0


def test_community_filter_gives_that_communitys_figures(ds):
    k = figures(ds, Filters(period="week", community="甲社区"))
    assert k["reported"].value == 3 and k["closure_rate"].value == 1.0 and k["on_time_rate"].value == pytest.approx(2 / 3)
    assert k["backlog"].value == 0 and k["services"].value == 2
    k = figures(ds, Filters(period="week", community="乙社区"))
    assert k["reported"].value == 2 and k["backlog"].value == 2 and k["services"].value == 0


def test_an_empty_period_shows_nothing_measured(ds):
    k = figures(ds, Filters(period="custom", first="2027-01-01", last="2027-01-07"))
    assert k["reported"].value == 0
    assert all(np.isnan(k[key].value) for key in ("closure_rate", "on_time_rate", "median_days", "within_grid"))
    assert k["closure_rate"].improved is None


def test_improvement_follows_the_better_direction():
    assert Kpi("overdue", "count", "down", 3, 5).improved is True
    assert Kpi("closure_rate", "rate", "up", 0.8, 0.9).improved is False
    assert Kpi("reported", "count", "down", 4, 4).improved is None


def test_attention_lists(ds):
    filters = Filters(period="week")
    period = filters.resolve(ds.anchor)
    mask = filters.incident_mask(ds.incidents)
    settings = load_settings()
    now = grid_measures(ds, r.period_flags(ds.incidents, period), mask, settings)
    before = grid_measures(ds, r.period_flags(ds.incidents, period.previous()), mask, settings)
    lists = attention(now, before, filters.grid_mask(ds.grids), min_cases=1)
    assert lists["load"]["grid_id"].tolist() == ["G1", "G4", "G3", "G2"]   # 2, then 1 each: most per household first
    assert lists["overdue"]["grid_id"].tolist() == ["G3"]
    assert lists["falling"]["grid_id"].tolist() == ["G1"]                 # 100 % -> 50 % on time
    assert lists["falling"]["change"].iloc[0] == pytest.approx(-0.5)


def test_weekly_trend(ds):
    filters = Filters(period="week")
    weeks = week_starts(filters.resolve(ds.anchor), 3)
    trend = weekly_trend(ds.incidents, filters.incident_mask(ds.incidents), weeks)
    assert list(trend["week"]) == list(pd.to_datetime(["2026-02-16", "2026-02-23", "2026-03-02"]))
    assert trend["reported"].tolist() == [0, 1, 6] and trend["closed"].tolist() == [0, 1, 3]
