"""A GeoJSON layer written once draws what folium's GeoJson draws, on the page and in streamlit-folium's code."""
import copy

import folium
import numpy as np
import pytest
from folium.features import GeoJsonStyleMapper
from hypothesis import example, given, settings
from hypothesis import strategies as st
from streamlit_folium import generate_leaflet_string

from analysis.maps.geojson_layer import IndexedStyles, WrittenGeoJson, style_mapping, write_layers
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


STYLE_VALUES = st.one_of(st.none(), st.booleans(), st.integers(0, 2), st.floats(0, 2, allow_nan=False),
                         st.sampled_from(["#fee5d9", "#cb181d", "5, 5"]), st.lists(st.integers(0, 3), max_size=2))


@settings(max_examples=150, deadline=None)
@example([{"weight": 1}, {"weight": True}, {"weight": 1.0}, {"weight": 1}])
@example([{"weight": 1}, {"dashArray": [1, 2]}])
@given(st.lists(st.dictionaries(st.sampled_from(["fillColor", "weight", "fill", "dashArray"]), STYLE_VALUES,
                                min_size=1), min_size=1, max_size=30))
def test_styles_are_mapped_to_features_as_folium_maps_them(styles):
    """Each distinct style written once maps the same features to the same JSON, in the same order, with the
    same default, as folium's mapper (1 and True, 1 and 1.0 told apart; a list value left to folium)."""
    data = {"type": "FeatureCollection", "features": [{"type": "Feature", "id": i, "properties": {}, "geometry": None}
                                                      for i in range(len(styles))]}
    mapper = GeoJsonStyleMapper(data, "feature.id", None)
    mine = style_mapping(mapper, lambda f: copy.deepcopy(styles[f["id"]]))
    assert mine == mapper.get_style_map(lambda f: copy.deepcopy(styles[f["id"]]))
    assert list(mine) == list(mapper.get_style_map(lambda f: copy.deepcopy(styles[f["id"]])))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["fillColor", "weight", "fill"]), STYLE_VALUES.filter(
    lambda v: not isinstance(v, list)), min_size=1), min_size=1, max_size=6), st.data())
def test_indexed_styles_map_the_features_as_folium_maps_them(styles, data):
    """Styles given by their index are mapped without calling the style for each feature, and the map is folium's
    own: the same keys in the same order, the same features under each, the same default."""
    index = np.asarray(data.draw(st.lists(st.integers(0, len(styles) - 1), min_size=1, max_size=40)))
    features = {"type": "FeatureCollection", "features": [{"type": "Feature", "id": i, "properties": {},
                                                           "geometry": None} for i in range(len(index))]}
    indexed = IndexedStyles(styles, index)
    mapper = GeoJsonStyleMapper(features, "feature.id", None)
    expected = mapper.get_style_map(lambda f: copy.deepcopy(styles[index[f["id"]]]))
    mine = style_mapping(mapper, indexed)
    assert mine == expected and list(mine) == list(expected)
    assert indexed(features["features"][-1]) == styles[index[-1]]
