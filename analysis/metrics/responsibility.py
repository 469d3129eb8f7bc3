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
BASES = ("", "grid", "micro", "handler")     # why a case's person answers for it ('': nobody does)


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

    Worked out per place and per distinct handler text, then spread to the incidents by position: the
    columns are categoricals (a few thousand people over millions of incidents).

    Returns
    -------
    pandas.DataFrame
        ``responsible`` (a name, '' for nobody), ``worker_id`` ('' when not a registered worker) and
        ``basis`` ('handler', 'micro', 'grid' or ''), each categorical.
    """
    incidents, workers = ds.incidents, ds.workers
    owners = place_owners(workers, list(settings["responsible_roles"]))
    n = len(incidents)
    people: dict[tuple[str, str], int] = {("", ""): 0}      # (name, worker id) -> its number; 0 is nobody
    who = np.zeros(n, dtype=np.int64)
    basis = np.zeros(n, dtype=np.int8)                     # a position in BASES

    def numbers(names: list[str], ids: list[str]) -> np.ndarray:
        return np.array([people.setdefault(pair, len(people)) for pair in zip(names, ids)] or [0], dtype=np.int64)

    for level, column in (("grid", "grid_id"), ("micro", "micro_id")):     # the micro-grid's answers first
        if column not in incidents:
            continue
        places = incidents[column].astype("category")
        found = owners.reindex(places.cat.categories.astype(str))          # per place, not per incident
        codes = places.cat.codes.to_numpy()
        owned = found["worker_id"].notna().to_numpy()
        person = numbers(found["name"].fillna("").astype(str).tolist(), found["worker_id"].fillna("").astype(str).tolist())
        has = (codes >= 0) & np.append(owned, False)[codes]
        who[has], basis[has] = person[codes[has]], BASES.index(level)
    codes, texts = pd.factorize(incidents["handler"])      # each distinct handler once (none: code -1)
    handlers = [str(h).strip() for h in texts]
    by_name = dict(zip(workers["name"].astype(str), workers["worker_id"].astype(str)))
    by_id = dict(zip(workers["worker_id"].astype(str), workers["name"].astype(str)))
    linked = [by_name.get(h, h if h in by_id else "") for h in handlers]
    shown = [by_id.get(i, h) if i else h for h, i in zip(handlers, linked)]
    person = numbers(shown, linked)
    named = np.array([h != "" for h in handlers] + [False])
    given = named[codes]                                   # code -1 (no text) falls on the last, False
    who[given], basis[given] = person[codes[given]], BASES.index("handler")
    pairs = list(people)
    return pd.DataFrame({"responsible": _spread([name for name, _ in pairs], who),
                         "worker_id": _spread([worker for _, worker in pairs], who),
                         "basis": pd.Categorical.from_codes(basis, categories=pd.Index(BASES))})


def _spread(values: list[str], at: np.ndarray) -> pd.Categorical:
    """``values[at]`` as a categorical, without building the long array of text."""
    codes, labels = pd.factorize(pd.Series(values, dtype=object))
    return pd.Categorical.from_codes(codes[at], categories=pd.Index(labels, dtype=object))


def _ledger_rows(flags: r.PeriodFlags) -> np.ndarray:
    """Cases on a ledger for the period: reported in it, or open at its end."""
    rows: np.ndarray = flags.full("reported") | flags.full("backlog")
    return rows


def ledger_summary(ds: Dataset, flags: r.PeriodFlags, mask: np.ndarray, settings: Settings,
                   people: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per responsible person (the standard figures of :func:`figure_table`, plus ``lines`` on the
    ledger and ``closed_off`` (销号: ledger lines closed by the end)); nobody is the row ``''``; most open
    first. ``people`` is :func:`responsible_people` when already computed."""
    people = responsible_people(ds, settings) if people is None else people
    codes, names = pd.factorize(people["responsible"])
    groups = r.Groups(codes, np.asarray(names, dtype=object))
    facts, scope, counted = r.narrowed(flags, mask, groups)
    table = figure_table(facts, scope, counted)
    on_ledger = _ledger_rows(facts)
    closed_by_end = on_ledger & ~facts.backlog
    table.insert(0, "responsible", groups.labels.astype(str))
    table.insert(1, "lines", r.count(on_ledger, scope, counted))
    table.insert(2, "closed_off", r.count(closed_by_end, scope, counted))
    first = np.zeros(len(names), dtype=np.int64)        # each person's first row, for their worker id
    named = np.flatnonzero(codes >= 0)
    first[codes[named[::-1]]] = named[::-1]
    table.insert(1, "worker_id", people["worker_id"].take(first).astype(object).fillna("").to_numpy())
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
    rows = ds.incidents.loc[chosen, [c for c in ("incident_id", "grid_id", "category", "subcategory", "event_name",
                                                 "description", "reported_at", "due_at", "closed_at", "status",
                                                 "reporter_phone") if c in ds.incidents]].copy()
    rows["responsible"], rows["basis"] = people.loc[chosen, "responsible"].to_numpy(), people.loc[chosen, "basis"].to_numpy()
    rows["grid"] = rows["grid_id"].astype(object).map(ds.grid_names).fillna("")
    open_now, late = flags.full("backlog")[chosen], flags.full("overdue")[chosen]
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
