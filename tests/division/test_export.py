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
