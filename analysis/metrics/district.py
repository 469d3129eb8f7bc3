"""The district's view (全区对比): the standard figures of every street of one database, side by side, and the
streets' outlines for a map.

Each street's figures are its :func:`analysis.metrics.indicators.indicators` for the period (the same numbers
as its resolution page); this module adds the street's size (grids, households) and one rate the streets can
be compared by whatever their size, cases reported per 1,000 households.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from analysis.metrics.dataset import Dataset
from analysis.metrics.indicators import FIGURES, indicators
from analysis.metrics.periods import Period
from analysis.settings import Settings

COLUMNS = ("code", "name", "grids", "households", *FIGURES, "per_1000_households")


@dataclass(frozen=True)
class Street:
    """One street of the database: its code, its name, and its dataset (current boundary version)."""

    code: str
    name: str
    dataset: Dataset


def street_table(streets: list[Street], period: Period, settings: Settings) -> pd.DataFrame:
    """One row per street (columns :data:`COLUMNS`).

    ``grids``: grid-level polygons of the current version; ``households``: their sum (0 when unknown);
    the figures of :data:`analysis.metrics.indicators.FIGURES` for ``period`` (rates 0–1, None without a
    denominator); ``per_1000_households`` = reported ÷ households × 1000 (None without households).
    """
    rows = []
    for street in streets:
        grids = street.dataset.grids
        households = float(pd.to_numeric(grids["households"], errors="coerce").fillna(0).sum()) if len(grids) else 0.0
        figures = indicators(street.dataset, period, settings)["street"]
        rows.append({"code": street.code, "name": street.name, "grids": len(grids), "households": households,
                     **figures,
                     "per_1000_households": figures["reported"] / households * 1000 if households else None})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def street_outlines(streets: list[Street]) -> gpd.GeoDataFrame:
    """Each street's outline (WGS-84): its stored street boundary, else the union of its grids; a street with
    neither is left out."""
    codes, shapes = [], []
    for street in streets:
        shape = street.dataset.street
        if shape is None and len(street.dataset.grids):
            shape = shapely.union_all(street.dataset.grids.geometry.to_numpy())
        if shape is not None and not shape.is_empty:
            codes.append(street.code)
            shapes.append(shape)
    return gpd.GeoDataFrame({"code": codes}, geometry=shapes, crs=4326)
