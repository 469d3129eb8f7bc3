"""Who is responsible (责任人): each case's responsible person, and a ledger per person (问题清单 / 台账) with
close-off (销号).

The worker register says who answers for which place: a worker's ``grid_id`` is the code of a grid or of a
micro-grid (a property company registered on an estate's micro-grid answers for it). Of several workers on
one place, the first by role in the ``responsible_roles`` setting answers (then register order).

A case's responsible person is, in this order:

1. its handler (处置人), when the export names one: linked to the register when the text is a worker's name
   or id (basis ``handler``);
2. the worker who answers for its micro-grid (basis ``micro``);
3. the worker who answers for its grid (basis ``grid``);
4. nobody ('' , basis ''): listed as "no responsible person" so that it is not lost.

A ledger line is a case reported in the period or still open at its end. Its state is 已销号 (closed off:
closed by the end of the period), 超期 (open past its deadline) or 在办 (open, within its deadline).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.metrics import resolution as r
from analysis.metrics.dataset import Dataset
from analysis.metrics.indicators import figure_table
from analysis.sanitise.phones import mask_phones, mask_phones_in_text
from analysis.settings import Settings

LEDGER_STATES = ("closed_off", "overdue", "open")


def place_owners(workers: pd.DataFrame, roles: list[str]) -> pd.DataFrame:
    """The worker who answers for each place code: ``place`` (index), ``worker_id``, ``name``, ``role``."""
    if workers.empty:
        return pd.DataFrame(columns=["worker_id", "name", "role"], index=pd.Index([], name="place"))
    rank = {role: i for i, role in enumerate(roles)}
    ordered = workers.assign(_rank=workers["role"].map(rank).fillna(len(roles)), _order=np.arange(len(workers)))
    ordered = ordered[ordered["grid_id"].astype(str) != ""].sort_values(["_rank", "_order"], kind="stable")
    first = ordered.drop_duplicates("grid_id").set_index("grid_id")
    return first[["worker_id", "name", "role"]].rename_axis("place")


def responsible_people(ds: Dataset, settings: Settings) -> pd.DataFrame:
    """Each incident's responsible person (rows in ``ds.incidents`` order; see the module rules).

    Returns
    -------
    pandas.DataFrame
        ``responsible`` (a name, '' for nobody), ``worker_id`` ('' when not a registered worker) and
        ``basis`` ('handler', 'micro', 'grid' or '').
    """
    incidents, workers = ds.incidents, ds.workers
    owners = place_owners(workers, list(settings["responsible_roles"]))
    n = len(incidents)
    name = np.full(n, "", dtype=object)
    worker_id = np.full(n, "", dtype=object)
    basis = np.full(n, "", dtype=object)
    for level, column in (("grid", "grid_id"), ("micro", "micro_id")):     # the micro-grid's answers first
        places = incidents[column].astype("category") if column in incidents else pd.Series(pd.Categorical([""] * n))
        found = owners.reindex(places.cat.categories.astype(str))          # per place, not per incident
        codes = places.cat.codes.to_numpy()
        if found.empty:
            continue
        has = (codes >= 0) & found["worker_id"].notna().to_numpy()[np.maximum(codes, 0)]
        at = codes[has]
        name[has], worker_id[has], basis[has] = found["name"].to_numpy()[at], found["worker_id"].to_numpy()[at], level
    codes, texts = pd.factorize(incidents["handler"].astype(object).fillna(""))   # each distinct handler once
    handlers = [str(h).strip() for h in texts]
    by_name = dict(zip(workers["name"].astype(str), workers["worker_id"].astype(str)))
    by_id = dict(zip(workers["worker_id"].astype(str), workers["name"].astype(str)))
    linked = [by_name.get(h, h if h in by_id else "") for h in handlers]
    shown = [by_id.get(i, h) if i else h for h, i in zip(handlers, linked)]
    given = (codes >= 0) & np.array([h != "" for h in handlers] or [False])[np.maximum(codes, 0)]
    at = codes[given]
    name[given] = np.asarray(shown, dtype=object)[at]
    worker_id[given], basis[given] = np.asarray(linked, dtype=object)[at], "handler"
    return pd.DataFrame({"responsible": name, "worker_id": worker_id, "basis": basis})


def _ledger_rows(flags: r.PeriodFlags) -> np.ndarray:
    """Cases on a ledger for the period: reported in it, or open at its end."""
    rows: np.ndarray = flags.reported | flags.backlog
    return rows


def ledger_summary(ds: Dataset, flags: r.PeriodFlags, mask: np.ndarray, settings: Settings,
                   people: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per responsible person (the standard figures of :func:`figure_table`, plus ``lines`` on the
    ledger and ``closed_off`` (销号: ledger lines closed by the end)); nobody is the row ``''``; most open
    first. ``people`` is :func:`responsible_people` when already computed."""
    people = responsible_people(ds, settings) if people is None else people
    codes, names = pd.factorize(people["responsible"])
    groups = r.Groups(codes, np.asarray(names, dtype=object))
    table = figure_table(flags, mask, groups)
    on_ledger = _ledger_rows(flags)
    closed_by_end = on_ledger & ~flags.backlog
    table.insert(0, "responsible", groups.labels.astype(str))
    table.insert(1, "lines", r.count(on_ledger, mask, groups))
    table.insert(2, "closed_off", r.count(closed_by_end, mask, groups))
    first = np.zeros(len(names), dtype=np.int64)        # each person's first row, for their worker id
    named = np.flatnonzero(codes >= 0)
    first[codes[named[::-1]]] = named[::-1]
    worker_id = pd.Series(people["worker_id"].to_numpy(dtype=object)[first]).fillna("")
    table.insert(1, "worker_id", worker_id.to_numpy())
    kept: pd.DataFrame = table[table["lines"] > 0].sort_values(["backlog", "overdue", "lines"], ascending=False)
    return kept.reset_index(drop=True)


