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
