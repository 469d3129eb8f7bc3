"""One row per grid (or micro-grid): the measures the overview ranks, the map colours and the workload
page sets against the household norms.

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


# the measures of a grid that depend only on its incidents (not on its households or its norm)
INCIDENT_MEASURES = ("reported", "due", "closed", "backlog", "overdue", "closure_rate", "on_time_rate",
                     "median_days", "within_grid")


def grid_measures(ds: Dataset, flags: r.PeriodFlags, mask: np.ndarray | None, settings: Settings,
                  known: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-grid measures for one period (all grids of the version, in ``grid_id`` order).

    Columns: grid_id, name, community, households, population, workers, volunteers, reported,
    per_100_households, due, closed, backlog, overdue, closure_rate, on_time_rate,
    median_days (to close), within_grid, norm_type, norm_min, norm_max, norm_position,
    volunteers_per_100_households.

    ``known``: :data:`INCIDENT_MEASURES` (index ``grid_id``) already worked out, with the same ``flags`` and
    ``mask``, for grids that have the same incidents in ``ds``; only the other grids' are worked out (a
    what-if's edit changes a few grids of thousands).
    """
    out = _unit_measures(pd.DataFrame(ds.grids[["grid_id", "name", "community", "households", "population",
                                                "workers", "volunteers"]]), ds.grid_codes, flags, mask, known)
    out = out.join(norm_ranges(out["community"], settings))
    out["norm_position"] = norm_position(out["households"], out["norm_min"], out["norm_max"])
    out["population_position"] = norm_position(out["population"], out["pop_min"], out["pop_max"])
    out["volunteers_per_100_households"] = per_100(out["volunteers"], out["households"])
    return out.reset_index(drop=True)


def micro_measures(ds: Dataset, flags: r.PeriodFlags, mask: np.ndarray | None, settings: Settings) -> pd.DataFrame:
    """Per-micro-grid measures (微网格, every micro-grid of the version in ``micro_id`` order): the columns of
    :func:`grid_measures` that apply (``micro_id``, ``name``, ``grid`` = its grid's name, ``community``,
    households, population, reported … within_grid), against the ``micro`` household norm."""
    units = pd.DataFrame(ds.micro[["micro_id", "name", "parent_id", "community", "households", "population"]])
    units["grid"] = units["parent_id"].map(ds.grid_names).fillna("")
    out = _unit_measures(units, ds.incidents["micro_id"].cat.codes.to_numpy(), flags, mask)
    out = out.join(norm_ranges(out["community"], settings, level="micro"))
    out["norm_position"] = norm_position(out["households"], out["norm_min"], out["norm_max"])
    return out.reset_index(drop=True)


def _unit_measures(units: pd.DataFrame, codes: np.ndarray, flags: r.PeriodFlags,
                   mask: np.ndarray | None, known: pd.DataFrame | None = None) -> pd.DataFrame:
    """The resolution measures of each unit (row of ``units``; ``codes[i]`` is incident i's row, -1 none);
    ``known`` as for :func:`grid_measures`: the units found there are filled from it, the others' incidents
    alone are counted."""
    ids = units.iloc[:, 0].to_numpy(dtype=object)
    groups = r.Groups(codes, ids)
    at = pd.Index(known.index.to_numpy(dtype=object)).get_indexer(ids) if known is not None else np.full(len(ids), -1)
    reuse = at >= 0
    if reuse.any():
        todo = np.append(~reuse, False)[codes]      # an incident of a unit worked out here (code -1: none)
        mask = todo if mask is None else mask & todo
    flags, mask, groups = r.narrowed(flags, mask, groups)    # the incidents that can count, taken once
    out = units.copy()
    out["reported"] = r.reported_count(flags, mask, groups)
    out["due"] = r.due_count(flags, mask, groups)
    out["closed"] = r.closed_count(flags, mask, groups)
    out["backlog"] = r.open_backlog(flags, mask, groups)
    out["overdue"] = r.overdue_open(flags, mask, groups)
    out["closure_rate"] = r.closure_rate(flags, mask, groups)
    out["on_time_rate"] = r.on_time_closure_rate(flags, mask, groups)
    out["median_days"] = r.days_to_close(flags, 0.5, mask, groups)
    out["within_grid"] = r.within_grid_share(flags, mask, groups)
    if reuse.any() and known is not None:
        found = known.iloc[at[reuse]]
        for column in INCIDENT_MEASURES:
            values = out[column].to_numpy(copy=True)
            values[reuse] = found[column].to_numpy(dtype=values.dtype)
            out[column] = values
    out["per_100_households"] = per_100(out["reported"], out["households"])
    return out[[*units.columns, "reported", "per_100_households", *INCIDENT_MEASURES[1:]]]
