"""Reading a street's files into canonical frames and the store: tables and dates, column
recognition, incidents, boundaries and their checks, addresses, geocoding, the problem report,
and the imports that write it all as one transaction each."""
from analysis.ingest.boundaries import Boundaries, boundary_table, read_boundaries, read_boundary_file, read_street
from analysis.ingest.geocode import geocode_incidents, grid_index
from analysis.ingest.grid_checks import check_grids
from analysis.ingest.importer import ImportResult, import_boundaries, import_incidents, import_register
from analysis.ingest.incidents import coordinates_to_wgs84, normalise_incidents
from analysis.ingest.layers import LayerInfo, Upload, read_vector
from analysis.ingest.problems import Problem, ProblemReport, ReadError
from analysis.ingest.schema import BUILDING_FIELDS, GRID_FIELDS, INCIDENT_FIELDS, PEOPLE_FIELDS, guess_mapping
from analysis.ingest.tables import read_table

__all__ = ["BUILDING_FIELDS", "Boundaries", "LayerInfo", "Upload", "GRID_FIELDS", "INCIDENT_FIELDS", "ImportResult", "PEOPLE_FIELDS", "Problem",
           "ProblemReport", "ReadError", "boundary_table", "check_grids", "coordinates_to_wgs84", "geocode_incidents",
           "grid_index", "guess_mapping", "import_boundaries", "import_incidents", "import_register",
           "normalise_incidents", "read_boundaries", "read_boundary_file", "read_street", "read_table", "read_vector"]
