"""GridLens analysis core: pure Python, never imports streamlit.

Modules
-------
crs          coordinate systems of China (WGS-84, CGCS2000, GCJ-02, BD-09, EPSG) -> WGS-84
problems     the problem report every read returns (row, column, value, reason; zh and en)
schema       canonical column names and the Chinese/English headers that map onto them
dates        tolerant, vectorised date parsing
tables       CSV (UTF-8, BOM, GBK/GB18030) and Excel reading
incidents_io validation and normalisation of incident tables
boundaries   reading grid polygons (GeoJSON, GeoPackage, Shapefile, KML)
grid_checks  validity, overlaps, gaps, duplicate ids, parent-child codes
pip          fast point-in-polygon assignment with snapping
address      address normalisation and gazetteer matching
geocode      incidents -> grids (coordinates, then addresses, then manual fixes)
store        the embedded SQLite store (through SQLAlchemy)
status       what the store holds (counts, revision token)
settings     the settings registry (snapping tolerance, address cut-off, prefixes)
importer     one transactional import: read -> geocode -> store
demo         the generated demo street
cli          ``python -m analysis assign|import|demo|init``
"""
