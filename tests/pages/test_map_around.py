"""A community's map in a division of 1,200 grids (the synthetic city of bench/city.py, imported by the product's
importers): the map draws the community and the grids around it, says so, and draws every grid again for All."""
import json
import re
from pathlib import Path

import pytest
import shapely
from streamlit.testing.v1 import AppTest

from analysis.metrics import load_dataset
from analysis.store import Store
from bench.city import write_city
from tests.pages.apptest import page
from ui.filters import KEYS
from ui.labels import TEXT


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from analysis.ingest.importer import import_boundaries, import_incidents, import_register
    folder: Path = tmp_path_factory.mktemp("city")
    write_city(3000, 1200, folder)
    store = Store(f"sqlite:///{folder / 'city.sqlite'}")
    import_boundaries(store, folder / "grids.geojson")
    for kind in ("buildings", "workers", "volunteers", "services"):
        import_register(store, kind, folder / f"{kind}.csv")
    assert import_incidents(store, folder / "incidents.csv").rows_imported == 3000
    return store


def drawn_grids(at: AppTest) -> list[str]:
    """The grid ids of the grid layer of the page's map, read from the script st_folium receives."""
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    return re.findall(r'"grid_id":"([^"]+)"', script)


def around_note(at: AppTest, level: str = "grid") -> list[str]:
    """The captions saying the map draws only the place and the grids (or micro-grids) around it."""
    pattern = re.sub(r"\\\{\w+\\\}", "[0-9,]+", re.escape(TEXT[f"map_around_{level}"][0]))
    return [c.value for c in at.caption if re.fullmatch(pattern, c.value)]


@pytest.mark.parametrize("script", ["pages/map.py", "pages/coverage.py"])
def test_a_community_map_draws_the_community_and_around_it(city: Store, script: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(script, city, monkeypatch)
    assert len(set(drawn_grids(at))) == 1200 and around_note(at) == []        # All: every grid, no note
    community = at.selectbox(key=KEYS["community"]).options[1]
    at.selectbox(key=KEYS["community"]).set_value(community).run()
    assert not at.exception
    ds = load_dataset(city)
    members = set(ds.grids.loc[ds.grids["community"] == community, "grid_id"])
    drawn = set(drawn_grids(at))
    assert members <= drawn and len(members) < len(drawn) < 1200 / 4        # the community, with context, no more
    centre = ds.grids.loc[ds.grids["grid_id"].isin(members)].geometry.union_all().centroid
    far = shapely.distance(ds.grids.geometry.to_numpy(), centre) > 0.05     # degrees, about 5 km: not drawn
    assert not (set(ds.grids["grid_id"].to_numpy()[far]) & drawn) and far.any()
    note = around_note(at)
    assert note == [TEXT["map_around_grid"][0].format(n=f"{len(drawn):,}", total="1,200")]
    at.selectbox(key=KEYS["community"]).set_value(at.selectbox(key=KEYS["community"]).options[0]).run()
    assert len(set(drawn_grids(at))) == 1200 and around_note(at) == []


def test_a_micro_grid_map_of_a_place_counts_micro_grids(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The caption under a micro-grid map drawn only around the chosen place counts micro-grids, not grids. The
    demo street's 19 micro-grids are few: the map draws around a place from 10 units on, and the place is the
    grid whose micro-grids' surroundings leave some out."""
    from analysis.maps import focus
    monkeypatch.setattr(focus.around, "__defaults__", (10,))
    micro = load_dataset(demo_store).micro
    geoms = micro.geometry.to_numpy()
    drawn = {g: len(focus.around(geoms, (micro["parent_id"] == g).to_numpy())) for g in micro["parent_id"].unique()}
    grid = min(drawn, key=lambda g: drawn[g])
    assert drawn[grid] < len(micro)
    at = page("pages/map.py", demo_store, monkeypatch)
    at.selectbox(key=KEYS["community"]).set_value(micro.loc[micro["parent_id"] == grid, "community"].iloc[0]).run()
    at.selectbox(key=KEYS["grid"]).set_value(grid).run()
    at.segmented_control(key="map_level").set_value("micro").run()
    assert not at.exception
    assert around_note(at, "micro") == [TEXT["map_around_micro"][0].format(n=f"{drawn[grid]:,}", total=f"{len(micro):,}")]
    assert around_note(at) == []                                   # not the grids' caption
    at.segmented_control(key="map_level").set_value("grid").run()
    assert len(around_note(at)) == 1
