"""Colour classes of a measure on a map or in a table (:func:`classify`): no folium here, so a page that only
colours table cells does not load the map builder."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

NO_DATA = "#d9d9d9"
BAD_HIGH = ("#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704")   # more is worse: oranges
GOOD_HIGH = ("#f7fcf5", "#c7e9c0", "#74c476", "#238b45", "#00441b")  # more is better: greens
RATE_BREAKS = (0.6, 0.8, 0.9, 0.95)
RATE_COLOURS = ("#b2182b", "#ef8a62", "#fddbc7", "#a6dba0", "#1b7837")  # red (low) to green (high)
NORM_COLOURS = {"below": "#6baed6", "within": "#f7f7f7", "above": "#e6550d"}


@dataclass
class Classes:
    """Colour of each grid, and the legend: (colour, label) pairs, labels as text or a key to translate."""

    colours: list[str]
    legend: list[tuple[str, str]]

    def take(self, positions: ArrayLike) -> Classes:
        """The colours of the grids at ``positions`` (a map drawing some of the grids classified), same legend."""
        return Classes([self.colours[i] for i in np.asarray(positions, dtype=int)], self.legend)


def _number(value: float, percent: bool) -> str:
    if percent:
        return f"{value:.0%}"
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.1f}"


def classify(values: ArrayLike, kind: str) -> Classes:
    """Colours for a measure: ``bad``/``good`` counts in up to 5 quantile classes, ``rate`` in fixed
    classes (<60 %, 60-80 %, 80-90 %, 90-95 %, ≥95 %), ``norm`` by position (below/within/above).

    NaN (nothing to measure) is grey with the legend key ``no_data``.
    """
    if kind == "norm":
        colours = [NORM_COLOURS.get(str(v), NO_DATA) for v in np.asarray(values, dtype=object)]
        return Classes(colours, [(NORM_COLOURS[k], k) for k in ("below", "within", "above")])
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    if kind == "rate":
        breaks, palette = np.array(RATE_BREAKS), tuple(RATE_COLOURS)
        edges = [0.0, *RATE_BREAKS, 1.0]
    else:
        palette = tuple(BAD_HIGH if kind == "bad" else GOOD_HIGH)
        positive = values[finite & (values > 0)]
        breaks = np.unique(np.quantile(positive, [0.2, 0.4, 0.6, 0.8])) if len(positive) else np.array([])
        breaks = np.unique(np.r_[0.0, breaks])[1:] if len(breaks) else breaks
        palette = palette[-(len(breaks) + 1):] if len(breaks) < 4 else palette
        edges = [0.0, *breaks, float(positive.max()) if len(positive) else 0.0]
    cls = np.searchsorted(breaks, values, side="right")
    colours = [palette[c] if ok else NO_DATA for c, ok in zip(cls, finite)]
    percent = kind == "rate"
    legend = [(palette[i], f"{_number(edges[i], percent)} – {_number(edges[i + 1], percent)}")
              for i in range(len(palette)) if i < len(edges) - 1]
    if not finite.all():
        legend.append((NO_DATA, "no_data"))
    return Classes(colours, legend)
