"""Resolution metrics (办结): closure rates, time to close, backlog, overdue, handling level.

Facts about each incident for one period ``[start, end)`` are computed once (:func:`period_flags`)
and every metric is a sum over them, for the whole scope or per group (grid, community, category,
week …) with :class:`Groups`. Definitions (``rate_basis`` setting chooses the denominator):

===========================  ==============================================================
应结案数 cases due            basis ``due``: ``start <= due_at < end``;
                             basis ``reported``: ``start <= reported_at < end``
结案率 closure rate           cases due and closed before ``end`` / cases due
按期结案率 on-time rate       cases due and closed by their deadline (``closed_at <= due_at``)
                             / cases due
time to close (days)         ``closed_at - reported_at`` of cases closed in the period; a case
                             closed *before* it was reported is left out (a data error, counted
                             by :func:`closed_before_reported`)
open backlog                 reported before ``end`` and not closed before ``end``
overdue open                 open backlog whose deadline is before ``end``
handled in the grid          cases closed in the period with ``handled_level == 'grid'`` / those
(小事不出网格)                 closed in the period whose level is known
===========================  ==============================================================

A rate whose denominator is 0 is NaN (shown as "—"), never 0 %.
A case closed before it was reported counts as closed but never as on time: its closing time is
wrong, so whether it met its deadline is unknown.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias, overload

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from analysis.metrics.periods import Period

BASES = ("due", "reported")
Mask: TypeAlias = np.ndarray | None
"""Which incidents count (a boolean per incident); None = all."""
Count: TypeAlias = int | np.ndarray
"""A count over the scope (int), or one per group (int array) when ``groups`` is given."""
Rate: TypeAlias = float | np.ndarray
"""A ratio or quantity over the scope (float, NaN when undefined), or one per group (float array)."""


@dataclass(frozen=True)
class Groups:
    """A grouping of incidents: ``codes[i]`` is incident i's group (-1 = none) among ``labels``."""

    codes: np.ndarray
    labels: np.ndarray

    @classmethod
    def of(cls, values: pd.Series) -> Groups:
        """Groups from a categorical (or any) column: one group per category, in category order."""
        cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
        return cls(cat.cat.codes.to_numpy(), np.asarray(cat.cat.categories, dtype=object))


@dataclass
class PeriodFlags:
    """Per-incident facts about one period (boolean arrays, one entry per incident).

    ``days_to_close`` is in days, NaN unless the case was validly closed in the period.
    """

    period: Period
    reported: np.ndarray
    due: np.ndarray
    closed: np.ndarray
    on_time: np.ndarray
    closed_in: np.ndarray
    days_to_close: np.ndarray
    backlog: np.ndarray
    overdue: np.ndarray
    level_known: np.ndarray
    in_grid: np.ndarray
    bad_close: np.ndarray


def _times(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype="datetime64[s]")


def period_flags(incidents: pd.DataFrame, period: Period, basis: str = "due") -> PeriodFlags:
    """Compute the facts every resolution metric sums (see the module table).

    Parameters
    ----------
    incidents : pandas.DataFrame
        ``reported_at``, ``due_at``, ``closed_at`` (datetime64, NaT when empty), ``handled_level``.
    period : Period
    basis : {'due', 'reported'}
        The denominator of the closure rates (the ``rate_basis`` setting).
    """
    if basis not in BASES:
        raise ValueError(f"rate_basis must be one of {BASES}, not {basis!r}")
    start, end = np.datetime64(period.start, "s"), np.datetime64(period.end, "s")
    reported_at, due_at, closed_at = (_times(incidents, c) for c in ("reported_at", "due_at", "closed_at"))
    with np.errstate(invalid="ignore"):
        reported = (reported_at >= start) & (reported_at < end)
        due = reported if basis == "reported" else (due_at >= start) & (due_at < end)
        is_closed = ~np.isnat(closed_at)
        bad_close = is_closed & (closed_at < reported_at)
        closed_by_end = is_closed & (closed_at < end)
        closed = due & closed_by_end
        on_time = closed & (closed_at <= due_at) & ~bad_close
        closed_in = closed_by_end & (closed_at >= start) & ~bad_close
        days = (closed_at - reported_at).astype("timedelta64[s]").astype(float) / 86400.0
        days[~closed_in] = np.nan
        backlog = (reported_at < end) & ~closed_by_end
        overdue = backlog & (due_at < end)
    levels = Groups.of(incidents["handled_level"].fillna(""))    # compare the few categories, not every row
    names = levels.labels.astype(str)
    valid = levels.codes >= 0
    level_known = closed_in & valid & (names != "")[levels.codes]
    in_grid = closed_in & valid & (names == "grid")[levels.codes]
    return PeriodFlags(period, reported, due, closed, on_time, closed_in, days, backlog, overdue, level_known,
                       in_grid, bad_close)


@overload
def count(flag: np.ndarray, mask: Mask = None, groups: None = None) -> int: ...
@overload
def count(flag: np.ndarray, mask: Mask, groups: Groups) -> np.ndarray: ...
def count(flag: np.ndarray, mask: Mask = None, groups: Groups | None = None) -> Count:
    """How many incidents have ``flag`` (within ``mask``): an int, or an array per group."""
    chosen = flag if mask is None else flag & mask
    if groups is None:
        return int(chosen.sum())
    codes = groups.codes[chosen]
    return np.bincount(codes[codes >= 0], minlength=len(groups.labels))


