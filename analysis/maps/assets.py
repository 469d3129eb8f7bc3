"""Leaflet and its plugins, served by the dashboard itself: maps work with no internet.

folium points every map at public CDNs, so on a street office's intranet the map stays blank.
The files come instead from the npm registry at install time (``make run`` / ``make test`` call
``python -m analysis.maps.assets``): pinned versions, each tarball checked against the registry's
SHA-512 integrity before anything is unpacked into ``static/vendor/`` (git-ignored, never
committed). Streamlit serves that folder at ``/app/static/vendor/`` (``enableStaticServing``),
the same origin as the map's frame. :func:`localise` points a map's elements there.
"""
from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

from folium.elements import JSCSSMixin

from analysis.settings import PROJECT_ROOT

VENDOR_DIR = PROJECT_ROOT / "static" / "vendor"
BASE_URL = "/app/static/vendor"
REGISTRY = "https://registry.npmjs.org"

# npm package -> version, SHA-512 integrity of its tarball, files used (paths inside the package)
PACKAGES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "leaflet": ("1.9.4", "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
                ("dist/leaflet.js", "dist/leaflet.css", "dist/images/layers.png", "dist/images/layers-2x.png",
                 "dist/images/marker-icon.png", "dist/images/marker-icon-2x.png", "dist/images/marker-shadow.png")),
    "leaflet.markercluster": (
        "1.5.3", "sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA==",
        ("dist/leaflet.markercluster.js", "dist/MarkerCluster.css", "dist/MarkerCluster.Default.css")),
    "leaflet-draw": (
        "1.0.4", "sha512-rsQ6saQO5ST5Aj6XRFylr5zvarWgzWnrg46zQ1MEOEIHsppdC/8hnN8qMoFvACsPvTioAuysya/TVtog15tyAQ==",
        ("dist/leaflet.draw.js", "dist/leaflet.draw.css", "dist/images/spritesheet.png",
         "dist/images/spritesheet-2x.png", "dist/images/spritesheet.svg")),
}

# what each folium element loads, by the name folium gives it -> (package, file)
JS = {"leaflet": ("leaflet", "dist/leaflet.js"),
      "markerclusterjs": ("leaflet.markercluster", "dist/leaflet.markercluster.js"),
      "leaflet_draw_js": ("leaflet-draw", "dist/leaflet.draw.js")}
CSS = {"leaflet_css": ("leaflet", "dist/leaflet.css"),
       "markerclustercss": ("leaflet.markercluster", "dist/MarkerCluster.css"),
       "markerclusterdefaultcss": ("leaflet.markercluster", "dist/MarkerCluster.Default.css"),
       "leaflet_draw_css": ("leaflet-draw", "dist/leaflet.draw.css")}


def local_path(package: str, file: str, folder: Path = VENDOR_DIR) -> Path:
    """Where a package's file lives once fetched: ``static/vendor/<package>/<file>``."""
    return folder / package / file


def missing(folder: Path = VENDOR_DIR) -> list[str]:
    """The files not yet fetched (empty when every map asset is in place)."""
    return [f"{name}/{file}" for name, (_, _, files) in PACKAGES.items() for file in files
            if not local_path(name, file, folder).is_file()]


def _check_integrity(data: bytes, integrity: str, name: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise ValueError(f"{name}: the downloaded tarball does not match its pinned {algorithm} integrity")


def fetch(folder: Path = VENDOR_DIR, registry: str = REGISTRY, timeout: float = 60.0) -> list[Path]:
    """Download the pinned packages and unpack the files used; returns the files written.

    Packages whose files are all present are skipped. Raises ``ValueError`` on an integrity
    mismatch and ``OSError`` when the registry cannot be reached (nothing is half-written: each
    file is written whole, and a re-run fetches what is still missing).
    """
    written = []
    for name, (version, integrity, files) in PACKAGES.items():
        if all(local_path(name, f, folder).is_file() for f in files):
            continue
        url = f"{registry}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = response.read()
        _check_integrity(data, integrity, f"{name}@{version}")
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for file in files:
                member = tar.extractfile(f"package/{file}")
                if member is None:
                    raise ValueError(f"{name}@{version} has no {file}")
                target = local_path(name, file, folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_suffix(target.suffix + ".part")
                partial.write_bytes(member.read())
                partial.replace(target)
                written.append(target)
    return written


def localise(element: JSCSSMixin, base_url: str = BASE_URL) -> None:
    """Point a folium element's scripts and stylesheets at the local copies (in place).

    Only the assets GridLens's maps use are kept; folium's other defaults (jQuery, Bootstrap,
    Font Awesome, awesome-markers) are dropped, as nothing here draws with them.
    """
    element.default_js = [(key, f"{base_url}/{JS[key][0]}/{JS[key][1]}") for key, _ in element.default_js
                          if key in JS]
    element.default_css = [(key, f"{base_url}/{CSS[key][0]}/{CSS[key][1]}") for key, _ in element.default_css
                           if key in CSS]


def main() -> int:
    """``python -m analysis.maps.assets``: fetch what is missing; exit 1 with a clear message on failure."""
    try:
        written = fetch()
    except (OSError, ValueError) as err:
        print(f"错误 / error: could not fetch the map's scripts from {REGISTRY}: {err}", file=sys.stderr)
        return 1
    print(f"map assets: {len(written)} files fetched, all present in {VENDOR_DIR}" if written else
          f"map assets: all present in {VENDOR_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
