"""A GeoJSON layer written once draws what folium's GeoJson draws, on the page and in streamlit-folium's code."""
import copy

import folium
import pytest
from streamlit_folium import generate_leaflet_string

from analysis.maps.geojson_layer import WrittenGeoJson, write_layers
from ui.map_figure import fresh_copy

DATA = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": i, "properties": {"grid_id": f"G{i}", "tip": f"网格{i} &lt;b&gt; {{{{ 6*7 }}}}"},
     "geometry": {"type": "Polygon", "coordinates": [[[116.3 + i / 100, 39.9], [116.31 + i / 100, 39.9],
                                                       [116.31 + i / 100, 39.91], [116.3 + i / 100, 39.9]]]}}
    for i in range(4)]}
COLOURS = ["#fee5d9", "#fcae91", "#fb6a4a", "#cb181d"]


def a_map(layer_class: type[folium.GeoJson]) -> folium.Map:
    """The same small map with the layer class given, every element's id fixed (folium draws random ids)."""
    fmap = folium.Map(location=[39.905, 116.32], tiles=None, zoom_start=14)
    layer_class(copy.deepcopy(DATA), name="网格", style_function=lambda f: {"fillColor": COLOURS[f["id"]]},
                highlight_function=lambda _: {"weight": 3}, tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False)
                ).add_to(fmap)
    layer_class(copy.deepcopy(DATA), name="轮廓", interactive=False, control=False,
                style_function=lambda _: {"fill": False, "weight": 2}).add_to(fmap)
    folium.LayerControl().add_to(fmap)

    def fix(element, path="0"):
        element._id = f"id{path.replace('_', 'x')}"
        for i, child in enumerate(element._children.values()):
            fix(child, f"{path}_{i}")
    fix(fmap.get_root())
    write_layers(fmap)
    return fmap


@pytest.fixture
def maps():
    return a_map(folium.GeoJson), a_map(WrittenGeoJson)


def test_the_page_and_the_components_code_are_folium_own(maps):
    plain, written = maps
    assert written.get_root().render() == plain.get_root().render()
    plain_copy, written_copy = fresh_copy(plain), fresh_copy(written)
    plain_copy.render()
    written_copy.render()
    assert generate_leaflet_string(written_copy) == generate_leaflet_string(plain_copy)
    assert "COLOURS" not in generate_leaflet_string(written_copy) and "#cb181d" in written.get_root().render()


def test_text_is_written_once_and_shared_by_every_copy(maps):
    _, written = maps
    layer = next(c for c in written._children.values() if isinstance(c, WrittenGeoJson))
    text = layer.written_script()
    first, second = fresh_copy(written), fresh_copy(written)
    assert first.get_root().render() == second.get_root().render()
    copied = next(c for c in first._children.values() if isinstance(c, WrittenGeoJson))
    assert copied.written_script() is text and copied.data is layer.data
    page = first.get_root().render()
    assert "6*7 }}" in page and "&lt;b&gt; 42" not in page     # the text is never read as a template


def test_bounds_are_the_datas(maps):
    plain, written = maps
    assert written.get_bounds() == plain.get_bounds() == [[39.9, 116.3], [39.91, 116.34]]
