"""Real 311 data (../shared/realdata): importers, mapping and assignment on files nobody here made."""
import pandas as pd
import pytest

from analysis.cli import main
from analysis.ingest.importer import import_boundaries, import_incidents
from analysis.ingest.incidents import normalise_incidents
from analysis.ingest.schema import INCIDENT_FIELDS, guess_mapping
from analysis.ingest.tables import file_rows, read_table, table_parts

pytestmark = pytest.mark.realdata


def test_la_requests_agree_with_the_council_column(realdata, tmp_path):
    out = tmp_path / "la.csv"
    assert main(["assign", "--grids", str(realdata / "la/nc-boundary-2019-modified.json"),
                 "--incidents", str(realdata / "la/requests.csv"), "--out", str(out), "--grid-id-col", "nc_id"]) == 0
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    truth = pd.read_csv(realdata / "la/requests.csv", dtype=str, keep_default_na=False)
    assert len(got) == len(truth) == 10000
    inside = got["match_method"] == "coordinates"
    assert inside.sum() == 9850                      # the points that fall in a council (README: 9,850)
    agreement = (got.loc[inside, "grid_id"] == truth.loc[inside, "nc"].str.replace(r"\.0$", "", regex=True)).mean()
    print(f"LA: {agreement:.4%} of {inside.sum()} points agree with the nc column")
    assert agreement >= 0.99


def test_la_2018_bad_rows_are_reported(realdata):
    table, _ = read_table(realdata / "la/2018_mini.csv")
    read = normalise_incidents(table, guess_mapping(list(table.columns), INCIDENT_FIELDS))
    assert len(read.incidents) == 10000
    assert read.report.count(code="closed_before_reported") == 13       # README: 13 rows close before they open
    assert read.incidents["lon"].isna().sum() == 1102                    # README: 1,102 without coordinates


def test_boston_import_end_to_end(realdata, tmp_path):
    from analysis.store.database import Store
    store = Store(f"sqlite:///{tmp_path / 'boston.sqlite'}")
    import_boundaries(store, realdata / "boston/boston.geojson", mapping={"grid_id": "name"})
    result = import_incidents(store, realdata / "boston/filtered_2019.csv")
    assert result.rows_read == 8928
    placed = result.by_method.get("coordinates", 0) + result.by_method.get("snapped", 0)
    assert placed / result.rows_imported > 0.99                          # README: 99.8% fall inside one
    stored = store.incidents()
    assert stored["due_at"].notna().mean() > 0.5 and stored["closed_at"].notna().any()


@pytest.mark.parametrize("name", ["boston/filtered_2019.csv", "la/2018_mini.csv", "la/requests.csv"])
def test_a_real_export_read_in_parts_is_the_whole_export(realdata, name):
    whole, _ = read_table(realdata / name)
    parts = list(table_parts(realdata / name, part_bytes=256 * 1024))
    joined = pd.concat(parts)
    assert len(parts) > 10 and list(joined.columns) == list(whole.columns)
    assert joined.to_numpy().tolist() == whole.to_numpy().tolist()
    assert file_rows(joined).tolist() == file_rows(whole).tolist()


def test_boston_imported_in_parts_stores_what_the_whole_file_does(realdata, tmp_path):
    from analysis.store.database import Store
    stored = []
    for part_bytes in (2**30, 256 * 1024):
        store = Store(f"sqlite:///{tmp_path / f'boston{part_bytes}.sqlite'}")
        import_boundaries(store, realdata / "boston/boston.geojson", mapping={"grid_id": "name"})
        result = import_incidents(store, realdata / "boston/filtered_2019.csv", part_bytes=part_bytes)
        stored.append((result.rows_read, result.rows_imported, result.by_method,
                       store.incidents().drop(columns="batch_id").sort_values("incident_id").reset_index(drop=True)))
    assert stored[0][:3] == stored[1][:3]
    pd.testing.assert_frame_equal(stored[0][3], stored[1][3])


def test_boston_on_time_flag_agrees_with_our_definition(realdata):
    """Definition: a case with a deadline (sla_target_dt) is late when it closed after it, or is still open
    past it at the export's time (its latest closing); otherwise on time. Cases without a deadline are
    left out (all 3,508 are ONTIME in the file: nothing to be late for)."""
    from analysis.metrics import resolution as r
    from analysis.metrics.periods import Period
    table, _ = read_table(realdata / "boston/filtered_2019.csv")
    mapping = guess_mapping(list(table.columns), INCIDENT_FIELDS)
    assert (mapping["due_at"], mapping["closed_at"]) == ("sla_target_dt", "closed_dt")
    from analysis.metrics.lifecycle import lifecycle_columns
    from analysis.settings import DEFAULTS
    cases = lifecycle_columns(normalise_incidents(table, mapping).incidents, DEFAULTS.model_dump())[0]
    exported = cases["closed_at"].max() + pd.Timedelta(seconds=1)
    everything = Period(cases["reported_at"].min().normalize(), exported)
    flags = r.period_flags(cases, everything)
    late = (flags.full("closed") & ~flags.full("on_time")) | flags.full("overdue")
    given = table.set_index(mapping["incident_id"])["on_time"].reindex(cases["incident_id"]).to_numpy()
    has_deadline = flags.full("due")
    agreement = (late[has_deadline] == (given[has_deadline] == "OVERDUE")).mean()
    print(f"Boston: {has_deadline.sum()} cases with a deadline, {agreement:.2%} agree with on_time; "
          f"on-time closure rate {r.on_time_closure_rate(flags):.1%}")
    assert has_deadline.sum() == 5420 and agreement >= 0.99
    assert set(given[~has_deadline]) == {"ONTIME"}


def test_la_council_districts_measured_and_exported(realdata):
    """LA's 15 council districts (2012), a real redistricting plan: one piece each, Polsby-Popper
    well below a square's 0.785 (the least compact near 0.09), overlaps that are digitising slivers
    (< 0.01 % of the city), and every export format reads back the same districts."""
    import numpy as np
    import pandas as pd
    import shapely

    from analysis.division import measures as dm
    from analysis.division.edits import division_from_layer
    from analysis.division.export import FORMATS, export_bytes
    from analysis.geo import tiling
    from analysis.geo.geometry import areas_m2
    from analysis.ingest.boundaries import read_boundaries

    grids, _ = read_boundaries(realdata / "la/la-city-council-districts-2012.json")
    geoms = grids.geometry.to_numpy()
    assert len(grids) == 15 and (dm.part_counts(geoms) == 1).all()
    compactness = dm.compactness(geoms)
    assert 0.05 < compactness.min() < 0.15 and compactness.max() < 0.5
    overlap = sum(area for *_, area, _ in tiling.overlap_pairs(geoms, 1.0))
    assert 0 < overlap < 1e-4 * areas_m2(geoms).sum()
    division = division_from_layer(grids.assign(community="Los Angeles"))
    for fmt, suffix in FORMATS.items():
        back, _ = read_boundaries(export_bytes(division, fmt), f"la{suffix}")
        back = back[back["level"] == "grid"].set_index("grid_id").loc[division.grids["grid_id"]]
        got = areas_m2(back.geometry.to_numpy())
        want = areas_m2(division.grids.geometry.to_numpy())
        assert np.allclose(got, want, rtol=1e-6), fmt
        assert pd.Index(back.index).equals(pd.Index(division.grids["grid_id"]))
        assert all(shapely.is_valid(g) for g in back.geometry)
