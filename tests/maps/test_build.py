"""The map builder: colour classes, label zooms, offline assets, layers, GCJ-02 shifting, the selected grid."""
import copy
import json
import os
import re
from dataclasses import replace

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from folium.utilities import get_bounds
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.geo.crs import wgs84_to_gcj02
from analysis.maps import assets as map_assets
from analysis.maps.build import MapSpec, NameLabels, build_map, geojson_geometries, label_zooms, map_html, png_url
from analysis.maps.classes import classify
from analysis.maps.view import map_data
from analysis.metrics import resolution as r
from analysis.metrics.dataset import build_dataset
from analysis.metrics.filters import Filters
from analysis.metrics.periods import week_starts
from analysis.settings import load_settings
from tests.fixtures import small_street
from ui.labels.map import TEXT

LABELS = {k: v[0] for k, v in TEXT.items()}


@pytest.fixture(scope="module")
def street_map():
    grids, incidents, buildings, workers, volunteers, services = small_street()
    ds = build_dataset(incidents, grids, None, buildings, workers, volunteers, services, tolerance_m=30)
    filters = Filters(period="week")
    period = filters.resolve(ds.anchor)
    numbers = map_data(ds, filters, r.period_flags(ds.incidents, period), week_starts(period, 4), load_settings())
    return ds, numbers


def spec_of(ds, numbers, basemap="none", selected=""):
    table = numbers.table
    grids = ds.grids[["grid_id", "name", "geometry"]].assign(in_scope=table["in_scope"].to_numpy(),
                                                           tooltip=table["name"].to_numpy())
    points = numbers.points[["lon", "lat"]].assign(popup=numbers.points["incident_id"])
    return MapSpec(grids, classify(table["reported"], "bad"), {**LABELS, "legend_title": "事件数"}, ds.communities,
                   ds.street, numbers.density, numbers.bounds, numbers.hotspots, points, selected, basemap)


def test_rate_classes_are_fixed_and_nan_is_grey():
    classes = classify([0.5, 0.85, 0.97, np.nan], "rate")
    assert classes.colours[0] != classes.colours[1] != classes.colours[2]
    assert classes.colours[3] == "#d9d9d9" and classes.legend[-1] == ("#d9d9d9", "no_data")
    assert [label for _, label in classes.legend[:5]] == ["0% – 60%", "60% – 80%", "80% – 90%", "90% – 95%", "95% – 100%"]


def test_count_classes_are_quantiles_of_the_positive_values():
    classes = classify(np.arange(0, 101), "bad")
    assert len(classes.legend) == 5 and classes.legend[0][1].startswith("0 –") and classes.legend[-1][1].endswith("100")
    assert classes.colours[0] == classes.colours[1] != classes.colours[100]
    few = classify([0, 0, 3], "bad")                                   # one positive value: two classes
    assert len(few.legend) == 2 and few.colours[0] != few.colours[2]


def test_norm_classes_by_position():
    classes = classify(["below", "within", "above"], "norm")
    assert len(set(classes.colours)) == 3 and [k for _, k in classes.legend] == ["below", "within", "above"]


def test_each_weekly_density_frame_draws_that_weeks_incidents(street_map):
    ds, numbers = street_map
    weeks = dict(numbers.density[1:])        # Mondays: 02-16 none, 02-23 I5 alone, 03-02 I1-I4 and I6 (I7 has no point)
    assert set(weeks) == {"2026-02-09", "2026-02-16", "2026-02-23", "2026-03-02"}
    assert weeks["2026-02-09"] == weeks["2026-02-16"]                   # two empty weeks, the same blank frame
    assert len({weeks["2026-02-16"], weeks["2026-02-23"], weeks["2026-03-02"]}) == 3
    only_i5 = ds.incidents["incident_id"] == "I5"
    alone = map_data(replace(ds, incidents=ds.incidents[only_i5].reset_index(drop=True)), Filters(period="week"),
                     r.period_flags(ds.incidents[only_i5].reset_index(drop=True), Filters(period="week").resolve(ds.anchor)),
                     week_starts(Filters(period="week").resolve(ds.anchor), 4), load_settings())
    blank, drawn = weeks["2026-02-16"], dict(alone.density[1:])       # I5 alone: its week drawn, the others blank
    assert drawn.pop("2026-02-23") != blank and set(drawn.values()) == {blank}


