"""Offline map assets: fetched from a registry (here a local folder), integrity-checked, served locally."""
import base64
import hashlib
import io
import tarfile

import folium
import pytest
from folium.plugins import FastMarkerCluster

from analysis.maps import assets as map_assets


def tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


@pytest.fixture
def registry(tmp_path, monkeypatch):
    """A registry folder holding one package, ``leaflet`` 9.9.9, pinned to its real digest."""
    data = tarball({"dist/leaflet.js": b"window.L = {};", "dist/leaflet.css": b".leaflet{}"})
    folder = tmp_path / "registry" / "leaflet" / "-"
    folder.mkdir(parents=True)
    (folder / "leaflet-9.9.9.tgz").write_bytes(data)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    monkeypatch.setattr(map_assets, "PACKAGES", {"leaflet": ("9.9.9", digest, ("dist/leaflet.js", "dist/leaflet.css"))})
    return f"file://{tmp_path / 'registry'}"


def test_fetch_unpacks_the_pinned_files_once(registry, tmp_path):
    target = tmp_path / "vendor"
    assert map_assets.missing(target) == ["leaflet/dist/leaflet.js", "leaflet/dist/leaflet.css"]
    written = map_assets.fetch(target, registry)
    assert sorted(p.name for p in written) == ["leaflet.css", "leaflet.js"]
    assert (target / "leaflet" / "dist" / "leaflet.js").read_bytes() == b"window.L = {};"
    assert map_assets.missing(target) == [] and map_assets.fetch(target, registry) == []   # nothing to do twice


def test_a_tampered_tarball_is_refused_and_nothing_written(registry, tmp_path, monkeypatch):
    version, _, files = map_assets.PACKAGES["leaflet"]
    monkeypatch.setattr(map_assets, "PACKAGES", {"leaflet": (version, "sha512-AAAA", files)})
    with pytest.raises(ValueError, match="integrity"):
        map_assets.fetch(tmp_path / "vendor", registry)
    assert not (tmp_path / "vendor").exists()


def test_localise_points_folium_at_the_dashboard():
    fmap, cluster = folium.Map(), FastMarkerCluster([])
    map_assets.localise(fmap)
    map_assets.localise(cluster)
    urls = [u for _, u in fmap.default_js + fmap.default_css + cluster.default_js + cluster.default_css]
    assert urls == ["/app/static/vendor/leaflet/dist/leaflet.js", "/app/static/vendor/leaflet/dist/leaflet.css",
                    "/app/static/vendor/leaflet.markercluster/dist/leaflet.markercluster.js",
                    "/app/static/vendor/leaflet.markercluster/dist/MarkerCluster.css",
                    "/app/static/vendor/leaflet.markercluster/dist/MarkerCluster.Default.css"]


def test_the_real_assets_are_in_place():
    assert map_assets.missing() == [], "run `make test` (or python -m analysis.maps.assets) to fetch them"
