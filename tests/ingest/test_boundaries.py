import zipfile

import numpy as np
import pytest
import shapely

from analysis.geo.crs import wgs84_to_gcj02
from analysis.geo.geometry import convert_geometries
from analysis.ingest.boundaries import read_boundaries
from analysis.ingest.problems import ReadError
from tests.fixtures import four_grids


def write_zip(gdf, tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    gdf.to_file(folder / "grids.shp", encoding="utf-8")
    path = tmp_path / "grids.zip"
    with zipfile.ZipFile(path, "w") as z:
        for part in folder.iterdir():
            z.write(part, part.name)
    return path


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp", ".zip", ".kml"])
def test_every_format_reads_back_the_same_grids(tmp_path, suffix):
    grids = four_grids()
    if suffix == ".zip":
        path = write_zip(grids, tmp_path)
    else:
        path = tmp_path / f"grids{suffix}"
        grids.to_file(path, driver={".kml": "KML"}.get(suffix), encoding="utf-8" if suffix == ".shp" else None)
    got, report = read_boundaries(path)
    assert got["grid_id"].tolist() == grids["grid_id"].tolist()
    assert got["name"].tolist() == ["一", "二", "三", "四"]
    assert got.crs.to_epsg() == 4326
    for a, b in zip(got.geometry, grids.geometry, strict=False):
        assert shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=1e-9)


def test_upload_bytes_work_like_a_path(tmp_path):
    path = tmp_path / "g.geojson"
    four_grids().to_file(path)
    got, _ = read_boundaries(path.read_bytes(), "g.geojson")
    assert len(got) == 4


def test_projected_file_is_converted_to_degrees(tmp_path):
    path = tmp_path / "g.gpkg"
    four_grids().to_crs(4547).to_file(path)
    got, _ = read_boundaries(path)
    assert got.crs.to_epsg() == 4326
    assert got.geometry.iloc[0].bounds == pytest.approx(four_grids().geometry.iloc[0].bounds, abs=1e-8)


def test_gcj02_tracing_is_shifted_back_to_wgs84(tmp_path):
    grids = four_grids()
    traced = grids.set_geometry(convert_geometries(grids.geometry.to_numpy(), "wgs84", "gcj02"), crs=4326)
    path = tmp_path / "amap.geojson"
    traced.to_file(path)
    got, _ = read_boundaries(path, coord_system="gcj02")
    shift = np.array(wgs84_to_gcj02(112.97, 28.19)) - [112.97, 28.19]
    assert np.abs(shift).max() > 0.003   # the trap is hundreds of metres wide ...
    assert got.geometry.iloc[0].bounds == pytest.approx(grids.geometry.iloc[0].bounds, abs=1e-8)  # ... and undone


def test_shapefile_without_prj_is_read_as_wgs84_with_a_note(tmp_path):
    four_grids().to_file(tmp_path / "g.shp", encoding="utf-8")
    (tmp_path / "g.prj").unlink()
    _, report = read_boundaries(tmp_path / "g.shp")
    assert report.count(code="crs_assumed") == 1


def test_kml_without_an_id_field_uses_the_names(tmp_path):
    path = tmp_path / "g.kml"
    four_grids()[["name", "geometry"]].to_file(path, driver="KML")
    got, report = read_boundaries(path)
    assert got["grid_id"].tolist() == ["一", "二", "三", "四"] and report.count(code="id_from_name") == 1


@pytest.mark.parametrize("name, data, code", [
    ("g.geojson", b"", "empty_file"),
    ("g.geojson", b"{not json", "unreadable_file"),
    ("g.shp", b"xx", "shapefile_incomplete"),     # a lone .shp upload: its .dbf is missing, and the message says so
    ("g.txt", b"xx", "unsupported_format"),
])
def test_bad_boundary_files(name, data, code):
    with pytest.raises(ReadError) as err:
        read_boundaries(data, name)
    assert err.value.report.problems[0].code == code
