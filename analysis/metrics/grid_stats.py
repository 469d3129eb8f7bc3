"""One row per grid: the measures the overview ranks and the map colours.

Every figure is one of :mod:`analysis.metrics.resolution`'s metrics grouped by grid, or a ratio of them
to the grid's households (from :func:`analysis.metrics.dataset.division_attributes`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from analysis.metrics import resolution as r
from analysis.metrics.dataset import Dataset
from analysis.metrics.norms import norm_position, norm_ranges
from analysis.settings import Settings


def per_100(values: ArrayLike, households: ArrayLike) -> np.ndarray:
    """``values`` per 100 households (NaN for a grid without households)."""
    return r.rate(np.asarray(values, dtype=float) * 100.0, households)


def grid_measures(ds: Dataset, flags: r.PeriodFlags, mask: np.ndarray | None, settings: Settings) -> pd.DataFrame:
    """Per-grid measures for one period (all grids of the version, in ``grid_id`` order).

    Columns: grid_id, name, community, households, population, workers, volunteers, reported,
    per_100_households, due, closed, backlog, overdue, closure_rate, on_time_rate,
    median_days (to close), within_grid, norm_type, norm_min, norm_max, norm_position,
    volunteers_per_100_households.
    """
    groups = r.Groups(ds.grid_codes, ds.grids["grid_id"].to_numpy(dtype=object))
    out = pd.DataFrame(ds.grids[["grid_id", "name", "community", "households", "population", "workers",
                                 "volunteers"]])
    out["reported"] = r.reported_count(flags, mask, groups)
    out["per_100_households"] = per_100(out["reported"], out["households"])
    out["due"] = r.due_count(flags, mask, groups)
    out["closed"] = r.closed_count(flags, mask, groups)
    out["backlog"] = r.open_backlog(flags, mask, groups)
    out["overdue"] = r.overdue_open(flags, mask, groups)
    out["closure_rate"] = r.closure_rate(flags, mask, groups)
    out["on_time_rate"] = r.on_time_closure_rate(flags, mask, groups)
    out["median_days"] = r.days_to_close(flags, 0.5, mask, groups)
    out["within_grid"] = r.within_grid_share(flags, mask, groups)
    out = out.join(norm_ranges(out["community"], settings))
    out["norm_position"] = norm_position(out["households"], out["norm_min"], out["norm_max"])
    out["volunteers_per_100_households"] = per_100(out["volunteers"], out["households"])
    return out.reset_index(drop=True)
