"""Incident tables -> the canonical incidents frame, once, at load.

Validation rules (each broken rule is a line in the problem report):

* ``incident_id`` is read as a person reads it (full-width characters and invisible ones cleaned);
  empty -> row rejected (kept for review).
* ``reported_at`` empty or unparseable -> row rejected; a report dated after today -> kept, warning
  (and it does not move the period the pages show).
* a date and its time of day in two columns (上报日期 + 上报时间) are read as one time.
* times with an offset (``+08:00``, ``Z``) are converted to the street's time zone.
* the same id twice -> the last row in the file wins, earlier rows rejected; the report names a
  column whose values are unique, when the file has one (it may be the real id).
* ``due_at`` / ``closed_at`` unparseable -> kept as empty, warning.
* closed before reported -> kept, warning (durations leave it out later).
* coordinates that are not numbers, out of range, half given or in an unknown system -> the
  coordinates are set aside (the address, if any, is used) and a warning is written.
* every coordinate is converted to WGS-84 here, from the row's own ``coord_system`` column
  when the file has one, else from the system the user chose for the file.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.geo.crs import CoordSystem, parse_coord_system, to_wgs84
from analysis.ingest.dates import DEFAULT_TIMEZONE, parse_datetimes
from analysis.ingest.problems import ProblemReport, ReadError
from analysis.ingest.schema import INCIDENT_FIELDS, INCIDENT_REQUIRED, TIME_OF_DAY_FIELDS
from analysis.ingest.tables import file_rows
from analysis.ingest.values import clean_ids, parse_flags, parse_numbers
from analysis.store.tables import INCIDENT_TIMES

CANONICAL_COLUMNS = (*(f for f in INCIDENT_FIELDS if f not in TIME_OF_DAY_FIELDS), "source_row")
_TEXT_FIELDS = ("incident_id", "category", "subcategory", "source", "status", "address", "handled_level",
                "handler", "reporter_phone", "satisfaction", "event_name", "description", "photos")


@dataclass
class IncidentRead:
    """The result of normalising an incident table.

    Attributes
    ----------
    incidents : pandas.DataFrame
        Canonical columns (``CANONICAL_COLUMNS``); lon/lat in WGS-84 degrees (NaN when absent);
        ``coord_system`` is the system the row was given in; ``source_row`` the file row.
    rejected : pandas.DataFrame
        Rows not imported: ``source_row``, ``incident_id``, ``code``, ``raw`` (the row as JSON).
    report : ProblemReport
    """

    incidents: pd.DataFrame
    rejected: pd.DataFrame
    report: ProblemReport


def check_mapping(columns: list[str], mapping: dict[str, str]) -> None:
    """Raise ReadError naming each required field the mapping lacks and each mapped header not in ``columns``."""
    report = ProblemReport()
    for field in INCIDENT_REQUIRED:
        if field not in mapping:
            report.add(None, field, "", "missing_column", detail=field)
    for header in mapping.values():
        if header not in columns:
            report.add(None, header, "", "mapped_column_absent", detail=header)
    if "lon" in mapping and "lat" not in mapping or "lat" in mapping and "lon" not in mapping:
        report.add(None, "lon/lat", "", "missing_column", detail="lat" if "lon" in mapping else "lon")
    if "lon" not in mapping and "address" not in mapping:
        report.add(None, "lon/lat", "", "missing_column", detail="lon/lat or address")
    if len(report):
        raise ReadError(report)


def _report_rows(report: ProblemReport, rows: Iterable[int], column: str, values: Iterable[object], code: str,
                 severity: str, details: Sequence[str] | None = None) -> None:
    for i, (row, value) in enumerate(zip(rows, values)):
        report.add(int(row), column, value, code, severity, "" if details is None else details[i])


_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"
_DMS = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*[°度]\s*(?:(\d+(?:\.\d+)?)\s*['′’分])?\s*"
                  r"(?:(\d+(?:\.\d+)?)\s*(?:\"|″|”|''|′′|秒))?\s*([NSEWnsew东西南北])?$")


def to_numbers(text: pd.Series) -> pd.Series:
    """Stripped text -> float, NaN where it is not a number (as ``pd.to_numeric(errors="coerce")``), with
    degrees-minutes-seconds read as degrees: ``112°58'30"E`` or ``112度58分30秒`` = 112 + 58/60 + 30/3600
    (S, W, 南, 西 negative).

    Decimals are done in Arrow (a regex guard, then a cast), several times faster on a million rows.
    """
    values = pa.array(text.astype(str), type=pa.string())
    numeric = pc.if_else(pc.match_substring_regex(values, _NUMBER), values, pa.scalar(None, pa.string()))
    out = pd.Series(pc.cast(numeric, pa.float64()).to_numpy(zero_copy_only=False), index=text.index)
    unread = text[out.isna().to_numpy()].astype(str)
    degrees = unread[unread.str.contains("[°度]", regex=True)]
    if len(degrees):
        out[degrees.index] = degrees.map(_dms)
    return out


def _dms(text: str) -> float:
    """Degrees of a degrees-minutes-seconds text (NaN when it is not one, or minutes/seconds reach 60)."""
    found = _DMS.match(text.strip())
    if not found:
        return float("nan")
    d, m, s, hemisphere = found.groups()
    minutes, seconds = float(m or 0), float(s or 0)
    if minutes >= 60 or seconds >= 60:
        return float("nan")
    value = abs(float(d)) + minutes / 60 + seconds / 3600
    negative = d.startswith("-") or (hemisphere is not None and hemisphere in "SWsw南西")
    return -value if negative else value


def coordinates_to_wgs84(table: pd.DataFrame, mapping: dict[str, str], default_system: CoordSystem,
                         rows: pd.Series, report: ProblemReport) -> pd.DataFrame:
    """Read the lon/lat (and per-row coordinate system) columns and convert them to WGS-84.

    Returns a frame (index of ``table``) with ``lon``, ``lat`` (NaN where unusable) and
    ``coord_system`` (the system the row was given in, '' where unusable); every value set
    aside gets a warning naming its file row (``rows``).
    """
    n = len(table)
    out = pd.DataFrame({"lon": np.full(n, np.nan), "lat": np.full(n, np.nan),
                        "coord_system": pd.Series([""] * n, index=table.index, dtype=object)}, index=table.index)
    if "lon" not in mapping:
        return out
    raw = {axis: table[mapping[axis]].astype(str).str.strip() for axis in ("lon", "lat")}
    num = {axis: to_numbers(raw[axis]) for axis in ("lon", "lat")}
    usable = pd.Series(True, index=table.index)
    for axis in ("lon", "lat"):
        bad = (raw[axis] != "") & num[axis].isna()
        _report_rows(report, rows[bad], mapping[axis], raw[axis][bad], "bad_number", "warning", list(raw[axis][bad]))
        usable &= ~bad
    both = num["lon"].notna() & num["lat"].notna()
    half = (num["lon"].notna() ^ num["lat"].notna()) & usable
    _report_rows(report, rows[half], mapping["lon"], raw["lon"][half] + "," + raw["lat"][half],
                 "half_coordinate", "warning")
    usable &= both
    zero = usable & (num["lon"] == 0) & (num["lat"] == 0)     # 0,0: a placeholder for "no location"
    _report_rows(report, rows[zero], mapping["lon"], raw["lon"][zero] + "," + raw["lat"][zero],
                 "zero_coordinates", "warning")
    usable &= ~zero
    inside = num["lon"].between(-180, 180) & num["lat"].between(-90, 90)
    swapped = usable & ~inside & num["lat"].between(-180, 180) & num["lon"].between(-90, 90)
    _report_rows(report, rows[swapped], mapping["lon"], raw["lon"][swapped] + "," + raw["lat"][swapped],
                 "coords_swapped", "warning")
    num["lon"], num["lat"] = num["lon"].where(~swapped, num["lat"]), num["lat"].where(~swapped, num["lon"])
    beyond = usable & ~inside & ~swapped         # no system has such degrees: not converted at all
    _report_rows(report, rows[beyond], mapping["lon"], raw["lon"][beyond] + "," + raw["lat"][beyond],
                 "coord_out_of_range", "warning")
    usable &= ~beyond
    systems = pd.Series([default_system.label] * n, index=table.index, dtype=object)
    if "coord_system" in mapping:
        given = table[mapping["coord_system"]].astype(str).str.strip()
        for text in given[given != ""].unique():
            chosen = given == text
            try:
                systems[chosen] = parse_coord_system(text).label
            except ValueError:
                bad = chosen & usable
                _report_rows(report, rows[bad], mapping["coord_system"], given[bad], "bad_coord_system", "warning",
                             [text] * int(bad.sum()))
                usable &= ~chosen
    for label in systems[usable].unique():
        chosen = usable & (systems == label)
        lon, lat = to_wgs84(num["lon"][chosen].to_numpy(), num["lat"][chosen].to_numpy(), label)
        out.loc[chosen, "lon"], out.loc[chosen, "lat"] = lon, lat
        out.loc[chosen, "coord_system"] = label
    bad = usable & ~(out["lon"].between(-180, 180) & out["lat"].between(-90, 90))   # pushed over by a conversion
    _report_rows(report, rows[bad], mapping["lon"], raw["lon"][bad] + "," + raw["lat"][bad],
                 "coord_out_of_range", "warning")
    out.loc[bad | ~usable, ["lon", "lat"]] = np.nan
    out.loc[bad | ~usable, "coord_system"] = ""
    return out


def rework_counts(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """返工次数 as a count: a number (``2``, ``2次``), or a yes/no word (是/√ → 1, 否/空 → 0).

    Returns
    -------
    counts : pandas.Series of str
        Whole numbers as text ('' where unreadable).
    unreadable : numpy.ndarray of bool
    """
    numbers, not_number = parse_numbers(values)
    flags, not_flag = parse_flags(values)
    counts = numbers.where(~not_number, flags.astype(float)).fillna(0)
    unreadable = not_number & not_flag
    return counts.clip(lower=0).round().astype(int).astype(str).where(~unreadable, ""), unreadable


_HAS_TIME = re.compile(r"\d[:：时点]\d")
_TIME_ONLY = re.compile(r"^\d{1,2}[:：时点]\d{1,2}(?:[:：分]\d{1,2}秒?)?(?:\s*[AaPp][Mm])?$")
_DATE_ONLY = re.compile(r"^(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}/\d{1,2}/\d{2,4})$")
_ID_LIKE = re.compile(r"(id|编号|号|no|number|num|case|sr)$", re.IGNORECASE)


def _share(values: pd.Series, pattern: re.Pattern[str]) -> float:
    """The share of non-empty cells that match ``pattern`` (0 for an empty column)."""
    text = values.astype(str).str.strip()
    text = text[text != ""].head(500)
    return float(text.str.match(pattern).mean()) if len(text) else 0.0


def _companion(table: pd.DataFrame, column: str, pattern: re.Pattern[str], taken: set[str]) -> str | None:
    """The column that holds the other half (date or time of day) of ``column``: the only one whose cells
    fit ``pattern``, or of several the one whose header shares the longest start with ``column``'s."""
    found = [c for c in table.columns if c != column and c not in taken and _share(table[c], pattern) >= 0.9]
    if len(found) <= 1:
        return found[0] if found else None
    def common(other: str) -> int:
        n = 0
        while n < min(len(other), len(column)) and other[n] == column[n]:
            n += 1
        return n
    best = max(found, key=common)
    return best if common(best) > 0 and sum(common(c) == common(best) for c in found) == 1 else None


