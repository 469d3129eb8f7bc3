"""Benchmark: the redraw workbench's what-if and suggestion on the demo street.

    python bench/redraw.py

Loads the bundled demo street (60 grids, 2,500 buildings, 30,005 incidents) into a temporary
store, then times (median of ``--repeat`` runs):

* ``whatif_s``: move 20 buildings from one grid to its neighbour (the edit), then every grid's
  and the street's figures of the new division (:func:`analysis.division.whatif.division_figures`),
  what the page does after each edit;
* ``suggest_s``: a 60-grid suggestion (:func:`analysis.division.suggest.suggest`: today's grids
  repaired to the norm by cuts between estates and along the micro-grid lines, then up to 600
  regions of neighbouring grids cut again to even out the load and the shapes).

Baselines measured in the same run: ``whatif_store_s``, the same figures got the plain way
(save the edited division as a boundary version, load the dataset for it from the store,
compute the workload table), and ``suggest_no_evening_s``, the suggestion without evening out,
with the workload CV and the mean compactness each reaches. CPU seconds (``time.process_time``)
are printed beside wall seconds for the suggestion, and the process's peak resident memory. The last
line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.cli import load_demo  # noqa: E402
from analysis.demo.writer import DEMO_DIR  # noqa: E402
from analysis.division import whatif as w  # noqa: E402
from analysis.division.continuity import staffing  # noqa: E402
from analysis.division.edits import division_from_layer, move_buildings  # noqa: E402
from analysis.division.suggest import suggest  # noqa: E402
from analysis.division.units import street_lines  # noqa: E402
from analysis.metrics import resolution as r  # noqa: E402
from analysis.metrics.dataset import load_dataset  # noqa: E402
from analysis.metrics.workload import workload_table  # noqa: E402
from analysis.settings import load_settings  # noqa: E402
from analysis.store.database import Store  # noqa: E402
from bench.timing import peak_rss_mb, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'demo.sqlite'}")
        load_demo(store, DEMO_DIR)
        ds = load_dataset(store)
        space = w.workspace(ds, division_from_layer(store.grids(), store.street()), settings)
        flags, div, b, cells = space.flags, space.division, space.buildings, space.cells
        source = div.grids["grid_id"].iloc[0]
        target = div.grids["grid_id"].iloc[1]
        chosen = np.zeros(len(b), dtype=bool)
        chosen[np.flatnonzero((b["grid_id"] == source).to_numpy())[:20]] = True
        print(f"demo: {len(div.grids)} grids, {len(b):,} buildings, {len(ds.incidents):,} incidents; "
              f"moving {chosen.sum()} buildings {source} -> {target}")

        def whatif():
            edited = move_buildings(div, cells, b["lon"], b["lat"], chosen, target)
            return w.division_figures(ds, flags, edited, settings, space.tiling, space.measures)

        def whatif_store():
            edited = move_buildings(div, cells, b["lon"], b["lat"], chosen, target)
            with store.transaction() as conn:
                version = store.add_boundary_version(conn, "bench", edited.layer(), None, div.street,
                                                     make_current=False)
            again = load_dataset(store, version)
            return workload_table(again, r.settings_flags(again.incidents, flags.period, settings),
                                  None, settings)

        whatif_s, figures = timed(whatif, args.repeat)
        whatif_store_s, _ = timed(whatif_store, args.repeat)
        print(f"whatif: {whatif_s:.3f} s (store round trip {whatif_store_s:.3f} s); households "
              f"{source} {figures.grids.set_index('grid_id').loc[source, 'households']:.0f}")

        lines = street_lines(ds.micro.geometry)
        cpu = time.process_time()
        suggest_s, proposal = timed(lambda: suggest(div, b, settings, n_grids=60, lines=lines), 1)
        suggest_cpu_s = time.process_time() - cpu
        plain_s, plain = timed(lambda: suggest(div, b, settings, n_grids=60, steps=0, lines=lines), 1)
        street = w.division_figures(ds, flags, proposal.division, settings).street
        today = w.division_figures(ds, flags, div, settings).street
        _, unstaffed = staffing(proposal.changes, proposal.flows, proposal.division, ds.workers, ds.volunteers,
                                list(settings["fulltime_roles"]))
        kept = int((proposal.changes["source"] != "").sum())
        plain_street = w.division_figures(ds, flags, plain.division, settings).street
        print(f"suggest: {suggest_s:.2f} s ({suggest_cpu_s:.2f} CPU s) for {len(proposal.division.grids)} grids, households CV "
              f"{street['households_cv']:.3f}, workload CV {street['workload_cv']:.3f}, outside the norm "
              f"{street['outside_norm']:.0f}; without evening out: {plain_s:.2f} s, workload CV "
              f"{plain_street['workload_cv']:.3f}")
    print(json.dumps({"whatif_s": round(whatif_s, 3), "whatif_store_s": round(whatif_store_s, 3),
                      "whatif_ratio": round(whatif_s / whatif_store_s, 3),
                      "suggest_s": round(suggest_s, 2), "suggest_cpu_s": round(suggest_cpu_s, 2),
                      "suggest_no_evening_s": round(plain_s, 2),
                      "suggest_grids": int(len(proposal.division.grids)),
                      "suggest_outside_norm": int(street["outside_norm"]),
                      "suggest_workload_cv": round(street["workload_cv"], 3),
                      "suggest_no_evening_workload_cv": round(plain_street["workload_cv"], 3),
                      "current_compactness_mean": round(today["compactness_mean"], 3),
                      "suggest_compactness_mean": round(street["compactness_mean"], 3),
                      "suggest_no_evening_compactness_mean": round(plain_street["compactness_mean"], 3),
                      "suggest_estates_cut": int((proposal.report["split"] != "").sum()),
                      "suggest_codes_kept": kept, "suggest_unstaffed": len(unstaffed),
                      "peak_rss_mb": round(peak_rss_mb())}))


if __name__ == "__main__":
    main()
