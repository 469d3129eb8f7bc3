"""Reading grid boundary layers: GeoJSON, GeoPackage, Shapefile (.shp set or .zip) and KML.

The coordinate system comes from the user when given (a tracing on Amap is GCJ-02 even though
its GeoJSON claims WGS-84), else from the file (.prj, GeoJSON), else WGS-84 with a note.
Everything is converted once, here, to WGS-84.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from analysis.geo.crs import CoordSystem, parse_coord_system
from analysis.geo.geometry import areas_m2, convert_geometries
from analysis.ingest.problems import ProblemReport, ReadError
from analysis.ingest.schema import GRID_FIELDS, guess_mapping

BOUNDARY_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".kml")
GRID_COLUMNS = ("grid_id", "name", "level", "parent_id", "community", "households", "population")


def read_layer(source: str | Path | bytes, name: str | None = None) -> gpd.GeoDataFrame:
    """Read the first layer of a vector file (path, or bytes with its file name) as it is.

    Raises
    ------
    ReadError
        Unsupported suffix, unreadable or empty file.
    """
    report = ProblemReport()
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.suffix.lower() not in BOUNDARY_SUFFIXES:
            report.add(None, "", path.name, "unsupported_format", detail=path.suffix or path.name)
            raise ReadError(report)
        return _read(path, name or path.name, report)
    suffix = Path(name or "").suffix.lower()
    if suffix not in BOUNDARY_SUFFIXES or suffix == ".shp":
        # a lone .shp upload lacks its .dbf/.shx/.prj: ask for the .zip
        report.add(None, "", name, "unsupported_format", detail=suffix or str(name))
        raise ReadError(report)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(bytes(source))
        return _read(path, name or path.name, report)


def _read(path: Path, name: str, report: ProblemReport) -> gpd.GeoDataFrame:
    if path.stat().st_size == 0:
        report.add(None, "", name, "empty_file")
        raise ReadError(report)
    try:
        layer = gpd.read_file(path, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as err:
        report.add(None, "", name, "unreadable_file", detail=str(err).strip().splitlines()[0])
        raise ReadError(report) from err
    if layer.empty:
        report.add(None, "", name, "empty_file")
        raise ReadError(report)
    return layer


def boundary_table(grids: gpd.GeoDataFrame) -> pd.DataFrame:
    """The grids without geometry, plus ``area_m2`` (square metres, rounded): for previews."""
    table = pd.DataFrame(grids.drop(columns="geometry"))
    return table.assign(area_m2=np.round(areas_m2(grids.geometry.to_numpy())).astype(int))


def read_boundaries(source: str | Path | bytes, name: str | None = None,
                    coord_system: CoordSystem | str | None = None,
                    mapping: dict[str, str] | None = None) -> tuple[gpd.GeoDataFrame, ProblemReport]:
    """Read a boundary file into the canonical grids frame (unchecked; see ``grid_checks``).

    Parameters
    ----------
    source, name
        File path, or bytes with the file name.
    coord_system : optional
        Overrides what the file declares (e.g. ``gcj02`` for an Amap tracing).
    mapping : dict, optional
        ``{canonical_field: column}``; by default recognised from the usual headers.

    Returns
    -------
    grids : geopandas.GeoDataFrame
        Columns ``GRID_COLUMNS`` + geometry, EPSG:4326; ``grid_id`` etc. as strings.
    report : ProblemReport
    """
    layer = read_layer(source, name)
    report = ProblemReport()
    mapping = dict(mapping or guess_mapping([c for c in layer.columns if c != "geometry"], GRID_FIELDS))
    if "grid_id" not in mapping:
        label = next((c for c in layer.columns if c.lower() == "name"), mapping.get("name"))
        if label is None:
            report.add(None, "grid_id", "", "missing_column", detail="grid_id")
            raise ReadError(report)
        mapping["grid_id"] = label
        report.add(None, label, "", "id_from_name", "info", detail=label)
    for mapped in mapping.values():
        if mapped not in layer.columns:
            report.add(None, mapped, "", "mapped_column_absent", detail=mapped)
            raise ReadError(report)
    geoms = layer.geometry.to_numpy()
    if coord_system is not None:
        system = parse_coord_system(coord_system)
        if system.kind == "epsg":
            geoms = layer.geometry.set_crs(system.epsg, allow_override=True).to_crs(4326).to_numpy()
        else:
            geoms = convert_geometries(layer.geometry.to_numpy(), system.label)
    elif layer.crs is None:
        report.add(None, "", "", "crs_assumed", "info", detail="WGS-84")
    elif not layer.crs.equals("EPSG:4326"):
        geoms = layer.geometry.to_crs(4326).to_numpy()
    grids = pd.DataFrame(index=layer.index)
    for field in GRID_COLUMNS:
        column = mapping.get(field)
        values = layer[column] if column else pd.Series("", index=layer.index)
        if field in ("households", "population"):
            grids[field] = pd.to_numeric(values, errors="coerce")
        else:
            grids[field] = values.fillna("").astype(str).str.strip()
            grids[field] = grids[field].str.replace(r"\.0$", "", regex=True) if field in ("grid_id", "parent_id") else grids[field]
    grids["name"] = grids["name"].where(grids["name"] != "", grids["grid_id"])
    grids["level"] = grids["level"].where(grids["level"] != "", "grid")
    return gpd.GeoDataFrame(grids, geometry=list(geoms), crs=4326).reset_index(drop=True), report
