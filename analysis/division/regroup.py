"""Regroup one piece of ground into grids: start from today's grids, repair what misses the household
norm with cuts along lines, then even out the workload and the shapes.

Coordinates are local: ``x = lon · cos(lat₀)``, ``y = lat`` (degrees, with equal lengths along both
axes over a street), so straight lines stay straight and Polsby-Popper compactness
``pp = 4π · area / perimeter²`` is the same as in metres.

1. **Start from today.** Each ground (one of today's grids in this piece,
   :func:`analysis.division.units.grounds`) is a group, so lines people know stay where they are;
   ground without buildings joins the neighbour it shares most boundary with.
2. **Cuts** (:func:`cut`). A region is cut into ``m`` groups, each inside the household norm
   ``[low, high]``, by recursive bisection: ``⌊m/2⌋`` groups' worth of households on one side of a
   line. Tried in order, at each bisection:

   * the street's lines (micro-grid outlines, imported roads, rivers and walls): each stretch that
     crosses the region from side to side;
   * straight lines across the buildings' two main axes and every 15°, at the
     :data:`POSITIONS` positions nearest the proportional share, between two units (estates,
     :mod:`analysis.division.units`);
   * when none fits, straight lines bent around the estates they meet (each estate goes whole to the
     side holding most of its households, with its buildings' Voronoi cells);
   * last, straight lines through an estate that alone holds more households than the norm's maximum.

   Both sides must stay in one piece. Of the cuts that fit, the most compact (mean ``pp`` of the
   two sides; :data:`LINE_BONUS` added along the street's lines) is kept.
3. **Repair** (:func:`repair`). While a group misses the norm, it is redrawn alone or with one
   neighbour (with two when that fails); of the redrawings, the one moving the piece toward its
   target number of grids is preferred, then the most compact. When every group meets the norm, a
   region of up to :data:`REGION` neighbouring groups is redrawn into one group fewer or one more
   until the piece has its number.
4. **Even out** (:func:`even_out`). Two neighbouring groups (three, once pairs stop helping) are
   merged and cut again, the region holding the least compact group first; a cut is kept when it
   lowers :func:`objective`, ``CV(incidents per group) + SHAPE · (1 - mean pp) + KEEP · (1 - share
   of households still with today's grid)``. Every group stays inside the norm.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from analysis.division import measures as dm
from analysis.division.edits import building_cells
from analysis.geo.geometry import polygonal

GRID = 1e-9         # degrees: precision of every overlay (about 0.1 mm), so groups share exact edges
TOUCH = 1e-7        # degrees: boundaries this close are shared
SHAPE = 2.5         # weight of (1 - mean compactness) when evening out
KEEP = 0.5          # weight of the households moved away from their grid of today
LINE_BONUS = 0.15   # compactness credited to a cut along an imported line
LINE_PARTS = 20     # longest stretches of the imported lines tried as cuts of a region
POSITIONS = 4       # cut positions tried per direction (nearest the proportional share)
PAIR_POSITIONS = 10  # cut positions tried per direction when evening out a pair
TRIPLE_GROUPS = 10  # least compact groups whose triples are cut again when pairs stop helping
TRIPLE_FIRST = 4    # first cuts of a triple tried (each side of two then cut its best way)
REGION = 6          # groups redrawn together at most to change their number
MODES = ("straight", "bent", "through")   # cuts tried in this order (see :func:`cut`)
ANGLES = tuple(k * math.pi / 12 for k in range(12))   # every 15°
POLYGON = 3         # shapely's type id of a Polygon


@dataclass(frozen=True)
class Piece:
    """The buildings of one piece in local coordinates, with its norm and lines.

    ``unit``: the unit (estate in a ground) of each building; ``home``: today's grid (an int, -1 for none).
    """

    x: np.ndarray
    y: np.ndarray
    households: np.ndarray
    incidents: np.ndarray
    unit: np.ndarray
    home: np.ndarray
    low: float
    high: float
    lines: BaseGeometry | None = None


@dataclass(frozen=True)
class Group:
    """A grid being drawn: its polygon (local coordinates) and the positions of its buildings."""

    geom: BaseGeometry
    members: np.ndarray


def compactness(geoms: list[BaseGeometry]) -> np.ndarray:
    """Polsby-Popper compactness (:func:`analysis.division.measures.polsby_popper`) of each polygon in
    local coordinates, in one vectorised call; 0 where a polygon is empty."""
    found = np.asarray(geoms, dtype=object)
    if not len(found):
        return np.zeros(0)
    return np.asarray(np.nan_to_num(dm.polsby_popper(shapely.area(found), shapely.length(found))), dtype=float)


def _scored(cuts: list[tuple[float, Group, Group]]) -> list[tuple[float, Group, Group]]:
    """Cuts ``(bonus, side, side)`` scored by their sides' mean compactness plus the bonus, best first."""
    if not cuts:
        return []
    shapes = compactness([s.geom for _, a, b in cuts for s in (a, b)]).reshape(-1, 2).mean(axis=1)
    return sorted(((float(shape) + bonus, a, b) for shape, (bonus, a, b) in zip(shapes, cuts)), key=lambda o: -o[0])


