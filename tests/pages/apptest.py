"""Helpers of the page tests: run the app from its entry point against a store, read its metrics."""
from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analysis.metrics import Filters, Kpi, kpis, load_dataset
from analysis.metrics import resolution as r
from analysis.store import Store
from tests.conftest import ROOT

TIMEOUT = 60


def page(path: str, store: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """Start the app at its entry point (as a browser does) against ``store``, then open ``path``."""
    monkeypatch.setenv("GRIDLENS_DB", store.url)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    """The value of the metric labelled ``label``."""
    return str(next(m.value for m in at.metric if m.label == label))


def figures_for(store: Store, **filters: object) -> dict[str, Kpi]:
    """The overview's KPIs computed straight from the analysis functions (what the page must show)."""
    ds = load_dataset(store)
    chosen = Filters(**filters)  # type: ignore[arg-type]
    period = chosen.resolve(ds.anchor)
    return {k.key: k for k in kpis(ds, chosen, r.period_flags(ds.incidents, period),
                                   r.period_flags(ds.incidents, period.previous()))}
