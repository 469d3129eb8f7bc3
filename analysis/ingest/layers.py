"""Reading vector files as a street office hands them over: GeoJSON, GeoPackage (several layers),
Shapefile (a ``.shp`` with its sidecar files, or a ``.zip`` of them), KML (one folder per community)
and KMZ.

What goes wrong with such files, and what happens here:

* a ``.shp`` uploaded alone, or zipped without its ``.dbf``: refused with a message that names the
  missing files; without its ``.shx`` index: the index is rebuilt (GDAL's ``SHAPE_RESTORE_SHX``) and
  a note says so;
* a ``.dbf`` written in GBK without a ``.cpg`` (what surveying bureaus hand out): its encoding is
  detected from the bytes (UTF-8 when they decode strictly, else GB18030 or Big5), or taken from the
  user, and reported;
* a KML with one folder per community, or a GeoPackage with several layers: every KML folder is read
  and its name kept in :data:`FOLDER` (offered as the community); of several GeoPackage layers the
  chosen one is read (the first polygon layer by default, with a note listing the others).
"""
from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from analysis.ingest.encodings import chinese_encoding
from analysis.ingest.problems import ProblemReport, ReadError

LAYER_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".kml", ".kmz")
SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".qpj", ".sbn", ".sbx")
FOLDER = "_folder"          # the KML folder (or layer) a feature came from
ENCODINGS = ("utf-8", "gb18030", "big5", "latin-1")

# a Shapefile whose .shx index is missing is read all the same: GDAL rebuilds the index (a note says so)
pyogrio.set_gdal_config_options({"SHAPE_RESTORE_SHX": "YES"})


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name (with suffix) and bytes."""

    name: str
    data: bytes


Source = str | Path | bytes | Sequence[Upload]
"""A vector file: a path, the bytes of one file (give its name), or several uploaded files (a
``.shp`` with its ``.dbf``, ``.shx``, ``.prj``, ``.cpg``)."""


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a file: its name, what it holds, and its attribute columns."""

    name: str
    geometry_type: str
    features: int
    fields: tuple[str, ...]


@dataclass
class Layer:
    """A layer as read: the features (geometry in the file's CRS, which ``crs`` names or None), the
    encoding its text was read with, and what a person should know about the reading."""

    frame: gpd.GeoDataFrame
    name: str
    encoding: str
    layers: tuple[LayerInfo, ...]


def _fail(report: ProblemReport, code: str, detail: str, name: str = "") -> ReadError:
    report.add(None, "", name, code, detail=detail)
    return ReadError(report)


@contextmanager
def opened(source: Source, name: str | None, report: ProblemReport) -> Iterator[tuple[Path, str]]:
    """The file to hand to GDAL and the name to show for it.

    Uploads are written to a scratch folder; so are a Shapefile's set and a ``.zip``'s members (a
    ``.zip`` is unpacked), so that a missing ``.shx`` can be rebuilt beside them without writing into
    the user's folder.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise _fail(report, "unreadable_file", f"{path.name}: no such file", path.name)
        if path.suffix.lower() not in (".shp", ".zip"):
            yield path, name or path.name
            return
        uploads = [Upload(p.name, p.read_bytes()) for p in path.parent.glob(path.stem + ".*")
                   if p.suffix.lower() in (path.suffix.lower(), *SIDECARS)]
    elif isinstance(source, (bytes, bytearray)):
        uploads = [Upload(name or "upload", bytes(source))]
    else:
        uploads = list(source)
    if not uploads:
        raise _fail(report, "empty_file", "", name or "")
    with tempfile.TemporaryDirectory(prefix="gridlens-layer-") as folder:
        paths = []
        for upload in uploads:
            target = Path(folder) / Path(upload.name).name
            target.write_bytes(upload.data)
            paths.append(target)
        main = _main_file(paths, report)
        shown = name or main.name
        if main.suffix.lower() == ".zip":
            main = _unzip(main, Path(folder) / "unzipped", report)
        yield main, shown


def _unzip(path: Path, into: Path, report: ProblemReport) -> Path:
    """Unpack a ``.zip`` and return its one layer file (a ``.shp`` needs its ``.dbf`` beside it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if not n.endswith("/") and "__MACOSX" not in n]
            for member in members:
                target = into / Path(member).name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(member))
    except (zipfile.BadZipFile, OSError) as err:
        raise _fail(report, "unreadable_file", f"not a zip archive ({err})", path.name) from err
    layers = [into / Path(m).name for m in members if Path(m).suffix.lower() in LAYER_SUFFIXES and
              Path(m).suffix.lower() != ".zip"]
    if len(layers) != 1:
        raise _fail(report, "unsupported_format" if not layers else "several_layers_uploaded",
                    ", ".join(Path(m).name for m in members) or "(empty)", path.name)
    return layers[0]


