"""Density images on planted patterns with known answers."""
import io

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from analysis.maps import density
from tests.fixtures import PLANTED_STREET, X0, Y0, uniform_and_cluster


def test_raster_covers_the_bounds_with_square_cells():
    raster = density.raster_for(PLANTED_STREET.bounds, cell_m=20, margin_m=100)
    (south, west), (north, east) = raster.bounds
    assert west < X0 and east > X0 + 0.02 and south < Y0 and north > Y0 + 0.02
    assert abs(raster.dx * 98_000 - raster.dy * 110_574) < 1.5          # both ~20 m
    assert max(density.raster_for(PLANTED_STREET.bounds, cell_m=1, max_side=100).nx,
               density.raster_for(PLANTED_STREET.bounds, cell_m=1, max_side=100).ny) <= 100


def test_density_image_peaks_where_incidents_cluster():
    lon, lat = uniform_and_cluster(np.random.default_rng(1))
    raster = density.raster_for(PLANTED_STREET.bounds)
    surface = density.smoothed(raster, raster.cells(lon, lat))
    row, col = np.unravel_index(np.argmax(surface), surface.shape)
    peak_lon = raster.x0 + (col + 0.5) * raster.dx
    peak_lat = raster.y0 + (raster.ny - row - 0.5) * raster.dy          # row 0 is the north edge
    assert abs(peak_lon - (X0 + 0.005)) < 0.0006 and abs(peak_lat - (Y0 + 0.015)) < 0.0006
    image = Image.open(io.BytesIO(density.to_png(surface, density.scale_max([surface])))).convert("RGBA")
    assert image.size == (raster.nx, raster.ny)
    alpha = np.asarray(image)[..., 3]
    assert alpha[row, col] == alpha.max() > 150 and alpha[0, 0] == 0   # opaque peak, clear margin


def test_no_incidents_is_a_clear_image():
    raster = density.raster_for(PLANTED_STREET.bounds)
    surface = density.smoothed(raster, raster.cells(np.array([]), np.array([])))
    image = Image.open(io.BytesIO(density.to_png(surface, density.scale_max([surface])))).convert("RGBA")
    assert np.asarray(image)[..., 3].max() == 0


EDGES = density.Raster(112.9, 28.1, 0.01, 0.005, 7, 5)      # east edge 112.97, north edge 28.125
LONS = st.one_of(st.floats(112.85, 113.0), st.sampled_from([112.9, 112.97, 112.91, 112.89, np.nan, np.inf]))
LATS = st.one_of(st.floats(28.05, 28.2), st.sampled_from([28.1, 28.125, 28.105, 28.13, np.nan]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(LONS, LATS), max_size=40))
def test_cell_counts_match_numpys_histogram(points):
    lon, lat = np.array([p[0] for p in points], float), np.array([p[1] for p in points], float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    r = EDGES
    expected, _, _ = np.histogram2d(lat[ok], lon[ok], bins=[r.ny, r.nx],
                                    range=[[r.y0, r.y0 + r.ny * r.dy], [r.x0, r.x0 + r.nx * r.dx]])
    assert np.array_equal(r.counts(r.cells(lon, lat)), expected[::-1])
    assert r.cells(lon, lat).dtype == np.int32 and (r.cells(lon, lat)[~ok] == -1).all()


def test_the_image_holds_each_cells_colour_level_exactly():
    """The PNG (written at a fast zlib level) decodes to each cell's level of the ramp, 0 for an empty cell and
    the top level at and above the scale's top."""
    surface = np.random.default_rng(7).gamma(0.6, 2.0, size=(120, 90)) * (np.arange(90) % 7 > 1)
    top = density.scale_max([surface])
    levels = np.asarray(Image.open(io.BytesIO(density.to_png(surface, top))))
    assert levels.shape == surface.shape
    assert np.array_equal(levels, np.round(np.clip(surface / top, 0, 1) * (density.LEVELS - 1)).astype(np.uint8))
    assert levels[surface >= top].min() == density.LEVELS - 1 and (levels[surface == 0] == 0).all()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(LONS, LATS, st.integers(-1, 3)), max_size=40), st.integers(1, 4))
def test_a_stack_of_layers_is_each_layer_smoothed_alone(points, layers):
    """The weeks of a map are filtered as one stack: each layer must be exactly its points' own surface (a point
    in layer -1, or in none of the ``layers``, in no layer)."""
    lon, lat = np.array([p[0] for p in points], float), np.array([p[1] for p in points], float)
    layer = np.array([p[2] for p in points], dtype=np.int64)
    cells = EDGES.cells(lon, lat)
    stack = density.smoothed_layers(EDGES, cells, layer, layers, bandwidth_m=700.0)
    assert stack.shape == (layers, EDGES.ny, EDGES.nx)
    for k in range(layers):
        assert np.array_equal(stack[k], density.smoothed(EDGES, cells[layer == k], bandwidth_m=700.0))
