"""Workload per worker and the workload index on the small street."""
import numpy as np
import pandas as pd

from analysis.metrics.workload import workload_index, workload_table
from analysis.settings import load_settings

SETTINGS = load_settings()


def test_workload_per_worker_and_index(week):
    ds, flags, mask = week
    w = workload_table(ds, flags, mask, SETTINGS).set_index("grid_id")
    assert w["fulltime"].tolist() == [1, 1, 0, 2] and w["no_worker"].tolist() == [False, False, True, False]
    assert w["incidents_per_week"].tolist() == [2, 1, 1, 1]
    assert w["incidents_per_worker_week"].tolist()[:2] == [2, 1] and np.isnan(w.loc["G3", "incidents_per_worker_week"])
    assert w.loc["G4", "households_per_worker"] == 50 and w.loc["G4", "backlog_per_worker"] == 0.5
    # parts / medians: incidents [2,1,1,.5]/1, households [400,300,200,50]/250, open [0,0,1,.5]/.25 (G3 alone)
    assert w["workload_index"].round(6).tolist() == [1.28, 0.76, 1.84, 0.86]


def test_workload_index_skips_a_part_whose_median_is_zero():
    parts = pd.DataFrame({"a": [1.0, 3.0], "b": [0.0, 0.0]})
    assert workload_index(parts, {"a": 0.5, "b": 0.5}).tolist() == [0.5, 1.5]


def test_the_absolute_household_norm_per_worker(week):
    ds, flags, mask = week
    w = workload_table(ds, flags, mask, {**SETTINGS, "households_per_worker_max": 350}).set_index("grid_id")
    # households per full-time worker: G1 400, G2 300, G3 none (no worker: not measured), G4 100 / 2
    assert w["over_household_norm"].tolist() == [True, False, False, False]
