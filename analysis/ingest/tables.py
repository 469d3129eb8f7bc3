"""Reading tables as street offices export them: CSV in UTF-8 (with or without BOM), UTF-16, GBK/GB18030
or Big5 (detected), comma, semicolon, tab or bar separated, and Excel (.xlsx, .xls; every sheet looked
at). Every cell is read as text so that the problem report can quote the value exactly as the file had it.

A title above the header (``某某街道事件台账（2026年3月）`` in a merged first row) is skipped: the header is
the first of the top rows that fills most of the columns. Wholly empty rows are left out. The table's
index keeps the rows' places in the file, so that :func:`file_rows` gives the row numbers a spreadsheet
shows (the header's own row counts as the first when nothing is above it).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import charset_normalizer
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.ingest.encodings import chinese_encoding
from analysis.ingest.problems import ProblemReport, ReadError

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_SNIFF_BYTES = 65536
_HEADER_SEARCH = 10     # rows looked at for the header
_HEADER_FILL = 0.6      # share of the widest row's cells the header row fills


def file_rows(table: pd.DataFrame) -> np.ndarray:
    """The row number a spreadsheet shows for each row of a table from :func:`read_table`."""
    return table.index.to_numpy() + 2


def detect_encoding(data: bytes) -> str:
    """Name the text encoding of ``data``: ``utf-8-sig``, ``utf-8``, ``gb18030`` or a guess.

    UTF-8 is tried strictly first (a GBK file almost never decodes as UTF-8); GB18030 is the
    superset of GBK and GB2312 that Chinese Excel writes; anything else goes to
    charset-normalizer.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    chinese = chinese_encoding(data[: 4 * _SNIFF_BYTES])
    if chinese:
        return chinese
    best = charset_normalizer.from_bytes(data[: 4 * _SNIFF_BYTES]).best()
    if best is None or b"\x00" in data[:_SNIFF_BYTES]:
        raise UnicodeDecodeError("unknown", data[:1], 0, 1, "binary content, not a text table")
    return best.encoding


def _delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def sheet_names(source: str | Path | bytes, name: str | None = None) -> list[str]:
    """The sheets of an Excel workbook that hold data ([] for a CSV, or a workbook that cannot be read)."""
    data, suffix = _bytes(source, name)
    if suffix not in EXCEL_SUFFIXES:
        return []
    try:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, nrows=5, header=None,
                               engine="calamine")
    except Exception:  # noqa: BLE001 - a broken workbook: read_table says why
        return []
    return [str(n) for n, frame in sheets.items() if len(frame.columns)]


