"""Division proposals for the meeting: saved plans not yet made current, with their before/after figures."""
from __future__ import annotations

import pandas as pd

from analysis.division.edits import changed_grids, division_from_layer
from analysis.division.plans import list_plans, load_plan
from analysis.division.whatif import division_figures, street_comparison, whatif_period
from analysis.metrics import resolution as r
from analysis.metrics.dataset import Dataset
from analysis.report.meeting import Proposal
from analysis.settings import Settings
from analysis.store.database import Store

MAX_PROPOSALS = 3


def adopted_plan_ids(versions: pd.DataFrame) -> set[int]:
    """Plans made current: a boundary version made from plan ``n`` carries the note 'plan n: …'
    (:func:`analysis.division.plans.make_current`)."""
    found = versions["note"].astype(str).str.extract(r"^plan (\d+):", expand=False).dropna()
    return {int(n) for n in found}


def open_proposals(store: Store, ds: Dataset, settings: Settings, limit: int = MAX_PROPOSALS) -> list[Proposal]:
    """The newest revision of each saved plan that no revision of it was made current, newest first (at most
    ``limit``), with the street's figures of the current division (``before``) and of the plan (``after``) over
    the workbench's 12 months (:func:`analysis.division.whatif.whatif_period`)."""
    plans = list_plans(store)
    if plans.empty or ds.version_id is None:
        return []
    adopted = adopted_plan_ids(store.boundary_versions())
    taken = plans.groupby("name")["plan_id"].transform(lambda ids: ids.isin(adopted).any())
    newest = plans[~taken.astype(bool)].drop_duplicates("name").head(limit)
    if newest.empty:
        return []
    flags = r.settings_flags(ds.incidents, whatif_period(ds.anchor), settings, ds.spans)
    today = division_from_layer(store.grids(ds.version_id), ds.street)
    current = division_figures(ds, flags, today, settings)
    out = []
    for row in newest.to_dict("records"):
        division = load_plan(store, int(row["plan_id"]))
        after = division_figures(ds, flags, division, settings)
        out.append(Proposal(int(row["plan_id"]), str(row["name"]), int(row["revision"]), str(row["author"]),
                            str(row["created_at"]), str(row["note"]), street_comparison(current, after),
                            division.grids[["grid_id", "name", "geometry"]].copy(),
                            frozenset(changed_grids(today, division))))
    return out
