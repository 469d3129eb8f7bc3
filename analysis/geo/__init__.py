"""Geometry on the ground: coordinate systems (WGS-84, CGCS2000, GCJ-02, BD-09, EPSG), metric
projections, point-in-polygon placement and whether polygons tile their ground."""
from analysis.geo.crs import CoordSystem, metric_transformer, parse_coord_system
from analysis.geo.geometry import areas_m2, convert_geometries, point_text, polygonal, to_metric
from analysis.geo.point_in_polygon import GridIndex
from analysis.geo.tiling import gap_parts, overlap_pairs, uncovered_points

__all__ = ["CoordSystem", "GridIndex", "areas_m2", "convert_geometries", "gap_parts", "metric_transformer",
           "overlap_pairs", "parse_coord_system", "point_text", "polygonal", "to_metric", "uncovered_points"]
