"""Continuity between today's division and a new one: which grid continues which, codes that persist,
a reason for each change in both languages, and who would work where.

Lineage (per grid of the new division, by households)
-----------------------------------------------------
Every building is placed in a grid of both divisions; its households flow from the old grid to the new.
A new grid **continues** an old grid when it takes at least half of that grid's households (at most one
new grid can); it then keeps the old grid's code and name. Grids with no households at all are matched by
area instead. A part counts in a split or a merge when it holds at least :data:`PART` (20 %) of a grid's
households. Status of a new grid:

==========  ===========================================================================
``same``    has the very polygon of an old grid (whatever other grids overlap it), and continues it
``kept``    continues an old grid, reshaped, neither split nor merged
``split``   its old grid sent a part elsewhere (the part that keeps at least half keeps the code;
            the other parts are new grids of this status)
``merged``  holds parts of two or more old grids
``new``     none of the above (new ground, or households taken from several places in small bits)
==========  ===========================================================================

New codes follow the coding rule: the next serials under the community's code, numbered north to south,
then west to east (by each grid's centroid); a code that disappears is never given again.
"""
from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike

from analysis.division.edits import Division
from analysis.geo.point_in_polygon import GridIndex
from analysis.metrics.norms import norm_ranges
from analysis.settings import Settings

KEEP = 0.5      # share of an old grid's households a new grid must take to continue it
PART = 0.2      # share of a grid's households that makes a part of a split or a merge
STATUSES = ("same", "kept", "split", "merged", "new")
LINEAGE_COLUMNS = ("grid_id", "source", "status", "sources", "households", "source_households", "kept_share",
                   "whole")
WHOLE = 0.95    # share of an old grid's households above which it went over whole


