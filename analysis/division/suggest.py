"""Suggest a division (建议划分): contiguous grids of balanced households inside community lines.

The algorithm
-------------
1. **Ground to divide.** Locked grids stay as they are. Each community's polygon, less the
   locked grids, is divided among the buildings in it: every building gets its Voronoi cell
   (:func:`analysis.division.edits.building_cells`), so the cells tile the ground exactly.
2. **Adjacency.** Two cells are neighbours when they share an edge (rook contiguity, built
   with libpysal). A community cut in pieces by locked grids is divided piece by piece.
3. **How many grids.** With a target count ``n`` (counting the locked grids), the unlocked
   grids are shared among the pieces in proportion to their households (largest remainder,
   at least one each). Without one, a piece with ``h`` households gets
   ``round(h / mid)`` grids, ``mid`` the middle of its community's household norm, moved into
   ``[ceil(h / max), floor(h / min)]`` when that range is not empty.
4. **Balanced, contiguous parts.** GerryChain's ``recursive_tree_part`` (MGGG's redistricting
   library) cuts random spanning trees of the adjacency graph into parts whose households are
   within ``±ε`` of ``h / k``. ``ε`` is the widest band that keeps ``h / k`` inside the norm;
   when no seed succeeds the band is widened ×1.5 (up to ±60 %). Every part is connected by
   construction.
5. **Choice of a start.** Several seeds are tried; the one kept has the lowest
   ``CV(incidents per grid over 12 months) + (1 - mean Polsby-Popper)``.
6. **Evening out the workload.** From that start, GerryChain's ``SingleMetricOptimizer`` runs
   short bursts of ReCom steps (merge two neighbouring grids, cut them again along a random
   spanning tree) that keep every grid's households in the band, keeping the plan with the
   lowest ``CV(incidents per grid) + 0.5 · (cut edges / edges)``: the cut-edge share is
   GerryChain's cheap stand-in for compactness, so shapes do not fray while the load evens out.
7. **Polygons and codes.** A grid's polygon is the union of its cells. A grid that takes at least half
   of a current grid's households keeps its code and name; the others get new codes by the coding rule,
   and each changed grid a reason (:mod:`analysis.division.continuity`).

Limits
------
* Households are held within the band; incidents are evened out as far as the steps reach, not
  to an optimum, and a piece whose incidents are concentrated in one building cannot be evened out.
* A building cannot be split: one building above the norm's maximum makes a grid above it.
* The proposal's lines follow Voronoi cells, not streets or walls; the analyst refines them.
* Where the norm cannot be met (a piece with fewer households than the minimum, or a target
  count that forces grids outside the norm), the proposal is still made and
  :attr:`Suggestion.report` says by how much each piece misses.
"""
from __future__ import annotations

import math
import random
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from gerrychain import Partition
from gerrychain.constraints import within_percent_of_ideal_population
from gerrychain.graph import Graph
from gerrychain.optimization import SingleMetricOptimizer
from gerrychain.partition.initial_partition_generators import recursive_tree_part
from gerrychain.proposals import recom
from gerrychain.tree import bipartition_tree
from gerrychain.updaters import Tally, cut_edges
from libpysal.graph import Graph as Contiguity
from shapely.geometry.base import BaseGeometry

from analysis.division import measures as dm
from analysis.division.continuity import carry_over
from analysis.division.edits import Division, building_cells, new_grid_row
from analysis.geo.geometry import polygonal
from analysis.metrics.norms import norm_ranges
from analysis.settings import Settings

MAX_EPSILON = 0.6
ATTEMPTS = 3000   # spanning trees tried per cut before a band is given up
BURST = 20        # ReCom steps per short burst (each burst restarts from the best plan so far)


@dataclass
class Suggestion:
    """The proposed division and, per piece of ground divided, how it went.

    ``report`` columns: community, piece, buildings, households, grids, target (households per
    grid), epsilon (the band used), norm_min, norm_max, below and above (grids outside the norm),
    worst_miss (households by which the worst grid misses the norm; 0 when all meet it).
    ``changes``: per suggested grid, which grid of the starting division it continues, its status and the
    reason in both languages (:func:`analysis.division.continuity.carry_over`); ``flows``: the households
    moving between the two divisions' grids.
    """

    division: Division
    report: pd.DataFrame
    changes: pd.DataFrame
    flows: pd.DataFrame


def _grid_counts(households: list[float], norms: list[tuple[float, float]], total: int | None) -> list[int]:
    """Grids per piece (step 3 of the module docstring)."""
    if total is not None:
        total = max(total, len(households))
        share = np.asarray(households, dtype=float)
        share = share / share.sum() * total if share.sum() > 0 else np.full(len(share), total / len(share))
        counts = np.maximum(np.floor(share).astype(int), 1)
        for i in np.argsort(-(share - np.floor(share))):
            if counts.sum() >= total:
                break
            counts[i] += 1
        return [int(c) for c in counts]
    out = []
    for h, (low, high) in zip(households, norms):
        k = max(1, round(h / ((low + high) / 2)))
        fewest, most = math.ceil(h / high), math.floor(h / low)
        if fewest <= most:
            k = min(max(k, fewest), most)
        out.append(max(k, 1))
    return out


