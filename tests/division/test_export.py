"""Export of a division to GeoJSON, GeoPackage, Shapefile and KML, read back by our own importer."""
from __future__ import annotations

import pandas as pd
import pytest
import shapely

from analysis.division.export import FORMATS, export_bytes
from analysis.ingest.boundaries import read_boundaries
from analysis.settings import load_settings
from tests.fixtures import small_division

SETTINGS = load_settings()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_and_import_round_trip(tmp_path, fmt):
    _, _, div = small_division()
    data = export_bytes(div, fmt, figures=pd.DataFrame({"grid_id": ["G1", "G2", "G3", "G4"],
                                                        "households": [1.0, 2.0, 3.0, 4.0],
                                                        "population": [5.0, 6.0, 7.0, 8.0]}))
    got, _ = read_boundaries(data, f"plan{FORMATS[fmt]}")
    grids = got[got["level"] == "grid"].sort_values("grid_id")
    assert grids["grid_id"].tolist() == ["G1", "G2", "G3", "G4"]
    assert grids["parent_id"].tolist() == ["C1", "C1", "C2", "C2"]
    assert grids["community"].tolist() == ["甲社区", "甲社区", "乙社区", "乙社区"]
    assert set(got.loc[got["level"] == "community", "grid_id"]) == {"C1", "C2"}
    assert pd.to_numeric(grids["households"]).tolist() == [1.0, 2.0, 3.0, 4.0]
    for a, b in zip(grids.geometry, div.grids.geometry, strict=False):
        assert shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=1e-9)


def test_export_rejects_an_unknown_format():
    with pytest.raises(ValueError):
        export_bytes(small_division()[2], "dxf")


def test_the_export_carries_each_grids_change_and_reason(tmp_path):
    import geopandas as gpd

    from analysis.division.continuity import changes
    from analysis.division.edits import merge
    ds, _, div = small_division()
    joined = merge(div, ["G1", "G2"])
    changed, _ = changes(div, joined, ds.buildings, SETTINGS)
    path = tmp_path / "plan.gpkg"
    path.write_bytes(export_bytes(joined, "gpkg", changed=changed))
    got = gpd.read_file(path).set_index("grid_id")
    assert got.loc["G1", "change"] == "merged" and got.loc["G3", "change"] == "same"
    assert got.loc["G1", "reason_zh"] == "一、二合并，以均衡户数和工作量（现 700 户）"
    assert got.loc["G1", "reason_en"] != "" and got.loc["C1", "change"] == ""      # community rows carry none
