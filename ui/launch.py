"""Start the dashboard with its first page prepared: ``python -m ui.launch [streamlit run options]``.

``python -m analysis serve`` (``make run``) starts Streamlit through this module. Streamlit runs a page's
script only when a browser connects, so after a restart the first visitor would wait for the program's
imports and for the default street's data to be read. Here a background thread does both while the server
starts and while the browser loads Streamlit's page: the first script run finds the modules imported and
the data in the cache (a run that asks for the data while the thread still reads it waits for that one read,
as Streamlit's cache computes each value once).
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path

THREAD = "gridlens-prepare"
DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard.py"


def _prepare() -> None:
    """Import what the pages use, then read the default street's data of its current boundary version into
    the cache the pages read (:func:`ui.loaders.dataset`). Nothing here is needed: any failure (an empty
    store, a broken file) is logged and left for the page, which reports it to the user."""
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
        import ui.page  # noqa: F401  (every page's set-up)
        from ui import loaders
        rev = loaders.revision()
        versions = loaders.versions(rev)
        current = versions.loc[versions["is_current"].astype(bool), "version_id"]
        if current.empty:
            log.info("first page prepared: the store has no boundaries yet")
            return
        data = loaders.dataset(rev, int(current.iloc[0]))
        log.info("first page prepared: %d incidents on %d grids read in %.1f s", len(data.incidents),
                 len(data.grids), time.perf_counter() - started)
    except Exception:  # noqa: BLE001  (a page reports any real problem with the store; this only logs it)
        log.warning("preparing the first page failed; the first page does it instead", exc_info=True)
    finally:
        context_log.removeFilter(_other_threads)


def _other_threads(record: logging.LogRecord) -> bool:
    """A log filter that keeps the records of every thread but this module's."""
    return record.threadName != THREAD


def main(options: list[str]) -> None:
    """Run ``streamlit run dashboard.py`` with ``options``, preparing the first page beside it."""
    threading.Thread(target=_prepare, name=THREAD, daemon=True).start()
    from streamlit.web import cli
    sys.argv = ["streamlit", "run", str(DASHBOARD), *options]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
