"""Start the dashboard with its first page prepared: ``python -m ui.launch [streamlit run options]``.

``python -m analysis serve`` (``make run``) starts Streamlit through this module. Streamlit runs a page's
script only when a browser connects, so after a restart the first visitor would wait for the program's
imports, for the default street's data to be read and for its overview to be worked out. Here a background
thread does all three as the server starts: a visitor who comes after it finds the modules imported and the
figures in the cache; one who comes sooner waits only for what is left (a run that asks for a value the
thread is still working out waits for it, as Streamlit's cache computes each value once). Then the thread imports
what the other pages compute with (:func:`import_page_modules`): the map's modules and SciPy's statistics, 2 s
on this machine, were waited for by the first visit to the map after every restart; and last what every map of the
street counts (:func:`prepare_map_cells`). Those two are for later visits, so they wait until no page has run for
:data:`QUIET_S` (:func:`wait_for_quiet`), and each import until no page is running: beside a first page clicked as
the server starts, they had made it about 1 s later (1M incidents, median of 8 starts each way).
"""
from __future__ import annotations

import ast
import importlib
import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

THREAD = "gridlens-prepare"
DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard.py"
SOURCES = ("pages", "ui")          # the folders whose imports are read
# imported where first needed: by the hotspots when first drawn (1 s), by the map's loader (SciPy's image filters)
LATE_IMPORTS = ("scipy.stats", "analysis.maps.view")
SCRIPT_THREAD = "ScriptRunner.scriptThread"   # the thread Streamlit runs a page's script in, for that run alone
QUIET_S = 1.5       # seconds with no page's run that let the start-up thread go on with what is for later visits
QUIET_LIMIT_S = 30.0                          # the longest it waits for them


def _prepare() -> None:
    """Prepare the home page once Streamlit's runtime exists (:func:`prepare_home_page`) and log it. Nothing here is
    needed: any failure (an empty store, a broken file) is logged and left for the page, which reports it."""
    from streamlit.logger import get_logger
    log, started = get_logger(__name__), time.perf_counter()
    # Streamlit warns of every cache or session read outside a page's script run; this thread's are meant
    context_log = get_logger("streamlit.runtime.scriptrunner_utils.script_run_context")
    context_log.addFilter(_other_threads)
    try:
        import plotly.graph_objects  # noqa: F401
        from streamlit import runtime

        import analysis.metrics.dataset  # noqa: F401  (pandas, geopandas, shapely, pyarrow: no Streamlit cache)
        while not runtime.exists():   # the cached loaders need Streamlit's runtime: it is made as the server starts
            time.sleep(0.05)
        log.info("first page prepared: %s in %.1f s", prepare_home_page(), time.perf_counter() - started)
        wait_for_quiet(QUIET_S)
        started = time.perf_counter()
        log.info("other pages' modules imported: %d in %.1f s", len(import_page_modules(wait_for_quiet)),
                 time.perf_counter() - started)
        wait_for_quiet(QUIET_S)
        started = time.perf_counter()
        log.info("maps' cells prepared: %s in %.1f s", prepare_map_cells(), time.perf_counter() - started)
    except Exception:  # noqa: BLE001  (a page reports any real problem with the store; this only logs it)
        log.warning("preparing the first page failed; the first page does it instead", exc_info=True)
    finally:
        context_log.removeFilter(_other_threads)


def prepare_home_page() -> str:
    """What the home page (the overview) computes for a new session on the default street: its modules, the
    data of the current boundary version, the filters' choices, the data's gaps and the figures of the default
    filters, each into the cache the page reads. What was prepared, in words."""
    import ui.cards  # noqa: F401  (the overview's modules)
    import ui.page  # noqa: F401
    import ui.widgets  # noqa: F401
    from analysis.metrics.filters import Filters
    from analysis.settings import load_settings
    from ui import loaders
    from ui.filters import View
    current = current_version()
    if current is None:
        return "the store has no boundaries yet"
    rev, version = current
    data = loaders.dataset(rev, version)
    loaders.filter_options(rev, version)
    loaders.gaps(rev, version)
    if data.anchor is None:
        return "no incidents yet"
    view = View(Filters(), data, Filters().resolve(data.anchor), rev, version, load_settings())
    loaders.overview(*view.key)
    return f"{len(data.incidents)} incidents on {len(data.grids)} grids, the overview of {view.period.start:%Y-%m-%d}"