def _households(piece: Piece, group: Group) -> float:
    return float(piece.households[group.members].sum())


def _counts(households: float, low: float, high: float) -> list[int]:
    """Numbers of groups ``m`` into which ``households`` can be cut with every group inside the norm."""
    return list(range(max(1, math.ceil(households / high)), math.floor(households / low) + 1))


def _fits(households: np.ndarray | float, m: int, piece: Piece) -> np.ndarray | bool:
    return (households >= m * piece.low) & (households <= m * piece.high)


def _area(geom: BaseGeometry | None) -> BaseGeometry:
    """The polygonal part of an overlay's result (an empty polygon when it has none)."""
    found = polygonal(geom)
    return found if found is not None else shapely.Polygon()


def _corners(u: np.ndarray, t: float, bounds: tuple[float, float, float, float]) -> np.ndarray:
    """Corners of the side ``x·u₀ + y·u₁ < t`` of the plane, as a square covering that side of ``bounds``."""
    xmin, ymin, xmax, ymax = bounds
    reach = 4 * (abs(xmax - xmin) + abs(ymax - ymin)) + 1.0
    v = np.array([-u[1], u[0]])
    across = float(np.dot([(xmin + xmax) / 2, (ymin + ymax) / 2], v))
    return np.array([t * u + (across + reach) * v, t * u + (across - reach) * v,
                     (t - reach) * u + (across - reach) * v, (t - reach) * u + (across + reach) * v])


def _halfplane(u: np.ndarray, t: float, region: BaseGeometry) -> BaseGeometry:
    """The side ``x·u₀ + y·u₁ < t`` of the plane, as a polygon covering ``region``'s side."""
    return shapely.Polygon(_corners(u, t, region.bounds))


def _sides(piece: Piece, region: Group, geom_a: BaseGeometry, in_a: np.ndarray) -> tuple[Group, Group] | None:
    """Two groups from a cut of ``region``: ``geom_a`` and the rest; parts of a side holding none of its
    buildings go to the other side. None when a side would be in two pieces."""
    if geom_a.is_empty:
        return None
    geom_b = shapely.difference(region.geom, geom_a, grid_size=GRID)
    members_a, members_b = region.members[in_a], region.members[~in_a]
    geoms = []
    for geom, mine in ((geom_a, members_a), (geom_b, members_b)):
        parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 0]
        held = parts if len(parts) == 1 and len(mine) else \
            [p for p in parts if shapely.contains_xy(p, piece.x[mine], piece.y[mine]).any()]
        if len(held) != 1:
            return None
        geoms.append((held[0], [p for p in parts if p is not held[0]]))
    (a, spare_a), (b, spare_b) = geoms
    if spare_a or spare_b:
        a = shapely.union_all([a, *spare_b], grid_size=GRID)
        b = shapely.union_all([b, *spare_a], grid_size=GRID)
    if a.geom_type != "Polygon" or b.geom_type != "Polygon":
        return None
    return Group(a, members_a), Group(b, members_b)


def _axes(piece: Piece, members: np.ndarray) -> list[float]:
    """Angles of the cut lines' normals: the buildings' two main axes, then :data:`ANGLES`."""
    xy = np.column_stack([piece.x[members], piece.y[members]])
    if len(xy) < 3:
        return list(ANGLES)
    _, vectors = np.linalg.eigh(np.cov((xy - xy.mean(axis=0)).T))
    return [math.atan2(vectors[1, 1], vectors[0, 1]), math.atan2(vectors[1, 0], vectors[0, 0]), *ANGLES]


