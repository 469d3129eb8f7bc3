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


def around_note(at: AppTest) -> list[str]:
    """The captions saying the map draws only the place and around it."""
    head = TEXT["map_around"][0].split("{")[0]
    return [c.value for c in at.caption if c.value.startswith(head)]


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
    assert note == [TEXT["map_around"][0].format(n=f"{len(drawn):,}", total="1,200")]
    at.selectbox(key=KEYS["community"]).set_value(at.selectbox(key=KEYS["community"]).options[0]).run()
    assert len(set(drawn_grids(at))) == 1200 and around_note(at) == []
