"""The redraw workbench's session state: the division being edited, its history, selection and messages.

One :class:`Workbench` per browser session (``st.session_state``), started from the store's
current division or a saved plan. Every edit goes through :func:`edit`, which records it in the
history (undo/redo), re-keys the map so that it is drawn afresh, and turns an
:class:`~analysis.division.edits.EditError` into a message in the session's language.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import folium
import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa
import streamlit as st
from shapely.geometry.base import BaseGeometry

from analysis.division import continuity
from analysis.division import plans as plan_store
from analysis.division import whatif as w
from analysis.division.edits import (
    Division,
    EditError,
    add_grid,
    changed_grids,
    division_from_layer,
    give_area,
    merge,
    move_buildings,
    reshape,
    split,
    with_locks,
)
from analysis.division.export import export_bytes
from analysis.division.history import History
from analysis.division.micro import cut_micro_grids, micro_layer
from analysis.division.suggest import Suggestion
from analysis.division.units import length_km
from analysis.ingest.problems import ReadError
from analysis.maps.build import MapSpec, PointLayer
from analysis.maps.classes import classify
from analysis.maps.workbench import Drawings, build_workbench_map, nearest_point, read_drawings
from analysis.sanitise import mask_phone_text, mask_phones_in_text
from analysis.sanitise.map_text import map_html_text
from analysis.settings import load_settings
from ui import actions, formats, loaders
from ui.auth import audit, can, shared_server, who
from ui.errors import guarded
from ui.i18n import lang, t
from ui.map_figure import fresh_copy
from ui.theme import presenting
from ui.widgets import show_read_error

KEY = "redraw_workbench"
ADOPTING = "redraw_adopting"   # (plan id, plan name, effective date) awaiting the user's confirmation
CLICK_RADIUS_DEG = 0.00012   # ~12 m: a click this close to a building picks it


@dataclass
class Workbench:
    """What one session is editing."""

    key: tuple[str, int]            # (data revision, boundary version) the workspace was built on
    start: Division                 # the "before" of the what-if
    start_label: str
    history: History[Division]
    selected: np.ndarray            # a flag per building of the workspace
    pending: BaseGeometry | None = None   # the newest shape drawn and not yet used
    serial: int = 0                 # changes with every edit: the map is drawn afresh
    seen: dict[str, Any] = field(default_factory=dict)   # the map's last drawings and click, handled once
    figures: dict[int, tuple[Division, w.Figures]] = field(default_factory=dict)   # id(division) -> its figures
    maps: dict[tuple[int, str, bool], folium.Map] = field(default_factory=dict)   # (serial, language, projector)
    cuts: dict[int, pd.DataFrame] = field(default_factory=dict)                   # serial -> cut micro-grids
    exports: dict[tuple[int, str], bytes] = field(default_factory=dict)           # (serial, format) -> file
    proposal: Suggestion | None = None
    message: tuple[str, str] | None = None         # (kind, text) shown once
    revisions: dict[str, int] = field(default_factory=dict)   # plan name -> newest revision this session saw
    conflict: plan_store.PlanConflict | None = None            # a save refused: someone saved that name since

    @property
    def current(self) -> Division:
        """The division as edited so far."""
        return self.history.current


def _bench() -> Workbench:
    """This session's workbench (made by :func:`workbench` at the top of the page)."""
    bench: Workbench = st.session_state[KEY]
    return bench


@st.cache_resource(show_spinner=False, max_entries=2)
def _space(rev: str, version: int) -> w.Workspace:
    store = loaders.store()
    division = division_from_layer(store.grids(version), store.street(version))
    return w.workspace(loaders.dataset(rev, version), division, load_settings())


def space() -> w.Workspace:
    """The workspace of the store's current division (cached per data revision)."""
    bench = _bench()
    return _space(*bench.key)


def workbench() -> Workbench | None:
    """This session's workbench (None when the store has no boundaries)."""
    store = loaders.store()
    version = store.current_version()
    if version is None:
        return None
    key = (loaders.revision(), version)
    bench = st.session_state.get(KEY)
    if bench is None or bench.key != key:
        division = _space(*key).division
        bench = Workbench(key, division, t("rd_start_current"), History.starting_at(division, ""),
                          np.zeros(len(_space(*key).buildings), dtype=bool))
        st.session_state[KEY] = bench
    return bench


def _restart(bench: Workbench, division: Division, label: str) -> None:
    bench.start, bench.start_label = division, label
    bench.history = History.starting_at(division, "")
    bench.selected[:] = False
    bench.pending, bench.proposal = None, None
    bench.serial += 1


