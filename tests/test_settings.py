import json

import pytest

from analysis.demo.geography import ADMIN_PREFIXES
from analysis.settings import DEFAULTS, StreetSettings, load_settings
from tests.conftest import ROOT


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in StreetSettings.model_fields if f"`{name}`" not in readme] == []


def test_defaults_are_the_demo_streets():
    assert DEFAULTS.admin_prefixes == list(ADMIN_PREFIXES)


def test_file_overrides_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"snap_tolerance_m": 50, "admin_prefixes": ["河南省"]}, ensure_ascii=False))
    values = load_settings(path)
    assert values["snap_tolerance_m"] == 50 and values["admin_prefixes"] == ["河南省"]
    assert values["address_cutoff"] == DEFAULTS.address_cutoff


@pytest.mark.parametrize("text, message", [
    ("{oops", "not valid JSON"),
    ('{"snap": 1}', "snap: unknown settings"),
    ('[1, 2]', "an object of settings"),
    ('{"snap_tolerance_m": "thirty"}', "snap_tolerance_m: Input should be a valid number"),
    ('{"snap_tolerance_m": -5}', "snap_tolerance_m: Input should be greater than or equal to 0"),
    ('{"rate_basis": "closed"}', "rate_basis: Input should be 'due' or 'reported'"),
    ('{"workload_weights": {"population_per_worker": "x"}}', "workload_weights.population_per_worker"),
    ('{"workload_weights": {"cats_per_worker": 1}}', "workload_weights.cats_per_worker"),
    ('{"household_norms": {"grid": [500, 300]}}', "household_norms: Value error"),
    ('{"household_norms": {"estate": [500, 700]}}', "the 'grid' norm is needed"),
    ('{"population_norms": {"old": [1200, 900]}}', "population_norms: Value error"),
    ('{"status_states": {"搞定": "finished"}}', "status_states.搞定"),
    ('{"timezone": "Mars/Olympus"}', "not an IANA time zone"),
])
def test_bad_settings_file_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "settings.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as caught:
        load_settings(path)
    assert str(path) in str(caught.value) and "Traceback" not in str(caught.value)


def test_a_weight_the_workload_page_shows_can_be_set(tmp_path, monkeypatch):
    """population_per_worker is a column of the workload page: as a weight it counts in the index."""
    import numpy as np
    import pandas as pd

    from analysis.metrics import resolution as r
    from analysis.metrics.periods import Period
    from analysis.metrics.workload import workload_table
    from tests.fixtures import small_dataset
    path = tmp_path / "settings.json"
    path.write_text('{"workload_weights": {"population_per_worker": 1}}')
    settings = load_settings(path)
    ds = small_dataset()
    flags = r.period_flags(ds.incidents, Period(pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-08")))
    table = workload_table(ds, flags, None, settings).set_index("grid_id")
    # population per full-time worker: G1 1000/1, G2 800/1, G3 500/0 (carried by one), G4 250/2
    expected = np.array([1000, 800, 500, 125]) / np.median([1000, 800, 500, 125])
    assert table["workload_index"].to_numpy() == pytest.approx(expected)


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
