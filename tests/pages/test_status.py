"""AppTest of the status page (数据概况): the store's counts, and an empty store."""
from tests.pages.apptest import figure_cards, metric, page


def test_status_page_shows_the_stores_counts(demo_store, monkeypatch):
    at = page("pages/status.py", demo_store, monkeypatch)
    assert at.title[0].value == "数据概况"
    assert metric(at, "事件数") == f"{demo_store.count_incidents():,}"
    assert metric(at, "网格数") == "60"
    assert metric(at, "待核查") == f"{len(demo_store.review_queue()):,}"
    methods = at.dataframe[0].value
    assert methods.iloc[:, 1].sum() == demo_store.count_incidents()
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert at.title[0].value == "What is in the store"
    assert metric(at, "Incidents") == f"{demo_store.count_incidents():,}"
    assert "By coordinates" in set(at.dataframe[0].value.iloc[:, 0])


def test_status_page_on_an_empty_store_says_what_to_do(empty_store, monkeypatch):
    at = page("pages/status.py", empty_store, monkeypatch)
    assert "数据库中还没有数据" in at.info[0].value and not figure_cards(at)
