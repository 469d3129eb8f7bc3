import numpy as np
import pytest

from analysis.geo.crs import (
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    metric_transformer,
    parse_coord_system,
    to_wgs84,
    utm_epsg,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)


def metres(lon1, lat1, lon2, lat2):
    t = metric_transformer(float(np.mean(lon1)), float(np.mean(lat1)))
    x1, y1 = t.transform(lon1, lat1)
    x2, y2 = t.transform(lon2, lat2)
    return np.hypot(np.asarray(x1) - x2, np.asarray(y1) - y2)


def test_forward_conversions_match_an_independent_implementation():
    # published outputs of the widely used coordtransform library for (116.404, 39.915)
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert (float(lon), float(lat)) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-12)
    lon, lat = gcj02_to_bd09(116.404, 39.915)
    assert (float(lon), float(lat)) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-12)


def test_gcj02_offset_in_changsha_is_hundreds_of_metres():
    lon, lat = wgs84_to_gcj02(112.975, 28.19)
    assert 250 < metres(112.975, 28.19, lon, lat) < 700


@pytest.mark.parametrize("forward, inverse", [(wgs84_to_gcj02, gcj02_to_wgs84), (wgs84_to_bd09, bd09_to_wgs84)])
def test_inverse_round_trip_is_under_half_a_metre_across_china(forward, inverse):
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(75, 134, 5000), rng.uniform(18, 53, 5000)
    back_lon, back_lat = inverse(*forward(lon, lat))
    assert metres(lon, lat, back_lon, back_lat).max() < 0.5
    assert np.abs(back_lon - lon).max() < 1e-6


def test_outside_china_is_left_alone():
    lon, lat = wgs84_to_gcj02([-118.25, 2.35], [34.05, 48.85])
    assert np.allclose(lon, [-118.25, 2.35]) and np.allclose(lat, [34.05, 48.85])


def test_nan_stays_nan():
    lon, lat = to_wgs84([np.nan, 112.97], [np.nan, 28.19], "gcj02")
    assert np.isnan(lon[0]) and np.isnan(lat[0]) and np.isfinite(lon[1])


@pytest.mark.parametrize("text, label", [
    ("WGS-84", "wgs84"), ("cgcs2000", "wgs84"), ("EPSG:4490", "wgs84"), ("4326", "wgs84"),
    ("GCJ-02", "gcj02"), ("火星坐标", "gcj02"), ("高德", "gcj02"), ("BD09", "bd09"), ("百度", "bd09"),
    ("EPSG:4547", "EPSG:4547"), ("32649", "EPSG:32649"),
])
def test_parse_coord_system(text, label):
    assert parse_coord_system(text).label == label


@pytest.mark.parametrize("text", ["", "mars", "EPSG:1", "epsg:99999999"])
def test_parse_coord_system_rejects_unknown(text):
    with pytest.raises(ValueError):
        parse_coord_system(text)


def test_projected_epsg_converts_to_degrees():
    # EPSG:4547 is CGCS2000 3-degree Gauss-Kruger, central meridian 114E; 500000 m east is on it
    lon, lat = to_wgs84([500000.0], [3119000.0], "EPSG:4547")
    assert lon[0] == pytest.approx(114.0, abs=1e-6) and 28.1 < lat[0] < 28.3


def test_utm_zone_of_changsha():
    assert utm_epsg(112.97, 28.19) == 32649
