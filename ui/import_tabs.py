"""The data page's import tabs (incidents, boundaries, registers): upload, preview, choices, mapping, import.

Each tab shows what the file holds before anything is written: the first rows (phones masked) or the
grids with their areas, the column mapping as recognised (every field can be changed or left out),
the sheet of a workbook, the layer of a file with several, the text encoding of a Shapefile, the
coordinate system, and the problems the checks found. The import writes in one transaction.
"""
from __future__ import annotations

import hashlib

import streamlit as st

from analysis.ingest.boundaries import MAPPABLE
from analysis.ingest.layers import ENCODINGS, Upload
from analysis.ingest.problems import ReadError
from ui import actions
from ui.i18n import COLUMN_LABELS, LEVEL_LABELS, label, t, translate_columns
from ui.widgets import coord_picker, import_outcome, problem_table, show_read_error, show_table, table_upload

BOUNDARY_ROOM_COLUMNS = ("grid_id", "name", "level", "community", "area_m2")   # the preview in projector mode
LAYER_TYPES = ["geojson", "json", "gpkg", "zip", "kml", "kmz", "shp", "shx", "dbf", "prj", "cpg"]


def incidents_tab() -> None:
    """Upload an incident export, check its mapping and coordinate system, import it."""
    upload = table_upload(t("upload_incidents"), "incidents", "upload_incidents")
    if upload is not None:
        left, middle, right = st.columns([2, 1, 2])
        with left:
            system = coord_picker(f"inc_crs_{upload.token}") or "wgs84"
        with middle:
            tolerance = st.number_input(t("tolerance"), 0.0, 500.0, actions.default_tolerance(), 5.0, format="%.0f",
                                        help=t("tolerance_help"), key=f"inc_tol_{upload.token}")
        with right:
            overwrite = st.checkbox(t("overwrite_older"), key=f"inc_overwrite_{upload.token}",
                                    help=t("overwrite_older_help"))
        if st.button(t("do_import"), type="primary", key="do_import_incidents"):
            try:
                st.session_state["last_incident_import"] = actions.import_incidents(
                    upload.data, upload.name, upload.mapping, system, tolerance, upload.sheet, overwrite)
            except ReadError as err:
                show_read_error(err)
            except LookupError:
                st.error(t("import_failed") + " " + t("no_grids_yet"))


def boundaries_tab() -> None:
    """Upload a boundary layer (a Shapefile's files together), choose layer, encoding, system and mapping,
    see the grids and the checks, import them as a new version."""
    files = st.file_uploader(t("upload_boundaries"), type=LAYER_TYPES, accept_multiple_files=True,
                             key="upload_boundaries")
    street_files = st.file_uploader(t("upload_street"), type=LAYER_TYPES, accept_multiple_files=True,
                                    key="upload_street")
    if not files:
        return
    uploads = tuple((f.name, f.getvalue()) for f in files)
    token = hashlib.sha1(b"".join(name.encode() + data for name, data in uploads)).hexdigest()[:10]
    try:
        layers = actions.boundary_layers(uploads)
    except ReadError as err:
        show_read_error(err)
        return
    slots = iter(st.columns(3))  # the choices this upload needs, left to right
    layer = None
    names = [info.name for info in layers]
    if len(names) > 1 and not any(n.lower().endswith((".kml", ".kmz")) for n, _ in uploads):
        layer = next(slots).selectbox(t("layer_choice"), names, key=f"bnd_layer_{token}",
                                    format_func=lambda n: f"{n}（{next(i.features for i in layers if i.name == n)}）")
    encoding = None
    if any(n.lower().endswith((".dbf", ".zip", ".shp")) for n, _ in uploads):
        picked = next(slots).selectbox(t("encoding_choice"), ["", *ENCODINGS], key=f"bnd_encoding_{token}",
                                     format_func=lambda e: e.upper() if e else t("encoding_auto"),
                                     help=t("encoding_help"))
        encoding = picked or None
    with next(slots):
        system = coord_picker(f"bnd_crs_{token}", allow_file=True)
    chosen = _boundary_mapping(uploads, layer, encoding, system, token)
    try:
        preview = actions.preview_boundaries(uploads, system, tuple(chosen.items()), layer, encoding)
    except ReadError as err:
        show_read_error(err)
        return
    table = preview.table.assign(level=preview.table["level"].map(lambda v: label(LEVEL_LABELS, v)))
    text = table.drop(columns="area_m2")
    shown = text.astype(object).where(text.notna(), "—").assign(area_m2=table["area_m2"])
    st.markdown(f"**{t('boundary_preview', n=len(table))}**")
    show_table(translate_columns(shown), present_columns=[label(COLUMN_LABELS, c) for c in BOUNDARY_ROOM_COLUMNS],
               hide_index=True, width="stretch", height=min(300, 38 + 35 * len(table)),
               column_config={label(COLUMN_LABELS, "area_m2"): st.column_config.NumberColumn(format="localized")})
    problem_table(preview.report, f"dl_bnd_preview_{token}")
    default_name = uploads[0][0].rsplit(".", 1)[0]
    name = st.text_input(t("version_name"), value=default_name, key=f"bnd_name_{token}")
    if st.button(t("do_import"), type="primary", key="do_import_boundaries"):
        street = [Upload(f.name, f.getvalue()) for f in street_files or []] or None
        try:
            st.session_state["last_boundary_import"] = actions.import_boundaries(
                [Upload(n, d) for n, d in uploads], system, chosen, name, street, layer, encoding)
        except ReadError as err:
            show_read_error(err)
    import_outcome(st.session_state.get("last_boundary_import"), "boundary")


def _boundary_mapping(uploads: tuple[tuple[str, bytes], ...], layer: str | None, encoding: str | None,
                      system: str | None, token: str) -> dict[str, str]:
    """The column of each boundary field, as recognised and as the user changed it ('' = not used)."""
    try:
        guessed = actions.preview_boundaries(uploads, system, (), layer, encoding)
    except ReadError:
        return {}
    st.markdown(f"**{t('mapping')}**")
    options = ["", *guessed.columns]
    chosen, columns = {}, st.columns(4)
    for i, field in enumerate(MAPPABLE):
        current = guessed.mapping.get(field, "")
        with columns[i % 4]:
            chosen[field] = st.selectbox(label(COLUMN_LABELS, field), options,
                                         index=options.index(current) if current in options else 0,
                                         format_func=lambda h: h or t("not_mapped"), key=f"bnd_map_{field}_{token}")
    return chosen


def registers_tab() -> None:
    """Upload a register (buildings, workers, volunteers, services) and replace the stored one."""
    kinds = ["buildings", "workers", "volunteers", "services"]
    kind = st.radio(t("register_kind"), kinds, format_func=lambda k: t(f"kind_{k}"), horizontal=True, key="reg_kind")
    upload = table_upload(t("upload_register"), kind, f"upload_{kind}")
    if upload is not None:
        system = (coord_picker(f"reg_crs_{upload.token}") or "wgs84") if kind in ("buildings", "volunteers") \
            else "wgs84"
        if st.button(t("do_import"), type="primary", key="do_import_register"):
            try:
                st.session_state["last_register_import"] = actions.import_register(
                    kind, upload.data, upload.name, system, upload.mapping, upload.sheet)
            except ReadError as err:
                show_read_error(err)
    import_outcome(st.session_state.get("last_register_import"), "register")