def household_flows(before: Division, after: Division, lon: ArrayLike, lat: ArrayLike,
           households: ArrayLike) -> pd.DataFrame:
    """Households moving from each old grid to each new one (``before``, ``after``, ``households``); grids
    without households are matched by shared area (in square degrees, scaled to rank only)."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    weights = np.asarray(households, dtype=float)
    old, new = GridIndex(before.grids["grid_id"], before.grids.geometry), GridIndex(after.grids["grid_id"],
                                                                                 after.grids.geometry)
    at_old, at_new = old.locate(x, y), new.locate(x, y)
    placed = (at_old >= 0) & (at_new >= 0)
    flows = pd.DataFrame({"before": old.ids[at_old[placed]], "after": new.ids[at_new[placed]],
                          "households": weights[placed]}).groupby(["before", "after"], as_index=False).sum()
    empty = set(after.grids["grid_id"]) - set(flows.loc[flows["households"] > 0, "after"])
    if empty:
        tree = shapely.STRtree(before.grids.geometry.to_numpy())
        rows = []
        for grid_id, geom in zip(after.grids["grid_id"], after.grids.geometry):
            if grid_id not in empty:
                continue
            for i in tree.query(geom, predicate="intersects"):
                shared = shapely.area(shapely.intersection(geom, before.grids.geometry.iloc[i]))
                if shared > 0:
                    rows.append({"before": before.grids["grid_id"].iloc[i], "after": grid_id,
                                 "households": 0.0, "area": float(shared)})
        flows = pd.concat([flows.assign(area=0.0), pd.DataFrame(rows, columns=["before", "after", "households",
                                                                            "area"])], ignore_index=True)
    else:
        flows = flows.assign(area=0.0)
    return flows


def lineage(before: Division, after: Division, lon: ArrayLike, lat: ArrayLike, households: ArrayLike) -> pd.DataFrame:
    """One row per grid of ``after`` (see the module docstring): ``grid_id``, ``source`` (the old grid it
    continues, '' when none), ``status``, ``sources`` (old grids holding a part of it, largest first),
    ``households``, ``source_households`` (of its largest old grid), ``kept_share`` (the share of that old
    grid's households it takes) and ``whole`` (each of its parts is a whole old grid). ``lon``, ``lat``, ``households``: the buildings."""
    flows = household_flows(before, after, lon, lat, households)
    use_area = flows.groupby("after")["households"].transform("sum") <= 0
    flows["weight"] = np.where(use_area, flows["area"], flows["households"])
    old_total = flows.groupby("before")["weight"].sum()
    old_area_total = flows.groupby("before")["area"].sum()
    flows["old_share"] = np.where(use_area, flows["area"] / flows["before"].map(old_area_total).replace(0, np.nan),
                                  flows["weight"] / flows["before"].map(old_total).replace(0, np.nan))
    flows["new_share"] = flows["weight"] / flows.groupby("after")["weight"].transform("sum").replace(0, np.nan)
    flows = flows.sort_values(["after", "weight"], ascending=[True, False])
    best_taker = flows.sort_values("old_share", ascending=False).drop_duplicates("before").set_index("before")["after"]
    parted = flows[flows["old_share"] >= PART].groupby("before")["after"].nunique()
    old_geoms = dict(zip(before.grids["grid_id"], before.grids.geometry))
    old_households = flows.groupby("before")["households"].sum()
    unchanged = {shapely.to_wkb(shapely.normalize(g)): i for i, g in zip(before.grids["grid_id"], before.grids.geometry)
                 if g is not None}
    rows = []
    for grid_id, geom in zip(after.grids["grid_id"], after.grids.geometry):
        mine = flows[flows["after"] == grid_id]
        sources = tuple(mine.loc[mine["new_share"] >= PART, "before"])
        major = str(mine["before"].iloc[0]) if len(mine) else ""
        share = float(mine["old_share"].iloc[0]) if len(mine) else 0.0
        continues = bool(major) and share >= KEEP and best_taker.get(major) == grid_id
        split = bool(major) and int(parted.get(major, 0)) >= 2
        same_as = unchanged.pop(shapely.to_wkb(shapely.normalize(geom)), None) if geom is not None else None
        if same_as is not None:   # the very polygon of an old grid (grids that overlap it do not make a merge)
            major, continues, sources, status = same_as, True, (same_as,), "same"
        elif continues and len(sources) < 2 and not split:
            same = shapely.equals_exact(shapely.normalize(geom), shapely.normalize(old_geoms[major]), 1e-9)
            status = "same" if same else "kept"
        elif len(sources) >= 2:
            status = "merged"
        elif split:
            status = "split"
        else:
            status = "new"
        rows.append({"grid_id": grid_id, "source": major if continues else "", "status": status,
                     "sources": sources or ((major,) if major else ()),
                     "households": float(mine["households"].sum()),
                     "source_households": float(old_households.get(major, 0.0)), "kept_share": share,
                     "whole": bool(len(mine)) and bool((mine.loc[mine["new_share"] >= PART, "old_share"]
                                                        >= WHOLE).all())})
    return pd.DataFrame(rows, columns=list(LINEAGE_COLUMNS))


def _prefix(communities: pd.DataFrame, community: str) -> str:
    codes = dict(zip(communities["community"], communities["code"]))
    return str(codes.get(community, "") or "G")


def carry_codes(before: Division, after: Division, table: pd.DataFrame) -> tuple[Division, pd.DataFrame]:
    """``after`` with each continuing grid under its old code and name and the other grids under new codes by
    the coding rule (module docstring), and ``table`` with the final ``grid_id`` (``proposed_id``: the id the
    new division gave). Locked grids keep their codes."""
    names = dict(zip(before.grids["grid_id"], before.grids["name"]))
    grids = after.grids.copy()
    chosen = grids["grid_id"].map(dict(zip(table["grid_id"], table["source"]))).fillna("")
    chosen = chosen.where(chosen != "", grids["grid_id"].where(grids["grid_id"].isin(after.locked), ""))
    taken = set(before.grids["grid_id"]) | set(chosen[chosen != ""])
    points = shapely.centroid(grids.geometry.to_numpy())
    order = np.lexsort((shapely.get_x(points), -shapely.get_y(points)))               # north to south, west to east
    final, name = chosen.to_numpy(dtype=object).copy(), grids["name"].to_numpy(dtype=object).copy()
    for i in order:
        if final[i]:
            name[i] = names.get(final[i], name[i])
            continue
        community = str(grids["community"].iloc[i])
        prefix = _prefix(after.communities, community)
        pattern = re.compile(rf"^{re.escape(prefix)}(\d{{3}})$")
        serial = max((int(m.group(1)) for code in taken if (m := pattern.match(str(code)))), default=0) + 1
        final[i] = f"{prefix}{serial:03d}"
        name[i] = f"{community.removesuffix('社区')}第{serial}网格"
        taken.add(final[i])
    renamed = dict(zip(grids["grid_id"], final))
    grids["grid_id"], grids["name"] = final, name
    grids = gpd.GeoDataFrame(grids, geometry="geometry", crs=after.grids.crs).sort_values("grid_id")
    out = table.rename(columns={"grid_id": "proposed_id"})
    out.insert(0, "grid_id", out["proposed_id"].map(renamed))
    locked = frozenset(renamed.get(g, g) for g in after.locked)
    return Division(grids.reset_index(drop=True), after.communities, after.street, locked), out


# why a grid changed, by status (and whether the old grids missed the norm): (Chinese, English)
REASONS = {
    "same": ("", ""),
    "kept": ("调整边界以均衡户数和工作量：{before} → {after} 户",
             "Boundary moved to even out households and load: {before} → {after} households"),
    "split_over": ("由{source}拆分：原 {before} 户，超过上限 {high} 户",
                   "Split from {source}: it had {before} households, above the ceiling of {high}"),
    "split": ("由{source}划出，以均衡户数和工作量（现 {after} 户）",
              "Taken from {source} to even out households and load ({after} households now)"),
    "merged_under": ("{sources}合并：原各不足下限 {low} 户（现 {after} 户）",
                     "{sources} joined: each was below the floor of {low} households ({after} now)"),
    "merged_whole": ("{sources}合并，以均衡户数和工作量（现 {after} 户）",
                     "{sources} joined to even out households and load ({after} households now)"),
    "merged": ("由{sources}的部分组成，以均衡户数和工作量（现 {after} 户）",
               "Made of parts of {sources} to even out households and load ({after} households now)"),
    "new": ("新设网格（{after} 户）", "A new grid ({after} households)"),
}


def reasons(table: pd.DataFrame, before: Division, old_households: pd.Series, norms: pd.DataFrame) -> pd.DataFrame:
    """``table`` (of :func:`lineage`) with ``reason_zh`` and ``reason_en``: one line per changed grid ('' for
    a grid that is the same). ``old_households``: households per old grid; ``norms``: ``norm_min`` /
    ``norm_max`` per old grid (index ``grid_id``), from :func:`analysis.metrics.norms.norm_ranges`."""
    names = dict(zip(before.grids["grid_id"], before.grids["name"]))
    zh, en = [], []
    low, high = norms["norm_min"].to_dict(), norms["norm_max"].to_dict()
    had = {str(k): float(v) for k, v in old_households.items()}
    for parts, status, now, whole in zip(table["sources"], table["status"], table["households"], table["whole"]):
        sources: tuple[str, ...] = tuple(parts)
        major = sources[0] if sources else ""
        kind = str(status)
        if kind == "split" and major and had.get(major, 0.0) > high.get(major, np.inf):
            kind = "split_over"
        if kind == "merged" and all(had.get(g, 0.0) < low.get(g, 0.0) for g in sources):
            kind = "merged_under"
        elif kind == "merged" and whole:
            kind = "merged_whole"
        values = {"source": names.get(major, major), "before": f"{had.get(major, 0.0):,.0f}",
                  "after": f"{float(now):,.0f}", "high": f"{high.get(major, np.nan):,.0f}",
                  "low": f"{low.get(major, np.nan):,.0f}"}
        pair = REASONS[kind]
        zh.append(pair[0].format(**values, sources="、".join(names.get(g, g) for g in sources)))
        en.append(pair[1].format(**values, sources=", ".join(names.get(g, g) for g in sources)))
    return table.assign(reason_zh=zh, reason_en=en)


def successors(flows: pd.DataFrame, table: pd.DataFrame) -> pd.Series:
    """The new grid (final id) that takes over each old grid: the one continuing it, else the one receiving
    most of its households (most of its area when it had none). ``flows``: :func:`household_flows`;
    ``table``: :func:`carry_codes`' table (``grid_id``, ``proposed_id``, ``source``)."""
    final = dict(zip(table["proposed_id"], table["grid_id"]))
    weight = np.where(flows.groupby("before")["households"].transform("sum") > 0, flows["households"], flows["area"])
    biggest = flows.assign(weight=weight).sort_values("weight", ascending=False).drop_duplicates("before")
    out = biggest.set_index("before")["after"].map(final)
    continued = table[table["source"] != ""].set_index("source")["grid_id"]
    out.update(continued)
    return out


def staffing(table: pd.DataFrame, flows: pd.DataFrame, after: Division, workers: pd.DataFrame,
             volunteers: pd.DataFrame, fulltime_roles: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Who would work where under ``after`` (final ids, :func:`carry_codes`).

    Each worker and volunteer goes with their grid to its successor (:func:`successors`); a volunteer with a
    location goes to the new grid holding it. Then each grid left without a full-time worker (``fulltime_roles``)
    takes one from the nearest grid of its community that has two or more (largest grids served first).

    Returns
    -------
    people : pandas.DataFrame
        ``kind`` (worker / volunteer), ``person_id``, ``name``, ``role``, ``old_grid``, ``new_grid`` and
        ``basis`` (successor, location, covers: moved to a grid without a full-time worker; none: their grid
        is in no new grid).
    unstaffed : list of str
        New grids still without a full-time worker (none was free in their community).
    """
    follow = successors(flows, table)
    people = pd.DataFrame({"kind": "worker", "person_id": workers["worker_id"].astype(str),
                           "name": workers["name"].astype(str), "role": workers["role"].astype(str),
                           "old_grid": workers["grid_id"].astype(str)})
    helpers = pd.DataFrame({"kind": "volunteer", "person_id": volunteers["volunteer_id"].astype(str),
                            "name": volunteers["name"].astype(str), "role": "",
                            "old_grid": volunteers["grid_id"].astype(str)})
    people = pd.concat([people, helpers], ignore_index=True)
    people["new_grid"] = people["old_grid"].map(follow).fillna("")
    people["basis"] = np.where(people["new_grid"] != "", "successor", "none")
    if len(volunteers) and {"lon", "lat"} <= set(volunteers.columns):
        index = GridIndex(after.grids["grid_id"], after.grids.geometry)
        at = index.locate(volunteers["lon"].to_numpy(float), volunteers["lat"].to_numpy(float))
        rows = np.flatnonzero(people["kind"].to_numpy() == "volunteer")[at >= 0]
        people.loc[rows, "new_grid"], people.loc[rows, "basis"] = index.ids[at[at >= 0]], "location"
    full = (people["kind"] == "worker") & people["role"].isin(fulltime_roles)
    grids = after.grids.set_index("grid_id")
    centres = shapely.centroid(grids.geometry.to_numpy())
    where = dict(zip(grids.index, centres))
    households = table.set_index("grid_id")["households"]
    count = people[full].groupby("new_grid").size()
    short = [g for g in households.sort_values(ascending=False).index if count.get(g, 0) == 0]
    for grid_id in short:
        community = grids.at[grid_id, "community"]
        donors = [g for g in grids.index[grids["community"] == community] if count.get(g, 0) >= 2]
        if not donors:
            continue
        donor = min(donors, key=lambda g: shapely.distance(where[g], where[grid_id]))
        moved = people.index[full & (people["new_grid"] == donor)][-1]
        people.loc[moved, ["new_grid", "basis"]] = [grid_id, "covers"]
        count[donor] -= 1
        count[grid_id] = 1
    unstaffed = [g for g in grids.index if count.get(g, 0) == 0]
    return people, unstaffed


def _reasoned(before: Division, table: pd.DataFrame, flows: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    norms = norm_ranges(before.grids["community"], settings).set_index(before.grids["grid_id"].to_numpy())
    return reasons(table, before, flows.groupby("before")["households"].sum(), norms)


def changes(before: Division, after: Division, buildings: pd.DataFrame,
            settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What ``after`` changes against ``before``, codes as they are: :func:`lineage` with :func:`reasons`
    (the norms of ``settings``), and the household flows (:func:`household_flows`). ``buildings``: ``lon``,
    ``lat``, ``households``."""
    lon, lat = buildings["lon"].to_numpy(float), buildings["lat"].to_numpy(float)
    households = buildings["households"].to_numpy(float)
    flows = household_flows(before, after, lon, lat, households)
    return _reasoned(before, lineage(before, after, lon, lat, households), flows, settings), flows


def carry_over(before: Division, after: Division, buildings: pd.DataFrame,
               settings: Settings) -> tuple[Division, pd.DataFrame, pd.DataFrame]:
    """:func:`changes`, with ``after`` under continuing codes (:func:`carry_codes`): the renamed division, its
    table (``grid_id`` final, ``proposed_id`` as drawn) and the flows."""
    table, flows = changes(before, after, buildings, settings)
    renamed, table = carry_codes(before, after, table)
    return renamed, table, flows