def test_label_zoom_grows_as_grids_shrink():
    import shapely
    big, small = shapely.box(112.97, 28.19, 112.98, 28.20), shapely.box(112.97, 28.19, 112.971, 28.191)
    # 4 characters x 13 px = 52 px; 1,178 m and 118 m wide (x 1.2 overhang) at 28.2 N: 12.6 -> 13, 15.9 -> 16
    assert label_zooms([big, small], ["第1网格", "第2网格"], 13) == [13, 16]


def test_each_grid_name_is_one_row_of_one_names_layer_at_the_zoom_it_fits(street_map):
    ds, numbers = street_map
    spec = spec_of(ds, numbers)
    fmap = build_map(spec)
    layers = [child for child in fmap._children.values() if isinstance(child, NameLabels)]
    groups = [group for group in fmap._children.values()
              if any(isinstance(child, NameLabels) for child in getattr(group, "_children", {}).values())]
    assert layers == [] and len(groups) == 1 and groups[0].layer_name == LABELS["layer_names"]
    rows = next(c for c in groups[0]._children.values() if isinstance(c, NameLabels)).rows
    geoms = spec.grids.geometry.to_numpy()
    assert [row[3] for row in rows] == spec.grids["name"].tolist()
    assert [row[2] for row in rows] == label_zooms(geoms, spec.grids["name"], spec.label_px)
    assert all(shapely.Point(lon, lat).within(g) for (lat, lon, _, _), g in zip(rows, geoms))
    html = map_html(fmap)
    assert html.count("L.marker(") == 1 and "gl-name-icon" in html      # one script draws every name
    assert not any(isinstance(c, NameLabels) for c in build_map(replace(spec, show_names=False))._children.values())


def test_the_week_players_images_and_the_names_go_into_the_page_unread_by_jinja(street_map, monkeypatch):
    """The parts of the week player (every week's image) and of the names layer are written once, as text: no
    Jinja template is made of them when the page is rendered (branca's default makes one of each part and reads
    it again: 0.2 s of a 4M-incident street map)."""
    import branca.element
    ds, numbers = street_map
    fmap = build_map(spec_of(ds, numbers))
    compiled: list[str] = []
    made = branca.element.Template

    def counted(source, *args, **kwargs):
        compiled.append(source)
        return made(source, *args, **kwargs)
    monkeypatch.setattr(branca.element, "Template", counted)
    html = map_html(fmap)
    frames = [png_url(png) for _, png in numbers.density]
    assert len(frames) == 5 and all(frame in html for frame in frames)            # every week's image drawn
    assert html.count("gl-name-icon") == 1 and all(name in html for name in ds.grids["name"])
    assert compiled and not any(frames[1] in source or "gl-name-icon" in source for source in compiled)


def test_map_has_its_layers_and_needs_no_internet(street_map):
    ds, numbers = street_map
    assert numbers.table["reported"].tolist() == [2, 1, 1, 1] and numbers.in_period == 6
    assert len(numbers.density) == 5                                   # the period, then 4 weeks
    assert numbers.points["reporter_phone"].tolist()[0] == "138****1234"
    html = map_html(build_map(spec_of(ds, numbers)))
    urls = set(re.findall(r'(?:src|href)="([^"]+)"', html))
    assert urls and all(u.startswith(map_assets.BASE_URL) for u in urls)
    assert "/leaflet/dist/leaflet.js" in html and "leaflet.markercluster.js" in html
    assert not re.search(r"https?://(?!127\.0\.0\.1)", html.replace("http://www.w3.org", ""))
    for text in ("事件数", "网格", "事件密度", "事件点", "甲社区", "▶ 逐周回放", "I3"):
        assert text in html or json.dumps(text)[1:-1] in html, text
    assert html.count("data:image/png;base64,") == 1 + 5               # the overlay, then the player's frames


def test_amap_basemap_shifts_every_layer_to_gcj02(street_map):
    ds, numbers = street_map
    plain = map_html(build_map(spec_of(ds, numbers, "none")))
    shifted = map_html(build_map(spec_of(ds, numbers, "amap")))
    assert "autonavi.com" in shifted and "autonavi.com" not in plain
    lon, lat = numbers.points["lon"].iloc[0], numbers.points["lat"].iloc[0]
    glon, glat = wgs84_to_gcj02(np.array([lon]), np.array([lat]))
    assert f"{round(lat, 6)},{round(lon, 6)}" in plain
    assert f"{round(float(glat[0]), 6)},{round(float(glon[0]), 6)}" in shifted
    assert f"{round(lat, 6)},{round(lon, 6)}" not in shifted


