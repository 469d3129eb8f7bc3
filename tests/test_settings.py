import json

import pytest

from analysis.demo.geography import ADMIN_PREFIXES
from analysis.settings import REGISTRY, load_settings
from tests.conftest import ROOT


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in REGISTRY if f"`{name}`" not in readme] == []


def test_defaults_are_the_demo_streets():
    assert REGISTRY["admin_prefixes"].default == list(ADMIN_PREFIXES)


def test_file_overrides_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"snap_tolerance_m": 50, "admin_prefixes": ["河南省"]}, ensure_ascii=False))
    values = load_settings(path)
    assert values["snap_tolerance_m"] == 50 and values["admin_prefixes"] == ["河南省"]
    assert values["address_cutoff"] == REGISTRY["address_cutoff"].default


@pytest.mark.parametrize("text, message", [("{oops", "not valid JSON"), ('{"snap": 1}', "unknown settings")])
def test_bad_settings_file_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "settings.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        load_settings(path)


def test_tolerance_setting_reaches_the_import(tmp_path, monkeypatch):
    from analysis.ingest.importer import import_boundaries, import_incidents
    from analysis.store.database import Store
    from tests.fixtures import at, four_grids
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    four_grids().to_file(tmp_path / "g.geojson")
    import_boundaries(store, tmp_path / "g.geojson")
    x, y = at(2.5, 0.5)                      # ~49 m east of the street
    data = f"事件编号,上报时间,经度,纬度\nE1,2026/3/1 8:00,{x},{y}\n".encode()
    assert import_incidents(store, data, "a.csv").by_method == {"unplaced": 1}
    (tmp_path / "settings.json").write_text('{"snap_tolerance_m": 60}')
    monkeypatch.setenv("GRIDLENS_SETTINGS", str(tmp_path / "settings.json"))
    assert import_incidents(store, data, "a.csv").by_method == {"snapped": 1}