def _bytes(source: str | Path | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        return Path(source).read_bytes(), Path(name or Path(source).name).suffix.lower()
    return bytes(source), Path(name or "").suffix.lower()


def read_table(source: str | Path | bytes, name: str | None = None,
               encoding: str | None = None, sheet: str | None = None) -> tuple[pd.DataFrame, ProblemReport]:
    """Read a CSV or Excel table with every cell as text ('' for empty).

    Parameters
    ----------
    source : path or bytes
        The file, or its bytes (an upload).
    name : str, optional
        File name (for the suffix) when ``source`` is bytes.
    encoding : str, optional
        Force an encoding; by default it is detected (see :func:`detect_encoding`).
    sheet : str, optional
        The sheet of a workbook; by default the first that holds data (a note lists the others).

    Returns
    -------
    table : pandas.DataFrame
        Columns as in the file (headers stripped; an empty header becomes ``#n``, a repeated one ``name.1``),
        all ``str``; the index is the row's place in the file (see :func:`file_rows`).
    report : ProblemReport
        ``info`` lines: the detected encoding, the sheet read, skipped title rows.

    Raises
    ------
    ReadError
        Empty file, unsupported format, unreadable bytes or a forced encoding that does not fit.
    """
    report = ProblemReport()
    if isinstance(source, (str, Path)):
        name = name or Path(source).name
        data = Path(source).read_bytes()
    else:
        data = bytes(source)
    suffix = Path(name or "").suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        report.add(None, "", name, "unsupported_format", detail=suffix or name)
        raise ReadError(report)
    if not data.strip():
        report.add(None, "", name, "empty_file")
        raise ReadError(report)
    if suffix in EXCEL_SUFFIXES:
        cells = _read_excel(data, name or "", suffix, sheet, report)
    else:
        cells = _read_csv(data, name, encoding, report)
    table = _with_header(cells.fillna("").astype(str), name, report)
    if table.empty:
        report.add(None, "", name, "empty_file")
        raise ReadError(report)
    return table, report


def _filled(cells: pd.DataFrame) -> np.ndarray:
    """True for each cell that holds more than spaces (in Arrow: a million rows in a blink)."""
    out = np.zeros(cells.shape, dtype=bool)
    for j in range(cells.shape[1]):
        text = pa.array(cells.iloc[:, j], type=pa.string())
        out[:, j] = pc.not_equal(pc.utf8_trim_whitespace(text), "").to_numpy(zero_copy_only=False)
    return out


def _with_header(cells: pd.DataFrame, name: str | None, report: ProblemReport) -> pd.DataFrame:
    """The table under its header row (found among the top rows), wholly empty rows left out; cells as the
    file has them, headers stripped."""
    filled = _filled(cells)
    counts = filled.sum(axis=1)
    nonempty = np.flatnonzero(counts)
    if not len(nonempty):
        return pd.DataFrame()
    widest = counts[nonempty[:50]].max()
    header = next((int(i) for i in nonempty[:_HEADER_SEARCH] if counts[i] >= _HEADER_FILL * widest), 0)
    if header > 0:
        skipped = " / ".join(" ".join(v.strip() for v in cells.iloc[i] if v.strip()) for i in range(header) if counts[i])
        report.add(None, "", skipped, "header_row", "info", detail=str(header + 1))
    names: list[str] = []
    for i, raw in enumerate(cells.iloc[header]):
        label = unique = raw.strip() or f"#{i + 1}"
        while unique in names:
            unique = f"{label}.{sum(n == label or n.startswith(label + '.') for n in names)}"
        names.append(unique)
    body = pd.DataFrame(cells.iloc[header + 1:][filled[header + 1:].any(axis=1)])
    body.columns = pd.Index(names)
    body.index = body.index - 1        # file_rows: the row at place p of the file is the spreadsheet's row p + 1
    used = [bool(u) for u in np.any(filled[header:], axis=0)]
    return body[[c for c, u in zip(names, used, strict=True) if u or not c.startswith("#")]]


def _read_csv(data: bytes, name: str | None, encoding: str | None,
              report: ProblemReport) -> pd.DataFrame:
    if encoding is None:
        try:
            encoding = detect_encoding(data)
        except UnicodeDecodeError as err:
            report.add(None, "", name, "not_text")
            raise ReadError(report) from err
        report.add(None, "", name, "encoding", "info", detail=encoding)
    else:
        try:
            data.decode(encoding)
        except UnicodeDecodeError as err:
            try:
                guessed = detect_encoding(data)
            except UnicodeDecodeError:
                guessed = "?"
            report.add(None, "", name, "unreadable_file",
                       detail=f"not {encoding} (looks like {guessed}): {err.reason} at byte {err.start}")
            raise ReadError(report) from err
    sample = data[:_SNIFF_BYTES].decode(encoding, errors="ignore")
    sep = _delimiter(sample)
    if b"\n\n" not in data and b"\n\r\n" not in data:   # pyarrow drops blank lines (row numbers would shift)
        try:  # pyarrow's parser is several times faster on large exports
            return pd.read_csv(io.BytesIO(data), engine="pyarrow", encoding=encoding, sep=sep, dtype=str,
                               keep_default_na=False, header=None)
        except (pd.errors.ParserError, ValueError, UnicodeDecodeError):
            pass  # ragged rows (a title above the header), or what pyarrow does not cope with
    try:
        rows = list(csv.reader(io.StringIO(data.decode(encoding), newline=""), delimiter=sep, strict=True))
    except csv.Error as err:
        report.add(None, "", name, "unreadable_file", detail=str(err).strip())
        raise ReadError(report) from err
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], columns=range(width), dtype=object)


def _read_excel(data: bytes, name: str, suffix: str, sheet: str | None, report: ProblemReport) -> pd.DataFrame:
    """One sheet of a workbook, every cell as text: ``sheet``, else the one with the most filled cells (a note
    names the others)."""
    try:
        sheets: dict[str, pd.DataFrame] = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, header=None,
                                                        engine="calamine")
    except Exception as err:  # noqa: BLE001 - calamine raises many types for a broken workbook
        report.add(None, "", name, "bad_workbook", detail=str(err).splitlines()[0] if str(err) else type(err).__name__)
        raise ReadError(report) from err
    cells = {str(n): int(frame.notna().to_numpy().sum()) for n, frame in sheets.items()}
    filled = [n for n, count in cells.items() if count]
    if sheet is not None and sheet not in cells:
        report.add(None, "", name, "unknown_sheet", detail=f"{sheet} ({', '.join(cells)})")
        raise ReadError(report)
    chosen = sheet or (max(filled, key=cells.__getitem__) if filled else next(iter(cells)))
    if sheet is None and len(filled) > 1:
        report.add(None, "", name, "sheet_chosen", "info", detail=f"{chosen} ({', '.join(filled)})")
    frame: pd.DataFrame = next(f for n, f in sheets.items() if str(n) == chosen)
    return frame
