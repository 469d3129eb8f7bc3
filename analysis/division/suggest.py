"""Suggest a division (建议划分): grids of balanced households, drawn along the street's own lines.

The algorithm
-------------
1. **Ground to divide.** Locked grids stay as they are. Each community's polygon, less the locked
   grids, is divided piece by piece (a community cut in two by locked grids, or by a river in its
   boundary, gives two pieces; no grid spans two).
2. **How many grids.** With a target count ``n`` (counting the locked grids), the unlocked grids
   are shared among the pieces in proportion to their households (largest remainder, at least one
   each); then, one grid at a time, a piece that cannot meet its norm with its share gives a grid
   to (or takes one from) a piece that can. Without a target, a piece with ``h`` households gets
   ``round(h / mid)`` grids, ``mid`` the middle of its community's household norm, moved into
   ``[ceil(h / max), floor(h / min)]`` when that range is not empty.
3. **Units.** Today's grids cut along community lines are the starting grounds; inside them the
   buildings of one estate (小区) are a unit no cut goes through (:mod:`analysis.division.units`).
   The outlines of today's micro-grids and the street's imported roads, rivers and walls are the
   lines cut along first.
4. **Regrouping** (:mod:`analysis.division.regroup`): today's grids are the start; a grid outside
   the household norm is redrawn alone or with its neighbours by straight cuts between estates
   (or along the street's lines), grids are split or joined until the piece has its number, then
   neighbouring grids are cut again where that evens out the incidents, makes shapes more compact
   or keeps households with their grid of today. An estate is cut only when it alone holds more
   households than the norm's maximum; :attr:`Suggestion.report` names it.
5. **Codes.** A grid that takes at least half of a current grid's households keeps its code and
   name; the others get new codes by the coding rule, and each changed grid a reason
   (:mod:`analysis.division.continuity`).

Limits
------
* Households are held inside the norm; incidents are evened out as far as the local search
  reaches, not to an optimum, and a piece whose incidents are concentrated in one building cannot
  be evened out.
* A building cannot be split: one building above the norm's maximum makes a grid above it.
* Ground where no households are known (no building register, or none in a piece) keeps today's
  grids: there is nothing to balance.
* Lines are today's grid lines, the street's lines, and straight lines between estates (bent
  around an estate where no straight line fits); roads are followed only where the street has
  imported them.
* Where the norm cannot be met (a piece with fewer households than the minimum, or a target
  count that forces grids outside the norm), the piece's grids are drawn within ±:data:`SLACK` of its
  mean on the side the norm is missed, and :attr:`Suggestion.report` says by how much each piece misses.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from analysis.division import measures as dm
from analysis.division.continuity import carry_over
from analysis.division.edits import Division, new_grid_row
from analysis.division.regroup import Group, Piece, compactness, even_out, repair
from analysis.division.units import estate_keys, grounds, unit_ids
from analysis.geo.geometry import polygonal
from analysis.metrics.norms import norm_ranges
from analysis.settings import Settings

COLLAPSED_DEG2 = 1e-12   # square degrees (about 0.01 m²): a hole this small is a ring rounding collapsed
REPORT_COLUMNS = ("community", "piece", "buildings", "households", "grids", "target", "norm_min", "norm_max",
                  "below", "above", "worst_miss", "split")
STEPS = 600    # regions cut again per piece when evening out, at most
REPAIR_SHARE = 0.2   # of a progress bar: bringing grids inside the norm (evening out takes the rest)
REPORT_EVERY = 1.0   # seconds: the best division so far is reported at most this often within a piece
SLACK = 0.15   # half-width of the band, around the mean, of grids that cannot all meet the norm


@dataclass
class Suggestion:
    """The proposed division and, per piece of ground divided, how it went.

    ``report`` columns: community, piece, buildings, households, grids, target (households per grid),
    norm_min, norm_max, below and above (grids outside the norm), worst_miss (households by which the
    worst grid misses the norm; 0 when all meet it), split (the estates a cut went through because each
    alone holds more households than the norm's maximum, joined with "、"; "" for none).
    ``changes``: per suggested grid, which grid of the starting division it continues, its status and the
    reason in both languages (:func:`analysis.division.continuity.carry_over`); ``flows``: the households
    moving between the two divisions' grids; ``cut_short``: pieces whose evening out the time limit stopped
    before it ran its course (0 without a limit).
    """

    division: Division
    report: pd.DataFrame
    changes: pd.DataFrame
    flows: pd.DataFrame
    cut_short: int = 0


def _within_norms(counts: np.ndarray, households: list[float], norms: list[tuple[float, float]]) -> list[int]:
    """Counts moved, one grid at a time, from pieces that cannot meet their norm with that many grids to
    pieces that can take one more (the piece furthest above its norm's middle first); the total is kept."""
    h = np.asarray(households, dtype=float)
    low = np.array([n[0] for n in norms], dtype=float)
    high = np.array([n[1] for n in norms], dtype=float)
    counts = counts.copy()
    for _ in range(int(counts.sum())):
        fewest = np.maximum(np.ceil(h / high), 1)
        most = np.maximum(np.floor(h / low), 1)
        give = np.flatnonzero(counts > most)
        take = np.flatnonzero(counts < fewest)
        if len(give) and not len(take):
            take = np.flatnonzero(counts + 1 <= most)
        elif len(take) and not len(give):
            give = np.flatnonzero(counts - 1 >= fewest)
        if not len(give) or not len(take):
            break
        middle = h / counts - (low + high) / 2
        counts[give[np.argmin(middle[give])]] -= 1
        counts[take[np.argmax(middle[take])]] += 1
    return [int(c) for c in counts]


def _grid_counts(households: list[float], norms: list[tuple[float, float]], total: int | None) -> list[int]:
    """Grids per piece (step 2 of the module docstring)."""
    if total is not None:
        total = max(total, len(households))
        share = np.asarray(households, dtype=float)
        share = share / share.sum() * total if share.sum() > 0 else np.full(len(share), total / len(share))
        counts = np.maximum(np.floor(share).astype(int), 1)
        for i in np.argsort(-(share - np.floor(share))):
            if counts.sum() >= total:
                break
            counts[i] += 1
        return _within_norms(counts, households, norms)
    out = []
    for h, (low, high) in zip(households, norms):
        k = max(1, round(h / ((low + high) / 2)))
        fewest, most = math.ceil(h / high), math.floor(h / low)
        if fewest <= most:
            k = min(max(k, fewest), most)
        out.append(max(k, 1))
    return out


def _pieces(area: BaseGeometry) -> list[BaseGeometry]:
    return [p for p in shapely.get_parts(area) if p.geom_type == "Polygon" and p.area > 0]


def _band(households: float, k: int, low: float, high: float) -> tuple[float, float]:
    """The household band a piece's ``k`` grids are drawn in: the norm, or, when ``k`` grids cannot all
    meet it, the norm widened to ±:data:`SLACK` around ``households / k`` on the side it misses."""
    mean = households / k
    if mean > high:
        return low, mean * (1 + SLACK)
    if mean < low:
        return mean * (1 - SLACK), high
    return low, high


def _tidy(geom: BaseGeometry) -> BaseGeometry:
    """A drawn grid without the rings that rounding collapsed (holes of less than :data:`COLLAPSED_DEG2`)."""
    parts = [shapely.Polygon(p.exterior, [h for h in p.interiors if shapely.Polygon(h).area >= COLLAPSED_DEG2])
             for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    cleaned = polygonal(shapely.make_valid(shapely.union_all(parts)))
    return cleaned if cleaned is not None else geom


def _local(geom: BaseGeometry, scale: float) -> BaseGeometry:
    """WGS-84 → local coordinates ``(lon · scale, lat)`` (:mod:`analysis.division.regroup`); a negative
    ``scale`` maps back."""
    factor = np.array([scale if scale > 0 else -1 / scale, 1.0])
    return shapely.transform(geom, lambda c: c * factor)


@dataclass(frozen=True)
class Progress:
    """How far a suggestion has got, passed to its ``progress`` callback as the work goes on.

    ``stage``: "repair" (grids being brought inside the household norm) or "even" (being evened out);
    ``done`` of ``total`` pieces of ground through that stage. From the evening out on, the best division
    so far: ``workload_cv`` (coefficient of variation of incidents per drawn grid, :func:`analysis.division.
    measures.balance`) and ``compactness`` (mean Polsby-Popper, 0–1) of the grids drawn, each beside its
    value when evening out began (``_start``); NaN before.
    """

    stage: str
    done: int
    total: int
    workload_cv: float = math.nan
    workload_cv_start: float = math.nan
    compactness: float = math.nan
    compactness_start: float = math.nan

    @property
    def fraction(self) -> float:
        """Share of the work done, 0–1: the first :data:`REPAIR_SHARE` for the norm, the rest evening out."""
        share = self.done / self.total if self.total else 1.0
        return REPAIR_SHARE * share if self.stage == "repair" else REPAIR_SHARE + (1 - REPAIR_SHARE) * share


@dataclass
class _Work:
    """One piece being divided: its buildings in local coordinates, the groups drawn so far, and the scale
    back to WGS-84 (:func:`_local`)."""

    piece: Piece
    groups: list[Group]
    scale: float


def _start(pc: dict[str, Any], buildings: pd.DataFrame, estates: np.ndarray, today: list[tuple[str, BaseGeometry]],
           lines: BaseGeometry | None) -> tuple[Piece, list[Group], float]:
    """One piece's buildings in local coordinates and its starting groups, today's grounds (step 3)."""
    at = pc["rows"]
    lon, lat = buildings["lon"].to_numpy(float)[at], buildings["lat"].to_numpy(float)[at]
    low, high = _band(float(buildings["households"].to_numpy(float)[at].sum()), pc["k"], *pc["norm"])
    scale = math.cos(math.radians(float(pc["ground"].centroid.y)))
    homes = {grid_id: i for i, (grid_id, _) in enumerate(today)}
    pairs = grounds(pc["ground"], today)
    ground_of, home = np.full(len(at), -1), np.full(len(at), -1)
    for g, (grid_id, ground) in enumerate(pairs):
        inside = np.flatnonzero(shapely.intersects_xy(ground, lon, lat) & (ground_of < 0))
        ground_of[inside], home[inside] = g, homes.get(grid_id, -1)
    for b in np.flatnonzero(ground_of < 0):   # on the piece's edge only to within rounding: the nearest ground
        ground_of[b] = int(np.argmin(shapely.distance(np.array([g for _, g in pairs], dtype=object),
                                                      shapely.Point(lon[b], lat[b]))))
        home[b] = homes.get(pairs[ground_of[b]][0], -1)
    start = [Group(_local(ground, scale), np.flatnonzero(ground_of == g)) for g, (_, ground) in enumerate(pairs)]
    piece = Piece(lon * scale, lat, buildings["households"].to_numpy(float)[at],
                  buildings["incidents"].to_numpy(float)[at], unit_ids(estates[at], ground_of), home, low, high,
                  _local(lines, scale) if lines is not None else None)
    return piece, start, scale


def _drawn(work: _Work, estates: np.ndarray) -> tuple[list[BaseGeometry], list[str]]:
    """A piece's groups as WGS-84 polygons, and the estates (of ``estates``, the piece's) a cut went through."""
    group_of = np.zeros(len(estates), dtype=int)
    for i, group in enumerate(work.groups):
        group_of[group.members] = i
    named = estates != ""
    unit = work.piece.unit[named]
    cut = pd.Series(group_of[named]).groupby(unit).nunique() > 1
    return [_tidy(_local(g.geom, -work.scale)) for g in work.groups], sorted(
        {str(estates[named][unit == u][0]) for u in cut.index[cut.to_numpy()]})


def _standing(works: list[_Work]) -> tuple[float, float]:
    """Workload CV and mean compactness of every group drawn (:class:`Progress`)."""
    load = [float(w.piece.incidents[g.members].sum()) for w in works for g in w.groups]
    shapes = compactness([g.geom for w in works for g in w.groups])
    return dm.balance(load).cv, float(shapes.mean()) if len(shapes) else math.nan


def _even_all(works: list[_Work], steps: int, seconds: float | None, began: float,
              report: Callable[[Progress], object]) -> list[bool]:
    """Step 4 on every piece in turn, each given a share of the time left in proportion to its groups;
    whether each ran its course (:func:`analysis.division.regroup.even_out`). The best division so far is
    reported after each piece and, within one, at most every :data:`REPORT_EVERY` seconds as it improves.
    Nothing to report when ``steps`` is 0."""
    if not steps:
        return [True] * len(works)
    cv_start, shape_start = _standing(works)
    finished: list[bool] = []
    last = [time.perf_counter()]

    def tell(done: int) -> None:
        cv, shape = _standing(works)
        report(Progress("even", done, len(works), cv, cv_start, shape, shape_start))
        last[0] = time.perf_counter()

    for i, work in enumerate(works):
        deadline = None
        if seconds is not None:
            left = sum(len(w.groups) for w in works[i:])
            deadline = time.perf_counter() + max(began + seconds - time.perf_counter(), 0.0) * len(work.groups) / left

        def better(groups: list[Group], work: _Work = work, done: int = i) -> None:
            work.groups = groups
            if time.perf_counter() - last[0] >= REPORT_EVERY:
                tell(done)

        work.groups, ran = even_out(work.piece, work.groups, steps, deadline, better)
        finished.append(ran)
        tell(i + 1)
    return finished


def suggest(division: Division, buildings: pd.DataFrame, settings: Settings, n_grids: int | None = None,
            steps: int = STEPS, progress: Callable[[Progress], object] | None = None,
            lines: BaseGeometry | None = None, seconds: float | None = None,
            communities: list[str] | None = None) -> Suggestion:
    """Propose a division of the unlocked ground (see the module docstring).

    Parameters
    ----------
    division : Division
        The starting division: its communities, street and locked grids are kept, its other grids
        are the start of the regrouping.
    buildings : pandas.DataFrame
        ``lon``, ``lat`` (WGS-84), ``households`` and ``incidents`` (reported at the building
        over the last 12 months; 0 when unknown); ``address`` and ``estate`` when known.
    n_grids : int, optional
        Grids wanted in the street, locked ones (and those of communities left out) included; default:
        as the norm asks.
    steps : int
        Pairs of neighbouring grids cut again per piece to even out the workload (0: none).
    progress : callable, optional
        Called with a :class:`Progress` as the work goes on.
    lines : shapely geometry, optional
        Roads, rivers or walls (WGS-84 lines) along which grids are cut first.
    seconds : float, optional
        Time limit (wall seconds from the call): evening out stops there with the best division so far
        (every grid still inside the norm); bringing grids inside the norm is always done in full.
        Default: none, the result depends only on the input.
    communities : list of str, optional
        Divide only these communities' ground; the other communities' grids stay as they are. Default:
        every community.
    """
    began = time.perf_counter()
    report: Callable[[Progress], object] = progress if progress is not None else (lambda _: None)
    if not buildings["households"].fillna(0).gt(0).any():   # no households known: nothing to balance
        changes, flows = carry_over(division, division, buildings, settings)[1:]
        return Suggestion(division, pd.DataFrame(columns=list(REPORT_COLUMNS)), changes, flows, 0)
    chosen = division.communities["community"].isin(communities if communities is not None
                                                    else division.communities["community"]).to_numpy()
    fixed = division.grids["grid_id"].isin(division.locked) | ~division.grids["community"].isin(
        division.communities["community"][chosen])
    locked = division.grids[fixed]
    locked_area = shapely.union_all(locked.geometry.to_numpy()) if len(locked) else None
    free = division.grids[~fixed]
    today = list(zip(free["grid_id"], free.geometry))
    lon, lat = buildings["lon"].to_numpy(float), buildings["lat"].to_numpy(float)
    households_at = buildings["households"].to_numpy(float)
    estates = estate_keys(buildings)
    pieces: list[dict[str, Any]] = []
    taken = np.zeros(len(lon), dtype=np.bool_)
    norms = norm_ranges(division.communities["community"], settings)
    for c, community in enumerate(division.communities["community"]):
        ground = division.communities.geometry.iloc[c]
        if locked_area is not None:
            ground = polygonal(shapely.difference(ground, locked_area))
        for p, piece in enumerate(_pieces(ground) if ground is not None and chosen[c] else []):
            inside = np.flatnonzero(shapely.intersects_xy(piece, lon, lat) & ~taken)   # on a line: first piece
            taken[inside] = True
            pieces.append({"community": community, "piece": p + 1, "ground": piece, "rows": inside,
                           "norm": (float(norms["norm_min"].iloc[c]), float(norms["norm_max"].iloc[c]))})
    households = [float(households_at[pc["rows"]].sum()) for pc in pieces]
    wanted = None if n_grids is None else n_grids - len(locked)
    for pc, k in zip(pieces, _grid_counts(households, [pc["norm"] for pc in pieces], wanted) if pieces else []):
        pc["k"] = k
    divided = [i for i, h in enumerate(households) if h > 0]
    works: dict[int, _Work] = {}
    for n, i in enumerate(divided):
        local, start, scale = _start(pieces[i], buildings, estates, today, lines)
        works[i] = _Work(local, repair(local, start, pieces[i]["k"]), scale)
        report(Progress("repair", n + 1, len(divided)))
    finished = _even_all(list(works.values()), steps, seconds, began, report)
    out, rows = Division(locked.reset_index(drop=True), division.communities, division.street,
                         division.locked), []
    for i, pc in enumerate(pieces):
        at = pc["rows"]
        low, high = pc["norm"]
        if i in works:
            grids, cut_units = _drawn(works[i], estates[at])
        else:   # no households known here: nothing to balance, today's grids stay
            grids = [part for _, g in today if (part := polygonal(shapely.intersection(pc["ground"], g))) is not None]
            grids, cut_units = grids or [pc["ground"]], []
        sizes = [float(households_at[at][shapely.intersects_xy(g, lon[at], lat[at])].sum()) for g in grids]
        for geom in grids:
            row = new_grid_row(out, pc["community"], polygonal(geom))
            out = Division(pd.concat([out.grids, gpd.GeoDataFrame([row], geometry="geometry", crs=4326)],
                                     ignore_index=True).sort_values("grid_id").reset_index(drop=True),
                           out.communities, out.street, out.locked)
        misses = [max(low - s, s - high, 0.0) for s in sizes]
        rows.append({"community": pc["community"], "piece": pc["piece"], "buildings": len(at),
                     "households": households[i], "grids": len(grids), "target": households[i] / len(grids),
                     "norm_min": low, "norm_max": high, "below": sum(s < low for s in sizes),
                     "above": sum(s > high for s in sizes), "worst_miss": max(misses), "split": "、".join(cut_units)})
    grids_out = gpd.GeoDataFrame(out.grids, geometry="geometry", crs=4326)
    proposed = Division(grids_out, division.communities, division.street, division.locked)
    renamed, changes, flows = carry_over(division, proposed, buildings, settings)
    return Suggestion(renamed, pd.DataFrame(rows, columns=list(REPORT_COLUMNS)), changes, flows,
                      finished.count(False))