def two_way(piece: Piece, region: Group, first: int, m: int, mode: str = "straight",
            positions: int = POSITIONS) -> list[tuple[float, Group, Group]]:
    """Cuts of ``region`` into a side of ``first`` groups' households and one of ``m - first`` (step 2):
    (score, side, side), best first; the score is the sides' mean compactness (+ :data:`LINE_BONUS`
    along an imported line)."""
    members = region.members
    households = piece.households[members]
    total = households.sum()
    out: list[tuple[float, Group, Group]] = []
    if piece.lines is not None and shapely.intersects(piece.lines, region.geom):
        stretches = shapely.get_parts(shapely.line_merge(shapely.intersection(piece.lines, region.geom)))
        crossing = sorted((c for c in stretches if c.geom_type == "LineString"), key=lambda c: -c.length)
        faces = [shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(
            [region.geom.boundary, line], grid_size=GRID)))) for line in crossing[:LINE_PARTS]]
        for face in [f[0] for f in faces if len(f) == 2]:
            in_a = shapely.contains_xy(face, piece.x[members], piece.y[members])
            if _fits(households[in_a].sum(), first, piece) and _fits(households[~in_a].sum(), m - first, piece):
                sides = _sides(piece, region, face, in_a)
                if sides is not None:
                    out.append((LINE_BONUS, *sides))
    cells: list[np.ndarray] = []   # the buildings' Voronoi cells in the region, drawn once when needed
    straight: list[tuple[np.ndarray, float, np.ndarray]] = []   # straight cuts, drawn together at the end
    for angle in _axes(piece, members):
        u = np.array([math.cos(angle), math.sin(angle)])
        along = piece.x[members] * u[0] + piece.y[members] * u[1]
        order = np.argsort(along, kind="stable")
        at = along[order]
        before = np.cumsum(households[order])[:-1]
        gap = at[1:] > at[:-1]
        if mode != "bent":
            gap &= ~_straddled(piece, members[order], mode == "through")
        if mode == "bent":   # positions whose sides fit once each unit the line meets goes whole to one side
            near = np.flatnonzero(gap)
            near = near[np.argsort(np.abs(before[near] - total * first / m))][:3 * positions]
            sides_of = {int(j): _majority(piece, members, along < (at[j] + at[j + 1]) / 2) for j in near}
            ok = np.array([j for j, side in sides_of.items() if side is not None
                           and _fits(households[side].sum(), first, piece)
                           and _fits(households[~side].sum(), m - first, piece)], dtype=int)
        else:
            ok = np.flatnonzero(gap & _fits(before, first, piece) & _fits(total - before, m - first, piece))
        for j in ok[np.argsort(np.abs(before[ok] - total * first / m))][:positions]:
            t = (at[j] + at[j + 1]) / 2
            if mode != "bent":
                straight.append((u, t, along < t))
                continue
            geom_a = _area(shapely.intersection(region.geom, _halfplane(u, t, region.geom), grid_size=GRID))
            side = sides_of[int(j)]
            assert side is not None   # ``ok`` holds only cuts that meet a unit
            geom_a, in_a = _bend(piece, region, geom_a, along < t, side, cells)
            if not geom_a.is_empty and (sides := _sides(piece, region, geom_a, in_a)) is not None:
                out.append((0.0, *sides))
    return _scored(out + [(0.0, *sides) for sides in _straight_sides(piece, region, straight)])


def _straight_sides(piece: Piece, region: Group, cuts: list[tuple[np.ndarray, float, np.ndarray]]
                    ) -> list[tuple[Group, Group]]:
    """:func:`_sides` of each straight cut ``(u, t, in_a)`` of ``region``, its overlays made in one vectorised
    call; the usual case (each side one polygon holding buildings) is taken as is, the others as
    :func:`_sides` takes them."""
    if not cuts:
        return []
    planes = shapely.polygons(np.array([_corners(u, t, region.geom.bounds) for u, t, _ in cuts]))
    raw = np.asarray(shapely.intersection(region.geom, planes, grid_size=GRID), dtype=object)
    simple = shapely.get_type_id(raw) == POLYGON
    rest = np.empty(len(cuts), dtype=object)
    rest[simple] = shapely.difference(region.geom, raw[simple], grid_size=GRID)
    found = []
    for (_, _, in_a), geom_a, geom_b, easy in zip(cuts, raw, rest, simple):
        members_a, members_b = region.members[in_a], region.members[~in_a]
        if easy and shapely.get_type_id(geom_b) == POLYGON and len(members_a) and len(members_b) \
                and geom_a.area > 0 and geom_b.area > 0:
            found.append((Group(geom_a, members_a), Group(geom_b, members_b)))
        elif not (geom_a := _area(geom_a)).is_empty and (sides := _sides(piece, region, geom_a, in_a)) is not None:
            found.append(sides)
    return found


