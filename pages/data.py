"""数据导入 Data import: upload, preview, map columns, import with progress, problems, review queue."""
import streamlit as st

from analysis.access.roles import Action
from ui import actions, loaders
from ui.auth import can
from ui.errors import run_page
from ui.i18n import COLUMN_LABELS, REASON_LABELS, label, t, translate_columns
from ui.import_tabs import boundaries_tab, incidents_tab, registers_tab
from ui.page import setup
from ui.widgets import csv_download, problem_table, result_metrics, show_methods, show_table

# rejected rows (no id, bad date, duplicate) are corrected in the source file; these can be placed by hand
PLACEABLE = ("outside", "address_unmatched", "no_location")
# the page's tabs and what a role must be allowed to see each (None: every role)
TABS: tuple[tuple[str, Action | None], ...] = (("tab_incidents", "import"), ("tab_boundaries", "import"),
                                               ("tab_registers", "import"), ("tab_review", "review"),
                                               ("tab_batches", None))


def _last_incident_import() -> None:
    """What the last incident import of this session did: counts, placement methods, unplaced rows, problems."""
    result = st.session_state.get("last_incident_import")
    if result is None:
        return
    st.success(t("import_done", read=f"{result.rows_read:,}", imported=f"{result.rows_imported:,}",
                 rejected=f"{result.rows_rejected:,}"))
    result_metrics(result.rows_read, result.rows_imported, result.rows_rejected)
    st.subheader(t("geocode_summary"))
    show_methods(result.by_method)
    if not result.review.empty:
        unplaced = result.review.assign(reason=result.review["reason"].map(lambda r: label(REASON_LABELS, r)))
        csv_download(t("download_unplaced", n=f"{len(unplaced):,}"), translate_columns(unplaced), "unplaced_rows.csv",
                     "dl_unplaced")
    problem_table(result.report, "dl_incident_problems")


def render() -> None:
    """Draw the page."""
    setup("page_data")
    st.title(t("data_title"))
    st.caption(t("data_caption"))
    rev = loaders.revision()

    shown = [key for key, action in TABS if action is None or can(action)]
    if not can("import"):
        st.info(t("data_view_only"))
    tabs = dict(zip(shown, st.tabs([t(key) for key in shown])))

    if "tab_incidents" in tabs:
        with tabs["tab_incidents"]:
            incidents_tab()
            _last_incident_import()
        with tabs["tab_boundaries"]:
            boundaries_tab()
        with tabs["tab_registers"]:
            registers_tab()
    if "tab_review" in tabs:
        with tabs["tab_review"]:
            _review_queue(rev)
    with tabs["tab_batches"]:
        history = loaders.batches(rev)
        if history.empty:
            st.info(t("batches_empty"))
        else:
            show_table(translate_columns(history.drop(columns=["file_hash"])), present_columns=[
                label(COLUMN_LABELS, c) for c in ("file_name", "imported_at", "rows_read", "rows_imported", "rows_rejected")],
                hide_index=True, width="stretch")


def _review_queue(rev: str) -> None:
    """The rows that could not be read or placed, with the form that places one by hand."""
    st.caption(t("review_caption"))
    queue = loaders.review_queue(rev)
    if queue.empty:
        st.info(t("review_empty"))
    else:
        reasons = sorted(queue["reason"].unique())
        chosen = st.multiselect(t("filter_reason"), reasons, default=reasons,
                                format_func=lambda r: label(REASON_LABELS, r), key="review_reasons")
        shown = queue[queue["reason"].isin(chosen)].assign(reason=lambda f: f["reason"].map(
            lambda r: label(REASON_LABELS, r)))
        shown = translate_columns(shown.drop(columns=["review_id", "batch_id"]))
        show_table(shown, present_columns=[label(COLUMN_LABELS, c) for c in ("incident_id", "reason", "detail")],
                   hide_index=True, width="stretch", height=360)
        csv_download(t("download_csv"), shown, "review_queue.csv", "dl_review")
        st.subheader(t("fix_title"))
        placeable = queue[queue["reason"].isin(PLACEABLE) & (queue["incident_id"] != "")]
        why = dict(zip(placeable["incident_id"], placeable["reason"].map(lambda r: label(REASON_LABELS, r))
                       + " " + placeable["detail"]))
        ids = list(why)
        grids = loaders.grid_choices(rev)
        buildings = loaders.building_choices(rev)
        if ids and not grids.empty:
            with st.form("fix_form"):
                st.selectbox(t("fix_incident"), ids, key="fix_incident",
                                        format_func=lambda i: f"{i} · {why[i]}")
                grid_names = dict(zip(grids["grid_id"], grids["name"]))
                st.selectbox(t("fix_grid"), [""] + list(grid_names), key="fix_grid",
                                    format_func=lambda g: f"{g} {grid_names[g]}" if g else t("fix_none"))
                addresses = dict(zip(buildings["building_id"], buildings["address"]))
                st.selectbox(t("fix_building"), [""] + list(addresses), key="fix_building",
                                        format_func=lambda b: f"{b} {addresses[b]}" if b else t("fix_none"))
                st.form_submit_button(t("fix_save"), type="primary", on_click=actions.save_fix_from_form,
                                      args=(addresses,))
        if "fix_flash" in st.session_state:
            kind, text = st.session_state.pop("fix_flash")
            (st.success if kind == "success" else st.warning)(text)


run_page(render)
