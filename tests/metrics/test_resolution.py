"""Resolution metrics on six hand-made cases with known answers.

Period: 03-01 to 03-08 (a week).   reported   due     closed    level
  A  closed on time                03-01      03-03   03-02     grid
  B  closed late                   03-02      03-04   03-06     community
  C  open, overdue at the end      03-03      03-05   —         —
  D  open, not yet due             03-06      03-20   —         —
  E  closed before it was reported 03-04      03-06   02-01     grid      (a data error)
  F  reported earlier, due now     02-20      03-02   02-28     street    (closed before the period)
"""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.metrics import resolution as r
from analysis.metrics.lifecycle import LEVELS, RATINGS, STATES, lifecycle_columns
from analysis.metrics.periods import Period
from analysis.settings import DEFAULTS

PERIOD = Period(pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-08"))


def ts(text):
    return pd.NaT if text is None else pd.Timestamp(f"2026-{text}")


def cases() -> pd.DataFrame:
    rows = [("A", "03-01", "03-03", "03-02", "grid", "G1"), ("B", "03-02", "03-04", "03-06", "community", "G1"),
            ("C", "03-03", "03-05", None, "", "G2"), ("D", "03-06", "03-20", None, "", "G2"),
            ("E", "03-04", "03-06", "02-01", "grid", "G2"), ("F", "02-20", "03-02", "02-28", "street", "G1")]
    frame = pd.DataFrame({"incident_id": [x[0] for x in rows], "reported_at": [ts(x[1]) for x in rows],
                          "due_at": [ts(x[2]) for x in rows], "closed_at": [ts(x[3]) for x in rows],
                          "handled_level": [x[4] for x in rows],
                          "grid_id": pd.Categorical([x[5] for x in rows], categories=["G1", "G2", "G3"])})
    return lifecycle_columns(frame, DEFAULTS.model_dump())[0]      # no status column: the times decide


@pytest.fixture
def flags():
    return r.period_flags(cases(), PERIOD)


def test_counts_and_rates(flags):
    assert r.reported_count(flags) == 5                       # F was reported before the period
    assert r.due_count(flags) == 5                            # A B C E F are due in the period, D is not
    assert r.closure_rate(flags) == pytest.approx(4 / 5)      # A B E F closed before the end
    assert r.on_time_closure_rate(flags) == pytest.approx(2 / 5)   # A and F; E's closing time is wrong
    assert r.open_backlog(flags) == 2 and r.overdue_open(flags) == 1   # C and D open; C overdue


def test_durations_leave_out_bad_closings(flags):
    # closed in the period: A (1 day), B (4 days); E is a data error, F closed before the period
    assert r.closed_count(flags) == 2
    assert r.days_to_close(flags, 0.5) == pytest.approx(2.5)
    assert r.days_to_close(flags, 0.9) == pytest.approx(1 + 0.9 * 3)
    assert r.closed_before_reported(flags) == 1


def test_within_grid_share_counts_known_levels_of_cases_closed_in_the_period(flags):
    assert r.within_grid_share(flags) == pytest.approx(1 / 2)    # A (grid) and B (community)


def test_grouped_metrics_per_grid(flags):
    frame = cases()
    groups = r.Groups.of(frame["grid_id"])
    assert list(r.reported_count(flags, groups=groups)) == [2, 3, 0]
    rates = r.closure_rate(flags, groups=groups)
    assert rates[0] == pytest.approx(1.0) and rates[1] == pytest.approx(1 / 2) and np.isnan(rates[2])
    medians = r.days_to_close(flags, 0.5, groups=groups)
    assert medians[0] == pytest.approx(2.5) and np.isnan(medians[1]) and np.isnan(medians[2])


def test_mask_restricts_every_metric(flags):
    only_b = (cases()["incident_id"] == "B").to_numpy()
    assert r.closure_rate(flags, only_b) == 1.0 and r.on_time_closure_rate(flags, only_b) == 0.0


def test_reported_basis_uses_cases_reported_in_the_period():
    flags = r.period_flags(cases(), PERIOD, basis="reported")
    assert r.due_count(flags) == 5 and r.closure_rate(flags) == pytest.approx(3 / 5)   # A B E of A B C D E
    with pytest.raises(ValueError, match="rate_basis"):
        r.period_flags(cases(), PERIOD, basis="closed")


def test_an_empty_period_gives_nan_rates_not_zero():
    empty = r.period_flags(cases(), Period(pd.Timestamp("2027-01-01"), pd.Timestamp("2027-01-08")))
    assert np.isnan(r.closure_rate(empty)) and np.isnan(r.on_time_closure_rate(empty))
    assert np.isnan(r.days_to_close(empty)) and np.isnan(r.within_grid_share(empty))
    assert r.reported_count(empty) == 0 and r.open_backlog(empty) == 2   # C and D are still open then


_DAY = st.one_of(st.none(), st.integers(-20, 20))   # a time in days from the period's start, or none


@st.composite
def _histories(draw: st.DrawFn) -> pd.DataFrame:
    """Any mix of cases, consistent or not: times around the period in any order, any state, rating, level."""
    n = draw(st.integers(0, 30))
    def times() -> list:
        return [pd.NaT if d is None else PERIOD.start + pd.Timedelta(days=d, hours=h)
                for d, h in zip(draw(st.lists(_DAY, min_size=n, max_size=n)),
                                draw(st.lists(st.integers(0, 23), min_size=n, max_size=n)))]
    def chosen(values: tuple[str, ...]) -> pd.Categorical:
        return pd.Categorical(draw(st.lists(st.sampled_from(values), min_size=n, max_size=n)), categories=values)
    flags = lambda: draw(st.lists(st.booleans(), min_size=n, max_size=n))   # noqa: E731
    return pd.DataFrame({"reported_at": times(), "due_at": times(), "disposed_at": times(), "closed_at": times(),
                         "state": chosen(STATES), "closed_no_time": flags(), "extended": flags(),
                         "rework": draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)),
                         "rating": chosen(("", *RATINGS)), "handled_level": chosen(("", *LEVELS))}
                        ).astype({c: "datetime64[s]" for c in ("reported_at", "due_at", "disposed_at", "closed_at")})


