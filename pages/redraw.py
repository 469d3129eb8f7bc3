"""网格调整 Redraw: edit a division, see what it does to every grid, suggest one, save, compare and adopt plans."""
import datetime as dt

import streamlit as st

from analysis.division import edits
from analysis.division import plans as plan_store
from analysis.division.export import FORMATS
from analysis.division.suggest import suggest
from analysis.division.whatif import compare, street_comparison
from analysis.settings import load_settings
from ui import loaders
from ui import redraw_state as rs
from ui.i18n import t
from ui.map_figure import show
from ui.page import setup
from ui.redraw_tables import grid_table, plan_table, report_table, street_table
from ui.widgets import downloads

STREET_TABLE_PX = 36 * 13 + 4   # every street figure without scrolling

setup("page_redraw")
st.title(t("rd_title"))
st.caption(t("rd_caption"))
bench = rs.workbench()
if bench is None:
    st.info(t("no_boundaries"))
    st.stop()

names = dict(zip(bench.current.grids["grid_id"], bench.current.grids["name"]))


def grid_label(grid_id: str) -> str:
    return f"{names.get(grid_id, grid_id)}（{grid_id}）"


# -- where the edit starts, undo/redo, locks ---------------------------------------------------
plans = rs.saved_plans()
starts = ["current"] + plans["plan_id"].tolist()
start_names = {"current": t("rd_start_current"),
               **{p: t("rd_plan_option", name=n, revision=r, time=c[:16], author=a or "—")
                  for p, n, r, c, a in zip(plans["plan_id"], plans["name"], plans["revision"], plans["created_at"],
                                           plans["author"])}}
top = st.columns([3, 1.2, 1.2, 4], vertical_alignment="bottom")
choice = top[0].selectbox(t("rd_start"), starts, format_func=start_names.get, key="rd_start_choice")
if top[1].button(t("rd_load"), width="stretch", key="rd_load"):
    rs.start_from(choice)
    st.rerun()
history = bench.history
undo_help = t("rd_undo_help", what=history.labels[history.cursor]) if history.can_undo else None
if top[2].button(t("rd_undo"), disabled=not history.can_undo, width="stretch", help=undo_help, key="rd_undo"):
    rs.step("undo")
    st.rerun()
redo = top[3].columns([1, 2], vertical_alignment="bottom")
if redo[0].button(t("rd_redo"), disabled=not history.can_redo, width="stretch", key="rd_redo"):
    rs.step("redo")
    st.rerun()
redo[1].caption(t("rd_started_from", start=bench.start_label, n=history.cursor, depth=history.depth))

if bench.message:
    kind, text = bench.message
    {"error": st.error, "success": st.success, "info": st.info}[kind](text)
    bench.message = None

before, after = rs.figures(bench.start), rs.figures(bench.current)
changed = edits.changed_grids(bench.start, bench.current)
tab_edit, tab_suggest, tab_plans = st.tabs([t("rd_tab_edit"), t("rd_tab_suggest"), t("rd_tab_plans")])