def _main_file(paths: list[Path], report: ProblemReport) -> Path:
    """The file that holds the layer among several uploaded ones (the ``.shp`` of a set)."""
    mains = [p for p in paths if p.suffix.lower() in LAYER_SUFFIXES]
    if len(mains) != 1:
        names = ", ".join(p.name for p in paths)
        raise _fail(report, "unsupported_format" if not mains else "several_layers_uploaded", names, names)
    return mains[0]


def _check_shapefile_set(path: Path, report: ProblemReport) -> None:
    """A ``.shp`` needs its ``.dbf`` (attributes) beside it; a missing ``.shx`` is rebuilt (noted)."""
    present = {p.suffix.lower() for p in path.parent.glob(path.stem + ".*")}
    if ".dbf" not in present:
        raise _fail(report, "shapefile_incomplete", f"{path.stem}.dbf", path.name)
    if ".shx" not in present:
        report.add(None, "", path.name, "shx_rebuilt", "info", detail=f"{path.stem}.shx")


def _dbf_bytes(gdal_path: str) -> bytes:
    """The text bytes of a Shapefile's ``.dbf`` (empty when there is none or it has a ``.cpg``)."""
    shp = Path(gdal_path)
    siblings = {p.suffix.lower(): p for p in shp.parent.glob(shp.stem + ".*")}
    if ".cpg" in siblings or ".dbf" not in siblings:
        return b""
    return siblings[".dbf"].read_bytes()


def detect_dbf_encoding(data: bytes) -> str:
    """The encoding of a ``.dbf``'s text (field names and values), from its bytes.

    The header's first 32 bytes (binary counts and dates) are skipped. Text that reads as UTF-8 is
    UTF-8; else GB18030 (GBK's superset) or Big5, told apart by
    :func:`~analysis.ingest.encodings.chinese_encoding`; ``latin-1`` when neither reads any Chinese.
    """
    body = data[32:]
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return chinese_encoding(body) or "latin-1"


def _layer_infos(gdal_path: str) -> tuple[LayerInfo, ...]:
    infos = []
    for layer_name, geometry_type in pyogrio.list_layers(gdal_path):
        info = pyogrio.read_info(gdal_path, layer=str(layer_name))
        infos.append(LayerInfo(str(layer_name), str(geometry_type or info.get("geometry_type") or ""),
                               int(info.get("features") or 0), tuple(str(f) for f in info["fields"])))
    return tuple(infos)


def _is_polygonal(info: LayerInfo) -> bool:
    return "polygon" in info.geometry_type.lower() or info.geometry_type in ("", "Unknown")