def _straddled(piece: Piece, ordered: np.ndarray, cut_big: bool) -> np.ndarray:
    """Per gap between consecutive buildings of ``ordered``, whether a unit has buildings on both sides
    (units that alone hold more than the norm's maximum do not count when ``cut_big``)."""
    codes, units = np.unique(piece.unit[ordered], return_inverse=True)
    n = len(ordered)
    first, last = np.full(len(codes), n), np.full(len(codes), -1)
    np.minimum.at(first, units, np.arange(n))
    np.maximum.at(last, units, np.arange(n))
    if cut_big:
        big = np.bincount(piece.unit, weights=piece.households)[codes] > piece.high
        first, last = first[~big], last[~big]
    opened = np.bincount(first, minlength=n + 1)[:n + 1] - np.bincount(last, minlength=n + 1)[:n + 1]
    return np.cumsum(opened)[:-2] > 0


def _majority(piece: Piece, members: np.ndarray, in_a: np.ndarray) -> np.ndarray | None:
    """Side of each building once every unit a straight cut meets goes whole to the side holding most of
    its households; None when the cut meets no unit."""
    units = piece.unit[members]
    weights = piece.households[members] + 1e-6
    codes, local = np.unique(units, return_inverse=True)
    share = np.bincount(local, weights=weights * in_a, minlength=len(codes)) / \
        np.bincount(local, weights=weights, minlength=len(codes))
    whole = share[local] >= 0.5
    return whole if (whole != in_a).any() else None


def _bend(piece: Piece, region: Group, geom_a: BaseGeometry, in_a: np.ndarray, whole: np.ndarray,
          cells: list[np.ndarray]) -> tuple[BaseGeometry, np.ndarray]:
    """The straight cut ``geom_a`` bent around the units it meets (:func:`_majority` gives ``whole``):
    the buildings that change side take their Voronoi cells in the region with them."""
    moved = whole != in_a
    if not cells:
        cells.append(np.array([_area(c) for c in building_cells(piece.x[region.members], piece.y[region.members],
                                                                region.geom)], dtype=object))
    gained = _area(shapely.union_all(cells[0][moved & whole], grid_size=GRID))
    lost = _area(shapely.union_all(cells[0][moved & ~whole], grid_size=GRID))
    bent = _area(shapely.difference(_area(shapely.union(geom_a, gained, grid_size=GRID)), lost, grid_size=GRID))
    return _area(shapely.intersection(bent, region.geom, grid_size=GRID)), whole


def cut(piece: Piece, region: Group, m: int) -> list[Group] | None:
    """``region`` cut into ``m`` groups inside the norm by recursive bisection (step 2), or None. Each
    bisection tries straight lines between units first, then lines bent around the units they meet,
    then straight lines through units that alone hold more households than the norm's maximum."""
    if m == 1:
        return [region] if _fits(_households(piece, region), 1, piece) else None
    first = m // 2
    for mode in MODES:
        for _, a, b in two_way(piece, region, first, m, mode)[:3]:
            left, right = cut(piece, a, first), cut(piece, b, m - first)
            if left is not None and right is not None:
                return left + right
    return None


def touching(a: BaseGeometry, b: BaseGeometry) -> bool:
    """Whether two groups share a stretch of boundary (not only a corner)."""
    if not shapely.intersects(shapely.buffer(a, TOUCH), b):
        return False
    return bool(shapely.length(shapely.intersection(a.boundary, shapely.buffer(b, TOUCH))) > 10 * TOUCH)


def _neighbours(groups: list[Group], i: int) -> list[int]:
    return [j for j, g in enumerate(groups) if j != i and touching(groups[i].geom, g.geom)]


