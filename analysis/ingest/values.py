"""Cell values as people type them into spreadsheets: ids with invisible or full-width characters,
numbers with units (12户, 2小时, 约30, 1.2万), yes/no words (是/否/√/×/在职/离职).

Each function takes a column of text and returns the values read plus a mask of the cells that
could not be read, so that the caller can report them (nothing is turned into 0 silently).
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# zero-width and other invisible characters that exports and copy-paste leave in ids
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u180e]")
_FLOAT_ID = re.compile(r"^(-?\d+)\.0+$")
_NUMBER = re.compile(r"^[约大概近超过余多共计合~≈＜<＞>+＋]*\s*(-?\d+(?:\.\d+)?)\s*(万)?\s*"
                     r"(户|人|口|名|个|小时|时|h|hrs?|hours?|分钟|min|次|件|栋|幢|套|间|%|％)?\s*[左右余多以上下]*$",
                     re.IGNORECASE)
TRUE_WORDS = frozenset({"是", "√", "✓", "✔", "y", "yes", "true", "t", "1", "活跃", "在职", "在册", "在岗", "有效",
                        "active", "启用", "正常"})
FALSE_WORDS = frozenset({"否", "×", "✗", "✘", "x", "n", "no", "false", "f", "0", "不活跃", "离职", "退出", "注销",
                         "停用", "无效", "inactive", ""})


def as_text(values: pd.Series) -> pd.Series:
    """Every cell as Python text ('' for a missing one), whatever the column's dtype."""
    return values.astype(object).where(values.notna(), "").map(str)


def clean_ids(values: pd.Series) -> pd.Series:
    """Ids as text a person would read as the same: NFKC (full-width digits and letters become ASCII),
    invisible characters removed, spaces stripped, and ``12.0`` (a number read as a float) as ``12``."""
    text = pa.array(as_text(values), type=pa.string())      # in Arrow: a million ids in a fraction of a second
    text = pc.replace_substring_regex(pc.utf8_normalize(text, "NFKC"), _INVISIBLE.pattern, "")
    text = pc.replace_substring_regex(pc.utf8_trim_whitespace(text), _FLOAT_ID.pattern, r"\1")
    return pd.Series(text.to_pylist(), index=values.index, dtype=object)


def parse_numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Numbers from text that may carry a unit or a hedge: ``12户`` → 12, ``2小时`` → 2, ``约30`` → 30,
    ``1.2万`` → 12000, ``1,234`` → 1234, full-width digits too.

    Returns
    -------
    numbers : pandas.Series of float
        NaN where a cell is empty or unreadable.
    unreadable : numpy.ndarray of bool
        True where a cell holds text that is not a number (empty cells are not unreadable).
    """
    text = as_text(values).map(lambda v: unicodedata.normalize("NFKC", v).strip().replace(",", ""))
    plain = pd.to_numeric(text.where(text != "", None), errors="coerce")
    out = plain.astype(float).to_numpy(copy=True)
    cells = text.to_numpy(dtype=object)
    for i in np.flatnonzero(np.isnan(out) & (text != "").to_numpy()).tolist():
        match = _NUMBER.match(str(cells[i]))
        if match:
            out[i] = float(match.group(1)) * (10_000 if match.group(2) else 1)
    unreadable = np.isnan(out) & (text != "").to_numpy()
    return pd.Series(out, index=values.index), unreadable


def parse_flags(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Yes/no from the words registers use: 是/√/Y/活跃/在职/在册 … are True, 否/×/N/离职/注销 … and an empty
    cell are False.

    Returns
    -------
    flags : pandas.Series of bool
    unreadable : numpy.ndarray of bool
        True where a cell holds a word that is neither (read as False, and to be reported).
    """
    text = as_text(values).map(lambda v: unicodedata.normalize("NFKC", v).strip().lower())
    yes = text.isin(TRUE_WORDS)
    return yes, (~yes & ~text.isin(FALSE_WORDS)).to_numpy()
