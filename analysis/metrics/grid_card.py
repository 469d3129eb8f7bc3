"""One grid in detail (the map page's card): its people, this period's cases, its open cases."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.metrics import resolution as r
from analysis.metrics.dataset import Dataset
from analysis.metrics.overview import weekly_trend
from analysis.sanitise.phones import mask_phones

OPEN_COLUMNS = ("incident_id", "category", "subcategory", "reported_at", "due_at", "age_days", "overdue",
                "reporter_phone", "address")


@dataclass
class GridCard:
    """What the card shows.

    Attributes
    ----------
    measures : dict
        The grid's row of :func:`analysis.metrics.grid_stats.grid_measures`.
    workers : pandas.DataFrame
        ``name``, ``role`` of the grid's registered workers.
    categories : pandas.DataFrame
        ``category``, ``count``: incidents reported in the period, most first.
    trend : pandas.DataFrame
        :func:`analysis.metrics.overview.weekly_trend` of the grid.
    open_cases : pandas.DataFrame
        ``OPEN_COLUMNS``: cases open at the period's end, oldest first; ``age_days`` since report,
        ``overdue`` past the deadline; phone numbers masked.
    """

    measures: dict[str, Any]
    workers: pd.DataFrame
    categories: pd.DataFrame
    trend: pd.DataFrame
    open_cases: pd.DataFrame


def grid_card(ds: Dataset, grid_id: str, table: pd.DataFrame, flags: r.PeriodFlags, mask: np.ndarray,
              weeks: pd.DatetimeIndex) -> GridCard:
    """The card of ``grid_id``; ``table`` is the period's grid measures, ``mask`` the kind filters."""
    incidents = ds.incidents
    here = mask & (incidents["grid_id"] == grid_id).to_numpy()
    reported = incidents.loc[here & flags.reported, "category"].astype(str)
    categories = reported.replace("", "—").value_counts().rename_axis("category").reset_index(name="count")
    open_rows = incidents.loc[here & flags.backlog].copy()
    end = flags.period.end
    open_rows["age_days"] = ((end - open_rows["reported_at"]) / pd.Timedelta(days=1)).round(1)
    open_rows["overdue"] = flags.overdue[here & flags.backlog]
    open_rows["reporter_phone"] = mask_phones(open_rows["reporter_phone"].astype(str))
    open_rows = open_rows.sort_values("reported_at")[list(OPEN_COLUMNS)].reset_index(drop=True)
    row = table[table["grid_id"] == grid_id]
    measures = {str(k): v for k, v in row.iloc[0].items()} if len(row) else {}
    return GridCard(measures,
                    ds.workers.loc[ds.workers["grid_id"] == grid_id, ["name", "role"]].reset_index(drop=True),
                    categories, weekly_trend(incidents, here, weeks), open_rows)
