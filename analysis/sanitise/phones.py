"""Personal data shown masked: residents' phone numbers never appear whole on a page or in a download."""
from __future__ import annotations

import re

import pandas as pd

_DIGITS = re.compile(r"\D")


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
