"""The redraw workbench's session state: the division being edited, its history, selection and messages.

One :class:`Workbench` per browser session (``st.session_state``), started from the store's
current division or a saved plan. Every edit goes through :func:`edit`, which records it in the
history (undo/redo), re-keys the map so that it is drawn afresh, and turns an
:class:`~analysis.division.edits.EditError` into a message in the session's language.
"""
from __future__ import annotations

import copy
import html
from dataclasses import dataclass, field

import folium
import numpy as np
import pandas as pd
import shapely
import streamlit as st

from analysis.division import plans as plan_store
from analysis.division import whatif as w
from analysis.division.edits import Division, EditError, changed_grids, division_from_layer, reshape
from analysis.division.export import export_bytes
from analysis.division.history import History
from analysis.division.suggest import Suggestion
from analysis.maps.build import MapSpec, PointLayer, classify
from analysis.maps.workbench import Drawings, build_workbench_map, nearest_point, read_drawings
from analysis.settings import load_settings
from ui import formats, loaders
from ui.i18n import lang, t
from ui.theme import presenting

KEY = "redraw_workbench"
CLICK_RADIUS_DEG = 0.00012   # ~12 m: a click this close to a building picks it


@dataclass
class Workbench:
    """What one session is editing."""

    key: tuple                      # (data revision, boundary version) the workspace was built on
    start: Division                 # the "before" of the what-if
    start_label: str
    history: History
    selected: np.ndarray            # a flag per building of the workspace
    pending: object = None          # the newest shape drawn and not yet used
    serial: int = 0                 # changes with every edit: the map is drawn afresh
    seen: dict = field(default_factory=dict)       # the map's last drawings and click, handled once
    figures: dict = field(default_factory=dict)    # id(division) -> Figures
    maps: dict = field(default_factory=dict)       # (serial, language, projector) -> folium.Map
    exports: dict = field(default_factory=dict)    # (serial, format) -> file contents
    proposal: Suggestion | None = None
    message: tuple[str, str] | None = None         # (kind, text) shown once

    @property
    def current(self) -> Division:
        return self.history.current


@st.cache_resource(show_spinner=False, max_entries=2)
def _space(rev: str, version: int) -> w.Workspace:
    store = loaders.store()
    division = division_from_layer(store.grids(version), store.street(version))
    return w.workspace(loaders.dataset(rev, version), division, load_settings())


def space() -> w.Workspace:
    """The workspace of the store's current division (cached per data revision)."""
    bench = st.session_state[KEY]
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


def start_from(choice) -> None:
    """Start again from the current division (``choice`` = 'current') or from saved plan ``choice``."""
    bench = st.session_state[KEY]
    if choice == "current":
        _restart(bench, space().division, t("rd_start_current"))
        return
    plans = saved_plans()
    row = plans[plans["plan_id"] == choice].iloc[0]
    _restart(bench, plan_store.load_plan(loaders.store(), int(choice)), f"{row['name']} r{row['revision']}")


def edit(label: str, function, *args) -> bool:
    """Apply ``function(current division, *args)`` as one edit named ``label``; False (and a message) if refused.

    ``function`` may return a division or (division, extra).
    """
    bench = st.session_state[KEY]
    try:
        result = function(bench.current, *args)
    except EditError as err:
        bench.message = ("error", t(f"err_{err.reason}", detail=err.detail))
        return False
    division = result[0] if isinstance(result, tuple) else result
    bench.history.push(division, label)
    bench.selected[:] = False
    bench.pending = None
    bench.serial += 1
    bench.message = ("success", t("rd_done", what=label))
    return True


def step(direction: str) -> None:
    """Undo (``'undo'``) or redo (``'redo'``) one edit."""
    bench = st.session_state[KEY]
    what = bench.history.undo() if direction == "undo" else bench.history.redo()
    bench.serial += 1
    bench.message = ("info", t(f"rd_{direction}_done", what=what))


def figures(division: Division) -> w.Figures:
    """The what-if figures of ``division`` (computed once per division object in this session)."""
    bench = st.session_state[KEY]
    key = id(division)
    if key not in bench.figures:
        live = {id(d) for d in bench.history.states} | {id(bench.start)}
        if bench.proposal is not None:
            live.add(id(bench.proposal.division))
        bench.figures = {k: v for k, v in bench.figures.items() if k in live}
        bench.figures[key] = (division, w.division_figures(space().ds, space().flags, division, load_settings()))
    return bench.figures[key][1]


