"""Figure cards: a label, a big number and its change, drawn as our own HTML.

Our own markup (classes ``gl-cards``, ``gl-card``, ``gl-card-label``, ``gl-card-value``,
``gl-card-change``) gives the projector styling stable hooks (``ui.theme``) instead of
Streamlit's internal test ids. Every text is escaped: labels and values may carry names from files.
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

TONES = ("good", "bad", "flat")


@dataclass(frozen=True)
class Card:
    """One figure.

    Attributes
    ----------
    label : str
        What the figure is, with its unit where it has one.
    value : str
        The figure as printed ("—" when there is nothing to measure).
    change : str or None
        The change against the previous period as printed ("+12", "-3.1 pp"); None for none.
    tone : str
        ``good`` (green), ``bad`` (red) or ``flat`` (grey): how the change reads.
    help : str
        A longer explanation, shown when the pointer rests on the card.
    """

    label: str
    value: str
    change: str | None = None
    tone: str = "flat"
    help: str = ""


def tone(change: float | None, better: str) -> str:
    """How a change reads: ``good`` when it goes the ``better`` way (``up`` or ``down``), ``bad`` the other
    way, ``flat`` when there is none (0, NaN or None)."""
    if change is None or change != change or change == 0:
        return "flat"
    return "good" if (change > 0) == (better == "up") else "bad"


def _arrow(card: Card) -> str:
    if card.change is None:
        return ""
    if card.tone == "flat":
        return ""
    return "▲ " if not card.change.startswith("-") else "▼ "


def cards_html(items: Sequence[Card], per_row: int = 4) -> str:
    """The cards as one HTML block (a grid of ``per_row`` columns), every text escaped."""
    if any(c.tone not in TONES for c in items):
        raise ValueError(f"tone must be one of {TONES}")
    cells = []
    for card in items:
        change = (f'<div class="gl-card-change gl-{card.tone}">{html.escape(_arrow(card) + card.change)}</div>'
                  if card.change is not None else "")
        title = f' title="{html.escape(card.help, quote=True)}"' if card.help else ""
        cells.append(f'<div class="gl-card"{title}><div class="gl-card-label">{html.escape(card.label)}</div>'
                     f'<div class="gl-card-value">{html.escape(card.value)}</div>{change}</div>')
    return f'<div class="gl-cards gl-cols-{max(1, min(per_row, 6))}">{"".join(cells)}</div>'


def cards(items: Sequence[Card], per_row: int = 4) -> None:
    """Draw figure cards, ``per_row`` to a row."""
    if items:
        st.html(cards_html(items, per_row))
