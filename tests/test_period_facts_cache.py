"""The server keeps periods' facts (:func:`ui.loaders.flags`) within a budget of bytes, most recently used kept,
shared by every session; facts larger than the budget are worked out each time and never kept."""
import threading
import time

import numpy as np
import pandas as pd
import pytest
import streamlit as st

from analysis.metrics.periods import Period
from analysis.metrics.resolution import settings_flags
from analysis.settings import load_settings
from ui import loaders


@pytest.fixture
def street(demo_store, monkeypatch):
    """The demo street as a page sees it (revision, current version) and a count of the facts worked out."""
    monkeypatch.setenv("GRIDLENS_DB", demo_store.url)
    st.cache_resource.clear()
    st.cache_data.clear()
    worked_out = []
    def counted(*args, **kwargs):
        worked_out.append(args[1])
        time.sleep(0.2)                     # long enough for sessions asking at once to overlap
        return real(*args, **kwargs)
    real = loaders.settings_flags
    monkeypatch.setattr(loaders, "settings_flags", counted)
    rev = loaders.revision()
    versions = loaders.versions(rev)
    version = int(versions.loc[versions["is_current"].astype(bool), "version_id"].iloc[0])
    yield rev, version, worked_out, len(loaders.dataset(rev, version).incidents)
    st.cache_resource.clear()


def _weeks(count: int) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    monday = pd.Timestamp("2026-11-02")
    return [(monday - pd.Timedelta(weeks=k), monday - pd.Timedelta(weeks=k - 1)) for k in range(count)]


def _sizes(rev: str, version: int, weeks: list[tuple[pd.Timestamp, pd.Timestamp]]) -> list[int]:
    """The bytes of each week's facts, worked out outside the server's store."""
    incidents = loaders.dataset(rev, version).incidents
    return [settings_flags(incidents, Period(*week), load_settings()).nbytes for week in weeks]


def test_a_weeks_facts_hold_34_bytes_per_incident_it_concerns(street):
    rev, version, _, rows = street
    facts = loaders.flags(rev, version, *_weeks(1)[0])
    assert facts.rows is not None and len(facts.rows) < rows / 4         # a week of a year concerns few incidents
    assert facts.nbytes == 34 * len(facts.rows) and facts.size == rows


def test_the_least_recently_used_period_leaves_when_a_third_does_not_fit(street, monkeypatch):
    rev, version, worked_out, _ = street
    sizes = _sizes(rev, version, _weeks(3))
    monkeypatch.setenv("GRIDLENS_FLAGS_MB", str((sum(sizes) - min(sizes) / 2) / 2**20))   # room for two, not three
    st.cache_resource.clear()
    first, second, third = _weeks(3)
    kept = loaders.flags(rev, version, *first)
    assert loaders.flags(rev, version, *first) is kept and len(worked_out) == 1    # shared, not worked out again
    before = loaders.flags(rev, version, *second)
    loaders.flags(rev, version, *first)                                            # the first used last: kept
    loaders.flags(rev, version, *third)                                            # the second leaves
    assert len(worked_out) == 3
    assert loaders.flags(rev, version, *first) is kept and len(worked_out) == 3
    again = loaders.flags(rev, version, *second)
    assert len(worked_out) == 4 and [p.start for p in worked_out] == [first[0], second[0], third[0], second[0]]
    assert again is not before and np.array_equal(again.full("reported"), before.full("reported")) and again.reported.any()


def test_facts_larger_than_the_budget_are_worked_out_each_time(street, monkeypatch):
    rev, version, worked_out, _ = street
    monkeypatch.setenv("GRIDLENS_FLAGS_MB", str(0.5 * _sizes(rev, version, _weeks(1))[0] / 2**20))
    st.cache_resource.clear()
    week = _weeks(1)[0]
    first, second = loaders.flags(rev, version, *week), loaders.flags(rev, version, *week)
    assert first is not second and len(worked_out) == 2
    assert np.array_equal(first.closed, second.closed) and first.reported.sum() > 0


def test_sessions_asking_for_a_period_at_once_wait_for_one_computation(street):
    rev, version, worked_out, _ = street
    week = _weeks(1)[0]
    got = []
    asking = [threading.Thread(target=lambda: got.append(loaders.flags(rev, version, *week))) for _ in range(4)]
    for thread in asking:
        thread.start()
    for thread in asking:
        thread.join()
    assert len(worked_out) == 1 and len(got) == 4 and all(facts is got[0] for facts in got)