FIGURES = (r.reported_count, r.due_count, r.closure_rate, r.on_time_closure_rate, r.disposal_rate,
           r.on_time_disposal_rate, r.rework_rate, r.extension_rate, r.satisfaction_rate, r.closed_count,
           r.open_backlog, r.overdue_open, r.within_grid_share, r.closed_before_reported)


@given(_histories(), st.sampled_from(r.BASES), st.booleans(), st.sampled_from(r.REWORK_BASES), st.data())
@settings(max_examples=300, deadline=None)
def test_facts_on_the_periods_candidates_equal_the_facts_of_every_row(frame, basis, deferred_in_due, rework_basis,
                                                                      data):
    got = r.period_flags(frame, PERIOD, basis, deferred_in_due, rework_basis)
    want = r.row_facts(frame, PERIOD, basis, deferred_in_due, rework_basis)
    for name in r.FACT_NAMES:
        np.testing.assert_array_equal(got.full(name), want.full(name), err_msg=name)
    n = len(frame)
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    codes = np.array(data.draw(st.lists(st.integers(-1, 2), min_size=n, max_size=n)), dtype=np.int64)
    groups = r.Groups(codes, np.array(["a", "b", "c"], dtype=object))
    for scope in (None, mask, np.ones(n, dtype=bool)):   # every figure the same from the candidates' facts as from every row's
        for by in (None, groups):
            for figure in FIGURES:
                np.testing.assert_array_equal(figure(got, scope, by), figure(want, scope, by), err_msg=figure.__name__)
            for q in (0.5, 0.9):
                np.testing.assert_array_equal(r.days_to_close(got, q, scope, by), r.days_to_close(want, q, scope, by))


def test_a_long_history_keeps_the_facts_of_the_periods_candidates_alone():
    frame = cases()
    old = frame.iloc[[5] * 20].assign(reported_at=ts("01-02"), due_at=ts("01-05"), closed_at=ts("01-04"))
    history = pd.concat([old, frame], ignore_index=True)           # 20 cases closed in January, then A to F
    flags = r.period_flags(history, PERIOD)
    assert list(flags.rows) == [20, 21, 22, 23, 24, 25] and flags.size == 26 and len(flags.reported) == 6
    assert flags.nbytes < r.row_facts(history, PERIOD).nbytes
    assert list(np.flatnonzero(flags.full("backlog"))) == [22, 23]            # C and D open at the end
    in_january = np.zeros(26, dtype=bool)
    in_january[:21] = True                                                      # the old cases and A
    assert r.reported_count(flags, in_january) == 1 and r.due_count(flags) == 5


