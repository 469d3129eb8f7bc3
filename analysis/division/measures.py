"""How good a division is as a drawing: balance, compactness, contiguity, gaps and overlaps.

All areas and lengths are in the local UTM zone (metres), never in degrees.

==========================  ===============================================================
balance (of values x)       coefficient of variation ``std(x) / mean(x)`` (population std,
                            ddof = 0) and ``max(x) / min(x)`` (inf when min is 0)
Polsby-Popper compactness   ``4π · area / perimeter²``: 1 for a circle, π/4 ≈ 0.785 for a
                            square, → 0 for a long thin strip
contiguity                  a grid is contiguous when it is one polygon (one part)
gaps, overlaps              see :mod:`analysis.geo.tiling`
==========================  ===============================================================
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import ArrayLike

from analysis.geo.geometry import Geometries, to_metric


@dataclass(frozen=True)
class Balance:
    """Spread of one quantity over the grids."""

    cv: float
    max_over_min: float


def balance(values: ArrayLike) -> Balance:
    """Coefficient of variation (ddof = 0) and max/min of ``values``; NaN for no values.

    >>> balance([300, 500])
    Balance(cv=0.25, max_over_min=1.6666666666666667)
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0 or x.mean() == 0:
        return Balance(float("nan"), float("nan"))
    low = x.min()
    return Balance(float(x.std() / x.mean()), float(x.max() / low) if low > 0 else float("inf"))


def polsby_popper(area: ArrayLike, perimeter: ArrayLike) -> np.ndarray:
    """``4π · area / perimeter²`` (any consistent units); NaN where the perimeter is 0."""
    area, perimeter = np.asarray(area, dtype=float), np.asarray(perimeter, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(perimeter > 0, 4 * np.pi * area / perimeter ** 2, np.nan)


def compactness(geoms: Geometries) -> np.ndarray:
    """Polsby-Popper compactness of each WGS-84 polygon, computed in metres."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return np.zeros(0)
    metric, _ = to_metric(geoms)
    return polsby_popper(shapely.area(metric), shapely.length(metric))


def part_counts(geoms: Geometries) -> np.ndarray:
    """Number of separate polygons in each geometry (0 for an empty one); 1 means contiguous."""
    geoms = np.asarray(geoms, dtype=object)
    return np.where(shapely.is_empty(geoms), 0, shapely.get_num_geometries(geoms)).astype(int)
