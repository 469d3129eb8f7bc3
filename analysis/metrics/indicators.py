"""The standard indicator set (标准指标) of a period, for the street and by a grouping: what the CLI's
``indicators --json`` prints, what the resolution page's table shows.

Every figure is one function of :mod:`analysis.metrics.resolution` (formulas there); this module only
arranges them. Rates are fractions 0–1, ``None`` where the denominator is 0.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.metrics import resolution as r
from analysis.metrics.dataset import Dataset
from analysis.metrics.periods import Period
from analysis.settings import Settings

COUNTS = ("reported", "due", "closed", "on_time_closed", "disposed", "on_time_disposed", "reworked", "extended",
          "rated", "satisfied")
RATES = ("closure_rate", "on_time_closure_rate", "disposal_rate", "on_time_disposal_rate", "rework_rate",
         "extension_rate", "satisfaction_rate")
OPEN = ("backlog", "overdue")
FIGURES = (*COUNTS, *RATES, *OPEN)
"""The keys of every figure set, in order."""
GROUPINGS = ("street", "community", "grid", "micro", "handler")


def figure_table(flags: r.PeriodFlags, mask: r.Mask, groups: r.Groups) -> pd.DataFrame:
    """Every figure of :data:`FIGURES` per group (one row per ``groups.labels``, in order, none dropped)."""
    flags, mask, groups = r.narrowed(flags, mask, groups)    # the incidents that can count, taken once
    flag_of = {"reported": flags.reported, "due": flags.due, "closed": flags.closed, "on_time_closed": flags.on_time,
               "disposed": flags.disposed, "on_time_disposed": flags.on_time_disposed, "reworked": flags.reworked,
               "extended": flags.extended, "rated": flags.rated, "satisfied": flags.satisfied}
    table = pd.DataFrame({key: r.count(flag_of[key], mask, groups) for key in COUNTS})
    rates = {"closure_rate": r.closure_rate, "on_time_closure_rate": r.on_time_closure_rate,
             "disposal_rate": r.disposal_rate, "on_time_disposal_rate": r.on_time_disposal_rate,
             "rework_rate": r.rework_rate, "extension_rate": r.extension_rate,
             "satisfaction_rate": r.satisfaction_rate}
    for key, function in rates.items():
        table[key] = function(flags, mask, groups)
    table["backlog"], table["overdue"] = r.open_backlog(flags, mask, groups), r.overdue_open(flags, mask, groups)
    return table


def _plain(value: Any) -> int | float | None:
    """A figure as JSON wants it: int counts, float rates, None for NaN."""
    if isinstance(value, (int, np.integer)):
        return int(value)
    number = float(value)
    return None if math.isnan(number) else number


def _group_of(ds: Dataset, by: str) -> tuple[r.Groups, dict[str, str]]:
    """The incidents' groups for ``by`` and each group key's display name."""
    incidents = ds.incidents
    if by == "grid":
        return r.Groups.of(incidents["grid_id"]), ds.grid_names
    if by == "micro":
        return r.Groups.of(incidents["micro_id"]), dict(zip(ds.micro["micro_id"], ds.micro["name"]))
    if by == "community":
        return r.Groups.of(incidents["community"]), {}
    if by == "handler":
        return r.Groups.of(incidents["handler"].astype(object).fillna("").replace("", None)), {}
    raise ValueError(f"--by must be one of {GROUPINGS}, not {by!r}")


def indicators(ds: Dataset, period: Period, settings: Settings, by: str = "street") -> dict[str, Any]:
    """The street's figure set for ``period`` and, unless ``by == 'street'``, one per group.

    Returns
    -------
    dict
        ``{"street": {figure: value}, "groups": [{"key": ..., "name": ..., figure: value, ...}]}``; with
        ``by='street'`` the groups hold the street alone (key ``street_code`` or ``street``). Groups with
        nothing to count (no case reported, due or open) are left out.
    """
    flags = r.settings_flags(ds.incidents, period, settings, ds.spans)
    everyone = r.Groups(np.zeros(len(ds.incidents), dtype=np.int64), np.array(["street"], dtype=object))
    whole = figure_table(flags, None, everyone)
    street = {k: _plain(whole[k].iloc[0]) for k in FIGURES}
    if by == "street":
        key = str(settings.get("street_code") or "street")
        return {"street": street, "groups": [{"key": key, "name": key, **street}]}
    groups, names = _group_of(ds, by)
    table = figure_table(flags, None, groups)
    table.insert(0, "key", groups.labels.astype(str))
    table = table[(table[["reported", "due", "backlog"]].sum(axis=1) > 0).to_numpy()]
    rows = [{"key": row["key"], "name": names.get(row["key"], row["key"]),
             **{k: _plain(row[k]) for k in FIGURES}} for row in table.to_dict("records")]
    return {"street": street, "groups": rows}
