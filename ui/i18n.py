"""Chinese (default) and English labels. ``t(key)`` returns the label in the session's language."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from ui.labels import TEXT
from ui.labels.data import COLUMN_LABELS, LEVEL_LABELS, METHOD_LABELS, REASON_LABELS, SEVERITY_LABELS

LANGUAGES = {"zh": "中文", "en": "English"}
__all__ = ["COLUMN_LABELS", "LEVEL_LABELS", "METHOD_LABELS", "REASON_LABELS", "SEVERITY_LABELS", "TEXT", "label",
           "lang", "named", "t", "translate_columns"]

def lang() -> str:
    """The session's language: ``zh`` (default) or ``en``; read from the URL on first use."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", "zh")
        st.session_state["lang"] = wanted if wanted in LANGUAGES else "zh"
    return str(st.session_state["lang"])


def t(key: str, **values: object) -> str:
    """The label ``key`` in the session's language, with ``{name}`` fields filled in."""
    zh, en = TEXT[key]
    return (zh if lang() == "zh" else en).format(**values) if values else (zh if lang() == "zh" else en)


def label(table: dict[str, tuple[str, str]], key: str) -> str:
    """A label from one of the label tables (methods, reasons, columns), or the key itself."""
    pair = table.get(key)
    return key if pair is None else pair[0 if lang() == "zh" else 1]


def named(column: pd.Series, name: Callable[[Any], str]) -> pd.Series:
    """``column``'s values as ``name`` writes them, ``name`` called once per distinct value (a label looked up
    for each of 100,000 rows took a second)."""
    return column.map({v: name(v) for v in column.unique()})


def translate_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Rename canonical columns to their labels in the session's language (for display and export)."""
    return frame.rename(columns={c: label(COLUMN_LABELS, c) for c in frame.columns})
