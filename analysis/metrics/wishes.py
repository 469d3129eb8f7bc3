"""Micro-wishes (微心愿): residents' small wishes that grid workers collect and volunteers fulfil.

A record whose 大类 or 小类 is one of the ``wish_categories`` setting is a wish, not a problem case
(:class:`analysis.metrics.dataset.Dataset` sets it aside from the incidents). For a period ``[start, end)``:

==============  ==========================================================================
collected 收集    wishes reported in the period
fulfilled 实现    of those, fulfilled (closed, or a closed status) before ``end``
open 待实现        wishes reported before ``end`` and not fulfilled by then
fulfilment rate   fulfilled / collected (NaN when none was collected)
==============  ==========================================================================
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.metrics import resolution as r
from analysis.metrics.dataset import Dataset
from analysis.metrics.periods import Period


def _flags(wishes: pd.DataFrame, period: Period) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """collected, fulfilled, open (one boolean per wish)."""
    if wishes.empty:
        empty = np.zeros(0, dtype=bool)
        return empty, empty, empty
    reported = wishes["reported_at"].to_numpy(dtype="datetime64[s]")
    closed = wishes["closed_at"].to_numpy(dtype="datetime64[s]")
    start, end = np.datetime64(period.start, "s"), np.datetime64(period.end, "s")
    no_time = wishes["closed_no_time"].to_numpy(bool) if "closed_no_time" in wishes else np.zeros(len(wishes), bool)
    with np.errstate(invalid="ignore"):
        done = (~np.isnat(closed) & (closed < end)) | no_time
        collected = (reported >= start) & (reported < end)
        return collected, collected & done, (reported < end) & ~done


def wish_figures(ds: Dataset, period: Period, grid_ids: set[str] | None = None) -> dict[str, float]:
    """``collected``, ``fulfilled``, ``open`` and ``fulfilment_rate`` over the street (or ``grid_ids``)."""
    wishes = ds.wishes
    if grid_ids is not None and len(wishes):
        wishes = wishes[wishes["grid_id"].astype(object).isin(grid_ids).to_numpy()]
    collected, fulfilled, still_open = _flags(wishes, period)
    return {"collected": int(collected.sum()), "fulfilled": int(fulfilled.sum()), "open": int(still_open.sum()),
            "fulfilment_rate": r.rate(float(fulfilled.sum()), float(collected.sum()))}


def wishes_by_grid(ds: Dataset, period: Period) -> pd.DataFrame:
    """Per grid with any wish: ``grid_id``, ``name``, ``collected``, ``fulfilled``, ``open``, ``fulfilment_rate``."""
    wishes = ds.wishes
    collected, fulfilled, still_open = _flags(wishes, period)
    if wishes.empty:
        return pd.DataFrame(columns=["grid_id", "name", "collected", "fulfilled", "open", "fulfilment_rate"])
    groups = r.Groups.of(wishes["grid_id"].astype(object).fillna("").astype(str))
    out = pd.DataFrame({"grid_id": groups.labels, "collected": r.count(collected, None, groups),
                        "fulfilled": r.count(fulfilled, None, groups), "open": r.count(still_open, None, groups)})
    out["fulfilment_rate"] = r.rate(out["fulfilled"].to_numpy(), out["collected"].to_numpy())
    out.insert(1, "name", out["grid_id"].map(ds.grid_names).fillna(""))
    kept: pd.DataFrame = out[(out["collected"] + out["open"]) > 0].sort_values("open", ascending=False)
    return kept.reset_index(drop=True)
