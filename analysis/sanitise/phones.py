"""Personal data shown masked: residents' phone numbers never appear whole on a page or in a download.

Two kinds of text carry them: the phone column itself (:func:`mask_phone`), and free text (addresses,
descriptions, a rejected row's raw content) where a number is typed among words
(:func:`mask_phone_text`). Mobile numbers (11 digits from 1[3-9], with or without +86 and separators)
and landlines with an area code (0xx-xxxxxxxx) are masked in free text; other numbers (house numbers,
ids, dates) are left alone.
"""
from __future__ import annotations

import re

import pandas as pd

_DIGITS = re.compile(r"\D")
# a mobile number, perhaps with +86/86 and spaces or dashes inside (138 1234 1234, 138-1234-1234)
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[\s\-]?)?1[3-9]\d(?:[\s\-]?\d{4}){2}(?!\d)")
# a landline with its area code: 0731-85551234, (0731)85551234, 010 6555 1234
_LANDLINE = re.compile(r"(?<![0-9A-Za-z])(?:\(0\d{2,3}\)|0\d{2,3})[\s\-]?\d{3,4}[\s\-]?\d{4}(?!\d)")


def mask_phone(phone: str) -> str:
    """'13812341234' -> '138****1234': the first 3 and last 4 digits of 11 or more; shorter -> '****' + last 2.

    A leading country code 86 (``+86 138…``) is dropped first. Empty stays empty.
    """
    digits = _DIGITS.sub("", str(phone or ""))
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not digits:
        return ""
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    return "****" + digits[-2:]


def mask_phones(values: pd.Series) -> pd.Series:
    """:func:`mask_phone` over a column (each distinct number once)."""
    return values.map({v: mask_phone(v) for v in values.unique()})


def mask_phone_text(text: str) -> str:
    """Free text with every phone number in it masked (``联系13812341234王先生`` -> ``联系138****1234王先生``)."""
    text = _MOBILE.sub(lambda m: mask_phone(m.group(0)), str(text))
    return _LANDLINE.sub(lambda m: mask_phone(m.group(0)), text)


def mask_phones_in_text(values: pd.Series) -> pd.Series:
    """:func:`mask_phone_text` over a column of free text ('' for a missing cell)."""
    text = values.astype(object).where(values.notna(), "").map(str)
    return text.map({v: mask_phone_text(v) for v in text.unique()}).astype(str)
