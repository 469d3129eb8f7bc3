"""Reporting periods: the presets the filters offer, and the period before of equal length.

A period is half-open, ``[start, end)``, in local time (the exports' own clock). Presets are
anchored on a day, normally the day of the latest report in the store (so a store that was last
filled a week ago still shows its last full week, not an empty one):

=============  =====================================================================
``week``       this week: Monday of the anchor's week up to the end of the anchor day
``4weeks``     the last 28 days, ending with the anchor day
``month``      this month: the 1st of the anchor's month up to the end of the anchor day
``custom``     the days ``first`` to ``last`` inclusive
=============  =====================================================================
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

PRESETS = ("week", "4weeks", "month", "custom")
DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """``[start, end)``: a span of whole days."""

    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def days(self) -> int:
        """Length in days."""
        return int((self.end - self.start) / DAY)

    def previous(self) -> Period:
        """The period of equal length that ends where this one starts."""
        return Period(self.start - (self.end - self.start), self.start)

    def last_day(self) -> pd.Timestamp:
        """The last day inside the period (midnight)."""
        return self.end - DAY


def period_for(preset: str, anchor: pd.Timestamp, first: str | dt.date | None = None,
               last: str | dt.date | None = None) -> Period:
    """The period a preset names, anchored on the day ``anchor``.

    Parameters
    ----------
    preset : str
        One of ``PRESETS``.
    anchor : pandas.Timestamp
        Any time on the anchor day.
    first, last : date-like, optional
        The custom range's first and last day (inclusive); required for ``custom``.

    Raises
    ------
    ValueError
        Unknown preset, a custom range without both days, or ``last`` before ``first``.
    """
    day = pd.Timestamp(anchor).normalize()
    end = day + DAY
    if preset == "week":
        return Period(day - pd.Timedelta(days=day.day_of_week), end)
    if preset == "4weeks":
        return Period(end - pd.Timedelta(days=28), end)
    if preset == "month":
        return Period(day.replace(day=1), end)
    if preset == "custom":
        if first is None or last is None:
            raise ValueError("a custom period needs its first and last day")
        start, stop = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize() + DAY
        if stop <= start:
            raise ValueError(f"the last day {last} is before the first day {first}")
        return Period(start, stop)
    raise ValueError(f"unknown period {preset!r}; one of {PRESETS}")


def week_starts(period: Period, min_weeks: int) -> pd.DatetimeIndex:
    """Mondays of the weeks a trend shows: the period's weeks, at least ``min_weeks`` of them.

    The last week is the one holding the period's last day; earlier weeks are added before the
    period when it spans fewer than ``min_weeks`` weeks.
    """
    last_monday = period.last_day() - pd.Timedelta(days=period.last_day().day_of_week)
    first_monday = period.start - pd.Timedelta(days=period.start.day_of_week)
    weeks = max(int((last_monday - first_monday) / pd.Timedelta(weeks=1)) + 1, min_weeks)
    return pd.date_range(end=last_monday, periods=weeks, freq="7D")


def in_weeks(reported: np.ndarray, weeks: pd.DatetimeIndex, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``among`` whose time (``reported``, datetime64[s]) falls in one of ``weeks`` (:func:`week_starts`:
    Mondays 7 days apart, ascending): their positions, and each one's week (its position in ``weeks``).

    week = (t − weeks[0]) // 7 days, for weeks[0] ≤ t < weeks[0] + 7 days × len(weeks); a row with no time is in none.
    """
    if ((weeks[1:] - weeks[:-1]) != pd.Timedelta(days=7)).any():
        raise ValueError("weeks must be Mondays 7 days apart, ascending")
    seconds = np.asarray(reported, dtype="datetime64[s]").view(np.int64)    # no time (NaT): the smallest int64
    if not len(weeks):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    first, step = int(np.datetime64(weeks[0], "s").astype(np.int64)), 7 * 86_400
    rows = np.flatnonzero(among & (seconds >= first) & (seconds < first + len(weeks) * step))
    return rows, (seconds[rows] - first) // step