def ledger_lines(ds: Dataset, flags: r.PeriodFlags, mask: np.ndarray, settings: Settings,
                 person: str | None = None, people: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ledger (问题清单): every case reported in the period or open at its end, of ``person`` ('' =
    nobody; None = everyone), overdue first, then open, then closed off; phones masked everywhere.

    Columns: incident_id, responsible, basis, grid, category, subcategory, event_name, description,
    reported_at, due_at, closed_at, ledger_state (closed_off / overdue / open), days_overdue, status,
    reporter_phone. ``people`` is :func:`responsible_people` when already computed.
    """
    people = responsible_people(ds, settings) if people is None else people
    chosen = _ledger_rows(flags) & mask
    if person is not None:
        chosen &= (people["responsible"] == person).to_numpy()
    rows = ds.incidents.loc[chosen].copy()
    rows["responsible"], rows["basis"] = people.loc[chosen, "responsible"].to_numpy(), people.loc[chosen, "basis"].to_numpy()
    rows["grid"] = rows["grid_id"].astype(object).map(ds.grid_names).fillna("")
    open_now, late = flags.backlog[chosen], flags.overdue[chosen]
    rows["ledger_state"] = np.where(late, "overdue", np.where(open_now, "open", "closed_off"))
    end = flags.period.end
    rows["days_overdue"] = np.where(late, ((end - rows["due_at"]) / pd.Timedelta(days=1)).round(1), np.nan)
    rows["reporter_phone"] = mask_phones(rows["reporter_phone"].astype(str))
    for column in ("event_name", "description"):             # free text: a phone number in it is masked
        rows[column] = mask_phones_in_text(rows[column].astype(str)) if column in rows else ""
    rank = rows["ledger_state"].map({s: i for i, s in enumerate(("overdue", "open", "closed_off"))})
    rows = rows.assign(_rank=rank).sort_values(["_rank", "days_overdue", "reported_at"],
                                                ascending=[True, False, True])
    columns = ["incident_id", "responsible", "basis", "grid", "category", "subcategory", "event_name", "description",
               "reported_at", "due_at", "closed_at", "ledger_state", "days_overdue", "status", "reporter_phone"]
    out: pd.DataFrame = rows[columns].reset_index(drop=True)
    return out
