"""The map page's numbers: a million incidents stay under 3 MB of map."""
from analysis.metrics.filters import Filters
from analysis.settings import load_settings


def test_payload_stays_under_3_mb_at_a_million_incidents():
    from bench.pages import map_page
    from bench.synthetic import synthetic_dataset
    ds = synthetic_dataset(1_000_000, 1000)
    html = map_page(ds, Filters(period="4weeks"), load_settings())
    assert len(html.encode("utf-8")) <= 3_000_000
    assert html.count("data:image/png;base64,") == 1 + 13 and "L.markerClusterGroup" not in html  # too many to draw
    year = map_page(ds, Filters(period="custom", first="2025-11-16", last="2026-11-15"), load_settings())
    assert len(year.encode("utf-8")) <= 3_000_000 and year.count("data:image/png;base64,") == 1 + 54  # 53 weeks


def test_a_street_map_counts_its_hot_spots_on_the_kept_cells():
    """The whole street's hot spots come from each incident's hotspot cell, kept with the dataset: the same cells,
    counts and confidences as taking the period's incidents to metres (``hotspots``), for two periods."""
    from geopandas.testing import assert_geodataframe_equal

    from analysis.maps.hotspots import hotspots
    from analysis.maps.view import map_data
    from analysis.metrics import resolution as r
    from analysis.metrics.periods import week_starts
    from bench.synthetic import synthetic_dataset
    ds, settings = synthetic_dataset(40_000, 60), load_settings()
    cell_m = float(settings["hotspot_cell_m"])
    lon, lat = ds.incidents["lon"].to_numpy(float), ds.incidents["lat"].to_numpy(float)
    for filters in (Filters(period="4weeks"), Filters(period="custom", first="2026-06-01", last="2026-06-30")):
        period = filters.resolve(ds.anchor)
        flags = r.period_flags(ds.incidents, period)
        numbers = map_data(ds, filters, flags, week_starts(period, 4), settings)
        reported = flags.full("reported")
        direct = hotspots(lon[reported], lat[reported], ds.street, cell_m)
        assert len(direct) > 0
        assert_geodataframe_equal(numbers.hotspots, direct)
    assert ds.derived[("hotspot cells", cell_m)].shape == (len(ds.incidents),)
