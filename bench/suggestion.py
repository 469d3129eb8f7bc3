"""Benchmark: the suggested division on a synthetic city of a given number of grids.

    python bench/suggestion.py --grids 300 --seconds 25 --full
    python bench/suggestion.py --grids 1000 --seconds 100
    python bench/suggestion.py --grids 5000 --incidents 1000000 --communities 4 --seconds 25

The city is ``bench/city.py``'s (written and imported once, then reused; ``--incidents`` defaults to 200 per
grid). Times :func:`analysis.division.suggest.suggest` as the workbench calls it (the micro-grid lines, the
norm's grid count, evening out with the time limit ``--seconds``), with wall and CPU seconds, how many pieces
the limit cut short, and the street figures the page shows for the result (workload CV, mean compactness,
grids outside the norm; :func:`analysis.division.whatif.division_figures`). Baselines from the same run:
today's division, the suggestion without evening out, and with ``--full`` the suggestion evened out with no
time limit (what the limit gives up). ``--communities K`` divides only the first K communities, as an analyst
redrawing part of a large street does. The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.division import whatif as w  # noqa: E402
from analysis.division.edits import division_from_layer  # noqa: E402
from analysis.division.suggest import suggest  # noqa: E402
from analysis.division.units import street_lines  # noqa: E402
from analysis.metrics.dataset import load_dataset  # noqa: E402
from analysis.settings import load_settings  # noqa: E402
from analysis.store.database import Store  # noqa: E402
from bench.city import city_folder, prepare  # noqa: E402
from bench.timing import peak_rss_mb  # noqa: E402

FIGURES = ("workload_cv", "compactness_mean", "outside_norm", "grids")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grids", type=int, default=300)
    parser.add_argument("--incidents", type=int, default=None, help="default: 200 per grid")
    parser.add_argument("--seconds", type=float, default=25.0, help="the suggestion's time limit for evening out")
    parser.add_argument("--communities", type=int, default=None, help="divide only the first K communities")
    parser.add_argument("--full", action="store_true", help="also evened out without a time limit (slow)")
    parser.add_argument("--dir", type=Path, default=None, help="where the city's files and store are kept")
    args = parser.parse_args(argv)
    incidents = args.incidents or 200 * args.grids
    folder = args.dir or city_folder(incidents, args.grids)
    prepare(incidents, args.grids, folder)
    store = Store(f"sqlite:///{folder / 'city.sqlite'}")
    ds = load_dataset(store)
    settings = load_settings()
    space = w.workspace(ds, division_from_layer(store.grids(), store.street()), settings)
    lines = street_lines(ds.micro.geometry)
    part = None if args.communities is None else space.division.communities["community"].tolist()[:args.communities]
    out: dict[str, Any] = {"grids": len(space.division.grids), "buildings": len(space.buildings),
                           "incidents": len(ds.incidents), "communities": len(part) if part else
                           len(space.division.communities), "limit_s": args.seconds}

    def figures(division) -> dict[str, float]:
        street = w.division_figures(ds, space.flags, division, settings).street
        return {k: round(float(street[k]), 3) for k in FIGURES}

    def run(name: str, **options: Any) -> None:
        start, cpu = time.perf_counter(), time.process_time()
        proposal = suggest(space.division, space.buildings, settings, lines=lines, communities=part, **options)
        out[f"{name}_s"] = round(time.perf_counter() - start, 2)
        out[f"{name}_cpu_s"] = round(time.process_time() - cpu, 2)
        out[f"{name}_cut_short"] = proposal.cut_short
        out[name] = figures(proposal.division)
        print(f"{name}: {out[f'{name}_s']:.1f} s ({out[f'{name}_cpu_s']:.1f} CPU s), {proposal.cut_short} of "
              f"{len(proposal.report)} pieces cut short by the limit; {out[name]}", flush=True)

    out["today"] = figures(space.division)
    print(f"{out['grids']:,} grids, {out['buildings']:,} buildings, {out['incidents']:,} incidents; today "
          f"{out['today']}", flush=True)
    run("suggest", seconds=args.seconds)
    run("no_evening", steps=0)
    if args.full:
        run("full")
        out["suggest_to_full_s"] = round(out["suggest_s"] / out["full_s"], 3)
    out["peak_rss_mb"] = round(peak_rss_mb())
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
