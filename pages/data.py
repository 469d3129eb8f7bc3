"""数据导入 Data import: upload, preview, map columns, import with progress, problems, review queue."""
import streamlit as st

from analysis.ingest.problems import ReadError
from ui import actions, loaders
from ui.errors import run_page
from ui.i18n import LEVEL_LABELS, REASON_LABELS, label, t, translate_columns
from ui.page import csv_bytes, setup
from ui.widgets import (
    coord_picker,
    import_outcome,
    problem_table,
    result_metrics,
    show_methods,
    show_read_error,
    table_upload,
)

# rejected rows (no id, bad date, duplicate) are corrected in the source file; these can be placed by hand
PLACEABLE = ("outside", "address_unmatched", "no_location")


def render() -> None:
    """Draw the page."""
    setup("page_data")
    st.title(t("data_title"))
    st.caption(t("data_caption"))
    rev = loaders.revision()

    tab_inc, tab_bnd, tab_reg, tab_rev, tab_bat = st.tabs(
        [t("tab_incidents"), t("tab_boundaries"), t("tab_registers"), t("tab_review"), t("tab_batches")])

    with tab_inc:
        upload = table_upload(t("upload_incidents"), "incidents", "upload_incidents")
        if upload is not None:
            left, right = st.columns(2)
            with left:
                system = coord_picker(f"inc_crs_{upload.token}") or "wgs84"
            with right:
                tolerance = st.number_input(t("tolerance"), 0.0, 500.0, actions.default_tolerance(), 5.0, format="%.0f",
                                            help=t("tolerance_help"), key=f"inc_tol_{upload.token}")
            if st.button(t("do_import"), type="primary", key="do_import_incidents"):
                try:
                    st.session_state["last_incident_import"] = actions.import_incidents(
                        upload.data, upload.name, upload.mapping, system, tolerance)
                except ReadError as err:
                    show_read_error(err)
                except LookupError:
                    st.error(t("import_failed") + " " + t("no_grids_yet"))
        result = st.session_state.get("last_incident_import")
        if result is not None:
            st.success(t("import_done", read=f"{result.rows_read:,}", imported=f"{result.rows_imported:,}",
                         rejected=f"{result.rows_rejected:,}"))
            result_metrics(result.rows_read, result.rows_imported, result.rows_rejected)
            st.subheader(t("geocode_summary"))
            show_methods(result.by_method)
            if not result.review.empty:
                unplaced = result.review.assign(reason=result.review["reason"].map(lambda r: label(REASON_LABELS, r)))
                st.download_button(t("download_unplaced", n=f"{len(unplaced):,}"),
                                   csv_bytes(translate_columns(unplaced)), file_name="unplaced_rows.csv",
                                   mime="text/csv", key="dl_unplaced")
            problem_table(result.report, "dl_incident_problems")

    with tab_bnd:
        layer_file = st.file_uploader(t("upload_boundaries"), type=["geojson", "json", "gpkg", "zip", "kml"],
                                      key="upload_boundaries")
        street = st.file_uploader(t("upload_street"), type=["geojson", "json", "gpkg", "zip", "kml"], key="upload_street")
        if layer_file is not None:
            layer_system = coord_picker("bnd_crs", allow_file=True)
            try:
                table, checks = actions.preview_boundaries(layer_file.getvalue(), layer_file.name, layer_system)
            except ReadError as err:
                show_read_error(err)
                st.stop()
            st.markdown(f"**{t('boundary_preview', n=len(table))}**")
            table = table.assign(level=table["level"].map(lambda v: label(LEVEL_LABELS, v)))
            table = table.astype(object).where(table.notna(), "—")
            st.dataframe(translate_columns(table), hide_index=True, width="stretch",
                         height=min(300, 38 + 35 * len(table)))
            if checks.count(severity="warning") + checks.count(severity="error"):
                st.warning(t("boundary_checks", n=checks.count(severity="warning") + checks.count(severity="error")))
            name = st.text_input(t("version_name"), value=layer_file.name.rsplit(".", 1)[0], key="bnd_name")
            if st.button(t("do_import"), type="primary", key="do_import_boundaries"):
                try:
                    st.session_state["last_boundary_import"] = actions.import_boundaries(
                        layer_file.getvalue(), layer_file.name, layer_system, name,
                        (street.getvalue(), street.name) if street is not None else None)
                except ReadError as err:
                    show_read_error(err)
        import_outcome(st.session_state.get("last_boundary_import"), "boundary")

    with tab_reg:
        kinds = ["buildings", "workers", "volunteers", "services"]
        kind = st.radio(t("register_kind"), kinds, format_func=lambda k: t(f"kind_{k}"), horizontal=True, key="reg_kind")
        upload = table_upload(t("upload_register"), kind, f"upload_{kind}")
        if upload is not None:
            system = (coord_picker(f"reg_crs_{upload.token}") or "wgs84") if kind in ("buildings", "volunteers") else "wgs84"
            if st.button(t("do_import"), type="primary", key="do_import_register"):
                try:
                    st.session_state["last_register_import"] = actions.import_register(
                        kind, upload.data, upload.name, system, upload.mapping)
                except ReadError as err:
                    show_read_error(err)
        import_outcome(st.session_state.get("last_register_import"), "register")

    with tab_rev:
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
            st.dataframe(shown, hide_index=True, width="stretch", height=360)
            st.download_button(t("download_csv"), csv_bytes(shown), file_name="review_queue.csv", mime="text/csv",
                               key="dl_review")
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

    with tab_bat:
        history = loaders.batches(rev)
        if history.empty:
            st.info(t("batches_empty"))
        else:
            st.dataframe(translate_columns(history.drop(columns=["file_hash"])), hide_index=True, width="stretch")


run_page(render)
