"""网格调整 Redraw: edit a division, see what it does to every grid, suggest one, save, compare and adopt plans."""
import datetime as dt

import pandas as pd
import streamlit as st

from analysis.division import edits
from analysis.division import plans as plan_store
from analysis.division.export import FORMATS
from analysis.division.suggest import STEPS, suggest
from analysis.division.units import street_lines
from analysis.division.whatif import compare, street_comparison
from analysis.sanitise import mask_phone_text
from analysis.settings import load_settings
from ui import formats, loaders
from ui import redraw_state as rs
from ui.auth import audit, can, shared_server, who
from ui.cards import cards
from ui.errors import run_page
from ui.filters import show_gaps
from ui.i18n import t
from ui.import_tabs import LAYER_TYPES
from ui.map_figure import show
from ui.page import setup
from ui.redraw_tables import (
    changed_first,
    changes_table,
    grid_room_columns,
    grid_table,
    plan_table,
    report_table,
    staffing_table,
    street_cards,
    street_table,
    suggestion_progress,
)
from ui.theme import presenting
from ui.widgets import downloads, show_table

STREET_TABLE_PX = 36 * 13 + 4   # every street figure without scrolling
SUGGEST_SECONDS = [0, 10, 30, 60, 120, 300]   # time limits offered for evening out a suggestion (0: none)


def what_changes(changes: pd.DataFrame, after: edits.Division, key: str) -> None:
    """Each grid's change and its reason, with downloads."""
    st.subheader(t("rd_changes"))
    st.caption(t("rd_changes_caption"))
    table = changes_table(changes, dict(zip(after.grids["grid_id"], after.grids["name"])))
    show_table(table, present_columns=[t("col_grid"), t("rd_col_what"), t("rd_col_reason")], hide_index=True,
               width="stretch", height=360)
    downloads(table, f"{key}_changes", f"dl_{key}_changes")


def staffing_editor(changes: pd.DataFrame, flows: pd.DataFrame, after: edits.Division,
                    before: edits.Division) -> None:
    """The staffing proposal, editable (the proposed grid of each person), and the grids it leaves without a
    full-time worker, counted from the table as edited."""
    st.subheader(t("rd_staffing"))
    st.caption(t("rd_staffing_caption"))
    people, _ = rs.staffing(changes, flows, after)
    label = {g: f"{n}（{g}）" for g, n in zip(after.grids["grid_id"], after.grids["name"])}
    frame = staffing_table(people.assign(new_grid=people["new_grid"].map(label).fillna("")),
                           dict(zip(before.grids["grid_id"], before.grids["name"])))
    column = t("rd_col_new_grid")
    edited = st.data_editor(frame, hide_index=True, width="stretch", height=360, key="rd_staffing_table",
                            disabled=[c for c in frame.columns if c != column],
                            column_config={column: st.column_config.SelectboxColumn(options=sorted(label.values()))})
    full = (people["kind"] == "worker") & people["role"].isin(load_settings()["fulltime_roles"])
    staffed = set(edited.loc[full.to_numpy(), column])
    short = [name for name in label.values() if name not in staffed]
    if short:
        st.warning(t("rd_unstaffed", n=len(short), names="、".join(map(formats.plain, short))))
    else:
        st.success(t("rd_all_staffed"))
    downloads(edited, "staffing", "dl_staffing")


def _save_form(bench: rs.Workbench) -> None:
    """Name (and, on a laptop, the author of) the edit and save it as a plan; a clash with a later save by
    someone else is shown with the choice to save anyway. On the district server the author is the user."""
    with st.form("rd_save_form"):
        st.text_input(t("rd_plan_name"), key="rd_plan_name")
        if shared_server():
            st.text_input(t("rd_plan_author"), value=who(), disabled=True)
        else:
            st.text_input(t("rd_plan_author"), key="rd_plan_author")
        st.text_area(t("rd_plan_note"), key="rd_plan_note", height=80)
        st.form_submit_button(t("rd_save_button"), type="primary", on_click=rs.save_plan_from_form)
    if bench.conflict is not None:
        clash = bench.conflict
        st.warning(t("rd_save_conflict", name=formats.plain(clash.name), revision=clash.revision,
                     author=formats.plain(mask_phone_text(clash.author)) or "—", time=clash.saved_at[:16]))
        st.button(t("rd_save_anyway", revision=clash.revision + 1), key="rd_save_anyway",
                  on_click=rs.save_plan_from_form, args=(True,))


