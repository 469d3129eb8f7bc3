"""The meeting as eight sections in one language: a title, the lines to say, a table and a picture each.

The page and every handout format draw these sections, so a figure is worded and rounded one way only.
Text from the street's files (grid names, event names, people) is kept as typed: each writer escapes it
for its own format, and phone numbers were masked when the meeting was computed.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.report import numbers as fmt
from analysis.report import pictures
from analysis.report.labels import LEVEL_KEYS, say
from analysis.report.meeting import Meeting, Proposal
from analysis.report.pictures import PRINT, Look
from analysis.sanitise import mask_phone_text

TABLE_ROWS = 15
PLAN_FIGURES = ("grids", "households_cv", "workload_cv", "outside_norm", "not_contiguous", "compactness_mean")


@dataclass(frozen=True)
class Section:
    """One step of the meeting, ready to draw: ``lines`` are sentences, ``table`` holds text cells with
    headers in the section's language, ``pictures`` PNG bytes, ``notes`` the typed decisions (last section).
    ``room_columns`` are the table's columns a room reads (projector mode and slides show only these; empty:
    all of them)."""

    step: str
    title: str
    lines: list[str]
    table: pd.DataFrame | None = None
    pictures: list[bytes] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    room_columns: tuple[str, ...] = ()

    def room_table(self) -> pd.DataFrame | None:
        """The table with only its ``room_columns`` (all columns when none are named)."""
        if self.table is None or not self.room_columns:
            return self.table
        return self.table[[c for c in self.room_columns if c in self.table.columns]]


def _headers(lang: str, *keys: str) -> tuple[str, ...]:
    return tuple(say(k, lang) for k in keys)


def _limited(table: pd.DataFrame, lang: str, lines: list[str]) -> pd.DataFrame:
    """The first :data:`TABLE_ROWS` rows; a line says how many were left out."""
    if len(table) > TABLE_ROWS:
        lines.append(say("mt_more_rows", lang, n=len(table) - TABLE_ROWS))
    return table.head(TABLE_ROWS).reset_index(drop=True)


def headline(m: Meeting, lang: str, look: Look | None = PRINT) -> Section:
    """Step 1: the ten headline figures against last week and four weeks back, and the eight weeks' trend."""
    by_key = {k.key: k for k in m.kpis}
    line = say("mt_headline_line", lang, reported=fmt.count(by_key["reported"].value),
               on_time=fmt.percent(by_key["on_time_rate"].value), overdue=fmt.count(by_key["overdue"].value))
    table = pd.DataFrame({
        say("mt_col_figure", lang): [say(f"kpi_{k.key}", lang) for k in m.kpis],
        say("mt_col_week", lang): [fmt.value(k.kind, k.value, lang) for k in m.kpis],
        say("mt_col_last_week", lang): [fmt.value(k.kind, k.previous, lang) for k in m.kpis],
        say("mt_col_change", lang): [fmt.change(k.kind, k.change, lang) or fmt.DASH for k in m.kpis],
        say("mt_col_four_weeks", lang): [fmt.value(k.kind, m.four_weeks_back[k.key], lang) for k in m.kpis]})
    chart = [pictures.trend_chart(m.trend, say("mt_trend_reported", lang), say("mt_trend_closed", lang),
                                  say("mt_trend_title", lang), look=look)] if look else []
    return Section("headline", say("mt_step_headline", lang), [line], table, chart,
                   room_columns=_headers(lang, "mt_col_figure", "mt_col_week", "mt_col_last_week", "mt_col_four_weeks"))


def reason(row: pd.Series, lang: str) -> str:
    """Why a grid is on the list of grids to discuss, in words."""
    if row["list"] == "load":
        return say("mt_why_load", lang, per100=f"{row['per_100_households']:.1f}", reported=fmt.count(row["reported"]),
                   ratio=f"{row['load_ratio']:.1f}" if pd.notna(row["load_ratio"]) else fmt.DASH)
    if row["list"] == "overdue":
        return say("mt_why_overdue", lang, overdue=fmt.count(row["overdue"]), backlog=fmt.count(row["backlog"]))
    return say("mt_why_falling", lang, before=fmt.percent(row["on_time_before"]), now=fmt.percent(row["on_time_rate"]),
               due=fmt.count(row["due"]))


