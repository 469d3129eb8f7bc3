"""Numbers as the pages print them, in the session's language: "—" for nothing to measure."""
from __future__ import annotations

import math
import re

from ui.i18n import t

DASH = "—"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def count(value: float | None) -> str:
    """1234 -> '1,234'."""
    return DASH if _missing(value) else f"{value:,.0f}"


def percent(value: float | None) -> str:
    """0.9588 -> '95.9%'."""
    return DASH if _missing(value) else f"{value:.1%}"


def days(value: float | None) -> str:
    """1.353 -> '1.4 天' / '1.4 days'."""
    return DASH if _missing(value) else f"{value:.1f} {t('unit_days')}"


def value(kind: str, number: float | None) -> str:
    """A figure of kind ``count``, ``rate`` or ``days``."""
    return {"count": count, "rate": percent, "days": days}[kind](number)


def _shown(kind: str, difference: float) -> float:
    """The change as printed: percentage points with one decimal for rates, one decimal for days, whole counts."""
    return round(difference * 100, 1) if kind == "rate" else round(difference, 1 if kind == "days" else 0)


def flat(kind: str, difference: float | None) -> bool:
    """True when there is no change to colour: unknown, or zero once rounded as printed."""
    return difference is None or _missing(difference) or _shown(kind, difference) == 0


def change(kind: str, difference: float | None) -> str | None:
    """The change against the previous period: '+12', '-2.1 个百分点', '+0.3 天'; None when unknown."""
    if difference is None or _missing(difference):
        return None
    shown = _shown(kind, difference)
    sign = "±" if shown == 0 else "+" if shown > 0 else "-"
    if kind == "rate":
        return f"{sign}{abs(shown):.1f} {t('unit_points')}"
    if kind == "days":
        return f"{sign}{abs(shown):.1f} {t('unit_days')}"
    return f"{sign}{abs(shown):,.0f}"


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$^=])")


def plain(text: object) -> str:
    """Text from a file made safe for Streamlit's markdown (titles, captions, alerts): its punctuation is
    escaped, so that a name such as ``![x](http://…)`` or ``:red[…]`` shows as typed instead of fetching an
    image or changing colour."""
    return _MARKDOWN.sub(r"\\\1", str(text))
