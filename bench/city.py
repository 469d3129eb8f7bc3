"""Benchmark: a whole city through the product, from its export files to every page's figures.

    python bench/city.py --incidents 1000000 --grids 5000

Writes a synthetic city (``bench/synthetic.py``: grids about 250 m across, 25 buildings and 5
volunteers per grid, a year of incidents) as the files a street exports (grid GeoJSON, register
and incident CSVs, UTF-8), imports them into a fresh SQLite store with the product's importers,
then, in a new process as a server starts, loads the dataset and computes each page after a
filter change (one community, the last 4 weeks), as ``bench/pages.py`` does. The files and the
store are kept in ``--dir`` (default: the system's temporary folder) and reused by a later run
of the same size; ``--fresh`` writes and imports them again.

Figures (the last line is one JSON object): ``import_s`` and ``import_cpu_s`` (the incident
import; the registers before it are not timed), ``import_peak_rss_mb`` (that process's peak
resident memory), ``build_s`` / ``build_cpu_s`` / ``build_peak_rss_mb`` (the store read and
attributed to the current boundary version, and its snapshot of ``snapshot_mb`` written, as the first
page after an import does), ``load_s`` / ``load_cpu_s`` (the same dataset read from that snapshot, and the cases' spans of time
worked out, as a restarted server's first page does; ``spans_mb``, what those spans hold), ``server_rss_mb`` (the serving process's
resident memory after the load and every page; ``server_peak_rss_mb`` its peak before the from-scratch baseline,
``baseline_peak_rss_mb`` after it), ``overview_s``, ``map_s`` / ``map_bytes`` (one
community: the community and the grids around it, ``analysis.maps.focus.in_view``), ``street_map_s`` /
``street_map_bytes`` (the whole street), both with the grids' shapes kept as a server keeps them after its first map,
``shapes_s`` (those shapes: what a server's first map adds), ``density_cells_s`` (each incident's cell on the
density images' raster, kept with the dataset) and ``hotspot_cells_s`` (each incident's cell on the street's hotspot
lattice, kept too): what a server's start-up thread works out after the first page (:mod:`ui.launch`), or its first
map if asked sooner, ``workload_s``,
``resolution_s``, ``coverage_s``, ``ledger_s``, ``workspace_s`` (what the redraw page computes
when it opens: loads per building, building cells, the division's tiling), ``whatif_s`` (move 20
buildings to a neighbour grid and recompute every grid's and the street's figures, as the workbench
does: near the edit only) against ``whatif_scratch_s`` (the same figures computed from scratch:
every incident placed again, the whole street's tiling measured), with their ratio. Page figures are medians of ``--repeat`` runs; each
is wall seconds, with CPU seconds (``time.process_time``) beside it under ``cpu``. These compute each page from
nothing, as on the first view of a period.
``<page>_rerun_s`` / ``<page>_rerun_cpu_s`` are what a user waits for on the server after changing the community
on a page already open: the page's whole script run by Streamlit's ``AppTest`` (with what the page keeps between
runs: the period's facts, the tables of every grid, the map's shapes), medians of ``--repeat`` changes, with
``rerun_errors`` (exceptions and error messages shown; the first one's text in ``rerun_first_error``) and
``rerun_server_rss_mb``. Then the overview is shown for each of the last ``periods_browsed`` weeks in turn (a custom
period, as a user reading week after week; a run whose period line does not name the week counts in
``rerun_errors``): ``period_rerun_s`` (median) and ``periods_server_rss_mb`` after them (the facts of the periods
viewed are kept only within ``$GRIDLENS_FLAGS_MB``); then the whole street's map for each of the ``periods_browsed``
weeks before those (weeks no page has shown: each run works out its period's facts, the grids' table, the density
and hotspots, with the map's shapes kept from before, as on a server in use): ``map_period_rerun_s`` (median).
The baseline measured in the same run is ``read_csv_s``: ``pandas.read_csv`` of the incident file.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.timing import peak_rss_mb, rss_mb  # noqa: E402

INCIDENT_HEADERS = {"incident_id": "事件编号", "reported_at": "上报时间", "category": "事件大类", "subcategory": "事件小类",
                    "source": "事件来源", "status": "事件状态", "address": "事发地址", "lon": "经度", "lat": "纬度",
                    "due_at": "处理期限", "closed_at": "办结时间", "handled_level": "处置层级", "handler": "处置人",
                    "reporter_phone": "联系电话"}


def write_city(incidents: int, grids: int, folder: Path) -> None:
    """The synthetic city's export files in ``folder``: grids.geojson and five CSVs."""
    from bench.synthetic import synthetic_city
    city = synthetic_city(incidents, grids)
    folder.mkdir(parents=True, exist_ok=True)
    city.layer.to_file(folder / "grids.geojson", driver="GeoJSON")
    buildings = city.buildings.assign(address=[f"城南路{i + 1}号" for i in range(len(city.buildings))])
    buildings.round({"lon": 6, "lat": 6}).to_csv(folder / "buildings.csv", index=False)
    for name in ("workers", "volunteers", "services"):
        getattr(city, name).to_csv(folder / f"{name}.csv", index=False)
    export = city.incidents[list(INCIDENT_HEADERS)].round({"lon": 6, "lat": 6}).rename(columns=INCIDENT_HEADERS)
    export.assign(坐标系="WGS84").to_csv(folder / "incidents.csv", index=False, date_format="%Y-%m-%d %H:%M:%S")