def discuss(m: Meeting, lang: str, look: Look | None = PRINT) -> Section:
    """Step 2: the grids to discuss, three lists, each grid with its reason; the map of load per 100 households."""
    d = m.discuss
    lines = [say("mt_discuss_line", lang, n=d["grid_id"].nunique()) if len(d) else say("mt_discuss_none", lang)]
    table = pd.DataFrame({say("mt_col_list", lang): [say(f"mt_list_{x}", lang) for x in d["list"]],
                          say("mt_col_grid", lang): d["name"].astype(str).to_list(),
                          say("mt_col_community", lang): d["community"].fillna("").astype(str).to_list(),
                          say("mt_col_reason", lang): [reason(row, lang) for _, row in d.iterrows()]})
    values = m.grids.set_index("grid_id")["per_100_households"]
    image = [pictures.grid_map(m.geometry, values, say("mt_map_load", lang),
                               named=list(dict.fromkeys(d["grid_id"])), look=look)] if look else []
    return Section("discuss", say("mt_step_discuss", lang), lines, _limited(table, lang, lines), image,
                   room_columns=_headers(lang, "mt_col_grid", "mt_col_reason"))


def overdue(m: Meeting, lang: str, look: Look | None = PRINT) -> Section:
    """Step 3: overdue open cases at the week's end, oldest deadline first, with the responsible person."""
    o = m.overdue
    if o.empty:
        return Section("overdue", say("mt_step_overdue", lang), [say("mt_overdue_none", lang)])
    lines = [say("mt_overdue_line", lang, n=len(o), days=f"{o['days_overdue'].max():.1f}")]
    table = pd.DataFrame({
        say("mt_col_case", lang): o["incident_id"].astype(str), say("mt_col_grid", lang): o["grid"].astype(str),
        say("mt_col_category", lang): o["category"].astype(str), say("mt_col_event", lang): o["event_name"].astype(str),
        say("mt_col_due", lang): pd.to_datetime(o["due_at"]).dt.strftime("%Y-%m-%d"),
        say("mt_col_days_overdue", lang): o["days_overdue"].map(lambda v: f"{v:.1f}"),
        say("mt_col_responsible", lang): o["responsible"].replace("", say("mt_nobody", lang)).astype(str),
        say("mt_col_phone", lang): o["reporter_phone"].astype(str)})
    table = table.loc[:, [bool(table[c].str.strip().ne("").any()) for c in table.columns]]   # no empty column
    return Section("overdue", say("mt_step_overdue", lang), lines, _limited(table, lang, lines),
                   room_columns=_headers(lang, "mt_col_grid", "mt_col_category", "mt_col_days_overdue",
                                         "mt_col_responsible"))


def hotspots(m: Meeting, lang: str, look: Look | None = PRINT) -> Section:
    """Step 4: the week's reports per grid, their density (points) and the Gi* hot cells."""
    strong = m.hot[m.hot["confidence"] >= 95] if len(m.hot) else m.hot
    lines = [say("mt_hot_line", lang, n=fmt.count(len(m.points)), hot=len(strong)) if len(strong)
             else say("mt_hot_none", lang)]
    busiest = m.grids[m.grids["reported"] > 0].sort_values("reported", ascending=False).head(5)
    if len(busiest):
        names = ("、" if lang == "zh" else ", ").join(f"{n}（{c}）" if lang == "zh" else f"{n} ({c})"
                                                       for n, c in zip(busiest["name"], busiest["reported"]))
        lines.append(say("mt_top_grids", lang, names=names))
    image = [pictures.grid_map(m.geometry, m.grids.set_index("grid_id")["reported"], say("mt_map_reported", lang),
                               hot=strong, points=m.points, named=busiest["grid_id"].to_list(),
                               hot_label=say("mt_hot_legend", lang), look=look)] if look else []
    return Section("hotspots", say("mt_step_hotspots", lang), lines, None, image)


def levels(m: Meeting, lang: str, look: Look | None = PRINT) -> Section:
    """Step 5: cases closed in the week by the level that handled them."""
    lv = m.levels.set_index("level").reindex(list(LEVEL_KEYS)).fillna({"closed": 0})
    closed = int(lv["closed"].sum())
    if closed == 0:
        return Section("levels", say("mt_step_levels", lang), [say("mt_levels_none", lang)])
    names = [say(f"mt_level_{k}", lang) for k in lv.index]
    table = pd.DataFrame({say("mt_col_level", lang): names,
                          say("mt_col_closed", lang): [fmt.count(v) for v in lv["closed"]],
                          say("mt_col_share", lang): [fmt.percent(v) for v in lv["share"]]})
    lines = [say("mt_levels_line", lang, closed=fmt.count(closed), share=fmt.percent(float(lv["share"].get("grid", np.nan))))]
    chart = [pictures.bar_chart(names, [float(v) for v in lv["closed"]], say("mt_col_closed", lang), look=look)] \
        if look else []
    return Section("levels", say("mt_step_levels", lang), lines, table, chart)


