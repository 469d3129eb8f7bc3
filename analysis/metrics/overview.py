"""The overview (总览): headline figures against the period before, grids needing attention, weekly trend.

Every figure is a :mod:`analysis.metrics.resolution` metric over the filters' scope; the previous period
is the one of equal length just before (see :meth:`analysis.metrics.periods.Period.previous`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.metrics import resolution as r
from analysis.metrics.dataset import Dataset
from analysis.metrics.filters import Filters
from analysis.metrics.periods import Period

# key, kind (count | rate | days), which way is better (up | down)
KPIS = (("reported", "count", "down"), ("closure_rate", "rate", "up"), ("on_time_rate", "rate", "up"),
        ("disposal_rate", "rate", "up"), ("satisfaction_rate", "rate", "up"),
        ("median_days", "days", "down"), ("backlog", "count", "down"), ("overdue", "count", "down"),
        ("within_grid", "rate", "up"), ("services", "count", "up"))


@dataclass(frozen=True)
class Kpi:
    """One headline figure: this period's value, the previous period's, and which way is better.

    ``value``/``previous`` are NaN when there is nothing to measure (e.g. no case due).
    """

    key: str
    kind: str
    better: str
    value: float
    previous: float

    @property
    def change(self) -> float:
        """value - previous (NaN when either is missing); for rates, in fractions (0.02 = 2 points)."""
        return self.value - self.previous

    @property
    def improved(self) -> bool | None:
        """True when the change goes the better way, False the worse way, None when flat or unknown."""
        if not np.isfinite(self.change) or self.change == 0:
            return None
        return (self.change > 0) == (self.better == "up")


def services_in(ds: Dataset, period: Period, filters: Filters) -> int:
    """Volunteer service records dated in ``period``, in the filters' community and grid."""
    services = ds.services
    keep = (services["date"] >= period.start) & (services["date"] < period.end)
    if filters.community or filters.grid:
        keep &= services["grid_id"].isin(ds.grids["grid_id"][filters.grid_mask(ds.grids)])
    return int(keep.sum())


def _figures(ds: Dataset, flags: r.PeriodFlags, mask: np.ndarray, filters: Filters) -> dict[str, float]:
    period = flags.period
    flags, scope, _ = r.narrowed(flags, mask)              # the incidents that can count, taken once
    return {"reported": r.reported_count(flags, scope), "closure_rate": r.closure_rate(flags, scope),
            "on_time_rate": r.on_time_closure_rate(flags, scope), "disposal_rate": r.disposal_rate(flags, scope),
            "satisfaction_rate": r.satisfaction_rate(flags, scope), "median_days": r.days_to_close(flags, 0.5, scope),
            "backlog": r.open_backlog(flags, scope), "overdue": r.overdue_open(flags, scope),
            "within_grid": r.within_grid_share(flags, scope), "services": services_in(ds, period, filters)}


def kpis(ds: Dataset, filters: Filters, flags: r.PeriodFlags, previous: r.PeriodFlags) -> list[Kpi]:
    """The ten headline figures for the filters' scope, this period against ``previous``.

    ``flags`` and ``previous`` are :func:`analysis.metrics.resolution.period_flags` of the period and of
    the one before it.
    """
    mask = filters.incident_mask(ds.incidents)
    now, before = _figures(ds, flags, mask, filters), _figures(ds, previous, mask, filters)
    return [Kpi(key, kind, better, float(now[key]), float(before[key])) for key, kind, better in KPIS]


def attention(current: pd.DataFrame, previous: pd.DataFrame, in_scope: np.ndarray, min_cases: int,
              n: int = 10) -> dict[str, pd.DataFrame]:
    """The grids that need attention, from two :func:`analysis.metrics.grid_stats.grid_measures` tables.

    Returns
    -------
    dict
        ``load``: the ``n`` grids with most incidents reported (then per 100 households);
        ``overdue``: the ``n`` with most overdue open cases;
        ``falling``: the ``n`` whose on-time closure rate fell most against the previous period,
        among grids with at least ``min_cases`` cases due in both (``on_time_before``, ``change``).
        Grids with nothing to show (0 reported, 0 overdue, no fall) are left out.
    """
    table = current[in_scope]
    load = table[table["reported"] > 0].sort_values(["reported", "per_100_households"], ascending=False)
    overdue = table[table["overdue"] > 0].sort_values(["overdue", "backlog"], ascending=False)
    before = previous.set_index("grid_id")
    falling = table.assign(on_time_before=table["grid_id"].map(before["on_time_rate"]),
                           due_before=table["grid_id"].map(before["due"]))
    falling = falling[(falling["due"] >= min_cases) & (falling["due_before"] >= min_cases)]
    falling = falling.assign(change=falling["on_time_rate"] - falling["on_time_before"])
    falling = falling[falling["change"] < 0].sort_values("change")
    return {"load": load.head(n), "overdue": overdue.head(n), "falling": falling.head(n)}


def weekly_trend(incidents: pd.DataFrame, mask: np.ndarray, weeks: pd.DatetimeIndex) -> pd.DataFrame:
    """Incidents reported and closed per week (weeks start on the given Mondays).

    Closures with a closing time before the report time are left out (data errors). Only the rows of
    ``mask`` are read (a community of 25,000 cases out of 10M: not every row's times converted).
    """
    first = np.datetime64(weeks[0], "s").astype(np.int64)

    def per_week(times: np.ndarray) -> np.ndarray:
        # whole seconds since the first Monday, divided as integers (4 times faster than as datetimes)
        index = (times.view(np.int64)[~np.isnat(times)] - first) // (7 * 86400)
        index = index[(index >= 0) & (index < len(weeks))]
        return np.bincount(index, minlength=len(weeks))

    rows = np.flatnonzero(mask)
    reported = incidents["reported_at"].iloc[rows].to_numpy(dtype="datetime64[s]")
    closed = incidents["closed_at"].iloc[rows].to_numpy(dtype="datetime64[s]")
    with np.errstate(invalid="ignore"):
        valid = ~(closed < reported)
    return pd.DataFrame({"week": weeks, "reported": per_week(reported), "closed": per_week(closed[valid])})
