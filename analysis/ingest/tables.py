"""Reading tables as street offices export them: CSV in UTF-8 (with or without BOM), UTF-16, GBK/GB18030
or Big5 (detected), comma, semicolon, tab or bar separated, and Excel (.xlsx, .xls; every sheet looked
at). Every cell is read as text so that the problem report can quote the value exactly as the file had it.

A title above the header (``某某街道事件台账（2026年3月）`` in a merged first row) is skipped: the header is
the first of the top rows that fills most of the columns. Wholly empty rows are left out. The table's
index keeps the rows' places in the file, so that :func:`file_rows` gives the row numbers a spreadsheet
shows (the header's own row counts as the first when nothing is above it).

A CSV file is read a part at a time (:func:`table_parts`): a street's export of millions of rows takes about
one part's memory (16 MB of the file) at a time; :func:`read_table` joins the parts.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import charset_normalizer
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.ingest.encodings import chinese_encoding
from analysis.ingest.problems import ProblemReport, ReadError

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_SNIFF_BYTES = 65536
_BLOCK = 2**20          # bytes read at a time when a file is scanned
PART_BYTES = 16 * 2**20  # bytes of a CSV file read as one part: about 100,000 rows of a street's export
_HEADER_SEARCH = 10     # rows looked at for the header
_HEADER_ROWS = 50       # rows whose widest sets the width the header must mostly fill
_HEADER_FILL = 0.6      # share of the widest row's cells the header row fills


def file_rows(table: pd.DataFrame) -> np.ndarray:
    """The row number a spreadsheet shows for each row of a table from :func:`read_table`."""
    return table.index.to_numpy() + 2


def detect_encoding(data: bytes, complete: bool = True) -> str:
    """Name the text encoding of ``data``: ``utf-8-sig``, ``utf-16``, ``utf-8``, ``gb18030`` or a guess.

    UTF-8 is tried strictly first (a GBK file almost never decodes as UTF-8); GB18030 is the
    superset of GBK and GB2312 that Chinese Excel writes; anything else goes to
    charset-normalizer. ``complete=False`` says ``data`` is the start of a file: a character cut at its
    end is not an error.
    """
    if bom := _bom(data):
        return bom
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(data, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return _not_utf8(data)


def _bom(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` names (None without one)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


def _not_utf8(data: bytes) -> str:
    """The encoding of a text that is not UTF-8, from its start (GB18030 or Big5, else charset-normalizer's
    guess); raises UnicodeDecodeError for binary content."""
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


@dataclass(frozen=True)
class _Layout:
    """Where a table sits in the file's cells: the header's record number, a name for every cell position,
    and the columns kept (an unnamed column holding nothing in the first part is left out)."""

    header: int
    names: list[str]
    kept: list[str]

    def body(self, cells: pd.DataFrame) -> pd.DataFrame:
        """The rows of a part of the file's cells under the header, wholly empty rows left out.

        Raises ReadError when a row of the part fills a cell outside the kept columns (a row wider than
        the table, further down than the top rows that decided the columns).
        """
        cells = cells.reindex(columns=range(max(len(self.names), cells.shape[1])), fill_value="")
        filled = _filled(cells)
        beyond = filled[:, [i for i, n in enumerate(self.names) if n not in self.kept] + list(
            range(len(self.names), cells.shape[1]))].any(axis=1) & (cells.index > self.header)
        if beyond.any():
            row = int(cells.index[int(np.argmax(beyond))]) + 1
            report = ProblemReport()
            report.add(row, "", "", "unreadable_file", detail=f"row {row} has cells outside the table's columns")
            raise ReadError(report)
        rows = (cells.index.to_numpy() > self.header) & filled.any(axis=1)
        body = pd.DataFrame(cells.iloc[rows, :len(self.names)])
        body.columns = pd.Index(self.names)
        body.index = body.index - 1     # file_rows: the row at place p of the file is the spreadsheet's row p + 1
        return body[self.kept]


@dataclass
class TableParts:
    """A table read a part at a time, each part as :func:`read_table` gives a whole table.

    Iterating reads the file again from its start. Only the first part that holds anything is read when the
    parts are made (for the header), so a file of any size takes about one part's memory at a time.

    Attributes
    ----------
    columns : list of str
        The table's columns (see :func:`read_table`).
    report : ProblemReport
        The reading's notes (encoding, sheet, skipped title rows).
    digest : str
        The SHA-256 of the file's bytes (hex).
    rows : int
        About how many rows the file holds (from its size and its first part's bytes per row).
    """

    columns: list[str]
    report: ProblemReport
    digest: str
    rows: int
    _cells: Callable[[], Iterator[pd.DataFrame]]
    _layout: _Layout

    def __iter__(self) -> Iterator[pd.DataFrame]:
        for cells in self._cells():
            body = self._layout.body(cells)
            if len(body):
                yield body


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
    parts = table_parts(source, name, encoding, sheet)
    return pd.concat(list(parts)), parts.report


def table_parts(source: str | Path | bytes, name: str | None = None, encoding: str | None = None,
                sheet: str | None = None, part_bytes: int = PART_BYTES) -> TableParts:
    """A CSV or Excel table as :class:`TableParts` of about ``part_bytes`` bytes of the file each.

    The arguments and errors are :func:`read_table`'s. A workbook is one part (a sheet holds at most
    1,048,576 rows). A CSV file is read a part at a time: by Arrow's CSV reader, or by Python's csv module
    when its rows are not all as wide (a title above the header) or it has blank lines (whose row numbers
    Arrow would lose). The file's top rows (:func:`_top`) decide the table's header and columns: a row
    further down that fills a cell outside them is an error.
    """
    report = ProblemReport()
    path = Path(source) if isinstance(source, (str, Path)) else None
    name = name or (path.name if path else None)
    suffix = Path(name or "").suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        report.add(None, "", name, "unsupported_format", detail=suffix or name)
        raise ReadError(report)
    data = None if path else bytes(source)  # type: ignore[arg-type]

    def open_bytes() -> BinaryIO:
        return path.open("rb") if path else io.BytesIO(data)  # type: ignore[arg-type]

    scan = _scan(open_bytes, encoding or "utf-8")
    if not scan.filled:
        report.add(None, "", name, "empty_file")
        raise ReadError(report)
    if suffix in EXCEL_SUFFIXES:
        whole = _read_excel(data if data is not None else path.read_bytes(), name or "", suffix,  # type: ignore[union-attr]
                            sheet, report).fillna("").astype(str)
        cells: Callable[[], Iterator[pd.DataFrame]] = lambda: iter([whole])  # noqa: E731
        row_bytes = scan.size / max(1, len(whole))
    else:
        cells, row_bytes = _csv_cells(open_bytes, scan, name, encoding, report, part_bytes)
    layout = _layout(_top(cells), name, report)
    if layout is None or not any(len(part) for part in TableParts([], report, "", 0, cells, layout)):
        report.add(None, "", name, "empty_file")
        raise ReadError(report)
    return TableParts(layout.kept, report, scan.digest, max(1, round(scan.size / row_bytes)), cells, layout)


def _top(cells: Callable[[], Iterator[pd.DataFrame]]) -> pd.DataFrame:
    """The file's first parts, up to the one that brings the rows that fill anything to :data:`_HEADER_ROWS`."""
    top, filled = [], 0
    for part in cells():
        top.append(part)
        filled += int(_filled(part).any(axis=1).sum())
        if filled >= _HEADER_ROWS:
            break
    return pd.concat(top) if top else pd.DataFrame()