def read_vector(source: Source, name: str | None = None, layer: str | None = None,
                encoding: str | None = None, report: ProblemReport | None = None) -> Layer:
    """Read one layer of a vector file as it is (attributes as read, geometry in the file's CRS).

    Parameters
    ----------
    source : path, bytes or uploads
        See :data:`Source`.
    name : str, optional
        The file's name when ``source`` is the bytes of one file.
    layer : str, optional
        The layer to read of a file that has several (GeoPackage); by default the first polygon layer.
        A KML's folders are read together whatever ``layer`` says, each feature keeping its folder in
        :data:`FOLDER`.
    encoding : str, optional
        The text encoding of a Shapefile's ``.dbf``; by default the ``.cpg`` or, without one, detected.

    Raises
    ------
    ReadError
        An unsupported, incomplete, empty or unreadable file, or a layer that does not exist.
    """
    report = ProblemReport() if report is None else report
    with opened(source, name, report) as (path, shown):
        suffix = path.suffix.lower()
        if suffix not in LAYER_SUFFIXES:
            raise _fail(report, "unsupported_format", suffix or shown, shown)
        if path.stat().st_size == 0:
            raise _fail(report, "empty_file", "", shown)
        if suffix == ".shp":
            _check_shapefile_set(path, report)
            gdal_path = str(path)
        elif suffix == ".kmz":
            gdal_path = f"/vsizip/{path}/{_kml_inside(path, shown, report)}"
        else:
            gdal_path = str(path)
        try:
            return _read_layers(gdal_path, shown, suffix, layer, encoding, report)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
                pyogrio.errors.FieldError, pyogrio.errors.GeometryError, ValueError, RuntimeError) as err:
            detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise _fail(report, "unreadable_file", detail.replace(str(path.parent), "…"), shown) from err


def _kml_inside(path: Path, shown: str, report: ProblemReport) -> str:
    """The KML document inside a KMZ (``doc.kml`` by convention, else the first ``.kml``)."""
    try:
        with zipfile.ZipFile(path) as z:
            inside = [n for n in z.namelist() if n.lower().endswith(".kml")]
    except zipfile.BadZipFile as err:
        raise _fail(report, "unreadable_file", str(err), shown) from err
    if not inside:
        raise _fail(report, "unreadable_file", "no .kml inside the .kmz", shown)
    return "doc.kml" if "doc.kml" in inside else inside[0]


def _read_layers(gdal_path: str, shown: str, suffix: str, layer: str | None, encoding: str | None,
                 report: ProblemReport) -> Layer:
    infos = _layer_infos(gdal_path)
    if not infos:
        raise _fail(report, "no_features", "", shown)
    is_kml = suffix in (".kml", ".kmz") or gdal_path.lower().endswith((".kml", ".kmz"))
    chosen_encoding = encoding or ""
    if gdal_path.lower().endswith(".shp") and not encoding:
        dbf = _dbf_bytes(gdal_path)
        if dbf:
            chosen_encoding = detect_dbf_encoding(dbf)
            if chosen_encoding != "utf-8":
                report.add(None, "", shown, "dbf_encoding", "info", detail=chosen_encoding.upper())
    if is_kml:
        names = [i.name for i in infos if i.features > 0]
        frames = [_read_one(gdal_path, n, chosen_encoding).assign(**{FOLDER: n}) for n in names]
        frames = [f for f in frames if len(f)]
        if not frames:
            raise _fail(report, "no_features", "", shown)
        if len(frames) > 1:
            report.add(None, "", shown, "kml_folders", "info", detail=", ".join(names))
        frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)
        return Layer(frame, ", ".join(names), chosen_encoding or "utf-8", infos)
    if layer is not None and layer not in {i.name for i in infos}:
        raise _fail(report, "unknown_layer", f"{layer} ({', '.join(i.name for i in infos)})", shown)
    polygonal = [i for i in infos if _is_polygonal(i)]
    pick = layer or (polygonal[0].name if polygonal else infos[0].name)
    if layer is None and len(infos) > 1:
        report.add(None, "", shown, "layer_chosen", "info",
                   detail=f"{pick} ({', '.join(i.name for i in infos)})")
    frame = _read_one(gdal_path, pick, chosen_encoding)
    if frame.empty:
        raise _fail(report, "no_features", "", shown)
    return Layer(frame, pick, chosen_encoding or "utf-8", infos)


def _read_one(gdal_path: str, layer: str, encoding: str) -> gpd.GeoDataFrame:
    frame: gpd.GeoDataFrame = pyogrio.read_dataframe(gdal_path, layer=layer, encoding=encoding or None)
    return frame
