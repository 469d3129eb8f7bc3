"""Grid boundary layers into the canonical grids frame, whatever shape the street's file has.

The file is read by :mod:`analysis.ingest.layers`. Then, here:

* **Coordinates.** The user's system wins (a tracing on Amap is GCJ-02 though its GeoJSON claims
  WGS-84), else the file's (``.prj``, GeoJSON), else WGS-84 with a note when the numbers look like
  degrees. A layer whose numbers are metres and that names no system is refused: made current it
  would put every incident outside every grid.
* **Columns.** Code, name, level, parent code, community, households and population are recognised
  from the usual headers (:data:`analysis.ingest.schema.GRID_FIELDS`); a mapping the user gives
  adds to what is recognised. Without a code column the code is a unique, id-like column
  (``nc_id``, ``ZIP_CODE`` …; not a database row id), else the names when they are unique, else codes made
  here (``G0001`` …, west to east, north to south); each is reported.
* **Levels.** 社区 / 网格 / 微网格 / 单元网格 / 小区 and English words become ``community`` /
  ``grid`` / ``micro``; a street (街道) feature becomes the street outline; rows whose level cannot be
  read are grids, reported.
* **Codes.** Ids are cleaned (full-width, invisible characters, ``12.0``); features sharing a code
  (a grid in several parts) are joined into one multipolygon, reported. A KML's folders become the
  communities when no community column exists.

Checks of the polygons themselves (validity, overlaps, gaps, parent codes) are in
:mod:`analysis.ingest.grid_checks`.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from analysis.geo.crs import CoordSystem, parse_coord_system
from analysis.geo.geometry import areas_m2, convert_geometries, polygonal
from analysis.ingest.layers import FOLDER, Layer, Source, read_vector
from analysis.ingest.problems import ProblemReport, ReadError
from analysis.ingest.schema import GRID_FIELDS, guess_mapping, level_of
from analysis.ingest.values import clean_ids, parse_numbers

GRID_COLUMNS = ("grid_id", "name", "level", "parent_id", "community", "households", "population")
MAPPABLE = ("grid_id", "name", "level", "parent_id", "community", "households", "population")
# id-like column names, best first: a code, then an id of the thing, then a database row id
_CODE_NAMES = re.compile(r"(code|编码|编号|代码|代號|号码)$|^(code|编码|编号)", re.IGNORECASE)
# also as a .dbf cuts them to ten characters: area_numbe(r)
_ID_NAMES = re.compile(r"(_id|id|_no|no|num|numb|numbe|number|号)$", re.IGNORECASE)
_ROW_IDS = {"objectid", "fid", "ogc_fid", "cartodb_id", "gid", "id", "oid", "shape_id"}


@dataclass
class Boundaries:
    """A boundary file read into canonical rows.

    Attributes
    ----------
    grids : geopandas.GeoDataFrame
        ``GRID_COLUMNS`` + geometry (EPSG:4326), one row per code: communities, grids, micro-grids.
    street : shapely geometry or None
        A street (街道) feature of the layer, when it has one.
    mapping : dict
        ``{canonical field: column}`` as used (what was recognised plus what the user gave).
    columns : list of str
        The layer's attribute columns (for a mapping editor).
    layer : Layer
        The layer as read (its name, the other layers of the file, the encoding).
    report : ProblemReport
    """

    grids: gpd.GeoDataFrame
    street: BaseGeometry | None
    mapping: dict[str, str]
    columns: list[str]
    layer: Layer
    report: ProblemReport


def guess_grid_mapping(frame: pd.DataFrame) -> dict[str, str]:
    """Recognise the canonical fields among a layer's columns.

    The usual headers first (:data:`~analysis.ingest.schema.GRID_FIELDS`); then, when no code column is
    named so, the best id-like column whose values are all present and unique: a name ending in
    "code"/"编码" (which may repeat: a code shared by the parts of one area) before one ending in "id".
    A database's row id (OBJECTID, FID, cartodb_id, id …) is never taken for a code. A ``name``-like
    column gives the name; without one, a community column whose values are all different (a layer of
    community areas) gives it too.
    """
    columns = [str(c) for c in frame.columns if c != "geometry" and c != FOLDER]
    filled = [c for c in columns if (clean_ids(frame[c]) != "").any()]   # an all-empty column names nothing
    mapping = guess_mapping(filled, GRID_FIELDS)
    if "grid_id" not in mapping:
        taken = set(mapping.values())
        candidates = []
        for column in filled:
            if column in taken:
                continue
            values = clean_ids(frame[column])
            if (values == "").any() or not values.is_unique:
                # a code shared by the parts of one area (a multipart zip code) still names areas
                if not _CODE_NAMES.search(column) or (values == "").any():
                    continue
            if column.lower() in _ROW_IDS:      # a database's row number names no area: names or made codes do better
                continue
            rank = 0 if _CODE_NAMES.search(column) else 1 if _ID_NAMES.search(column) else None
            if rank is not None:
                candidates.append((rank, columns.index(column), column))
        if candidates:
            mapping["grid_id"] = min(candidates)[2]
    if "name" not in mapping:
        named = [c for c in filled if c.lower() in ("name", "名称", "名字", "title") and c not in mapping.values()]
        if named:
            mapping["name"] = named[0]
    if "name" not in mapping and "community" in mapping:
        communities = clean_ids(frame[mapping["community"]])
        if (communities != "").all() and communities.is_unique:   # one area per community: its name names it
            mapping["name"] = mapping["community"]
    return mapping


def _to_wgs84(layer: Layer, coord_system: CoordSystem | str | None, report: ProblemReport,
              shown: str) -> np.ndarray:
    frame = layer.frame
    geoms = frame.geometry.to_numpy()
    if coord_system is not None:
        system = parse_coord_system(coord_system)
        if system.kind == "epsg":
            return np.asarray(frame.geometry.set_crs(system.epsg, allow_override=True).to_crs(4326).to_numpy())
        return convert_geometries(geoms, system.label)
    if frame.crs is None or frame.crs.is_geographic:
        # no system, or degrees declared (GeoJSON always is) over numbers that cannot be degrees: metres
        xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
        if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
            report.add(None, "", shown, "crs_missing_metres", detail=f"{xmin:,.0f}, {ymin:,.0f}")
            raise ReadError(report)
    if frame.crs is None:
        report.add(None, "", "", "crs_assumed", "info", detail="WGS-84")
        return np.asarray(geoms, dtype=object)
    if not frame.crs.equals("EPSG:4326"):
        return np.asarray(frame.geometry.to_crs(4326).to_numpy())
    return np.asarray(geoms, dtype=object)


def _polygons(geoms: np.ndarray, report: ProblemReport, shown: str) -> np.ndarray:
    """The polygonal part of each feature (None where there is none); refuses a layer with no polygon."""
    out = np.array([polygonal(g) if g is not None and not g.is_empty and g.is_valid else g for g in geoms],
                   dtype=object)
    kinds = {g.geom_type for g in geoms if g is not None and not g.is_empty}
    if not any(k in ("Polygon", "MultiPolygon", "GeometryCollection") for k in kinds):
        report.add(None, "geometry", shown, "no_polygons", detail=", ".join(sorted(kinds)) or "—")
        raise ReadError(report)
    return out


def _reading_order(geoms: np.ndarray) -> np.ndarray:
    """Positions of polygons west to east within north-to-south bands (the Beijing numbering rule)."""
    points = [g.representative_point() if g is not None and not g.is_empty else None for g in geoms]
    x = np.array([p.x if p is not None else 0.0 for p in points])
    y = np.array([p.y if p is not None else 0.0 for p in points])
    if len(y) == 0:
        return np.zeros(0, dtype=int)
    height = float(y.max() - y.min()) / max(float(np.sqrt(len(y))), 1.0) or 1.0
    return np.lexsort((x, np.floor((y.max() - y) / height)))


def _codes(raw: pd.DataFrame, mapping: dict[str, str], geoms: np.ndarray, report: ProblemReport) -> pd.Series:
    """Each feature's code: the code column, else unique names, else codes made here; empty ones filled."""
    names = clean_ids(raw[mapping["name"]]) if "name" in mapping else pd.Series("", index=raw.index)
    if "grid_id" in mapping:
        codes = clean_ids(raw[mapping["grid_id"]])
    elif (names != "").all() and names.is_unique:
        report.add(None, mapping["name"], "", "id_from_name", "info", detail=mapping["name"])
        return names
    else:
        codes = pd.Series("", index=raw.index)
        report.add(None, "", "", "codes_generated", "info", detail=str(len(codes)))
    missing = np.flatnonzero((codes == "").to_numpy())
    if len(missing) and "grid_id" in mapping:
        for i in missing:
            report.add(int(i) + 1, mapping["grid_id"], "", "id_generated", "warning")
    taken = set(codes)
    serial = 0
    for i in _reading_order(geoms).tolist():
        if codes.iat[i] != "":
            continue
        name = str(names.iat[i])
        if name and name not in taken and (names == name).sum() == 1:
            codes.iat[i] = name
        else:
            serial += 1
            while f"G{serial:04d}" in taken:
                serial += 1
            codes.iat[i] = f"G{serial:04d}"
        taken.add(codes.iat[i])
    return codes


