"""Tables for download that a spreadsheet opens safely.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is a formula
to Excel and LibreOffice: ``=HYPERLINK("http://…","点击")`` from an incident's description would turn
into a live link in the clerk's copy. Such text is prefixed with an apostrophe, which spreadsheets
show as text; plain numbers (``-5``, ``+3.2``) are left as they are. Phone numbers in the text are
masked too (:func:`analysis.sanitise.phones.mask_phone_text`).
"""
from __future__ import annotations

import re

import pandas as pd

from analysis.sanitise.phones import mask_phone_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")


def neutralise(text: str) -> str:
    """``text`` a spreadsheet reads as text, never as a formula (see the module docstring)."""
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text.strip()):
        return "'" + text
    return text


def safe_for_download(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and headers) are neutralised and have their phone numbers masked;
    numbers, dates and booleans are left as they are."""
    out = frame.copy()
    out.columns = [neutralise(mask_phone_text(str(c))) for c in out.columns]
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            cleaned = column.map(lambda v: neutralise(mask_phone_text(v)) if isinstance(v, str) else v)
            out.isetitem(position, cleaned.to_numpy(dtype=object))
    return out