def saved_plans() -> pd.DataFrame:
    """Every saved plan revision, newest first."""
    return plan_store.list_plans(loaders.store())


def plan_division(choice) -> Division:
    """'current' (the store's division), 'edit' (this session's) or a saved plan id, as a division."""
    bench = st.session_state[KEY]
    if choice == "current":
        return space().division
    if choice == "edit":
        return bench.current
    return plan_store.load_plan(loaders.store(), int(choice))


def _tooltips(grids: pd.DataFrame) -> list[str]:
    return [t("rd_tooltip", name=html.escape(str(n)), code=c, households=formats.count(h), norm=t(p),
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
    tip = b["address"].map(html.escape) + "<br>" + t("card_households") + t("colon") + b["households"].astype(str)
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


def draw_text() -> dict:
    """The draw toolbar's texts in the session's language (the shape of Leaflet.draw's ``L.drawLocal``)."""
    def pair(key: str) -> dict:
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
    bench = st.session_state[KEY]
    key = (bench.serial, lang(), presenting())
    if key not in bench.maps:
        bench.maps = {key: division_map(bench.current, True, changed_grids(bench.start, bench.current))}
    return copy.deepcopy(bench.maps[key])


def export_file(fmt: str, stem: str) -> bytes:
    """The current division as a file in ``fmt`` (written once per edit and format, not on every rerun)."""
    bench = st.session_state[KEY]
    key = (bench.serial, fmt)
    if key not in bench.exports:
        bench.exports = {key: export_bytes(bench.current, fmt, stem, figures(bench.current).grids)}
    return bench.exports[key]


def selection_layer() -> folium.FeatureGroup:
    """The selected buildings as red circles: added to the drawn map without reloading it."""
    bench = st.session_state[KEY]
    b = space().buildings[bench.selected]
    group = folium.FeatureGroup(name=t("rd_layer_selected"))
    for address, lon, lat in zip(b["address"], b["lon"], b["lat"]):
        folium.CircleMarker([lat, lon], radius=7, color="#99000d", weight=2, fill=True, fill_color="#e31a1c",
                            fill_opacity=0.9, tooltip=html.escape(str(address))).add_to(group)
    return group


def take_map_input(returned: dict) -> bool:
    """Act on what the map returned; True when something changed.

    Edited outlines become one edit; a new shape waits for the analyst to say what it is for; a
    click near a building selects it (or drops it from the selection). Each returned value is
    handled once.
    """
    bench = st.session_state[KEY]
    drawings_raw, click = returned.get("all_drawings"), returned.get("last_object_clicked")
    changed = False
    if drawings_raw and drawings_raw != bench.seen.get("drawings"):
        bench.seen["drawings"] = drawings_raw
        drawings: Drawings = read_drawings(drawings_raw, bench.current.grids)
        if drawings.edited:
            def reshape_all(division, outlines):
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
    shape = st.session_state[KEY].pending
    if shape is None:
        return ""
    return "line" if shape.geom_type in ("LineString", "MultiLineString") else "area"


def select_in_pending() -> int:
    """Add the buildings inside the drawn area to the selection (a lasso); returns how many are inside."""
    bench = st.session_state[KEY]
    b = space().buildings
    inside = shapely.contains_xy(bench.pending, b["lon"].to_numpy(float), b["lat"].to_numpy(float))
    bench.selected |= inside
    bench.pending = None
    return int(inside.sum())


def select_addresses(addresses: list[str]) -> None:
    """Make exactly the buildings with these addresses the selection."""
    bench = st.session_state[KEY]
    bench.selected[:] = space().buildings["address"].isin(addresses).to_numpy()


def selected_buildings() -> pd.DataFrame:
    """The selected buildings: address, households and the grid each is in now."""
    bench = st.session_state[KEY]
    b = space().buildings[bench.selected]
    grids = bench.current.grids
    inside = shapely.STRtree(grids.geometry.to_numpy()).query(shapely.points(b["lon"], b["lat"]),
                                                              predicate="intersects")
    where = np.full(len(b), "", dtype=object)
    where[inside[0][::-1]] = grids["name"].to_numpy()[inside[1][::-1]]
    return pd.DataFrame({"address": b["address"].to_numpy(), "households": b["households"].to_numpy(),
                         "grid": where})
