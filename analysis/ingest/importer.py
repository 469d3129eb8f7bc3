"""Imports into the store: read -> validate -> geocode -> write, each as one transaction.

A failed import raises and leaves the store exactly as it was (the write is a single
transaction, and nothing is written before every check has run). Each import returns an
:class:`ImportResult` with the batch id, the counts and the problem report.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.geo.crs import parse_coord_system
from analysis.ingest.address import Gazetteer
from analysis.ingest.boundaries import read_boundaries, read_layer
from analysis.ingest.geocode import geocode_incidents, grid_index
from analysis.ingest.grid_checks import check_grids
from analysis.ingest.incidents import coordinates_to_wgs84, normalise_incidents
from analysis.ingest.problems import ProblemReport, ReadError
from analysis.ingest.schema import BUILDING_FIELDS, BUILDING_REQUIRED, INCIDENT_FIELDS, PEOPLE_FIELDS, guess_mapping
from analysis.ingest.tables import read_table
from analysis.settings import Settings, load_settings
from analysis.store.database import Store

Progress = Callable[[float, str], None]


@dataclass
class ImportResult:
    """What an import did."""

    batch_id: int
    rows_read: int
    rows_imported: int
    rows_rejected: int
    report: ProblemReport
    by_method: dict[str, int] = field(default_factory=dict)
    review: pd.DataFrame = field(default_factory=pd.DataFrame)
    version_id: int | None = None


def _load(source: str | Path | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        return Path(source).read_bytes(), name or Path(source).name
    return bytes(source), name or "upload"


def _noop(fraction: float, message: str) -> None:
    return None


def gazetteer_for(store: Store, settings: Settings | None = None) -> tuple[Gazetteer | None, pd.DataFrame]:
    """The address gazetteer over the stored buildings (None when there are none).

    Uses the ``admin_prefixes`` and ``address_cutoff`` settings.
    """
    settings = settings or load_settings()
    buildings = store.register("buildings")
    if buildings.empty:
        return None, buildings
    return Gazetteer(buildings, tuple(settings["admin_prefixes"]), settings["address_cutoff"]), buildings


def import_incidents(store: Store, source: str | Path | bytes, name: str | None = None,
                     mapping: dict[str, str] | None = None, coord_system: str = "wgs84",
                     tolerance_m: float | None = None, progress: Progress = _noop) -> ImportResult:
    """Import an incident export: read, normalise, geocode onto the current grids, upsert.

    ``tolerance_m`` defaults to the ``snap_tolerance_m`` setting.

    Raises
    ------
    ReadError
        The file cannot be read or lacks a required column; nothing is written.
    LookupError
        No boundary version is stored yet (import boundaries first).
    """
    data, name = _load(source, name)
    progress(0.05, "read")
    table, report = read_table(data, name)
    mapping = mapping or guess_mapping(list(table.columns), INCIDENT_FIELDS)
    progress(0.25, "normalise")
    read = normalise_incidents(table, mapping, coord_system)
    report.extend(read.report)
    grids = store.grids()
    if grids.empty:
        raise LookupError("no grid boundaries in the store: import boundaries first")
    progress(0.5, "geocode")
    settings = load_settings()
    tolerance_m = settings["snap_tolerance_m"] if tolerance_m is None else tolerance_m
    gazetteer, buildings = gazetteer_for(store, settings)
    geocoded = geocode_incidents(read.incidents, grid_index(grids), gazetteer, buildings, store.fixes(), tolerance_m)
    report.extend(geocoded.report)
    rejected = read.rejected.rename(columns={"code": "reason"}).assign(detail="")
    review_rows = pd.concat([rejected, geocoded.review], ignore_index=True)
    progress(0.75, "write")
    batch = store.write_incident_batch(
        {"kind": "incidents", "file_name": name, "file_hash": hashlib.sha256(data).hexdigest(),
         "rows_read": len(table), "rows_imported": len(read.incidents), "rows_rejected": len(read.rejected),
         "coord_system": parse_coord_system(coord_system).label},
        geocoded.incidents, review_rows, report)
    progress(1.0, "done")
    counts = geocoded.incidents["match_method"].replace("", "unplaced").value_counts()
    methods = {str(method): int(n) for method, n in counts.items()}
    return ImportResult(batch, len(table), len(read.incidents), len(read.rejected), report, methods, review_rows)


def import_boundaries(store: Store, source: str | Path | bytes, name: str | None = None,
                      coord_system: str | None = None, mapping: dict[str, str] | None = None,
                      version_name: str | None = None, street_source: str | Path | bytes | None = None,
                      street_name: str | None = None, make_current: bool = True) -> ImportResult:
    """Import a grid layer as a new boundary version (checked; the report says what was wrong)."""
    data, name = _load(source, name)
    layer, report = read_boundaries(data, name, coord_system, mapping)
    street = None
    if street_source is not None:
        street_data, street_name = _load(street_source, street_name)
        street_layer = read_layer(street_data, street_name)
        if street_layer.crs is not None and not street_layer.crs.equals("EPSG:4326"):
            street_layer = street_layer.to_crs(4326)
        street = street_layer.geometry.union_all()
    checked = check_grids(layer, street)
    report.extend(checked.report)
    with store.transaction() as conn:
        batch = store.add_batch(conn, "boundaries", name, hashlib.sha256(data).hexdigest(), len(layer),
                                len(checked.grids), len(checked.rejected), coord_system or "")
        version = store.add_boundary_version(conn, version_name or Path(name).stem, checked.grids, batch,
                                             street, make_current=make_current)
        store.add_problems(conn, batch, report)
    return ImportResult(batch, len(layer), len(checked.grids), len(checked.rejected), report, version_id=version)


def import_register(store: Store, kind: str, source: str | Path | bytes, name: str | None = None,
                    coord_system: str = "wgs84", mapping: dict[str, str] | None = None) -> ImportResult:
    """Replace a register (buildings, workers, volunteers or services) from a table.

    Buildings need an id, an address and coordinates; a building row without usable coordinates
    is rejected and reported. Volunteers may lack a location (kept; unreadable values warned).
    """
    data, name = _load(source, name)
    table, report = read_table(data, name)
    fields = BUILDING_FIELDS if kind == "buildings" else PEOPLE_FIELDS[kind]
    mapping = mapping or guess_mapping(list(table.columns), fields)
    required = BUILDING_REQUIRED if kind == "buildings" else (next(iter(fields)),)
    missing = [f for f in required if f not in mapping]
    if missing:
        for f in missing:
            report.add(None, f, "", "missing_column", detail=f)
        raise ReadError(report)
    frame = pd.DataFrame({f: table[c].astype(str).str.strip() for f, c in mapping.items()})
    frame["source_row"] = np.arange(len(frame)) + 2
    keep = pd.Series(True, index=frame.index)
    if "lon" in frame:
        coords = coordinates_to_wgs84(table, mapping, parse_coord_system(coord_system), frame["source_row"], report)
        frame["lon"], frame["lat"] = coords["lon"], coords["lat"]
        if kind == "buildings":  # a building without a point cannot place anything: rejected, reported
            keep = frame["lon"].notna()
            for row in frame.loc[~keep, "source_row"]:
                report.add(int(row), "lon/lat", "", "missing_coordinates")
    for column in ("households", "population", "hours"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").fillna(0)
    if "active" in frame:
        frame["active"] = frame["active"].isin(["是", "1", "true", "True", "Y", "y", "在册"])
    with store.transaction() as conn:
        written = store.replace_register(conn, kind, frame[keep])
        batch = store.add_batch(conn, kind, name, hashlib.sha256(data).hexdigest(), len(table), written,
                                int((~keep).sum()), coord_system)
        store.add_problems(conn, batch, report)
    return ImportResult(batch, len(table), written, int((~keep).sum()), report)
