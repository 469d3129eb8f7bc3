"""The benchmarks still run (on a tiny street): a change of an analysis function's signature must not leave
``bench/`` broken until the next time someone measures. Each prints its figures as one JSON line last."""
import json
import subprocess
import sys

import pytest

from bench.browser import pct
from tests import postgres
from tests.browser.harness import MARKS
from tests.conftest import ROOT


@pytest.mark.parametrize("args", [["bench/pages.py", "--incidents", "3000", "--grids", "30", "--repeat", "1"],
                                  ["bench/geocode.py", "--points", "3000", "--polygons", "30", "--repeat", "1"],
                                  ["bench/import_csv.py", "--rows", "3000", "--repeat", "1",
                                   *(["--postgres"] if postgres.binaries() else [])],
                                  ["bench/redraw.py", "--repeat", "1"],
                                  ["bench/login.py", "--repeat", "2"],
                                  ["bench/report.py", "--incidents", "3000", "--grids", "30", "--repeat", "1"],
                                  ["bench/city.py", "--incidents", "3000", "--grids", "30", "--repeat", "1"],
                                  ["bench/suggestion.py", "--grids", "30", "--seconds", "2", "--full"],
                                  pytest.param(["bench/browser.py", "--incidents", "3000", "--grids", "30",
                                                "--sessions", "2", "--repeat", "1", "--later", "1"], marks=MARKS)],
                         ids=lambda a: a[0])
def test_a_benchmark_runs_and_prints_its_figures(args, tmp_path):
    if args[0] in ("bench/city.py", "bench/browser.py", "bench/suggestion.py"):
        args = [*args, "--dir", str(tmp_path / "city")]
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures and all(not isinstance(v, float) or v >= 0 for v in figures.values())
    if args[0] == "bench/city.py":           # every page ran again as the server runs it, with no error shown
        assert figures["rerun_errors"] == 0 and figures["density_cells_s"] > 0 and figures["hotspot_cells_s"] > 0
        assert all(figures[f"{page}_rerun_s"] > 0 for page in ("overview", "map", "workload", "resolution", "coverage",
                                                             "ledger"))
        assert figures["periods_browsed"] == 12 and figures["period_rerun_s"] > 0 and figures["map_period_rerun_s"] > 0
    if args[0] == "bench/browser.py":        # the first page after a restart, as `make run` starts and bare
        assert figures["cold_start_s"] > 0 and figures["cold_start_bare_s"] > 0 and figures["later_bare_s"] > 0
        assert figures["later_map_s"] > 0 and figures["later_map_bare_s"] > 0      # the map drawn after a restart
        floor, sessions = figures["floor_sessions"], figures["sessions"]        # the floor: the same bursts
        assert floor and figures["floor_cold_start_s"] > 0 and [s["n"] for s in floor] == [s["n"] for s in sessions] == [2] * len(floor)
        assert all(s["errors"] == 0 and s["p95_s"] > 0 for s in figures["floor_sessions"])
    if "--postgres" in args:     # the PostGIS import ran too, and imported what SQLite's did
        assert figures["postgis"]["imported"] == figures["imported"] > 0 and figures["postgis"]["ratio_to_sqlite"] > 0


def test_a_childs_peak_memory_is_its_own_not_its_parents():
    """The benchmarks' children report their own peak: a parent holding 400 MB does not lend it to a child that
    holds almost nothing (``ru_maxrss`` did)."""
    import numpy as np
    held = np.ones(400 * 2**20 // 8)
    done = subprocess.run([sys.executable, "-c", "from bench.timing import peak_rss_mb; print(peak_rss_mb())"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    assert held.sum() > 0 and 5 < float(done.stdout) < 150


def test_the_95th_percentile_of_20_is_the_19th():
    """``bench/browser.py``'s percentiles are the nearest rank (its p95 of 20 sessions was their slowest)."""
    values = [float(v) for v in range(20, 0, -1)]
    assert pct(values, 0.95) == 19.0 and pct(values, 0.5) == 10.0 and pct(values, 1.0) == 20.0
    assert pct([7.0], 0.95) == 7.0 and pct(values[-3:], 0.0) == 1.0
