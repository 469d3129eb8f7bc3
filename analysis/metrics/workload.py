"""Workload (工作量): how much each grid asks of its full-time grid workers.

Per grid, for a period of ``d`` days (``w = d / 7`` weeks):

=============================  =========================================================
incidents_per_week             incidents reported in the period / w
fulltime                       registered workers whose role is in ``fulltime_roles``
incidents_per_worker_week      incidents_per_week / fulltime
households_per_worker          households / fulltime   (population_per_worker likewise)
backlog_per_worker             open cases at the period's end / fulltime
over_household_norm            households_per_worker > ``households_per_worker_max`` (an absolute
                               norm beside the relative index)
workload_index                 Σ weight_k · part_k / median_k  ÷  Σ weight_k, over the parts in
                               ``workload_weights``; each part is divided by its median over
                               the grids that have one, so 1.0 is a typical grid and 2.0 twice
                               as much
=============================  =========================================================

A grid with no full-time worker has no per-worker figure (NaN, shown "—") and is flagged
``no_worker``; in the index its load counts as carried by one worker, so it ranks high.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.metrics import resolution as r
from analysis.metrics.dataset import Dataset
from analysis.metrics.grid_stats import grid_measures
from analysis.settings import Settings


def fulltime_workers(ds: Dataset, roles: list[str]) -> pd.Series:
    """Full-time workers per grid (index ``grid_id``, every grid of the version)."""
    chosen = ds.workers[ds.workers["role"].isin(roles)]
    counts: pd.Series = ds.grids["grid_id"].map(chosen["grid_id"].value_counts()).fillna(0).astype(int)
    return counts.set_axis(ds.grids["grid_id"])


def workload_index(parts: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """The weighted mean of each part divided by its median (see the module table); NaN parts are skipped."""
    total, weight = pd.Series(0.0, index=parts.index), pd.Series(0.0, index=parts.index)
    for name, w in weights.items():
        median = parts[name].median()
        if not np.isfinite(median) or median <= 0:
            continue
        relative = parts[name] / median
        total += (w * relative).fillna(0)
        weight += w * relative.notna()
    return total / weight.where(weight > 0)


def workload_table(ds: Dataset, flags: r.PeriodFlags, mask: np.ndarray | None, settings: Settings,
                   known: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per grid: the module table's figures plus the norm columns of :func:`grid_measures` (``known``:
    as there)."""
    table = grid_measures(ds, flags, mask, settings, known)
    weeks = flags.period.days / 7.0
    fulltime = fulltime_workers(ds, settings["fulltime_roles"]).to_numpy()
    out = table[["grid_id", "name", "community", "households", "population", "reported", "backlog", "overdue",
                 "on_time_rate", "norm_type", "norm_min", "norm_max", "norm_position", "pop_min", "pop_max",
                 "population_position"]].copy()
    out["fulltime"] = fulltime
    out["no_worker"] = fulltime == 0
    out["incidents_per_week"] = out["reported"] / weeks
    per = np.where(fulltime > 0, fulltime, np.nan)
    out["incidents_per_worker_week"] = out["incidents_per_week"] / per
    out["households_per_worker"] = out["households"] / per
    out["population_per_worker"] = out["population"] / per
    out["backlog_per_worker"] = out["backlog"] / per
    out["over_household_norm"] = (out["households_per_worker"] > float(settings["households_per_worker_max"])).to_numpy()
    carried = np.maximum(fulltime, 1)   # the index: a grid without a worker carries its load alone
    parts = pd.DataFrame({"incidents_per_worker_week": out["incidents_per_week"] / carried,
                          "population_per_worker": out["population"] / carried,
                          "households_per_worker": out["households"] / carried,
                          "backlog_per_worker": out["backlog"] / carried})
    out["workload_index"] = workload_index(parts, settings["workload_weights"])
    return out
