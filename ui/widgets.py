"""Widgets more than one page draws: tables (as HTML in projector mode), the coordinate-system picker,
result tables, downloads."""
from __future__ import annotations

import functools
import hashlib
import html
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler
from streamlit.delta_generator import DeltaGenerator
from streamlit.elements.arrow import DataframeState

from analysis.ingest.importer import ImportResult
from analysis.ingest.problems import ProblemReport, ReadError
from analysis.ingest.tables import TABLE_SUFFIXES
from analysis.maps.classes import classify
from analysis.sanitise import mask_phone_text, mask_phones_in_text, safe_for_download
from ui import actions, formats
from ui.cards import Card, cards
from ui.i18n import COLUMN_LABELS, METHOD_LABELS, SEVERITY_LABELS, label, lang, t, translate_columns
from ui.page import csv_bytes
from ui.theme import presenting

TABLE_TYPES = [suffix.lstrip(".") for suffix in TABLE_SUFFIXES]
SYSTEMS = {"wgs84": ("WGS-84（GPS）", "WGS-84 (GPS)"), "cgcs2000": ("CGCS2000（国家2000）", "CGCS2000"),
           "gcj02": ("GCJ-02（高德/腾讯）", "GCJ-02 (Amap/Tencent)"), "bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
           "epsg": ("EPSG 代码…", "EPSG code…")}
PRESENT_ROWS = 15   # rows of a table in projector mode: what a room can read on one screen
PREVIEW_COLUMNS = 5  # columns of an uploaded file's preview in projector mode
FIGURE = re.compile(r"^[+\-±]?[\d,]*\.?\d+\s*%?$")   # a printed figure: 1,234 / -2.5 / 95.9%


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _cell_texts(column: pd.Series) -> list[str]:
    """A column's values as a projected table prints them: counts with thousands separators, other numbers
    with one decimal, times to the minute, yes/no words, "—" for nothing."""
    if pd.api.types.is_bool_dtype(column):
        return [formats.DASH if _missing(v) else t("yes") if v else t("no") for v in column]
    if pd.api.types.is_datetime64_any_dtype(column):
        return [formats.DASH if _missing(v) else f"{v:%Y-%m-%d %H:%M}" for v in column]
    if pd.api.types.is_numeric_dtype(column):
        numbers = pd.to_numeric(column, errors="coerce").dropna()
        pattern = "{:,.0f}" if bool((numbers == numbers.round()).all()) else "{:,.1f}"
        return [formats.DASH if _missing(v) else pattern.format(v) for v in column]
    return [formats.DASH if _missing(v) else str(v) for v in column]


def _is_figures(texts: list[str]) -> bool:
    """Whether a column prints figures only (right-aligned), a dash standing for a missing one."""
    shown = [x for x in texts if x != formats.DASH]
    return bool(shown) and all(FIGURE.match(x) for x in shown)


