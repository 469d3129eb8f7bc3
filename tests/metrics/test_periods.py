"""Period presets anchored on a known day, and the weeks a trend shows."""
import pandas as pd
import pytest

from analysis.metrics.periods import Period, period_for, week_starts

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
