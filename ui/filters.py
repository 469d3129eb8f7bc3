"""The shared filters in the sidebar: one set for every analysis page, kept across pages and in the URL.

The filters live in ``st.session_state["filters"]`` (an :class:`analysis.metrics.filters.Filters`), not in
the widgets: Streamlit forgets a widget's value on a page that does not draw it, so each run seeds
the widgets from the stored filters, reads them back, stores the result and writes it into the
URL (``?period=month&community=…``). A fresh session starts from the URL, so a link reopens a view.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, TypeAlias

import pandas as pd
import streamlit as st

from analysis.metrics.dataset import Dataset
from analysis.metrics.filters import STATUSES, Filters, from_query, to_query
from analysis.metrics.periods import PRESETS, Period
from analysis.metrics.resolution import PeriodFlags
from analysis.settings import Settings, load_settings
from ui import formats, loaders
from ui.errors import guarded
from ui.i18n import lang, t
from ui.loaders import Query
from ui.page import setup

STATE = "filters"
KEYS = {"period": "f_period", "range": "f_range", "community": "f_community", "grid": "f_grid",
        "categories": "f_categories", "subcategories": "f_subcategories", "sources": "f_sources",
        "status": "f_status", "version": "f_version"}
KEEP_PARAMS = ("lang", "present")
PAGE, DRAWING = "filters_page", "filters_drawing"   # the page that last drew the filters, the one drawing now


ViewKey: TypeAlias = tuple[str, int, Query, pd.Timestamp, pd.Timestamp]
"""Revision, boundary version, filters, period start and end: what every cached page loader starts with."""


@dataclass
class View:
    """What an analysis page works on: the filters, the data of their boundary version, the period."""

    filters: Filters
    dataset: Dataset
    period: Period
    rev: str
    version: int
    settings: Settings

    @property
    def query(self) -> tuple[tuple[str, str], ...]:
        """The filters as sorted URL pairs: a small hashable key for the cached loaders."""
        return tuple(sorted(to_query(self.filters).items()))

    @property
    def key(self) -> ViewKey:
        """Arguments every cached page loader starts with: revision, version, filters, period."""
        return self.rev, self.version, self.query, self.period.start, self.period.end

    def flags(self, period: Period | None = None) -> PeriodFlags:
        """:func:`analysis.metrics.resolution.period_flags` of ``period`` (default: the chosen one), cached."""
        period = period or self.period
        return loaders.flags(self.rev, self.version, period.start, period.end)


def current() -> Filters:
    """The session's filters (from the URL on the session's first page)."""
    if STATE not in st.session_state:
        st.session_state[STATE] = from_query(st.query_params.to_dict())
    filters: Filters = st.session_state[STATE]
    return filters


@guarded
def set_filters(**changes: Any) -> None:
    """Change some filters from code (a button, a table click); the widgets follow on the next run."""
    st.session_state[STATE] = replace(current(), **changes)
    for name in changes:
        st.session_state.pop(KEYS.get(name, ""), None)
    if "period" in changes or "first" in changes:
        st.session_state.pop(KEYS["range"], None)


@guarded
def set_filters_everywhere(**changes: Any) -> None:
    """:func:`set_filters` from a widget inside a fragment: the whole page runs again, so that the sidebar
    and every part of the page follow the new filters (not only the fragment)."""
    set_filters(**changes)
    st.rerun()


@guarded
def filter_to_row(table_key: str, grid_ids: list[str], communities: list[str]) -> None:
    """``on_select`` of a table with a row per grid: the chosen row's grid becomes the filter (and the
    selection is cleared, so that the table can be clicked again)."""
    event = st.session_state.get(table_key)
    rows = list(event.selection.rows) if event is not None else []
    if rows:
        set_filters(grid=grid_ids[rows[0]], community=communities[rows[0]])
    st.session_state.pop(table_key, None)


def _seed(name: str, value: object) -> str:
    """The widget key of filter ``name``, given ``value`` first when the widget has none (or is new to this page)."""
    key = KEYS[name]
    if key not in st.session_state or st.session_state.get(PAGE) != st.session_state.get(DRAWING):
        st.session_state[key] = value
    return key


def _all(label: str) -> str:
    return label or t("all")


def sidebar(page: str) -> View | None:
    """Draw the filters in the sidebar and return the page's :class:`View` (None when there are no grids).

    ``page`` names the page drawing them: on a page other than the last one, every widget starts
    from the stored filters (Streamlit treats the same key on another page as a new widget).
    """
    filters = current()
    st.session_state[DRAWING] = page
    rev = loaders.revision()
    versions = loaders.versions(rev)
    if versions.empty:
        st.info(t("no_boundaries"))
        return None
    ids = versions["version_id"].astype(int).tolist()
    names = {v: n if not since else t("version_since", name=n, date=since)
             for v, n, since in zip(ids, versions["name"], versions["effective_from"])}
    current_id = int(versions.loc[versions["is_current"].astype(bool), "version_id"].iloc[0])
    if filters.version and filters.version not in ids:
        filters = replace(filters, version=0)
    with st.sidebar:
        st.markdown(f"**{t('filters')}**")
        version = st.selectbox(t("f_version"), ids, key=_seed("version", filters.version or current_id),
                               format_func=lambda v: t("version_current", name=names[v]) if v == current_id
                               else names[v])
    ds = loaders.dataset(rev, version)
    options = loaders.filter_options(rev, version)
    anchor = ds.anchor if ds.anchor is not None else pd.Timestamp.now()
    with st.sidebar:
        period = st.selectbox(t("f_period"), PRESETS, key=_seed("period", filters.period),
                              format_func=lambda p: t(f"period_{p}"))
        first, last = filters.first, filters.last
        if period == "custom":
            default = filters.resolve(anchor) if filters.period == "custom" else Filters().resolve(anchor)
            days = st.date_input(t("f_range"), key=_seed("range", (default.start.date(), default.last_day().date())),
                                 format="YYYY-MM-DD")
            if isinstance(days, (tuple, list)) and len(days) == 2:
                first, last = days[0].isoformat(), days[1].isoformat()
        communities = [""] + options["communities"]
        if filters.community not in communities:
            filters = replace(filters, community="", grid="")
        community = st.selectbox(t("f_community"), communities, key=_seed("community", filters.community),
                                 format_func=_all)
        grids = [g for g in options["grids"] if not community or g["community"] == community]
        grid_names = {g["grid_id"]: g["name"] for g in grids}
        grid_options = [""] + list(grid_names)
        if st.session_state.get(KEYS["grid"], filters.grid) not in grid_options:
            st.session_state[KEYS["grid"]] = ""
        grid = st.selectbox(t("f_grid"), grid_options, key=_seed("grid", filters.grid),
                            format_func=lambda g: grid_names.get(g, "") or t("all"))
        categories = st.multiselect(t("f_categories"), options["categories"], placeholder=t("all_multi"),
                                    key=_seed("categories", [c for c in filters.categories
                                                             if c in options["categories"]]))
        subs = [s["subcategory"] for s in options["subcategories"] if not categories or s["category"] in categories]
        if any(s not in subs for s in st.session_state.get(KEYS["subcategories"], [])):
            st.session_state[KEYS["subcategories"]] = [s for s in st.session_state[KEYS["subcategories"]] if s in subs]
        subcategories = st.multiselect(t("f_subcategories"), subs, placeholder=t("all_multi"),
                                       key=_seed("subcategories", [s for s in filters.subcategories if s in subs]))
        sources = st.multiselect(t("f_sources"), options["sources"], placeholder=t("all_multi"),
                                 key=_seed("sources", [s for s in filters.sources if s in options["sources"]]))
        status = st.radio(t("f_status"), STATUSES, key=_seed("status", filters.status), horizontal=True,
                          format_func=lambda s: t(f"status_{s}"))
    chosen = Filters(period=period, first=first if period == "custom" else "", last=last if period == "custom" else "",
                     community=community or "", grid=grid or "", categories=tuple(categories), subcategories=tuple(subcategories),
                     sources=tuple(sources), status=status, version=0 if version == current_id else version)
    st.session_state[STATE] = chosen
    st.session_state[PAGE] = page
    kept: dict[str, str] = {k: st.query_params[k] for k in KEEP_PARAMS if k in st.query_params}
    st.query_params.from_dict(kept | to_query(chosen))
    return View(chosen, ds, chosen.resolve(anchor), rev, version, load_settings())


def scope_text(view: View) -> str:
    """The filters' place and kinds in words (for captions and reports)."""
    f = view.filters
    parts = [f.community] if f.community else []
    if f.grid:
        names = view.dataset.grid_names
        parts.append(names.get(f.grid, f.grid))
    parts += list(f.categories) + list(f.subcategories) + list(f.sources)
    if f.status != "all":
        parts.append(t(f"status_{f.status}"))
    separator = "、" if lang() == "zh" else ", "
    return separator.join(parts) or t("whole_street")


