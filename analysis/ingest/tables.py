"""Reading tables as street offices export them: CSV in UTF-8 (with or without BOM), GBK/GB18030 or
Big5 (detected), and Excel (.xlsx, .xls; every sheet looked at). Every cell is read as text so that
the problem report can quote the value exactly as the file had it.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import charset_normalizer
import pandas as pd

from analysis.ingest.layers import COMMON_HANZI
from analysis.ingest.problems import ProblemReport, ReadError

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_SNIFF_BYTES = 65536


def detect_encoding(data: bytes) -> str:
    """Name the text encoding of ``data``: ``utf-8-sig``, ``utf-8``, ``gb18030`` or a guess.

    UTF-8 is tried strictly first (a GBK file almost never decodes as UTF-8); GB18030 is the
    superset of GBK and GB2312 that Chinese Excel writes; anything else goes to
    charset-normalizer.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    chinese = _chinese_encoding(data[: 4 * _SNIFF_BYTES])
    if chinese:
        return chinese
    best = charset_normalizer.from_bytes(data[: 4 * _SNIFF_BYTES]).best()
    if best is None:
        raise UnicodeDecodeError("unknown", data[:1], 0, 1, "no text encoding fits")
    return best.encoding


def _chinese_encoding(data: bytes) -> str | None:
    """``gb18030`` or ``big5`` when ``data`` reads as Chinese in one of them (the one that yields more
    common characters; GB18030 accepts most Big5 bytes, so decoding alone cannot tell them apart)."""
    scores = {}
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            try:   # the sample may end inside a character
                text = data[:-1].decode(encoding)
            except UnicodeDecodeError:
                continue
        scores[encoding] = sum(ch in COMMON_HANZI for ch in text)
    if not scores:
        return None
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] > 0 or len(scores) == 1 else None


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
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, nrows=5,
                               engine="xlrd" if suffix == ".xls" else "openpyxl")
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
        Columns as in the file (headers stripped), all ``str``.
    report : ProblemReport
        An ``info`` line naming the detected encoding.

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
        table = _read_excel(data, name or "", suffix, sheet, report)
    else:
        table = _read_csv(data, name, encoding, report)
    table.columns = [str(c).strip() for c in table.columns]
    if table.empty:
        report.add(None, "", name, "empty_file")
        raise ReadError(report)
    return table, report


def _read_csv(data: bytes, name: str | None, encoding: str | None,
              report: ProblemReport) -> pd.DataFrame:
    if encoding is None:
        try:
            encoding = detect_encoding(data)
        except UnicodeDecodeError as err:
            report.add(None, "", name, "unreadable_file", detail=str(err))
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
    try:  # pyarrow's parser is several times faster on large exports
        return pd.read_csv(io.BytesIO(data), engine="pyarrow", encoding=encoding, sep=sep, dtype=str,
                           keep_default_na=False)
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError):
        pass  # the C parser below gives the precise error, or copes with what pyarrow does not
    try:
        return pd.read_csv(io.BytesIO(data), na_filter=False, skip_blank_lines=True, encoding=encoding, sep=sep,
                           dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        report.add(None, "", name, "unreadable_file", detail=str(err).strip())
        raise ReadError(report) from err


def _read_excel(data: bytes, name: str, suffix: str, sheet: str | None, report: ProblemReport) -> pd.DataFrame:
    """One sheet of a workbook, every cell as text: ``sheet``, else the first that holds data."""
    try:
        sheets: dict[str, pd.DataFrame] = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str,
                                                        engine="xlrd" if suffix == ".xls" else "openpyxl")
    except Exception as err:  # noqa: BLE001 - openpyxl and xlrd raise many types for a broken workbook
        report.add(None, "", name, "unreadable_file", detail=str(err).splitlines()[0] if str(err) else type(err).__name__)
        raise ReadError(report) from err
    filled = [str(n) for n, frame in sheets.items() if len(frame.columns) and len(frame)]
    if sheet is not None and sheet not in {str(n) for n in sheets}:
        report.add(None, "", name, "unknown_sheet", detail=f"{sheet} ({', '.join(map(str, sheets))})")
        raise ReadError(report)
    chosen = sheet or (filled[0] if filled else str(next(iter(sheets))))
    if sheet is None and len(filled) > 1:
        report.add(None, "", name, "sheet_chosen", "info", detail=f"{chosen} ({', '.join(filled)})")
    frame: pd.DataFrame = next(f for n, f in sheets.items() if str(n) == chosen).fillna("")
    return frame
