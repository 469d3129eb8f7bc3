"""Small hand-made geometry with known answers, drawn in units of 0.001 degrees near Changsha.

      y
      2 +-------+-------+
        |  G1   |  G2   |
      1 +-------+-------+
        |  G3   |  G4   |
      0 +-------+-------+
        0       1       2   x
"""
from __future__ import annotations

import geopandas as gpd
import shapely

X0, Y0, UNIT = 112.97, 28.19, 0.001


def at(x: float, y: float) -> tuple[float, float]:
    """Degrees of the drawing's point (x, y)."""
    return X0 + x * UNIT, Y0 + y * UNIT


def square(x: float, y: float, size: float = 1.0) -> shapely.Polygon:
    (a, b), (c, d) = at(x, y), at(x + size, y + size)
    return shapely.box(a, b, c, d)


def four_grids() -> gpd.GeoDataFrame:
    """The 2 x 2 drawing as a canonical grids frame (community 'C1' = code 'C1' is the parent)."""
    return gpd.GeoDataFrame({
        "grid_id": ["C1G1", "C1G2", "C1G3", "C1G4"], "name": ["一", "二", "三", "四"],
        "level": ["grid"] * 4, "parent_id": ["C1"] * 4, "community": ["甲社区"] * 4,
        "households": [400.0, 300.0, 200.0, 100.0], "population": [1000.0, 800.0, 500.0, 250.0],
    }, geometry=[square(0, 1), square(1, 1), square(0, 0), square(1, 0)], crs=4326)
