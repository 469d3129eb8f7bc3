"""``make run``'s server (``python -m analysis serve``, which starts Streamlit through ``ui.launch``) reads the
default street's data while it starts, before any browser connects; a store it cannot read leaves the page to
report the problem."""
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import streamlit as st
from streamlit.testing.v1 import AppTest

from analysis.metrics.dataset import load_dataset
from analysis.metrics.overview import kpis
from analysis.store.database import Store
from tests.browser.harness import free_port
from tests.conftest import ROOT
from tests.pages.apptest import TIMEOUT
from ui import loaders
from ui.launch import (
    SCRIPT_THREAD,
    current_version,
    import_page_modules,
    prepare_home_page,
    prepare_map_cells,
    wait_for_quiet,
)


def _served_log(db_url: str, log: Path, until: str, timeout: float = 120) -> str:
    """Start ``python -m analysis serve`` on ``db_url``; its log once ``until`` appears in it (or the server
    ends, or ``timeout`` seconds pass); the server is stopped."""
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "analysis", "serve", "--port", str(free_port()), "--db", db_url],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while until not in log.read_text() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)   # polling the server's log: the condition is a line in it
        finally:
            proc.terminate()
            proc.wait(10)
    return log.read_text()


def test_the_server_reads_the_street_before_the_first_page(demo_db, tmp_path):
    url = f"sqlite:///{demo_db}"
    data = load_dataset(Store(url))
    text = _served_log(url, tmp_path / "server.log", "maps' cells prepared")
    assert f"first page prepared: {len(data.incidents)} incidents on {len(data.grids)} grids" in text
    assert re.search(r"other pages' modules imported: \d{2,} in", text)
    assert f"maps' cells prepared: {len(data.incidents)} incidents' density and hotspot cells" in text
    assert text.index("first page prepared") < text.index("other pages' modules imported") \
        < text.index("maps' cells prepared")                                         # the home page first
    assert "Traceback" not in text and "missing ScriptRunContext" not in text


def test_what_the_other_pages_compute_with_is_imported_after_the_home_page() -> None:
    """In a fresh interpreter the home page's modules leave the map's (folium, SciPy's statistics) unimported;
    :func:`import_page_modules` imports them, but not streamlit-folium: Streamlit registers its component only
    when it is imported in a script run (the browser test of the sidebar's link to the map holds to that)."""
    code = ("import json, sys; import ui.cards, ui.page, ui.widgets; from ui.launch import import_page_modules;"
            "watched = ('scipy.stats', 'folium', 'analysis.maps.build', 'analysis.maps.view');"
            "before = [m for m in watched if m in sys.modules]; done = import_page_modules();"
            "print(json.dumps([before, done, [m for m in watched if m not in sys.modules],"
            "                  [m for m in ('streamlit_folium', 'ui.map_figure') if m in sys.modules]]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    before, done, left, components = json.loads(out.stdout.strip().splitlines()[-1])
    assert before == [] and left == [] and components == []
    assert {"analysis.maps.build", "scipy.stats", "analysis.access.users", "plotly.express"} <= set(done)
    assert "analysis.maps.build.BASEMAPS" not in done        # a name imported from a module is not a module


def _run(seconds: float) -> threading.Thread:
    """A thread named as Streamlit names a page's run, lasting ``seconds``."""
    run = threading.Thread(target=time.sleep, args=(seconds,), name=SCRIPT_THREAD)
    run.start()
    return run


def test_the_later_work_waits_for_the_pages_runs_to_end() -> None:
    """The start-up thread's later work waits while a page's script runs, then for ``quiet`` seconds with none
    (the browser still asks for the page's files after its run), at most its limit; with no run, only ``quiet``."""
    run, started = _run(0.6), time.monotonic()
    wait_for_quiet()
    assert not run.is_alive() and 0.5 < time.monotonic() - started < 2.0
    run, started = _run(0.6), time.monotonic()
    wait_for_quiet(1.0)
    assert 1.5 < time.monotonic() - started < 3.0                   # the run, then a second with none
    started = time.monotonic()
    wait_for_quiet(0.5)
    assert 0.4 < time.monotonic() - started < 1.5
    run, started = _run(4.0), time.monotonic()
    wait_for_quiet(1.0, limit=0.5)
    assert run.is_alive() and time.monotonic() - started < 2.0
    run.join()
    calls: list[int] = []
    done = import_page_modules(lambda: calls.append(1))
    assert len(calls) >= len(done) > 10               # called before every module (a name that is not one too)


def test_a_store_without_boundaries_is_left_to_the_page(tmp_path):
    text = _served_log(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path / "server.log", "first page prepared")
    assert "first page prepared: the store has no boundaries yet" in text
    assert "Traceback" not in text


def test_the_prepared_figures_are_the_ones_the_home_page_reads(demo_store, monkeypatch):
    monkeypatch.setenv("GRIDLENS_DB", demo_store.url)
    st.cache_resource.clear()
    st.cache_data.clear()
    worked_out = []
    def counted(*args, **kwargs):       # the real headline figures, counted
        worked_out.append(1)
        return kpis(*args, **kwargs)
    monkeypatch.setattr(loaders, "kpis", counted)
    assert "incidents on" in prepare_home_page() and len(worked_out) == 1
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    assert not app.exception and app.title[0].value == "总览"
    assert len(worked_out) == 1         # the home page read the prepared figures instead of working them out


def test_the_maps_cells_are_kept_with_the_dataset_the_pages_read(demo_store, monkeypatch):
    """After the start-up thread's last step, the dataset the pages' loader gives holds every incident's density and
    hotspot cells, which a map would otherwise work out."""
    monkeypatch.setenv("GRIDLENS_DB", demo_store.url)
    st.cache_resource.clear()
    st.cache_data.clear()
    assert prepare_map_cells().endswith("incidents' density and hotspot cells")
    current = current_version()
    assert current is not None
    data = loaders.dataset(*current)
    kept = {key[0]: value for key, value in data.derived.items()}
    assert set(kept) == {"density cells", "hotspot cells"}
    placed = np.isfinite(data.incidents["lon"].to_numpy(float)) & np.isfinite(data.incidents["lat"].to_numpy(float))
    for cells in kept.values():         # a cell for each incident with a position (those of the street), none without
        assert len(cells) == len(data.incidents) and (cells[~placed] == -1).all() and (cells[placed] >= 0).mean() > 0.99