def volunteers(m: Meeting, lang: str, look: Look | None = PRINT) -> Section:
    """Step 6: services and hours against last week, active volunteers, wishes, grids without an active one."""
    v = m.volunteers
    lines = [say("mt_vol_line", lang, services=fmt.count(v["services"]), hours=fmt.count(v["hours"]),
                 services_before=fmt.count(v["services_before"]), hours_before=fmt.count(v["hours_before"])),
             say("mt_vol_active", lang, volunteers=fmt.count(v["volunteers"]), active=fmt.count(v["active"]))]
    if v["wishes_collected"] or v["wishes_open"]:
        lines.append(say("mt_vol_wishes", lang, collected=fmt.count(v["wishes_collected"]),
                         fulfilled=fmt.count(v["wishes_fulfilled"]), open=fmt.count(v["wishes_open"])))
    gaps = m.no_volunteer
    lines.append(say("mt_vol_gaps", lang, n=len(gaps)) if len(gaps) else say("mt_vol_no_gaps", lang))
    table = pd.DataFrame({say("mt_col_grid", lang): gaps["name"].astype(str),
                          say("mt_col_community", lang): gaps["community"].fillna("").astype(str),
                          say("mt_col_households", lang): [fmt.count(h) for h in gaps["households"]]})
    image = [pictures.grid_map(m.geometry, None, say("mt_map_no_volunteer", lang), named=gaps["grid_id"].to_list(),
                               marked=gaps["grid_id"].to_list(), look=look)] if look and len(gaps) else []
    return Section("volunteers", say("mt_step_volunteers", lang), lines,
                   _limited(table, lang, lines) if len(gaps) else None, image)


def _plan_table(p: Proposal, lang: str) -> pd.DataFrame:
    rows = p.street.reindex(list(PLAN_FIGURES))
    shown = {"grids": fmt.count, "outside_norm": fmt.count, "not_contiguous": fmt.count}

    def cell(figure: str, value: float) -> str:
        return shown[figure](value) if figure in shown else (fmt.DASH if fmt.missing(value) else f"{value:.2f}")

    return pd.DataFrame({say("mt_col_figure", lang): [say(f"mt_fig_{f}", lang) for f in PLAN_FIGURES],
                         say("mt_col_before", lang): [cell(f, v) for f, v in zip(PLAN_FIGURES, rows["before"])],
                         p.name: [cell(f, v) for f, v in zip(PLAN_FIGURES, rows["after"])]})


def proposals(m: Meeting, lang: str, look: Look | None = PRINT) -> Section:
    """Step 7: saved plans not yet made current: the street's figures today and under each plan (a column
    per plan); the map shows the grids the newest plan changes, in red, over today's."""
    if not m.proposals:
        return Section("proposals", say("mt_step_proposals", lang), [say("mt_prop_none", lang)])
    lines = [say("mt_prop_line", lang, name=p.name, revision=p.revision, author=p.author or fmt.DASH,
                 when=p.created_at[:10], changed=len(p.changed)) for p in m.proposals]
    table = _plan_table(m.proposals[0], lang)
    for p in m.proposals[1:]:
        table[p.name] = _plan_table(p, lang)[p.name]
    newest = m.proposals[0]
    moved = newest.grids[newest.grids["grid_id"].isin(newest.changed)]
    image = [pictures.grid_map(m.geometry, None, say("mt_map_plan", lang, name=newest.name), overlay=moved,
                               named=moved["grid_id"].to_list(), labels_from=moved, look=look)] if look else []
    return Section("proposals", say("mt_step_proposals", lang), lines, table, image)


def decisions(m: Meeting, lang: str, look: Look | None = PRINT) -> Section:
    """Step 8: the decisions and notes typed for this week, and last week's (a phone number in them masked)."""
    notes = [(say("mt_notes_this_week", lang), mask_phone_text(m.notes) or say("mt_notes_empty", lang)),
             (say("mt_notes_last_week", lang), mask_phone_text(m.last_notes) or say("mt_notes_empty", lang))]
    return Section("decisions", say("mt_step_decisions", lang), [], None, [], notes)


BUILDERS: dict[str, Callable[[Meeting, str, Look | None], Section]] = {
    "headline": headline, "discuss": discuss, "overdue": overdue, "hotspots": hotspots, "levels": levels,
    "volunteers": volunteers, "proposals": proposals, "decisions": decisions}


def section(m: Meeting, step: str, lang: str, look: Look | None = PRINT) -> Section:
    """The section of ``step`` (one of :data:`analysis.report.meeting.STEPS`) with pictures of ``look``;
    ``look=None`` leaves them out (for a quick look at the words and tables)."""
    return BUILDERS[step](m, lang, look)
