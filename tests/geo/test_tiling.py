"""Gaps, overlaps and uncovered points of a set of polygons, with known areas on hand-made drawings."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from analysis.geo import tiling
from analysis.geo.geometry import to_metric
from tests.fixtures import at, centre, four_grids, square


def test_gaps_and_overlaps_known_areas():
    street = shapely.box(*at(0, 0), *at(2, 2))
    one = to_metric(np.array([square(0, 0)]))[0][0].area
    # G4 missing -> one unit gap; a half-unit overlap between two rectangles
    grids = [square(0, 1), square(1, 1), square(0, 0)]
    gaps = tiling.gap_parts(grids, street)
    assert len(gaps) == 1 and gaps[0][1] == pytest.approx(one, rel=1e-3)
    left, right = shapely.box(*at(0, 0), *at(1.5, 1)), shapely.box(*at(1, 0), *at(2, 1))
    pairs = tiling.overlap_pairs([left, right])
    assert len(pairs) == 1 and pairs[0][:2] == (0, 1) and pairs[0][2] == pytest.approx(one / 2, rel=1e-3)
    assert tiling.overlap_pairs(list(four_grids().geometry)) == []       # edge-sharing squares do not overlap


def test_buildings_in_no_grid():
    lon, lat = zip(centre(0, 0), centre(5, 5), at(1, 1), strict=False)   # inside, far away, on a shared corner
    assert tiling.uncovered_points(list(four_grids().geometry), lon, lat).tolist() == [False, True, False]