def child_import(folder: Path) -> dict[str, Any]:
    """Import the city's files into ``folder/city.sqlite`` (a fresh store); the incident import is timed."""
    from analysis.ingest.importer import import_boundaries, import_incidents, import_register
    from analysis.store.database import Store
    store = Store(f"sqlite:///{folder / 'city.sqlite'}")
    import_boundaries(store, folder / "grids.geojson")
    for kind in ("buildings", "workers", "volunteers", "services"):
        import_register(store, kind, folder / f"{kind}.csv")
    start, cpu = time.perf_counter(), time.process_time()
    result = import_incidents(store, folder / "incidents.csv")
    return {"import_s": round(time.perf_counter() - start, 2), "import_cpu_s": round(time.process_time() - cpu, 2),
            "import_peak_rss_mb": round(peak_rss_mb()), "imported": result.rows_imported,
            "rejected": result.rows_rejected}


def child_build(folder: Path) -> dict[str, Any]:
    """Build the dataset from the store and write its snapshot, as the first page after an import does."""
    from analysis.metrics.dataset import load_dataset
    from analysis.metrics.snapshot import snapshot_folder, snapshot_stats
    from analysis.store.database import Store
    store = Store(f"sqlite:///{folder / 'city.sqlite'}")
    snapshots = snapshot_folder(store)
    assert snapshots is not None
    shutil.rmtree(snapshots, ignore_errors=True)
    start, cpu = time.perf_counter(), time.process_time()
    load_dataset(store)
    written = snapshot_stats(next(snapshots.iterdir()))
    return {"build_s": round(time.perf_counter() - start, 2), "build_cpu_s": round(time.process_time() - cpu, 2),
            "build_peak_rss_mb": round(peak_rss_mb()), "snapshot_mb": round(written["bytes"] / 1e6, 1)}


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of ``repeat`` calls of ``fn``, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def child_pages(folder: Path, repeat: int) -> dict[str, Any]:
    """Load the store as a restarted server process does (from the snapshot ``child_build`` wrote), then compute
    every page after a filter change."""
    from analysis.division import whatif as w
    from analysis.division.edits import division_from_layer, move_buildings
    from analysis.maps.build import grid_shapes
    from analysis.maps.view import density_cells, street_hotspot_cells
    from analysis.metrics.dataset import build_dataset, load_dataset
    from analysis.metrics.filters import Filters
    from analysis.metrics.workload import workload_table
    from analysis.settings import load_settings
    from analysis.store.database import Store
    from bench import pages
    settings = load_settings()
    store = Store(f"sqlite:///{folder / 'city.sqlite'}")
    start, cpu = time.perf_counter(), time.process_time()
    ds = load_dataset(store)
    spans = ds.spans                               # the cases' spans: the server's first period's facts work them out
    out: dict[str, Any] = {"load_s": round(time.perf_counter() - start, 2),
                           "load_cpu_s": round(time.process_time() - cpu, 2), "load_rss_mb": round(rss_mb()),
                           "spans_mb": round((spans.first.nbytes + spans.last.nbytes) / 1e6, 1)}
    community = sorted(ds.grids["community"].unique())[1]
    street, chosen = Filters(period="4weeks"), Filters(period="4weeks", community=community)
    cpu_of: dict[str, float] = {}

    def page(name: str, fn: Callable[[], Any]) -> Any:
        wall, cpu_s, result = _timed(fn, repeat)
        out[f"{name}_s"], cpu_of[name] = round(wall, 3), round(cpu_s, 3)
        return result

    page("overview", lambda: pages.overview(ds, chosen, settings))
    shapes = page("shapes", lambda: grid_shapes(ds.grids.geometry.to_numpy(), "none"))
    start, cpu = time.perf_counter(), time.process_time()
    density_cells(ds)                              # kept with the dataset: timed once, as a server's first map
    out["density_cells_s"], cpu_of["density_cells"] = round(time.perf_counter() - start, 3), round(time.process_time() - cpu, 3)
    start, cpu = time.perf_counter(), time.process_time()
    street_hotspot_cells(ds, float(settings["hotspot_cell_m"]))     # the same, for the street's hotspots
    out["hotspot_cells_s"], cpu_of["hotspot_cells"] = round(time.perf_counter() - start, 3), round(time.process_time() - cpu, 3)
    out["map_bytes"] = len(page("map", lambda: pages.map_page(ds, chosen, settings, shapes)).encode("utf-8"))
    out["street_map_bytes"] = len(page("street_map", lambda: pages.map_page(ds, street, settings, shapes)).encode("utf-8"))
    page("workload", lambda: pages.workload_page(ds, chosen, settings))
    page("resolution", lambda: pages.resolution_page(ds, chosen, settings))
    page("coverage", lambda: pages.coverage_page(ds, chosen, settings))
    page("ledger", lambda: pages.ledger_page(ds, chosen, settings))
    start = division_from_layer(store.grids(), store.street())
    space = page("workspace", lambda: w.workspace(ds, start, settings))
    b = space.buildings
    source, target = space.division.grids["grid_id"].iloc[:2]
    moved = np.zeros(len(b), dtype=bool)
    moved[np.flatnonzero((b["grid_id"] == source).to_numpy())[:20]] = True

    def whatif() -> Any:
        edited = move_buildings(space.division, space.cells, b["lon"], b["lat"], moved, target)
        return w.division_figures(ds, space.flags, edited, settings, space.tiling, space.measures)

    def whatif_scratch() -> Any:
        edited = move_buildings(space.division, space.cells, b["lon"], b["lat"], moved, target)
        again = build_dataset(ds.incidents.drop(columns="community"), edited.layer(), edited.street,
                              ds.buildings.drop(columns="grid_id"), ds.workers, ds.volunteers, ds.services, now=ds.anchor)
        return workload_table(again, space.flags, None, settings), w.start_tiling(edited, again.buildings)

    page("whatif", whatif)
    served_peak = peak_rss_mb()                   # before the baseline, which builds a second dataset no page builds
    page("whatif_scratch", whatif_scratch)
    out["whatif_ratio"] = round(out["whatif_s"] / out["whatif_scratch_s"], 3)
    out.update(cpu=cpu_of, server_rss_mb=round(rss_mb()), server_peak_rss_mb=round(served_peak),
               baseline_peak_rss_mb=round(peak_rss_mb()),
               incidents=len(ds.incidents), grids=len(ds.grids))
    return out


