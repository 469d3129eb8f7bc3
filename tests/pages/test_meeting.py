"""AppTest of the weekly meeting page (周例会): every step in turn, the decisions kept with the week, a handout."""
from analysis.metrics import load_dataset
from analysis.report import STEPS, last_full_week, meeting, week_label, week_of
from analysis.settings import load_settings
from analysis.store import week_notes
from tests.pages.apptest import figure_cards, page


def test_the_meeting_steps_through_every_step_and_keeps_its_decisions(demo_store, monkeypatch):
    at = page("pages/meeting.py", demo_store, monkeypatch)
    assert at.title[0].value == "周例会"
    ds = load_dataset(demo_store)
    week = last_full_week(ds.anchor)
    expected = meeting(ds, week, load_settings())
    assert at.selectbox(key="mt_week").value == week.start
    first = week_of(ds.incidents["reported_at"].min()).start            # every week back to the first report
    assert len(at.selectbox(key="mt_week").options) == (week.start - first).days // 7 + 1
    cards = figure_cards(at)
    reported = next(k for k in expected.kpis if k.key == "reported")
    assert cards["上报事件"][0] == f"{reported.value:,.0f}"
    headers = []
    for number, step in enumerate(STEPS):
        assert at.session_state["mt_step"] == number
        assert at.header[0].value.startswith(f"{number + 1}. ")
        headers.append(at.header[0].value)
        if step == "overdue":
            table = at.dataframe[0].value
            assert len(table) == min(15, len(expected.overdue))
            assert table["联系电话"].str.match(r"^(\d{3}\*{4}\d{4})?$").all()      # phones masked
        if step == "discuss":
            assert set(at.dataframe[0].value["网格"]) == set(expected.discuss["name"].head(15))
        at.button(key="mt_forward").click().run()
        assert not at.exception, at.exception
    assert at.session_state["mt_step"] == len(STEPS) - 1            # the last step stays the last
    assert len(set(headers)) == len(STEPS)
    key = f"mt_notes_{week_label(week)}"
    at.text_area(key=key).input("决定：天心阁第4网格增派一名网格员").run()
    at.button(key="mt_save").click().run()
    assert week_notes(demo_store, week_label(week)) == "决定：天心阁第4网格增派一名网格员"
    assert any("已保存" in s.value for s in at.success)
    at.button(key="mt_back").click().run()
    assert at.session_state["mt_step"] == len(STEPS) - 2
    at.selectbox(key="mt_step").set_value(0).run()
    assert at.header[0].value.startswith("1. ")


def test_the_handout_is_made_in_the_chosen_format(demo_store, monkeypatch):
    at = page("pages/meeting.py", demo_store, monkeypatch)
    at.radio(key="mt_fmt").set_value("html").run()
    at.button(key="mt_make").click().run()
    assert not at.exception, at.exception
    made = at.session_state["mt_file"]
    assert made[1].endswith("-zh.html") and b"<h1>" in made[2] and "网格治理周例会".encode() in made[2]
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert at.title[0].value == "Weekly review"