def _merge_parts(grids: gpd.GeoDataFrame, report: ProblemReport) -> gpd.GeoDataFrame:
    """Join the features that share a code into one (multi)polygon, keeping the first one's attributes."""
    counts = grids["grid_id"].value_counts()
    shared = counts[counts > 1]
    if shared.empty:
        return grids
    keep = ~grids["grid_id"].duplicated(keep="first")
    out = grids[keep].copy()
    for code, n in shared.items():
        rows = grids[grids["grid_id"] == code]
        parts = [g for g in rows.geometry if g is not None and not g.is_empty]
        out.loc[out["grid_id"] == code, "geometry"] = shapely.union_all(parts) if parts else None
        names = sorted(set(rows["name"]) - {""})
        feature = int(rows.index[0]) + 1
        report.add(feature, "grid_id", str(code), "parts_merged", "warning",
                   detail=f"{n}" + (f" ({'、'.join(names)})" if len(names) > 1 else ""))
        for column in ("households", "population"):
            out.loc[out["grid_id"] == code, column] = rows[column].sum(min_count=1)
    return out.reset_index(drop=True)


def read_boundaries(source: Source, name: str | None = None, coord_system: CoordSystem | str | None = None,
                    mapping: Mapping[str, str] | None = None, layer: str | None = None,
                    encoding: str | None = None) -> tuple[gpd.GeoDataFrame, ProblemReport]:
    """Read a boundary file into the canonical grids frame (unchecked; see ``grid_checks``).

    The shorter form of :func:`read_boundary_file`: the grids and the report.
    """
    read = read_boundary_file(source, name, coord_system, mapping, layer, encoding)
    return read.grids, read.report


