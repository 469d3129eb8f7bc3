"""Density images and Gi* hotspots on planted patterns with known answers."""
import io

import numpy as np
import shapely
from PIL import Image

from analysis import density
from analysis.hotspots import confidence, gi_star, hotspots
from tests.fixtures import X0, Y0, at

STREET = shapely.box(X0, Y0, X0 + 0.02, Y0 + 0.02)   # about 2 km x 2.2 km


def uniform_and_cluster(rng, n_uniform=2000, n_cluster=400, where=(0.005, 0.015)):
    lon = np.r_[rng.uniform(X0, X0 + 0.02, n_uniform), rng.normal(X0 + where[0], 0.0004, n_cluster)]
    lat = np.r_[rng.uniform(Y0, Y0 + 0.02, n_uniform), rng.normal(Y0 + where[1], 0.0004, n_cluster)]
    return lon, lat


def test_raster_covers_the_bounds_with_square_cells():
    raster = density.raster_for(STREET.bounds, cell_m=20, margin_m=100)
    (south, west), (north, east) = raster.bounds
    assert west < X0 and east > X0 + 0.02 and south < Y0 and north > Y0 + 0.02
    assert abs(raster.dx * 98_000 - raster.dy * 110_574) < 1.5          # both ~20 m
    assert max(density.raster_for(STREET.bounds, cell_m=1, max_side=100).nx,
               density.raster_for(STREET.bounds, cell_m=1, max_side=100).ny) <= 100


def test_density_image_peaks_where_incidents_cluster():
    lon, lat = uniform_and_cluster(np.random.default_rng(1))
    raster = density.raster_for(STREET.bounds)
    surface = density.smoothed(raster, lon, lat)
    row, col = np.unravel_index(np.argmax(surface), surface.shape)
    peak_lon = raster.x0 + (col + 0.5) * raster.dx
    peak_lat = raster.y0 + (raster.ny - row - 0.5) * raster.dy          # row 0 is the north edge
    assert abs(peak_lon - (X0 + 0.005)) < 0.0006 and abs(peak_lat - (Y0 + 0.015)) < 0.0006
    image = Image.open(io.BytesIO(density.to_png(surface, density.scale_max([surface])))).convert("RGBA")
    assert image.size == (raster.nx, raster.ny)
    alpha = np.asarray(image)[..., 3]
    assert alpha[row, col] == alpha.max() > 150 and alpha[0, 0] == 0   # opaque peak, clear margin


def test_no_incidents_is_a_clear_image():
    raster = density.raster_for(STREET.bounds)
    surface = density.smoothed(raster, np.array([]), np.array([]))
    image = Image.open(io.BytesIO(density.to_png(surface, density.scale_max([surface])))).convert("RGBA")
    assert np.asarray(image)[..., 3].max() == 0


def test_a_planted_cluster_is_a_hot_spot_and_nothing_else_is():
    lon, lat = uniform_and_cluster(np.random.default_rng(2))
    hot = hotspots(lon, lat, STREET, cell_m=100)
    assert len(hot) > 0 and hot["confidence"].max() == 99
    centre = shapely.Point(at(5, 15))
    assert hot.geometry.distance(centre).min() == 0                   # the cluster's cell is hot
    assert hot.geometry.distance(centre).max() < 0.0035                # and every hot cell is near it


def test_uniform_incidents_have_no_hotspots():
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(X0, X0 + 0.02, 3000), rng.uniform(Y0, Y0 + 0.02, 3000)
    assert len(hotspots(lon, lat, STREET, cell_m=100)) == 0


def test_gi_star_on_a_tiny_lattice():
    corners = np.array([[x * 100.0, y * 100.0] for y in range(5) for x in range(5)])
    counts = np.zeros(25)
    counts[12] = 50                                                    # the centre cell
    z = gi_star(counts, corners, 100.0)
    hot = {6, 7, 8, 11, 12, 13, 16, 17, 18}                            # the centre and its 8 neighbours see it
    assert set(np.flatnonzero(np.isclose(z, z.max()))) == hot and z[0] < z[12]
    assert np.isnan(gi_star(np.ones(25), corners, 100.0)).all()        # nothing varies: nothing to test
    assert confidence(np.array([0.0, 1.0, 10.0, -10.0]))[2] == 99 and confidence(np.array([-10.0]))[0] == 0
