"""The weekly review meeting (周例会): what each of its steps shows, for one Monday-to-Sunday week.

Every figure comes from the functions the pages use (:mod:`analysis.metrics`): the headline figures are
:func:`analysis.metrics.overview.kpis` of the week against the week before and against the same week four
weeks back; the grids to discuss are :func:`analysis.metrics.grid_stats.grid_measures` ranked three ways;
the overdue cases are the overdue lines of :func:`analysis.metrics.responsibility.ledger_lines`; and so on.
The page, the four handout formats and the CLI all draw one :class:`Meeting`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from analysis.maps.hotspots import hotspots
from analysis.metrics import resolution as r
from analysis.metrics.coverage import coverage_table
from analysis.metrics.dataset import Dataset
from analysis.metrics.filters import Filters
from analysis.metrics.grid_stats import grid_measures
from analysis.metrics.overview import Kpi, attention, kpis, services_in, weekly_trend
from analysis.metrics.periods import Period, week_starts
from analysis.metrics.resolution_tables import handled_levels
from analysis.metrics.responsibility import ledger_lines
from analysis.metrics.wishes import wish_figures
from analysis.report.weeks import week_label
from analysis.settings import Settings

STEPS = ("headline", "discuss", "overdue", "hotspots", "levels", "volunteers", "proposals", "decisions")
"""The meeting's steps, in the order they are shown."""
DISCUSS_PER_LIST = 5
TREND_WEEKS = 8
OVERDUE_COLUMNS = ("incident_id", "grid", "category", "event_name", "reported_at", "due_at", "days_overdue",
                   "responsible", "reporter_phone")


@dataclass(frozen=True)
class Proposal:
    """A saved division plan not yet made current, with the street's figures before and after it.

    ``street`` is :func:`analysis.division.whatif.street_comparison` (index: figure, columns ``before`` /
    ``after``); ``grids`` the plan's grid polygons (for its map); ``changed`` the ids of the grids the plan
    adds, removes or reshapes (:func:`analysis.division.edits.changed_grids`).
    """

    plan_id: int
    name: str
    revision: int
    author: str
    created_at: str
    note: str
    street: pd.DataFrame
    grids: gpd.GeoDataFrame
    changed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Meeting:
    """Everything the meeting shows for one week.

    Attributes
    ----------
    week : Period
        Monday 00:00 to the next Monday 00:00.
    label : str
        The ISO week, '2026-W47'.
    kpis : list of Kpi
        The ten headline figures of the week against the week before.
    four_weeks_back : dict
        Each headline figure of the same week four weeks back (key -> value; NaN when nothing to measure).
    trend : pandas.DataFrame
        Reported and closed per week, the eight weeks up to this one (:func:`weekly_trend`).
    grids : pandas.DataFrame
        :func:`grid_measures` of the week (all grids of the version).
    discuss : pandas.DataFrame
        The grids to discuss: ``list`` (load / overdue / falling), ``grid_id``, ``name``, ``community`` and
        the figures of the reason (reported, per_100_households, load_ratio = per 100 households over the
        street's, overdue, backlog, due, on_time_rate, on_time_before).
    overdue : pandas.DataFrame
        Overdue open cases at the week's end, oldest deadline first (:data:`OVERDUE_COLUMNS`; phones masked).
    points : pandas.DataFrame
        ``lon``, ``lat`` of the week's located reports (the density on the hotspot map).
    hot : geopandas.GeoDataFrame
        Gi* hot cells of the week's reports (:func:`analysis.maps.hotspots.hotspots`).
    levels : pandas.DataFrame
        Cases closed in the week by the level that handled them (:func:`handled_levels`).
    volunteers : dict
        ``services``, ``hours``, ``services_before``, ``hours_before`` (the week before), ``volunteers``,
        ``active``, and the micro-wishes' ``wishes_collected``, ``wishes_fulfilled``, ``wishes_open``.
    no_volunteer : pandas.DataFrame
        Grids without an active volunteer: ``grid_id``, ``name``, ``community``, ``households``.
    proposals : list of Proposal
        Saved plans not yet made current (newest first).
    notes, last_notes : str
        The decisions and notes typed for this week, and for the week before ("last week's decisions").
    geometry : geopandas.GeoDataFrame
        The grids' polygons (``grid_id``, ``name``), for the maps.
    street : shapely geometry or None
    """

    week: Period
    label: str
    kpis: list[Kpi]
    four_weeks_back: dict[str, float]
    trend: pd.DataFrame
    grids: pd.DataFrame
    discuss: pd.DataFrame
    overdue: pd.DataFrame
    points: pd.DataFrame
    hot: gpd.GeoDataFrame
    levels: pd.DataFrame
    volunteers: dict[str, float]
    no_volunteer: pd.DataFrame
    geometry: gpd.GeoDataFrame
    street: BaseGeometry | None
    proposals: list[Proposal] = field(default_factory=list)
    notes: str = ""
    last_notes: str = ""