def combine_date_and_time(table: pd.DataFrame, mapping: dict[str, str],
                          report: ProblemReport) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read a date and its time of day kept in two columns (上报日期 + 上报时间) as one time.

    The pair comes from the mapping (``reported_at`` + ``reported_time`` …) or is found: a mapped column
    holding dates only beside one holding times of day only (or the other way round). The combined
    column is added to the table, and the mapping points at it; a note says so.
    """
    mapping = dict(mapping)
    taken = set(mapping.values())
    for field, time_field in zip(("reported_at", "due_at", "closed_at"), TIME_OF_DAY_FIELDS):
        date_column, time_column = mapping.get(field), mapping.pop(time_field, None)
        if date_column is None:
            continue
        if time_column is None and _share(table[date_column], _TIME_ONLY) >= 0.9:
            other = _companion(table, date_column, _DATE_ONLY, taken)
            date_column, time_column = (other, date_column) if other else (date_column, None)
        elif time_column is None and _share(table[date_column], _DATE_ONLY) >= 0.9:
            time_column = _companion(table, date_column, _TIME_ONLY, taken)
        if time_column is None or date_column is None:
            continue
        name = f"{date_column} + {time_column}"
        day, clock = table[date_column].astype(str).str.strip(), table[time_column].astype(str).str.strip()
        table = table.assign(**{name: (day + " " + clock).where(clock != "", day).where(day != "", "")})
        mapping[field] = name
        taken |= {date_column, time_column}
        report.add(None, name, "", "date_time_combined", "info", detail=name)
    return table, mapping


def _unique_columns(table: pd.DataFrame, rows: pd.Series, besides: str) -> list[str]:
    """Columns whose cells are all filled and all different over ``rows`` (id-like names first)."""
    chosen = table[rows.to_numpy()]
    found = [c for c in chosen.columns if c != besides and (chosen[c].astype(str).str.strip() != "").all()
             and chosen[c].is_unique]
    return id_like_first(found, list(chosen.columns))


def id_like_first(found: list[str], columns: list[str]) -> list[str]:
    """``found`` with the columns whose names look like an id's first, else in ``columns``' order."""
    return sorted(found, key=lambda c: (not _ID_LIKE.search(str(c)), columns.index(c)))


def normalise_incidents(table: pd.DataFrame, mapping: dict[str, str],
                        default_system: CoordSystem | str = "wgs84", timezone: str = DEFAULT_TIMEZONE,
                        now: pd.Timestamp | None = None, last_rows: pd.Series | None = None) -> IncidentRead:
    """Turn a raw incident table (all text) into the canonical incidents frame.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`analysis.ingest.tables.read_table` (its index gives the file's row numbers).
    mapping : dict
        ``{canonical_field: header}`` (see :func:`analysis.ingest.schema.guess_mapping`).
    default_system : CoordSystem or str
        The coordinate system of rows that do not name their own.
    timezone : str
        The street's time zone: times with an offset are converted to it.
    now : pandas.Timestamp, optional
        Today, for flagging reports dated in the future (default: now).
    last_rows : pandas.Series, optional
        When ``table`` is a part of a file: the source row of each id's last usable row in the whole file
        (indexed by id). A row whose id has a later usable row is a duplicate. By default the last
        usable row within ``table`` decides.

    Raises
    ------
    ReadError
        A required column is missing or a mapped header is absent.
    """
    report = ProblemReport()
    table, mapping = combine_date_and_time(table, mapping, report)
    check_mapping(list(table.columns), mapping)
    default_system = parse_coord_system(default_system)
    out = pd.DataFrame(index=table.index)
    out["source_row"] = file_rows(table)
    for field in _TEXT_FIELDS:
        out[field] = table[mapping[field]].astype(str).str.strip() if field in mapping else ""
    out["incident_id"] = clean_ids(out["incident_id"])
    out["reopened"] = "0"
    if "reopened" in mapping:
        out["reopened"], unreadable = rework_counts(table[mapping["reopened"]])
        raw_rework = table[mapping["reopened"]].astype(str)
        _report_rows(report, out.loc[unreadable, "source_row"], mapping["reopened"], raw_rework[unreadable],
                     "bad_number", "warning", list(raw_rework[unreadable]))
    reject = pd.Series("", index=out.index, dtype=object)

    missing = out["incident_id"] == ""
    _report_rows(report, out.loc[missing, "source_row"], mapping["incident_id"], [""] * int(missing.sum()),
                 "missing_id", "error")
    reject[missing] = "missing_id"

    for field in INCIDENT_TIMES:
        if field not in mapping:
            out[field] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
            continue
        parsed, bad = parse_datetimes(table[mapping[field]], timezone)
        out[field] = parsed
        raw = table[mapping[field]].astype(str)
        if field == "reported_at":
            bad &= reject == ""
            empty = parsed.isna() & ~bad & (reject == "")
            _report_rows(report, out.loc[empty, "source_row"], mapping[field], raw[empty], "missing_date", "error")
            reject[empty] = "missing_date"
            _report_rows(report, out.loc[bad, "source_row"], mapping[field], raw[bad], "bad_date", "error",
                         list(raw[bad]))
            reject[bad] = "bad_date"
            future = (parsed > (pd.Timestamp.now() if now is None else now) + pd.Timedelta(days=1)) & (reject == "")
            _report_rows(report, out.loc[future, "source_row"], mapping[field], raw[future], "future_date", "warning",
                         list(raw[future]))
        else:
            _report_rows(report, out.loc[bad, "source_row"], mapping[field], raw[bad], "bad_date", "warning",
                         list(raw[bad]))
        if field in ("due_at", "extended_due_at"):
            day_only = (parsed.notna() & ~raw.str.contains(_HAS_TIME) & (parsed == parsed.dt.normalize())).to_numpy()
            if day_only.any():          # a deadline given as a day is due by the end of that day
                out.loc[day_only, field] = parsed[day_only] + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
                report.add(None, mapping[field], "", "deadline_end_of_day", "info", int(day_only.sum()))

    order = out["closed_at"] < out["reported_at"]
    _report_rows(report, out.loc[order, "source_row"], mapping.get("closed_at", ""),
                 out.loc[order, "closed_at"].astype(str), "closed_before_reported", "warning")

    coords = coordinates_to_wgs84(table, mapping, default_system, out["source_row"], report)
    out["lon"], out["lat"], out["coord_system"] = coords["lon"], coords["lat"], coords["coord_system"]

    keep = reject == ""
    dup = pd.Series(False, index=out.index)
    if last_rows is None:
        last_rows = out[keep].drop_duplicates("incident_id", keep="last").set_index("incident_id")["source_row"]
    dup[keep] = out.loc[keep, "incident_id"].map(last_rows) != out.loc[keep, "source_row"]  # among kept rows only
    if dup.any():
        winners = out.loc[dup, "incident_id"].map(last_rows)
        _report_rows(report, out.loc[dup, "source_row"], mapping["incident_id"], out.loc[dup, "incident_id"],
                     "duplicate_id", "error", [str(w) for w in winners])
        unique = _unique_columns(table, reject == "", mapping["incident_id"])
        if unique:
            report.add(None, mapping["incident_id"], "", "duplicate_id_hint", "info",
                       detail=unique[0])
        reject[dup] = "duplicate_id"

    bad_rows = reject != ""
    rejected = pd.DataFrame({
        "source_row": out.loc[bad_rows, "source_row"].to_numpy(),
        "incident_id": out.loc[bad_rows, "incident_id"].to_numpy(),
        "code": reject[bad_rows].to_numpy(),
        "raw": [json.dumps(r, ensure_ascii=False) for r in table[bad_rows].to_dict("records")],
    })
    incidents = out.loc[~bad_rows, list(CANONICAL_COLUMNS)].reset_index(drop=True)
    return IncidentRead(incidents, rejected, report)
