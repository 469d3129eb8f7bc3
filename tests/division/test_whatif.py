"""What-if figures of a division: every figure moves with the ground, street summary, norm counts."""
from __future__ import annotations

import numpy as np
import pytest

from analysis.division import whatif as w
from analysis.division.edits import merge
from analysis.settings import load_settings
from tests.fixtures import small_division

SETTINGS = load_settings()


def test_whatif_of_a_merge_moves_every_figure_with_the_ground():
    ds, flags, div = small_division()
    before = w.division_figures(ds, flags, div, SETTINGS)
    after = w.division_figures(ds, flags, merge(div, ["G1", "G2"]), SETTINGS)
    g = after.grids.set_index("grid_id")
    assert g.loc["G1", "households"] == 700 and g.loc["G1", "population"] == 1800
    # I1, I2, I5 in G1 and I7 (manual fix to G2, no location) is lost with G2: 3 in the 12 months
    assert g.loc["G1", "incidents"] == 3
    assert g.loc["G1", "incidents_per_week"] == pytest.approx(3 / (365 / 7))
    assert g.loc["G1", "volunteers"] == 1
    assert g.loc["G1", "on_time_rate"] == pytest.approx(2 / 3)      # I1, I5 on time; I2 late
    table = w.compare(before, after, {"G1", "G2"})
    status = dict(zip(table["grid_id"], table["status"], strict=False))
    assert status == {"G1": "changed", "G2": "removed", "G3": "same", "G4": "same"}
    assert table["grid_id"].iloc[0] == "G1"                           # changed rows first
    assert table.set_index("grid_id").loc["G1", "households_before"] == 400


def test_street_summary_known_answers():
    ds, flags, div = small_division()
    street = w.division_figures(ds, flags, div, SETTINGS).street
    households = np.array([400, 300, 200, 100])
    assert street["households_cv"] == pytest.approx(households.std() / households.mean())
    assert street["households_max_min"] == pytest.approx(4.0)
    assert street["outside_norm"] == 2          # norm 300-500: G3 (200) and G4 (100) are below it
    assert street["not_contiguous"] == 0 and street["gap_m2"] == 0 and street["overlap_m2"] == 0
    assert street["buildings_unplaced"] == 0


def test_the_norm_counts_are_the_norm_module_s():
    ds, flags, div = small_division()
    grids = w.division_figures(ds, flags, div, SETTINGS).grids.set_index("grid_id")
    assert grids["norm_position"].to_dict() == {"G1": "within", "G2": "within", "G3": "below", "G4": "below"}


def test_each_incident_counts_for_its_nearest_building():
    lon, lat = np.array([0.0, 1.0, 5.0]), np.array([0.0, 0.0, 5.0])
    incidents_lon = np.array([0.1, 0.4, 0.6, 0.9, 4.0, 5.0, np.nan, 100.0])
    incidents_lat = np.array([0.0, 0.1, -0.1, 0.0, 4.0, 5.0, 1.0, 100.0])
    # 0.1 and 0.4 are nearer building 0; 0.6 and 0.9 building 1; (4, 4) and (5, 5) building 2; the far one too;
    # the one without a location is skipped
    assert w.building_loads(lon, lat, incidents_lon, incidents_lat).tolist() == [2.0, 2.0, 3.0]
    assert w.building_loads([], [], incidents_lon, incidents_lat).tolist() == []
    assert w.building_loads(lon, lat, [np.nan], [np.nan]).tolist() == [0.0, 0.0, 0.0]
