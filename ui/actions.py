"""Writes the pages trigger (imports, manual fixes): thin wrappers over ``analysis.ingest.importer``
that report progress in the page and clear the cached loaders afterwards."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.ingest import importer
from analysis.ingest.boundaries import boundary_table, read_boundaries
from analysis.ingest.grid_checks import check_grids
from analysis.ingest.problems import ProblemReport
from analysis.ingest.schema import BUILDING_FIELDS, INCIDENT_FIELDS, PEOPLE_FIELDS, guess_mapping
from analysis.ingest.tables import read_table
from analysis.settings import load_settings
from ui.i18n import t
from ui.loaders import store

STAGES = {"read": "stage_read", "normalise": "stage_normalise", "geocode": "stage_geocode",
          "write": "stage_write", "done": "stage_done"}


@st.cache_data(show_spinner=False, max_entries=4)
def preview(data: bytes, name: str) -> tuple[pd.DataFrame, list[str]]:
    """The first 20 rows of an uploaded table and all its headers (raises ReadError)."""
    table, _ = read_table(data, name)
    return table.head(20), list(table.columns)


@st.cache_data(show_spinner=False, max_entries=4)
def preview_boundaries(data: bytes, name: str, coord_system: str | None) -> tuple[pd.DataFrame, ProblemReport]:
    """The grids an uploaded layer holds (with areas) and what the checks found (raises ReadError)."""
    grids, report = read_boundaries(data, name, coord_system)
    checked = check_grids(grids)
    report.extend(checked.report)
    return boundary_table(checked.grids), report


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


def _progress_bar():
    bar = st.progress(0.0, text=t("importing"))
    return lambda fraction, stage: bar.progress(fraction, text=t(STAGES.get(stage, "importing")))


def _done() -> None:
    st.cache_data.clear()


def import_incidents(data: bytes, name: str, mapping: dict[str, str], coord_system: str,
                     tolerance_m: float) -> importer.ImportResult:
    """Import an uploaded incident table with a progress bar (raises ReadError/LookupError)."""
    result = importer.import_incidents(store(), data, name, mapping, coord_system, tolerance_m, _progress_bar())
    _done()
    return result


def import_boundaries(data: bytes, name: str, coord_system: str | None, version_name: str,
                      street: tuple[bytes, str] | None) -> importer.ImportResult:
    """Import an uploaded boundary layer as a new current version."""
    with st.spinner(t("importing")):
        result = importer.import_boundaries(store(), data, name, coord_system, None, version_name,
                                            street[0] if street else None, street[1] if street else None)
    _done()
    return result


def import_register(kind: str, data: bytes, name: str, coord_system: str,
                    mapping: dict[str, str]) -> importer.ImportResult:
    """Replace a register (buildings, workers, volunteers, services) from an upload."""
    with st.spinner(t("importing")):
        result = importer.import_register(store(), kind, data, name, coord_system, mapping)
    _done()
    return result


def save_fix(incident_id: str, grid_id: str, building_id: str) -> None:
    """Store a manual placement (kept across re-imports)."""
    store().save_fix(incident_id, grid_id, building_id)
    _done()
