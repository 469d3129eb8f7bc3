"""Real streets as a new user brings them (../shared/realdata): each area layer and incident export goes
through the command line naming nothing but the files, lands as ``geopandas.sjoin`` puts it, and every
page then runs without an exception or an error box.

Agreement is counted over the points that fall inside exactly one area of the original file (read by
geopandas, not by us); an area's code in the store is found by the area's own interior point, so the
test holds whatever code column the import chose (or made).
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.cli import main
from analysis.store import Store
from tests.conftest import REALDATA
from tests.pages.apptest import page
from ui.page import PAGES

pytestmark = pytest.mark.realdata

# name -> (area layer, incident export), both under ../shared/realdata
STREETS = {
    "la_councils": ("la/nc-boundary-2019-modified.json", "la/requests.csv"),
    "la_2018": ("la/nc-boundary-2019-modified.json", "la/2018_mini.csv"),
    "la_districts": ("la/la-city-council-districts-2012.json", "la/requests.csv"),
    "la_neighbourhoods": ("la/los-angeles.geojson", "la/requests.csv"),
    "boston_neighbourhoods": ("boston/boston.geojson", "boston/filtered_2019.csv"),
    "boston_zip_codes": ("boston/boston_zipcodes.geojson", "boston/filtered_2019.csv"),
}
ON_EVERY_PAGE = ("la_councils", "la_2018", "boston_neighbourhoods", "boston_zip_codes")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each street imported by the command line into its own store (URL by name), files named only."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present")
    out = {}
    for name, (areas, export) in STREETS.items():
        url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'street.sqlite'}"
        assert main(["import", "boundaries", str(REALDATA / areas), "--db", url]) == 0, name
        assert main(["import", "incidents", str(REALDATA / export), "--db", url]) == 0, name
        out[name] = url
    return out


def _truth(areas: Path, stored: gpd.GeoDataFrame, points: pd.DataFrame) -> pd.Series:
    """The code of the area each point falls in, by geopandas (only points inside exactly one area)."""
    layer = gpd.read_file(areas).to_crs(4326)
    layer = layer[layer.geometry.notna() & ~layer.geometry.is_empty].reset_index(drop=True)
    inner = gpd.GeoDataFrame(geometry=layer.geometry.representative_point(), crs=4326)
    owner = gpd.sjoin(inner, stored[["grid_id", "geometry"]], predicate="within")
    owner = owner[~owner.index.duplicated()]["grid_id"]
    located = points.dropna(subset=["lon", "lat"])
    found = gpd.sjoin(gpd.GeoDataFrame(located[["incident_id"]], geometry=gpd.points_from_xy(located["lon"],
                                                                                          located["lat"]), crs=4326),
                      layer[["geometry"]], predicate="within")
    once = found[~found.index.duplicated(keep=False)]
    return pd.Series(once["index_right"].map(owner).to_numpy(), index=once["incident_id"].to_numpy()).dropna()


@pytest.mark.parametrize("name", list(STREETS))
def test_incidents_land_where_geopandas_puts_them(stores: dict[str, str], name: str) -> None:
    store = Store(stores[name])
    incidents = store.incidents()
    truth = _truth(REALDATA / STREETS[name][0], store.grids(), incidents)
    got = incidents.set_index("incident_id")["grid_id"].reindex(truth.index)
    agreement = float((got == truth).mean())
    print(f"{name}: {agreement:.3%} of {len(truth):,} points inside one area agree with geopandas.sjoin")
    assert len(truth) > 1000 and agreement >= 0.995


def _problems(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]


@pytest.mark.parametrize("script", [p for p, _, _ in PAGES], ids=lambda p: p.removeprefix("pages/"))
@pytest.mark.parametrize("name", ON_EVERY_PAGE)
def test_every_page_runs_on_a_real_street(stores: dict[str, str], name: str, script: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    class StoreUrl:
        url = stores[name]
    at = page(script, StoreUrl, monkeypatch, check=False)   # type: ignore[arg-type]
    assert _problems(at) == [], f"{name} on {script}"
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert _problems(at) == [], f"{name} on {script} in English"


@pytest.mark.parametrize("name", ON_EVERY_PAGE)
def test_a_suggestion_on_a_street_without_households_keeps_its_areas(stores: dict[str, str], name: str) -> None:
    """Public exports carry no building register: the suggestion has nothing to balance and changes nothing
    (it used to fold a whole street into one grid)."""
    from analysis.division import whatif as w
    from analysis.division.edits import division_from_layer
    from analysis.division.suggest import suggest
    from analysis.metrics.dataset import load_dataset
    from analysis.settings import load_settings

    store = Store(stores[name])
    space = w.workspace(load_dataset(store), division_from_layer(store.grids(), store.street()), load_settings())
    proposal = suggest(space.division, space.buildings, load_settings())
    assert proposal.division.grids["grid_id"].tolist() == space.division.grids["grid_id"].tolist()
    assert (proposal.changes["status"] == "same").all()
