"""Meeting weeks: ISO weeks, Monday 00:00 to the next Monday 00:00 (local time).

``2026-W47`` is the week of Monday 16 to Sunday 22 November 2026; a date names the week it falls in.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from analysis.metrics.periods import Period

WEEK_TEXT = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.I)


def week_label(period: Period) -> str:
    """The ISO label of the week starting at ``period.start`` ('2026-W47')."""
    year, week, _ = period.start.isocalendar()
    return f"{year}-W{week:02d}"


def week_of(day: pd.Timestamp | dt.date | str) -> Period:
    """The Monday-to-Sunday week that contains ``day``."""
    start = pd.Timestamp(day).normalize()
    start -= pd.Timedelta(days=start.day_of_week)
    return Period(start, start + pd.Timedelta(days=7))


def parse_week(text: str) -> Period:
    """The week named by ``text``: an ISO week ('2026-W47', '2026W47') or a date inside it ('2026-11-18').

    Raises
    ------
    ValueError
        Neither an ISO week that exists nor a date.
    """
    found = WEEK_TEXT.match(text)
    if found:
        year, week = int(found.group(1)), int(found.group(2))
        try:
            return week_of(dt.date.fromisocalendar(year, week, 1))
        except ValueError as err:
            raise ValueError(f"{text!r}: {year} has no week {week}") from err
    try:
        day = pd.Timestamp(text.strip())
    except (ValueError, TypeError) as err:
        raise ValueError(f"{text!r} is neither a week like 2026-W47 nor a date like 2026-11-18") from err
    if pd.isna(day):
        raise ValueError(f"{text!r} is neither a week like 2026-W47 nor a date like 2026-11-18")
    return week_of(day)


def last_full_week(anchor: pd.Timestamp | None) -> Period:
    """The last whole Monday-to-Sunday week up to the anchor day (the anchor's own week when it is a Sunday);
    with no anchor, the last whole week before today."""
    day = pd.Timestamp(anchor if anchor is not None else pd.Timestamp.now()).normalize()
    week = week_of(day)
    return week if day.day_of_week == 6 else week.previous()