def _merge(groups: list[Group], chosen: list[int]) -> Group:
    return Group(shapely.union_all([groups[j].geom for j in chosen], grid_size=GRID),
                 np.sort(np.concatenate([groups[j].members for j in chosen])))


def _apply(groups: list[Group], replaced: list[int], drawn: list[Group]) -> list[Group]:
    return [g for j, g in enumerate(groups) if j not in replaced] + drawn


def _redraw(piece: Piece, groups: list[Group], i: int, want: int) -> tuple[list[int], list[Group]] | None:
    """The best redrawing of group ``i`` alone or with one neighbour, else with two (step 3)."""
    around = _neighbours(groups, i)
    for regions in ([[i]] + [[i, j] for j in around],
                    [[i, j, k] for n, j in enumerate(around) for k in around[n + 1:]]):
        options = []
        for replaced in regions:
            region = _merge(groups, replaced)
            counts = _counts(_households(piece, region), piece.low, piece.high)
            if not counts:
                continue
            m = min(counts, key=lambda c: (abs(len(groups) - len(replaced) + c - want), abs(c - len(replaced))))
            drawn = cut(piece, region, m)
            if drawn is not None:
                options.append((replaced, drawn))
        if options:
            return max(options, key=lambda o: (-abs(len(groups) - len(o[0]) + len(o[1]) - want),
                                               float(np.mean(compactness([g.geom for g in o[1]])))))
    return None


def _recount(piece: Piece, groups: list[Group], want: int) -> list[Group] | None:
    """One step toward ``want`` groups that keeps every group in the norm, or None when none is found."""
    sizes = [_households(piece, g) for g in groups]
    more = len(groups) < want
    for i in (np.argsort(sizes)[::-1] if more else np.argsort(sizes)):
        region = [int(i)]
        while len(region) <= REGION:
            total = sum(sizes[j] for j in region)
            m = len(region) + (1 if more else -1)
            if m >= 1 and _fits(total, m, piece):
                drawn = cut(piece, _merge(groups, region), m)
                if drawn is not None:
                    return _apply(groups, region, drawn)
            around = sorted({j for r in region for j in _neighbours(groups, r)} - set(region),
                            key=lambda j: -sizes[j] if more else sizes[j])
            if not around:
                break
            region.append(around[0])
    return None


def absorb_empty(groups: list[Group]) -> list[Group]:
    """Groups without buildings (slivers of today's grids, empty ground) joined to the neighbour they share
    most boundary with (the nearest group when they share none)."""
    groups = list(groups)
    while len(groups) > 1:
        empty = [i for i, g in enumerate(groups) if len(g.members) == 0]
        if not empty:
            break
        i = empty[0]
        shared = [shapely.length(shapely.intersection(groups[i].geom.boundary, shapely.buffer(g.geom, TOUCH)))
                  if j != i else -1.0 for j, g in enumerate(groups)]
        j = int(np.argmax(shared)) if max(shared) > 0 else \
            min((j for j in range(len(groups)) if j != i), key=lambda j: shapely.distance(groups[i].geom, groups[j].geom))
        groups = _apply(groups, [i, j], [_merge(groups, [i, j])])
    return groups


def repair(piece: Piece, start: list[Group], want: int) -> list[Group]:
    """Steps 1 and 3: ``start`` (today's grounds) redrawn where it misses the norm, then to ``want`` groups."""
    groups = absorb_empty(start)
    stuck: set[bytes] = set()   # groups (by their buildings) no redrawing helps, until something changes
    for _ in range(8 * len(start) + 20):
        sizes = [_households(piece, g) for g in groups]
        bad = [i for i, h in enumerate(sizes) if not _fits(h, 1, piece) and groups[i].members.tobytes() not in stuck]
        if bad:
            i = max(bad, key=lambda j: max(piece.low - sizes[j], sizes[j] - piece.high))
            found = _redraw(piece, groups, i, want)
            if found is None:
                stuck.add(groups[i].members.tobytes())
            else:
                groups, stuck = _apply(groups, *found), set()
            continue
        redone = None if len(groups) == want else _recount(piece, groups, want)
        if redone is None:
            break
        groups, stuck = redone, set()
    return groups


def _kept(piece: Piece, group: Group) -> float:
    """Households of the group's largest share of one of today's grids."""
    homes = piece.home[group.members]
    mine = homes >= 0
    if not mine.any():
        return 0.0
    return float(np.bincount(homes[mine], weights=piece.households[group.members][mine]).max())


