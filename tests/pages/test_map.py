"""AppTest of the map page (地图): measures, the incidents' popups and the grid card."""
import json
import re

from tests.pages.apptest import metric, page


def test_map_page_measures_and_grid_card(demo_store, monkeypatch):
    at = page("pages/map.py", demo_store, monkeypatch)
    assert at.title[0].value == "地图" and "点击地图上的网格" in at.info[0].value
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    br = r"\\u003cbr\\u003e"                                                     # <br>, as the script writes it
    popups = re.findall(rf"事件编号：(\w+){br}上报时间：(\d{{4}}-\d\d-\d\d \d\d:\d\d){br}办理状态：", script)
    phones = re.findall(r'联系电话：([^"\\]+)', script)
    assert len(popups) > 100 and len(set(p[0] for p in popups)) == len(popups)    # one popup per incident, its id
    assert phones and all("****" in p for p in phones)                              # personal data masked
    for measure in at.selectbox(key="map_measure").options[::3]:
        at.selectbox(key="map_measure").set_value(measure).run()
        assert not at.exception
    at.selectbox(key="map_basemap").set_value("amap").run()
    assert not at.exception
    grid = "430103007006005"
    at.session_state["map_clicked"] = grid
    at.run()
    households = demo_store.register("buildings")
    assert at.subheader[0].value == "天心阁第5网格"
    from analysis.metrics.dataset import load_dataset
    expected = load_dataset(demo_store).grids.set_index("grid_id").loc[grid, "households"]
    assert metric(at, "户数") == f"{expected:,.0f}" and len(households)
    assert "****" in at.dataframe[0].value["联系电话"].str.cat()        # personal data masked
    [b for b in at.button if b.label.startswith("只看这个网格")][0].click().run()
    assert at.selectbox(key="f_grid").value == grid and at.selectbox(key="f_community").value == "天心阁社区"


def test_the_micro_grid_level_offers_the_micro_grids_measures(demo_store, monkeypatch):
    at = page("pages/map.py", demo_store, monkeypatch)
    at.selectbox(key="map_measure").set_value("volunteers_per_100_households").run()
    at.segmented_control(key="map_level").set_value("micro").run()
    assert not at.exception
    options = at.selectbox(key="map_measure").options
    assert len(options) == 7 and at.selectbox(key="map_measure").value == "reported"   # a grid-only measure reset
    at.selectbox(key="map_measure").set_value("norm_position").run()
    assert not at.exception
