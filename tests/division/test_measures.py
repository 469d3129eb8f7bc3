"""Measures of a division's drawing: balance, Polsby-Popper compactness (in metres), contiguity."""
from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from analysis.division import measures as dm
from analysis.geo.geometry import to_metric
from tests.fixtures import square


def test_balance_known_answers():
    assert dm.balance([300, 500]).cv == pytest.approx(0.25)            # std 100 / mean 400
    assert dm.balance([300, 500]).max_over_min == pytest.approx(500 / 300)
    assert dm.balance([400, 400, 400]).cv == 0
    assert dm.balance([0, 100]).max_over_min == math.inf
    assert math.isnan(dm.balance([]).cv)


def test_polsby_popper_of_circle_square_and_strip():
    assert dm.polsby_popper(math.pi, 2 * math.pi) == pytest.approx(1.0)          # unit circle
    assert dm.polsby_popper(1.0, 4.0) == pytest.approx(math.pi / 4)              # unit square
    assert dm.polsby_popper(10.0, 22.0) == pytest.approx(4 * math.pi * 10 / 484)  # 1 x 10 strip
    assert math.isnan(dm.polsby_popper(0.0, 0.0))


def test_compactness_is_measured_in_metres_not_degrees():
    # a box 0.001° wide and 0.001° tall is ~98 m x 111 m: close to, but not, a square
    metric = to_metric(np.array([square(0, 0)]))[0][0]
    w, h = metric.bounds[2] - metric.bounds[0], metric.bounds[3] - metric.bounds[1]
    expected = 4 * math.pi * w * h / (2 * (w + h)) ** 2
    assert dm.compactness([square(0, 0)])[0] == pytest.approx(expected, rel=1e-3)
    assert expected < math.pi / 4


def test_contiguity_counts_parts():
    two = shapely.union(square(0, 0), square(2, 0))
    assert dm.part_counts([square(0, 0), two, shapely.Polygon()]).tolist() == [1, 2, 0]
