"""Coordinate systems used in China, and conversion of everything to WGS-84.

GPS and open data use WGS-84 (EPSG:4326); the national datum CGCS2000 (EPSG:4490) equals
WGS-84 at the metre level. Online maps in China publish GCJ-02, an obfuscated offset of
WGS-84 (250-650 m), and Baidu adds BD-09 on top. pyproj has no EPSG code for either, so the
public formulas are implemented here: forward conversion is closed-form, the inverse is a
fixed-point iteration that stops below 1e-7 degrees (about 1 cm), far inside the 0.5 m bar.

All functions take and return numpy arrays of longitudes and latitudes in degrees.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyproj
from numpy.typing import ArrayLike

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formulas.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
_INVERSE_TOL_DEG = 1e-7
_INVERSE_MAX_ITER = 30


@dataclass(frozen=True)
class CoordSystem:
    """A coordinate system an input can be in.

    Attributes
    ----------
    kind : str
        ``"wgs84"``, ``"gcj02"``, ``"bd09"`` or ``"epsg"``.
    epsg : int or None
        The EPSG code when ``kind == "epsg"``.
    """

    kind: str
    epsg: int | None = None

    @property
    def label(self) -> str:
        """Short canonical text, e.g. ``wgs84``, ``gcj02``, ``EPSG:4547``."""
        return f"EPSG:{self.epsg}" if self.kind == "epsg" else self.kind


WGS84 = CoordSystem("wgs84")
GCJ02 = CoordSystem("gcj02")
BD09 = CoordSystem("bd09")

_ALIASES = {
    "wgs84": WGS84, "wgs-84": WGS84, "wgs 84": WGS84, "gps": WGS84, "epsg:4326": WGS84,
    "4326": WGS84, "cgcs2000": WGS84, "cgcs-2000": WGS84, "epsg:4490": WGS84, "4490": WGS84,
    "国家2000": WGS84, "2000国家大地坐标系": WGS84, "大地2000": WGS84,
    "gcj02": GCJ02, "gcj-02": GCJ02, "gcj": GCJ02, "火星坐标": GCJ02, "火星坐标系": GCJ02,
    "高德": GCJ02, "腾讯": GCJ02, "amap": GCJ02, "国测局坐标": GCJ02,
    "bd09": BD09, "bd-09": BD09, "bd09ll": BD09, "百度": BD09, "百度坐标": BD09, "baidu": BD09,
}


def parse_coord_system(text: str | CoordSystem | None) -> CoordSystem:
    """Read a coordinate-system name as users write it.

    Accepts ``wgs84``, ``CGCS2000``, ``GCJ-02``, ``BD-09``, Chinese names (火星坐标, 百度坐标,
    国家2000), ``EPSG:n`` or a bare EPSG number. CGCS2000 is treated as WGS-84.

    Raises
    ------
    ValueError
        When the text names no known system.
    """
    if isinstance(text, CoordSystem):
        return text
    if text is None or not str(text).strip():
        raise ValueError("empty coordinate system")
    key = str(text).strip().lower().replace("_", "-")
    if key in _ALIASES:
        return _ALIASES[key]
    match = re.fullmatch(r"(?:epsg:)?(\d{4,6})", key)
    if match:
        code = int(match.group(1))
        try:
            pyproj.CRS.from_epsg(code)
        except pyproj.exceptions.CRSError as err:
            raise ValueError(f"unknown EPSG code {code}") from err
        return WGS84 if code in (4326, 4490) else CoordSystem("epsg", code)
    raise ValueError(f"unknown coordinate system {text!r}")


def _out_of_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """True where the GCJ-02 offset does not apply (outside the published bounding box)."""
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (dlon, dlat) in degrees at WGS-84 positions."""
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + common
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + common
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    outside = _out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 -> GCJ-02 (closed form). Points outside China are returned unchanged."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 -> BD-09 (closed form)."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 -> BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def _invert(forward: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]], lon: ArrayLike,
            lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``forward(x) = target`` by fixed-point iteration x <- x - (forward(x) - target)."""
    tlon, tlat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    xlon, xlat = tlon.copy(), tlat.copy()
    for _ in range(_INVERSE_MAX_ITER):
        flon, flat = forward(xlon, xlat)
        elon, elat = flon - tlon, flat - tlat
        xlon, xlat = xlon - elon, xlat - elat
        err = np.nanmax(np.maximum(np.abs(elon), np.abs(elat)), initial=0.0)
        if err < _INVERSE_TOL_DEG:
            break
    return xlon, xlat


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 -> WGS-84 by iteration, to under 1e-7 degrees (about 1 cm)."""
    return _invert(wgs84_to_gcj02, lon, lat)


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 -> WGS-84 by iteration on the composed forward conversion."""
    return _invert(wgs84_to_bd09, lon, lat)


def to_wgs84(lon: ArrayLike, lat: ArrayLike, system: CoordSystem | str) -> tuple[np.ndarray, np.ndarray]:
    """Convert coordinate arrays from ``system`` to WGS-84 longitude/latitude in degrees.

    For an EPSG system the inputs are that CRS's x/y (e.g. metres of a Gauss-Kruger zone).
    NaN stays NaN.
    """
    system = parse_coord_system(system)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if system.kind == "wgs84":
        return lon.copy(), lat.copy()
    if system.kind == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if system.kind == "bd09":
        return bd09_to_wgs84(lon, lat)
    transformer = pyproj.Transformer.from_crs(system.epsg, 4326, always_xy=True)
    x, y = transformer.transform(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def from_wgs84(lon: ArrayLike, lat: ArrayLike, system: CoordSystem | str) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS-84 longitude/latitude to ``system`` (used for GCJ-02 basemaps and exports)."""
    system = parse_coord_system(system)
    if system.kind == "wgs84":
        return np.asarray(lon, dtype=float).copy(), np.asarray(lat, dtype=float).copy()
    if system.kind == "gcj02":
        return wgs84_to_gcj02(lon, lat)
    if system.kind == "bd09":
        return wgs84_to_bd09(lon, lat)
    transformer = pyproj.Transformer.from_crs(4326, system.epsg, always_xy=True)
    x, y = transformer.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS-84 UTM zone holding (lon, lat): metres for areas and distances."""
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


def metric_transformer(lon: float, lat: float) -> pyproj.Transformer:
    """A WGS-84 -> UTM (metres) transformer for the zone around (lon, lat)."""
    return pyproj.Transformer.from_crs(4326, utm_epsg(lon, lat), always_xy=True)
