"""Numbers as the pages print them, in the session's language: "—" for nothing to measure."""
from __future__ import annotations

import re

from analysis.report import numbers
from ui.i18n import lang

DASH = numbers.DASH
count, percent, flat = numbers.count, numbers.percent, numbers.flat


def days(value: float | None) -> str:
    """1.353 -> '1.4 天' / '1.4 days' (:func:`analysis.report.numbers.days` in the session's language)."""
    return numbers.days(value, lang())


def value(kind: str, number: float | None) -> str:
    """A figure of kind ``count``, ``rate`` or ``days`` (:func:`analysis.report.numbers.value`)."""
    return numbers.value(kind, number, lang())


def change(kind: str, difference: float | None) -> str | None:
    """The change against the previous period: '+12', '-2.1 个百分点', '+0.3 天'; None when unknown."""
    return numbers.change(kind, difference, lang())


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$^=])")


def plain(text: object) -> str:
    """Text from a file made safe for Streamlit's markdown (titles, captions, alerts): its punctuation is
    escaped, so that a name such as ``![x](http://…)`` or ``:red[…]`` shows as typed instead of fetching an
    image or changing colour."""
    return _MARKDOWN.sub(r"\\\1", str(text))