@dataclass(frozen=True)
class _Scan:
    """What one pass over a file's bytes found (see :func:`_scan`)."""

    digest: str
    size: int
    head: bytes                         # the first bytes, for sniffing
    filled: bool                        # holds more than white space
    blank_lines: bool
    error: tuple[int, str] | None       # where and why the bytes do not decode (None: they do)


def _scan(open_bytes: Callable[[], BinaryIO], encoding: str) -> _Scan:
    """Read the file once, a block at a time: its SHA-256, size, first bytes, whether it holds anything, has
    blank lines and decodes with ``encoding``."""
    digest, size, head = hashlib.sha256(), 0, b""
    filled = blank = False
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    error, tail = None, b""
    with open_bytes() as file:
        for block in iter(lambda: file.read(_BLOCK), b""):
            digest.update(block)
            if len(head) < 4 * _SNIFF_BYTES:
                head += block[:4 * _SNIFF_BYTES - len(head)]
            filled = filled or bool(block.strip())
            joined = tail + block
            blank = blank or b"\n\n" in joined or b"\n\r\n" in joined
            tail = block[-2:]
            if error is None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as err:
                    error = (size + err.start, err.reason)
            size += len(block)
    if error is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as err:
            error = (size, err.reason)
    return _Scan(digest.hexdigest(), size, head, filled, blank, error)


