"""The workbench's tables as shown: labels in the session's language, units in the headers, changes marked."""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from analysis.division.suggest import Progress
from ui import formats
from ui.cards import Card, tone
from ui.i18n import lang, t

CHANGED_BACKGROUND = "background-color: #fde0ef"   # the map's magenta, light
# figure -> (label key, how it prints)
GRID_FIGURES = {"households": ("col_households", "count"), "population": ("rd_col_population", "count"),
                "incidents": ("rd_col_incidents", "count"), "incidents_per_week": ("col_per_week", "one"),
                "workload_index": ("col_index", "two"), "backlog": ("rd_col_backlog", "count"),
                "volunteers": ("rd_col_volunteers", "count"), "on_time_rate": ("col_on_time_rate", "rate"),
                "compactness": ("rd_col_compactness", "two")}
STREET_FIGURES = {"grids": "count", "households_cv": "two", "households_max_min": "one", "workload_cv": "two",
                  "workload_max_min": "one", "outside_norm": "count", "not_contiguous": "count",
                  "compactness_mean": "two", "compactness_min": "two", "gap_m2": "count", "overlap_m2": "count",
                  "buildings_unplaced": "count"}


def _pair(street: pd.DataFrame, figure: str) -> tuple[float, float]:
    """A street figure before and after (:func:`analysis.division.whatif.street_comparison`)."""
    values = street.to_dict("index")[figure]
    return float(values["before"]), float(values["after"])


def _text(value: float, kind: str) -> str:
    if kind == "rate":
        return formats.percent(value)
    if kind == "count":
        return formats.count(value)
    if pd.isna(value):
        return formats.DASH
    return f"{value:,.{1 if kind == 'one' else 2}f}"


def grid_table(comparison: pd.DataFrame, names: tuple[str, str] | None = None) -> tuple[pd.DataFrame, Styler]:
    """Each grid before and after (from :func:`analysis.division.whatif.compare`): the frame to download and its
    Styler, changed, added and removed rows shaded. ``names`` replace "before"/"after" in the headers."""
    first, second = names or (t("rd_before"), t("rd_after"))
    out = pd.DataFrame({t("rd_col_status"): comparison["status"].map(lambda s: t(f"rd_status_{s}")),
                        t("col_grid"): comparison["name"], t("rd_col_code"): comparison["grid_id"],
                        t("col_community"): comparison["community"]})
    for figure, (key, kind) in GRID_FIGURES.items():
        out[f"{t(key)}·{first}"] = comparison[f"{figure}_before"].map(lambda v, k=kind: _text(v, k))
        out[f"{t(key)}·{second}"] = comparison[f"{figure}_after"].map(lambda v, k=kind: _text(v, k))
    out[t("rd_col_parts")] = comparison["parts_after"].map(formats.count)
    out[t("col_norm")] = comparison["norm_position"].map(lambda p: t(p) if isinstance(p, str) else formats.DASH)
    out[t("rd_col_locked")] = comparison["locked"].map(lambda x: "🔒" if x else "")
    marked = (comparison["status"] != "same").to_numpy()
    styler = out.style.apply(lambda row: [CHANGED_BACKGROUND if marked[row.name] else ""] * len(row), axis=1)
    return out, styler


def changed_first(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`grid_table`'s frame with the changed, added and removed grids first, each part in its order (a
    projected table shows only its first rows)."""
    same = table[t("rd_col_status")] == t("rd_status_same")
    return pd.concat([table[~same], table[same]])


def grid_room_columns(names: tuple[str, str] | None = None) -> list[str]:
    """The columns of :func:`grid_table` (with the same ``names``) that a meeting room reads in projector mode:
    the grid, its status, households before and after, the workload index after and the norm."""
    first, second = names or (t("rd_before"), t("rd_after"))
    return [t("col_grid"), t("rd_col_status"), f"{t('col_households')}·{first}", f"{t('col_households')}·{second}",
            f"{t('col_index')}·{second}", t("col_norm")]


def street_table(street: pd.DataFrame, names: tuple[str, str] | None = None) -> pd.DataFrame:
    """The street's figures (:func:`analysis.division.whatif.street_comparison`) with labels and the change."""
    first, second = names or (t("rd_before"), t("rd_after"))
    rows = []
    for figure, kind in STREET_FIGURES.items():
        before, after = _pair(street, figure)
        change = after - before
        rows.append({t("rd_col_figure"): t(f"rd_s_{figure}"), first: _text(before, kind), second: _text(after, kind),
                     t("rd_col_change"): "" if pd.isna(change) or change == 0 else
                     ("+" if change > 0 else "") + _text(change, kind)})
    return pd.DataFrame(rows)


