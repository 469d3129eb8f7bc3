"""What a street's data lacks, so that each page can say in words what it cannot show and how to add it.

A figure computed on missing data is not zero, it is unknown: a page that finds one of these gaps
shows what it can and names the gap (``ui.notes``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.metrics.dataset import Dataset

GAPS = ("incidents", "deadlines", "closing_times", "categories", "handled_levels", "handlers", "buildings",
        "households", "workers", "fulltime_workers", "volunteers", "volunteer_locations", "services")


def missing_data(ds: Dataset, fulltime_roles: list[str] | tuple[str, ...] = ()) -> set[str]:
    """The gaps of ``ds`` (a subset of :data:`GAPS`).

    ==================== =====================================================================
    incidents            no incident is stored
    deadlines            no incident has a deadline (every one is assumed from its category)
    closing_times        no incident has a closing time
    categories           no incident has a category (大类)
    handled_levels       no closed incident says at which level it was handled
    handlers             no incident names its handler
    buildings            no building register
    households           no household counts (neither in the buildings nor in the grid layer)
    workers              no worker register
    fulltime_workers     workers, but none in a role of ``fulltime_roles``
    volunteers           no volunteer register
    volunteer_locations  volunteers, but none with a location
    services             no volunteer service record
    ==================== =====================================================================
    """
    gaps = set()
    incidents = ds.incidents
    if incidents.empty:
        gaps.add("incidents")
    else:
        if "due_assumed" in incidents and bool(incidents["due_assumed"].all()):
            gaps.add("deadlines")
        if incidents["closed_at"].isna().all():
            gaps.add("closing_times")
        if _blank(incidents["category"]):
            gaps.add("categories")
        closed = incidents["closed_at"].notna()
        if closed.any() and _blank(incidents.loc[closed, "handled_level"]):
            gaps.add("handled_levels")
        if _blank(incidents["handler"]):
            gaps.add("handlers")
    if ds.buildings.empty:
        gaps.add("buildings")
    if float(ds.grids["households"].sum()) <= 0:
        gaps.add("households")
    if ds.workers.empty:
        gaps.add("workers")
    elif fulltime_roles and not ds.workers["role"].isin(list(fulltime_roles)).any():
        gaps.add("fulltime_workers")
    if ds.volunteers.empty:
        gaps.add("volunteers")
    elif pd.to_numeric(ds.volunteers["lon"], errors="coerce").isna().all():
        gaps.add("volunteer_locations")
    if ds.services.empty:
        gaps.add("services")
    return gaps


def _blank(values: pd.Series) -> bool:
    """Every value is empty text (a categorical is read through the categories it uses: fast on a million rows)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.unique(values.cat.codes.to_numpy())
        used = values.cat.categories[codes[codes >= 0]]       # missing values count as empty
        return bool((used.astype(str) == "").all())
    return bool((values.astype(str) == "").all())