# -- editing -----------------------------------------------------------------------------------
with tab_edit:
    left, right = st.columns([3, 2])
    with left:
        st.caption(t("rd_map_help"))
        returned = show(rs.editor_map(), f"rd_map_{bench.serial}", 640, ["all_drawings", "last_object_clicked"],
                        extra=rs.selection_layer())
        if rs.take_map_input(returned):
            st.rerun()
    with right:
        ids = bench.current.grids["grid_id"].tolist()
        unlocked = [g for g in ids if g not in bench.current.locked]
        kind = rs.pending_kind()
        st.subheader(t("rd_drawn"))
        if kind == "area":
            action = st.radio(t("rd_area_action"), ["give", "new", "select"], format_func=lambda a: t(f"rd_area_{a}"),
                              key="rd_area_action")
            target = st.selectbox(t("rd_to_grid"), unlocked, format_func=grid_label, key="rd_area_grid",
                                  disabled=action != "give")
            if st.button(t("rd_apply"), type="primary", key="rd_area_apply"):
                if action == "give":
                    rs.edit(t("rd_did_give", grid=names[target]), edits.give_area, bench.pending, target)
                elif action == "new":
                    rs.edit(t("rd_did_new"), edits.add_grid, bench.pending)
                else:
                    bench.message = ("info", t("rd_selected_in", n=rs.select_in_pending()))
                st.rerun()
        elif kind == "line":
            target = st.selectbox(t("rd_split_grid"), unlocked, format_func=grid_label, key="rd_split_grid")
            if st.button(t("rd_split"), type="primary", key="rd_split"):
                rs.edit(t("rd_did_split", grid=names[target]), edits.split, target, bench.pending)
                st.rerun()
        else:
            st.caption(t("rd_nothing_drawn"))

        st.subheader(t("rd_buildings"))
        b = rs.space().buildings
        chosen = st.multiselect(t("rd_pick_addresses"), b["address"].tolist(), key="rd_addresses",
                                placeholder=t("rd_pick_placeholder"))
        if st.button(t("rd_pick_apply"), key="rd_pick_apply", disabled=not chosen):
            rs.select_addresses(chosen)
            st.rerun()
        picked = rs.selected_buildings()
        if len(picked):
            st.write(t("rd_selected", n=len(picked), households=int(picked["households"].sum())))
            st.dataframe(picked.rename(columns={"address": t("col_address"), "households": t("col_households"),
                                                "grid": t("rd_col_now_in")}), hide_index=True, height=160)
            target = st.selectbox(t("rd_to_grid"), unlocked, format_func=grid_label, key="rd_move_grid")
            move, clear = st.columns(2)
            if move.button(t("rd_move"), type="primary", key="rd_move", width="stretch"):
                space = rs.space()
                rs.edit(t("rd_did_move", n=len(picked), grid=names[target]), edits.move_buildings, space.cells,
                        space.buildings["lon"], space.buildings["lat"], bench.selected.copy(), target)
                st.rerun()
            if clear.button(t("rd_clear"), key="rd_clear", width="stretch"):
                bench.selected[:] = False
                st.rerun()
        else:
            st.caption(t("rd_no_selection"))

        st.subheader(t("rd_merge_lock"))
        merging = st.multiselect(t("rd_merge_grids"), unlocked, format_func=grid_label, key="rd_merge_grids",
                                 placeholder=t("rd_choose"))
        if st.button(t("rd_merge"), disabled=len(merging) < 2, key="rd_merge"):
            rs.edit(t("rd_did_merge", n=len(merging), grid=names[merging[0]]), edits.merge, merging)
            st.rerun()
        locks = st.multiselect(t("rd_locks"), ids, default=sorted(bench.current.locked), format_func=grid_label,
                               key=f"rd_locks_{bench.serial}", placeholder=t("rd_choose"))
        if set(locks) != set(bench.current.locked) and st.button(t("rd_lock_apply"), key="rd_lock_apply"):
            rs.edit(t("rd_did_lock", n=len(locks)), edits.with_locks, locks)
            st.rerun()

    st.subheader(t("rd_street"))
    st.caption(t("rd_street_help", start=bench.start_label))
    street = street_comparison(before, after)
    cards = st.columns(6)
    for card, (figure, kind) in zip(cards, [("grids", "count"), ("households_cv", "ratio"),
                                            ("workload_cv", "ratio"), ("outside_norm", "count"),
                                            ("not_contiguous", "count"), ("buildings_unplaced", "count")]):
        value, old = street.loc[figure, "after"], street.loc[figure, "before"]
        card.metric(t(f"rd_s_{figure}"), f"{value:.0f}" if kind == "count" else f"{value:.2f}",
                    delta=None if value == old else (f"{value - old:+.0f}" if kind == "count" else
                                                     f"{value - old:+.2f}"),
                    delta_color="off" if figure == "grids" else "inverse")
    st.dataframe(street_table(street), hide_index=True, width="stretch", height=STREET_TABLE_PX)
    st.subheader(t("rd_grids", n=len(changed)))
    frame, styled = grid_table(compare(before, after, changed))
    st.dataframe(styled, hide_index=True, width="stretch", height=420)
    downloads(frame, "whatif", "dl_whatif")

# -- suggestion --------------------------------------------------------------------------------
with tab_suggest:
    st.caption(t("rd_suggest_help"))
    knobs = st.columns([3, 2, 2, 2])
    mode = knobs[0].radio(t("rd_suggest_mode"), ["norm", "count"], format_func=lambda m: t(f"rd_mode_{m}"),
                          horizontal=True, key="rd_suggest_mode")
    count = knobs[1].number_input(t("rd_suggest_count"), min_value=1, max_value=500, value=len(bench.current.grids),
                                  disabled=mode != "count", key="rd_suggest_count")
    seeds = knobs[2].slider(t("rd_suggest_seeds"), 1, 12, 4, key="rd_suggest_seeds")
    steps = knobs[3].select_slider(t("rd_suggest_steps"), [0, 300, 600, 1200, 2400], value=600,
                                   key="rd_suggest_steps")
    if st.button(t("rd_suggest_run"), type="primary", key="rd_suggest_run"):
        with st.status(t("rd_suggesting"), expanded=True) as status:
            bar = st.progress(0.0)
            bench.proposal = suggest(bench.current, rs.space().buildings, load_settings(),
                                     n_grids=int(count) if mode == "count" else None, seeds=int(seeds),
                                     steps=int(steps),
                                     progress=lambda done, total: bar.progress(done / total,
                                                                               t("rd_pieces", done=done, total=total)))
            status.update(label=t("rd_suggested", n=len(bench.proposal.division.grids)), state="complete")
    proposal = bench.proposal
    if proposal is not None:
        misses = proposal.report["worst_miss"].max()
        (st.success if misses == 0 else st.warning)(
            t("rd_meets_norm") if misses == 0 else t("rd_misses_norm", worst=f"{misses:.0f}"))
        st.dataframe(report_table(proposal.report), hide_index=True, width="stretch")
        suggested = rs.figures(proposal.division)
        st.dataframe(street_table(street_comparison(after, suggested), (t("rd_this_edit"), t("rd_proposal"))),
                     hide_index=True, width="stretch", height=STREET_TABLE_PX)
        show(rs.division_map(proposal.division, False), "rd_proposal_map", 520, [])
        if st.button(t("rd_take"), type="primary", key="rd_take"):
            rs.edit(t("rd_did_suggest"), lambda _division, new: new, proposal.division)
            bench.proposal = None
            st.rerun()

