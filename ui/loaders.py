"""Cached loaders: the store is one shared resource; data loaders are keyed on small hashable
arguments (the store's latest batch id), never on frames, so an import invalidates them."""
from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

import pandas as pd
import streamlit as st
from cachetools import LRUCache

from analysis import report
from analysis.metrics import coverage as cover
from analysis.metrics import resolution_tables as rt
from analysis.metrics.completeness import missing_data
from analysis.metrics.dataset import Dataset, load_dataset
from analysis.metrics.filters import Filters, from_query
from analysis.metrics.grid_card import GridCard, grid_card
from analysis.metrics.grid_stats import grid_measures, micro_measures
from analysis.metrics.overview import attention, kpis, weekly_trend
from analysis.metrics.periods import Period, week_starts
from analysis.metrics.resolution import Groups, PeriodFlags, settings_flags
from analysis.metrics.responsibility import ledger_lines, ledger_summary, responsible_people
from analysis.metrics.wishes import wish_figures, wishes_by_grid
from analysis.metrics.workload import workload_table
from analysis.report import Meeting, week_of
from analysis.sanitise import mask_phones_in_text
from analysis.settings import Settings, load_settings, photo_folder, settings_stamp
from analysis.store import status
from analysis.store.database import Store
from analysis.store.streets import list_streets

if TYPE_CHECKING:
    from analysis.maps.view import MapData
    from analysis.report.sections import Section

Query: TypeAlias = tuple[tuple[str, str], ...]
"""The filters as sorted URL pairs (:attr:`ui.filters.View.query`): a small hashable cache key."""


STREET = "street"
"""Session key: the code of the street the session's pages show (set by :func:`ui.streets.choose_street`)."""

FLAGS_MB = 768
"""Megabytes of periods' facts a server keeps by default: 2 periods at 10M incidents, 30 at 1M."""


@st.cache_resource
def database() -> Store:
    """The store (``$GRIDLENS_DB`` or ``geodata/local/gridlens.sqlite``) of the default street, opened once per
    process."""
    return Store()


def store() -> Store:
    """The store of the street the session shows: the default street's unless another was chosen (one engine,
    one connection pool for every street)."""
    base, chosen = database(), st.session_state.get(STREET)
    return base if not chosen or chosen == base.street_code else base.for_street(str(chosen))


@st.cache_data(show_spinner=False, ttl=60)
def streets() -> pd.DataFrame:
    """The database's streets (code, name), read again at most once a minute."""
    return list_streets(database().engine)[["code", "name"]]


def revision() -> str:
    """A token that changes whenever anything is imported, fixed or adopted, or the settings file changes:
    every cached loader takes it as its first argument, so a change reaches every page at once."""
    return f"{status.revision(store())}-{settings_stamp()}"


@st.cache_data(show_spinner=False)
def summary(rev: str) -> dict[str, Any]:
    """The store's summary (see :func:`analysis.store.status.summarise`) at revision ``rev``."""
    return status.summarise(store())


@st.cache_data(show_spinner=False)
def monthly_counts(rev: str) -> pd.DataFrame:
    """Incidents reported per month at revision ``rev``."""
    return status.monthly_counts(store())


@st.cache_data(show_spinner=False)
def review_queue(rev: str) -> pd.DataFrame:
    """The review queue at revision ``rev``, phone numbers in its raw rows and details masked."""
    queue = store().review_queue()
    return queue.assign(raw=mask_phones_in_text(queue["raw"]), detail=mask_phones_in_text(queue["detail"]))


@st.cache_data(show_spinner=False)
def batches(rev: str) -> pd.DataFrame:
    """Import history at revision ``rev``."""
    return store().batches()


@st.cache_data(show_spinner=False)
def grid_choices(rev: str) -> pd.DataFrame:
    """grid_id and name of the current grid-level polygons."""
    grids = store().grids()
    if grids.empty:
        return pd.DataFrame(columns=["grid_id", "name"])
    layer = grids[grids["level"] == "grid"] if (grids["level"] == "grid").any() else grids
    return pd.DataFrame(layer[["grid_id", "name"]]).sort_values("grid_id").reset_index(drop=True)