CARD_FIGURES = (("grids", "count"), ("households_cv", "two"), ("workload_cv", "two"), ("outside_norm", "count"),
                ("not_contiguous", "count"), ("buildings_unplaced", "count"))


def street_cards(street: pd.DataFrame) -> list[Card]:
    """The street's headline figures after the edit as cards, each with its change (lower is better, but for
    the number of grids, which is neither)."""
    out = []
    for figure, kind in CARD_FIGURES:
        before, after = _pair(street, figure)
        change = after - before
        shown = None if pd.isna(change) or change == 0 else ("+" if change > 0 else "") + _text(change, kind)
        out.append(Card(t(f"rd_s_{figure}"), _text(after, kind), shown,
                        "flat" if figure == "grids" or shown is None else tone(change, "down")))
    return out


def report_table(report: pd.DataFrame) -> pd.DataFrame:
    """The suggestion's report per piece of ground, labelled."""
    return pd.DataFrame({
        t("col_community"): report["community"], t("rd_col_piece"): report["piece"],
        t("rd_col_buildings"): report["buildings"], t("col_households"): report["households"].map(formats.count),
        t("rd_col_grids"): report["grids"], t("rd_col_target"): report["target"].map(formats.count),
        t("col_norm"): [f"{lo:.0f}–{hi:.0f}" for lo, hi in zip(report["norm_min"], report["norm_max"])],
        t("rd_col_below"): report["below"], t("rd_col_above"): report["above"],
        t("rd_col_miss"): report["worst_miss"].map(formats.count),
        t("rd_col_split"): report["split"].map(lambda names: names or "—")})


def suggestion_progress(progress: Progress) -> str:
    """The progress bar's text while a suggestion runs: the stage and, once evening out has begun, the best
    division so far (incidents-per-grid CV and mean compactness, then and now)."""
    if progress.stage == "repair":
        return t("rd_progress_repair", done=progress.done, total=progress.total)
    return t("rd_progress_even", done=progress.done, total=progress.total,
             cv_start=_text(progress.workload_cv_start, "two"), cv=_text(progress.workload_cv, "two"),
             shape_start=_text(progress.compactness_start, "two"), shape=_text(progress.compactness, "two"))


def plan_table(plans: pd.DataFrame) -> pd.DataFrame:
    """Saved plan revisions, labelled."""
    return pd.DataFrame({t("rd_plan_name"): plans["name"], t("rd_col_revision"): plans["revision"],
                         t("rd_plan_author"): plans["author"], t("rd_plan_note"): plans["note"],
                         t("rd_col_saved_at"): plans["created_at"].str[:16], t("rd_col_grids"): plans["grids"],
                         t("rd_col_base"): plans["base_version"]})


def changes_table(changes: pd.DataFrame, after_names: dict[str, str]) -> pd.DataFrame:
    """Each grid of a new division with what happened to it (same, kept, split, merged, new) and why, in the
    session's language (:func:`analysis.division.continuity.changes`); changed grids first."""
    reason = changes["reason_zh" if lang() == "zh" else "reason_en"]
    out = pd.DataFrame({t("col_grid"): changes["grid_id"].map(after_names).fillna(changes["grid_id"]),
                        t("rd_col_code"): changes["grid_id"],
                        t("rd_col_what"): changes["status"].map(lambda s: t(f"rd_change_{s}")),
                        t("col_households"): changes["households"].map(formats.count), t("rd_col_reason"): reason})
    return out.iloc[np.argsort((changes["status"] == "same").to_numpy(), kind="stable")].reset_index(drop=True)


def staffing_table(people: pd.DataFrame, before_names: dict[str, str]) -> pd.DataFrame:
    """The staffing proposal as the analyst edits it: one row per person, the proposed grid's code editable."""
    return pd.DataFrame({t("rd_col_person"): people["name"], t("rd_col_role"): people["role"].replace(
        "", t("rd_volunteer")), t("rd_col_old_grid"): people["old_grid"].map(before_names).fillna(people["old_grid"]),
        t("rd_col_new_grid"): people["new_grid"], t("rd_col_basis"): people["basis"].map(lambda b: t(f"rd_basis_{b}"))})
