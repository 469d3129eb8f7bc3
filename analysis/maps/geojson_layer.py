"""A GeoJSON layer whose script is written once, for maps that are built once and drawn on every run.

A page keeps its map in a cache and draws a copy of it on every run (``ui.map_figure.fresh_copy``), and
streamlit-folium renders the copy again. folium renders a ``GeoJson`` layer by writing its script (the data
as JSON), handing that text to Jinja to read as a new template (branca's ``MacroElement.render``), and
streamlit-folium writes the script a second time to collect the map's code. For 5,000 grids that is a
3 MB script written twice and parsed once on every run, about 1 CPU s.

:class:`WrittenGeoJson` writes its script once, with folium's own ``GeoJson`` template, when the map is
built (:func:`write_layers`) or first rendered; later renders, and the renders of every copy of the map
(the copies share the text, which is immutable), reuse that text and add it to the page as it is, without
Jinja reading it again. Its bounds are worked out once as well: folium walks every coordinate in Python
to find them on each render.

A layer that changes after its script was written would draw as it was: write the layers only when the map
is complete.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
from branca.element import Element, Figure, MacroElement, Template  # type: ignore[attr-defined]
from folium.elements import ElementAddToElement
from folium.features import GeoJsonStyleMapper
from folium.utilities import get_bounds, get_obj_in_upper_tree


class _Text(Element):
    """Text added to the page as it is (no template is made of it)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class TextParts(MacroElement):
    """A ``MacroElement`` whose parts (its template's ``header``, ``html`` and ``script`` macros) go into the page
    as the text they render to. branca's ``MacroElement.render`` makes each part a new Jinja template, which Jinja
    reads again character by character and renders a second time: for a part carrying data (the week player's
    images, 0.7 MB at city size; every grid's name) that costs more than writing it, and a second rendering of
    text from files is one more place a ``{{`` in it could be read as Jinja."""

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's returns nothing either
        figure = self.get_root()
        assert isinstance(figure, Figure), "an element renders in a figure"
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            if part in macros:
                getattr(figure, part).add_child(_Text(macros[part](self, kwargs)), name=self.get_name())
        for element in list(self._children.values()):
            element.render(**kwargs)


class WrittenGeoJson(folium.GeoJson):
    """``folium.GeoJson`` whose script and bounds are worked out once (see the module docstring)."""

    # What streamlit-folium reads to collect the map's code: the text written once.
    _template = Template("{% macro script(this, kwargs) %}{{ this.written_script() }}{% endmacro %}")

    def __init__(self, *args: Any, bounds: list[list[float | None]] | None = None, **kwargs: Any) -> None:
        """``folium.GeoJson``'s arguments, and the data's ``bounds`` ([[south, west], [north, east]]) when the
        caller knows them (folium finds them by walking every coordinate in Python)."""
        super().__init__(*args, **kwargs)
        self._script: str | None = None
        self._written_id = ""
        self._bounds = bounds

    def write(self) -> None:
        """Write the layer's script with folium's ``GeoJson`` template, as ``folium.GeoJson.render`` does
        (the styles of the features are looked up first), and its bounds. Once; the layer must be on its map."""
        if self._script is not None:
            return
        self.parent_map = get_obj_in_upper_tree(self, folium.Map)  # type: ignore[assignment]  # folium's own line
        if (self.style or self.highlight) and self.data["features"]:
            mapper = GeoJsonStyleMapper(self.data, self.feature_identifier, self)
            if self.style:
                self.style_map = style_mapping(mapper, self.style_function)
            if self.highlight:
                self.highlight_map = style_mapping(mapper, self.highlight_function)
        self._script = folium.GeoJson._template.module.script(self, {})
        self._written_id = self._id
        if self._bounds is None:
            self._bounds = get_bounds(self.data, lonlat=True)
        # the maps of styles to features are in the script now; copies of the map need not copy them
        self.style_map, self.highlight_map = {}, {}

    def written_script(self) -> str:
        """The layer's script (written on first use), with the layer's id as it is now: streamlit-folium
        renames the elements while it collects the map's code."""
        self.write()
        assert self._script is not None
        return self._script if self._id == self._written_id else self._script.replace(self._written_id, self._id)

    def _get_self_bounds(self) -> list[list[float | None]]:
        self.write()
        assert self._bounds is not None
        return self._bounds

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # folium's returns nothing either
        """What ``folium.GeoJson.render`` adds to the page, from the text written once: the layer's script,
        the line that adds it to its map when shown (``folium.map.Layer.render``), and its children's
        (the tooltip)."""
        figure = self.get_root()
        assert isinstance(figure, Figure) and self._parent is not None, "a layer renders on its map"
        if self.show:
            self.add_child(ElementAddToElement(element_name=self.get_name(),
                                               element_parent_name=self._parent.get_name()),
                           name=self.get_name() + "_add")
        figure.script.add_child(_Text(self.written_script()), name=self.get_name())
        for element in list(self._children.values()):
            element.render(**kwargs)


