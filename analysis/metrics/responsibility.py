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

    A person is a registered worker (known by their id: two workers of one name are two people), or a handler's
    text that names no worker. A handler's text that is the name of several workers is the one who answers for
    the case's place when that is one of them, otherwise the first of them in the register. Worked out per place
    and per distinct handler text (a categorical's words), then spread to the incidents by their codes: a few
    thousand people over millions of incidents, with no text per incident.

    Returns
    -------
    pandas.DataFrame
        ``person`` (a worker's id, or the handler's text; '' for nobody), ``responsible`` (their name,
        :func:`person_names`) and ``basis`` ('handler', 'micro', 'grid' or ''), each categorical.
    """
    incidents, workers = ds.incidents, ds.workers
    owners = place_owners(workers, list(settings["responsible_roles"]))
    numbers: dict[str, int] = {"": 0}                      # a person -> their number; 0 is nobody
    who = np.zeros(len(incidents), dtype=np.int32)
    basis = np.zeros(len(incidents), dtype=np.int8)        # a position in BASES

    def answer(codes: np.ndarray, people: list[str], given: np.ndarray, level: str) -> None:
        """Each incident whose word (``codes``) is ``given`` takes that word's person (``people``)."""
        person = np.array([numbers.setdefault(p, len(numbers)) for p in people], dtype=np.int32)
        taken = np.append(np.where(given, person, -1), -1).astype(np.int32)[codes]   # no word: the last, -1
        has = taken >= 0
        np.copyto(who, taken, where=has)
        np.copyto(basis, np.int8(BASES.index(level)), where=has)

    for level, column in (("grid", "grid_id"), ("micro", "micro_id")):     # a micro-grid's owner overrides its grid's
        if column in incidents:
            found = owners.reindex(_words(incidents[column]))              # per place, not per incident
            answer(_codes(incidents[column]), [_person(w, n) for w, n in zip(found["worker_id"].fillna(""),
                                                                             found["name"].fillna(""))],
                   found["worker_id"].notna().to_numpy(), level)
    texts = [h.strip() for h in _words(incidents["handler"])]
    names, once = workers["name"].astype(str), ~workers["name"].astype(str).duplicated()
    first_of_name, shared = dict(zip(names[once], workers["worker_id"].astype(str)[once])), set(names[~once])
    register = registered_names(workers)
    linked = [first_of_name.get(h, h if h in register else "") for h in texts]
    codes, ambiguous = _codes(incidents["handler"]), bool(shared & set(texts))
    owner = who.copy() if ambiguous else who
    answer(codes, [_person(i, h) for h, i in zip(texts, linked)], np.array([h != "" for h in texts], dtype=bool),
           "handler")
    keys = list(numbers)
    spoken = person_names(keys, register)
    if ambiguous:                                          # a name several workers share: the place's, if theirs
        number = {name: i for i, name in enumerate(spoken)}
        owner_name = np.array([number[name] for name in spoken], dtype=np.int32)
        text_name = np.array([number.get(h, -1) if h in shared else -2 for h in texts] + [-2], dtype=np.int32)
        np.copyto(who, owner, where=owner_name[owner] == text_name[codes])
    return pd.DataFrame({"person": _spread(keys, who), "responsible": _spread(spoken, who),
                         "basis": pd.Categorical.from_codes(basis, categories=pd.Index(BASES), validate=False)})


def registered_names(workers: pd.DataFrame) -> dict[str, str]:
    """Each worker id's name in the register (the first row of an id given twice; no empty id)."""
    ids, names = workers["worker_id"].astype(str), workers["name"].astype(str)
    first = ~ids.duplicated() & (ids != "")
    return dict(zip(ids[first], names[first]))


def person_names(people: list[str], register: dict[str, str]) -> list[str]:
    """The name of each person of :func:`responsible_people` (a worker's id: their registered name)."""
    return [register.get(person, person) for person in people]


def _person(worker_id: str, name: str) -> str:
    """Who answers: a worker by their id, else by the name given ('' for nobody)."""
    return str(worker_id) or str(name)


def _categorical(values: pd.Series) -> pd.Series:
    """``values`` as a categorical (a dataset's are already)."""
    return values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")


def _words(values: pd.Series) -> list[str]:
    """A column's distinct words, as text, in the order of its codes."""
    return [str(word) for word in _categorical(values).cat.categories]


def _codes(values: pd.Series) -> np.ndarray:
    """Each row's position in :func:`_words` (-1: none)."""
    codes: np.ndarray = _categorical(values).cat.codes.to_numpy()
    return codes


def _spread(values: list[str], at: np.ndarray) -> pd.Categorical:
    """``values[at]`` as a categorical, without building the long array of text."""
    codes, labels = pd.factorize(pd.Series(values, dtype=object))
    small = codes.astype(np.int16 if len(labels) < np.iinfo(np.int16).max else np.int32)
    return pd.Categorical.from_codes(small[at], categories=pd.Index(labels, dtype=object), validate=False)


def _ledger_rows(flags: r.PeriodFlags) -> np.ndarray:
    """Cases on a ledger for the period: reported in it, or open at its end."""
    rows: np.ndarray = flags.full("reported") | flags.full("backlog")
    return rows


def ledger_summary(ds: Dataset, flags: r.PeriodFlags, mask: np.ndarray, settings: Settings,
                   people: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per responsible person (``person``, ``responsible``: their name, ``worker_id``: '' unless a
    registered worker; the standard figures of :func:`figure_table`, plus ``lines`` on the ledger and
    ``closed_off`` (销号: ledger lines closed by the end)); nobody is the row ``''``; most open first, then by
    name. ``people`` is :func:`responsible_people` when already computed (grouped by its codes, not by the
    text of millions of incidents)."""
    people = responsible_people(ds, settings) if people is None else people
    persons = _categorical(people["person"])
    groups = r.Groups(_codes(persons), np.asarray(_words(persons), dtype=object))
    facts, scope, counted = r.narrowed(flags, mask, groups)
    table = figure_table(facts, scope, counted)
    on_ledger = _ledger_rows(facts)
    closed_by_end = on_ledger & ~facts.backlog
    register = registered_names(ds.workers)
    keys = groups.labels.astype(str).tolist()
    table.insert(0, "person", keys)
    table.insert(1, "responsible", person_names(keys, register))
    table.insert(2, "worker_id", [key if key in register else "" for key in keys])
    table.insert(3, "lines", r.count(on_ledger, scope, counted))
    table.insert(4, "closed_off", r.count(closed_by_end, scope, counted))
    kept: pd.DataFrame = table[table["lines"] > 0].sort_values(["backlog", "overdue", "lines", "responsible", "person"],
                                                                ascending=[False, False, False, True, True])
    return kept.reset_index(drop=True)


def ledger_lines(ds: Dataset, flags: r.PeriodFlags, mask: np.ndarray, settings: Settings,
                 person: str | None = None, people: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ledger (问题清单): every case reported in the period or open at its end, of ``person`` (a
    ``person`` of :func:`responsible_people`: '' = nobody; None = everyone), overdue first, then open, then closed off; phones masked everywhere.

    Columns: incident_id, responsible, basis, grid, category, subcategory, event_name, description,
    reported_at, due_at, closed_at, ledger_state (closed_off / overdue / open), days_overdue, status,
    reporter_phone. ``people`` is :func:`responsible_people` when already computed.
    """
    people = responsible_people(ds, settings) if people is None else people
    chosen = _ledger_rows(flags) & mask
    if person is not None:
        chosen &= (people["person"] == person).to_numpy()
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
