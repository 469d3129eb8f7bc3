"""Getis-Ord Gi* hotspots on planted patterns and a tiny lattice with known answers."""
import numpy as np
import pytest
import shapely
from scipy.stats import norm

from analysis.maps.hotspots import MAX_CELLS, cell_size, confidence, gi_star, hotspots, lattice, metric_area
from tests.fixtures import PLANTED_STREET, X0, Y0, at, uniform_and_cluster


def test_a_planted_cluster_is_a_hot_spot_and_nothing_else_is():
    lon, lat = uniform_and_cluster(np.random.default_rng(2))
    hot = hotspots(lon, lat, PLANTED_STREET, cell_m=100)
    assert len(hot) > 0 and hot["confidence"].max() == 99
    centre = shapely.Point(at(5, 15))
    assert shapely.distance(hot.geometry.to_numpy(), centre).min() == 0            # the cluster's cell is hot
    assert shapely.distance(hot.geometry.to_numpy(), centre).max() < 0.0035         # and every hot cell is near it


def test_uniform_incidents_have_no_hotspots():
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(X0, X0 + 0.02, 3000), rng.uniform(Y0, Y0 + 0.02, 3000)
    assert len(hotspots(lon, lat, PLANTED_STREET, cell_m=100)) == 0


def test_gi_star_on_a_tiny_lattice():
    corners = np.array([[x * 100.0, y * 100.0] for y in range(5) for x in range(5)])
    counts = np.zeros(25)
    counts[12] = 50                                                    # the centre cell
    z = gi_star(counts, corners, 100.0)
    hot = {6, 7, 8, 11, 12, 13, 16, 17, 18}                            # the centre and its 8 neighbours see it
    assert set(np.flatnonzero(np.isclose(z, z.max()))) == hot and z[0] < z[12]
    # by hand: n 25, mean 2, variance 100 - 4 = 96; the centre's block holds 9 cells and 50 incidents,
    # G 1, E[G] 0.36, Var 9 x 16 / 625 -> z 0.64 / 0.48; a corner's holds 4 cells and none: z -0.16 / sqrt(84 / 625)
    assert z[12] == pytest.approx(4 / 3) and z[0] == pytest.approx(-0.16 / np.sqrt(84 / 625))
    assert np.isnan(gi_star(np.ones(25), corners, 100.0)).all()        # nothing varies: nothing to test
    assert confidence(np.array([0.0, 1.0, 10.0, -10.0]))[2] == 99 and confidence(np.array([-10.0]))[0] == 0


@pytest.mark.parametrize("seed", range(5))
def test_gi_star_is_esda_s_with_queen_weights(seed):
    """On a lattice with holes (cells outside the street take no part) and islands, the lattice sums give the
    z-scores of esda's G_Local over libpysal's distance-band weights, the way they were computed before."""
    import warnings

    import esda
    from libpysal.weights import DistanceBand
    rng = np.random.default_rng(seed)
    side = 50.0
    corners = np.array([[x * side, y * side] for y in range(30) for x in range(40)])
    corners = corners[rng.random(len(corners)) < 0.7] + [300.0, -120.0]
    counts = rng.poisson(rng.choice([0.5, 3.0, 20.0], len(corners)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weights = DistanceBand(corners + side / 2, threshold=side * 1.5, binary=True, silence_warnings=True)
        expected = esda.G_Local(counts, weights, transform="B", star=True, permutations=0).Zs
    np.testing.assert_allclose(gi_star(counts.astype(float), corners, side), expected, rtol=1e-9, atol=1e-12)


def test_cells_grow_for_a_city_sized_area():
    """A street keeps its 100 m cells; a 40 km x 30 km city gets cells that keep it under MAX_CELLS."""
    assert cell_size((0, 0, 2_000, 2_200), 100.0) == 100.0
    side = cell_size((0, 0, 40_000, 30_000), 100.0)
    assert side > 100.0 and (40_000 / side) * (30_000 / side) <= MAX_CELLS * 1.0001


def test_hotspots_over_a_large_area_take_larger_cells():
    rng = np.random.default_rng(3)
    big = shapely.box(X0, Y0, X0 + 0.4, Y0 + 0.3)        # about 39 km x 33 km
    lon = np.r_[rng.uniform(X0, X0 + 0.4, 3000), rng.normal(X0 + 0.2, 0.01, 600)]
    lat = np.r_[rng.uniform(Y0, Y0 + 0.3, 3000), rng.normal(Y0 + 0.15, 0.01, 600)]
    hot = hotspots(lon, lat, big, 100.0)
    assert len(hot) > 0
    side = np.sqrt(hot.to_crs(hot.estimate_utm_crs()).area.iloc[0])
    assert side > 200    # not 100 m: the area holds about 130,000 cells of 100 m


def test_the_false_discovery_rate_keeps_the_cells_esda_keeps():
    """Benjamini-Hochberg through scipy keeps exactly the cells below ``esda.fdr``'s threshold."""
    import esda

    from analysis.maps.hotspots import LEVELS
    rng = np.random.default_rng(5)
    for _ in range(200):
        z = np.concatenate([rng.normal(0, 1, int(rng.integers(1, 300))), rng.normal(3.5, 1, int(rng.integers(0, 30)))])
        p = 2 * norm.sf(np.abs(z))
        expected = np.zeros(len(z), dtype=int)
        for level, alpha in reversed(LEVELS):
            expected[(z > 0) & (p <= esda.fdr(p, alpha))] = level
        assert (confidence(z) == expected).all()


def test_the_lattice_takes_the_cells_that_touch_the_area_and_is_kept_for_it():
    """An L-shaped street: the cells taking part are those whose squares meet it (each tested on its own), in
    order; a point at each one's centre counts one in it and none elsewhere; a second call is the same lattice."""
    street = shapely.union(shapely.box(X0, Y0, X0 + 0.02, Y0 + 0.005), shapely.box(X0, Y0, X0 + 0.005, Y0 + 0.02))
    cells = lattice(street, 100.0)
    metric, _ = metric_area(street)
    every = [(k, shapely.box(cells.x0 + (k % cells.nx) * 100.0, cells.y0 + (k // cells.nx) * 100.0,
                             cells.x0 + (k % cells.nx + 1) * 100.0, cells.y0 + (k // cells.nx + 1) * 100.0))
             for k in range(cells.nx * cells.ny)]
    assert cells.cell_m == 100.0 and cells.taking.tolist() == [k for k, square in every if square.intersects(metric)]
    assert 0.35 < len(cells.taking) / (cells.nx * cells.ny) < 0.6          # an L: about half its bounding box
    centres = cells.corners + 50.0
    assert (cells.counts(cells.numbers(centres[:, 0], centres[:, 1])) == 1).all()
    outside = cells.numbers(np.array([cells.x0 - 1.0, cells.x0 + 50.0, np.nan]), np.array([cells.y0, cells.y0 - 0.5, 1.0]))
    assert outside.tolist() == [-1, -1, -1] and cells.counts(outside).sum() == 0   # west, south, no position: none
    assert lattice(street, 100.0) is cells and lattice(street, 200.0) is not cells
