"""Benchmark: the weekly meeting's handout (周例会材料), on the demo street or a synthetic one.

    python bench/report.py                                  # the demo street
    python bench/report.py --incidents 1000000 --grids 1000  # a synthetic street

Times, for the last full week of the data, each the median of ``--repeat`` runs:

* ``meeting_s``: every step's figures (:func:`analysis.report.meeting`: headline figures against two weeks,
  grids to discuss, overdue cases, hotspots, levels, volunteers);
* ``pdf_s``, ``docx_s``, ``pptx_s``, ``html_s``: drawing the pictures and writing that format (Chinese);
* ``report_s`` = ``meeting_s + pdf_s``, what a user waits for after asking for the PDF (the target is
  <= 10 s on the demo street, <= 30 s at 1M incidents), with ``report_cpu_s``, its CPU seconds;
* ``peak_rss_mb``: the process's peak resident memory.

Baseline measured in the same run: the overview's headline figures for the same week (``overview_s``), the
cheapest thing a page computes; ``report_over_overview`` is the ratio. The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.cli import load_demo  # noqa: E402
from analysis.demo.writer import DEMO_DIR  # noqa: E402
from analysis.metrics import resolution as r  # noqa: E402
from analysis.metrics.dataset import load_dataset  # noqa: E402
from analysis.metrics.filters import Filters  # noqa: E402
from analysis.metrics.overview import kpis  # noqa: E402
from analysis.report import last_full_week, meeting  # noqa: E402
from analysis.report.make import FORMATS, handout  # noqa: E402
from analysis.settings import load_settings  # noqa: E402
from analysis.store.database import Store  # noqa: E402
from bench.synthetic import synthetic_dataset  # noqa: E402
from bench.timing import peak_rss_mb, timed  # noqa: E402


def demo_dataset():
    """The demo street, imported into a temporary store as ``make run`` does."""
    folder = Path(tempfile.mkdtemp(prefix="gridlens-bench-"))
    store = Store(f"sqlite:///{folder / 'demo.sqlite'}")
    load_demo(store, DEMO_DIR)
    return load_dataset(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, help="a synthetic street of this many incidents (default: the demo)")
    parser.add_argument("--grids", type=int, default=1000, help="grids of the synthetic street")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ds = synthetic_dataset(args.incidents, args.grids) if args.incidents else demo_dataset()
    settings = load_settings()
    week = last_full_week(ds.anchor)

    def overview():
        return kpis(ds, Filters(), r.settings_flags(ds.incidents, week, settings, ds.spans),
                    r.settings_flags(ds.incidents, week.previous(), settings, ds.spans))

    overview_s, _ = timed(overview, args.repeat)
    meeting_s, m = timed(lambda: meeting(ds, week, settings), args.repeat)
    figures = {"street": "synthetic" if args.incidents else "demo", "incidents": len(ds.incidents),
               "grids": len(ds.grids), "week": m.label, "overview_s": round(overview_s, 3),
               "meeting_s": round(meeting_s, 3)}
    for fmt in FORMATS:
        seconds, data = timed(lambda chosen=fmt: handout(m, chosen, "zh"), args.repeat)
        figures[f"{fmt}_s"], figures[f"{fmt}_bytes"] = round(seconds, 3), len(data)
    cpu = time.process_time()
    meeting(ds, week, settings)
    handout(m, "pdf", "zh")
    figures["report_s"] = round(meeting_s + figures["pdf_s"], 3)
    figures["report_cpu_s"] = round(time.process_time() - cpu, 3)
    figures["report_over_overview"] = round(figures["report_s"] / max(overview_s, 1e-9), 1)
    figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
    for key, value in figures.items():
        print(f"{key:>22}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
