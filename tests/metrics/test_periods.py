"""Period presets anchored on a known day, and the weeks a trend shows."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.metrics.periods import Period, in_weeks, period_for, week_starts

WEDNESDAY = pd.Timestamp("2026-11-11 15:30")


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


@pytest.mark.parametrize("preset, start, end", [
    ("week", "2026-11-09", "2026-11-12"),     # Monday to the end of the anchor day
    ("4weeks", "2026-10-15", "2026-11-12"),   # 28 days ending with the anchor day
    ("month", "2026-11-01", "2026-11-12"),
])
def test_presets(preset, start, end):
    assert period_for(preset, WEDNESDAY) == Period(day(start), day(end))


def test_custom_range_is_inclusive_and_checked():
    assert period_for("custom", WEDNESDAY, "2026-03-01", "2026-03-31") == Period(day("2026-03-01"), day("2026-04-01"))
    with pytest.raises(ValueError, match="before"):
        period_for("custom", WEDNESDAY, "2026-03-31", "2026-03-01")
    with pytest.raises(ValueError, match="first and last"):
        period_for("custom", WEDNESDAY)
    with pytest.raises(ValueError, match="unknown period"):
        period_for("year", WEDNESDAY)


def test_previous_period_has_equal_length_and_touches():
    p = period_for("week", WEDNESDAY)
    q = p.previous()
    assert q == Period(day("2026-11-06"), day("2026-11-09")) and q.days == p.days == 3


def test_week_starts_cover_at_least_the_minimum():
    weeks = week_starts(period_for("week", WEDNESDAY), 4)
    assert list(weeks) == [day("2026-10-19"), day("2026-10-26"), day("2026-11-02"), day("2026-11-09")]
    long = Period(day("2026-01-01"), day("2026-04-01"))           # 13 weeks of Mondays, more than the minimum
    assert len(week_starts(long, 4)) == 14 and week_starts(long, 4)[0] == day("2025-12-29")


MONDAYS = pd.date_range("2026-03-02", periods=4, freq="7D")


EDGES_S = [k * 7 * 86_400 + d for k in range(5) for d in (-1, 0, 1)]        # seconds from a Monday's midnight


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(EDGES_S), st.integers(-86_400 * 3, 86_400 * 31)), max_size=30),
       st.integers(0, 4),
       st.data())
def test_each_time_falls_in_the_week_that_holds_it(offsets, weeks_shown, data):
    """Times within seconds of every Monday's midnight, none, or far outside: each row of ``among`` is in the week
    that holds it and in no week when none does."""
    weeks = MONDAYS[:weeks_shown]
    times = np.array([np.datetime64("NaT", "s") if o is None else np.datetime64("2026-03-02T00:00:00") + o
                      for o in offsets], dtype="datetime64[s]")
    among = np.array(data.draw(st.lists(st.booleans(), min_size=len(times), max_size=len(times))), dtype=bool)
    rows, week = in_weeks(times, weeks, among)
    expected = [(i, k) for i, t in enumerate(times) for k, monday in enumerate(weeks)
                if among[i] and not np.isnat(t) and monday <= pd.Timestamp(t) < monday + pd.Timedelta(days=7)]
    assert list(zip(rows.tolist(), week.tolist())) == expected


def test_weeks_must_follow_each_other():
    with pytest.raises(ValueError):
        in_weeks(np.array([], dtype="datetime64[s]"), MONDAYS[[0, 2]], np.array([], dtype=bool))