def _layout(cells: pd.DataFrame, name: str | None, report: ProblemReport) -> _Layout | None:
    """The header (the first of the top rows that fills most of the columns) and the column names, from the
    file's top rows (see :func:`_top`); None when nothing is filled."""
    filled = _filled(cells)
    counts = filled.sum(axis=1)
    nonempty = np.flatnonzero(counts)
    if not len(nonempty):
        return None
    widest = counts[nonempty[:_HEADER_ROWS]].max()
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
    used = np.any(filled[header:], axis=0)
    return _Layout(int(cells.index[header]), names,
                   [c for c, u in zip(names, used, strict=True) if u or not c.startswith("#")])


def _filled(cells: pd.DataFrame) -> np.ndarray:
    """True for each cell that holds more than spaces (in Arrow: a million rows in a blink)."""
    out = np.zeros(cells.shape, dtype=bool)
    for j in range(cells.shape[1]):
        text = pa.array(cells.iloc[:, j], type=pa.string())
        out[:, j] = pc.not_equal(pc.utf8_trim_whitespace(text), "").to_numpy(zero_copy_only=False)
    return out


def _csv_cells(open_bytes: Callable[[], BinaryIO], scan: _Scan, name: str | None, encoding: str | None,
               report: ProblemReport, part_bytes: int) -> tuple[Callable[[], Iterator[pd.DataFrame]], float]:
    """What gives a CSV file's cells a part at a time (columns 0, 1, …; the index is the record's place), and
    about how many bytes a row takes (from the file's first bytes).

    ``scan`` is the file's scan with the forced ``encoding``, else with UTF-8; an encoding detected otherwise
    is checked over the whole file by a second scan.
    """
    if encoding is None:
        try:
            encoding = _bom(scan.head) or ("utf-8" if scan.error is None else _not_utf8(scan.head))
        except UnicodeDecodeError as err:
            report.add(None, "", name, "not_text")
            raise ReadError(report) from err
        checked = scan if encoding in ("utf-8", "utf-8-sig") else _scan(open_bytes, encoding)
        if checked.error is not None:
            report.add(None, "", name, "unreadable_file",
                       detail=f"not {encoding}: {checked.error[1]} at byte {checked.error[0]}")
            raise ReadError(report)
        report.add(None, "", name, "encoding", "info", detail=encoding)
    elif scan.error is not None:
        try:
            guessed = detect_encoding(scan.head, complete=False)
        except UnicodeDecodeError:
            guessed = "?"
        report.add(None, "", name, "unreadable_file",
                   detail=f"not {encoding} (looks like {guessed}): {scan.error[1]} at byte {scan.error[0]}")
        raise ReadError(report)
    sep = _delimiter(scan.head[:_SNIFF_BYTES].decode(encoding, errors="ignore"))
    head_rows = list(csv.reader(io.StringIO(scan.head.decode(encoding, errors="ignore"), newline=""), delimiter=sep))
    width = len(head_rows[0]) if head_rows else 0
    row_bytes = len(scan.head) / max(1, len(head_rows) - (len(scan.head) < scan.size))   # the last may be cut
    reader = _CsvReader(open_bytes, encoding, sep, part_bytes, name, report, max(1, round(part_bytes / row_bytes)))
    if scan.blank_lines or not reader.arrow_reads_first_part(width):
        reader.width = reader.widest()
    return reader.parts, row_bytes


