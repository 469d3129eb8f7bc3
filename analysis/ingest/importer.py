"""Imports into the store: read -> validate -> geocode -> write, each as one transaction.

A failed import raises and leaves the store exactly as it was (the write is a single
transaction, and nothing is written before every check has run). Each import returns an
:class:`ImportResult` with the batch id, the counts and the problem report.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.geo.crs import parse_coord_system
from analysis.geo.point_in_polygon import GridIndex
from analysis.ingest.address import Gazetteer
from analysis.ingest.boundaries import read_boundary_file, read_street
from analysis.ingest.dates import parse_datetimes
from analysis.ingest.geocode import Geocoded, geocode_incidents, grid_index
from analysis.ingest.grid_checks import check_grids
from analysis.ingest.incidents import (
    IncidentRead,
    check_mapping,
    coordinates_to_wgs84,
    id_like_first,
    normalise_incidents,
)
from analysis.ingest.layers import Source, Upload
from analysis.ingest.problems import Problem, ProblemReport, ReadError, merged_notes
from analysis.ingest.schema import (
    BUILDING_FIELDS,
    BUILDING_REQUIRED,
    INCIDENT_FIELDS,
    PEOPLE_FIELDS,
    guess_mapping,
    merged_mapping,
)
from analysis.ingest.tables import PART_BYTES, TableParts, file_rows, read_table, table_parts
from analysis.ingest.values import clean_ids, parse_flags, parse_numbers
from analysis.metrics.lifecycle import lifecycle_columns
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


def _fingerprint(source: Source, name: str | None) -> tuple[str, str]:
    """The SHA-256 of a file (or of a set of uploaded files, in name order) and the name to record."""
    if isinstance(source, (str, Path, bytes, bytearray)):
        data, shown = _load(source, name)
        return hashlib.sha256(data).hexdigest(), shown
    files: list[Upload] = sorted(source, key=lambda u: u.name)
    digest = hashlib.sha256()
    for upload in files:
        digest.update(upload.name.encode("utf-8") + b"\0" + upload.data)
    return digest.hexdigest(), name or " + ".join(u.name for u in files)


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
                     tolerance_m: float | None = None, progress: Progress = _noop,
                     sheet: str | None = None, overwrite_older: bool = False,
                     part_bytes: int = PART_BYTES) -> ImportResult:
    """Import an incident export: read, normalise, geocode onto the current grids, upsert.

    ``mapping`` adds to the recognised columns (a field given as "" is left unmapped); ``tolerance_m``
    defaults to the ``snap_tolerance_m`` setting; ``sheet`` chooses the sheet of a workbook. A row that would
    reopen a case the store has closed (an older export) is reported and skipped, unless ``overwrite_older``.

    The file is read, normalised and placed ``part_bytes`` bytes at a time (see
    :func:`~analysis.ingest.tables.table_parts`), each part written as it is placed, so that memory does not
    grow with the file. The whole import is still one transaction. A duplicate id is decided over the whole
    file (its last usable row is kept): when an id comes again in a later part, the write is rolled back, one
    pass over the file finds each id's last usable row, and the import runs again with them.

    Raises
    ------
    ReadError
        The file cannot be read or lacks a required column; nothing is written.
    LookupError
        No boundary version is stored yet (import boundaries first).
    """
    progress(0.02, "read")
    parts = table_parts(source, name, sheet=sheet, part_bytes=part_bytes)
    name = name or (Path(source).name if isinstance(source, (str, Path)) else "upload")
    mapping = merged_mapping(guess_mapping(parts.columns, INCIDENT_FIELDS), mapping)
    settings = load_settings()
    check_mapping(parts.columns, mapping)
    grids = store.grids()
    if grids.empty:
        raise LookupError("no grid boundaries in the store: import boundaries first")
    tolerance_m = settings["snap_tolerance_m"] if tolerance_m is None else tolerance_m
    gazetteer, buildings = gazetteer_for(store, settings)
    place = _Placing(parts, mapping, coord_system, settings, grid_index(grids), gazetteer, buildings, store.fixes(),
                     tolerance_m, progress)
    try:
        return place.write(store, name, overwrite_older)
    except _LaterDuplicate:
        progress(0.05, "read")
        return place.again(_last_rows(parts, mapping, coord_system, settings["timezone"])).write(
            store, name, overwrite_older)


class _LaterDuplicate(Exception):
    """An id of an earlier part came again in a later one (see :func:`import_incidents`)."""


class _SeenIds:
    """The ids of the parts placed so far, as sorted 64-bit hashes (8 bytes an id)."""

    def __init__(self) -> None:
        self.hashes = np.empty(0, dtype=np.uint64)

    def add_new(self, ids: pd.Series) -> bool:
        """Add ``ids``; False when one of them (or a hash collision, which costs one more pass) was seen."""
        new = np.unique(pd.util.hash_pandas_object(ids, index=False).to_numpy())
        at = np.searchsorted(self.hashes, new)
        if (self.hashes[np.minimum(at, len(self.hashes) - 1)] == new).any() if len(self.hashes) else False:
            return False
        self.hashes = np.insert(self.hashes, at, new)
        return True


class _UniqueColumns:
    """For the duplicate-id hint of a file read in parts: the columns (besides the id's) whose cells are all
    filled and all different over the usable rows of every part so far, as :func:`normalise_incidents` looks
    for them in a whole table; and whether any part had a duplicate id."""

    def __init__(self, columns: list[str], id_column: str) -> None:
        self.order = columns
        self.seen = {c: _SeenIds() for c in columns if c != id_column}
        self.duplicates = False

    def add(self, table: pd.DataFrame, read: IncidentRead) -> None:
        """Look at a part's usable rows: the incidents kept, and the rows rejected as duplicates."""
        dup = read.rejected["code"] == "duplicate_id"
        self.duplicates = self.duplicates or bool(dup.any())
        usable = np.isin(file_rows(table), np.r_[read.incidents["source_row"].to_numpy(),
                                                 read.rejected.loc[dup, "source_row"].to_numpy()])
        for column in list(self.seen):
            cells = table.loc[usable, column].astype(str)
            if (cells.str.strip() == "").any() or not cells.is_unique or not self.seen[column].add_new(cells):
                del self.seen[column]

    def columns(self) -> list[str]:
        """The columns still all filled and all different, id-like names first."""
        return id_like_first(list(self.seen), self.order)


def _last_rows(parts: TableParts, mapping: dict[str, str], coord_system: str, timezone: str) -> pd.Series:
    """The source row of each id's last usable row in the whole file (indexed by id)."""
    kept = [normalise_incidents(table, mapping, coord_system, timezone).incidents[["incident_id", "source_row"]]
            for table in parts]
    return pd.concat(kept).drop_duplicates("incident_id", keep="last").set_index("incident_id")["source_row"]


@dataclass
class _Placing:
    """One run of :func:`import_incidents` over the file's parts, and what it counted."""

    parts: TableParts
    mapping: dict[str, str]
    coord_system: str
    settings: Settings
    index: GridIndex
    gazetteer: Gazetteer | None
    buildings: pd.DataFrame
    fixes: pd.DataFrame
    tolerance_m: float
    progress: Progress
    last_rows: pd.Series | None = None
    methods: Counter[str] = field(default_factory=Counter)
    review: list[pd.DataFrame] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    unknown: dict[str, Counter[str]] = field(default_factory=dict)
    _unique: _UniqueColumns = field(init=False)

    def __post_init__(self) -> None:
        self._unique = _UniqueColumns(self.parts.columns, self.mapping["incident_id"])

    def again(self, last_rows: pd.Series) -> _Placing:
        """A fresh run that knows each id's last usable row."""
        return replace(self, last_rows=last_rows, methods=Counter(), review=[], notes=[], unknown={})

    def write(self, store: Store, name: str, overwrite_older: bool) -> ImportResult:
        """Place every part and write them as one batch."""
        report = ProblemReport()
        report.extend(self.parts.report)
        batch: dict[str, Any] = {"kind": "incidents", "file_name": name, "file_hash": self.parts.digest,
                                 "coord_system": parse_coord_system(self.coord_system).label,
                                 "rows_read": 0, "rows_imported": self.parts.rows, "rows_rejected": 0}
        batch_id = store.write_incident_batch(batch, self._placed(batch), report, overwrite_older,
                                              self._file_notes)
        self.progress(1.0, "done")
        return ImportResult(batch_id, batch["rows_read"], batch["rows_imported"], batch["rows_rejected"], report,
                            dict(self.methods), pd.concat(self.review, ignore_index=True) if self.review
                            else pd.DataFrame())

    def _placed(self, batch: dict[str, Any]) -> Iterator[Geocoded]:
        """Each part placed, as the store asks for it; ``batch``'s counts are kept up to date."""
        seen = _SeenIds()
        batch.update(rows_imported=0)
        for table in self.parts:
            read = normalise_incidents(table, self.mapping, self.coord_system, self.settings["timezone"],
                                       last_rows=self.last_rows)
            if self.last_rows is None and not seen.add_new(read.incidents["incident_id"]):
                raise _LaterDuplicate
            lines = ProblemReport([p for p in read.report.problems if p.row is not None])
            self.notes += [p for p in read.report.problems if p.row is None and p.code != "duplicate_id_hint"]
            self._unique.add(table, read)
            lines.extend(self._lifecycle(read.incidents))
            placed = geocode_incidents(read.incidents, self.index, self.gazetteer, self.buildings, self.fixes,
                                       self.tolerance_m)
            lines.extend(placed.report)
            rejected = read.rejected.rename(columns={"code": "reason"}).assign(detail="")
            review = pd.concat([rejected, placed.review], ignore_index=True)
            self.review.append(review)
            self.methods.update({str(method): int(n) for method, n in
                                 placed.incidents["match_method"].replace("", "unplaced").value_counts().items()})
            batch.update(rows_read=batch["rows_read"] + len(table),
                         rows_imported=batch["rows_imported"] + len(read.incidents),
                         rows_rejected=batch["rows_rejected"] + len(read.rejected))
            self.progress(0.05 + 0.85 * min(1.0, batch["rows_read"] / max(1, self.parts.rows)), "geocode")
            yield Geocoded(placed.incidents, review, lines)
        self.progress(0.9, "write")   # every part is placed: what is left is the store's

    def _lifecycle(self, incidents: pd.DataFrame) -> ProblemReport:
        """A line per case whose status says closed but which gives no closing time; the words the street's
        tables cannot read are counted for :meth:`_file_notes`."""
        report = ProblemReport()
        read, found = lifecycle_columns(incidents, self.settings)
        for column, words in found.unknown.items():
            self.unknown.setdefault(column, Counter()).update(words)
        for row, status in zip(incidents.loc[read["closed_no_time"], "source_row"],
                               incidents.loc[read["closed_no_time"], "status"]):
            report.add(int(row), self.mapping.get("closed_at", "closed_at"), status, "closed_without_time", "warning")
        return report

    def _file_notes(self) -> ProblemReport:
        """The notes on the whole file, once every part is read: each part's once (a count summed over the
        parts), and a line per word the street's tables cannot read, with its count."""
        report = ProblemReport(merged_notes(self.notes))
        if self._unique.duplicates and self._unique.columns():
            report.add(None, self.mapping["incident_id"], "", "duplicate_id_hint", "info", self._unique.columns()[0])
        for column, words in self.unknown.items():
            for word, n in sorted(words.items(), key=lambda kv: -kv[1]):
                report.add(None, self.mapping.get(column, column), word, _UNKNOWN_WORD[column], "warning",
                           f"{word}（{n}）")
        return report


_UNKNOWN_WORD = {"status": "unknown_status", "handled_level": "unknown_handling_level", "satisfaction": "unknown_rating"}


def import_boundaries(store: Store, source: Source, name: str | None = None, coord_system: str | None = None,
                      mapping: dict[str, str] | None = None, version_name: str | None = None,
                      street_source: Source | None = None, street_name: str | None = None,
                      make_current: bool = True, layer: str | None = None,
                      encoding: str | None = None) -> ImportResult:
    """Import a grid layer as a new boundary version (checked; the report says what was wrong).

    ``source`` is a path, the bytes of one file (with ``name``) or several uploaded files (a
    Shapefile set); ``mapping`` adds to the recognised columns; ``layer`` and ``encoding`` choose the
    layer of a file with several and the text encoding of a Shapefile's ``.dbf``. The street outline
    comes from ``street_source``, else from a street (街道) feature of the layer itself.

    Raises
    ------
    ReadError
        The file cannot be read (see :func:`~analysis.ingest.boundaries.read_boundary_file`), or no grid
        of it is usable: nothing is written, and the current division stays current.
    """
    digest, name = _fingerprint(source, name)
    read = read_boundary_file(source, name, coord_system, mapping, layer, encoding)
    report = read.report
    street = read.street if street_source is None else read_street(street_source, street_name, coord_system)
    checked = check_grids(read.grids, street, load_settings())
    report.extend(checked.report)
    usable = checked.grids[checked.grids["level"] == "grid"] if (checked.grids["level"] == "grid").any() \
        else checked.grids[checked.grids["level"] != "community"]
    if usable.empty:
        report.add(None, "", name, "no_usable_grids", detail=str(len(read.grids)))
        raise ReadError(report)
    with store.transaction() as conn:
        batch = store.add_batch(conn, "boundaries", name, digest, len(read.grids), len(checked.grids),
                                len(checked.rejected), coord_system or "")
        version = store.add_boundary_version(conn, version_name or Path(name).stem, checked.grids, batch,
                                             street, make_current=make_current)
        store.add_problems(conn, batch, report)
    return ImportResult(batch, len(read.grids), len(checked.grids), len(checked.rejected), report,
                        version_id=version)


REGISTER_DEFAULTS: dict[str, dict[str, object]] = {
    "buildings": {"aliases": "", "community": "", "households": 0, "population": 0},
    "workers": {"name": "", "role": "", "grid_id": ""},
    "volunteers": {"name": "", "team": "", "grid_id": "", "active": True},
    "services": {"hours": 0.0, "grid_id": "", "activity": ""},
}
REGISTER_NUMBERS = ("households", "population", "hours")


def import_register(store: Store, kind: str, source: str | Path | bytes, name: str | None = None,
                    coord_system: str = "wgs84", mapping: dict[str, str] | None = None,
                    sheet: str | None = None) -> ImportResult:
    """Replace a register (buildings, workers, volunteers or services) from a table.

    Read as people type registers: ids cleaned (full-width, invisible characters), numbers with units
    (12户, 2小时, 约30), yes/no words (是/否/√/×/在职/离职). Rows that cannot be used are rejected and
    reported: a building without usable coordinates, an id given twice (the last row wins), a service
    without a readable date. Volunteers may lack a location (kept).

    Raises
    ------
    ReadError
        A required column is missing, or no row at all can be used: the stored register is kept.
    """
    data, name = _load(source, name)
    table, report = read_table(data, name, sheet=sheet)
    fields = BUILDING_FIELDS if kind == "buildings" else PEOPLE_FIELDS[kind]
    mapping = merged_mapping(guess_mapping(list(table.columns), fields), mapping)
    required = BUILDING_REQUIRED if kind == "buildings" else (next(iter(fields)),) + (("date",) if kind == "services"
                                                                                     else ())
    missing = [f for f in required if f not in mapping]
    for header in mapping.values():
        if header not in table.columns:
            report.add(None, header, "", "mapped_column_absent", detail=header)
            raise ReadError(report)
    if missing:
        for f in missing:
            report.add(None, f, "", "missing_column", detail=f)
        raise ReadError(report)
    frame = pd.DataFrame({f: table[c].astype(str).str.strip() for f, c in mapping.items() if f not in ("lon", "lat")},
                         index=table.index)
    frame["source_row"] = file_rows(table)
    rows = frame["source_row"]
    keep = pd.Series(True, index=frame.index)
    id_field = next(iter(fields))
    frame[id_field] = clean_ids(frame[id_field])
    empty = frame[id_field] == ""
    for row in rows[empty]:
        report.add(int(row), mapping[id_field], "", "missing_register_id")
    keep &= ~empty
    if "lon" in mapping:
        coords = coordinates_to_wgs84(table, mapping, parse_coord_system(coord_system), rows, report)
        frame["lon"], frame["lat"] = coords["lon"], coords["lat"]
        if kind == "buildings":  # a building without a point cannot place anything: rejected, reported
            no_point = frame["lon"].isna() & keep
            for row in rows[no_point]:
                report.add(int(row), "lon/lat", "", "missing_coordinates")
            keep &= ~no_point
    elif kind == "buildings":
        report.add(None, "lon/lat", "", "missing_column", detail="lon/lat")
        raise ReadError(report)
    for column in REGISTER_NUMBERS:
        if column in frame:
            numbers, bad = parse_numbers(frame[column])
            for row, value in zip(rows[bad], frame[column][bad]):
                report.add(int(row), mapping[column], value, "bad_number", "warning", detail=value)
            frame[column] = numbers.fillna(0)
    if "active" in frame:
        flags, unknown = parse_flags(frame["active"])
        for row, value in zip(rows[unknown], frame["active"][unknown]):
            report.add(int(row), mapping["active"], value, "unknown_flag", "warning", detail=value)
        frame["active"] = flags
    if "date" in frame:
        dates, unreadable = parse_datetimes(frame["date"], load_settings()["timezone"])
        bad_or_empty = (unreadable | dates.isna()) & keep
        for row, value in zip(rows[bad_or_empty], frame["date"][bad_or_empty]):
            report.add(int(row), mapping["date"], value, "bad_date", detail=value)
        keep &= ~bad_or_empty
        frame["date"] = dates.dt.strftime("%Y-%m-%d")
    dup = frame[id_field].duplicated(keep="last") & keep if kind != "services" else pd.Series(False, index=frame.index)
    for row, value in zip(rows[dup], frame[id_field][dup]):
        report.add(int(row), mapping[id_field], value, "duplicate_register_id", detail=value)
    keep &= ~dup
    if not keep.any():
        report.add(None, "", name, "register_all_rejected", detail=str(len(table)))
        raise ReadError(report)
    for column, default in REGISTER_DEFAULTS[kind].items():
        if column not in frame:
            frame[column] = pd.Series([default] * len(frame), index=frame.index)
    with store.transaction() as conn:
        written = store.replace_register(conn, kind, frame[keep])
        batch = store.add_batch(conn, kind, name, hashlib.sha256(data).hexdigest(), len(table), written,
                                int((~keep).sum()), coord_system)
        store.add_problems(conn, batch, report)
    return ImportResult(batch, len(table), written, int((~keep).sum()), report)
