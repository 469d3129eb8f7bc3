"""End-to-end import of a large incident export into the store, against reading it with pandas.

    python bench/import_csv.py --rows 1000000

The file is the demo street's incident export resampled to ``--rows`` rows with fresh ids
(same mix of WGS-84, GCJ-02 and address-only rows, same flaws), written as UTF-8 with BOM.
The demo boundaries and buildings are loaded first (not timed). Timed: ``import_incidents``
(read, validate, convert coordinates, geocode by coordinates and by address, write one
transaction). Baseline, same run: ``pandas.read_csv`` of the same file with default options.
With ``--postgres`` the same imports run into PostgreSQL/PostGIS stores too (COPY into a typed, indexed
store), and their time is given against SQLite's; the server's CPU seconds are read from /proc.
Peak memory is the maximum resident set size of the process that imports (or reads, for the baseline): each
runs in a fresh process. Each of ``--repeat`` runs imports into a
fresh store; the median run is reported (all run times too). The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from analysis.demo.writer import DEMO_DIR  # noqa: E402
from analysis.ingest.importer import import_boundaries, import_incidents, import_register  # noqa: E402
from analysis.store.database import Store  # noqa: E402
from bench.timing import cpu_of, peak_rss_mb, processes_cpu  # noqa: E402
from tests.postgres import cluster, new_database  # noqa: E402


def synthetic_export(rows: int, path: Path, seed: int = 1) -> None:
    demo = pd.read_csv(DEMO_DIR / "incidents.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    picked = demo.iloc[np.random.default_rng(seed).integers(0, len(demo), rows)].reset_index(drop=True)
    picked["事件编号"] = [f"B{i:08d}" for i in range(rows)]
    picked.to_csv(path, index=False, encoding="utf-8-sig")


def _server_cpu(store: Store) -> float:
    """CPU seconds used so far by the database server of ``store`` (0 for SQLite, which runs in this process):
    its postmaster and the postmaster's live children. The import's database work runs there, outside this
    process's ``time.process_time``; a finished child's time counts through the postmaster."""
    if store.engine.dialect.name != "postgresql":
        return 0.0
    with store.engine.connect() as conn:
        backend = int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
    postmaster, _ = cpu_of(backend)
    return cpu_of(postmaster)[1] + processes_cpu(lambda parent, _: parent == postmaster)


def _peak_mb() -> int:
    return round(peak_rss_mb())


def _read_csv_peak(path: Path) -> tuple[float, int]:
    """pandas.read_csv of ``path`` (run in a fresh process): seconds and that process's peak RSS in MB."""
    start = time.perf_counter()
    pd.read_csv(path)
    return time.perf_counter() - start, _peak_mb()


def _in_child(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` in a fresh Python process (its peak memory its own)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def _import_runs(url_of: Callable[[int], str], path: Path, repeat: int) -> list[tuple[float, dict, float, float, Any]]:
    """``repeat`` imports of ``path``, each into the fresh store at ``url_of(run)`` by a fresh process: (wall s,
    stages, CPU s of that process, CPU s of the database server, (counts, that process's peak RSS in MB))."""
    return sorted((_in_child(_import_run, url_of(run), path) for run in range(repeat)), key=lambda r: r[0])


def _import_run(url: str, path: Path) -> tuple[float, dict, float, float, Any]:
    store = Store(url)
    import_boundaries(store, DEMO_DIR / "grids.geojson", street_source=DEMO_DIR / "street.geojson")
    import_register(store, "buildings", DEMO_DIR / "buildings.csv")
    began: dict[str, float] = {}

    def progress(fraction: float, stage: str) -> None:
        began.setdefault(stage, time.perf_counter())   # a stage begins at its first report

    start, cpu, server = time.perf_counter(), time.process_time(), _server_cpu(store)
    result = import_incidents(store, path, progress=progress)
    seconds, cpu, server = time.perf_counter() - start, time.process_time() - cpu, _server_cpu(store) - server
    names = list(began)
    store.engine.dispose()
    return (seconds, {a: began[b] - began[a] for a, b in zip(names, names[1:])}, cpu, server,
            ((result.rows_imported, result.rows_rejected), _peak_mb()))


def _figures(runs: list[tuple[float, dict, float, float, Any]], rows: int) -> dict[str, Any]:
    seconds, stages, cpu, server, result = runs[len(runs) // 2]
    return {"import_s": round(seconds, 2), "import_cpu_s": round(cpu, 2),
            **({"server_cpu_s": round(server, 2)} if server else {}), "import_s_all": [round(r[0], 2) for r in runs], "rows_per_s": round(rows / seconds),
            "imported": result[0][0], "rejected": result[0][1], "peak_rss_mb": result[1],
            "stages_s": {k: round(v, 2) for k, v in stages.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="imports into fresh stores; the median is reported")
    parser.add_argument("--postgres", nargs="?", const="start", default="",
                        help="also import into PostgreSQL/PostGIS: a server URL where databases may be created "
                             "(postgresql+psycopg://user@host:port), or no value to start a throwaway local cluster")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        path = Path(tmp) / "export.csv"
        synthetic_export(args.rows, path)
        baseline, baseline_peak = _in_child(_read_csv_peak, path)
        sqlite = _figures(_import_runs(lambda run: f"sqlite:///{Path(tmp) / f'bench{run}.sqlite'}", path, args.repeat),
                          args.rows)
        figures: dict[str, Any] = {"rows": args.rows, "file_mb": round(path.stat().st_size / 1e6, 1), **sqlite,
                                   "read_csv_s": round(baseline, 2), "read_csv_peak_rss_mb": baseline_peak,
                                   "ratio_to_read_csv": round(sqlite["import_s"] / baseline, 2)}
        if args.postgres:
            server = stack.enter_context(cluster()) if args.postgres == "start" else args.postgres
            postgis = _figures(_import_runs(lambda _run: new_database(server), path, args.repeat), args.rows)
            postgis["ratio_to_sqlite"] = round(postgis["import_s"] / sqlite["import_s"], 2)
            figures["postgis"] = postgis
    print(f"{args.rows:,} rows ({figures['file_mb']:.0f} MB): SQLite import {sqlite['import_s']:.1f} s "
          f"({sqlite['import_cpu_s']:.1f} CPU s), peak RSS {sqlite['peak_rss_mb']:,} MB; pandas.read_csv alone "
          f"{baseline:.1f} s ({figures['ratio_to_read_csv']:.1f}x), peak RSS {baseline_peak:,} MB")
    print("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in sqlite["stages_s"].items()))
    if "postgis" in figures:
        postgis = figures["postgis"]
        print(f"PostGIS import {postgis['import_s']:.1f} s ({postgis['import_cpu_s']:.1f} CPU s here, "
              f"{postgis['server_cpu_s']:.1f} CPU s in the server), {postgis['ratio_to_sqlite']:.2f}x SQLite's; "
              "stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in postgis["stages_s"].items()))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