@pytest.mark.parametrize("basemap", ["none", "amap"])
def test_every_layers_bounds_are_those_folium_finds_in_its_data(street_map, basemap):
    ds, numbers = street_map
    x, y = ds.grids.geometry.iloc[0].representative_point().coords[0]
    hot = gpd.GeoDataFrame({"count": [5, 3], "z": [3.1, 2.0], "confidence": [99, 95]},
                           geometry=[shapely.box(x, y, x + 0.001, y + 0.001), shapely.box(x - 0.002, y, x - 0.001, y + 0.001)],
                           crs=4326)
    fmap = build_map(replace(spec_of(ds, numbers, basemap, selected="G3"), hotspots=hot))
    layers = [child for child in fmap._children.values() if isinstance(child, folium.GeoJson)]
    assert len(layers) >= 5                                   # grids, hotspots, communities, street, the chosen one
    for layer in layers:      # from the shapes, before the data's coordinates were rounded to 6 decimals
        np.testing.assert_allclose(np.array(layer.get_bounds(), dtype=float),
                                   np.array(get_bounds(layer.data, lonlat=True), dtype=float), rtol=0, atol=5e-7)


def test_selected_grid_is_outlined_and_unknown_basemap_refused(street_map):
    ds, numbers = street_map
    assert map_html(build_map(spec_of(ds, numbers, selected="G3"))).count('"grid_id":"G3"') == 2
    with pytest.raises(ValueError, match="basemap"):
        build_map(spec_of(ds, numbers, basemap="google"))


PAYLOAD = "<img src=x onerror=alert(1)>"
# Jinja would draw this as "glssti", and the second as the server's working folder (Python run on the server)
TEMPLATE = "{{ 'gl' ~ 'ssti' }}{% if true %}{# c #}{% endif %}{{ cycler.__init__.__globals__.os.getcwd() }}"


def test_text_from_files_is_escaped_wherever_the_map_draws_it(street_map):
    """Names, tooltips, popups, legend and the workbench's editable outlines: the payload shows as text."""
    from analysis.maps.workbench import build_workbench_map
    ds, numbers = street_map
    spec = spec_of(ds, numbers)
    grids = spec.grids.assign(name=PAYLOAD + TEMPLATE, grid_id=[f"{PAYLOAD}{TEMPLATE}{i}" for i in range(len(spec.grids))],
                              tooltip=f"{PAYLOAD}{TEMPLATE}\n二行")
    points = spec.points.assign(popup=f"{PAYLOAD}{TEMPLATE}\n</script><script>alert(2)</script>")
    communities = spec.communities.assign(community=TEMPLATE)
    hostile = type(spec)(grids, spec.classes, {**spec.text, "legend_title": f"{PAYLOAD}{TEMPLATE}\n周"}, communities,
                         spec.street, spec.density, spec.density_bounds, spec.hotspots, points)
    for fmap in (build_map(hostile), build_workbench_map(hostile, {grids["grid_id"].iloc[0]}, set(), {
            "layer_changed": PAYLOAD, "layer_locked": "锁"}, True, {"draw": {"toolbar": {"buttons": {"polygon": PAYLOAD}}}})):
        html = map_html(fmap)
        assert "<img src=x" not in html and "<script>alert" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html or "\\u003cimg" in html
        assert "glssti" not in html and os.getcwd() not in html and "cycler.__init__" in html   # drawn, never run


def test_grids_geos_cannot_simplify_are_drawn_as_they_are():
    """A polygon whose hole rounding collapsed to a line is invalid; GEOS refuses to simplify the coverage
    it is in, and the map draws the grids unsimplified instead of failing."""
    import shapely

    from analysis.maps.build import simplified
    good = shapely.box(0, 0, 1, 1)
    collapsed = shapely.Polygon([(1, 0), (2, 0), (2, 1), (1, 1)], [[(1.5, 0.5), (1.5, 0.5), (1.6, 0.5), (1.5, 0.5)]])
    assert not collapsed.is_valid
    with pytest.raises(shapely.errors.GEOSException):
        shapely.coverage_simplify(np.array([good, collapsed]), 0.1)
    assert list(simplified(np.array([good, collapsed], dtype=object))) == [good, collapsed]
    wavy = shapely.Polygon([(0, 0), (0.5, 1e-10), (1, 0), (1, 1), (0, 1)])     # a vertex 1e-10° off the line
    assert shapely.get_num_coordinates(simplified(np.array([wavy], dtype=object))[0]) < 6


