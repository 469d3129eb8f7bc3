"""The meeting's steps on the small street (known answers) and its words in both languages."""
import numpy as np
import pandas as pd
import pytest

from analysis.metrics import Filters, kpis
from analysis.metrics import resolution as r
from analysis.report import STEPS, last_full_week, meeting
from analysis.report.sections import section
from analysis.settings import load_settings
from tests.fixtures import small_dataset


@pytest.fixture(scope="module")
def small():
    ds = small_dataset()
    settings = {**load_settings(), "min_cases_for_rate": 1}          # the little street has 1 or 2 cases a grid
    return ds, meeting(ds, last_full_week(ds.anchor), settings, notes="张三跟进乙社区", last_notes="")


def test_the_week_is_the_last_full_one_and_its_figures_are_the_overviews(small):
    ds, m = small
    assert m.label == "2026-W10" and m.week.start == pd.Timestamp("2026-03-02")
    settings = load_settings()
    flags = r.settings_flags(ds.incidents, m.week, settings)
    same = kpis(ds, Filters(), flags, r.settings_flags(ds.incidents, m.week.previous(), settings))
    np.testing.assert_equal([(k.key, k.value, k.previous) for k in m.kpis], [(k.key, k.value, k.previous) for k in same])
    by_key = {k.key: k for k in m.kpis}
    assert by_key["reported"].value == 6 and by_key["reported"].previous == 1
    assert by_key["overdue"].value == 1
    assert m.four_weeks_back["reported"] == 0


def test_the_grids_to_discuss_come_with_their_reasons(small):
    _, m = small
    load = m.discuss[m.discuss["list"] == "load"]
    assert load["grid_id"].to_list() == ["G4", "G1", "G3", "G2"]           # 1.0, 0.5 (2 reports), 0.5, 0.33
    assert load["load_ratio"].iloc[0] == pytest.approx(2.0)                 # 1.0 against the street's 0.5
    assert m.discuss.loc[m.discuss["list"] == "overdue", "grid_id"].to_list() == ["G3"]
    words = section(m, "discuss", "zh", look=None).table
    assert words["原因"].iloc[0] == "每百户上报 1.0 件（1 件），为全街道的 2.0 倍"
    english = section(m, "discuss", "en", look=None).table
    assert english["Reason"].iloc[4] == "1 overdue open cases, backlog 1"


def test_overdue_cases_are_listed_oldest_first_with_masked_phones(small):
    _, m = small
    assert m.overdue["incident_id"].to_list() == ["I3"]
    assert m.overdue["days_overdue"].iloc[0] == 4.0 and m.overdue["reporter_phone"].iloc[0] == "159****1111"
    table = section(m, "overdue", "zh", look=None).table
    assert table["责任人"].iloc[0] == "未明确" and "13812341234" not in table.to_csv()


def test_levels_volunteers_and_notes(small):
    _, m = small
    levels = m.levels.set_index("level")["closed"]
    assert (levels["grid"], levels["community"]) == (2, 1)
    assert section(m, "levels", "zh", look=None).lines == ["本周办结 3 件，其中网格内办结 66.7%。"]
    v = m.volunteers
    assert (v["services"], v["hours"], v["services_before"], v["hours_before"]) == (2, 3.0, 1, 3.0)
    assert set(m.no_volunteer["grid_id"]) == {"G2", "G4"}        # V1 lives in G1 (its point), V2 in G3
    notes = section(m, "decisions", "en", look=None).notes
    assert notes == [("This week's decisions", "张三跟进乙社区"), ("Last week's decisions", "(none recorded)")]


def test_every_step_has_a_section_in_both_languages_with_pictures(small):
    _, m = small
    for lang in ("zh", "en"):
        sections = [section(m, step, lang) for step in STEPS]
        assert [s.step for s in sections] == list(STEPS)
        assert len({s.title for s in sections}) == len(STEPS)
        for s in sections:
            assert all(p.startswith(b"\x89PNG") for p in s.pictures)
        assert sections[0].pictures and sections[3].pictures                # the trend; the hotspot map


def test_a_week_without_any_case_still_has_every_step():
    ds = small_dataset(lambda i: i.iloc[0:0])
    m = meeting(ds, last_full_week(pd.Timestamp("2026-03-08")), load_settings())
    assert m.discuss.empty and m.overdue.empty and np.isnan(m.kpis[1].value)
    words = [section(m, step, "zh").lines for step in STEPS]
    assert words[2] == ["本周末没有超期未办结的事件。"] and words[4] == ["本周没有办结的事件。"]


def test_a_grid_with_a_handful_of_reports_is_not_ranked_for_load():
    ds = small_dataset()
    m = meeting(ds, last_full_week(ds.anchor), load_settings())              # min_cases_for_rate = 5
    assert "load" not in set(m.discuss["list"]) and m.discuss["grid_id"].to_list() == ["G3"]
