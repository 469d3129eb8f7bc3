"""Dataset snapshots: read back equal to a fresh build, renamed by every change, rebuilt when unreadable."""
from __future__ import annotations

import ast
import json
import shutil
from dataclasses import replace

import pandas as pd
import pytest

from analysis.ingest.importer import import_boundaries, import_incidents
from analysis.metrics.dataset import Dataset, load_dataset
from analysis.metrics.snapshot import code_digest, import_statements, snapshot_folder, source_closure, write_snapshot
from analysis.settings import PROJECT_ROOT
from analysis.store.database import Store
from tests.fixtures import centre, export, four_grids

FRAMES = ("incidents", "wishes", "buildings", "workers", "volunteers", "services", "grids", "communities", "micro")


def assert_same(a: Dataset, b: Dataset) -> None:
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert a.street.equals(b.street)
    assert (a.version_id, a.void, a.lifecycle, a.anchor) == (b.version_id, b.void, b.lifecycle, b.anchor)


def snapshots_of(store: Store) -> list[str]:
    folder = snapshot_folder(store)
    return sorted(p.name for p in folder.iterdir()) if folder is not None and folder.exists() else []


def refuse_to_build(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading the incidents table fail: a load that succeeds came from its snapshot."""
    def fail(*args, **kwargs):
        raise AssertionError("the dataset was rebuilt")
    monkeypatch.setattr(store, "incident_columns", fail)


def test_a_second_load_reads_the_snapshot_and_gets_the_same_dataset(demo_store, monkeypatch):
    now = pd.Timestamp("2026-11-20")
    built = load_dataset(demo_store, now=now)
    assert len(snapshots_of(demo_store)) == 1
    refuse_to_build(demo_store, monkeypatch)
    read = load_dataset(demo_store, now=now)
    assert_same(read, built)
    # the anchor follows the clock the caller gives, not the one the snapshot was built with
    earlier = load_dataset(demo_store, now=pd.Timestamp("2026-06-01"))
    assert earlier.anchor < built.anchor and earlier.anchor <= pd.Timestamp("2026-06-01")


def test_the_snapshot_equals_a_build_without_snapshots(demo_store):
    load_dataset(demo_store)
    assert_same(load_dataset(demo_store), load_dataset(demo_store, snapshots=False))


def test_a_fix_gets_a_new_snapshot_and_the_old_one_is_removed(demo_store):
    before = load_dataset(demo_store)
    first = snapshots_of(demo_store)
    incident, grid = before.incidents[["incident_id", "grid_id"]].iloc[0]
    moved_to = before.buildings[before.buildings["grid_id"] != grid].iloc[0]
    demo_store.save_fix(incident, grid_id=moved_to["grid_id"], building_id=moved_to["building_id"])
    after = load_dataset(demo_store)
    assert snapshots_of(demo_store) != first and len(snapshots_of(demo_store)) == 1
    assert after.incidents.set_index("incident_id").loc[incident, "grid_id"] == moved_to["grid_id"]
    assert_same(after, load_dataset(demo_store, snapshots=False))


def test_an_import_a_new_version_and_new_settings_each_rebuild(store, tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDLENS_SNAPSHOTS", str(tmp_path / "snapshots"))   # where a server store's go
    (x1, y1), (x2, y2) = centre(0, 1), centre(1, 1)
    import_incidents(store, export([("E1", "2026-03-01 08:00", "处置中", x1, y1, "", "")]), "a.csv")
    assert load_dataset(store).incidents["grid_id"].astype(object).tolist() == ["C1G1"]
    assert len(snapshots_of(store)) == 1
    import_incidents(store, export([("E2", "2026-03-01 09:00", "处置中", x2, y2, "", "")]), "b.csv")
    first = load_dataset(store)
    assert sorted(first.incidents["incident_id"]) == ["E1", "E2"]

    renamed = four_grids().assign(grid_id=["H1", "H2", "H3", "H4"])
    renamed.to_file(tmp_path / "v2.geojson")
    import_boundaries(store, tmp_path / "v2.geojson", version_name="v2")
    assert sorted(load_dataset(store).incidents["grid_id"].astype(object)) == ["H1", "H2"]
    assert sorted(load_dataset(store, first.version_id).incidents["grid_id"].astype(object)) == ["C1G1", "C1G2"]

    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"category_deadline_days": {"*": 2}}), encoding="utf-8")
    monkeypatch.setenv("GRIDLENS_SETTINGS", str(settings))
    due = load_dataset(store).incidents.set_index("incident_id")["due_at"]
    assert due["E1"] == pd.Timestamp("2026-03-03 08:00")
    assert_same(load_dataset(store), load_dataset(store, snapshots=False))


def test_an_unreadable_snapshot_is_rebuilt(demo_store):
    built = load_dataset(demo_store)
    folder = snapshot_folder(demo_store) / snapshots_of(demo_store)[0]
    (folder / "incidents.arrow").write_bytes(b"not arrow")
    assert_same(load_dataset(demo_store), built)


def test_a_frame_arrow_cannot_hold_leaves_no_snapshot(demo_store, tmp_path):
    ds = load_dataset(demo_store, snapshots=False)
    mixed = replace(ds, workers=ds.workers.assign(role=[1, "网格员"] * (len(ds.workers) // 2)
                                                       + ["网格员"] * (len(ds.workers) % 2)))
    assert not write_snapshot(mixed, tmp_path / "snapshots" / "S-v1-abc")
    assert not (tmp_path / "snapshots" / "S-v1-abc").exists()
    assert [p.name for p in (tmp_path / "snapshots").iterdir()] == []


def test_a_store_in_memory_has_no_snapshots():
    assert snapshot_folder(Store("sqlite://")) is None


def test_a_folder_that_cannot_be_written_only_means_building_every_time(demo_store):
    folder = snapshot_folder(demo_store)
    folder.write_text("a file where the folder should be")
    assert_same(load_dataset(demo_store), load_dataset(demo_store, snapshots=False))
    assert folder.read_text() == "a file where the folder should be"


def test_the_snapshot_code_is_the_source_the_dataset_is_built_by():
    closure = {p.relative_to(PROJECT_ROOT).as_posix() for p in source_closure()}
    assert {"analysis/metrics/dataset.py", "analysis/metrics/placement.py", "analysis/metrics/lifecycle.py",
            "analysis/metrics/snapshot.py", "analysis/settings.py", "analysis/store/database.py"} <= closure
    assert not closure & {"analysis/cli.py", "analysis/metrics/overview.py", "analysis/metrics/__init__.py"}
    assert not any(p.startswith(("analysis/report/", "analysis/division/", "analysis/maps/")) for p in closure)


def test_only_a_change_to_that_source_renames_the_snapshots(tmp_path):
    """On a copy of the package: a report module changed keeps the digest; a module the dataset imports
    changed, or a new module it starts to import (inside a function), changes it."""
    shutil.copytree(PROJECT_ROOT / "analysis", tmp_path / "analysis", ignore=shutil.ignore_patterns("__pycache__"))
    def changed(path: str, text: str) -> str:
        with (tmp_path / path).open("a") as file:
            file.write(text)
        code_digest.cache_clear()
        return code_digest(tmp_path)
    first = code_digest(tmp_path)
    assert first == code_digest() and len(first) == 64               # the copy is the project's source
    assert changed("analysis/report/pdf.py", "\n# a report's change\n") == first
    second = changed("analysis/metrics/placement.py", "\n# a change to placing\n")
    assert second != first
    (tmp_path / "analysis/metrics/extra_rule.py").write_text("RULE = 1\n")
    third = changed("analysis/store/status.py", "\n\ndef later():\n    from analysis.metrics import extra_rule\n")
    assert third != second and tmp_path / "analysis/metrics/extra_rule.py" in source_closure(tmp_path)
    assert changed("analysis/metrics/extra_rule.py", "RULE = 2\n") != third


NESTED = """
import a0
if x:
    import a1
elif y:
    import a2
else:
    from a3 import b
try:
    import a4
except ImportError:
    import a5
else:
    import a6
finally:
    import a7
with open(f) as g:
    import a8
for i in r:
    import a9
else:
    import a10
while w:
    import a11
match m:
    case 1:
        import a12
class C:
    def f(self):
        import a13
async def h():
    async with z:
        import a14
"""


def test_the_closure_finds_an_import_in_any_block():
    """Every import :func:`ast.walk` finds, in any block (the statements alone are visited), on a module with one in
    each kind of block and on every module of the project."""
    names = [alias.name if isinstance(node, ast.Import) else node.module
             for node in import_statements(ast.parse(NESTED).body) for alias in node.names[:1]]
    assert names == [f"a{i}" for i in range(15)]
    for path in [*PROJECT_ROOT.glob("analysis/**/*.py"), *PROJECT_ROOT.glob("ui/*.py"), *PROJECT_ROOT.glob("pages/*.py")]:
        tree = ast.parse(path.read_bytes())
        walked = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
        assert sorted(map(id, import_statements(tree.body))) == sorted(map(id, walked)), path

