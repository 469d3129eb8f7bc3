"""The shared filters every page honours, and their form in a URL (``?period=4weeks&community=…``).

:class:`Filters` is plain data: the pages' sidebar edits it, :func:`to_query` and
:func:`from_query` turn it into URL parameters and back (so a view can be shared as a link), and
:meth:`Filters.incident_mask` / :meth:`Filters.grid_mask` select what it keeps.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from analysis.metrics.categories import among
from analysis.metrics.periods import PRESETS, Period, period_for

STATUSES = ("all", "open", "closed")
_LISTS = ("categories", "subcategories", "sources")
_SEP = ","


@dataclass(frozen=True)
class Filters:
    """What the user chose: a period, where, what kind of case, and the boundary version.

    Empty strings and empty tuples mean "all". ``first``/``last`` (ISO days) are used by the
    ``custom`` period only; ``version`` 0 means the current boundary version.
    """

    period: str = "4weeks"
    first: str = ""
    last: str = ""
    community: str = ""
    grid: str = ""
    categories: tuple[str, ...] = ()
    subcategories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    status: str = "all"
    version: int = 0

    def resolve(self, anchor: pd.Timestamp | None) -> Period:
        """The period these filters name, anchored on ``anchor`` (today when there is no data)."""
        anchor = pd.Timestamp.now() if anchor is None else anchor
        if self.period == "custom" and self.first and self.last:
            return period_for("custom", anchor, self.first, self.last)
        return period_for("4weeks" if self.period == "custom" else self.period, anchor)

    def incident_mask(self, incidents: pd.DataFrame) -> np.ndarray:
        """Incidents in scope: the place, kind and status filters (the period is the metrics' business)."""
        keep = np.ones(len(incidents), dtype=bool)
        for column, chosen in (("community", (self.community,) if self.community else ()),
                               ("grid_id", (self.grid,) if self.grid else ()),
                               ("category", self.categories), ("subcategory", self.subcategories),
                               ("source", self.sources)):
            if chosen:
                values = incidents[column]
                keep &= among(values, chosen) if isinstance(values.dtype, pd.CategoricalDtype) \
                    else values.isin(chosen).to_numpy()
        if self.status != "all":
            closed = incidents["closed_at"].notna().to_numpy()
            if "closed_no_time" in incidents:       # the status says closed, with no time given
                closed |= incidents["closed_no_time"].to_numpy(bool)
            keep &= closed if self.status == "closed" else ~closed
        return keep

    def grid_mask(self, grids: pd.DataFrame) -> np.ndarray:
        """Grids in scope: the community and grid filters."""
        keep = np.ones(len(grids), dtype=bool)
        if self.community:
            keep &= (grids["community"] == self.community).to_numpy()
        if self.grid:
            keep &= (grids["grid_id"] == self.grid).to_numpy()
        return keep

    def without_place(self) -> Filters:
        """The same filters for the whole street (no community or grid)."""
        return replace(self, community="", grid="")


def to_query(filters: Filters) -> dict[str, str]:
    """URL parameters for the filters that differ from the defaults."""
    default = Filters()
    out = {}
    for f in fields(Filters):
        value = getattr(filters, f.name)
        if value != getattr(default, f.name):
            out[f.name] = _SEP.join(value) if f.name in _LISTS else str(value)
    return out


def from_query(params: dict[str, str]) -> Filters:
    """Filters from URL parameters; anything unreadable falls back to its default."""
    values: dict[str, Any] = {}
    for f in fields(Filters):
        text = params.get(f.name)
        if text is None:
            continue
        if f.name in _LISTS:
            values[f.name] = tuple(v for v in str(text).split(_SEP) if v)
        elif f.name == "version":
            values[f.name] = int(text) if str(text).isdigit() else 0
        else:
            values[f.name] = str(text)
    filters = Filters(**values)
    if filters.period not in PRESETS:
        filters = replace(filters, period=Filters.period)
    if filters.status not in STATUSES:
        filters = replace(filters, status="all")
    for day in ("first", "last"):
        try:
            pd.Timestamp(getattr(filters, day) or "2000-01-01")
        except ValueError:
            filters = replace(filters, first="") if day == "first" else replace(filters, last="")
    return filters