@guarded
def start_from(choice: object) -> None:
    """Start again from the current division (``choice`` = 'current') or from saved plan ``choice``."""
    bench = _bench()
    if choice == "current":
        _restart(bench, space().division, t("rd_start_current"))
        return
    plans = saved_plans()
    row = plans[plans["plan_id"] == choice].iloc[0]
    _restart(bench, plan_store.load_plan(loaders.store(), int(str(choice))), f"{row['name']} r{row['revision']}")


def edit(label: str, function: Callable[..., Division | tuple[Division, Any]], *args: Any) -> bool:
    """Apply ``function(current division, *args)`` as one edit named ``label``; False (and a message) if refused.

    ``function`` may return a division or (division, extra).
    """
    bench = _bench()
    try:
        result = function(bench.current, *args)
    except EditError as err:
        bench.message = ("error", t(f"err_{err.reason}", detail=formats.plain(err.detail)))
        return False
    division = result[0] if isinstance(result, tuple) else result
    bench.history.push(division, label)
    bench.selected[:] = False
    bench.pending = None
    bench.serial += 1
    bench.message = ("success", t("rd_done", what=label))
    return True


@guarded
def step(direction: str) -> None:
    """Undo (``'undo'``) or redo (``'redo'``) one edit."""
    bench = _bench()
    what = bench.history.undo() if direction == "undo" else bench.history.redo()
    bench.serial += 1
    bench.message = ("info", t(f"rd_{direction}_done", what=what))


def figures(division: Division) -> w.Figures:
    """The what-if figures of ``division`` (computed once per division object in this session)."""
    bench = _bench()
    key = id(division)
    if key not in bench.figures:
        live = {id(d) for d in bench.history.states} | {id(bench.start)}
        if bench.proposal is not None:
            live.add(id(bench.proposal.division))
        bench.figures = {k: v for k, v in bench.figures.items() if k in live}
        here = space()
        bench.figures[key] = (division, w.division_figures(here.ds, here.flags, division, load_settings(), here.tiling,
                                                                here.measures))
    return bench.figures[key][1]


def saved_plans() -> pd.DataFrame:
    """Every saved plan revision, newest first (the newest revision of each name is what this session has
    seen when it next saves)."""
    plans = plan_store.list_plans(loaders.store())
    bench = st.session_state.get(KEY)
    if bench is not None:
        bench.revisions = {str(n): int(r) for n, r in plans.groupby("name")["revision"].max().items()}
    return plans


def plan_division(choice: object) -> Division:
    """'current' (the store's division), 'edit' (this session's) or a saved plan id, as a division."""
    bench = _bench()
    if choice == "current":
        return space().division
    if choice == "edit":
        return bench.current
    return plan_store.load_plan(loaders.store(), int(str(choice)))


def _tooltips(grids: pd.DataFrame) -> list[str]:
    return [t("rd_tooltip", name=str(n), code=c, households=formats.count(h), norm=t(p),
              index=formats.DASH if pd.isna(i) else f"{i:.2f}")
            for n, c, h, p, i in zip(grids["name"], grids["grid_id"], grids["households"], grids["norm_position"],
                                     grids["workload_index"])]


def division_map(division: Division, editable: bool, changed: set[str] | None = None) -> folium.Map:
    """A map of ``division`` coloured by the household norm (see :mod:`analysis.maps.workbench`).

    Buildings are shown on the editable map; on the others they start hidden (the layer control
    shows them), so that the grid lines read clearly.
    """
    table = figures(division).grids
    grids = division.grids.merge(table[["grid_id", "households", "norm_position", "workload_index"]], on="grid_id")
    grids = grids.assign(tooltip=_tooltips(grids), in_scope=True)
    b = space().buildings
    tip = mask_phones_in_text(b["address"]) + "\n" + t("card_households") + t("colon") + b["households"].astype(str)
    layers = [PointLayer(t("rd_layer_buildings"), b.assign(colour="#737373", tooltip=tip), 2.5, show=editable)]
    text = {k: t(k) for k in ("layer_grids", "layer_density", "layer_hotspots", "layer_points", "layer_names",
                              "layer_communities", "no_data", "below", "within", "above", "hot_99", "hot_95",
                              "hot_90", "play", "pause")}
    text["legend_title"] = t("m_norm_position")
    spec = MapSpec(grids, classify(grids["norm_position"], "norm"), text, division.communities, division.street,
                   basemap="none", label_px=17 if presenting() else 13, point_layers=layers)
    return build_workbench_map(spec, changed or set(), set(division.locked),
                               {"layer_changed": t("rd_layer_changed"), "layer_locked": t("rd_layer_locked")},
                               editable, draw_text())