@dataclass(frozen=True)
class IndexedStyles:
    """The styles of a layer of numbered features (feature i's ``id`` is i): feature i has ``styles[index[i]]``.

    A style function for folium (called with a feature, it returns the feature's style) whose style map
    :func:`style_mapping` makes from the index, without calling it for each feature: the grid layer of 5,000
    grids has a dozen styles."""

    styles: list[dict[str, Any]]
    index: np.ndarray

    def __call__(self, feature: dict[str, Any]) -> dict[str, Any]:
        return self.styles[int(self.index[feature["id"]])]

    def mapping(self) -> dict[str, Any]:
        """folium's style map of the features (``GeoJsonStyleMapper.get_style_map``): each style as JSON, mapped to
        the numbers of the features that have it, in the order the features first use them; the greatest list of
        numbers (as folium compares them) as ``default``."""
        index = np.asarray(self.index, dtype=np.int64)
        used, first = np.unique(index, return_index=True)
        by_style = np.argsort(index, kind="stable")           # the features of each style together, in order
        ends = np.cumsum(np.bincount(index, minlength=len(self.styles)))
        starts = ends - np.bincount(index, minlength=len(self.styles))
        mapping: dict[str, Any] = {}
        for style in used[np.argsort(first)].tolist():       # styles in the order the features first use them
            ids = mapping.setdefault(GeoJsonStyleMapper._to_key(self.styles[style]), [])
            ids.extend(by_style[starts[style]:ends[style]].tolist())
        for ids in mapping.values():
            ids.sort()                     # two equal styles at different positions: one list, in feature order
        GeoJsonStyleMapper._set_default_key(mapping)
        return mapping


def style_mapping(mapper: GeoJsonStyleMapper, style_of: Callable[[dict[str, Any]], dict[str, Any]]
                  ) -> dict[str, Any]:
    """folium's mapping of each style (as JSON) to the features that have it, the most used as ``default``
    (``GeoJsonStyleMapper.get_style_map``), with each distinct style written as JSON once, not once per feature
    (5,000 grids have a dozen styles). A style with a value that cannot be a key (a list) or that is an element
    is mapped by folium. :class:`IndexedStyles` map themselves."""
    if isinstance(style_of, IndexedStyles):
        return style_of.mapping()
    groups: dict[tuple[Any, ...], tuple[dict[str, Any], list[Any]]] = {}
    try:
        for feature in mapper.data["features"]:
            style = style_of(feature)
            if any(isinstance(value, MacroElement) for value in style.values()):
                raise TypeError("an element as a style value: folium renders it")
            key = tuple((name, type(value).__name__, value) for name, value in sorted(style.items()))
            groups.setdefault(key, (style, []))[1].append(mapper.get_feature_id(feature))
    except TypeError:
        return mapper.get_style_map(style_of)
    mapping: dict[str, Any] = {GeoJsonStyleMapper._to_key(style): ids for style, ids in groups.values()}
    GeoJsonStyleMapper._set_default_key(mapping)
    return mapping


def write_layers(element: MacroElement) -> None:
    """Write the script of every :class:`WrittenGeoJson` under ``element`` (a complete map)."""
    if isinstance(element, WrittenGeoJson):
        element.write()
    for child in list(getattr(element, "_children", {}).values()):
        write_layers(child)
