"""Household norms: how many households a grid should hold, and where each grid stands.

The norms are settings (``household_norms``: ``{type: [min, max]}``, ``community_types``:
``{community: type}``), because the seeds quote different ones: 300-500 households per grid in
mixed old neighbourhoods, 500-700 in property-managed estates, 50-100 per micro-grid.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from analysis.settings import Settings


def norm_ranges(communities: pd.Series, settings: Settings, level: str = "grid") -> pd.DataFrame:
    """``norm_min`` and ``norm_max`` (households) for grids in these communities.

    A micro-grid (``level='micro'``) uses the ``micro`` norm; a grid uses its community's type
    from ``community_types``, else ``grid``.
    """
    norms, types = settings["household_norms"], settings["community_types"]
    kind = pd.Series("micro" if level == "micro" else "grid", index=communities.index)
    if level != "micro":
        kind = communities.map(types).fillna("grid")
    bounds = kind.map(lambda k: norms.get(k, norms["grid"]))
    return pd.DataFrame({"norm_type": kind, "norm_min": bounds.str[0].astype(float),
                         "norm_max": bounds.str[1].astype(float)}, index=communities.index)


def norm_position(households: ArrayLike, norm_min: ArrayLike, norm_max: ArrayLike) -> np.ndarray:
    """'below', 'within' or 'above' the norm for each grid (bounds inclusive)."""
    households = np.asarray(households, dtype=float)
    return np.where(households < np.asarray(norm_min), "below",
                    np.where(households > np.asarray(norm_max), "above", "within")).astype(object)
