"""Saved plans: revisions, a failed save, making a plan current, locks kept."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import shapely
import sqlalchemy as sa

from analysis.division import measures as dm
from analysis.division.edits import division_from_layer, merge, with_locks
from analysis.division.plans import list_plans, load_plan, make_current, save_plan
from analysis.metrics.dataset import load_dataset
from analysis.store.database import Store


def test_plan_save_load_revisions_and_restart(demo_store):
    div = with_locks(division_from_layer(demo_store.grids(), demo_store.street()), ["430103007001001"])
    first = save_plan(demo_store, "方案A", div, author="李分析", note="初稿", base_version=demo_store.current_version())
    merged = merge(div, ["430103007002001", "430103007002002"])
    second = save_plan(demo_store, "方案A", merged, note="合并两格")
    demo_store.engine.dispose()
    again = Store(demo_store.url)                                      # a restart
    plans = list_plans(again)
    assert plans["revision"].tolist() == [2, 1] and plans["grids"].tolist() == [59, 60]
    assert plans.loc[plans["plan_id"] == first, "author"].item() == "李分析"
    loaded = load_plan(again, first)
    assert loaded.locked == frozenset({"430103007001001"})
    assert loaded.grids["grid_id"].tolist() == div.grids["grid_id"].tolist()
    assert all(shapely.equals_exact(a, b, 1e-7) for a, b in zip(loaded.grids.geometry, div.grids.geometry, strict=False))
    assert len(load_plan(again, second).grids) == 59


def test_a_failed_save_leaves_the_old_plan_intact(demo_store):
    div = division_from_layer(demo_store.grids(), demo_store.street())
    plan_id = save_plan(demo_store, "方案B", div)
    broken = div.grids.copy()
    broken.loc[1, "grid_id"] = broken.loc[0, "grid_id"]                 # a duplicate key fails the insert
    with pytest.raises(sa.exc.IntegrityError):
        save_plan(demo_store, "方案B", type(div)(broken, div.communities, div.street))
    assert list_plans(demo_store)["plan_id"].tolist() == [plan_id]
    assert len(load_plan(demo_store, plan_id).grids) == 60
    with pytest.raises(ValueError):
        save_plan(demo_store, "  ", div)


def test_make_current_keeps_earlier_versions_and_its_date(demo_store):
    old = demo_store.current_version()
    div = division_from_layer(demo_store.grids(), demo_store.street())
    plan_id = save_plan(demo_store, "方案C", merge(div, ["430103007002001", "430103007002002"]), base_version=old)
    version = make_current(demo_store, plan_id, "2026-12-01")
    versions = demo_store.boundary_versions().set_index("version_id")
    assert demo_store.current_version() == version != old
    assert versions.loc[version, "effective_from"] == "2026-12-01" and old in versions.index
    layer = demo_store.grids(version)
    assert (layer["level"] == "grid").sum() == 59
    micro = layer[layer["level"] == "micro"]
    assert len(micro) == 19 and set(micro["parent_id"]) <= set(layer.loc[layer["level"] == "grid", "grid_id"])
    assert len(load_dataset(demo_store, old).grids) == 60                # past figures keep their grids


def test_locks_are_saved_as_json_text(demo_store):
    div = with_locks(division_from_layer(demo_store.grids()), ["430103007001002", "430103007001001"])
    plan_id = save_plan(demo_store, "方案D", div)
    with demo_store.engine.connect() as conn:
        text = conn.execute(sa.text("select locked from plans where plan_id = :p"), {"p": plan_id}).scalar_one()
    assert json.loads(text) == ["430103007001001", "430103007001002"]
    assert dm.part_counts(load_plan(demo_store, plan_id).grids.geometry).max() == 1


SAVE_MANY = """
import json, sys
from analysis.division.edits import division_from_layer
from analysis.division.plans import save_plan
from analysis.store.database import Store
from tests.fixtures import four_grids
store, division = Store(sys.argv[1]), division_from_layer(four_grids())
print(json.dumps([save_plan(store, "同名方案", division, author=f"进程{sys.argv[2]}") for _ in range(int(sys.argv[3]))]))
"""


def test_saves_of_one_name_from_four_processes_get_one_revision_each(empty_store):
    """Four processes saving the same plan name at once: every save lands, under its own revision (SQLite and
    PostgreSQL). Plain subprocesses, not a multiprocessing pool: a pool started by a test worker re-runs the
    worker's ``__main__`` in each child, which an earlier page test may have left pointing at dashboard.py."""
    url = empty_store.url
    root = Path(__file__).resolve().parents[2]
    runs = [subprocess.Popen([sys.executable, "-c", SAVE_MANY, url, str(worker), "10"], cwd=root,
                             stdout=subprocess.PIPE, text=True) for worker in range(4)]
    saved = [json.loads(run.communicate(timeout=300)[0]) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0]
    plans = list_plans(Store(url))
    assert sorted(plans["revision"]) == list(range(1, 41))
    assert sorted(plans["plan_id"]) == sorted(p for ids in saved for p in ids)
    assert plans.groupby("author").size().tolist() == [10, 10, 10, 10]


def test_a_save_after_someone_elses_is_refused_with_who_and_when(demo_store):
    from analysis.division.plans import PlanConflict, latest_revisions

    div = division_from_layer(demo_store.grids(), demo_store.street())
    save_plan(demo_store, "方案B", div, author="甲")
    seen = latest_revisions(demo_store)["方案B"]                          # both browsers see revision 1
    save_plan(demo_store, "方案B", div, author="乙", seen_revision=seen)   # the first saves revision 2
    with pytest.raises(PlanConflict) as err:
        save_plan(demo_store, "方案B", div, author="丙", seen_revision=seen)
    assert (err.value.revision, err.value.author) == (2, "乙") and err.value.saved_at
    assert list_plans(demo_store)["revision"].tolist() == [2, 1]                       # nothing written
    save_plan(demo_store, "方案B", div, author="丙", seen_revision=2)                     # after seeing it
    save_plan(demo_store, "新方案", div, seen_revision=0)                               # a new name: nothing to see
    assert latest_revisions(demo_store) == {"方案B": 3, "新方案": 1}
