"""Helpers of the page tests: run the app from its entry point against a store, read its metrics."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analysis.metrics import Filters, Kpi, kpis, load_dataset
from analysis.metrics import resolution as r
from analysis.store import Store
from tests.conftest import ROOT

TIMEOUT = 60


def page(path: str, store: Store, monkeypatch: pytest.MonkeyPatch, check: bool = True) -> AppTest:
    """Start the app at its entry point (as a browser does) against ``store``, then open ``path``
    (``check``: fail at once on an exception)."""
    monkeypatch.setenv("GRIDLENS_DB", store.url)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    at.switch_page(path).run()
    if check:
        assert not at.exception, at.exception
    return at


class _CardReader(HTMLParser):
    """Collects (label, value, change) of each ``gl-card`` in a block of HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[dict[str, str]] = []
        self._field: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if "gl-card" in classes:
            self.cards.append({})
        for name in ("label", "value", "change"):
            if f"gl-card-{name}" in classes:
                self._field = name

    def handle_endtag(self, tag: str) -> None:
        self._field = None

    def handle_data(self, data: str) -> None:
        if self._field and self.cards:
            self.cards[-1][self._field] = self.cards[-1].get(self._field, "") + data


def figure_cards(at: AppTest) -> dict[str, tuple[str, str | None]]:
    """Every figure card on the page (``ui.cards``): label -> (value, change or None), read from its HTML."""
    reader = _CardReader()
    for block in at.get("html"):
        reader.feed(block.proto.body)
    return {c["label"]: (c.get("value", ""), c.get("change")) for c in reader.cards if "label" in c}


def metric(at: AppTest, label: str) -> str:
    """The value of the figure card labelled ``label``."""
    return figure_cards(at)[label][0]


def figures_for(store: Store, **filters: object) -> dict[str, Kpi]:
    """The overview's KPIs computed straight from the analysis functions (what the page must show)."""
    ds = load_dataset(store)
    chosen = Filters(**filters)  # type: ignore[arg-type]
    period = chosen.resolve(ds.anchor)
    return {k.key: k for k in kpis(ds, chosen, r.period_flags(ds.incidents, period),
                                   r.period_flags(ds.incidents, period.previous()))}