def _parts(piece: Piece, groups: list[Group]) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Per group, what :func:`objective` adds up: incidents, compactness and households kept."""
    return (np.array([piece.incidents[g.members].sum() for g in groups]), compactness([g.geom for g in groups]),
            [_kept(piece, g) for g in groups])


def _value(piece: Piece, load: np.ndarray, shapes: np.ndarray, kept: list[float]) -> float:
    """:func:`objective` from the groups' parts (:func:`_parts`)."""
    spread = load.std() / load.mean() if load.mean() > 0 else 0.0
    total = max(float(piece.households.sum()), 1.0)
    return float(spread + SHAPE * (1 - np.mean(shapes)) + KEEP * (1 - sum(kept) / total))


def objective(piece: Piece, groups: list[Group]) -> float:
    """``CV(incidents) + SHAPE · (1 - mean compactness) + KEEP · (1 - kept share)`` (step 4)."""
    return _value(piece, *_parts(piece, groups))


def _recuts(piece: Piece, groups: list[Group], chosen: list[int]) -> list[list[Group]]:
    """Ways to cut the chosen neighbouring groups again into as many (two or three), each inside the norm."""
    region = _merge(groups, chosen)
    if len(chosen) == 2:
        return [[a, b] for _, a, b in two_way(piece, region, 1, 2, positions=PAIR_POSITIONS)]
    out: list[list[Group]] = []
    for first in (1, 2):
        for _, a, b in two_way(piece, region, first, 3)[:TRIPLE_FIRST]:
            alone, pair = (a, b) if first == 1 else (b, a)
            out.extend([alone, c, d] for _, c, d in two_way(piece, pair, 1, 2)[:1])
    return out


def even_out(piece: Piece, groups: list[Group], steps: int, deadline: float | None = None,
             better: Callable[[list[Group]], object] | None = None) -> tuple[list[Group], bool]:
    """Step 4: up to ``steps`` regions of two neighbouring groups (of three, once pairs stop helping)
    merged and cut again, keeping each cut that lowers :func:`objective`. Regions are taken in sweeps,
    the one holding the least compact group first; a region whose groups have not changed since it was
    tried is not tried again.

    Returns the groups and whether the search ran its course: False when ``deadline`` (a
    :func:`time.perf_counter` reading) came first; the groups are then the best found so far, every one
    still inside the norm. ``better`` is called with the groups each time they improve."""
    load, shapes, kept = _parts(piece, groups)
    score = _value(piece, load, shapes, kept)
    tried, size = 0, 2
    seen: set[bytes] = set()   # regions already cut again (by their buildings): not tried twice
    while tried < steps:
        around = [_neighbours(groups, i) for i in range(len(groups))]
        if size == 2:
            regions = [[i, j] for i in range(len(groups)) for j in around[i] if i < j]
        else:
            regions = [[i, j, k] for i in np.argsort(shapes)[:TRIPLE_GROUPS] for n, j in enumerate(around[i])
                       for k in around[i][n + 1:]]
        regions.sort(key=lambda r: min(shapes[g] for g in r))
        improved = False
        for chosen in regions:
            key = b"|".join(sorted(groups[g].members.tobytes() for g in chosen))
            if key in seen:
                continue
            if deadline is not None and time.perf_counter() > deadline:
                return groups, False
            seen.add(key)
            tried += 1
            if tried > steps:
                break
            best = None
            for drawn in _recuts(piece, groups, [int(g) for g in chosen]):
                trial = (load.copy(), shapes.copy(), list(kept))
                new_shapes = compactness([g.geom for g in drawn])
                for g, new, shape in zip(chosen, drawn, new_shapes):
                    trial[0][g], trial[1][g], trial[2][g] = piece.incidents[new.members].sum(), shape, _kept(piece, new)
                value = _value(piece, *trial)
                if value < score - 1e-9:
                    best, score = (drawn, trial), value
            if best is not None:
                groups = list(groups)
                for g, new in zip(chosen, best[0]):
                    groups[g] = new
                (load, shapes, kept), improved = best[1], True
                if better is not None:
                    better(groups)
        if improved:
            size = 2
        elif size == 2 and len(groups) >= 3:
            size = 3
        else:
            break
    return groups, True