def read_boundary_file(source: Source, name: str | None = None, coord_system: CoordSystem | str | None = None,
                       mapping: Mapping[str, str] | None = None, layer: str | None = None,
                       encoding: str | None = None) -> Boundaries:
    """Read a boundary file into canonical rows (see the module docstring for what is done to it).

    Parameters
    ----------
    source, name
        A path, or the bytes of one file with its name, or several uploaded files (a Shapefile set).
    coord_system : optional
        Overrides what the file declares (e.g. ``gcj02`` for an Amap tracing; ``EPSG:4547`` for metres).
    mapping : mapping, optional
        ``{canonical field: column}``; added to what is recognised (a column named here wins).
    layer, encoding : optional
        The layer of a file with several, the ``.dbf``'s encoding (see :func:`~analysis.ingest.layers.read_vector`).

    Raises
    ------
    ReadError
        The file cannot be read, holds no polygon, is in metres with no system named, or a mapped
        column is not in it.
    """
    report = ProblemReport()
    read = read_vector(source, name, layer, encoding, report)
    shown = name or (str(source) if isinstance(source, str) else read.name)
    raw = pd.DataFrame(read.frame.drop(columns="geometry")).reset_index(drop=True)
    columns = [str(c) for c in raw.columns if c != FOLDER]
    used = guess_grid_mapping(raw)
    for field, column in (mapping or {}).items():
        if field not in MAPPABLE:
            raise KeyError(f"{field} is not a boundary field (fields: {', '.join(MAPPABLE)})")
        if column and column not in raw.columns:
            report.add(None, column, "", "mapped_column_absent", detail=column)
            raise ReadError(report)
        if column:
            used = {f: c for f, c in used.items() if c != column}
            used[field] = column
        else:
            used.pop(field, None)
    geoms = _polygons(_to_wgs84(read, coord_system, report, shown), report, shown)
    grids = pd.DataFrame(index=raw.index)
    grids["grid_id"] = _codes(raw, used, geoms, report)
    for field in ("name", "parent_id", "community"):
        values = raw[used[field]] if field in used else pd.Series("", index=raw.index)
        grids[field] = clean_ids(values) if field == "parent_id" else values.fillna("").astype(str).str.strip()
    if "community" not in used and FOLDER in raw and raw[FOLDER].nunique() > 1:
        grids["community"] = raw[FOLDER].astype(str)
        report.add(None, FOLDER, "", "community_from_folder", "info", detail=str(raw[FOLDER].nunique()))
    grids["name"] = grids["name"].where(grids["name"] != "", grids["grid_id"])
    grids["level"] = _levels(raw, used, report)
    for field in ("households", "population"):
        if field in used:
            numbers, bad = parse_numbers(raw[used[field]])
            for i in np.flatnonzero(bad).tolist():
                value = str(raw[used[field]].iat[i])
                report.add(i + 1, used[field], value, "bad_number", "warning", detail=value)
            grids[field] = numbers
        else:
            grids[field] = np.nan
    frame = gpd.GeoDataFrame(grids, geometry=list(geoms), crs=4326)
    is_street = (frame["level"] == "street").to_numpy()
    street = shapely.union_all(frame.geometry.to_numpy()[is_street]) if is_street.any() else None
    frame = _merge_parts(frame[~is_street].reset_index(drop=True), report)
    return Boundaries(frame[[*GRID_COLUMNS, "geometry"]], street, used, columns, read, report)