def current_version() -> tuple[str, int] | None:
    """The store's revision and its current boundary version, as the pages' cached loaders read them; None when the
    store has no boundaries."""
    from ui import loaders
    rev = loaders.revision()
    versions = loaders.versions(rev)
    current = versions.loc[versions["is_current"].astype(bool), "version_id"]
    return None if current.empty else (rev, int(current.iloc[0]))


def prepare_map_cells() -> str:
    """What every map of the default street counts, worked out before the first map asks: each incident's cell on
    the density raster and on the street's hotspot lattice, kept with the dataset the pages read (10M incidents:
    about 1 s and 2 s, which the server's first map paid). What was prepared, in words."""
    from analysis.maps.view import density_cells, street_hotspot_cells
    from analysis.settings import load_settings
    from ui import loaders
    current = current_version()
    if current is None:
        return "the store has no boundaries yet"
    data = loaders.dataset(*current)
    density_cells(data)
    street_hotspot_cells(data, float(load_settings()["hotspot_cell_m"]))
    return f"{len(data.incidents)} incidents' density and hotspot cells"


def page_modules() -> list[str]:
    """The modules the pages and the ``ui`` package import at their top (read from the source, not run), then
    :data:`LATE_IMPORTS`; ``from package import name`` counts ``package.name`` when that is a module.

    Left out: ``ui``'s and the pages' own modules, and Streamlit's and its components'. Streamlit registers a
    component (streamlit-folium's map) only when the module declaring it is imported during a script run; an
    import here, outside any run, would leave the map's frame unserved (404) for the life of the server.
    """
    names: list[str] = []
    for folder in SOURCES:
        for script in sorted((DASHBOARD.parent / folder).glob("*.py")):
            for node in ast.parse(script.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.Import):
                    names += [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    kept = [name for name in names if name.split(".")[0] not in SOURCES and not name.startswith("streamlit")]
    return list(dict.fromkeys([*kept, *LATE_IMPORTS]))


def wait_for_quiet(quiet: float = 0.0, limit: float = QUIET_LIMIT_S) -> None:
    """Wait until no page's script has run for ``quiet`` seconds (Streamlit runs each in a thread named
    :data:`SCRIPT_THREAD` that ends with the run; 0: until none is running), at most ``limit`` seconds.

    What the start-up thread does after the home page is for later visits. Done beside a visitor's first page, it
    takes the interpreter from it: the page's run, then the browser's requests for the script files of the
    elements it has just received (tables, charts: 60 files, served in 0.9 s beside these imports)."""
    started = last_run = time.monotonic()
    while (now := time.monotonic()) - started < limit:
        if _running():
            last_run = now
        elif now - last_run >= quiet:
            return
        time.sleep(0.05)   # polling the running threads: the condition is that none of them is a script's


def _running() -> bool:
    """Whether a page's script is running now."""
    return any(thread.name == SCRIPT_THREAD for thread in threading.enumerate())


def import_page_modules(before_each: Callable[[], None] = lambda: None) -> list[str]:
    """Import :func:`page_modules` (a name that is not a module, such as a function imported by name, is
    skipped), calling ``before_each`` before each; the modules imported."""
    done = []
    for name in page_modules():
        before_each()
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:      # a module that exists failed to import: a real problem
                raise
            continue
        done.append(name)
    return done


def _other_threads(record: logging.LogRecord) -> bool:
    """A log filter that keeps the records of every thread but this module's."""
    return record.threadName != THREAD


def main(options: list[str]) -> None:
    """Run ``streamlit run dashboard.py`` with ``options``, preparing the first page beside it.

    Streamlit is imported before the thread starts: imported by both threads at once, its package could run twice
    and stop the server ("DeltaGeneratorSingleton instance already exists!", seen once in CI)."""
    from streamlit.web import cli
    threading.Thread(target=_prepare, name=THREAD, daemon=True).start()
    sys.argv = ["streamlit", "run", str(DASHBOARD), *options]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
