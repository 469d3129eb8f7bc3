"""One grid in detail (the map page's card): its people, this period's cases, its open cases."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.metrics import resolution as r
from analysis.metrics.dataset import Dataset
from analysis.metrics.overview import weekly_trend
from analysis.metrics.photos import local_photos
from analysis.sanitise.phones import mask_phones, mask_phones_in_text

OPEN_COLUMNS = ("incident_id", "category", "subcategory", "event_name", "description", "reported_at", "due_at",
                "age_days", "overdue", "reporter_phone", "address", "photos")
PHOTOS_SHOWN = 12


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
        ``overdue`` past the deadline; phone numbers masked (in the event name and description too);
        ``photos`` the references as given.
    photos : list of (str, pathlib.Path)
        ``(incident_id, image)`` of the open cases' photos found in the photo folder (at most
        ``PHOTOS_SHOWN``, oldest case first).
    """

    measures: dict[str, Any]
    workers: pd.DataFrame
    categories: pd.DataFrame
    trend: pd.DataFrame
    open_cases: pd.DataFrame
    photos: list[tuple[str, Path]] = field(default_factory=list)


def grid_card(ds: Dataset, grid_id: str, table: pd.DataFrame, flags: r.PeriodFlags, mask: np.ndarray,
              weeks: pd.DatetimeIndex, photo_folder: Path | None = None) -> GridCard:
    """The card of ``grid_id``; ``table`` is the period's grid measures, ``mask`` the kind filters, and
    ``photo_folder`` where the records' photos are (None: no thumbnails)."""
    incidents = ds.incidents
    here = mask & (incidents["grid_id"] == grid_id).to_numpy()
    reported = incidents.loc[here & flags.full("reported"), "category"].astype(str)
    categories = reported.replace("", "—").value_counts().rename_axis("category").reset_index(name="count")
    open_here = here & flags.full("backlog")
    open_rows = incidents.loc[open_here, [c for c in OPEN_COLUMNS if c in incidents]].copy()
    end = flags.period.end
    open_rows["age_days"] = ((end - open_rows["reported_at"]) / pd.Timedelta(days=1)).round(1)
    open_rows["overdue"] = flags.full("overdue")[open_here]
    open_rows["reporter_phone"] = mask_phones(open_rows["reporter_phone"].astype(str))
    for column in ("event_name", "description", "photos"):
        text = open_rows[column].astype(str) if column in open_rows else pd.Series("", index=open_rows.index)
        open_rows[column] = text if column == "photos" else mask_phones_in_text(text)
    open_rows = open_rows.sort_values("reported_at")[list(OPEN_COLUMNS)].reset_index(drop=True)
    photos = [] if photo_folder is None else [
        (case, path) for case, cell in zip(open_rows["incident_id"], open_rows["photos"])
        for path in local_photos(cell, photo_folder)][:PHOTOS_SHOWN]
    row = table[table["grid_id"] == grid_id]
    measures = {str(k): v for k, v in row.iloc[0].items()} if len(row) else {}
    return GridCard(measures,
                    ds.workers.loc[ds.workers["grid_id"] == grid_id, ["name", "role"]].reset_index(drop=True),
                    categories, weekly_trend(incidents, here, weeks), open_rows, photos)
