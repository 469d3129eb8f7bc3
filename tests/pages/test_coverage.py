"""AppTest of the volunteer page (志愿者): the walking radius changes the coverage."""
from tests.pages.apptest import metric, page


def test_volunteer_page_radius_changes_coverage(demo_store, monkeypatch):
    at = page("pages/coverage.py", demo_store, monkeypatch)
    assert at.title[0].value == "志愿者"
    wide = float(metric(at, "全街道覆盖住户").rstrip("%"))
    at.slider(key="cov_radius").set_value(100).run()
    assert not at.exception
    narrow = float(metric(at, "全街道覆盖住户").rstrip("%"))
    assert narrow < wide
    sites = at.dataframe[0].value
    assert len(sites) == 10 and sites["新增覆盖（户）"].is_monotonic_decreasing
