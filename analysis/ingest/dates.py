"""Tolerant, vectorised date parsing for the forms street-office and 311 exports use.

Recognised: ISO (``2024-03-01 08:00:00``), ``2024/3/1 8:00``, US short (``1/1/20 0:05``),
US long with AM/PM (``01/01/2018 12:05:00 AM``), ``Jan 1, 2019 3:05 PM``, Chinese (``2024年3月1日 8时5分``),
Chinese half-day words (``2019/1/1 下午3:05``: 上午/凌晨/早上 before noon, 下午/中午/晚上/傍晚 after), and Excel
serial day numbers (``45352.33`` = days since 1899-12-30). Each format is tried on the whole
column at once, most likely first (judged on a sample of the column); the first format that
parses a value wins for that value.

A time with an offset (``2024-03-01T08:00:00+08:00``, ``…Z``) is converted to the street's local
time (the ``timezone`` setting, Asia/Shanghai by default) and stored without one, like every other
time; a column may mix such times with local ones.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Tried in this order; day-first forms are deliberately absent (Chinese exports are Y/M/D,
# US exports M/D/Y).
_FORMATS = (
    "ISO8601",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d",
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y",
)
# Chinese half-day words before a time of day (2019/1/1 下午3:05), as Excel writes them in Chinese
_HALF_DAY = re.compile(r"(上午|早上|凌晨|AM|下午|中午|晚上|傍晚|PM)\s*(\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)", re.IGNORECASE)
_HALF_DAY_WORD = re.compile(r"上午|早上|凌晨|下午|中午|晚上|傍晚|AM|PM", re.IGNORECASE)
_AFTERNOON = ("下午", "中午", "晚上", "傍晚", "pm")
_HALF_DAY_FORMATS = ("%Y/%m/%d %I:%M %p", "%Y/%m/%d %I:%M:%S %p", "%Y-%m-%d %I:%M %p", "%Y-%m-%d %I:%M:%S %p")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_EXCEL_MIN, _EXCEL_MAX = 20000.0, 80000.0  # 1954 .. 2119: plausible serial day numbers
_CHINESE = re.compile(
    r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日?\s*(?:(\d{1,2})[时:点](?:(\d{1,2})分?)?(?::?(\d{1,2})秒?)?)?\s*$"
)


_SAMPLE = 200
_OFFSET = re.compile(r"(?:[zZ]|[+-]\d{2}:?\d{2})$")
DEFAULT_TIMEZONE = "Asia/Shanghai"


def _likely_formats(text: pd.Series) -> list[str]:
    """The formats ordered by how many of a sample of values they parse (ties keep list order)."""
    sample = text.dropna()
    sample = sample[sample != ""].head(_SAMPLE)
    if sample.empty:
        return list(_FORMATS)
    hits = {fmt: int(_try_format(sample, fmt).notna().sum()) for fmt in _FORMATS}
    return sorted(_FORMATS, key=lambda fmt: -hits[fmt])


def _try_format(text: pd.Series, fmt: str) -> pd.Series:
    """``text`` parsed with ``fmt`` (NaT where it does not fit; all NaT when the column cannot be parsed so)."""
    try:
        got = pd.to_datetime(text, format=fmt, errors="coerce")
    except (ValueError, OverflowError, TypeError):   # e.g. offsets pandas will not mix in one column
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    return got.dt.tz_localize(None) if getattr(got.dt, "tz", None) is not None else got


def _parse_chinese(values: pd.Series) -> pd.Series:
    parts = values.str.extract(_CHINESE)
    ok = parts[0].notna()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if ok.any():
        p = parts[ok].fillna("0").astype(int)
        out[ok] = pd.to_datetime(
            {"year": p[0], "month": p[1], "day": p[2], "hour": p[3], "minute": p[4], "second": p[5]},
            errors="coerce",
        )
    return out


def _parse_half_day(values: pd.Series) -> pd.Series:
    """Times written with a half-day word (``2019/1/1 下午3:05``, ``2019-01-01 上午 9:05:00``)."""
    def swap(found: re.Match[str]) -> str:
        hour_text = found.group(2)
        afternoon = found.group(1).lower() in _AFTERNOON
        hour = int(re.split("[:：]", hour_text)[0])
        if hour == 0 or hour > 12:          # already a 24-hour time: the word only repeats it
            return hour_text
        return f"{hour_text.replace('：', ':')} {'PM' if afternoon else 'AM'}"
    text = values.map(lambda v: _HALF_DAY.sub(swap, v))
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in _HALF_DAY_FORMATS:
        got = _try_format(text, fmt)
        out = out.fillna(got)
    plain = out.isna() & (text != values)   # a 24-hour time the word only repeated
    if plain.any():
        for fmt in _FORMATS:
            out[plain] = out[plain].fillna(_try_format(text[plain], fmt))
    return out


def parse_datetimes(values: pd.Series, timezone: str = DEFAULT_TIMEZONE) -> tuple[pd.Series, pd.Series]:
    """Parse a column of date texts.

    Parameters
    ----------
    values : pandas.Series
        Texts (or numbers, for Excel serials); empty and NaN mean "no date".
    timezone : str
        The IANA zone that times with an offset are converted to (then stored without one).

    Returns
    -------
    parsed : pandas.Series of datetime64[ns]
        NaT where empty or unparseable.
    bad : pandas.Series of bool
        True where a non-empty value could not be parsed (to report, never to drop silently).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values)
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert(timezone).dt.tz_localize(None)
        return parsed.astype("datetime64[ns]"), pd.Series(False, index=values.index)
    text = values.astype("string").str.strip()
    empty = text.isna() | (text == "")
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    todo = ~empty
    zoned = todo & text.str.contains(_OFFSET, na=False)
    if zoned.any():
        got = pd.to_datetime(text[zoned], format="ISO8601", utc=True, errors="coerce")
        hit = got.notna()
        if hit.any():
            local = got[hit].dt.tz_convert(timezone).dt.tz_localize(None).astype("datetime64[ns]")
            out[local.index] = local
            todo[local.index] = False
    for fmt in _likely_formats(text[todo]):
        if not todo.any():
            break
        got = _try_format(text[todo], fmt)
        hit = got.notna()
        if hit.any():
            out[hit[hit].index] = got[hit].astype("datetime64[ns]")
            todo[hit[hit].index] = False
    if todo.any():
        got = _parse_chinese(text[todo])
        hit = got.notna()
        out[hit[hit].index] = got[hit]
        todo[hit[hit].index] = False
    if todo.any() and text[todo].str.contains(_HALF_DAY_WORD, na=False).any():
        got = _parse_half_day(text[todo].astype(str))
        hit = got.notna()
        out[hit[hit].index] = got[hit]
        todo[hit[hit].index] = False
    if todo.any():
        num = pd.to_numeric(text[todo], errors="coerce")
        serial = num.between(_EXCEL_MIN, _EXCEL_MAX)
        if serial.any():
            days = num[serial].to_numpy(dtype=float)
            stamps = _EXCEL_EPOCH + pd.to_timedelta(np.round(days * 86400.0), unit="s")
            out[serial[serial].index] = stamps
            todo[serial[serial].index] = False
    return out, todo
