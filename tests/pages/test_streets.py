"""AppTest of a database holding several streets: a district user picks the street in the sidebar and compares
streets on the district page; a street's user sees their street only, whatever the URL says, and no district
page; the laptop's one-street store shows neither."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analysis.access.users import add_user
from analysis.ingest.importer import import_boundaries, import_incidents
from analysis.metrics.dataset import load_dataset
from analysis.metrics.indicators import indicators
from analysis.metrics.periods import period_for
from analysis.settings import load_settings
from analysis.store.streets import add_street
from tests.fixtures import at, export, four_grids
from tests.pages.apptest import figure_cards, page

B = "430103008"
PASSWORD = "pass word 1"


@pytest.fixture
def two_streets(demo_store, tmp_path):
    """The demo street (code ``local``) and a small street B of four grids and three cases, in one database."""
    add_street(demo_store.engine, B, "城南路街道")
    b = demo_store.for_street(B)
    four_grids().to_file(tmp_path / "grids.geojson")
    import_boundaries(b, tmp_path / "grids.geojson", version_name="城南路现行")
    x, y = at(0.5, 0.5)
    import_incidents(b, export([(f"E{i}", "2026/3/1 8:00", "处置中", x, y, "", "") for i in range(3)]), "b.csv")
    return demo_store


def _sign_in(at: AppTest, name: str) -> AppTest:
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(PASSWORD)
    next(b for b in at.button if b.label == "登录").click().run()
    assert not at.exception, at.exception
    return at


def _links(at: AppTest) -> list[str]:
    return [link.proto.page for link in at.sidebar.get("page_link")]


def _incidents_card(at: AppTest) -> str:
    return figure_cards(at)["上报事件"][0]


def test_a_street_user_sees_their_street_only(two_streets, monkeypatch):
    monkeypatch.setenv("GRIDLENS_MULTIUSER", "1")
    add_user(two_streets, "城南查看员", "viewer", PASSWORD, street=B)
    add_user(two_streets, "区管理员", "admin", PASSWORD)
    at = _sign_in(page("pages/overview.py", two_streets, monkeypatch), "城南查看员")
    assert _incidents_card(at) == "3"
    assert any("查看者，街道 城南路街道" in c.value for c in at.sidebar.caption)     # the street by its name
    assert not [s for s in at.sidebar.selectbox if s.key == "street_select"] and "district" not in _links(at)
    at.query_params["street"] = "local"                    # a URL naming another street changes nothing
    at.run()
    assert _incidents_card(at) == "3"
    at.switch_page("pages/district.py").run()
    assert not at.exception and not at.dataframe
    assert any("没有可对比的街道" in i.value for i in at.info)
    at.switch_page("pages/status.py").run()
    assert figure_cards(at)["事件数"][0] == "3"


def test_a_district_user_switches_streets_and_compares_them(two_streets, monkeypatch):
    monkeypatch.setenv("GRIDLENS_MULTIUSER", "1")
    add_user(two_streets, "区管理员", "admin", PASSWORD)
    at = _sign_in(page("pages/overview.py", two_streets, monkeypatch), "区管理员")
    demo_count = _incidents_card(at)
    chooser = at.sidebar.selectbox(key="street_select")
    assert chooser.options == ["城南路街道（430103008）", "本街道（local）"] and chooser.value == "local"
    chooser.set_value(B).run()
    assert _incidents_card(at) == "3" and demo_count != "3"
    assert "district" in _links(at)
    at.switch_page("pages/district.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table["街道编码"].tolist() == [B, "local"]
    settings = load_settings()
    for code, shown in zip(table["街道编码"], table["事件数（件）"]):
        ds = load_dataset(two_streets.for_street(code))
        anchor = max(load_dataset(two_streets.for_street(c)).anchor for c in ("local", B))
        assert shown == indicators(ds, period_for("4weeks", anchor), settings)["street"]["reported"]
    assert not at.error and at.get("component_instance")        # the map of the streets (st_folium)


def test_a_laptop_with_one_street_shows_no_street_choice_nor_district_page(demo_store, monkeypatch):
    monkeypatch.delenv("GRIDLENS_MULTIUSER", raising=False)
    at = page("pages/overview.py", demo_store, monkeypatch)
    assert not [s for s in at.sidebar.selectbox if s.key == "street_select"]
    assert "district" not in _links(at)
