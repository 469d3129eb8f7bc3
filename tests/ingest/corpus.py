"""A corpus of bad and awkward input files, each hand-made with a known answer.

Every case names the importer it goes to, how to write its file(s), the problem codes the report must
hold, whether the import is refused (then the store must be exactly as before) and, for an accepted
file, a check of what was stored (so that nothing changes silently). The store each case meets holds
the four-grid drawing of :mod:`tests.fixtures` and the registers of :func:`seed`.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.geo.crs import wgs84_to_gcj02
from analysis.ingest.layers import Upload
from analysis.ingest.problems import ProblemReport
from analysis.store import Store
from tests.fixtures import at, centre, four_grids, square

HEAD = "事件编号,上报时间,经度,纬度"
X1, Y1 = centre(0, 1)          # inside C1G1
X3, Y3 = centre(0, 0)          # inside C1G3


@dataclass(frozen=True)
class Case:
    """One bad input: where it goes, how it is made, and what must happen."""

    kind: str                                   # incidents, boundaries, buildings, workers, volunteers, services
    make: Callable[[Path], Any]                 # writes the file(s) under a folder; returns a path or uploads
    codes: tuple[str, ...]                      # problem codes the report must hold
    refused: bool = False                       # the import raises ReadError and writes nothing
    options: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    check: Callable[[Store, ProblemReport], None] | None = None


def seed(store: Store, folder: Path) -> None:
    """Registers and two incidents the cases meet: buildings B1-B4 (one per grid), workers, volunteers,
    services; E1 (closed) and E2 (open)."""
    from analysis.ingest.importer import import_incidents, import_register
    points = [centre(0, 1), centre(1, 1), centre(0, 0), centre(1, 0)]
    rows = "\n".join(f"B{i + 1},湘江路{i + 1}号,{x},{y},100" for i, (x, y) in enumerate(points))
    import_register(store, "buildings", text(folder, "b.csv", f"楼栋编号,标准地址,经度,纬度,户数\n{rows}\n"))
    import_register(store, "workers", text(folder, "w.csv", "网格员编号,姓名,网格编号\nW1,张三,C1G1\nW2,李四,C1G2\n"))
    import_register(store, "volunteers", text(folder, "v.csv", f"志愿者编号,姓名,经度,纬度\nV1,王五,{X1},{Y1}\n"))
    import_register(store, "services", text(folder, "s.csv", "志愿者编号,服务日期,服务时长\nV1,2026-03-01,2\n"))
    import_incidents(store, text(folder, "e.csv", f"{HEAD},办结时间\nE1,2026-03-01 08:00,{X1},{Y1},2026-03-02 08:00\n"
                                                  f"E2,2026-03-01 09:00,{X3},{Y3},\n"))


def text(folder: Path, name: str, content: str, encoding: str = "utf-8") -> Path:
    """A text file written in ``encoding``."""
    path = folder / name
    path.write_bytes(content.encode(encoding))
    return path


def raw(name: str, data: bytes) -> Callable[[Path], Path]:
    """A maker for a file of exactly these bytes."""
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path
    return make


def table(name: str, content: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    """A maker for a text table."""
    return lambda folder: text(folder, name, content, encoding)


def workbook(name: str, sheets: dict[str, list[list[object]]]) -> Callable[[Path], Path]:
    """A maker for an .xlsx (rows as given, no header added) or, for a .xls name, an Excel 97 file."""
    def make(folder: Path) -> Path:
        path = folder / name
        if name.endswith(".xls"):
            import xlwt
            book = xlwt.Workbook()
            for sheet, rows in sheets.items():
                ws = book.add_sheet(sheet)
                for r, row in enumerate(rows):
                    for c, value in enumerate(row):
                        ws.write(r, c, value)
            book.save(str(path))
        else:
            with pd.ExcelWriter(path) as writer:
                for sheet, rows in sheets.items():
                    width = max(map(len, rows))
                    pd.DataFrame([[*row, *[None] * (width - len(row))] for row in rows]).to_excel(
                        writer, sheet_name=sheet, index=False, header=False)
        return path
    return make


def layer(name: str, frame: Callable[[], gpd.GeoDataFrame], **kwargs: Any) -> Callable[[Path], Path]:
    """A maker for a vector file written by GDAL (driver from the suffix)."""
    def make(folder: Path) -> Path:
        path = folder / name
        frame().to_file(path, **kwargs)
        return path
    return make


def grids(**columns: list[object]) -> gpd.GeoDataFrame:
    """The four-grid drawing with the given attribute columns instead of the canonical ones."""
    return gpd.GeoDataFrame(columns, geometry=list(four_grids().geometry), crs=4326)


def geojson(name: str, features: list[dict[str, Any]], crs: str | None = None) -> Callable[[Path], Path]:
    """A maker for a hand-written GeoJSON (``crs`` written as the old named-CRS member when given)."""
    import json
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return raw(name, json.dumps(doc, ensure_ascii=False).encode("utf-8"))


def feature(geometry: Any, **properties: object) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(geometry)
            if geometry is not None else None}


def shapefile_set(frame: Callable[[], gpd.GeoDataFrame], encoding: str = "utf-8", drop: tuple[str, ...] = (),
                  zipped: bool = True) -> Callable[[Path], Any]:
    """A Shapefile written in ``encoding`` without the sidecars in ``drop``, zipped or as uploads."""
    def make(folder: Path) -> Any:
        work = folder / "shp"
        work.mkdir()
        frame().to_file(work / "网格.shp", encoding=encoding)
        parts = [p for p in sorted(work.iterdir()) if p.suffix not in drop]
        if not zipped:
            return [Upload(p.name, p.read_bytes()) for p in parts]
        path = folder / "网格.zip"
        with zipfile.ZipFile(path, "w") as z:
            for p in parts:
                z.write(p, p.name)
        return path
    return make


def kml(name: str, folders: dict[str, list[tuple[str, shapely.Polygon]]], kmz: bool = False) -> Callable[[Path], Path]:
    """A maker for a KML (or KMZ) with one folder per community, placemarks named as given."""
    def ring(poly: shapely.Polygon) -> str:
        return " ".join(f"{x},{y},0" for x, y in poly.exterior.coords)
    body = "".join(f"<Folder><name>{f}</name>" + "".join(
        f"<Placemark><name>{n}</name><Polygon><outerBoundaryIs><LinearRing><coordinates>{ring(p)}"
        "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>" for n, p in marks) + "</Folder>"
        for f, marks in folders.items())
    doc = ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
           f"{body}</Document></kml>").encode()
    if not kmz:
        return raw(name, doc)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("doc.kml", doc)
    return raw(name, buffer.getvalue())


# ---------------------------------------------------------------------------------------------- checks

def incident(store: Store, incident_id: str) -> pd.Series:
    found = store.incidents().set_index("incident_id")
    assert incident_id in found.index, f"{incident_id} not stored"
    return found.loc[incident_id]


def placed(incident_id: str, grid: str) -> Callable[[Store, ProblemReport], None]:
    def check(store: Store, report: ProblemReport) -> None:
        assert incident(store, incident_id)["grid_id"] == grid
    return check


def reported_at(incident_id: str, when: str) -> Callable[[Store, ProblemReport], None]:
    def check(store: Store, report: ProblemReport) -> None:
        assert incident(store, incident_id)["reported_at"] == pd.Timestamp(when), incident(store, incident_id)
    return check


def in_review(incident_id: str, reason: str) -> Callable[[Store, ProblemReport], None]:
    def check(store: Store, report: ProblemReport) -> None:
        queue = store.review_queue()
        assert ((queue["incident_id"] == incident_id) & (queue["reason"] == reason)).any(), queue
    return check


def both(*checks: Callable[[Store, ProblemReport], None]) -> Callable[[Store, ProblemReport], None]:
    def check(store: Store, report: ProblemReport) -> None:
        for one in checks:
            one(store, report)
    return check


def current_grids(expected: dict[str, str] | list[str], column: str = "name") -> Callable[[Store, ProblemReport], None]:
    """The current version holds exactly these grid codes (with these names, when a dict)."""
    def check(store: Store, report: ProblemReport) -> None:
        got = store.grids().set_index("grid_id")
        assert sorted(got.index) == sorted(expected), sorted(got.index)
        if isinstance(expected, dict):
            assert got[column].to_dict() == expected
    return check


def register(kind: str, column: str, expected: dict[str, object]) -> Callable[[Store, ProblemReport], None]:
    def check(store: Store, report: ProblemReport) -> None:
        frame = store.register(kind).set_index({"buildings": "building_id", "workers": "worker_id",
                                                   "volunteers": "volunteer_id"}[kind])
        assert frame[column].to_dict() == expected, frame[column].to_dict()
    return check


def incident_count(n: int) -> Callable[[Store, ProblemReport], None]:
    def check(store: Store, report: ProblemReport) -> None:
        assert store.count_incidents() == n
    return check


# ---------------------------------------------------------------------------------------------- cases

P = f"{X3},{Y3}"       # a point in C1G3
GX, GY = wgs84_to_gcj02(X1, Y1)


def _dms(value: float) -> str:
    d = int(value)
    m = int((value - d) * 60)
    s = (value - d - m / 60) * 3600
    return f"{d}°{m}'{s:.4f}\""


def _gpkg(folder: Path) -> Path:
    path = folder / "two.gpkg"
    four_grids().iloc[:1].to_file(path, layer="旧版")
    four_grids().to_file(path, layer="新版")
    return path


def _multipart() -> gpd.GeoDataFrame:
    frame = four_grids()
    frame.loc[3, "grid_id"] = "C1G1"                # two features of one code (corners touching): one grid in two pieces
    return frame


CASES: dict[str, Case] = {
    # ---- any table: encodings, separators, layout
    "empty_file": Case("incidents", raw("e.csv", b""), ("empty_file",), refused=True),
    "blank_file": Case("incidents", raw("e.csv", b"  \r\n\r\n"), ("empty_file",), refused=True),
    "header_only": Case("incidents", table("e.csv", HEAD + "\n"), ("empty_file",), refused=True),
    "binary_as_csv": Case("incidents", raw("e.csv", bytes(range(256)) * 8), ("not_text",), refused=True),
    "pdf": Case("incidents", raw("e.pdf", b"%PDF-1.4"), ("unsupported_format",), refused=True),
    "broken_workbook": Case("incidents", raw("e.xlsx", b"PK\x03\x04 not really"), ("bad_workbook",), refused=True),
    "unclosed_quote": Case("incidents", table("e.csv", f'{HEAD},事发地址\nQ1,2026-03-01 08:00,{P},"湘江路\n'),
                           (), check=placed("Q1", "C1G3")),
    "gbk": Case("incidents", table("e.csv", f"{HEAD},事件大类\nG1,2026-03-01 08:00,{P},市容环境\n", "gbk"),
                ("encoding",), check=lambda s, r: incident(s, "G1")["category"] == "市容环境" or _fail("category")),
    "big5": Case("incidents", table("e.csv", f"事件編號,上報時間,經度,緯度,事件大類\nB5,2026-03-01 08:00,{P},環境衛生\n",
                                  "big5"),
                 ("encoding",), check=lambda s, r: incident(s, "B5")["category"] == "環境衛生" or _fail("category")),
    "utf16": Case("incidents", table("e.csv", f"{HEAD}\nU1,2026-03-01 08:00,{P}\n", "utf-16"), ("encoding",),
                  check=placed("U1", "C1G3")),
    "semicolons": Case("incidents", table("e.csv", f"{HEAD}\nS1,2026-03-01 08:00,{P}\n".replace(",", ";")), (),
                       check=placed("S1", "C1G3")),
    "tabs": Case("incidents", table("e.tsv", f"{HEAD}\nT1,2026-03-01 08:00,{P}\n".replace(",", "\t")), (),
                 check=placed("T1", "C1G3")),
    "title_above_header": Case(
        "incidents", table("e.csv", f"某某街道事件台账（2026年3月）\n\n{HEAD}\nH1,2026-03-01 08:00,{P}\nH2,坏日期,{P}\n"),
        ("header_row", "bad_date"), check=both(placed("H1", "C1G3"), lambda s, r: _row(r, "bad_date", 5))),
    "blank_rows_between": Case("incidents", table("e.csv", f"{HEAD}\nK1,2026-03-01 08:00,{P}\n,,,\n\nK2,坏,{P}\n\n"),
                               ("bad_date",), check=both(placed("K1", "C1G3"), lambda s, r: _row(r, "bad_date", 5))),
    "repeated_headers": Case("incidents", table("e.csv", f"{HEAD},备注,备注,\nR1,2026-03-01 08:00,{P},a,b,\n"), (),
                             check=placed("R1", "C1G3")),
    # ---- incidents: columns
    "no_id_column": Case("incidents", table("e.csv", f"上报时间,经度,纬度\n2026-03-01 08:00,{P}\n"),
                         ("missing_column",), refused=True),
    "no_date_column": Case("incidents", table("e.csv", f"事件编号,经度,纬度\nN1,{P}\n"), ("missing_column",),
                           refused=True),
    "mapped_column_absent": Case("incidents", table("e.csv", f"{HEAD}\nM1,2026-03-01 08:00,{P}\n"),
                                 ("mapped_column_absent",), refused=True, options={"mapping": {"category": "大类"}}),
    "mapping_adds_to_guess": Case("incidents", table("e.csv", f"{HEAD},类型\nM2,2026-03-01 08:00,{P},噪音\n"), (),
                                  options={"mapping": {"category": "类型"}},
                                  check=both(placed("M2", "C1G3"),
                                             lambda s, r: incident(s, "M2")["category"] == "噪音" or _fail("category"))),
    "date_and_time_columns": Case(
        "incidents", table("e.csv", f"事件编号,上报日期,上报时间,经度,纬度\nD1,2026-03-01,14:35,{P}\n"),
        ("date_time_combined",), check=reported_at("D1", "2026-03-01 14:35")),
    # ---- incidents: rows
    "empty_ids": Case("incidents", table("e.csv", f"{HEAD}\n,2026-03-01 08:00,{P}\nI1,2026-03-01 08:00,{P}\n"),
                      ("missing_id",), check=both(placed("I1", "C1G3"), lambda s, r: _row(r, "missing_id", 2))),
    "bad_dates": Case("incidents", table("e.csv", f"{HEAD}\nX1,2026-13-45,{P}\nX2,2026-03-01 08:00,{P}\n"),
                      ("bad_date",), check=both(placed("X2", "C1G3"), in_review("X1", "bad_date"))),
    "missing_dates": Case("incidents", table("e.csv", f"{HEAD}\nY1,,{P}\n"), ("missing_date",),
                          check=in_review("Y1", "missing_date")),
    "year_2099": Case("incidents", table("e.csv", f"{HEAD}\nF1,2099-03-01 08:00,{P}\n"), ("future_date",),
                      check=lambda s, r: _anchor_not_after(s, "2026-12-31")),
    "mixed_offsets": Case(
        "incidents", table("e.csv", f"{HEAD}\nO1,2026-03-01T08:00:00+08:00,{P}\nO2,2026-03-01T00:00:00Z,{P}\n"
                                    f"O3,2026-03-01 08:00,{P}\n"), (),
        check=both(*(reported_at(i, "2026-03-01 08:00") for i in ("O1", "O2", "O3")))),
    "duplicate_ids": Case("incidents", table("e.csv", f"{HEAD},工单号\nD,2026-03-01 08:00,{P},A1\n"
                                                      f"D,2026-03-02 08:00,{P},A2\n"),
                          ("duplicate_id", "duplicate_id_hint"), check=lambda s, r: _hint(r, "工单号")),
    "lookalike_ids": Case("incidents", table("e.csv", f"{HEAD}\nＬ１,2026-03-01 08:00,{P}\nL1\u200b,2026-03-02 08:00,{P}\n"),
                          ("duplicate_id",), check=both(reported_at("L1", "2026-03-02 08:00"), incident_count(3))),
    "lookalike_of_stored": Case("incidents", table("e.csv", f"{HEAD},办结时间\nＥ1 ,2026-03-01 08:00,{X1},{Y1},"
                                                             "2026-03-02 08:00\n"), (), check=incident_count(2)),
    "swapped_coordinates": Case("incidents", table("e.csv", f"{HEAD}\nW1,2026-03-01 08:00,{Y3},{X3}\n"),
                                ("coords_swapped",), check=placed("W1", "C1G3")),
    "zero_coordinates": Case("incidents", table("e.csv", f"{HEAD}\nZ1,2026-03-01 08:00,0,0\n"),
                             ("zero_coordinates",), check=in_review("Z1", "no_location")),
    "out_of_range": Case("incidents", table("e.csv", f"{HEAD}\nR2,2026-03-01 08:00,500,500\n"),
                         ("coord_out_of_range",), check=in_review("R2", "no_location")),
    "half_coordinate": Case("incidents", table("e.csv", f"{HEAD}\nH3,2026-03-01 08:00,{X3},\n"), ("half_coordinate",),
                            check=in_review("H3", "no_location")),
    "words_for_coordinates": Case("incidents", table("e.csv", f"{HEAD}\nW2,2026-03-01 08:00,不详,不详\n"),
                                  ("bad_number",), check=in_review("W2", "no_location")),
    "degrees_minutes_seconds": Case("incidents", table("e.csv", f"{HEAD}\nM3,2026-03-01 08:00,{_dms(X3)},{_dms(Y3)}\n"),
                                    (), check=placed("M3", "C1G3")),
    "outside_every_grid": Case("incidents", table("e.csv", f"{HEAD}\nO4,2026-03-01 08:00,{at(9, 9)[0]},{at(9, 9)[1]}\n"),
                               ("outside",), check=in_review("O4", "outside")),
    "just_outside": Case("incidents", table("e.csv", f"{HEAD}\nJ1,2026-03-01 08:00,{at(2.1, 0.5)[0]},{at(2.1, 0.5)[1]}\n"),
                         ("snapped",), check=placed("J1", "C1G4")),
    "unknown_coordinate_system": Case("incidents", table("e.csv", f"{HEAD},坐标系\nC2,2026-03-01 08:00,{P},火星\n"),
                                      ("bad_coord_system",), check=in_review("C2", "no_location")),
    "gcj02_rows": Case("incidents", table("e.csv", f"{HEAD},坐标系\nC3,2026-03-01 08:00,{GX},{GY},GCJ-02\n"), (),
                       check=placed("C3", "C1G1")),
    "closed_before_reported": Case("incidents", table("e.csv", f"{HEAD},办结时间\nC4,2026-03-05 08:00,{P},2026-03-01\n"),
                                   ("closed_before_reported",), check=placed("C4", "C1G3")),
    "no_location_at_all": Case("incidents", table("e.csv", f"{HEAD}\nN2,2026-03-01 08:00,,\n"), ("no_location",),
                               check=in_review("N2", "no_location")),
    "address_not_found": Case("incidents", table("e.csv", "事件编号,上报时间,事发地址\nA2,2026-03-01 08:00,火星路999号\n"),
                              ("address_unmatched",), check=in_review("A2", "address_unmatched")),
    "address_found": Case("incidents", table("e.csv", "事件编号,上报时间,事发地址\nA3,2026-03-01 08:00,湘江路3号\n"), (),
                          check=placed("A3", "C1G3")),
    "formula_text": Case("incidents", table("e.csv", f'{HEAD},事发地址\nF2,2026-03-01 08:00,{P},"=HYPERLINK(""x"")"\n'), (),
                         check=lambda s, r: incident(s, "F2")["address"] == '=HYPERLINK("x")' or _fail("address")),
    "older_export": Case("incidents", table("e.csv", f"{HEAD}\nE1,2026-03-01 08:00,{X1},{Y1}\n"),
                         ("older_state_kept",), check=lambda s, r: pd.notna(incident(s, "E1")["closed_at"]) or _fail("E1")),
    "older_export_allowed": Case("incidents", table("e.csv", f"{HEAD}\nE1,2026-03-01 08:00,{X1},{Y1}\n"),
                                 ("older_state_overwritten",), options={"overwrite_older": True},
                                 check=lambda s, r: pd.isna(incident(s, "E1")["closed_at"]) or _fail("E1")),
    # ---- incidents: workbooks
    "cover_sheet_first": Case("incidents", workbook("e.xlsx", {"封面": [["说明：本表为三月台账"]],
                                                               "明细": [HEAD.split(","), ["W3", "2026-03-01 08:00", X3, Y3]]}),
                              ("sheet_chosen",), check=placed("W3", "C1G3")),
    "chosen_sheet": Case("incidents", workbook("e.xlsx", {"一月": [HEAD.split(","), ["J2", "2026-01-01 08:00", X3, Y3]],
                                                          "二月": [HEAD.split(","), ["J3", "2026-02-01 08:00", X1, Y1],
                                                                   ["J4", "2026-02-01 09:00", X1, Y1]]}),
                         (), options={"sheet": "一月"}, check=both(placed("J2", "C1G3"), incident_count(3))),
    "unknown_sheet": Case("incidents", workbook("e.xlsx", {"明细": [HEAD.split(","), ["U2", "2026-03-01", X3, Y3]]}),
                          ("unknown_sheet",), refused=True, options={"sheet": "三月"}),
    "title_in_workbook": Case("incidents", workbook("e.xlsx", {"台账": [["某某街道事件台账"], HEAD.split(","),
                                                                       ["T2", "2026-03-01 08:00", X3, Y3]]}),
                              ("header_row",), check=placed("T2", "C1G3")),
    "excel_97": Case("incidents", workbook("e.xls", {"Sheet1": [HEAD.split(","), ["X9", "2026-03-01 08:00", X3, Y3]]}),
                     (), check=placed("X9", "C1G3")),
    # ---- boundaries: files
    "layer_empty_file": Case("boundaries", raw("g.geojson", b""), ("empty_file",), refused=True),
    "layer_not_json": Case("boundaries", raw("g.geojson", b"{not json"), ("unreadable_file",), refused=True),
    "layer_lone_shp": Case("boundaries", raw("g.shp", b"xx"), ("shapefile_incomplete",), refused=True),
    "layer_text_file": Case("boundaries", raw("g.txt", b"xx"), ("unsupported_format",), refused=True),
    "layer_broken_zip": Case("boundaries", raw("g.zip", b"PK\x03\x04broken"), ("unreadable_file",), refused=True),
    "layer_points_only": Case("boundaries", geojson("g.geojson", [feature(shapely.Point(at(0.5, 0.5)), code="P1")]),
                              ("no_polygons",), refused=True),
    "layer_no_features": Case("boundaries", geojson("g.geojson", []), ("no_features",), refused=True),
    "layer_metres_no_crs": Case("boundaries", geojson("g.geojson", [feature(shapely.box(500000, 3100000, 500500, 3100500),
                                                                            code="M1")]),
                                ("crs_missing_metres",), refused=True),
    "layer_metres_named": Case("boundaries", layer("g.geojson", lambda: four_grids().to_crs(4547)), (),
                               check=current_grids(["C1G1", "C1G2", "C1G3", "C1G4"])),
    "layer_only_communities": Case("boundaries", layer("g.geojson", lambda: four_grids().assign(level="社区")),
                                   ("no_usable_grids",), refused=True),
    "layer_mapped_absent": Case("boundaries", layer("g.geojson", four_grids), ("mapped_column_absent",), refused=True,
                                options={"mapping": {"grid_id": "编码"}}),
    "layer_unknown_gpkg_layer": Case("boundaries", _gpkg, ("unknown_layer",), refused=True, options={"layer": "第三版"}),
    "layer_gpkg_first_polygon_layer": Case("boundaries", _gpkg, ("layer_chosen",),
                                           check=current_grids(["C1G1"])),
    "layer_gpkg_chosen": Case("boundaries", _gpkg, (), options={"layer": "新版"},
                              check=current_grids(["C1G1", "C1G2", "C1G3", "C1G4"])),
    # ---- boundaries: Shapefiles
    "shp_zip_without_shx": Case("boundaries", shapefile_set(four_grids, drop=(".shx",)), ("shx_rebuilt",),
                                check=current_grids(["C1G1", "C1G2", "C1G3", "C1G4"])),
    "shp_zip_without_dbf": Case("boundaries", shapefile_set(four_grids, drop=(".dbf",)), ("shapefile_incomplete",),
                                refused=True),
    "shp_files_uploaded_together": Case("boundaries", shapefile_set(four_grids, zipped=False), (),
                                        check=current_grids({"C1G1": "一", "C1G2": "二", "C1G3": "三", "C1G4": "四"})),
    "shp_gbk_without_cpg": Case(
        "boundaries", shapefile_set(lambda: grids(网格编码=["A", "B", "C", "D"], 网格名称=["东区", "西区", "南区", "北区"]),
                                    encoding="gbk", drop=(".cpg",)),
        ("dbf_encoding",), check=current_grids({"A": "东区", "B": "西区", "C": "南区", "D": "北区"})),
    "shp_big5_without_cpg": Case(
        "boundaries", shapefile_set(lambda: grids(網格編碼=["A", "B", "C", "D"], 網格名稱=["東區", "西區", "南區", "北區"]),
                                    encoding="big5", drop=(".cpg",)),
        ("dbf_encoding",), check=current_grids({"A": "東區", "B": "西區", "C": "南區", "D": "北區"})),
    "shp_without_prj": Case("boundaries", shapefile_set(four_grids, drop=(".prj",)), ("crs_assumed",),
                            check=current_grids(["C1G1", "C1G2", "C1G3", "C1G4"])),
    # ---- boundaries: KML
    "kml_folders": Case("boundaries", kml("g.kml", {"甲社区": [("一", square(0, 1)), ("二", square(1, 1))],
                                                    "乙社区": [("三", square(0, 0)), ("四", square(1, 0))]}),
                        ("kml_folders", "community_from_folder"),
                        check=current_grids({"一": "甲社区", "二": "甲社区", "三": "乙社区", "四": "乙社区"}, "community")),
    "kmz": Case("boundaries", kml("g.kmz", {"网格": [("一", square(0, 1)), ("二", square(1, 1))]}, kmz=True), (),
                check=current_grids(["一", "二"])),
    # ---- boundaries: attributes
    "layer_codes_empty": Case("boundaries", layer("g.geojson", lambda: grids(grid_id=[""] * 4, name=["一", "二", "三", "四"])),
                              ("id_from_name",), check=current_grids(["一", "二", "三", "四"])),
    "layer_some_codes_empty": Case("boundaries", layer("g.geojson", lambda: grids(grid_id=["G1", "", "G3", "G4"])),
                                   ("id_generated",), check=lambda s, r: _count_grids(s, 4)),
    "layer_no_code_duplicate_names": Case("boundaries", layer("g.geojson", lambda: grids(name=["一", "一", "二", "二"])),
                                          ("codes_generated",), check=lambda s, r: _count_grids(s, 4)),
    "layer_row_ids_are_not_codes": Case("boundaries", layer("g.geojson", lambda: grids(OBJECTID=[1, 2, 3, 4],
                                                                                      网格名称=["东", "西", "南", "北"])),
                                        ("id_from_name",), check=current_grids(["东", "西", "南", "北"])),
    "layer_of_community_areas": Case(   # a city's community areas as a .dbf cuts their names (area_numbe)
        "boundaries", shapefile_set(lambda: grids(comarea_id=[0, 0, 0, 0], area_numbe=["1", "2", "3", "4"],
                                                  community=["ROGERS PARK", "WEST RIDGE", "UPTOWN", "EDGEWATER"])),
        (), check=current_grids({"1": "ROGERS PARK", "2": "WEST RIDGE", "3": "UPTOWN", "4": "EDGEWATER"})),
    "layer_one_grid_in_pieces": Case("boundaries", layer("g.geojson", _multipart), ("parts_merged",),
                                     check=lambda s, r: _pieces(s, "C1G1", 2)),
    "layer_level_words": Case("boundaries", layer("g.geojson", lambda: pd.concat([
        four_grids().assign(层级="网格", grid_id=["C1G1", "C1G2", "C1G3", "C1G4"]).drop(columns="level"),
        gpd.GeoDataFrame({"grid_id": ["C1"], "name": ["甲社区"], "层级": ["社区"]},
                         geometry=[shapely.box(*at(0, 0), *at(2, 2))], crs=4326)])), (),
        check=lambda s, r: _levels(s, {"grid": 4, "community": 1})),
    "layer_level_words_english": Case("boundaries", layer("g.geojson", lambda: four_grids().assign(
        level=["Grid", "grid", "Micro-grid", "GRID"])), (), check=lambda s, r: _levels(s, {"grid": 3, "micro": 1})),
    "layer_unknown_level_word": Case("boundaries", layer("g.geojson", lambda: four_grids().assign(
        level=["网格", "网格", "网格", "片区"])), ("unknown_level",), check=lambda s, r: _count_grids(s, 4)),
    "layer_numbers_with_units": Case("boundaries", layer("g.geojson", lambda: four_grids().assign(
        households=["约300户", "1,200", "不详", "80"])), ("bad_number",),
        check=lambda s, r: _households(s, {"C1G1": 300, "C1G2": 1200, "C1G4": 80})),
    "layer_degenerate_ring": Case("boundaries", geojson("g.geojson", [
        feature(square(0, 0), code="OK1"), feature(square(1, 0), code="OK2"),
        {"type": "Feature", "properties": {"code": "BAD"},
         "geometry": {"type": "Polygon", "coordinates": [[list(at(0, 1)), list(at(1, 1)), list(at(0, 1))]]}}]),
        ("invalid_polygon",), check=current_grids(["OK1", "OK2"])),
    "layer_bow_tie": Case("boundaries", geojson("g.geojson", [
        feature(square(0, 0), code="OK1"),
        feature(shapely.Polygon([at(0, 1), at(1, 2), at(1, 1), at(0, 2)]), code="TIE")]),
        ("invalid_polygon",), check=current_grids(["OK1", "TIE"])),
    "layer_null_geometry": Case("boundaries", geojson("g.geojson", [feature(square(0, 0), code="OK1"),
                                                                    feature(None, code="NONE")]),
                                ("empty_geometry",), check=current_grids(["OK1"])),
    "layer_overlap": Case("boundaries", geojson("g.geojson", [feature(square(0, 0), code="A"),
                                                              feature(square(0.5, 0), code="B")]),
                          ("overlap",), check=current_grids(["A", "B"])),
    "layer_code_rules": Case("boundaries", layer("g.geojson", four_grids), ("code_not_digits", "street_prefix"),
                             settings={"code_lengths": {"grid": 15}, "street_code": "430102"},
                             check=lambda s, r: _count_grids(s, 4)),
    "layer_street_feature": Case("boundaries", layer("g.geojson", lambda: pd.concat([
        four_grids(), gpd.GeoDataFrame({"grid_id": ["S"], "name": ["某街道"], "level": ["街道"]},
                                       geometry=[shapely.box(*at(0, 0), *at(3, 2))], crs=4326)])), ("gap",),
        check=lambda s, r: _count_grids(s, 4)),
    # ---- registers
    "buildings_all_coordinates_bad": Case("buildings", table("b.csv", "楼栋编号,标准地址,经度,纬度\nN1,某路1号,不详,不详\n"),
                                          ("register_all_rejected",), refused=True),
    "buildings_no_address_column": Case("buildings", table("b.csv", f"楼栋编号,经度,纬度\nN2,{P}\n"), ("missing_column",),
                                        refused=True),
    "buildings_empty_file": Case("buildings", raw("b.csv", b""), ("empty_file",), refused=True),
    "buildings_duplicate_ids": Case("buildings", table("b.csv", f"楼栋编号,标准地址,经度,纬度\nB9,甲路1号,{P}\n"
                                                              f"B9,甲路2号,{P}\n"),
                                    ("duplicate_register_id",), check=register("buildings", "address", {"B9": "甲路2号"})),
    "buildings_units_in_numbers": Case("buildings", table("b.csv", f"楼栋编号,标准地址,经度,纬度,户数,人口\n"
                                                                 f"U1,甲路1号,{P},12户,约30\nU2,甲路2号,{P},\"1,200\",30人\n"),
                                       (), check=register("buildings", "households", {"U1": 12, "U2": 1200})),
    "buildings_lookalike_ids": Case("buildings", table("b.csv", f"楼栋编号,标准地址,经度,纬度\nＢ１,甲路1号,{P}\n"
                                                              f"B1\u200b,甲路2号,{P}\n"),
                                    ("duplicate_register_id",), check=register("buildings", "address", {"B1": "甲路2号"})),
    "buildings_empty_ids": Case("buildings", table("b.csv", f"楼栋编号,标准地址,经度,纬度\n,甲路1号,{P}\nE7,甲路2号,{P}\n"),
                                ("missing_register_id",), check=register("buildings", "address", {"E7": "甲路2号"})),
    "workers_duplicate_ids": Case("workers", table("w.csv", "网格员编号,姓名\nW1,张三\nW1,张三丰\n"),
                                  ("duplicate_register_id",), check=register("workers", "name", {"W1": "张三丰"})),
    "workers_no_id_column": Case("workers", table("w.csv", "姓名\n张三\n"), ("missing_column",), refused=True),
    "volunteers_yes_no_words": Case(
        "volunteers", table("v.csv", "志愿者编号,姓名,是否在岗\nA,甲,是\nB,乙,√\nC,丙,活跃\nD,丁,在职\nE,戊,否\nF,己,×\nG,庚,离职\n"
                                     "H,辛,也许\n"),
        ("unknown_flag",), check=register("volunteers", "active", {"A": True, "B": True, "C": True, "D": True,
                                                                 "E": False, "F": False, "G": False, "H": False})),
    "volunteers_without_location": Case("volunteers", table("v.csv", "志愿者编号,姓名,经度,纬度\nV7,某,,\n"), (),
                                        check=register("volunteers", "name", {"V7": "某"})),
    "services_units_in_hours": Case("services", table("s.csv", "志愿者编号,服务日期,服务时长\nV1,2026-03-01,2小时\n"
                                                               "V1,2026-03-02,1.5h\nV1,2026-03-03,很久\n"),
                                    ("bad_number",), check=lambda s, r: _hours(s, [2.0, 1.5, 0.0])),
    "services_bad_dates": Case("services", table("s.csv", "志愿者编号,服务日期,服务时长\nV1,去年,2\nV1,2026-03-02,1\n"),
                               ("bad_date",), check=lambda s, r: _hours(s, [1.0])),
    "services_all_bad": Case("services", table("s.csv", "志愿者编号,服务日期,服务时长\nV1,去年,2\n"),
                             ("register_all_rejected",), refused=True),
}


# ---------------------------------------------------------------------------------------------- check helpers

def _fail(what: str) -> None:
    raise AssertionError(f"{what} was not stored as the file says")


def _row(report: ProblemReport, code: str, row: int) -> None:
    assert row in {p.row for p in report.problems if p.code == code}, report.to_frame("en")




def _anchor_not_after(store: Store, day: str) -> None:
    from analysis.metrics import load_dataset
    ds = load_dataset(store)
    assert ds.anchor is not None and ds.anchor <= pd.Timestamp(day)


def _hint(report: ProblemReport, column: str) -> None:
    assert column in {p.detail for p in report.problems if p.code == "duplicate_id_hint"}, report.to_frame("en")


def _count_grids(store: Store, n: int) -> None:
    got = store.grids()
    assert (got["level"] != "community").sum() == n, got.drop(columns="geometry")


def _pieces(store: Store, code: str, n: int) -> None:
    got = store.grids().set_index("grid_id")
    assert len(shapely.get_parts(got.loc[code, "geometry"])) == n and len(got) == 3


def _levels(store: Store, counts: dict[str, int]) -> None:
    assert store.grids()["level"].value_counts().to_dict() == counts


def _households(store: Store, expected: dict[str, float]) -> None:
    got = store.grids().set_index("grid_id")["households"]
    assert got.dropna().to_dict() == expected and np.isnan(got["C1G3"]), got


def _hours(store: Store, hours: list[float]) -> None:
    assert sorted(store.register("services")["hours"].tolist(), reverse=True) == sorted(hours, reverse=True)