@overload
def rate(numerator: float, denominator: float) -> float: ...
@overload
def rate(numerator: np.ndarray, denominator: ArrayLike) -> np.ndarray: ...
@overload
def rate(numerator: ArrayLike, denominator: ArrayLike) -> Rate: ...
def rate(numerator: ArrayLike, denominator: ArrayLike) -> Rate:
    """``numerator / denominator``, NaN where the denominator is 0 (scalars or arrays)."""
    num, den = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    return float(out) if out.ndim == 0 else out


@overload
def reported_count(flags: PeriodFlags, mask: Mask = None, groups: None = None) -> int: ...
@overload
def reported_count(flags: PeriodFlags, mask: Mask, groups: Groups) -> np.ndarray: ...
def reported_count(flags: PeriodFlags, mask: Mask = None, groups: Groups | None = None) -> Count:
    """Incidents reported in the period."""
    return count(flags.reported, mask, groups)


@overload
def due_count(flags: PeriodFlags, mask: Mask = None, groups: None = None) -> int: ...
@overload
def due_count(flags: PeriodFlags, mask: Mask, groups: Groups) -> np.ndarray: ...
def due_count(flags: PeriodFlags, mask: Mask = None, groups: Groups | None = None) -> Count:
    """应结案数: cases due in the period (the rates' denominator)."""
    return count(flags.due, mask, groups)


@overload
def closure_rate(flags: PeriodFlags, mask: Mask = None, groups: None = None) -> float: ...
@overload
def closure_rate(flags: PeriodFlags, mask: Mask, groups: Groups) -> np.ndarray: ...
def closure_rate(flags: PeriodFlags, mask: Mask = None, groups: Groups | None = None) -> Rate:
    """结案率 = cases due and closed before the period ends / cases due (NaN when none due)."""
    return rate(count(flags.closed, mask, groups), count(flags.due, mask, groups))


@overload
def on_time_closure_rate(flags: PeriodFlags, mask: Mask = None, groups: None = None) -> float: ...
@overload
def on_time_closure_rate(flags: PeriodFlags, mask: Mask, groups: Groups) -> np.ndarray: ...
def on_time_closure_rate(flags: PeriodFlags, mask: Mask = None, groups: Groups | None = None) -> Rate:
    """按期结案率 = cases due and closed by their deadline / cases due (NaN when none due)."""
    return rate(count(flags.on_time, mask, groups), count(flags.due, mask, groups))


@overload
def closed_count(flags: PeriodFlags, mask: Mask = None, groups: None = None) -> int: ...
@overload
def closed_count(flags: PeriodFlags, mask: Mask, groups: Groups) -> np.ndarray: ...
def closed_count(flags: PeriodFlags, mask: Mask = None, groups: Groups | None = None) -> Count:
    """Cases validly closed in the period (whatever their deadline)."""
    return count(flags.closed_in, mask, groups)


@overload
def days_to_close(flags: PeriodFlags, q: float = 0.5, mask: Mask = None, groups: None = None) -> float: ...
@overload
def days_to_close(flags: PeriodFlags, q: float, mask: Mask, groups: Groups) -> np.ndarray: ...
def days_to_close(flags: PeriodFlags, q: float = 0.5, mask: Mask = None, groups: Groups | None = None) -> Rate:
    """The ``q`` quantile (0.5 = median) of days from report to closing, over cases closed in the period.

    NaN where no case was closed.
    """
    chosen = flags.closed_in if mask is None else flags.closed_in & mask
    values = flags.days_to_close[chosen]
    if groups is None:
        return float(np.quantile(values, q)) if len(values) else float("nan")
    codes = groups.codes[chosen]
    keep = codes >= 0
    by = pd.Series(values[keep]).groupby(codes[keep]).quantile(q)
    return by.reindex(np.arange(len(groups.labels))).to_numpy(dtype=float)


@overload
def open_backlog(flags: PeriodFlags, mask: Mask = None, groups: None = None) -> int: ...
@overload
def open_backlog(flags: PeriodFlags, mask: Mask, groups: Groups) -> np.ndarray: ...
def open_backlog(flags: PeriodFlags, mask: Mask = None, groups: Groups | None = None) -> Count:
    """Cases open when the period ends (reported before its end, not closed before it)."""
    return count(flags.backlog, mask, groups)


@overload
def overdue_open(flags: PeriodFlags, mask: Mask = None, groups: None = None) -> int: ...
@overload
def overdue_open(flags: PeriodFlags, mask: Mask, groups: Groups) -> np.ndarray: ...
def overdue_open(flags: PeriodFlags, mask: Mask = None, groups: Groups | None = None) -> Count:
    """Open cases past their deadline when the period ends."""
    return count(flags.overdue, mask, groups)


@overload
def within_grid_share(flags: PeriodFlags, mask: Mask = None, groups: None = None) -> float: ...
@overload
def within_grid_share(flags: PeriodFlags, mask: Mask, groups: Groups) -> np.ndarray: ...
def within_grid_share(flags: PeriodFlags, mask: Mask = None, groups: Groups | None = None) -> Rate:
    """小事不出网格: share of cases closed in the period that the grid handled (NaN when none known)."""
    return rate(count(flags.in_grid, mask, groups), count(flags.level_known, mask, groups))


@overload
def closed_before_reported(flags: PeriodFlags, mask: Mask = None, groups: None = None) -> int: ...
@overload
def closed_before_reported(flags: PeriodFlags, mask: Mask, groups: Groups) -> np.ndarray: ...
def closed_before_reported(flags: PeriodFlags, mask: Mask = None, groups: Groups | None = None) -> Count:
    """Cases reported in the period whose closing time is before their report time (a data error)."""
    return count(flags.bad_close & flags.reported, mask, groups)