def read_street(source: Source, name: str | None = None, coord_system: CoordSystem | str | None = None
                ) -> BaseGeometry:
    """A street outline file as one WGS-84 (multi)polygon: the union of its polygons.

    Raises
    ------
    ReadError
        As :func:`read_boundary_file`.
    """
    report = ProblemReport()
    read = read_vector(source, name, None, None, report)
    shown = name or read.name
    geoms = _polygons(_to_wgs84(read, coord_system, report, shown), report, shown)
    parts = [g for g in geoms if g is not None and not g.is_empty]
    return shapely.union_all([shapely.make_valid(g) for g in parts])


def read_lines(source: Source, name: str | None = None, coord_system: CoordSystem | str | None = None
               ) -> BaseGeometry:
    """A layer of roads, rivers or walls as one WGS-84 (multi)line: its lines, and the outlines of its
    polygons (a wall or a river drawn as an area).

    Raises
    ------
    ReadError
        As :func:`read_boundary_file`, and ``no_lines`` for a file of points only.
    """
    report = ProblemReport()
    read = read_vector(source, name, None, None, report)
    shown = name or read.name
    geoms = [g for g in _to_wgs84(read, coord_system, report, shown) if g is not None and not g.is_empty]
    parts = [p for g in geoms for p in shapely.get_parts(g)]
    lines = [p if p.geom_type in ("LineString", "LinearRing") else p.boundary for p in parts
             if p.geom_type in ("LineString", "LinearRing", "Polygon")]
    if not lines:
        report.add(None, "geometry", shown, "no_lines", detail=", ".join(sorted({g.geom_type for g in parts})) or "—")
        raise ReadError(report)
    return shapely.union_all(lines)


def _levels(raw: pd.DataFrame, used: dict[str, str], report: ProblemReport) -> pd.Series:
    """``community`` / ``grid`` / ``micro`` / ``street`` of each feature (all grids without a level column)."""
    if "level" not in used:
        return pd.Series("grid", index=raw.index)
    words = raw[used["level"]].fillna("").astype(str).str.strip()
    levels = words.map(level_of)
    unknown = levels.isna() & (words != "")
    for word in sorted(set(words[unknown])):
        report.add(None, used["level"], word, "unknown_level", "warning", detail=word)
    return levels.fillna("grid").astype(str)


def boundary_table(grids: gpd.GeoDataFrame) -> pd.DataFrame:
    """The grids without geometry, plus ``area_m2`` (square metres, rounded): for previews."""
    table = pd.DataFrame(grids.drop(columns="geometry"))
    areas = areas_m2(grids.geometry.to_numpy()) if len(grids) else np.zeros(0)
    return table.assign(area_m2=np.round(np.nan_to_num(areas)).astype(int))
