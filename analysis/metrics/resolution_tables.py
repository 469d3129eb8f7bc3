"""The resolution page's tables (办结): every indicator by a grouping, backlog by age, the weekly trend.

All figures are :mod:`analysis.metrics.resolution` functions (arranged by
:func:`analysis.metrics.indicators.figure_table`). Weekly rates group the cases due in a week (``due_at``) and count them closed if closed before
that week ends, so each week's rate is final once the week is over.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.metrics import resolution as r
from analysis.metrics.indicators import figure_table
from analysis.metrics.lifecycle import LEVELS
from analysis.metrics.overview import weekly_trend
from analysis.sanitise.phones import mask_phones

AGE_BUCKETS = (0, 3, 7, 15, 30)   # days: 0-3, 3-7, 7-15, 15-30, 30+


def rates_by(flags: r.PeriodFlags, mask: np.ndarray, groups: r.Groups) -> pd.DataFrame:
    """Every indicator per group (:func:`figure_table`), with the days to close (median, 90th percentile) and
    the share handled in the grid; rows in ``groups.labels`` order, groups with nothing to count dropped
    (counted on the mask's rows alone when it keeps few: :func:`analysis.metrics.resolution.narrowed`)."""
    flags, scope, groups = r.narrowed(flags, mask, groups)
    out = figure_table(flags, scope, groups)
    out.insert(0, "group", groups.labels)
    out["median_days"] = r.days_to_close(flags, 0.5, scope, groups)
    out["p90_days"] = r.days_to_close(flags, 0.9, scope, groups)
    out["within_grid"] = r.within_grid_share(flags, scope, groups)
    busy = out[["reported", "due", "closed", "backlog"]].sum(axis=1) + r.closed_count(flags, scope, groups) > 0
    kept: pd.DataFrame = out[busy.to_numpy()].reset_index(drop=True)
    return kept


def category_grid_on_time(incidents: pd.DataFrame, flags: r.PeriodFlags, mask: np.ndarray,
                          grid_names: dict[str, str]) -> pd.DataFrame:
    """按期结案率 of each 大类 (rows) in each grid (columns, by name); NaN where nothing was due."""
    due = flags.full("due") & mask
    chosen = incidents.loc[due, ["category", "grid_id"]]      # chosen first: converting 1M rows took 0.4 s
    frame = pd.DataFrame({"category": chosen["category"].astype(str).to_numpy(),
                          "grid": chosen["grid_id"].astype(object).to_numpy(),
                          "on_time": flags.full("on_time")[due]})
    frame = frame[frame["grid"].notna()]
    table = frame.pivot_table(index="category", columns="grid", values="on_time", aggfunc="mean")
    return table.rename(columns=grid_names)


def backlog_by_age(incidents: pd.DataFrame, flags: r.PeriodFlags, mask: np.ndarray) -> pd.DataFrame:
    """Open cases at the period's end by age since report (``AGE_BUCKETS`` days): ``bucket``, ``open``, ``overdue``."""
    chosen = flags.full("backlog") & mask
    age = (flags.period.end - incidents.loc[chosen, "reported_at"]) / pd.Timedelta(days=1)
    bucket = np.searchsorted(np.array(AGE_BUCKETS[1:]), age.to_numpy(), side="right")
    labels = [f"{a}–{b}" for a, b in zip(AGE_BUCKETS[:-1], AGE_BUCKETS[1:])] + [f"{AGE_BUCKETS[-1]}+"]
    return pd.DataFrame({"bucket": labels,
                         "open": np.bincount(bucket, minlength=len(labels)),
                         "overdue": np.bincount(bucket[flags.full("overdue")[chosen]], minlength=len(labels))})


def overdue_list(incidents: pd.DataFrame, flags: r.PeriodFlags, mask: np.ndarray, grid_names: dict[str, str]) -> pd.DataFrame:
    """Overdue open cases at the period's end, most overdue first; phone numbers masked."""
    columns = ["incident_id", "grid", "category", "subcategory", "reported_at", "due_at", "days_overdue", "status",
               "handler", "reporter_phone", "due_assumed"]
    rows = incidents.loc[flags.full("overdue") & mask, [c for c in ("grid_id", *columns) if c in incidents]].copy()
    end = flags.period.end
    rows["days_overdue"] = ((end - rows["due_at"]) / pd.Timedelta(days=1)).round(1)
    rows["grid"] = rows["grid_id"].astype(object).map(grid_names).fillna("—")
    rows["reporter_phone"] = mask_phones(rows["reporter_phone"].astype(str))
    ordered: pd.DataFrame = rows.sort_values("days_overdue", ascending=False)[columns]
    return ordered.reset_index(drop=True)


def handled_levels(incidents: pd.DataFrame, flags: r.PeriodFlags, mask: np.ndarray) -> pd.DataFrame:
    """Cases closed in the period by the level that handled them (小事不出网格): ``level``, ``closed``, ``share``."""
    chosen = flags.full("closed_in") & mask
    levels = incidents.loc[chosen, "handled_level"].astype(object).fillna("").replace("", "unknown")
    counts = levels.value_counts().reindex([*LEVELS, "unknown"], fill_value=0)
    known = counts[list(LEVELS)].sum()
    return pd.DataFrame({"level": counts.index, "closed": counts.to_numpy(),
                         "share": [c / known if known and lvl != "unknown" else np.nan
                                   for lvl, c in zip(counts.index, counts)]})


def weekly_rates(incidents: pd.DataFrame, mask: np.ndarray, weeks: pd.DatetimeIndex,
                 deferred_in_due: bool = False) -> pd.DataFrame:
    """Per week: reported, closed, and the two rates of the cases due that week (closed before it ended),
    by the rules of :func:`analysis.metrics.resolution.period_flags` (deferred cases only with
    ``deferred_in_due``; a closed status without a time is closed, never on time)."""
    first = np.datetime64(weeks[0], "s")
    span = np.timedelta64(7 * 86400, "s")
    rows = np.flatnonzero(mask)              # only the chosen rows read: a community is 0.25% of a city

    def at(column: str) -> pd.Series:
        return incidents[column].iloc[rows]

    due, closed, reported = (at(c).to_numpy(dtype="datetime64[s]") for c in ("due_at", "closed_at", "reported_at"))
    index = np.full(len(due), -1, dtype=np.int64)
    ok = ~np.isnat(due)
    index[ok] = (due[ok] - first) // span
    index[(index < 0) | (index >= len(weeks))] = -1
    chosen = index >= 0
    if not deferred_in_due:
        chosen &= (at("state") != "deferred").to_numpy()      # compared on a categorical's codes
    week_end = first + (index + 1) * span
    with np.errstate(invalid="ignore"):
        done = chosen & ((~np.isnat(closed) & (closed < week_end)) | at("closed_no_time").to_numpy(bool))
        in_time = done & (closed <= due) & ~(closed < reported)
    n = len(weeks)
    due_n = np.bincount(index[chosen], minlength=n)
    out = pd.DataFrame({"week": weeks, "due": due_n,
                        "closure_rate": r.rate(np.bincount(index[done], minlength=n), due_n),
                        "on_time_rate": r.rate(np.bincount(index[in_time], minlength=n), due_n)})
    counts = weekly_trend(incidents, mask, weeks)
    return counts.merge(out, on="week")


def data_quality(incidents: pd.DataFrame, flags: r.PeriodFlags, mask: np.ndarray) -> dict[str, int]:
    """What the page's data-quality note counts: closings before the report, assumed deadlines, and cases due
    whose status says closed but which give no closing time."""
    due = flags.full("due")
    return {"closed_before_reported": r.closed_before_reported(flags, mask),
            "due_assumed": r.count(due & incidents["due_assumed"].to_numpy(), mask),
            "closed_no_time": r.count(due & incidents["closed_no_time"].to_numpy(bool), mask)}