def table_html(frame: pd.DataFrame, rows: int = PRESENT_ROWS) -> str:
    """The first ``rows`` rows of ``frame`` (index left out) as an HTML table of class ``gl-table``, with a line
    saying how many rows there are when some are left out. Every header and cell is escaped: the text
    comes from users' files."""
    columns = [_cell_texts(frame.iloc[:rows, i]) for i in range(frame.shape[1])]
    aligned = [' class="gl-num"' if _is_figures(texts) else "" for texts in columns]
    head = "".join(f"<th{a}>{html.escape(str(name))}</th>" for name, a in zip(frame.columns, aligned))
    body = "".join("<tr>" + "".join(f"<td{a}>{html.escape(texts[r])}</td>" for texts, a in zip(columns, aligned))
                   + "</tr>" for r in range(min(rows, len(frame))))
    note = ""
    if len(frame) > rows:
        note = f'<p class="gl-table-note">{html.escape(t("table_rows_shown", shown=rows, total=f"{len(frame):,}"))}</p>'
    return (f'<div class="gl-table-box"><table class="gl-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{note}</div>")


def show_table(frame: pd.DataFrame | Styler, *, present_columns: Sequence[str] | None = None,
               **dataframe_kwargs: Any) -> DeltaGenerator | DataframeState | None:
    """A table: ``st.dataframe`` as usual, or in projector mode a plain HTML table a room can read.

    Parameters
    ----------
    frame : DataFrame or Styler
        The table as shown (headers in the session's language). A Styler's colours are left out of
        the projected table: its text says the same.
    present_columns : sequence of str, optional
        The columns that matter in a meeting room, in the order shown (default: every column);
        names the frame does not have are skipped. The projected table shows the first
        ``PRESENT_ROWS`` rows and says how many there are.
    **dataframe_kwargs
        Passed to ``st.dataframe`` (height, selection, key, column_config…); unused in projector mode.
        A missing figure reads "—" either way, as in the projected table.

    Returns
    -------
    DeltaGenerator, DataframeState or None
        What ``st.dataframe`` returns; None in projector mode (no rows can be selected there).
    """
    if not presenting():
        drawn: DeltaGenerator | DataframeState = st.dataframe(frame, placeholder=formats.DASH, **dataframe_kwargs)
        return drawn
    data = frame.data if isinstance(frame, Styler) else frame   # type: ignore[attr-defined]  # (not in the stubs)
    if present_columns is not None:
        data = data[[c for c in present_columns if c in data.columns]]
    st.html(table_html(data))
    return None


def selected_rows(event: DeltaGenerator | DataframeState | None) -> list[int]:
    """The rows chosen in a table drawn by :func:`show_table` with ``on_select`` (none in projector mode)."""
    return list(event.selection.rows) if isinstance(event, DataframeState) else []


def coord_picker(key: str, allow_file: bool = False) -> str | None:
    """A coordinate-system choice; returns wgs84/cgcs2000/gcj02/bd09/EPSG:n, or None for 'as the file says'."""
    options = (["file"] if allow_file else []) + list(SYSTEMS)
    names = {**SYSTEMS, "file": (t("coord_from_file"), t("coord_from_file"))}
    choice = st.selectbox(t("coord_system"), options, key=key, help=t("coord_help"),
                          format_func=lambda k: names[k][0 if lang() == "zh" else 1])
    if choice == "file":
        return None
    if choice == "epsg":
        code = st.number_input(t("epsg_code"), min_value=1000, max_value=999999, value=4547, step=1, key=f"{key}_epsg")
        return f"EPSG:{int(code)}"
    return choice


def problem_table(report: ProblemReport, key: str) -> None:
    """The problem report as a table with its download, or a note that there is none."""
    st.subheader(t("problems"))
    frame = report.to_frame(lang())
    if frame.empty:
        st.success(t("problems_none"))
        return
    frame["severity"] = frame["severity"].map(lambda s: label(SEVERITY_LABELS, s))
    frame["value"] = mask_phones_in_text(frame["value"])
    shown = translate_columns(frame.drop(columns="code"))
    show_table(shown, present_columns=[label(COLUMN_LABELS, c) for c in ("row", "column", "reason")],
               hide_index=True, width="stretch", height=min(420, 38 + 35 * len(shown)))
    csv_download(t("download_csv"), shown, "problems.csv", key)


def result_metrics(rows_read: int, rows_imported: int, rows_rejected: int) -> None:
    """Three metrics: rows read, imported, rejected."""
    cards([Card(t("rows_read"), f"{rows_read:,}"), Card(t("rows_imported"), f"{rows_imported:,}"),
           Card(t("rows_rejected"), f"{rows_rejected:,}")], per_row=3)


def import_outcome(result: ImportResult | None, key: str) -> None:
    """Counts and the problem report of the last import of one kind (nothing before the first)."""
    if result is None:
        return
    result_metrics(result.rows_read, result.rows_imported, result.rows_rejected)
    problem_table(result.report, f"dl_{key}_problems")


def method_table(by_method: dict[str, int]) -> pd.DataFrame:
    """Counts by geocoding method with shares, labelled in the session's language."""
    frame = pd.DataFrame({"method": list(by_method), "count": list(by_method.values())})
    frame["method"] = frame["method"].replace("", "unplaced")
    frame = frame.groupby("method", as_index=False).agg(count=("count", "sum")).sort_values(by="count",
                                                                                            ascending=False)
    total = frame["count"].sum()
    frame["share"] = (frame["count"] / total).map("{:.1%}".format) if total else "—"
    frame["method"] = frame["method"].map(lambda m: label(METHOD_LABELS, m))
    labelled: pd.DataFrame = frame.rename(columns={"method": t("method"), "count": t("count"), "share": t("share")})
    return labelled


def show_methods(by_method: dict[str, int]) -> None:
    """The geocoding summary table (counts right-aligned with thousands separators)."""
    show_table(method_table(by_method), hide_index=True, width="stretch",
               column_config={t("count"): st.column_config.NumberColumn(format="localized")})


def show_read_error(err: ReadError) -> None:
    """Why a file could not be read or imported, one line per problem."""
    st.error(t("import_failed") + "\n\n" + "\n".join(f"- {formats.plain(mask_phone_text(p.message(lang())))}"
                                                    for p in err.report.problems))


def mapping_editor(headers: list[str], kind: str, token: str) -> dict[str, str]:
    """One select box per canonical field, pre-filled with the recognised header.

    Returns every field: its chosen header, or "" where the user left it out (so a recognised
    column the user cleared is not used by the import).
    """
    guessed = actions.guessed_mapping(headers, kind)
    st.markdown(f"**{t('mapping')}**")
    options = [""] + headers
    mapping, columns = {}, st.columns(4)
    for i, field in enumerate(actions.fields_for(kind)):
        with columns[i % 4]:
            mapping[field] = st.selectbox(label(COLUMN_LABELS, field), options,
                                          index=options.index(guessed.get(field, "")),
                                          format_func=lambda h: h or t("not_mapped"), key=f"map_{kind}_{field}_{token}")
    return mapping


@dataclass
class UploadedTable:
    """An uploaded table ready to import: its bytes, file name, a short content hash, the mapping and the
    sheet of a workbook (None for a CSV, or a workbook's first sheet)."""

    data: bytes
    name: str
    token: str
    mapping: dict[str, str]
    sheet: str | None = None


def table_upload(upload_label: str, kind: str, key: str) -> UploadedTable | None:
    """File uploader, preview of the first rows and the editable column mapping.

    A workbook with several sheets holding data gets a sheet choice. Returns None until a readable
    table is uploaded (a read error is shown in the page).
    """
    upload = st.file_uploader(upload_label, type=TABLE_TYPES, key=key)
    if upload is None:
        return None
    data = upload.getvalue()
    token = hashlib.sha1(data).hexdigest()[:10]
    sheet = None
    names = actions.sheets(data, upload.name)
    if len(names) > 1:
        sheet = st.selectbox(t("sheet_choice"), names, key=f"sheet_{kind}_{token}")
        token = f"{token}_{names.index(sheet)}"
    try:
        head, headers, report = actions.preview(data, upload.name, sheet)
    except ReadError as err:
        show_read_error(err)
        return None
    st.markdown(f"**{t('preview')}**")
    show_table(head, present_columns=list(head.columns[:PREVIEW_COLUMNS]), hide_index=True, width="stretch",
               height=min(260, 38 + 35 * len(head)))
    for note in report.problems:
        st.caption(formats.plain(note.message(lang())))
    return UploadedTable(data, upload.name, token, mapping_editor(headers, kind, token), sheet)


def csv_download(label: str, frame: pd.DataFrame, file_name: str, key: str) -> None:
    """A button that downloads ``frame`` as CSV (:func:`ui.page.csv_bytes`): the file is made when the button is
    clicked, and a click does not run the page again (see :func:`downloads`)."""
    st.download_button(label, functools.partial(csv_bytes, frame), file_name=file_name, mime="text/csv", key=key,
                       on_click="ignore")


def excel_bytes(frame: pd.DataFrame) -> bytes:
    """A table as an .xlsx workbook (one sheet); no cell is a formula and no phone number is whole
    (:func:`analysis.sanitise.safe_for_download`)."""
    out = io.BytesIO()
    safe_for_download(frame).to_excel(out, index=False, engine="openpyxl")
    return out.getvalue()


def downloads(frame: pd.DataFrame, stem: str, key: str) -> None:
    """CSV and Excel downloads of a table as shown (headers in the session's language).

    Side by side, each half the width; in projector mode each as wide as its label, the second one
    going under the first where the column is too narrow for both (a half-width button would cut
    its large label short).

    The files are made when a button is clicked, not on every run of the page: an Excel file of
    5,000 grids takes openpyxl about 2 CPU s, which every rerun of the page used to wait for. A click
    does not run the page again.
    """
    width: Literal["content", "stretch"] = "stretch"
    if presenting():
        left = right = st.container(horizontal=True)
        width = "content"
    else:
        left, right = st.columns(2)
    left.download_button(t("download_csv"), functools.partial(csv_bytes, frame), file_name=f"{stem}.csv",
                         mime="text/csv", key=f"{key}_csv", width=width, on_click="ignore")
    right.download_button(t("download_xlsx"), functools.partial(excel_bytes, frame), file_name=f"{stem}.xlsx",
                          key=f"{key}_xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", width=width,
                          on_click="ignore")


def _text_on(colour: str) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if 0.299 * red + 0.587 * green + 0.114 * blue < 140 else "#111111"


def coloured(frame: pd.DataFrame, columns: dict[str, tuple[pd.Series, str]]) -> Styler:
    """A Styler colouring each named column by the map's classes of its values (``{column: (values, kind)}``).

    ``kind`` is a :func:`analysis.maps.classes.classify` kind: ``bad``, ``good``, ``rate`` or ``norm``.
    """
    styler = frame.style.format(precision=1, na_rep="—")
    for column, (values, kind) in columns.items():
        styles = [f"background-color: {c}; color: {_text_on(c)}" for c in classify(values, kind).colours]
        styler = styler.apply(lambda _, css=styles: css, subset=[column])
    return styler