def draw_text() -> dict[str, Any]:
    """The draw toolbar's texts in the session's language (the shape of Leaflet.draw's ``L.drawLocal``)."""
    def pair(key: str) -> dict[str, str]:
        return {"title": t(f"dr_{key}_title"), "text": t(f"dr_{key}")}
    return {"draw": {"toolbar": {"actions": pair("cancel"), "finish": pair("finish"), "undo": pair("undo"),
                                 "buttons": {"polyline": t("dr_polyline"), "polygon": t("dr_polygon"),
                                             "rectangle": t("dr_rectangle")}},
                     "handlers": {"polygon": {"tooltip": {"start": t("dr_poly_start"), "cont": t("dr_poly_cont"),
                                                          "end": t("dr_poly_end")}},
                                  "polyline": {"error": t("dr_line_error"),
                                               "tooltip": {"start": t("dr_line_start"), "cont": t("dr_line_cont"),
                                                           "end": t("dr_line_end")}},
                                  "rectangle": {"tooltip": {"start": t("dr_rect_start")}},
                                  "simpleshape": {"tooltip": {"end": t("dr_rect_end")}}}},
            "edit": {"toolbar": {"actions": {"save": pair("save"), "cancel": pair("edit_cancel")},
                                 "buttons": {"edit": t("dr_edit"), "editDisabled": t("dr_edit_disabled")}},
                     "handlers": {"edit": {"tooltip": {"text": t("dr_edit_tip"), "subtext": t("dr_edit_subtip")}}}}}


def editor_map() -> folium.Map:
    """The editable map of the current division (built once per edit and language; a fresh copy per run)."""
    bench = _bench()
    key = (bench.serial, lang(), presenting())
    if key not in bench.maps:
        bench.maps = {key: division_map(bench.current, True, changed_grids(bench.start, bench.current))}
    return fresh_copy(bench.maps[key])


def export_file(fmt: str, stem: str) -> bytes:
    """The current division as a file in ``fmt`` (written once per edit and format, not on every rerun)."""
    bench = _bench()
    key = (bench.serial, fmt)
    if key not in bench.exports:
        changed, _ = changes_between(bench.start, bench.current)
        bench.exports = {key: export_bytes(bench.current, fmt, stem, figures(bench.current).grids,
                                           micro_layer(space().ds.micro), changed)}
    return bench.exports[key]


def changes_between(before: Division, after: Division) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What ``after`` changes against ``before`` on the workspace's buildings: per grid its status and reason
    in both languages, and the household flows (:func:`analysis.division.continuity.changes`)."""
    return continuity.changes(before, after, space().buildings, load_settings())


def staffing(changes: pd.DataFrame, flows: pd.DataFrame, after: Division) -> tuple[pd.DataFrame, list[str]]:
    """Who would work where under ``after`` (:func:`analysis.division.continuity.staffing`, the workspace's
    registers; ``changes`` with final and proposed ids)."""
    ds = space().ds
    table = changes if "proposed_id" in changes else changes.assign(proposed_id=changes["grid_id"])
    return continuity.staffing(table, flows, after, ds.workers, ds.volunteers, list(load_settings()["fulltime_roles"]))


def uploaded_lines(files: list[Any] | None) -> BaseGeometry | None:
    """The roads, rivers and walls of an uploaded line layer (a caption says how much was read; a file
    that cannot be read is explained), or None."""
    if not files:
        return None
    try:
        lines = actions.line_layer(tuple((f.name, f.getvalue()) for f in files))
    except ReadError as err:
        show_read_error(err)
        return None
    st.caption(t("rd_lines_read", km=f"{length_km(lines):,.1f}"))
    return lines


def cut_micro() -> pd.DataFrame:
    """The micro-grids the current division's lines cut (:func:`analysis.division.micro.cut_micro_grids`)."""
    bench = _bench()
    if bench.serial not in bench.cuts:
        bench.cuts = {bench.serial: cut_micro_grids(bench.current.grids, micro_layer(space().ds.micro))}
    return bench.cuts[bench.serial]