@st.cache_data(show_spinner=False)
def building_choices(rev: str) -> pd.DataFrame:
    """building_id and address of every stored building."""
    return store().register("buildings")[["building_id", "address"]]


@st.cache_data(show_spinner=False)
def versions(rev: str) -> pd.DataFrame:
    """Stored boundary versions (version_id, name, is_current, effective_from), newest first."""
    return store().boundary_versions()[["version_id", "name", "is_current", "effective_from"]]


@st.cache_resource(show_spinner=False, max_entries=3)
def dataset(rev: str, version: int) -> Dataset:
    """The store's data attributed to boundary ``version`` at revision ``rev`` (shared, not copied)."""
    return load_dataset(store(), version)


@st.cache_data(show_spinner=False)
def gaps(rev: str, version: int) -> set[str]:
    """What the data of boundary ``version`` lacks (:func:`analysis.metrics.completeness.missing_data`)."""
    return missing_data(dataset(rev, version), load_settings()["fulltime_roles"])


def flags_budget() -> int:
    """Bytes the server keeps of periods' facts: ``$GRIDLENS_FLAGS_MB`` megabytes, 768 unless set."""
    return int(float(os.environ.get("GRIDLENS_FLAGS_MB") or FLAGS_MB) * 2**20)


@dataclass
class _PeriodFacts:
    """The server's one store of periods' facts: least recently used first out, bounded by bytes (not by a count
    of periods, which at 10M incidents, up to 260 MB each, let 24 of them take 6 GB); its lock; and a lock per period
    being worked out, so that sessions asking for the same period at once wait for one computation."""

    kept: LRUCache[tuple[object, ...], PeriodFlags]
    lock: threading.Lock = field(default_factory=threading.Lock)
    working: dict[tuple[object, ...], threading.Lock] = field(default_factory=dict)


@st.cache_resource(show_spinner=False)
def _period_facts() -> _PeriodFacts:
    """The server's store of periods' facts (one per process), within :func:`flags_budget`."""
    return _PeriodFacts(LRUCache(maxsize=flags_budget(), getsizeof=lambda facts: facts.nbytes))


def flags(rev: str, version: int, start: pd.Timestamp, end: pd.Timestamp) -> PeriodFlags:
    """Per-incident facts about the period ``[start, end)`` under the street's settings (``rev`` changes with
    them; see :func:`analysis.metrics.resolution.settings_flags`), shared by every session.

    Kept while they fit in :func:`flags_budget` with the periods used more recently; facts larger than the
    whole budget are worked out on every call and not kept.
    """
    store, key = _period_facts(), (rev, version, start, end)
    with store.lock:
        found = store.kept.get(key)
        if found is not None:
            return found
        turn = store.working.setdefault(key, threading.Lock())
    try:
        with turn:                                       # one session works it out; the others wait, then read it
            with store.lock:
                found = store.kept.get(key)
            if found is None:
                ds = dataset(rev, version)
                found = settings_flags(ds.incidents, Period(start, end), load_settings(), ds.spans)
                with store.lock, contextlib.suppress(ValueError):   # ValueError: larger than the budget
                    store.kept[key] = found
    finally:                                             # a failed computation leaves no lock behind either
        with store.lock:
            store.working.pop(key, None)
    return found


@st.cache_data(show_spinner=False)
def filter_options(rev: str, version: int) -> dict[str, Any]:
    """What the shared filters offer: communities, grids (id -> name, community), kinds, sources."""
    ds = dataset(rev, version)
    incidents = ds.incidents
    kinds = incidents.groupby(["category", "subcategory"], observed=True).size().index.to_frame(index=False).astype(str)
    return {"communities": sorted(c for c in ds.grids["community"].unique() if c),
            "grids": ds.grids[["grid_id", "name", "community"]].to_dict("records"),
            "categories": sorted(c for c in incidents["category"].cat.categories if c),
            "subcategories": kinds[kinds["subcategory"] != ""].sort_values(["category", "subcategory"])
            .to_dict("records"),
            "sources": sorted(c for c in incidents["source"].cat.categories if c)}


