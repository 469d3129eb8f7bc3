"""Numbers as GridLens prints them (pages, handouts, CLI), in Chinese or English: "—" for nothing to measure."""
from __future__ import annotations

import math

DASH = "—"
UNITS = {"days": ("天", "days"), "points": ("个百分点", "pts")}


def _unit(name: str, lang: str) -> str:
    zh, en = UNITS[name]
    return zh if lang == "zh" else en


def missing(value: object) -> bool:
    """True for None and for a float that is not finite (NaN: nothing to measure)."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def count(value: float | None) -> str:
    """1234 -> '1,234'."""
    return DASH if missing(value) else f"{value:,.0f}"


def percent(value: float | None) -> str:
    """0.9588 -> '95.9%'."""
    return DASH if missing(value) else f"{value:.1%}"


def days(value: float | None, lang: str = "zh") -> str:
    """1.353 -> '1.4 天' / '1.4 days'."""
    return DASH if missing(value) else f"{value:.1f} {_unit('days', lang)}"


def value(kind: str, number: float | None, lang: str = "zh") -> str:
    """A figure of kind ``count``, ``rate`` or ``days``."""
    if kind == "days":
        return days(number, lang)
    return {"count": count, "rate": percent}[kind](number)


def shown_change(kind: str, difference: float) -> float:
    """The change as printed: percentage points with one decimal for rates, one decimal for days, whole counts."""
    return round(difference * 100, 1) if kind == "rate" else round(difference, 1 if kind == "days" else 0)


def flat(kind: str, difference: float | None) -> bool:
    """True when there is no change to colour: unknown, or zero once rounded as printed."""
    return difference is None or missing(difference) or shown_change(kind, difference) == 0


def change(kind: str, difference: float | None, lang: str = "zh") -> str | None:
    """The change against an earlier period: '+12', '-2.1 个百分点', '+0.3 天'; None when unknown."""
    if difference is None or missing(difference):
        return None
    shown = shown_change(kind, difference)
    sign = "±" if shown == 0 else "+" if shown > 0 else "-"
    if kind == "rate":
        return f"{sign}{abs(shown):.1f} {_unit('points', lang)}"
    if kind == "days":
        return f"{sign}{abs(shown):.1f} {_unit('days', lang)}"
    return f"{sign}{abs(shown):,.0f}"
