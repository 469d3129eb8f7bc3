"""Writing the demo street to ``geodata/demo/`` with byte-identical output for a given seed."""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from analysis.demo.geography import build_geography
from analysis.demo.incidents import build_incidents, categories_table
from analysis.demo.people import build_services, build_volunteers, build_workers
from analysis.settings import PROJECT_ROOT

SEED = 20261122
DEMO_DIR = PROJECT_ROOT / "geodata" / "demo"
FILES = ("street.geojson", "grids.geojson", "buildings.csv", "incidents.csv", "workers.csv",
         "volunteers.csv", "services.csv", "categories.csv")


def _round_coords(value: Any, digits: int = 7) -> Any:
    if isinstance(value, (list, tuple)):
        return [_round_coords(v, digits) for v in value]
    return round(float(value), digits)


def write_geojson(path: Path, properties: pd.DataFrame, geoms: Iterable[shapely.Geometry]) -> None:
    """A GeoJSON FeatureCollection (WGS-84, 7 decimals = 1 cm, so shared edges stay shared)."""
    features = []
    for props, geom in zip(properties.to_dict("records"), geoms):
        mapped = json.loads(shapely.to_geojson(geom))
        mapped["coordinates"] = _round_coords(mapped["coordinates"])
        features.append({"type": "Feature", "properties": props, "geometry": mapped})
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def shared_edges(grids: pd.DataFrame) -> tuple[pd.DataFrame, shapely.Geometry]:
    """Make the division a clean coverage: neighbouring grids share identical vertices, each
    community is the union of its grids and the street the union of the communities.

    Clipping Voronoi cells leaves T-junctions (a vertex on one side of an edge only); rounded to
    7 decimals on writing, those opened millimetre-wide slivers of 1-2 m² along edges.
    ``coverage_clean`` nodes the cells; the coverage unions then add no new vertices.
    """
    geoms = grids["geometry"].to_numpy(dtype=object).copy()
    level, parent, code = grids["level"].to_numpy(), grids["parent_id"].to_numpy(), grids["grid_id"].to_numpy()
    for kind in ("grid", "micro"):
        rows = np.flatnonzero(level == kind)
        # shapely >= 2.1 (its type stubs stop at 2.0's names)
        geoms[rows] = shapely.coverage_clean(shapely.set_precision(geoms[rows], 1e-7))  # type: ignore[attr-defined]
    for row in np.flatnonzero(level == "community"):
        geoms[row] = shapely.coverage_union_all(geoms[(parent == code[row]) & (level == "grid")])
    street = shapely.coverage_union_all(geoms[level == "community"])
    return grids.assign(geometry=geoms), street


def _csv(frame: pd.DataFrame, path: Path, bom: bool = False) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8-sig" if bom else "utf-8")


def build_demo(out_dir: Path | str = DEMO_DIR, seed: int = SEED) -> list[Path]:
    """Generate the demo street into ``out_dir``; returns the files written.

    The incident export is UTF-8 with a BOM and Chinese headers, as Excel writes it.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    geo = build_geography(rng)
    households = geo.buildings.groupby("grid_id")["households"].sum()
    grids = geo.grids.assign(households=geo.grids["grid_id"].map(households).fillna(0).astype(int))
    grid_rows = grids[grids["level"] == "grid"].sort_values("households")
    overloaded = grid_rows["grid_id"].tail(2).tolist()
    unstaffed = grid_rows["grid_id"].iloc[len(grid_rows) // 3]
    workers = build_workers(rng, grids, overloaded, unstaffed)
    volunteers = build_volunteers(rng, geo.buildings)
    services = build_services(rng, volunteers)
    incidents = build_incidents(rng, geo.buildings, workers, overloaded)

    layers, street = shared_edges(geo.grids)
    write_geojson(out / "street.geojson", pd.DataFrame({"name": ["古城街道"], "code": ["430103007"]}), [street])
    write_geojson(out / "grids.geojson", layers.drop(columns="geometry"), layers["geometry"])
    _csv(geo.buildings.drop(columns="grid_id"), out / "buildings.csv")
    _csv(incidents, out / "incidents.csv", bom=True)
    _csv(workers, out / "workers.csv")
    _csv(volunteers, out / "volunteers.csv")
    _csv(services, out / "services.csv")
    _csv(categories_table(), out / "categories.csv")
    return [out / name for name in FILES]
