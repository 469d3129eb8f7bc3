"""Every page on every shape of data a street may have (tests/pages/shapes.py): no exception, no error
box, and where something cannot be shown the page says so."""
import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import page
from tests.pages.shapes import SHAPES, Shape
from ui.page import PAGES


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each shape's store, built once (its URL by shape name)."""
    out = {}
    for shape in SHAPES:
        out[shape.name] = shape.build(tmp_path_factory.mktemp(shape.name)).url
    return out


def _clean(at: AppTest) -> list[str]:
    """What went wrong on the page: exceptions and error boxes."""
    return [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)
@pytest.mark.parametrize("script", [p for p, _, _ in PAGES], ids=lambda p: p.removeprefix("pages/"))
def test_every_page_renders_every_shape(stores: dict[str, str], shape: Shape, script: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    class StoreUrl:
        url = stores[shape.name]
    at = page(script, StoreUrl, monkeypatch, check=False)   # type: ignore[arg-type]
    assert _clean(at) == [], f"{shape.name} on {script}"
    # a missing figure reads "—" in every table, not Streamlit's "None"
    assert {d.proto.placeholder for d in at.dataframe} <= {"—"}, f"{shape.name} on {script}"


# (shape, page) -> the note the page must show, in Chinese and in English
NOTES = {
    ("no_workers", "pages/workload.py"): "gap_workers",
    ("no_households", "pages/workload.py"): "gap_households",
    ("no_deadline", "pages/resolution.py"): "gap_deadlines",
    ("empty_closing_and_deadline", "pages/resolution.py"): "gap_closing_times",
    ("no_category", "pages/resolution.py"): "gap_categories",
    ("no_status_level_handler", "pages/resolution.py"): "gap_handlers",
    ("no_volunteers_or_services", "pages/coverage.py"): "gap_volunteers",
    ("no_buildings", "pages/redraw.py"): "gap_buildings",
    ("no_buildings", "pages/coverage.py"): "cov_sites_no_households",     # not "every household is covered"
    ("no_households", "pages/coverage.py"): "cov_sites_no_households",
    ("no_incidents", "pages/map.py"): "gap_incidents",
}


@pytest.mark.parametrize("shape_name, script", list(NOTES), ids=lambda v: str(v).removeprefix("pages/"))
def test_a_page_says_what_the_data_lacks(stores: dict[str, str], shape_name: str, script: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.labels import TEXT

    class StoreUrl:
        url = stores[shape_name]
    at = page(script, StoreUrl, monkeypatch)   # type: ignore[arg-type]
    zh, en = TEXT[NOTES[(shape_name, script)]]
    assert any(zh == i.value for i in at.info), [i.value for i in at.info]
    assert TEXT["cov_sites_none"][0] not in [s.value for s in at.success]    # nothing said that the data cannot tell
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert any(en == i.value for i in at.info), [i.value for i in at.info]
    full = stores["everything"]

    class Full:
        url = full
    assert not any(zh == i.value for i in page(script, Full, monkeypatch).info)   # only when it lacks it


@pytest.mark.parametrize("script", ["pages/overview.py", "pages/map.py", "pages/workload.py", "pages/resolution.py",
                                    "pages/coverage.py"], ids=lambda p: p.removeprefix("pages/"))
def test_a_period_with_nothing_in_it_renders(stores: dict[str, str], script: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Every incident outside the chosen period (a custom range years before the data)."""
    import streamlit as st

    from tests.conftest import ROOT
    from tests.pages.apptest import TIMEOUT
    monkeypatch.setenv("GRIDLENS_DB", stores["everything"])
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    for key, value in {"period": "custom", "first": "2001-01-01", "last": "2001-01-31"}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(script).run()
    assert _clean(at) == [] and at.sidebar.selectbox(key="f_period").value == "custom"
    assert "2001-01-01" in at.caption[0].value


@pytest.mark.parametrize("shape_name", ["no_buildings", "no_households"])
def test_the_suggestion_waits_for_households(stores: dict[str, str], shape_name: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Without households there is nothing to balance: the page says what to import and the button waits."""
    from ui.labels import TEXT

    class StoreUrl:
        url = stores[shape_name]
    at = page("pages/redraw.py", StoreUrl, monkeypatch)   # type: ignore[arg-type]
    assert at.button(key="rd_suggest_run").disabled
    assert TEXT["rd_no_households"][0] in [w.value for w in at.warning]

    class Full:
        url = stores["everything"]
    full = page("pages/redraw.py", Full, monkeypatch)   # type: ignore[arg-type]
    assert not full.button(key="rd_suggest_run").disabled
