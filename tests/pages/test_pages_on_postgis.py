"""Every page on a PostgreSQL/PostGIS store holding the demo street: it runs without an error and shows the
same figures, tables and charts as on the SQLite store holding the same street."""
from __future__ import annotations

import pytest

from analysis.store.database import Store
from tests.pages.apptest import figure_cards, page
from ui.page import PAGES


def _seen(at) -> dict[str, object]:
    """What a reader takes from a page: its figure cards, table sizes, number of charts and maps, messages."""
    return {"cards": figure_cards(at), "tables": [len(d.value) for d in at.dataframe],
            "charts": len(at.get("plotly_chart")), "errors": [e.value for e in at.error],
            "warnings": [w.value for w in at.warning]}


@pytest.mark.parametrize("script", [script for script, _, _ in PAGES])
def test_a_page_shows_the_same_on_postgis_as_on_sqlite(script, demo_postgis, demo_store, monkeypatch):
    postgis = page(script, Store(demo_postgis), monkeypatch)
    sqlite = page(script, demo_store, monkeypatch)
    seen = _seen(postgis)
    assert seen == _seen(sqlite)
    assert seen["errors"] == []
    if script in ("pages/overview.py", "pages/workload.py", "pages/resolution.py", "pages/status.py"):
        assert seen["cards"] or (seen["tables"] and seen["charts"]), "the page's figures are drawn"
