"""A street's line layer (roads, rivers, walls) read for the suggestion: lines, polygon outlines, any format."""
import geopandas as gpd
import pytest
import shapely

from analysis.ingest.boundaries import read_lines
from analysis.ingest.problems import ReadError
from tests.fixtures import at, square

ROAD = shapely.LineString([at(0, 0.5), at(2, 0.5)])
WALL = square(3, 0, 1)


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp", ".kml"])
def test_lines_and_polygon_outlines_are_read_from_any_format(tmp_path, suffix):
    path = tmp_path / f"roads{suffix}"
    layer = gpd.GeoDataFrame({"名称": ["书院路"]}, geometry=[ROAD], crs=4326)
    layer.to_file(path, driver={".kml": "KML"}.get(suffix))
    lines = read_lines(path)
    assert shapely.equals_exact(shapely.normalize(lines), shapely.normalize(ROAD), tolerance=1e-9)


def test_an_area_counts_by_its_outline_and_projected_files_are_converted(tmp_path):
    path = tmp_path / "walls.gpkg"
    gpd.GeoDataFrame({"kind": ["road", "wall"]}, geometry=[ROAD, WALL], crs=4326).to_crs(4547).to_file(path)
    lines = read_lines(path)
    assert lines.geom_type == "MultiLineString"
    assert abs(lines.length - (ROAD.length + WALL.boundary.length)) < 1e-8
    assert shapely.covers(shapely.buffer(lines, 1e-7), WALL.boundary)


def test_a_file_of_points_is_refused_with_its_reason(tmp_path):
    path = tmp_path / "points.geojson"
    gpd.GeoDataFrame(geometry=[shapely.Point(at(0, 0))], crs=4326).to_file(path)
    with pytest.raises(ReadError) as err:
        read_lines(path)
    assert [p.code for p in err.value.report.problems] == ["no_lines"]
    assert "线要素" in err.value.report.problems[0].message("zh")