def selection_layer() -> folium.FeatureGroup:
    """The selected buildings as red circles: added to the drawn map without reloading it."""
    bench = _bench()
    b = space().buildings[bench.selected]
    group = folium.FeatureGroup(name=t("rd_layer_selected"))
    for address, lon, lat in zip(b["address"], b["lon"], b["lat"]):
        folium.CircleMarker([lat, lon], radius=7, color="#99000d", weight=2, fill=True, fill_color="#e31a1c",
                            fill_opacity=0.9, tooltip=map_html_text(mask_phone_text(str(address)))).add_to(group)
    return group


@guarded
def take_map_input(map_key: str) -> bool:
    """Act on what the map ``map_key`` returned (``on_change`` of the map); True when something changed.

    Edited outlines become one edit; a new shape waits for the analyst to say what it is for; a
    click near a building selects it (or drops it from the selection). Each returned value is
    handled once.
    """
    bench = _bench()
    returned = st.session_state.get(map_key) or {}
    drawings_raw, click = returned.get("all_drawings"), returned.get("last_object_clicked")
    changed = False
    if drawings_raw and drawings_raw != bench.seen.get("drawings"):
        bench.seen["drawings"] = drawings_raw
        drawings: Drawings = read_drawings(drawings_raw, bench.current.grids)
        if drawings.edited:
            def reshape_all(division: Division, outlines: dict[str, BaseGeometry]) -> Division:
                for grid_id, outline in outlines.items():
                    division = reshape(division, grid_id, outline)
                return division
            changed = edit(t("rd_did_reshape", n=len(drawings.edited)), reshape_all, drawings.edited)
        elif drawings.drawn is not None:
            bench.pending = drawings.drawn
            changed = True
    if click and click != bench.seen.get("click"):
        bench.seen["click"] = click
        b = space().buildings
        hit = nearest_point(b["lon"].to_numpy(), b["lat"].to_numpy(), click["lng"], click["lat"], CLICK_RADIUS_DEG)
        if hit >= 0:
            bench.selected[hit] = not bench.selected[hit]
            changed = True
    return changed


def pending_kind() -> str:
    """'area' for a drawn polygon or rectangle, 'line' for a drawn line, '' when nothing waits."""
    shape = _bench().pending
    if shape is None:
        return ""
    return "line" if shape.geom_type in ("LineString", "MultiLineString") else "area"


def select_in_pending() -> int:
    """Add the buildings inside the drawn area to the selection (a lasso); returns how many are inside."""
    bench = _bench()
    b = space().buildings
    inside = shapely.contains_xy(bench.pending, b["lon"].to_numpy(float), b["lat"].to_numpy(float))
    bench.selected |= inside
    bench.pending = None
    return int(inside.sum())


def select_addresses(addresses: list[str]) -> None:
    """Make exactly the buildings with these addresses the selection."""
    bench = _bench()
    bench.selected[:] = space().buildings["address"].isin(addresses).to_numpy()


def selected_buildings() -> pd.DataFrame:
    """The selected buildings: address, households and the grid each is in now."""
    bench = _bench()
    b = space().buildings[bench.selected]
    grids = bench.current.grids
    inside = shapely.STRtree(grids.geometry.to_numpy()).query(shapely.points(b["lon"].to_numpy(float), b["lat"].to_numpy(float)),
                                                              predicate="intersects")
    where = np.full(len(b), "", dtype=object)
    where[inside[0][::-1]] = grids["name"].to_numpy()[inside[1][::-1]]
    return pd.DataFrame({"address": b["address"].to_numpy(), "households": b["households"].to_numpy(),
                         "grid": where})


# -- callbacks of the page's buttons: each reads the page's widgets from the session (their values as the
# user left them, even when a click follows a change at once) and changes the workbench before the page is
# drawn again --------------------------------------------------------------------------------------------
def _grid_name(grid_id: str) -> str:
    """A grid's name as messages (markdown) show it."""
    grids = _bench().current.grids
    return formats.plain(dict(zip(grids["grid_id"], grids["name"])).get(grid_id, grid_id))


@guarded
def load_start() -> None:
    """Start again from the division chosen in ``rd_start_choice`` (the current one or a saved plan)."""
    start_from(st.session_state.get("rd_start_choice", "current"))


@guarded
def use_drawn_area() -> None:
    """The drawn area, as ``rd_area_action`` says: give it to the grid ``rd_area_grid`` (``give``), make a new
    grid of it (``new``), or select the buildings inside it (``select``)."""
    bench = _bench()
    if bench.pending is None:
        return
    action, grid_id = st.session_state.get("rd_area_action", "give"), st.session_state.get("rd_area_grid", "")
    if action == "give":
        edit(t("rd_did_give", grid=_grid_name(grid_id)), give_area, bench.pending, grid_id)
    elif action == "new":
        edit(t("rd_did_new"), add_grid, bench.pending)
    else:
        bench.message = ("info", t("rd_selected_in", n=select_in_pending()))


