"""Meeting weeks: ISO weeks and dates, the last full week of the data."""
import pandas as pd
import pytest

from analysis.report import last_full_week, parse_week, week_label, week_of


def test_an_iso_week_and_a_date_inside_it_name_the_same_monday_to_sunday():
    week = parse_week("2026-W47")
    assert (week.start, week.end) == (pd.Timestamp("2026-11-16"), pd.Timestamp("2026-11-23"))
    assert parse_week("2026-11-22") == week == parse_week("2026w47") == week_of("2026-11-16 08:00")
    assert week_label(week) == "2026-W47"


def test_weeks_across_the_turn_of_the_year_keep_their_iso_year():
    assert week_label(week_of("2027-01-01")) == "2026-W53"
    assert parse_week("2026-W53").start == pd.Timestamp("2026-12-28")
    assert week_label(week_of("2025-12-29")) == "2026-W01"


@pytest.mark.parametrize("text", ["2026-W99", "2025-W53", "next week", ""])
def test_a_week_that_does_not_exist_is_refused_with_its_text(text):
    with pytest.raises(ValueError, match="week|date"):
        parse_week(text)


def test_the_last_full_week_ends_on_or_before_the_anchor_day():
    assert last_full_week(pd.Timestamp("2026-11-22 10:00")).start == pd.Timestamp("2026-11-16")   # a Sunday
    assert last_full_week(pd.Timestamp("2026-11-25 10:00")).start == pd.Timestamp("2026-11-16")   # a Wednesday
    assert last_full_week(pd.Timestamp("2026-11-23 00:00")).start == pd.Timestamp("2026-11-16")   # a Monday
