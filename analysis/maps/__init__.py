"""Maps: the folium builder (served with no internet), the map page's numbers, density images,
hotspots (Getis-Ord Gi*) and the redraw workbench's editable map."""
from analysis.maps.assets import missing
from analysis.maps.build import BASEMAPS, MEASURE_KINDS, MapSpec, PointLayer, build_map, classify, map_html
from analysis.maps.view import MapData, map_data
from analysis.maps.workbench import Drawings, build_workbench_map, nearest_point, read_drawings

__all__ = ["BASEMAPS", "MEASURE_KINDS", "Drawings", "MapData", "MapSpec", "PointLayer", "build_map",
           "build_workbench_map", "classify", "map_data", "map_html", "missing", "nearest_point", "read_drawings"]
