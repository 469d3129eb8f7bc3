"""Writes the pages trigger (imports, manual fixes): thin wrappers over ``analysis.ingest.importer``
that report progress in the page. Nothing is cleared afterwards: every cached loader is keyed on the
data revision (``ui.loaders.revision``), which each write changes, so other users' cached views of
other revisions stay valid until they are evicted."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st
from shapely.geometry.base import BaseGeometry

from analysis.access.audit import record_import
from analysis.ingest import importer
from analysis.ingest.boundaries import boundary_table, read_boundary_file, read_lines
from analysis.ingest.grid_checks import check_grids
from analysis.ingest.layers import LayerInfo, Upload, read_vector
from analysis.ingest.problems import ProblemReport
from analysis.ingest.schema import BUILDING_FIELDS, INCIDENT_FIELDS, PEOPLE_FIELDS, guess_mapping
from analysis.ingest.tables import sheet_names, table_parts
from analysis.sanitise import mask_phone_text, mask_phones_in_text
from analysis.settings import load_settings
from analysis.store import notes
from ui import formats
from ui.auth import audit, who
from ui.errors import guarded
from ui.i18n import t
from ui.loaders import store

STAGES = {"read": "stage_read", "normalise": "stage_normalise", "geocode": "stage_geocode",
          "write": "stage_write", "done": "stage_done"}


@st.cache_data(show_spinner=False, max_entries=4)
def preview(data: bytes, name: str, sheet: str | None = None) -> tuple[pd.DataFrame, list[str], ProblemReport]:
    """The first 20 rows of an uploaded table (phones masked), all its headers and the reading's notes
    (encoding, sheet); raises ReadError. Only the file's first part is read (see
    :func:`~analysis.ingest.tables.table_parts`)."""
    parts = table_parts(data, name, sheet=sheet)
    head = next(iter(parts)).head(20)
    return head.apply(mask_phones_in_text), parts.columns, parts.report


@st.cache_data(show_spinner=False, max_entries=4)
def sheets(data: bytes, name: str) -> list[str]:
    """The sheets of an uploaded workbook that hold data ([] for a CSV)."""
    return sheet_names(data, name)


@st.cache_data(show_spinner=False, max_entries=4)
def boundary_layers(files: tuple[tuple[str, bytes], ...]) -> tuple[LayerInfo, ...]:
    """The layers of uploaded vector files (raises ReadError when they cannot be read)."""
    return read_vector([Upload(n, d) for n, d in files]).layers


@st.cache_data(show_spinner=False, max_entries=4)
def line_layer(files: tuple[tuple[str, bytes], ...]) -> BaseGeometry:
    """The roads, rivers and walls of an uploaded line layer, WGS-84 (raises ReadError)."""
    return read_lines([Upload(n, d) for n, d in files])


@dataclass
class BoundaryPreview:
    """What an uploaded boundary layer holds, before it is imported."""

    table: pd.DataFrame          # the grids (with areas), as checked
    report: ProblemReport        # the reading's and the checks' lines
    mapping: dict[str, str]      # the columns used
    columns: list[str]           # the layer's columns


@st.cache_data(show_spinner=False, max_entries=8)
def preview_boundaries(files: tuple[tuple[str, bytes], ...], coord_system: str | None,
                       mapping: tuple[tuple[str, str], ...], layer: str | None,
                       encoding: str | None) -> BoundaryPreview:
    """The grids an uploaded layer holds and what the checks found (raises ReadError)."""
    read = read_boundary_file([Upload(n, d) for n, d in files], None, coord_system, dict(mapping) or None, layer,
                              encoding)
    checked = check_grids(read.grids, read.street, load_settings())
    read.report.extend(checked.report)
    return BoundaryPreview(boundary_table(checked.grids), read.report, read.mapping, read.columns)


def default_tolerance() -> float:
    """The ``snap_tolerance_m`` setting, in metres."""
    return float(load_settings()["snap_tolerance_m"])


def _aliases(kind: str) -> dict[str, tuple[str, ...]]:
    return INCIDENT_FIELDS if kind == "incidents" else BUILDING_FIELDS if kind == "buildings" else PEOPLE_FIELDS[kind]


def fields_for(kind: str) -> list[str]:
    """Canonical fields of an incident table (``incidents``) or a register, in display order."""
    return list(_aliases(kind))


def guessed_mapping(headers: list[str], kind: str) -> dict[str, str]:
    """The recognised column mapping for an incident table or a register."""
    return guess_mapping(headers, _aliases(kind))


def _progress_bar() -> importer.Progress:
    bar = st.progress(0.0, text=t("importing"))

    def show(fraction: float, stage: str) -> None:
        bar.progress(fraction, text=t(STAGES.get(stage, "importing")))
    return show


def import_incidents(data: bytes, name: str, mapping: dict[str, str], coord_system: str, tolerance_m: float,
                     sheet: str | None = None, overwrite_older: bool = False) -> importer.ImportResult:
    """Import an uploaded incident table with a progress bar (raises ReadError/LookupError)."""
    return _logged("incidents", name, importer.import_incidents(
        store(), data, name, mapping, coord_system, tolerance_m, _progress_bar(), sheet, overwrite_older))


def _logged(kind: str, file_name: str, result: importer.ImportResult) -> importer.ImportResult:
    """``result`` of an import, once its audit line is written."""
    record_import(store(), who(), kind, file_name, result.batch_id, result.rows_read, result.rows_imported,
                  result.rows_rejected)
    return result


def import_boundaries(files: list[Upload], coord_system: str | None, mapping: dict[str, str], version_name: str,
                      street: list[Upload] | None, layer: str | None, encoding: str | None) -> importer.ImportResult:
    """Import an uploaded boundary layer as a new current version (raises ReadError)."""
    with st.spinner(t("importing")):
        return _logged("boundaries", ", ".join(f.name for f in files), importer.import_boundaries(
            store(), files, None, coord_system, mapping, version_name, street, layer=layer, encoding=encoding))


def import_register(kind: str, data: bytes, name: str, coord_system: str, mapping: dict[str, str],
                    sheet: str | None = None) -> importer.ImportResult:
    """Replace a register (buildings, workers, volunteers, services) from an upload (raises ReadError)."""
    with st.spinner(t("importing")):
        return _logged(kind, name, importer.import_register(store(), kind, data, name, coord_system, mapping, sheet))


@guarded
def save_fix_from_form(addresses: dict[str, str]) -> None:
    """Store the manual placement chosen in the review form (``fix_incident``, ``fix_grid``, ``fix_building``;
    kept across re-imports) and leave a line for the page to show (``fix_flash``)."""
    incident = str(st.session_state.get("fix_incident", ""))
    grid, building = str(st.session_state.get("fix_grid") or ""), str(st.session_state.get("fix_building") or "")
    if not (grid or building):
        st.session_state["fix_flash"] = ("warning", t("fix_need_target"))
        return
    store().save_fix(incident, grid, building)
    audit("fix_placement", incident, f"grid={grid} building={building}")
    target = formats.plain(mask_phone_text(grid or addresses.get(building, building)))
    st.session_state["fix_flash"] = ("success", t("fix_saved", id=formats.plain(incident), target=target))


def week_notes(week: str) -> str:
    """The decisions and notes saved for ``week`` ('2026-W47'; '' when none)."""
    return notes.week_notes(store(), week)


@guarded
def save_week_notes(week: str, key: str) -> None:
    """Keep the text of widget ``key`` as the notes of ``week`` and say so (``mt_flash``)."""
    notes.save_week_notes(store(), week, str(st.session_state.get(key, "")))
    st.session_state["mt_flash"] = t("mt_notes_saved", week=week)