def grids_to_discuss(current: pd.DataFrame, previous: pd.DataFrame, min_cases: int,
                     n: int = DISCUSS_PER_LIST) -> pd.DataFrame:
    """The grids the meeting should discuss, from two :func:`grid_measures` tables (this week, the week before).

    Three lists of up to ``n`` grids each: ``load``, most reports per 100 households (grids with households
    and at least ``min_cases`` reports: a handful of reports in a small grid is no pattern), with ``load_ratio`` = that rate over the street's (reports / households x 100);
    ``overdue``, most overdue open cases; ``falling``, the largest fall in on-time closure rate among grids
    with at least ``min_cases`` cases due in both weeks (:func:`analysis.metrics.overview.attention`).
    """
    households = float(current["households"].fillna(0).sum())
    street_rate = r.rate(float(current["reported"].sum()) * 100.0, households)
    load = current[(current["reported"] >= max(min_cases, 1)) & (current["households"] > 0)]
    load = load.sort_values(["per_100_households", "reported"], ascending=False).head(n)
    load = load.assign(load_ratio=load["per_100_households"] / street_rate if street_rate > 0 else np.nan)
    lists = attention(current, previous, np.ones(len(current), dtype=bool), min_cases, n)
    parts = [load.assign(list="load"), lists["overdue"].assign(list="overdue"), lists["falling"].assign(list="falling")]
    columns = ["list", "grid_id", "name", "community", "reported", "per_100_households", "load_ratio", "overdue",
               "backlog", "due", "on_time_rate", "on_time_before"]
    chosen = [p.reindex(columns=columns) for p in parts if len(p)]
    return pd.concat(chosen, ignore_index=True) if chosen else pd.DataFrame(columns=columns)


def volunteer_week(ds: Dataset, week: Period, cover: pd.DataFrame) -> dict[str, float]:
    """The volunteers' week: services and hours (against the week before), volunteers and active ones (from
    ``cover``, :func:`analysis.metrics.coverage.coverage_table`), micro-wishes."""
    def hours(period: Period) -> float:
        dates = ds.services["date"]
        return float(ds.services.loc[(dates >= period.start) & (dates < period.end), "hours"].sum())

    before, everyone = week.previous(), Filters()
    wishes = wish_figures(ds, week)
    return {"services": float(services_in(ds, week, everyone)), "hours": hours(week),
            "services_before": float(services_in(ds, before, everyone)), "hours_before": hours(before),
            "volunteers": float(cover["volunteers"].sum()), "active": float(cover["active"].sum()),
            "wishes_collected": float(wishes["collected"]), "wishes_fulfilled": float(wishes["fulfilled"]),
            "wishes_open": float(wishes["open"])}


def meeting(ds: Dataset, week: Period, settings: Settings, proposals: list[Proposal] | None = None,
            notes: str = "", last_notes: str = "") -> Meeting:
    """The :class:`Meeting` of ``week`` over the whole street of ``ds``.

    ``proposals`` (:func:`analysis.report.proposals.open_proposals`) and the notes come from the store;
    the rest is computed here from ``ds``.
    """
    everyone = Filters()
    flags = r.settings_flags(ds.incidents, week, settings, ds.spans)
    before = r.settings_flags(ds.incidents, week.previous(), settings, ds.spans)
    back = Period(week.start - pd.Timedelta(days=28), week.end - pd.Timedelta(days=28))
    month_ago = kpis(ds, everyone, flags, r.settings_flags(ds.incidents, back, settings, ds.spans))
    now = grid_measures(ds, flags, None, settings)
    lines = ledger_lines(ds, flags, np.ones(len(ds.incidents), dtype=bool), settings)
    overdue = lines[lines["ledger_state"] == "overdue"].sort_values(["due_at", "incident_id"])
    reported = ds.incidents.loc[flags.full("reported"), ["lon", "lat"]]
    reported = reported[np.isfinite(reported["lon"]) & np.isfinite(reported["lat"])]
    area = ds.street if ds.street is not None else (ds.grids.union_all() if len(ds.grids) else None)
    cover = coverage_table(ds, settings, 1.0)
    return Meeting(
        week=week, label=week_label(week), kpis=kpis(ds, everyone, flags, before),
        four_weeks_back={k.key: k.previous for k in month_ago},
        trend=weekly_trend(ds.incidents, np.ones(len(ds.incidents), dtype=bool),
                           week_starts(Period(week.end - pd.Timedelta(weeks=TREND_WEEKS), week.end), TREND_WEEKS)),
        grids=now, discuss=grids_to_discuss(now, grid_measures(ds, before, None, settings),
                                            int(settings["min_cases_for_rate"])),
        overdue=overdue.reindex(columns=list(OVERDUE_COLUMNS)).reset_index(drop=True),
        points=reported.reset_index(drop=True),
        hot=hotspots(reported["lon"].to_numpy(float), reported["lat"].to_numpy(float), area,
                     float(settings["hotspot_cell_m"])),
        levels=handled_levels(ds.incidents, flags, np.ones(len(ds.incidents), dtype=bool)),
        volunteers=volunteer_week(ds, week, cover),
        no_volunteer=cover.loc[cover["no_active"], ["grid_id", "name", "community", "households"]]
        .reset_index(drop=True),
        geometry=ds.grids[["grid_id", "name", "geometry"]].copy(), street=ds.street,
        proposals=list(proposals or []), notes=notes, last_notes=last_notes)