@st.cache_data(show_spinner=False, max_entries=32)
def overview(rev: str, version: int, query: Query, start: pd.Timestamp, end: pd.Timestamp) -> dict[str, Any]:
    """The overview's figures for filters ``query`` over ``[start, end)``: kpis, attention, trend."""
    settings = load_settings()
    ds, filters, period = dataset(rev, version), from_query(dict(query)), Period(start, end)
    before = period.previous()
    now = flags(rev, version, start, end)
    previous = flags(rev, version, before.start, before.end)
    mask = filters.incident_mask(ds.incidents)
    lists = attention(grid_measures(ds, now, mask, settings), grid_measures(ds, previous, mask, settings),
                      filters.grid_mask(ds.grids), int(settings["min_cases_for_rate"]))
    return {"kpis": kpis(ds, filters, now, previous), "attention": lists,
            "trend": weekly_trend(ds.incidents, mask, week_starts(period, int(settings["trend_weeks"])))}


@st.cache_resource(show_spinner=False, max_entries=16)
def map_numbers(rev: str, version: int, query: Query, start: pd.Timestamp, end: pd.Timestamp) -> MapData:
    """The map's numbers (:func:`analysis.maps.view.map_data`) for filters ``query`` over ``[start, end)``."""
    from analysis.maps.view import map_data  # folium-free, but scipy's image module: only for the map pages
    settings = load_settings()
    period = Period(start, end)
    return map_data(dataset(rev, version), from_query(dict(query)), flags(rev, version, start, end),
                    week_starts(period, int(settings["trend_weeks"])), settings,
                    grid_table(rev, version, street_wide(query), start, end))


@st.cache_data(show_spinner=False, max_entries=64)
def card(rev: str, version: int, query: Query, start: pd.Timestamp, end: pd.Timestamp, grid_id: str) -> GridCard:
    """The grid card of ``grid_id`` under filters ``query`` (the grid filter aside)."""
    settings = load_settings()
    ds, filters = dataset(rev, version), from_query(dict(query))
    numbers = map_numbers(rev, version, query, start, end)
    mask = filters.without_place().incident_mask(ds.incidents)
    return grid_card(ds, grid_id, numbers.table, flags(rev, version, start, end), mask,
                     week_starts(Period(start, end), int(settings["trend_weeks"])), photo_folder(settings))


def _scope(rev: str, version: int, query: Query, start: pd.Timestamp, end: pd.Timestamp
           ) -> tuple[Dataset, Filters, PeriodFlags, Settings]:
    ds, filters = dataset(rev, version), from_query(dict(query))
    settings = load_settings()
    return ds, filters, flags(rev, version, start, end), settings


def street_wide(query: Query) -> Query:
    """``query`` without its place (community and grid): the key of a table of every grid, which a change of
    place only marks differently."""
    return tuple((name, value) for name, value in query if name not in ("community", "grid"))


