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


def test_micro_wishes_collected_and_fulfilled(tmp_path, monkeypatch):
    """A street whose QR platform also collects 微心愿: the volunteer page counts them per grid."""
    from analysis.ingest.importer import import_boundaries, import_incidents
    from analysis.store.database import Store
    from tests.fixtures import at, four_grids
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    four_grids().to_file(tmp_path / "g.geojson")
    import_boundaries(store, tmp_path / "g.geojson")
    (x1, y1), (x2, y2) = at(0.5, 0.5), at(1.5, 1.5)
    rows = ["事件编号,上报时间,事件大类,事件名称,经度,纬度,结案时间",
            f"W1,2026/3/2 9:00,微心愿,轮椅一台,{x1},{y1},2026/3/3 8:00",
            f"W2,2026/3/3 9:00,微心愿,陪老人看病,{x1},{y1},",
            f"E1,2026/3/3 9:00,市容环境,垃圾,{x2},{y2},"]
    import_incidents(store, "\n".join(rows).encode(), "qr.csv")
    app = page("pages/coverage.py", store, monkeypatch)
    assert app.subheader[-1].value == "微心愿"
    table = app.dataframe[-1].value
    assert table[["本期收集", "已实现", "待实现（期末）"]].values.tolist() == [[2, 1, 1]]


def test_the_micro_grid_level_shows_volunteers_and_coverage_per_micro_grid(demo_store, monkeypatch):
    from analysis.metrics import load_dataset
    from analysis.metrics.coverage import micro_coverage_table
    from analysis.settings import load_settings
    at = page("pages/coverage.py", demo_store, monkeypatch)
    at.segmented_control(key="cov_level").set_value("micro").run()
    assert not at.exception
    table = [d.value for d in at.dataframe if "微网格" in d.value.columns][0]
    expected = micro_coverage_table(load_dataset(demo_store), load_settings())
    assert len(table) == 19 and table["活跃（人）"].sum() == expected["active"].sum() == 13
    # covered households of a micro-grid never exceed its households
    assert (expected["covered_households"] <= expected["households"]).all()


def test_the_coverage_map_draws_the_chosen_place_and_not_more_than_it_can_show(monkeypatch):
    import pandas as pd

    from ui import map_figure

    grids = pd.DataFrame({"grid_id": ["G1", "G2", "G3"], "in_scope": [True, False, True]})
    buildings = pd.DataFrame({"building_id": ["B1", "B2", "B3", "B4", "B5"], "grid_id": ["G1", "G2", "G3", "G3", ""],
                              "households": [10, 99, 30, 20, 5], "covered": [False, False, True, False, False]})
    volunteers = pd.DataFrame({"volunteer_id": ["V1", "V2", "V3", "V4"], "grid_id": ["G1", "G2", "G3", "G3"],
                               "active": [True, True, True, False], "lon": [1.0, 1.0, None, 1.0]})
    numbers = {"grids": grids, "buildings": buildings, "volunteers": volunteers}
    b, vols, limited = map_figure.drawn_points(numbers)
    assert b["building_id"].tolist() == ["B1", "B3", "B4"] and not limited      # not G2's, not the one in none
    assert vols["volunteer_id"].tolist() == ["V1"]                               # active, located, in scope
    whole = {**numbers, "grids": grids.assign(in_scope=True)}
    b, vols, limited = map_figure.drawn_points(whole)
    assert b["building_id"].tolist() == ["B1", "B2", "B3", "B4", "B5"] and vols["volunteer_id"].tolist() == ["V1", "V2"]
    monkeypatch.setattr(map_figure, "POINTS_MAX", 2)
    monkeypatch.setattr(map_figure, "VOLUNTEERS_MAX", 1)
    b, vols, limited = map_figure.drawn_points(whole)
    assert b["building_id"].tolist() == ["B2", "B4"] and vols.empty and limited   # uncovered, most households first