class _CsvReader:
    """A CSV file's cells a part at a time: Arrow's reader while ``width`` is None, Python's csv module after."""

    def __init__(self, open_bytes: Callable[[], BinaryIO], encoding: str, sep: str, part_bytes: int,
                 name: str | None, report: ProblemReport, part_rows: int) -> None:
        self.open_bytes, self.sep, self.part_bytes, self.name, self.report = open_bytes, sep, part_bytes, name, report
        self.part_rows = part_rows      # rows of a part read by Python's csv module
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding   # Arrow skips the BOM itself
        self.python_encoding = encoding
        self.arrow_width = 0
        self.width: int | None = None

    def arrow_reads_first_part(self, width: int) -> bool:
        """Whether Arrow reads the first part with ``width`` columns (a title row above the header: not)."""
        self.arrow_width = width
        if self.encoding == "utf-16":
            return False
        try:
            next(self._arrow(), None)
        except (pa.ArrowInvalid, UnicodeDecodeError):
            return False
        return width > 0

    def parts(self) -> Iterator[pd.DataFrame]:
        """The cells a part at a time; when Arrow cannot go on (a ragged row), Python's csv module reads on
        from the record where it stopped."""
        done = 0
        if self.width is None:
            try:
                for part in self._arrow():
                    done += len(part)
                    yield part
                return
            except (pa.ArrowInvalid, UnicodeDecodeError):
                self.width = self.arrow_width
        yield from self._python(done)

    def _arrow(self) -> Iterator[pd.DataFrame]:
        """Parts cut at the last line end within ``part_bytes``, each parsed by Arrow on its own.

        Arrow's own streaming reader held about the whole file in memory (its peak grew with the file: 0.8 GB
        for 660 MB), so the file is cut here. A line end is a record's end: a quoted value that runs over a
        line is a parse error, and Python's csv module reads on (see :meth:`parts`). In GB18030 and Big5 a
        line-end byte is never part of a character; UTF-16 files never come here.
        """
        options = {"read_options": pacsv.ReadOptions(autogenerate_column_names=True, encoding=self.encoding),
                   "parse_options": pacsv.ParseOptions(delimiter=self.sep),
                   "convert_options": pacsv.ConvertOptions(
                       column_types={f"f{i}": pa.string() for i in range(self.arrow_width)})}
        done, rest = 0, b""
        with self.open_bytes() as file:
            while True:
                block = file.read(self.part_bytes)
                data = rest + block
                cut = data.rfind(b"\n") + 1 if block else len(data)
                if cut:
                    part = pacsv.read_csv(io.BytesIO(data[:cut]), **options).to_pandas()
                    part.columns = pd.RangeIndex(part.shape[1])
                    part.index = pd.RangeIndex(done, done + len(part))
                    done += len(part)
                    yield part
                rest = data[cut:]
                if not block:
                    return

    def _records(self) -> Iterator[list[str]]:
        with self.open_bytes() as file:
            text = io.TextIOWrapper(file, encoding=self.python_encoding, newline="")
            try:
                yield from csv.reader(text, delimiter=self.sep, strict=True)
            except csv.Error as err:
                self.report.add(None, "", self.name, "unreadable_file", detail=str(err).strip())
                raise ReadError(self.report) from err

    def widest(self) -> int:
        """The number of cells of the file's widest row."""
        return max((len(r) for r in self._records()), default=0)

    def _python(self, skip: int) -> Iterator[pd.DataFrame]:
        width = self.width or 0
        records = self._records()
        for _ in itertools.islice(records, skip):
            pass
        start = skip
        while chunk := list(itertools.islice(records, self.part_rows)):
            wide = max(width, *(len(r) for r in chunk))
            yield pd.DataFrame([r + [""] * (wide - len(r)) for r in chunk], columns=range(wide), dtype=object,
                               index=pd.RangeIndex(start, start + len(chunk)))
            start += len(chunk)


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