@guarded
def split_along_drawn_line() -> None:
    """Cut the grid ``rd_split_grid`` along the drawn line."""
    bench = _bench()
    grid_id = st.session_state.get("rd_split_grid", "")
    if bench.pending is not None:
        edit(t("rd_did_split", grid=_grid_name(grid_id)), split, grid_id, bench.pending)


@guarded
def select_chosen_addresses() -> None:
    """Make the buildings chosen by address (``rd_addresses``) the selection."""
    select_addresses(list(st.session_state.get("rd_addresses", [])))


@guarded
def move_selected() -> None:
    """Move the selected buildings, with their cells, into the grid ``rd_move_grid`` (one edit)."""
    bench = _bench()
    grid_id = st.session_state.get("rd_move_grid", "")
    ground = space()
    edit(t("rd_did_move", n=int(bench.selected.sum()), grid=_grid_name(grid_id)), move_buildings, ground.cells,
         ground.buildings["lon"], ground.buildings["lat"], bench.selected.copy(), grid_id)


@guarded
def clear_selection() -> None:
    """Select no building."""
    _bench().selected[:] = False


@guarded
def merge_chosen() -> None:
    """Join the grids chosen in ``rd_merge_grids`` into the first of them."""
    chosen = list(st.session_state.get("rd_merge_grids", []))
    if len(chosen) >= 2:
        edit(t("rd_did_merge", n=len(chosen), grid=_grid_name(chosen[0])), merge, chosen)


@guarded
def apply_locks(key: str) -> None:
    """Lock exactly the grids chosen in the multiselect ``key``."""
    locks = list(st.session_state.get(key, []))
    edit(t("rd_did_lock", n=len(locks)), with_locks, locks)


@guarded
def take_proposal() -> None:
    """Make the suggested division the current edit (one step of the history)."""
    bench = _bench()
    if bench.proposal is not None:
        edit(t("rd_did_suggest"), lambda _division, new: new, bench.proposal.division)
        bench.proposal = None


@guarded
def save_plan_from_form(anyway: bool = False) -> None:
    """Save the current edit as a plan named in the form (``rd_plan_name``, ``rd_plan_author``, ``rd_plan_note``).

    A refused save leaves every earlier plan as it was (one transaction) and says why. A name saved again
    by someone else since this session last saw it is not saved over: :attr:`Workbench.conflict` holds who
    and when, until the user saves ``anyway`` (as the revision after theirs).
    """
    if not can("save_plan"):
        return
    bench = _bench()
    name = str(st.session_state.get("rd_plan_name", "")).strip()
    author = who() if shared_server() else str(st.session_state.get("rd_plan_author", ""))
    note = str(st.session_state.get("rd_plan_note", ""))
    seen = bench.conflict.revision if anyway and bench.conflict is not None else bench.revisions.get(name, 0)
    bench.conflict = None
    try:
        plan_id = plan_store.save_plan(loaders.store(), name, bench.current, author, note, base_version=bench.key[1],
                                       seen_revision=seen)
        bench.message = ("success", t("rd_saved", name=formats.plain(name), id=plan_id))
        audit("save_plan", name, f"plan {plan_id}, {len(bench.current.grids)} grids")
    except plan_store.PlanConflict as err:
        bench.conflict = err
    except ValueError as err:
        bench.message = ("error", t("rd_save_failed", reason=str(err)))
    except sa.exc.SQLAlchemyError as err:   # the store refused: its transaction kept every earlier plan
        bench.message = ("error", t("rd_save_failed", reason=type(err).__name__))


@guarded
def ask_adoption(plan_names: dict[object, str]) -> None:
    """Remember that the user asked to make the plan ``rd_adopt_plan`` current from ``rd_effective``: the page
    then asks for confirmation (a dialog)."""
    plan_id = st.session_state.get("rd_adopt_plan")
    if plan_id is not None and can("adopt_plan"):
        when = st.session_state.get("rd_effective") or dt.date.today()
        st.session_state[ADOPTING] = (int(plan_id), plan_names.get(plan_id, str(plan_id)), when)


def drop_adoption() -> None:
    """Forget a pending request to make a plan current (confirmed, cancelled or dismissed)."""
    st.session_state.pop(ADOPTING, None)