APP_PAGES = ("overview", "map", "workload", "resolution", "coverage", "ledger")
PERIODS_BROWSED = 12   # weeks chosen one after another on the overview (each needs its facts and the week before's)


def child_reruns(folder: Path, repeat: int) -> dict[str, Any]:
    """Each page as the server runs it (Streamlit's AppTest: the page's whole script, with the caches it keeps
    between runs): opened once, then the community changed ``repeat`` times; the medians of those runs."""
    import os
    os.environ["GRIDLENS_DB"] = f"sqlite:///{folder / 'city.sqlite'}"
    from streamlit.testing.v1 import AppTest

    from ui.filters import KEYS
    app = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "dashboard.py"), default_timeout=900)
    app.run()
    out: dict[str, Any] = {}
    for name in APP_PAGES:
        app.switch_page(f"pages/{name}.py").run()       # opens on the community the page before left chosen
        box = app.selectbox(key=KEYS["community"])
        communities = [c for c in box.options[1:] if c != box.value]     # each a change, none this page has shown
        walls, cpus, errors = [], [], 0
        for community in communities[:repeat]:
            app.selectbox(key=KEYS["community"]).set_value(community)
            start, cpu = time.perf_counter(), time.process_time()
            app.run()
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
            errors += len(app.exception) + len(app.error)     # a failure the page's boundary turned into a message
            if app.error and "rerun_first_error" not in out:
                out["rerun_first_error"] = f"{name}: {app.error[0].value}"
        out[f"{name}_rerun_s"] = round(statistics.median(walls), 3)
        out[f"{name}_rerun_cpu_s"] = round(statistics.median(cpus), 3)
        out["rerun_errors"] = out.get("rerun_errors", 0) + errors
    out["rerun_server_rss_mb"] = round(rss_mb())
    app.switch_page("pages/overview.py").run()
    out["period_rerun_s"], errors = _browse_weeks(app, 0)
    out["rerun_errors"] += errors
    out["periods_browsed"] = PERIODS_BROWSED
    out["periods_server_rss_mb"] = round(rss_mb())
    app.switch_page("pages/map.py").run()                # the whole street's map, weeks no page has shown
    app.selectbox(key=KEYS["community"]).set_value(app.selectbox(key=KEYS["community"]).options[0]).run()
    out["map_period_rerun_s"], errors = _browse_weeks(app, PERIODS_BROWSED)
    out["rerun_errors"] += errors
    return out