def workload(rev: str, version: int, query: Query, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """:func:`analysis.metrics.workload.workload_table` for the filters (every grid; ``in_scope`` marks the place)."""
    filters = from_query(dict(query))
    table = _street_workload(rev, version, street_wide(query), start, end)
    return table.assign(in_scope=filters.grid_mask(dataset(rev, version).grids))


@st.cache_data(show_spinner=False, max_entries=32)
def _street_workload(rev: str, version: int, query: Query, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    ds, filters, now, settings = _scope(rev, version, query, start, end)
    return workload_table(ds, now, filters.incident_mask(ds.incidents), settings)


def micro(rev: str, version: int, query: Query, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """:func:`analysis.metrics.grid_stats.micro_measures` for the filters (every micro-grid; ``in_scope``
    marks those inside the chosen community and grid)."""
    ds, filters = dataset(rev, version), from_query(dict(query))
    table = _street_micro(rev, version, street_wide(query), start, end)
    in_grids = set(ds.grids["grid_id"][filters.grid_mask(ds.grids)])
    return table.assign(in_scope=table["parent_id"].isin(in_grids).to_numpy())


@st.cache_data(show_spinner=False, max_entries=16)
def _street_micro(rev: str, version: int, query: Query, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    ds, filters, now, settings = _scope(rev, version, query, start, end)
    return micro_measures(ds, now, filters.incident_mask(ds.incidents), settings)


@st.cache_resource(show_spinner=False, max_entries=16)
def grid_table(rev: str, version: int, query: Query, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """:func:`analysis.metrics.grid_stats.grid_measures` of every grid for the filters ``query`` (no place:
    see :func:`street_wide`); shared, not to be changed."""
    ds, filters, now, settings = _scope(rev, version, query, start, end)
    return grid_measures(ds, now, filters.incident_mask(ds.incidents), settings)


@st.cache_data(show_spinner=False, max_entries=32)
def ledger(rev: str, version: int, query: Query, start: pd.Timestamp, end: pd.Timestamp,
           person: str | None) -> dict[str, pd.DataFrame]:
    """The ledger page's tables (:mod:`analysis.metrics.responsibility`): per person, and the lines of
    ``person`` (None = everyone)."""
    ds, filters, now, settings = _scope(rev, version, query, start, end)
    mask = filters.incident_mask(ds.incidents)
    people = responsible(rev, version)
    return {"summary": ledger_summary(ds, now, mask, settings, people),
            "lines": ledger_lines(ds, now, mask, settings, person, people)}


@st.cache_resource(show_spinner=False, max_entries=4)
def responsible(rev: str, version: int) -> pd.DataFrame:
    """Each incident's responsible person (:func:`analysis.metrics.responsibility.responsible_people`); shared,
    not to be changed (a copy per ledger would be three columns of every incident)."""
    return responsible_people(dataset(rev, version), load_settings())


@st.cache_data(show_spinner=False, max_entries=16)
def wishes(rev: str, version: int, query: Query, start: pd.Timestamp, end: pd.Timestamp) -> dict[str, Any]:
    """Micro-wishes (:mod:`analysis.metrics.wishes`) in the filters' community and grid."""
    ds, filters = dataset(rev, version), from_query(dict(query))
    in_scope = set(ds.grids["grid_id"][filters.grid_mask(ds.grids)])
    period = Period(start, end)
    table = wishes_by_grid(ds, period)
    return {"figures": wish_figures(ds, period, in_scope if filters.community or filters.grid else None),
            "grids": table[table["grid_id"].isin(in_scope).to_numpy()]}


GROUPINGS = ("grid_id", "micro_id", "community", "category", "subcategory", "handler")


@st.cache_data(show_spinner=False, max_entries=32)
def resolution(rev: str, version: int, query: Query, start: pd.Timestamp, end: pd.Timestamp, by: str) -> dict[str, Any]:
    """The resolution page's tables (:mod:`analysis.metrics.resolution_tables`) for the filters, grouped ``by``."""
    ds, filters, now, settings = _scope(rev, version, query, start, end)
    incidents, mask = ds.incidents, filters.incident_mask(ds.incidents)
    names = ds.grid_names
    table = rt.rates_by(now, mask, Groups.of(incidents[by]))
    if by == "grid_id":
        table["group"] = table["group"].map(names)
    elif by == "micro_id":
        table["group"] = table["group"].map(dict(zip(ds.micro["micro_id"], ds.micro["name"])))
    weeks = week_starts(Period(start, end), int(settings["trend_weeks"]))
    return {"by": table, "weekly": rt.weekly_rates(incidents, mask, weeks, bool(settings["deferred_in_due"])),
            "category_grid": rt.category_grid_on_time(incidents, now, mask, names),
            "ages": rt.backlog_by_age(incidents, now, mask), "overdue": rt.overdue_list(incidents, now, mask, names),
            "levels": rt.handled_levels(incidents, now, mask), "quality": rt.data_quality(incidents, now, mask),
            "slowest": rt.rates_by(now, mask, Groups.of(incidents["subcategory"]))
            .sort_values("p90_days", ascending=False).head(10)}


@st.cache_resource(show_spinner=False, max_entries=8)
def _street_coverage(rev: str, version: int, start: pd.Timestamp, end: pd.Timestamp, radius_m: float) -> dict[str, Any]:
    """The volunteer page's tables for the whole street: none depends on the place chosen, so a community
    change only marks which rows are in it (:func:`coverage`). Shared by every session: read only."""
    ds, settings = dataset(rev, version), {**load_settings(), "walk_radius_m": float(radius_m)}
    months = (end - start) / pd.Timedelta(days=30.44)
    within = cover.volunteer_reach(ds, settings)
    return {"grids": cover.coverage_table(ds, settings, months, within),
            "micro": cover.micro_coverage_table(ds, settings, within),
            "sites": cover.recruiting_sites(ds, settings, 10, within), "monthly": cover.monthly_services(ds),
            "buildings": ds.buildings[["building_id", "address", "grid_id", "households", "lon", "lat"]]
            .assign(covered=within.covered),
            "volunteers": ds.volunteers.assign(active=within.active.to_numpy())}


def coverage(rev: str, version: int, query: Query, start: pd.Timestamp, end: pd.Timestamp, radius_m: float) -> dict[str, Any]:
    """The volunteer page's tables (:mod:`analysis.metrics.coverage`) with a walking radius of ``radius_m`` metres;
    ``in_scope`` marks the grids and micro-grids in the place chosen. The other tables are shared: read only."""
    street = _street_coverage(rev, version, start, end, radius_m)
    ds, filters = dataset(rev, version), from_query(dict(query))
    in_scope = filters.grid_mask(ds.grids)
    in_grids = set(ds.grids["grid_id"][in_scope])
    micro = street["micro"]
    return {**street, "grids": street["grids"].assign(in_scope=in_scope),
            "micro": micro.assign(in_scope=micro["parent_id"].isin(in_grids).to_numpy())}


@st.cache_resource(show_spinner=False, max_entries=8)
def meeting(rev: str, version: int, start: pd.Timestamp) -> Meeting:
    """The weekly meeting of the week starting on ``start`` (:func:`analysis.report.meeting.meeting`), with the
    open division proposals and without the notes (the page reads them fresh from the store)."""
    settings, ds = load_settings(), dataset(rev, version)
    from analysis.report.proposals import open_proposals  # the redraw workbench: only when a meeting is shown
    return report.meeting(ds, week_of(start), settings, open_proposals(store(), ds, settings))


@st.cache_data(show_spinner=False, max_entries=64)
def meeting_section(rev: str, version: int, start: pd.Timestamp, step: str, lang: str, room: bool) -> Section:
    """One step of the meeting in ``lang``, with its pictures (drawn once per data revision, week and look:
    ``room`` for projector mode, larger type on a smaller picture)."""
    from analysis.report.pictures import PRINT, ROOM  # matplotlib is imported only when a meeting is shown
    from analysis.report.sections import section
    return section(meeting(rev, version, start), step, lang, ROOM if room else PRINT)


def district_token() -> str:
    """The revisions of every street of the database, joined: changes when any street's data does."""
    base = database()
    return "|".join(status.revision(base.for_street(code)) for code in streets()["code"]) + f"|{settings_stamp()}"


@st.cache_data(show_spinner=False)
def district(token: str, preset: str) -> tuple[pd.DataFrame, dict[str, Any], str]:
    """Every street's figures for the period ``preset`` (:func:`analysis.metrics.district.street_table`, anchored on
    the latest report of any street), their outlines as GeoJSON, and the period's text, at ``token``."""
    from analysis.metrics.district import Street, street_outlines, street_table
    base, settings = database(), load_settings()
    listed = streets()
    rows = [Street(code, name, load_dataset(base.for_street(code))) for code, name in zip(listed["code"], listed["name"])]
    anchors = [s.dataset.anchor for s in rows if s.dataset.anchor is not None]
    period = Filters(period=preset).resolve(max(anchors) if anchors else None)
    outlines = street_outlines(rows).merge(listed, on="code")
    text = f"{period.start:%Y-%m-%d} — {(period.end - pd.Timedelta(days=1)):%Y-%m-%d}"
    return street_table(rows, period, settings), outlines.__geo_interface__, text
