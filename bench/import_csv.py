"""End-to-end import of a large incident export into the store, against reading it with pandas.

    python bench/import_csv.py --rows 1000000

The file is the demo street's incident export resampled to ``--rows`` rows with fresh ids
(same mix of WGS-84, GCJ-02 and address-only rows, same flaws), written as UTF-8 with BOM.
The demo boundaries and buildings are loaded first (not timed). Timed: ``import_incidents``
(read, validate, convert coordinates, geocode by coordinates and by address, write one
transaction). Baseline, same run: ``pandas.read_csv`` of the same file with default options.
Peak memory is the process's maximum resident set size. Each of ``--repeat`` runs imports into a
fresh store; the median run is reported (all run times too). The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from analysis.demo.writer import DEMO_DIR  # noqa: E402
from analysis.ingest.importer import import_boundaries, import_incidents, import_register  # noqa: E402
from analysis.store.database import Store  # noqa: E402


def synthetic_export(rows: int, path: Path, seed: int = 1) -> None:
    demo = pd.read_csv(DEMO_DIR / "incidents.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    picked = demo.iloc[np.random.default_rng(seed).integers(0, len(demo), rows)].reset_index(drop=True)
    picked["事件编号"] = [f"B{i:08d}" for i in range(rows)]
    picked.to_csv(path, index=False, encoding="utf-8-sig")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="imports into fresh stores; the median is reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        synthetic_export(args.rows, path)
        start = time.perf_counter()
        pd.read_csv(path)
        baseline = time.perf_counter() - start
        runs = []
        for run in range(args.repeat):
            store = Store(f"sqlite:///{Path(tmp) / f'bench{run}.sqlite'}")
            import_boundaries(store, DEMO_DIR / "grids.geojson", street_source=DEMO_DIR / "street.geojson")
            import_register(store, "buildings", DEMO_DIR / "buildings.csv")
            began: dict[str, float] = {}

            def progress(fraction: float, stage: str, began=began) -> None:
                began[stage] = time.perf_counter()

            start, cpu = time.perf_counter(), time.process_time()
            result = import_incidents(store, path, progress=progress)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            names = list(began)
            runs.append((seconds, {a: began[b] - began[a] for a, b in zip(names, names[1:])}, cpu))
            store.engine.dispose()
        seconds, stages, cpu = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size_mb = path.stat().st_size / 1e6
    figures = {"rows": args.rows, "file_mb": round(size_mb, 1), "import_s": round(seconds, 2), "import_cpu_s": round(cpu, 2),
               "import_s_all": [round(r[0], 2) for r in runs],
               "read_csv_s": round(baseline, 2), "ratio_to_read_csv": round(seconds / baseline, 2),
               "rows_per_s": round(args.rows / seconds), "peak_rss_mb": round(peak_mb),
               "imported": result.rows_imported, "rejected": result.rows_rejected,
               "stages_s": {k: round(v, 2) for k, v in stages.items()}}
    print(f"{args.rows:,} rows ({size_mb:.0f} MB): import {seconds:.1f} s ({cpu:.1f} CPU s), pandas.read_csv alone "
          f"{baseline:.1f} s "
          f"({seconds / baseline:.1f}x), peak RSS {peak_mb:,.0f} MB")
    print("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