def _browse_weeks(app: Any, first: int) -> tuple[float, int]:
    """Choose :data:`PERIODS_BROWSED` weeks one after another on ``app``'s page, the first ``first`` weeks back
    from the data's last day: the median seconds of those runs, and the errors shown (a run that fails, or
    whose period line does not name its week)."""
    from ui.filters import KEYS
    app.selectbox(key=KEYS["period"]).set_value("custom").run()
    last = pd.Timestamp(app.date_input(key=KEYS["range"]).value[1])
    walls, errors = [], 0
    for week in range(first, first + PERIODS_BROWSED):
        end = last - pd.Timedelta(weeks=week)
        app.date_input(key=KEYS["range"]).set_value((end - pd.Timedelta(days=6), end))
        start = time.perf_counter()
        app.run()
        walls.append(time.perf_counter() - start)
        shown = f"{(end - pd.Timedelta(days=6)).date()}" in app.caption[0].value   # the period line names the week
        errors += len(app.exception) + len(app.error) + (not shown)
    return round(statistics.median(walls), 3), errors


def _run_child(stage: str, folder: Path, repeat: int) -> dict[str, Any]:
    """Run ``stage`` in a new Python process (its memory its own) and return its JSON."""
    done = subprocess.run([sys.executable, __file__, "--child", stage, "--dir", str(folder), "--repeat", str(repeat)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def city_folder(incidents: int, grids: int) -> Path:
    """Where a city of this size is kept by default."""
    return Path(tempfile.gettempdir()) / f"gridlens-city-{incidents}-{grids}"


def prepare(incidents: int, grids: int, folder: Path, fresh: bool = False) -> dict[str, Any]:
    """Write and import the city into ``folder`` unless a run of the same size did (or ``fresh``); the import's
    figures. The store is ``folder/city.sqlite``."""
    imported = folder / "import.json"
    if fresh or not imported.exists():
        shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        write_city(incidents, grids, folder)
        print(f"city written to {folder} in {time.perf_counter() - start:.0f} s", flush=True)
        imported.write_text(json.dumps(_run_child("import", folder, 1)))
    figures: dict[str, Any] = json.loads(imported.read_text())
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--grids", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="where the city's files and store are kept")
    parser.add_argument("--fresh", action="store_true", help="write and import the city again")
    parser.add_argument("--child", choices=("import", "build", "pages", "reruns"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    folder = args.dir or city_folder(args.incidents, args.grids)
    if args.child:
        figures = {"import": lambda: child_import(folder), "build": lambda: child_build(folder),
                   "pages": lambda: child_pages(folder, args.repeat),
                   "reruns": lambda: child_reruns(folder, args.repeat)}[args.child]()
        print(json.dumps(figures))
        return 0
    figures = prepare(args.incidents, args.grids, folder, args.fresh)
    start = time.perf_counter()
    pd.read_csv(folder / "incidents.csv")
    figures["read_csv_s"] = round(time.perf_counter() - start, 2)
    figures.update(_run_child("build", folder, 1))
    figures.update(_run_child("pages", folder, args.repeat))
    figures.update(_run_child("reruns", folder, args.repeat))
    print(f"{figures['incidents']:,} incidents, {figures['grids']:,} grids: import {figures['import_s']:.1f} s "
          f"(peak {figures['import_peak_rss_mb']:,} MB; pandas.read_csv alone {figures['read_csv_s']:.1f} s), "
          f"first load after it {figures['build_s']:.1f} s ({figures['build_cpu_s']:.1f} CPU s, snapshot "
          f"{figures['snapshot_mb']:.0f} MB), load on a restart {figures['load_s']:.1f} s ({figures['load_cpu_s']:.1f} CPU s), "
          f"server {figures['server_rss_mb']:,} MB")
    print("pages: " + ", ".join(f"{k[:-2]} {v:.2f} s" for k, v in figures.items()
                                if k.endswith("_s") and k[:-2] in figures["cpu"]))
    print("page reruns after a community change (AppTest): " + ", ".join(
        f"{name} {figures[f'{name}_rerun_s']:.2f} s ({figures[f'{name}_rerun_cpu_s']:.2f} CPU s)" for name in APP_PAGES)
        + f", {figures['rerun_errors']} errors")
    print(f"the overview for each of the last {figures['periods_browsed']} weeks: {figures['period_rerun_s']:.2f} s each "
          f"(median), server {figures['periods_server_rss_mb']:,} MB after them ({figures['rerun_server_rss_mb']:,} before); "
          f"the whole street's map for each of the {figures['periods_browsed']} weeks before: "
          f"{figures['map_period_rerun_s']:.2f} s each (median)")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
