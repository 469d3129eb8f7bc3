"""Reading tables as street offices export them: CSV in UTF-8 (with or without BOM) or
GBK/GB18030 (detected), and Excel .xlsx. Every cell is read as text so that the problem
report can quote the value exactly as the file had it.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import charset_normalizer
import pandas as pd

from analysis.ingest.problems import ProblemReport, ReadError

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
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
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[: 4 * _SNIFF_BYTES]).best()
    if best is None:
        raise UnicodeDecodeError("unknown", data[:1], 0, 1, "no text encoding fits")
    return best.encoding


def _delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_table(source: str | Path | bytes, name: str | None = None,
               encoding: str | None = None) -> tuple[pd.DataFrame, ProblemReport]:
    """Read a CSV or Excel table with every cell as text ('' for empty).

    Parameters
    ----------
    source : path or bytes
        The file, or its bytes (an upload).
    name : str, optional
        File name (for the suffix) when ``source`` is bytes.
    encoding : str, optional
        Force an encoding; by default it is detected (see :func:`detect_encoding`).

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
    if suffix in (".xlsx", ".xlsm"):
        try:
            table = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl").fillna("")
        except Exception as err:  # openpyxl raises many types for a broken workbook
            report.add(None, "", name, "unreadable_file", detail=str(err))
            raise ReadError(report) from err
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