def test_reported_cases_keep_the_deferred_ones_when_the_rate_is_on_reported_cases():
    frame = cases()
    frame["state"] = frame["state"].cat.set_categories(STATES)
    frame.loc[frame.index[0], "state"] = "deferred"                         # A: reported 03-01, deferred
    flags = r.period_flags(frame, PERIOD, basis="reported")
    assert flags.reported[0] and not flags.due[0]


def test_a_periods_cases_are_those_whose_spans_meet_it():
    """A to F all concern the week (F is due in it); a case closed in January does not; one reported after the week
    but due before it (a typing error) gets through the spans' test with no fact true; an open case of last year
    and one without a report time, open, always concern it."""
    frame = cases()
    extra = frame.iloc[[5] * 4].assign(reported_at=[ts("01-02"), ts("03-10"), pd.Timestamp("2025-06-01"), pd.NaT],
                                       due_at=[ts("01-05"), ts("02-01"), pd.Timestamp("2025-06-05"), pd.NaT],
                                       closed_at=[ts("01-04"), ts("03-11"), pd.NaT, pd.NaT])
    history = pd.concat([frame, extra], ignore_index=True)
    spans = r.case_spans(history)
    assert spans.first.dtype == np.int32 and spans.meet(PERIOD).tolist() == [True] * 6 + [False, True, True, True]
    every = r.row_facts(history, PERIOD)
    assert not any(every.full(name)[7] for name in r.FACT_NAMES if name != "days_to_close")
    assert np.isnan(every.full("days_to_close")[7])
    assert r.period_flags(history, PERIOD, spans=spans).full("backlog").tolist() == every.full("backlog").tolist()


@given(st.integers(-86400, 86400), st.integers(1, 8 * 86400), st.sampled_from(r.BASES), st.data())
@settings(max_examples=400, deadline=None)
def test_no_case_with_a_fact_in_a_period_is_outside_the_spans_to_the_second(start_s, length_s, basis, data):
    """Times and period bounds at any second, times often within seconds of a bound (the spans are whole minutes,
    rounded outward): every case with some fact of the period true has a span meeting it."""
    origin = pd.Timestamp("2026-03-01")
    end_s = start_s + length_s
    second = st.one_of(st.none(), st.integers(start_s - 150, start_s + 150), st.integers(end_s - 150, end_s + 150),
                       st.integers(start_s - 5 * 86400, end_s + 5 * 86400))
    times = data.draw(st.lists(st.tuples(second, second, second, second), max_size=25))
    at = lambda s: pd.NaT if s is None else origin + pd.Timedelta(seconds=s)   # noqa: E731
    frame = cases().iloc[[0] * len(times)].reset_index(drop=True).assign(
        **{c: pd.Series([at(t[i]) for t in times], dtype="datetime64[s]")
           for i, c in enumerate(("reported_at", "due_at", "disposed_at", "closed_at"))})
    period = Period(at(start_s), at(end_s))
    facts = r.row_facts(frame, period, basis)
    some = np.zeros(len(frame), dtype=bool)
    for name in r.FACT_NAMES:
        some |= ~np.isnan(facts.full(name)) if name == "days_to_close" else facts.full(name)
    assert not (some & ~r.case_spans(frame).meet(period)).any()


@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.integers(-1, 3)), max_size=40))
def test_a_count_per_group_counts_the_flagged_incidents_of_each_group(rows):
    """Within the mask, the flagged incidents of each group, those in no group (-1) in none: the plain count."""
    flag, mask = (np.array([r[i] for r in rows], dtype=bool) for i in (0, 1))
    codes = np.array([r[2] for r in rows], dtype=np.int16)
    groups = r.Groups(codes, np.array(["a", "b", "c", "d"], dtype=object))
    want = [int(((codes == g) & flag & mask).sum()) for g in range(4)]
    got = r.count(flag, mask, groups)
    assert got.tolist() == want and got.dtype == np.int64
    assert r.count(flag, None, groups).tolist() == [int(((codes == g) & flag).sum()) for g in range(4)]
