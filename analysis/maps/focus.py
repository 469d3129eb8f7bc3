"""Which grids a map of a chosen place draws, when the division is too large to draw whole for it.

A street's map of one community draws every grid, those outside it faded: the rest of the street is context.
A city's is another matter. At 5,000 grids each community change sent Chromium a 2.95 MB map of the whole city
and had it parse and draw 5,000 shapes again (1.2–1.5 CPU s of Chromium's, 0.5 s of the server's for the
styles and the JSON), for a community of about a hundred grids, a speck in a view fitted to the city.
Beyond :data:`AROUND_FROM` grids the map of a chosen place draws that place and the grids around it
(:func:`around`), fitted to them; the community outlines still show the whole division.
"""
from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike

from analysis.maps.build import GridShapes, grid_shapes
from analysis.maps.classes import Classes

AROUND_FROM = 1_000   # grids in the division beyond which a chosen place's map draws only the place and around it
MARGIN = 0.25         # the context drawn around the place: this share of its larger side on every side
MIN_PAD_DEG = 0.003   # and at least this (about 300 m), so that a single grid shows its neighbours


def around(geoms: ArrayLike, chosen: ArrayLike, limit: int = AROUND_FROM) -> np.ndarray:
    """Positions of the grids a map of the ``chosen`` ones draws, in order.

    Parameters
    ----------
    geoms : array of shapely geometries
        Every grid of the division (degrees, WGS-84).
    chosen : array of bool
        The grids in the chosen place, aligned with ``geoms``.
    limit : int
        Divisions of at most this many grids are drawn whole.

    Returns
    -------
    numpy.ndarray of int
        Every position when the division has at most ``limit`` grids, or when every grid or none is chosen.
        Otherwise the chosen grids and those whose bounds meet the chosen grids' bounds widened on every side
        by ``pad = max(MARGIN × larger side, MIN_PAD_DEG)`` degrees.
    """
    geoms = np.asarray(geoms, dtype=object)
    chosen = np.asarray(chosen, dtype=bool)
    everything = np.arange(len(geoms))
    if len(geoms) <= limit or chosen.all() or not chosen.any():
        return everything
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms[chosen])
    if not np.isfinite(xmin):            # the chosen grids have no shape to centre on
        return everything
    pad = max(MARGIN * max(xmax - xmin, ymax - ymin), MIN_PAD_DEG)
    bounds = shapely.bounds(geoms)       # NaN for a missing shape: never near
    near = ((bounds[:, 0] <= xmax + pad) & (bounds[:, 2] >= xmin - pad)
            & (bounds[:, 1] <= ymax + pad) & (bounds[:, 3] >= ymin - pad))
    drawn: np.ndarray = everything[chosen | near]
    return drawn


def in_view(grids: gpd.GeoDataFrame, classes: Classes, basemap: str, every_shape: Callable[[], GridShapes]
            ) -> tuple[gpd.GeoDataFrame, Classes, GridShapes]:
    """The grids a map of the chosen place (``grids["in_scope"]``) draws (:func:`around`), their colours and their
    shapes on ``basemap``: ``every_shape()``, the shapes of every grid that the caller keeps for every map of them,
    when all are drawn; else the drawn grids' shapes, simplified for the closer view."""
    keep = around(grids.geometry.to_numpy(), grids["in_scope"].to_numpy(bool))
    if len(keep) == len(grids):
        return grids, classes, every_shape()
    drawn = grids.iloc[keep]
    return drawn, classes.take(keep), grid_shapes(drawn.geometry.to_numpy(), basemap)