def _band(households: float, k: int, low: float, high: float) -> float:
    target = households / k
    if low <= target <= high:
        return float(np.clip(min(target - low, high - target) / target, 0.03, MAX_EPSILON))
    return 0.1


def _cut(graph: Graph, k: int, households: float, epsilon: float, seed: int) -> dict[int, int] | None:
    parts = list(range(k))
    cutter = partial(bipartition_tree, max_attempts=ATTEMPTS, warn_attempts=ATTEMPTS + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assignment = recursive_tree_part(graph, parts, households / k, "households", epsilon,
                                                              bipartition_tree_fn=cutter, rng=random.Random(seed))
            return cast(dict[int, int], assignment)   # nodes and parts are the ints given
    except Exception:   # gerrychain raises RuntimeError or its own errors when no balanced cut is found
        return None


def _labels(assignment: dict[int, int], n: int) -> np.ndarray:
    labels = np.empty(n, dtype=int)
    for node, part in assignment.items():
        labels[node] = part
    return labels


def _score(labels: np.ndarray, cells: np.ndarray, incidents: np.ndarray, k: int) -> float:
    load = np.bincount(labels, weights=incidents, minlength=k)
    shapes = [shapely.union_all(cells[labels == part]) for part in range(k)]
    cv = dm.balance(load).cv if load.sum() > 0 else 0.0
    return float(cv + (1 - np.nanmean(dm.compactness(shapes))))


def _graph(cells: np.ndarray, households: np.ndarray, incidents: np.ndarray) -> Graph:
    """The rook-contiguity graph of the cells, with households and incidents on the nodes."""
    adjacency = Contiguity.build_contiguity(gpd.GeoSeries(cells), rook=True)
    network = nx.Graph()
    network.add_nodes_from((i, {"households": float(h), "incidents": float(x)})
                           for i, (h, x) in enumerate(zip(households, incidents)))
    network.add_edges_from((int(a), int(b)) for a, b in zip(adjacency.adjacency.index.get_level_values(0),
                                                            adjacency.adjacency.index.get_level_values(1)) if a != b)
    return Graph.from_networkx(network)


def _even_out(graph: Graph, labels: np.ndarray, epsilon: float, steps: int, seed: int) -> np.ndarray:
    """Step 6: ReCom short bursts minimising ``CV(incidents) + 0.5 · cut-edge share``, households kept in the band."""
    start = Partition(graph, {i: int(label) for i, label in enumerate(labels)},
                      updaters={"households": Tally("households", alias="households"),
                                "incidents": Tally("incidents", alias="incidents"), "cut_edges": cut_edges})
    edges = max(len(start["cut_edges"]) + 1, len(graph.edges))

    def score(partition: Partition) -> float:
        load = np.fromiter(partition["incidents"].values(), dtype=float)
        spread = load.std() / load.mean() if load.mean() > 0 else 0.0
        return float(spread + 0.5 * len(partition["cut_edges"]) / edges)

    total = float(sum(start["households"].values()))
    proposal = partial(recom, pop_col="households", pop_target=total / len(set(labels.tolist())), epsilon=epsilon,
                       node_repeats=1, bipartition_tree_fn=partial(bipartition_tree, allow_pair_reselection=True,
                                                                   max_attempts=ATTEMPTS, warn_attempts=ATTEMPTS + 1))
    optimizer = SingleMetricOptimizer(proposal, [within_percent_of_ideal_population(start, epsilon, "households")],
                                      start, score, maximize=False, rng=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            for _ in optimizer.short_bursts(BURST, max(steps // BURST, 1)):
                pass
        except Exception:   # no pair can be re-cut within the band: keep the best plan found so far
            pass
    best = optimizer.best_part or start
    return np.array([best.assignment[i] for i in range(len(labels))], dtype=int)


def _divide_piece(cells: np.ndarray, households: np.ndarray, incidents: np.ndarray, k: int,
                  low: float, high: float, seeds: int, steps: int) -> tuple[np.ndarray, float]:
    """Labels 0..k-1 for the cells of one connected piece, and the band used."""
    if k <= 1:
        return np.zeros(len(cells), dtype=int), 0.0
    graph = _graph(cells, households, incidents)
    total = float(households.sum())
    epsilon = _band(total, k, low, high)
    while True:
        found = [_labels(a, len(cells)) for s in range(seeds) if (a := _cut(graph, k, total, epsilon, s)) is not None]
        if found:
            best = min(found, key=lambda labels: _score(labels, cells, incidents, k))
            return (_even_out(graph, best, epsilon, steps, seeds) if steps > 0 else best), epsilon
        if epsilon >= MAX_EPSILON:
            raise RuntimeError(f"no division of {len(cells)} buildings into {k} balanced grids")
        epsilon = min(epsilon * 1.5, MAX_EPSILON)


def _pieces(area: BaseGeometry) -> list[BaseGeometry]:
    return [p for p in shapely.get_parts(area) if p.geom_type == "Polygon" and p.area > 0]


def suggest(division: Division, buildings: pd.DataFrame, settings: Settings, n_grids: int | None = None,
            seeds: int = 4, steps: int = 600, progress: Callable[[int, int], object] | None = None) -> Suggestion:
    """Propose a division of the unlocked ground (see the module docstring).

    Parameters
    ----------
    division : Division
        The starting division: its communities, street and locked grids are kept.
    buildings : pandas.DataFrame
        ``lon``, ``lat`` (WGS-84), ``households`` and ``incidents`` (reported at the building
        over the last 12 months; 0 when unknown).
    n_grids : int, optional
        Grids wanted in the street, locked ones included; default: as the norm asks.
    seeds : int
        Proposals tried per piece (the best is kept).
    steps : int
        ReCom steps spent evening out the workload per piece (0: none).
    progress : callable, optional
        Called with (pieces done, pieces in all) as the work goes on.
    """
    locked = division.grids[division.grids["grid_id"].isin(division.locked)]
    locked_area = shapely.union_all(locked.geometry.to_numpy()) if len(locked) else None
    lon, lat = buildings["lon"].to_numpy(float), buildings["lat"].to_numpy(float)
    points = np.asarray(shapely.points(lon, lat), dtype=object)
    pieces: list[dict[str, Any]] = []
    taken = np.zeros(len(points), dtype=np.bool_)
    norms = norm_ranges(division.communities["community"], settings)
    for c, community in enumerate(division.communities["community"]):
        ground = division.communities.geometry.iloc[c]
        if locked_area is not None:
            ground = polygonal(shapely.difference(ground, locked_area))
        for p, piece in enumerate(_pieces(ground) if ground is not None else []):
            inside = np.flatnonzero(shapely.intersects(piece, points) & ~taken)   # a building on a line: first piece
            taken[inside] = True
            pieces.append({"community": community, "piece": p + 1, "ground": piece, "rows": inside,
                           "norm": (float(norms["norm_min"].iloc[c]), float(norms["norm_max"].iloc[c]))})
    households = [float(buildings["households"].to_numpy(float)[pc["rows"]].sum()) for pc in pieces]
    wanted = None if n_grids is None else n_grids - len(locked)
    counts = _grid_counts(households, [pc["norm"] for pc in pieces], wanted)
    out, rows = Division(locked.reset_index(drop=True), division.communities, division.street,
                         division.locked), []
    for i, (pc, k) in enumerate(zip(pieces, counts)):
        rows_at = pc["rows"]
        low, high = pc["norm"]
        if len(rows_at) == 0:
            grids, epsilon = [pc["ground"]], 0.0
        else:
            k = min(k, len(rows_at))
            cells = building_cells(lon[rows_at], lat[rows_at], pc["ground"])
            labels, epsilon = _divide_piece(cells, buildings["households"].to_numpy(float)[rows_at],
                                            buildings["incidents"].to_numpy(float)[rows_at], k, low, high, seeds,
                                            steps)
            grids = [shapely.union_all(cells[labels == part]) for part in range(k)]
        sizes = [float(buildings["households"].to_numpy(float)[rows_at][labels == part].sum())
                 for part in range(len(grids))] if len(rows_at) else [0.0]
        for geom in grids:
            row = new_grid_row(out, pc["community"], polygonal(geom))
            out = Division(pd.concat([out.grids, gpd.GeoDataFrame([row], geometry="geometry", crs=4326)],
                                     ignore_index=True).sort_values("grid_id").reset_index(drop=True),
                           out.communities, out.street, out.locked)
        misses = [max(low - s, s - high, 0.0) for s in sizes]
        rows.append({"community": pc["community"], "piece": pc["piece"], "buildings": len(rows_at),
                     "households": households[i], "grids": len(grids), "target": households[i] / len(grids),
                     "epsilon": epsilon, "norm_min": low, "norm_max": high,
                     "below": sum(s < low for s in sizes), "above": sum(s > high for s in sizes),
                     "worst_miss": max(misses)})
        if progress is not None:
            progress(i + 1, len(pieces))
    grids = gpd.GeoDataFrame(out.grids, geometry="geometry", crs=4326)
    proposed = Division(grids, division.communities, division.street, division.locked)
    renamed, changes, flows = carry_over(division, proposed, buildings, settings)
    return Suggestion(renamed, pd.DataFrame(rows), changes, flows)
