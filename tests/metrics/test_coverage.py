"""Volunteer coverage on the small street (tests/fixtures.small_street): radius, recruiting, services."""
import pytest

from analysis.metrics import coverage
from analysis.settings import load_settings
from tests.fixtures import small_dataset

SETTINGS = load_settings()


def test_coverage_by_radius(week):
    ds = week[0]
    wide = coverage.coverage_table(ds, SETTINGS, 1.0).set_index("grid_id")
    assert wide["active"].tolist() == [1, 0, 1, 0] and wide["no_active"].tolist() == [False, True, False, True]
    assert wide["coverage"].tolist() == [1.0] * 4                      # 300 m reaches every building
    near = coverage.coverage_table(ds, {**SETTINGS, "walk_radius_m": 100.0}, 1.0).set_index("grid_id")
    assert near["coverage"].tolist() == [1.0, 1.0, 0.0, 0.0]           # B2 is 98 m away, B3 111 m
    assert near.loc["G1", "active_per_100_households"] == pytest.approx(0.25)


def test_recruiting_picks_the_building_that_covers_most(week):
    ds = week[0]
    sites = coverage.recruiting_sites(ds, {**SETTINGS, "walk_radius_m": 100.0}, n=5)
    assert sites[["building_id", "gain", "covered_after"]].values.tolist() == [["B3", 300.0, 1.0]]
    assert coverage.recruiting_sites(ds, SETTINGS).empty              # everyone covered: nothing to suggest


def test_monthly_services_by_team(week):
    monthly = coverage.monthly_services(week[0])
    assert monthly[["month", "services", "hours"]].values.tolist() == [["2026-02", 1, 3.0], ["2026-03", 2, 3.0]]


def test_inactive_volunteer_covers_nobody():
    ds = small_dataset()
    ds.services = ds.services.iloc[0:0]
    assert coverage.active_volunteers(ds, 90).tolist() == [False, False]
    assert not coverage.covered_buildings(ds, coverage.active_volunteers(ds, 90), 300).any()


def test_a_volunteer_the_register_marks_as_gone_is_not_active():
    ds = small_dataset()
    assert coverage.active_volunteers(ds, 9999).tolist() == [True, True]
    ds.volunteers = ds.volunteers.assign(active=[False, True])
    assert coverage.active_volunteers(ds, 9999).tolist() == [False, True]