def _grid_layer_data(page: str) -> dict:
    """The grid layer's GeoJSON as the page hands it to Leaflet (the layer whose features have tooltips)."""
    for blob in re.findall(r"_add\((\{\"features\".*?\})\);\n", page):
        data = json.loads(blob)
        if "tooltip" in data["features"][0]["properties"]:
            return data
    raise AssertionError("no grid layer")


def test_each_grid_carries_its_id_and_tooltip_and_is_styled_by_its_number(street_map):
    """A feature holds the grid id (a click returns it) and the tooltip's escaped lines, nothing else; the style
    switch gives feature i the colour of grid i's class, and the tooltip's lines are broken by its style."""
    ds, numbers = street_map
    spec = spec_of(ds, numbers)
    spec.grids["tooltip"] = [f"{n}（{c}）\n事件数：1 < 2" for n, c in zip(spec.grids["name"], spec.grids["grid_id"])]
    page = map_html(build_map(spec))
    features = _grid_layer_data(page)["features"]
    assert [f["id"] for f in features] == list(range(len(spec.grids)))
    assert [sorted(f["properties"]) for f in features] == [["grid_id", "tooltip"]] * len(spec.grids)
    assert features[0]["properties"] == {"grid_id": spec.grids["grid_id"].iloc[0],
                                         "tooltip": f"{spec.grids['name'].iloc[0]}（{spec.grids['grid_id'].iloc[0]}）"
                                                    "\n事件数：1 &lt; 2"}
    switch = page[page.index("switch(feature.id)"):]                     # the style function's (the first)
    switch = switch[:switch.index("default:") + 200]
    default = json.loads(re.search(r"default:\s*return (\{[^}]*\});", switch).group(1))["fillColor"]
    fill = dict.fromkeys(range(len(features)), default)
    for cases, style in re.findall(r"((?:case \d+: )+)\s*return (\{[^}]*\});", switch):
        fill.update(dict.fromkeys(map(int, re.findall(r"\d+", cases)), json.loads(style)["fillColor"]))
    assert fill == dict(enumerate(spec.classes.colours)) and len(set(fill.values())) > 1
    assert spec.grids["name"].iloc[0] in page                   # Chinese as UTF-8, not \u escapes
    assert ".gl-tip td {white-space: pre;}" in page and '"className": "gl-tip"' in page


def test_a_city_is_simplified_for_the_view_that_shows_it_all():
    import shapely

    from analysis.maps.build import SIMPLIFY_DEG, decimals_for, view_tolerance
    street, city = shapely.box(112.90, 28.10, 112.92, 28.12), shapely.box(112.80, 28.00, 113.20, 28.30)
    assert view_tolerance(np.array([street])) == SIMPLIFY_DEG                       # 2 km: 2 m, as before
    assert view_tolerance(np.array([city])) == pytest.approx(0.4 / 4000)            # 40 km: 1e-4 degrees
    assert view_tolerance(np.array([], dtype=object)) == SIMPLIFY_DEG
    assert decimals_for(SIMPLIFY_DEG) == 6 and decimals_for(1e-4) == 5 and decimals_for(1.0) == 5


@st.composite
def _shapes(draw):
    """Polygons (some with a hole), multi-polygons, and now and then a point or an empty polygon."""
    def box(i: int):
        x, y = draw(st.floats(-180, 170)), draw(st.floats(-80, 70))
        w, h = draw(st.floats(0.001, 5)), draw(st.floats(0.001, 5))
        shape = shapely.box(x, y, x + w, y + h)
        return shape.difference(shapely.box(x + w / 4, y + h / 4, x + w / 2, y + h / 2)) if i % 2 else shape
    kinds = draw(st.lists(st.sampled_from(["polygon", "holed", "multi", "point", "empty"]), min_size=0, max_size=8))
    out = []
    for kind in kinds:
        if kind == "multi":
            out.append(shapely.MultiPolygon([box(i) for i in range(draw(st.integers(1, 3)))]))
        else:
            out.append({"polygon": lambda: box(0), "holed": lambda: box(1), "empty": shapely.Polygon,
                        "point": lambda: shapely.Point(draw(st.floats(-180, 180)), 1.5)}[kind]())
    return np.array(out, dtype=object)


