"""Incident density rendered on the server as small PNG images (the map's heat layer).

A map carrying every incident as a point is tens of megabytes at a million incidents; an image
of the density is a few kilobytes whatever their number. Method: count incidents on a regular
raster of square cells (``cell_m`` metres, at most ``max_side`` cells a side), smooth with a
Gaussian kernel of ``bandwidth_m`` metres, scale by a common maximum (so frames of a playback
are comparable), colour from transparent yellow to opaque dark red.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0
# colour ramp (YlOrRd): value in [0, 1] -> RGB, alpha rising with the value
RAMP_AT = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
RAMP_RGB = np.array([[255, 255, 178], [254, 204, 92], [253, 141, 60], [240, 59, 32], [189, 0, 38]], float)
MAX_ALPHA = 0.78
LEVELS = 32
# zlib's level for the images: at a city's 400 x 400 cells level 4 takes 6 ms an image against 27-31 ms for the
# default 6, for 8 % more bytes (36 KB against 33 KB); a map carries 13 images (the period and 12 weeks)
PNG_LEVEL = 4


@dataclass(frozen=True)
class Raster:
    """A lon/lat raster: ``nx`` x ``ny`` cells of ``dx`` x ``dy`` degrees from (``x0``, ``y0``)."""

    x0: float
    y0: float
    dx: float
    dy: float
    nx: int
    ny: int

    @property
    def bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]]: the image's corners as Leaflet wants them."""
        return [[self.y0, self.x0], [self.y0 + self.ny * self.dy, self.x0 + self.nx * self.dx]]

    def cells(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """The cell of each point, row × ``nx`` + column counted from the south-west (int32), -1 outside the
        raster or with no position; on the edges ``numpy.histogram2d`` draws (a point on the east or north edge is
        in the last cell)."""
        ok = np.isfinite(lon) & np.isfinite(lat)
        column = np.full(len(lon), -1, dtype=np.int64)
        row = column.copy()
        column[ok], row[ok] = self._cells(lon[ok], self.x0, self.dx, self.nx), self._cells(lat[ok], self.y0, self.dy, self.ny)
        cell = np.where((column >= 0) & (row >= 0), row * self.nx + column, -1)
        return cell.astype(np.int32)

    def counts(self, cells: np.ndarray) -> np.ndarray:
        """Points per cell (``cells``: :meth:`cells`), north row first (image order): ``numpy.histogram2d``'s
        counts at a tenth of its cost, one ``bincount``."""
        grid: np.ndarray = self.layer_counts(cells, np.zeros(len(cells), dtype=np.int64), 1)[0]
        return grid

    def layer_counts(self, cells: np.ndarray, layer: np.ndarray, layers: int) -> np.ndarray:
        """:meth:`counts` of each layer's points (``layer``: 0 … ``layers`` − 1 a point, -1 in none), as one
        ``layers`` x ``ny`` x ``nx`` stack counted by one ``bincount``."""
        ok = (cells >= 0) & (layer >= 0) & (layer < layers)
        size = self.nx * self.ny
        grid = np.bincount(layer[ok].astype(np.int64) * size + cells[ok], minlength=layers * size)
        return grid.reshape(layers, self.ny, self.nx)[:, ::-1].astype(float)

    @staticmethod
    def _cells(values: np.ndarray, start: float, step: float, count: int) -> np.ndarray:
        """The cell of each value along one axis (-1 outside the ``count`` cells), on the edges
        ``numpy.histogram2d`` draws."""
        edges = np.linspace(start, start + count * step, count + 1)
        guess = np.clip(np.floor((values - start) / step), 0, count - 1).astype(np.int64)
        cell = guess                                   # after rounding, at most one cell off:
        cell -= values < edges[guess]
        cell += values >= edges[guess + 1]
        cell[values == edges[-1]] = count - 1
        cell[(values < edges[0]) | (values > edges[-1])] = -1
        return cell


def raster_for(bounds: tuple[float, float, float, float], cell_m: float = 20.0, max_side: int = 400,
               margin_m: float = 100.0) -> Raster:
    """A raster covering ``bounds`` (xmin, ymin, xmax, ymax degrees) plus ``margin_m`` around.

    Cells are ``cell_m`` metres square, grown when the area would need more than ``max_side``
    cells on a side.
    """
    xmin, ymin, xmax, ymax = bounds
    m_per_deg_lon = M_PER_DEG_LON_EQUATOR * np.cos(np.radians((ymin + ymax) / 2))
    width_m = (xmax - xmin) * m_per_deg_lon + 2 * margin_m
    height_m = (ymax - ymin) * M_PER_DEG_LAT + 2 * margin_m
    cell_m = max(cell_m, max(width_m, height_m) / max_side)
    nx, ny = max(1, int(np.ceil(width_m / cell_m))), max(1, int(np.ceil(height_m / cell_m)))
    dx, dy = cell_m / m_per_deg_lon, cell_m / M_PER_DEG_LAT
    return Raster(xmin - margin_m / m_per_deg_lon, ymin - margin_m / M_PER_DEG_LAT, dx, dy, nx, ny)


def smoothed(raster: Raster, cells: np.ndarray, bandwidth_m: float = 60.0) -> np.ndarray:
    """Kernel density (incidents per cell, Gaussian kernel of ``bandwidth_m`` metres) of the points in ``cells``
    (:meth:`Raster.cells`)."""
    surface: np.ndarray = smoothed_layers(raster, cells, np.zeros(len(cells), dtype=np.int64), 1, bandwidth_m)[0]
    return surface


def smoothed_layers(raster: Raster, cells: np.ndarray, layer: np.ndarray, layers: int,
                    bandwidth_m: float = 60.0) -> np.ndarray:
    """:func:`smoothed` of each layer's points (``layer``: 0 … ``layers`` − 1 a point, -1 in none), as one
    ``layers`` x ``ny`` x ``nx`` stack filtered at once (the kernel has no width across layers): a map's 12 weeks
    in 0.13 CPU s at a city's 400 x 400 cells, against 0.22 s one by one."""
    sigma = bandwidth_m / (raster.dy * M_PER_DEG_LAT)
    return np.asarray(gaussian_filter(raster.layer_counts(cells, layer, layers), sigma=(0.0, sigma, sigma),
                                      mode="constant"))


def scale_max(surfaces: list[np.ndarray]) -> float:
    """A common top of the colour scale: the largest 99.5th percentile of the surfaces' positive cells."""
    tops = [np.percentile(s[s > 0], 99.5) for s in surfaces if (s > 0).any()]
    return float(max(tops)) if tops else 1.0


def palette(levels: int = LEVELS) -> tuple[np.ndarray, np.ndarray]:
    """RGB (levels x 3) and alpha (levels) of each colour level; level 0 is fully transparent."""
    value = np.linspace(0.0, 1.0, levels)
    rgb = np.column_stack([np.interp(value, RAMP_AT, RAMP_RGB[:, c]) for c in range(3)]).astype(np.uint8)
    alpha = (MAX_ALPHA * np.sqrt(value) * 255).astype(np.uint8)
    alpha[0] = 0
    return rgb, alpha


def to_png(surface: np.ndarray, vmax: float, levels: int = LEVELS) -> bytes:
    """The surface coloured on the ramp as a palette PNG: ``levels`` steps, 0 transparent, ``vmax`` and above
    the darkest. A few dozen steps read the same as a continuous ramp and compress far better.
    """
    value = np.clip(surface / vmax, 0.0, 1.0) if vmax > 0 else np.zeros_like(surface)
    index = np.round(value * (levels - 1)).astype(np.uint8)
    rgb, alpha = palette(levels)
    image = Image.fromarray(index, "P")
    image.putpalette(rgb.ravel().tolist())
    out = io.BytesIO()
    image.save(out, format="PNG", transparency=alpha.tobytes(), compress_level=PNG_LEVEL)
    return out.getvalue()