# -- plans -------------------------------------------------------------------------------------
with tab_plans:
    save_col, adopt_col = st.columns(2)
    with save_col:
        st.subheader(t("rd_save"))
        with st.form("rd_save_form"):
            name = st.text_input(t("rd_plan_name"), key="rd_plan_name")
            author = st.text_input(t("rd_plan_author"), key="rd_plan_author")
            note = st.text_area(t("rd_plan_note"), key="rd_plan_note", height=80)
            if st.form_submit_button(t("rd_save_button"), type="primary"):
                try:
                    plan_id = plan_store.save_plan(loaders.store(), name, bench.current, author, note,
                                                   base_version=bench.key[1])
                    bench.message = ("success", t("rd_saved", name=name.strip(), id=plan_id))
                except ValueError as err:
                    bench.message = ("error", t("rd_save_failed", reason=str(err)))
                except Exception as err:   # the store refused: its transaction kept every earlier plan
                    bench.message = ("error", t("rd_save_failed", reason=type(err).__name__))
                st.rerun()
    with adopt_col:
        st.subheader(t("rd_adopt"))
        if plans.empty:
            st.caption(t("rd_no_plans"))
        else:
            adopt = st.selectbox(t("rd_adopt_plan"), plans["plan_id"].tolist(), format_func=start_names.get,
                                 key="rd_adopt_plan")
            when = st.date_input(t("rd_effective"), value=dt.date.today(), key="rd_effective")
            sure = st.checkbox(t("rd_adopt_sure"), key="rd_adopt_sure")
            if st.button(t("rd_adopt_button"), disabled=not sure, key="rd_adopt_button"):
                version = plan_store.make_current(loaders.store(), int(adopt), str(when))
                st.session_state.pop(rs.KEY, None)
                st.session_state["rd_adopted"] = t("rd_adopted", version=version, date=str(when))
                st.rerun()
        if "rd_adopted" in st.session_state:
            st.success(st.session_state.pop("rd_adopted"))

    st.subheader(t("rd_saved_plans"))
    if not plans.empty:
        st.dataframe(plan_table(plans), hide_index=True, width="stretch")

    st.subheader(t("rd_export"))
    fmt = st.radio(t("rd_export_format"), list(FORMATS), format_func=lambda f: t(f"rd_fmt_{f}"), horizontal=True,
                   key="rd_export_format")
    stem = f"grids_{dt.date.today():%Y%m%d}"
    st.download_button(t("rd_export_button"), rs.export_file(fmt, stem),
                       file_name=f"{stem}{FORMATS[fmt]}", key="rd_export_button")

    st.subheader(t("rd_compare"))
    options = ["edit", "current"] + plans["plan_id"].tolist()
    option_names = {"edit": t("rd_this_edit"), **start_names}
    pick = st.columns(2)
    first = pick[0].selectbox(t("rd_compare_a"), options, index=1, format_func=option_names.get, key="rd_compare_a")
    second = pick[1].selectbox(t("rd_compare_b"), options, index=0, format_func=option_names.get, key="rd_compare_b")
    if st.toggle(t("rd_compare_show"), key="rd_compare_show"):
        a, b = rs.plan_division(first), rs.plan_division(second)
        fa, fb = rs.figures(a), rs.figures(b)
        maps = st.columns(2)
        with maps[0]:
            st.caption(option_names[first])
            show(rs.division_map(a, False), "rd_compare_map_a", 440, [])
        with maps[1]:
            st.caption(option_names[second])
            show(rs.division_map(b, False, edits.changed_grids(a, b)), "rd_compare_map_b", 440, [])
        headers = (t("rd_compare_a"), t("rd_compare_b"))
        st.dataframe(street_table(street_comparison(fa, fb), headers), hide_index=True, width="stretch",
                     height=STREET_TABLE_PX)
        frame, styled = grid_table(compare(fa, fb, edits.changed_grids(a, b)), headers)
        st.dataframe(styled, hide_index=True, width="stretch", height=360)
        downloads(frame, "plan_comparison", "dl_compare")
