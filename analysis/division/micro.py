"""Micro-grids (微网格) under a redrawn division: which grid each now lies in, and which a new line cuts.

A micro-grid follows the grid that holds its inner point (:func:`shapely.point_on_surface`). A new grid
line *cuts* a micro-grid when more than ``CUT_SHARE`` of its area lies outside that grid: the analyst
must redraw it (or move the line), since a micro-grid belongs to exactly one grid.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.geo.geometry import areas_m2

CUT_SHARE = 0.02
"""Share of a micro-grid's area outside its grid above which it counts as cut (tracing noise stays below)."""
LAYER_COLUMNS = ("grid_id", "name", "level", "parent_id", "community")


def micro_layer(micro: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A dataset's micro-grids (:attr:`analysis.metrics.dataset.Dataset.micro`) as boundary-layer rows."""
    return gpd.GeoDataFrame({"grid_id": micro["micro_id"].to_numpy(), "name": micro["name"].to_numpy(),
                             "level": "micro", "parent_id": micro["parent_id"].to_numpy(),
                             "community": micro["community"].to_numpy()}, geometry=micro.geometry.to_numpy(), crs=4326)


def _parents(grids: gpd.GeoDataFrame, micro: gpd.GeoDataFrame) -> np.ndarray:
    """Row of ``grids`` holding each micro-grid's inner point (-1 when none)."""
    inner = shapely.point_on_surface(micro.geometry.to_numpy())
    at, grid_at = shapely.STRtree(grids.geometry.to_numpy()).query(inner, predicate="intersects")
    parent = np.full(len(micro), -1)
    parent[at[::-1]] = grid_at[::-1]
    return parent


def with_micro_grids(layer: gpd.GeoDataFrame, earlier: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``layer`` plus the micro-grid rows of ``earlier``, each under the grid of ``layer`` holding its inner point."""
    micro = earlier[earlier["level"] == "micro"] if "level" in earlier else earlier.iloc[:0]
    if micro.empty:
        return layer
    grids = layer[layer["level"] == "grid"].reset_index(drop=True)
    parent = _parents(grids, micro)
    micro = micro.assign(parent_id=np.where(parent >= 0, grids["grid_id"].to_numpy()[np.maximum(parent, 0)], ""),
                         community=np.where(parent >= 0, grids["community"].to_numpy()[np.maximum(parent, 0)],
                                            micro["community"]))
    return gpd.GeoDataFrame(pd.concat([layer, micro[list(LAYER_COLUMNS) + ["geometry"]]], ignore_index=True),
                            crs=4326)


def cut_micro_grids(grids: gpd.GeoDataFrame, micro: gpd.GeoDataFrame) -> pd.DataFrame:
    """The micro-grids a division's grid lines cut (see the module), largest share outside first.

    Returns
    -------
    pandas.DataFrame
        ``grid_id`` (the micro-grid's code), ``name``, ``parent_id`` (the grid now holding its inner
        point), ``outside_share`` (0–1 of its area outside that grid).
    """
    columns = ["grid_id", "name", "parent_id", "outside_share"]
    if micro.empty or grids.empty:
        return pd.DataFrame(columns=columns)
    grids = grids.reset_index(drop=True)
    parent = _parents(grids, micro)
    geoms = micro.geometry.to_numpy()
    holder = grids.geometry.to_numpy()[np.maximum(parent, 0)]
    inside = shapely.intersection(geoms, holder)
    total = areas_m2(geoms)
    share = np.where(parent >= 0, 1 - areas_m2(inside) / np.where(total > 0, total, 1), 1.0)
    out = pd.DataFrame({"grid_id": micro["grid_id"].to_numpy(), "name": micro["name"].to_numpy(),
                        "parent_id": np.where(parent >= 0, grids["grid_id"].to_numpy()[np.maximum(parent, 0)], ""),
                        "outside_share": np.clip(share, 0, 1)})
    cut: pd.DataFrame = out[out["outside_share"] > CUT_SHARE].sort_values("outside_share", ascending=False)
    return cut.reset_index(drop=True)