@settings(max_examples=150, deadline=None)
@given(_shapes())
def test_geojson_geometries_are_what_geos_geojson_text_reads_as(shapes):
    assert geojson_geometries(shapes) == [json.loads(shapely.to_geojson(g)) for g in shapes]


def test_a_fresh_copy_shares_the_layers_data_and_rendering_it_leaves_the_cached_map_as_it_was(street_map):
    from ui.map_figure import fresh_copy

    cached = build_map(spec_of(*street_map))
    layers = [c for c in cached._children.values() if isinstance(c, folium.GeoJson)]
    before = [copy.deepcopy(layer.data) for layer in layers]
    html = map_html(fresh_copy(cached))
    copied = fresh_copy(cached)
    assert [c.data for c in copied._children.values() if isinstance(c, folium.GeoJson)][0] is layers[0].data
    assert map_html(copied) == html and [layer.data for layer in layers] == before


def test_kept_grid_shapes_draw_the_map_the_grids_draw(street_map):
    """A page keeps the grids' shapes for every map of them: the map is the same, and so are its bounds, which
    folium would find from the coordinates."""
    from analysis.maps.build import grid_shapes
    from analysis.maps.geojson_layer import WrittenGeoJson

    spec = spec_of(*street_map, basemap="amap")
    kept = grid_shapes(spec.grids.geometry.to_numpy(), "amap")
    fresh, given = build_map(spec), build_map(replace(spec, shapes=kept))
    layer = next(c for c in given._children.values() if isinstance(c, WrittenGeoJson))
    assert _grid_layer_data(map_html(given)) == _grid_layer_data(map_html(fresh))
    assert layer.get_bounds() == folium.GeoJson(layer.data).get_bounds() == kept.bounds
    assert type(layer.data).__name__ == "WrittenJson"            # its text is put together, not written again
    with pytest.raises(ValueError, match="shapes"):
        build_map(replace(spec, grids=spec.grids.iloc[:2], classes=classify([1, 2], "bad"), shapes=kept))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(), st.text(alphabet="{}%#<>&'\"\\ 网格ab\n")), min_size=0, max_size=6))
def test_a_grid_layers_json_put_together_from_its_shapes_is_what_json_writes(rows):
    """The grid layer's text, made of each shape's text written once, is what the map's JSON writer gives for
    the same features, hostile text in the properties included."""
    from analysis.maps.build import grid_collection, grid_shapes
    from analysis.sanitise.map_text import MAP_JSON, WrittenJson, template_safe_json

    geoms = [shapely.box(116.3 + i / 100, 39.9, 116.305 + i / 100, 39.905) for i in range(len(rows))]
    props = pd.DataFrame(rows, columns=["grid_id", "tooltip"], dtype=object)
    written = grid_collection(props, grid_shapes(geoms, "amap"))
    assert isinstance(written, WrittenJson)
    assert template_safe_json(written, **MAP_JSON) == template_safe_json(dict(written), **MAP_JSON)
    assert json.loads(written.text) == written


def test_a_large_map_is_drawn_on_a_canvas_and_the_workbench_never(street_map, monkeypatch):
    """Beyond CANVAS_FROM grids and points Leaflet draws on one canvas; the workbench's draw tools keep SVG."""
    from analysis.maps import build
    from analysis.maps.workbench import build_workbench_map

    spec = spec_of(*street_map)
    assert '"preferCanvas": false' in map_html(build_map(spec))
    monkeypatch.setattr(build, "CANVAS_FROM", len(spec.grids) - 1)
    assert '"preferCanvas": true' in map_html(build_map(spec))
    assert '"preferCanvas": false' in map_html(build_map(replace(spec, canvas=False)))
    workbench = build_workbench_map(spec, set(), set(), {"layer_changed": "改", "layer_locked": "锁"})
    assert '"preferCanvas": false' in map_html(workbench)
