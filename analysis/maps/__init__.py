"""Maps: the folium builder (served with no internet), the map page's numbers, density images,
hotspots (Getis-Ord Gi*) and the redraw workbench's editable map.

Each is imported from its module (``analysis.maps.build``, ``.view``, ``.density``, ``.hotspots``,
``.workbench``, ``.assets``), not from this package: a page that needs none of them (the overview, the first
page a server shows) then starts without folium and scipy's image and statistics modules.
"""
