"""Household norms: how many households a grid should hold, and where each grid stands.

The norms are settings (``household_norms``: ``{type: [min, max]}``, ``community_types``:
``{community: type}``, ``population_norms``), because the seeds quote different ones: 300-500 households
per grid in mixed neighbourhoods, 300-400 in old ones, 500-700 in property-managed estates, 50-100 per
micro-grid; by people, 900-1,200 in old neighbourhoods and 1,500-2,100 in estates.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from analysis.settings import Settings


def norm_ranges(communities: pd.Series, settings: Settings, level: str = "grid") -> pd.DataFrame:
    """``norm_min`` and ``norm_max`` (households), and ``pop_min`` / ``pop_max`` (people, NaN where the type
    has no population norm) for grids in these communities.

    A micro-grid (``level='micro'``) uses the ``micro`` norm; a grid uses its community's type
    from ``community_types``, else ``grid``.
    """
    norms, types = settings["household_norms"], settings["community_types"]
    kind = pd.Series("micro" if level == "micro" else "grid", index=communities.index)
    if level != "micro":
        kind = communities.map(types).fillna("grid")
    population = settings.get("population_norms", {})
    kinds = pd.Index(kind.unique())   # looked up once per type: reading the settings per grid took 0.3 s at 5,000
    found = np.array([[*norms.get(k, norms["grid"]), *population.get(k, (np.nan, np.nan))] for k in kinds],
                     dtype=float).reshape(len(kinds), 4)[kinds.get_indexer(kind)]
    return pd.DataFrame({"norm_type": kind, "norm_min": found[:, 0], "norm_max": found[:, 1], "pop_min": found[:, 2],
                         "pop_max": found[:, 3]}, index=communities.index)


def norm_position(households: ArrayLike, norm_min: ArrayLike, norm_max: ArrayLike) -> np.ndarray:
    """'below', 'within' or 'above' the norm for each grid (bounds inclusive); '' where the norm is NaN."""
    households = np.asarray(households, dtype=float)
    low, high = np.asarray(norm_min, dtype=float), np.asarray(norm_max, dtype=float)
    position = np.where(households < low, "below", np.where(households > high, "above", "within")).astype(object)
    position[np.isnan(low) | np.isnan(high)] = ""
    return position