def period_caption(view: View) -> str:
    """The period line under a page title: the dates, the previous period, and how recent the data is."""
    p, q = view.period, view.period.previous()
    anchor = view.dataset.anchor
    return t("period_line", label=t(f"period_{view.filters.period}"), first=p.start.date(), last=p.last_day().date(),
             days=p.days, pfirst=q.start.date(), plast=q.last_day().date(),
             anchor=anchor.strftime("%Y-%m-%d %H:%M") if anchor is not None else "—")


def analysis_page(page: str, title: str, needs: tuple[str, ...] = ()) -> View:
    """Start an analysis page: set-up, title, the shared filters and the period line; stops the page when
    the store has no grids yet (the sidebar then says what to do).

    ``needs`` are the gaps of the data (:data:`analysis.metrics.completeness.GAPS`) that matter to the
    page: each one the data has is named, with how to fill it.
    """
    setup(page)
    st.title(t(title))
    view = sidebar(page)
    if view is None:
        st.stop()
    st.caption(period_caption(view) + "　" + t("scope_line", scope=formats.plain(scope_text(view))))
    show_gaps(view.rev, view.version, needs)
    return view


def show_gaps(rev: str, version: int, needs: tuple[str, ...]) -> None:
    """Name each gap of the data in ``needs`` that the data of ``version`` has, with how to fill it."""
    found = loaders.gaps(rev, version)
    for gap in needs:
        if gap in found:
            st.info(t(f"gap_{gap}"))