def render() -> None:
    """Draw the page."""
    setup("page_redraw", needs="redraw")
    st.title(t("rd_title"))
    st.caption(t("rd_caption"))
    bench = rs.workbench()
    if bench is None:
        st.info(t("no_boundaries"))
        st.stop()
    show_gaps(*bench.key, ("buildings", "households"))

    names = dict(zip(bench.current.grids["grid_id"], bench.current.grids["name"]))


    def grid_label(grid_id: str) -> str:
        return f"{names.get(grid_id, grid_id)}（{grid_id}）"


    @st.dialog(t("rd_adopt"), on_dismiss=rs.drop_adoption)
    def confirm_adoption(plan_id: int, plan_name: str, when: dt.date) -> None:
        """Ask before a plan becomes the current division (every page then counts by it)."""
        st.markdown(t("rd_adopt_ask", plan=formats.plain(plan_name), date=str(when)))
        st.caption(t("rd_adopt_sure"))
        yes, no = st.columns(2)
        if yes.button(t("rd_adopt_button"), type="primary", key="rd_adopt_yes", width="stretch"):
            version = plan_store.make_current(loaders.store(), plan_id, str(when))
            audit("adopt_plan", f"{plan_name} (#{plan_id})", f"version {version}, effective {when}")
            rs.drop_adoption()
            st.session_state.pop(rs.KEY, None)
            st.session_state["rd_adopted"] = t("rd_adopted", version=version, date=str(when))
            st.rerun()   # closes the dialog and draws the page again on the new division
        if no.button(t("rd_adopt_cancel"), key="rd_adopt_no", width="stretch"):
            rs.drop_adoption()
            st.rerun()   # closes the dialog


    # -- where the edit starts, undo/redo, locks ---------------------------------------------------
    plans = rs.saved_plans()
    starts = ["current"] + plans["plan_id"].tolist()
    start_names = {"current": t("rd_start_current"),
                   **{p: t("rd_plan_option", name=n, revision=r, time=c[:16], author=a or "—")
                      for p, n, r, c, a in zip(plans["plan_id"], plans["name"], plans["revision"], plans["created_at"],
                                               plans["author"])}}
    top = st.columns([3, 1.2, 1.2, 4], vertical_alignment="bottom")
    top[0].selectbox(t("rd_start"), starts, format_func=lambda p: start_names.get(p, str(p)), key="rd_start_choice")
    top[1].button(t("rd_load"), width="stretch", key="rd_load", on_click=rs.load_start)
    history = bench.history
    undo_help = t("rd_undo_help", what=history.labels[history.cursor]) if history.can_undo else None
    top[2].button(t("rd_undo"), disabled=not history.can_undo, width="stretch", help=undo_help, key="rd_undo",
                  on_click=rs.step, args=("undo",))
    redo = top[3].columns([1, 2], vertical_alignment="bottom")
    redo[0].button(t("rd_redo"), disabled=not history.can_redo, width="stretch", key="rd_redo", on_click=rs.step,
                   args=("redo",))
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
            map_key = f"rd_map_{bench.serial}"
            show(rs.editor_map(), map_key, 640, ["all_drawings", "last_object_clicked"], extra=rs.selection_layer(),
                 on_change=rs.take_map_input, args=(map_key,))
        with right:
            ids = bench.current.grids["grid_id"].tolist()
            unlocked = [g for g in ids if g not in bench.current.locked]
            kind = rs.pending_kind()
            st.subheader(t("rd_drawn"))
            if kind == "area":
                action = st.radio(t("rd_area_action"), ["give", "new", "select"], format_func=lambda a: t(f"rd_area_{a}"),
                                  key="rd_area_action")
                st.selectbox(t("rd_to_grid"), unlocked, format_func=grid_label, key="rd_area_grid",
                                      disabled=action != "give")
                st.button(t("rd_apply"), type="primary", key="rd_area_apply", on_click=rs.use_drawn_area)
            elif kind == "line":
                st.selectbox(t("rd_split_grid"), unlocked, format_func=grid_label, key="rd_split_grid")
                st.button(t("rd_split"), type="primary", key="rd_split", on_click=rs.split_along_drawn_line)
            else:
                st.caption(t("rd_nothing_drawn"))

            st.subheader(t("rd_buildings"))
            b = rs.space().buildings
            chosen = st.multiselect(t("rd_pick_addresses"), b["address"].tolist(), key="rd_addresses",
                                    placeholder=t("rd_pick_placeholder"))
            st.button(t("rd_pick_apply"), key="rd_pick_apply", disabled=not chosen, on_click=rs.select_chosen_addresses)
            picked = rs.selected_buildings()
            if len(picked):
                st.write(t("rd_selected", n=len(picked), households=int(picked["households"].sum())))
                show_table(picked.rename(columns={"address": t("col_address"), "households": t("col_households"),
                                                  "grid": t("rd_col_now_in")}),
                           present_columns=[t("col_address"), t("col_households")], hide_index=True, height=160)
                st.selectbox(t("rd_to_grid"), unlocked, format_func=grid_label, key="rd_move_grid")
                move, clear = st.columns(2)
                move.button(t("rd_move"), type="primary", key="rd_move", width="stretch", on_click=rs.move_selected)
                clear.button(t("rd_clear"), key="rd_clear", width="stretch", on_click=rs.clear_selection)
            else:
                st.caption(t("rd_no_selection"))

            st.subheader(t("rd_merge_lock"))
            merging = st.multiselect(t("rd_merge_grids"), unlocked, format_func=grid_label, key="rd_merge_grids",
                                     placeholder=t("rd_choose"))
            st.button(t("rd_merge"), disabled=len(merging) < 2, key="rd_merge", on_click=rs.merge_chosen)
            locks = st.multiselect(t("rd_locks"), ids, default=sorted(bench.current.locked), format_func=grid_label,
                                   key=f"rd_locks_{bench.serial}", placeholder=t("rd_choose"))
            if set(locks) != set(bench.current.locked):
                st.button(t("rd_lock_apply"), key="rd_lock_apply", on_click=rs.apply_locks, args=(f"rd_locks_{bench.serial}",))

        cut = rs.cut_micro()
        if len(cut):
            st.warning(t("rd_cut_micro", n=len(cut), names="、".join(
                f"{formats.plain(name)}（{share:.0%}）" for name, share in zip(cut["name"], cut["outside_share"]))))
        st.subheader(t("rd_street"))
        st.caption(t("rd_street_help", start=bench.start_label))
        street = street_comparison(before, after)
        cards(street_cards(street), per_row=6)
        show_table(street_table(street), hide_index=True, width="stretch", height=STREET_TABLE_PX)
        st.subheader(t("rd_grids", n=len(changed)))
        frame, styled = grid_table(compare(before, after, changed))
        show_table(changed_first(frame) if presenting() else styled, present_columns=grid_room_columns(),
                   hide_index=True, width="stretch", height=420)
        downloads(frame, "whatif", "dl_whatif")

    # -- suggestion --------------------------------------------------------------------------------
    with tab_suggest:
        st.caption(t("rd_suggest_help"))
        knobs = st.columns([3, 2, 2])
        mode = knobs[0].radio(t("rd_suggest_mode"), ["norm", "count"], format_func=lambda m: t(f"rd_mode_{m}"),
                              horizontal=True, key="rd_suggest_mode")
        count = knobs[1].number_input(t("rd_suggest_count"), min_value=1, max_value=50_000,
                                      value=len(bench.current.grids), disabled=mode != "count", key="rd_suggest_count")
        seconds = knobs[2].select_slider(t("rd_suggest_seconds"), SUGGEST_SECONDS, value=30,
                                         format_func=lambda s: t("rd_seconds_none") if s == 0 else t("rd_seconds", s=s),
                                         key="rd_suggest_seconds", help=t("rd_suggest_seconds_help"))
        part = st.multiselect(t("rd_suggest_part"), bench.current.communities["community"].tolist(),
                              format_func=formats.plain, key="rd_suggest_part", placeholder=t("rd_suggest_all"))
        imported = rs.uploaded_lines(st.file_uploader(t("rd_lines"), type=LAYER_TYPES, accept_multiple_files=True,
                                                      help=t("rd_lines_help"), key="rd_lines"))
        known = bool(rs.space().buildings["households"].fillna(0).gt(0).any())
        if not known:
            st.warning(t("rd_no_households"))
        if st.button(t("rd_suggest_run"), type="primary", key="rd_suggest_run", disabled=not known):
            with st.status(t("rd_suggesting"), expanded=True) as status:
                bar = st.progress(0.0)
                bench.proposal = suggest(bench.current, rs.space().buildings, load_settings(),
                                         n_grids=int(count) if mode == "count" else None,
                                         steps=0 if seconds == 0 else STEPS, seconds=seconds or None,
                                         progress=lambda p: bar.progress(p.fraction, suggestion_progress(p)),
                                         lines=street_lines(rs.space().ds.micro.geometry, imported),
                                         communities=part or None)
                status.update(label=t("rd_suggested", n=len(bench.proposal.division.grids)), state="complete")
        proposal = bench.proposal
        if proposal is not None:
            misses = proposal.report["worst_miss"].max()
            (st.success if misses == 0 else st.warning)(
                t("rd_meets_norm") if misses == 0 else t("rd_misses_norm", worst=f"{misses:.0f}"))
            if proposal.cut_short:
                st.info(t("rd_cut_short", n=proposal.cut_short))
            split = [names for names in proposal.report["split"] if names]
            if split:
                st.info(t("rd_split_note", names=formats.plain("、".join(split))))
            show_table(report_table(proposal.report), present_columns=[
                t("col_community"), t("rd_col_piece"), t("col_households"), t("rd_col_grids"), t("rd_col_miss")],
                hide_index=True, width="stretch")
            suggested = rs.figures(proposal.division)
            show_table(street_table(street_comparison(after, suggested), (t("rd_this_edit"), t("rd_proposal"))),
                       hide_index=True, width="stretch", height=STREET_TABLE_PX)
            show(rs.division_map(proposal.division, False), "rd_proposal_map", 520, [])
            what_changes(proposal.changes, proposal.division, "proposal")
            staffing_editor(proposal.changes, proposal.flows, proposal.division, bench.current)
            st.button(t("rd_take"), type="primary", key="rd_take", on_click=rs.take_proposal)

    # -- plans -------------------------------------------------------------------------------------
    with tab_plans:
        save_col, adopt_col = st.columns(2)
        with save_col:
            st.subheader(t("rd_save"))
            if can("save_plan"):
                _save_form(bench)
            else:
                st.info(t("rd_save_not_allowed"))
        with adopt_col:
            st.subheader(t("rd_adopt"))
            if plans.empty:
                st.caption(t("rd_no_plans"))
            elif not can("adopt_plan"):
                st.info(t("rd_adopt_admin_only"))
            else:
                st.selectbox(t("rd_adopt_plan"), plans["plan_id"].tolist(), format_func=lambda p: start_names.get(p, str(p)),
                                     key="rd_adopt_plan")
                st.date_input(t("rd_effective"), value=dt.date.today(), key="rd_effective")
                st.button(t("rd_adopt_button"), key="rd_adopt_button", on_click=rs.ask_adoption, args=(start_names,))
                if rs.ADOPTING in st.session_state:
                    confirm_adoption(*st.session_state[rs.ADOPTING])
            if "rd_adopted" in st.session_state:
                st.success(st.session_state.pop("rd_adopted"))

        st.subheader(t("rd_saved_plans"))
        if not plans.empty:
            show_table(plan_table(plans), present_columns=[t("rd_plan_name"), t("rd_col_revision"), t("rd_plan_author"),
                                                           t("rd_col_saved_at"), t("rd_col_grids")],
                       hide_index=True, width="stretch")

        st.subheader(t("rd_export"))
        fmt = st.radio(t("rd_export_format"), list(FORMATS), format_func=lambda f: t(f"rd_fmt_{f}"), horizontal=True,
                       key="rd_export_format")
        stem = f"grids_{dt.date.today():%Y%m%d}"
        st.download_button(t("rd_export_button"), rs.export_file(fmt, stem), file_name=f"{stem}{FORMATS[fmt]}",
                           key="rd_export_button", on_click=audit, args=("export_plan", f"{stem}{FORMATS[fmt]}"))

        st.subheader(t("rd_compare"))
        options = ["edit", "current"] + plans["plan_id"].tolist()
        option_names = {"edit": t("rd_this_edit"), **start_names}
        pick = st.columns(2)
        first = pick[0].selectbox(t("rd_compare_a"), options, index=1, format_func=lambda p: option_names.get(p, str(p)), key="rd_compare_a")
        second = pick[1].selectbox(t("rd_compare_b"), options, index=0, format_func=lambda p: option_names.get(p, str(p)), key="rd_compare_b")
        if st.toggle(t("rd_compare_show"), key="rd_compare_show"):
            one, other = rs.plan_division(first), rs.plan_division(second)
            fa, fb = rs.figures(one), rs.figures(other)
            maps = st.columns(2)
            with maps[0]:
                st.caption(formats.plain(option_names[first]))
                show(rs.division_map(one, False), "rd_compare_map_a", 440, [])
            with maps[1]:
                st.caption(formats.plain(option_names[second]))
                show(rs.division_map(other, False, edits.changed_grids(one, other)), "rd_compare_map_b", 440, [])
            headers = (t("rd_compare_a"), t("rd_compare_b"))
            show_table(street_table(street_comparison(fa, fb), headers), hide_index=True, width="stretch",
                       height=STREET_TABLE_PX)
            frame, styled = grid_table(compare(fa, fb, edits.changed_grids(one, other)), headers)
            show_table(changed_first(frame) if presenting() else styled, present_columns=grid_room_columns(headers),
                       hide_index=True, width="stretch", height=360)
            downloads(frame, "plan_comparison", "dl_compare")
            what_changes(rs.changes_between(one, other)[0], other, "compare")


run_page(render)
