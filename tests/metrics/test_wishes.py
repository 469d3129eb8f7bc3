"""Micro-wishes (微心愿) on the small street: set aside from the cases, counted as collected and fulfilled."""
import pandas as pd

from analysis.metrics import resolution as r
from analysis.metrics.periods import Period
from analysis.metrics.wishes import wish_figures, wishes_by_grid
from tests.fixtures import small_dataset

WEEK = Period(pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-08"))


def as_wishes(frame):
    """I1 (G1, closed 03-02) and I3 (G3, open) are micro-wishes."""
    category = frame["category"].astype(object).copy()
    category[frame["incident_id"].isin(["I1", "I3"])] = "微心愿"
    return frame.assign(category=category)


def test_wishes_leave_the_cases_and_are_counted_on_their_own():
    ds = small_dataset(as_wishes)
    assert sorted(ds.wishes["incident_id"]) == ["I1", "I3"] and "I1" not in set(ds.incidents["incident_id"])
    flags = r.period_flags(ds.incidents, WEEK)
    assert r.reported_count(flags) == 3                          # I2, I6, I7 (of I1 I2 I3 I6 I7 before)
    assert wish_figures(ds, WEEK) == {"collected": 2, "fulfilled": 1, "open": 1, "fulfilment_rate": 0.5}
    assert wish_figures(ds, WEEK, {"G3"}) == {"collected": 1, "fulfilled": 0, "open": 1, "fulfilment_rate": 0.0}
    table = wishes_by_grid(ds, WEEK).set_index("grid_id")
    assert table.loc["G3", ["collected", "fulfilled", "open"]].tolist() == [1, 0, 1]
    assert table.loc["G1", "fulfilment_rate"] == 1.0
