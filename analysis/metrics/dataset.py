"""The data every analysis reads, for one boundary version: canonical frames built once.

Incidents are attributed to the grids of the chosen version by *where they are*, so that any
version (the current one, an earlier one, a plan) gets its own figures:

* an incident placed by address or by a manual fix naming a building is where that building is;
* otherwise it is at its own coordinates (WGS-84);
* points outside every grid are snapped within ``snap_tolerance_m`` as at import;
* an incident with no location keeps the grid a manual fix gave it, when that grid exists in
  the version.

Buildings and volunteers are located the same way; a volunteer without a location keeps the
grid of the register. Households and population of a grid are the sums over its buildings
(or the boundary layer's own columns when no building list is stored).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from analysis.metrics.lifecycle import LifecycleReport, lifecycle_columns
from analysis.metrics.placement import Replacer, as_categorical, grid_index, locate, locate_codes
from analysis.metrics.resolution import CaseSpans, case_spans
from analysis.metrics.snapshot import read_snapshot, snapshot_folder, snapshot_key, write_snapshot
from analysis.settings import load_settings
from analysis.store.database import Store
from analysis.store.freed_memory import release_freed_memory
from analysis.store.tables import INCIDENT_TIMES
from analysis.store.text_chunks import join_text_chunks

Kept = TypeVar("Kept")

INCIDENT_READ = ("incident_id", *INCIDENT_TIMES, "category", "subcategory", "source", "status", "address",
                 "handled_level", "handler", "reporter_phone", "satisfaction", "reopened", "grid_id", "building_id",
                 "match_method", "event_name", "description", "photos", "lon", "lat")
CATEGORICAL = ("category", "subcategory", "source", "status", "handled_level", "handler", "satisfaction",
               "match_method", "reopened", "grid_id")
"""Columns read as categories: few distinct words (a byte or two a row against 8-24 as text; the stored grid is read
only for incidents without a point and replaced by the placement; a street's handlers are a few thousand people,
and a categorical's words are factorized at once where 10M texts took 0.3 s)."""


@dataclass
class Dataset:
    """Canonical frames for one boundary version (all geometry WGS-84).

    Attributes
    ----------
    incidents : pandas.DataFrame
        ``INCIDENT_READ`` columns; ``grid_id`` is categorical over ``grids.grid_id`` (NaN when
        the incident is in no grid of this version), ``community`` likewise; ``lon``/``lat`` are
        where the incident is (its building's point when placed by address).
    grids : geopandas.GeoDataFrame
        Grid-level polygons sorted by ``grid_id``: ``grid_id``, ``name`` (as the pages show it: the
        grid's name, with its code in brackets when another grid has the same name, the code when it
        has none), ``community``, ``parent_id``, ``households``, ``population``, ``workers``,
        ``volunteers``.
    communities : geopandas.GeoDataFrame
        ``community``, geometry (the version's community polygons, else the union of its grids).
    street : shapely geometry or None
    buildings, workers, volunteers, services : pandas.DataFrame
        The registers, each with the ``grid_id`` of this version ('' when in none).
    anchor : pandas.Timestamp or None
        The latest report time that is not in the future: the day period presets are anchored on (a
        report dated after now, such as a typing error for 2099, is flagged at import and kept out of it;
        ``now`` when every report is in the future).
    version_id : int or None
    void : int
        Void (作废) cases: set aside, in no figure (see :mod:`analysis.metrics.lifecycle`).
    lifecycle : LifecycleReport
        Status, level and satisfaction words the settings do not know; closed cases without a time.
    wishes : pandas.DataFrame
        Micro-wishes (微心愿: records whose 大类 or 小类 is one of ``wish_categories``), set aside from
        ``incidents`` with the same columns (see :mod:`analysis.metrics.wishes`).
    micro : geopandas.GeoDataFrame
        The version's micro-grids (微网格), a second level inside grids: ``micro_id``, ``name``,
        ``parent_id``, ``community``, ``households``, ``population``; ``incidents.micro_id`` is each
        incident's micro-grid (NaN when in none), ``buildings.micro_id`` and ``volunteers.micro_id``
        likewise ('').
    derived : dict
        What :meth:`kept` keeps.
    """

    incidents: pd.DataFrame
    grids: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    street: BaseGeometry | None
    buildings: pd.DataFrame
    workers: pd.DataFrame
    volunteers: pd.DataFrame
    services: pd.DataFrame
    anchor: pd.Timestamp | None
    version_id: int | None = None
    void: int = 0
    lifecycle: LifecycleReport = field(default_factory=LifecycleReport)
    micro: gpd.GeoDataFrame = field(default_factory=lambda: _micro_grids(gpd.GeoDataFrame(geometry=[], crs=4326)))
    wishes: pd.DataFrame = field(default_factory=pd.DataFrame)
    derived: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def grid_names(self) -> dict[str, str]:
        """Each grid's name by its ``grid_id``."""
        return dict(zip(self.grids["grid_id"], self.grids["name"]))

    @property
    def grid_codes(self) -> np.ndarray:
        """Position of each incident's grid in ``grids`` (-1 when in none)."""
        return self.incidents["grid_id"].cat.codes.to_numpy()

    @cached_property
    def spans(self) -> CaseSpans:
        """Each incident's :class:`~analysis.metrics.resolution.CaseSpans` (which periods its facts can concern),
        worked out on first use: every period's facts look them up."""
        return case_spans(self.incidents)

    def kept(self, key: Hashable, make: Callable[[], Kept]) -> Kept:
        """``make()``, worked out on first use and kept with the dataset under ``key``: what the layers above
        derive from every incident and read again for each view (a map's raster cells). Not to be changed; a
        dataset made by ``dataclasses.replace`` starts with none."""
        if key not in self.derived:
            self.derived[key] = make()
        value: Kept = self.derived[key]
        return value

    @cached_property
    def building_codes(self) -> np.ndarray:
        """Position of each building's grid in ``grids`` (-1 when in none), worked out on first use."""
        return np.asarray(pd.Index(self.grids["grid_id"]).get_indexer(pd.Index(self.buildings["grid_id"])))


def shown_names(names: pd.Series, codes: pd.Series) -> pd.Series:
    """Names a person can tell apart: a name shared by several grids gets its code in brackets
    (``同名网格（G1）``), and a grid without a name is called by its code."""
    text = names.fillna("").astype(str).str.strip()
    text = text.where(text != "", codes.astype(str))
    shared = text.duplicated(keep=False)
    return text.where(~shared, text + "（" + codes.astype(str) + "）")


def incident_locations(incidents: pd.DataFrame, buildings: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Where each incident is (WGS-84 degrees): its building's point when it has one, else its own."""
    lon, lat = incidents["lon"].to_numpy(float).copy(), incidents["lat"].to_numpy(float).copy()
    if len(buildings) and "building_id" in incidents:
        points = buildings.set_index("building_id")[["lon", "lat"]]
        at = points.reindex(incidents["building_id"].fillna("").to_numpy())
        has = at["lon"].notna().to_numpy()
        lon[has], lat[has] = at["lon"].to_numpy()[has], at["lat"].to_numpy()[has]
    return lon, lat


def with_deadlines(incidents: pd.DataFrame, days: dict[str, float]) -> pd.DataFrame:
    """Give a case without a deadline its category's default one, marked ``due_assumed``.

    Idempotent: a frame that went through it once keeps its ``due_assumed`` marks.

    ``days`` maps a 小类 or 大类 to days after the report ('*' for any other); the 小类 wins.
    """
    out = incidents.copy(deep=False)
    missing = out["due_at"].isna().to_numpy() & out["reported_at"].notna().to_numpy()
    assumed = out["due_assumed"].to_numpy(bool) if "due_assumed" in out else False   # given on an earlier pass
    out["due_assumed"] = missing | assumed
    if missing.any():
        fallback = float(days.get("*", 7))
        sub = out["subcategory"].astype(object).map(days) if "subcategory" in out else pd.Series(np.nan, out.index)
        cat = out["category"].astype(object).map(days) if "category" in out else pd.Series(np.nan, out.index)
        wait = sub.fillna(cat).fillna(fallback).to_numpy(dtype=float)
        due = out["due_at"].to_numpy(dtype="datetime64[s]").copy()
        reported = out["reported_at"].to_numpy(dtype="datetime64[s]")
        due[missing] = reported[missing] + (wait[missing] * 86400).astype("timedelta64[s]")
        out["due_at"] = due
    return out


def division_attributes(grids: gpd.GeoDataFrame, buildings: pd.DataFrame, workers: pd.DataFrame,
                        volunteers: pd.DataFrame) -> gpd.GeoDataFrame:
    """Households, population, workers and volunteers per grid (``grid_id`` already set on each register).

    Households and population are the sums over the grid's buildings; with no buildings at all,
    the grid layer's own ``households``/``population`` columns are kept (0 where absent).
    """
    out = grids.copy()
    ids = pd.Index(out["grid_id"])
    if len(buildings):
        for column in ("households", "population"):
            out[column] = _per_grid(ids, buildings["grid_id"], _numbers(buildings[column]))
    else:
        for column in ("households", "population"):
            given = out[column] if column in out else pd.Series(0.0, index=out.index)
            out[column] = _numbers(given)
    out["workers"] = _per_grid(ids, workers["grid_id"]).astype(int)
    out["volunteers"] = _per_grid(ids, volunteers["grid_id"]).astype(int)
    return out


def _per_grid(ids: pd.Index, keys: pd.Series, weights: np.ndarray | None = None) -> np.ndarray:
    """How many rows name each grid of ``ids`` in ``keys`` (or the sum of their ``weights``), as floats; a row
    naming no grid of ``ids`` counts nowhere. ``ids`` holds each grid once."""
    codes = ids.get_indexer(pd.Index(keys))
    inside = codes >= 0
    return np.bincount(codes[inside], weights=None if weights is None else weights[inside],
                       minlength=len(ids)).astype(float)


def _numbers(values: pd.Series) -> np.ndarray:
    """``values`` as floats, 0 where not a number."""
    return pd.to_numeric(values, errors="coerce").fillna(0).to_numpy(dtype=float)


def _micro_grids(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The version's micro-grids (level ``micro``): ``micro_id``, ``name`` (told apart like grid names),
    ``parent_id`` (the grid), ``community``, the layer's ``households``/``population``, geometry."""
    stored = layer[layer["level"] == "micro"] if "level" in layer else layer.iloc[:0]
    stored = stored.sort_values("grid_id")
    columns = {"micro_id": stored["grid_id"].astype(str).to_numpy(dtype=object)}
    for column in ("name", "parent_id", "community", "households", "population"):
        columns[column] = stored[column].to_numpy() if column in stored else np.full(len(stored), "", dtype=object)
    out = gpd.GeoDataFrame(columns, geometry=stored.geometry.to_numpy(), crs=4326)
    out["name"] = shown_names(out["name"], out["micro_id"])
    return out


def micro_attributes(micro: gpd.GeoDataFrame, buildings: pd.DataFrame) -> gpd.GeoDataFrame:
    """Households and population per micro-grid: the sums over its buildings (``micro_id`` set on each),
    or the layer's own columns when no building list is stored."""
    out = micro.copy()
    ids = pd.Index(out["micro_id"])
    for column in ("households", "population"):
        out[column] = _per_grid(ids, buildings["micro_id"], _numbers(buildings[column])) if len(buildings) else \
            _numbers(out[column])
    return out


def _communities(layer: gpd.GeoDataFrame, grids: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    stored = layer[layer["level"] == "community"]
    if len(stored):
        return gpd.GeoDataFrame({"community": stored["name"].to_numpy()}, geometry=stored.geometry.to_numpy(),
                                crs=4326)
    merged = grids.dissolve("community", as_index=False)
    return gpd.GeoDataFrame({"community": merged["community"]}, geometry=merged.geometry, crs=4326)


def _grid_rows(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A layer's grid-level rows (every row when it has no grid level) sorted by ``grid_id``, with ``name``
    (as :func:`shown_names` shows it), ``community`` and ``parent_id``."""
    is_grid = layer["level"] == "grid" if "level" in layer and (layer["level"] == "grid").any() else \
        pd.Series(True, index=layer.index)
    grids = layer[is_grid].sort_values("grid_id").reset_index(drop=True)
    for column in ("name", "community", "parent_id"):
        if column not in grids:
            grids[column] = ""
    grids["community"] = grids["community"].fillna("").astype(str)
    grids["name"] = shown_names(grids["name"], grids["grid_id"])
    return grids


def build_dataset(incidents: pd.DataFrame, layer: gpd.GeoDataFrame, street: BaseGeometry | None = None,
                  buildings: pd.DataFrame | None = None, workers: pd.DataFrame | None = None,
                  volunteers: pd.DataFrame | None = None, services: pd.DataFrame | None = None,
                  tolerance_m: float | None = None, version_id: int | None = None,
                  now: pd.Timestamp | None = None) -> Dataset:
    """Attribute incidents and registers to the grids of ``layer`` and assemble a :class:`Dataset`.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Stored incidents (``INCIDENT_READ`` columns; times as datetime64).
    layer : geopandas.GeoDataFrame
        A boundary version: grid-level polygons (``level`` == 'grid', or every row when the layer
        has no grid level) and optionally community polygons.
    tolerance_m : float, optional
        Snapping distance in metres (default: the ``snap_tolerance_m`` setting).
    now : pandas.Timestamp, optional
        The clock the anchor is capped at (default: now).
    """
    settings = load_settings()
    tolerance_m = float(settings["snap_tolerance_m"] if tolerance_m is None else tolerance_m)
    grids = _grid_rows(layer)
    ids, geoms = grids["grid_id"].astype(str).to_numpy(dtype=object), grids.geometry.to_numpy()
    index = grid_index(ids, geoms)

    buildings = _empty_if_none(buildings, ("building_id", "address", "households", "population", "lon", "lat"))
    workers = _empty_if_none(workers, ("worker_id", "name", "role", "grid_id"))
    volunteers = _empty_if_none(volunteers, ("volunteer_id", "name", "team", "grid_id", "lon", "lat", "active"))
    services = _empty_if_none(services, ("volunteer_id", "date", "hours", "grid_id", "activity"))

    buildings = buildings.assign(grid_id=locate(index, buildings["lon"].to_numpy(float),
                                                 buildings["lat"].to_numpy(float),
                                                 np.full(len(buildings), "", dtype=object), tolerance_m))
    volunteers = volunteers.assign(grid_id=locate(
        index, pd.to_numeric(volunteers["lon"], errors="coerce").to_numpy(float),
        pd.to_numeric(volunteers["lat"], errors="coerce").to_numpy(float),
        volunteers["grid_id"].fillna("").astype(str).to_numpy(dtype=object), tolerance_m))
    workers = workers.assign(grid_id=workers["grid_id"].where(workers["grid_id"].isin(ids), ""))
    services = services.assign(grid_id=services["grid_id"].where(services["grid_id"].isin(ids), ""),
                               date=pd.to_datetime(services["date"], errors="coerce"))

    incidents = with_deadlines(incidents, settings["category_deadline_days"])
    if "state" not in incidents:      # a redivided dataset's incidents were read once already
        incidents, lifecycle = lifecycle_columns(incidents, settings)
        void = (incidents["state"] == "void").to_numpy()
        n_void = int(void.sum())
        if n_void:
            incidents = incidents[~void].reset_index(drop=True)
    else:
        lifecycle, n_void = LifecycleReport(), 0
    lon, lat = incident_locations(incidents, buildings)
    frame = incidents.assign(lon=lon, lat=lat)
    frame["grid_id"] = as_categorical(index, locate_codes(index, lon, lat, incidents["grid_id"], tolerance_m), ids)
    frame["community"] = _communities_by_code(frame["grid_id"].cat.codes.to_numpy(), grids)
    frame["micro_id"], buildings, volunteers, micro = _on_micro_grids(layer, lon, lat, buildings, volunteers)
    wish = np.zeros(len(frame), dtype=bool)
    for column in ("category", "subcategory"):
        if column in frame:
            wish |= frame[column].isin(list(settings["wish_categories"])).to_numpy()
    wishes = frame[wish].reset_index(drop=True)
    if wish.any():
        frame = frame[~wish].reset_index(drop=True)

    grids = division_attributes(grids, buildings, workers, volunteers)
    anchor = latest_report(frame["reported_at"], now)
    street = street if street is not None else (shapely.union_all(geoms) if len(geoms) else None)
    return Dataset(frame, grids, _communities(layer, grids), street, buildings, workers, volunteers, services,
                   anchor, version_id, n_void, lifecycle, micro, wishes)


def _communities_by_code(codes: np.ndarray, grids: pd.DataFrame) -> pd.Categorical[Any]:
    """Each row's community, from ``codes``, its grid's position in ``grids`` (-1: in no grid): a categorical of
    the communities' names, sorted, made by code (no string per row; at 10M rows a column of strings is 0.6 GB)."""
    communities = grids["community"].to_numpy(dtype=object)
    names = sorted(set(communities))
    of_grid = pd.Index(names).get_indexer(communities)
    return pd.Categorical.from_codes(np.where(codes >= 0, of_grid[np.maximum(codes, 0)] if len(of_grid) else -1, -1),
                                     dtype=pd.CategoricalDtype(names))


def _on_micro_grids(layer: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray, buildings: pd.DataFrame,
                    volunteers: pd.DataFrame
                    ) -> tuple[pd.Categorical[Any], pd.DataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    """The micro-grids of ``layer`` and who is in which (no snapping: a point in no micro-grid is in none).

    Returns each incident's micro-grid (a categorical of the micro-grid ids, from the incidents' ``lon``/``lat``),
    ``buildings`` and ``volunteers`` with ``micro_id`` ('' when in none), and the micro-grids with their
    households and population summed over their buildings (:func:`micro_attributes`)."""
    micro = _micro_grids(layer)
    micro_ids = micro["micro_id"].to_numpy(dtype=object)
    index = grid_index(micro_ids, micro.geometry.to_numpy())

    def micro_id(frame: pd.DataFrame) -> np.ndarray:
        return locate(index, pd.to_numeric(frame["lon"], errors="coerce").to_numpy(float),
                      pd.to_numeric(frame["lat"], errors="coerce").to_numpy(float),
                      np.full(len(frame), "", dtype=object), 0.0)

    buildings, volunteers = buildings.assign(micro_id=micro_id(buildings)), volunteers.assign(micro_id=micro_id(volunteers))
    incidents = as_categorical(index, locate_codes(index, lon, lat, None, 0.0), micro_ids)
    return incidents, buildings, volunteers, micro_attributes(micro, buildings)


def latest_report(reported: pd.Series, now: pd.Timestamp | None = None) -> pd.Timestamp | None:
    """The dataset's anchor: the latest report time not after ``now`` (default: the clock), ``now`` when every
    report is later, None when there is no incident."""
    if not len(reported):
        return None
    now = pd.Timestamp.now() if now is None else pd.Timestamp(now)
    latest = reported[reported <= now].max()
    return now if pd.isna(latest) else latest


def redivide(ds: Dataset, layer: gpd.GeoDataFrame, street: BaseGeometry | None = None) -> Dataset:
    """The same data attributed to another division ``layer`` (a plan), as :func:`build_dataset` would.

    Incidents are where ``ds`` put them (a building's point when placed by address); one with no
    location keeps its grid when that grid exists in ``layer``. Only the incidents, buildings and
    volunteers near the grids that differ from ``ds``'s are placed again
    (:class:`analysis.metrics.placement.Replacer`): an edit of a few grids costs the same on a street of
    any size. Rows keep their order, so period flags computed on ``ds.incidents`` apply to the result
    unchanged. Micro-grids are those of ``layer`` (none for a division drawn on the workbench).
    """
    tolerance_m = float(load_settings()["snap_tolerance_m"])
    grids = _grid_rows(layer)
    ids, geoms = grids["grid_id"].astype(str).to_numpy(dtype=object), grids.geometry.to_numpy()
    replacer = Replacer(ds.grids["grid_id"].astype(str).to_numpy(dtype=object), ds.grids.geometry.to_numpy(), ids,
                        geoms, tolerance_m)
    before = pd.Index(ds.grids["grid_id"].astype(str))

    def place(frame: pd.DataFrame, fallback: np.ndarray, codes: np.ndarray | None = None) -> np.ndarray:
        """``frame``'s rows' positions in the new ``ids``; ``codes``: their positions in ``ds.grids``."""
        lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(float)
        lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(float)
        return replacer.codes(lon, lat, fallback, before.get_indexer(frame["grid_id"]) if codes is None else codes)

    def as_ids(codes: np.ndarray) -> np.ndarray:
        return np.where(codes >= 0, ids[np.maximum(codes, 0)], "").astype(object) if len(ids) else \
            np.full(len(codes), "", dtype=object)

    incidents = ds.incidents
    codes = place(incidents, np.full(len(incidents), "", dtype=object), ds.grid_codes)
    buildings = ds.buildings.assign(grid_id=as_ids(place(ds.buildings, np.full(len(ds.buildings), "", dtype=object),
                                                         ds.building_codes)))
    volunteers = ds.volunteers.assign(grid_id=as_ids(place(ds.volunteers, ds.volunteers["grid_id"].fillna("")
                                                           .astype(str).to_numpy(dtype=object))))
    in_micro, buildings, volunteers, micro = _on_micro_grids(layer, incidents["lon"].to_numpy(float),
                                                             incidents["lat"].to_numpy(float), buildings, volunteers)
    frame = incidents.assign(grid_id=pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(ids)),
                             community=_communities_by_code(codes, grids), micro_id=in_micro)
    workers, services = ds.workers, ds.services        # their grids, as the registers name them
    if (replacer.new_places < 0).any():               # a grid is gone: its workers' and services' go with it
        workers = workers.assign(grid_id=workers["grid_id"].where(workers["grid_id"].isin(ids), ""))
        services = services.assign(grid_id=services["grid_id"].where(services["grid_id"].isin(ids), ""))
    grids = division_attributes(grids, buildings, workers, volunteers)
    street = ds.street if street is None else street
    return Dataset(frame, grids, _communities(layer, grids), street, buildings, workers, volunteers, services,
                   ds.anchor, None, ds.void, ds.lifecycle, micro, ds.wishes)


def _empty_if_none(frame: pd.DataFrame | None, columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(columns=list(columns)) if frame is None else frame


def load_dataset(store: Store, version: int | None = None, now: pd.Timestamp | None = None,
                 snapshots: bool = True) -> Dataset:
    """The store's data attributed to boundary version ``version`` (default: the current one).

    Read from the version's snapshot when one was written at the store's revision with these settings
    and this code (:mod:`analysis.metrics.snapshot`), else built (:func:`build_dataset`) and written as
    one; ``snapshots=False`` builds without reading or writing one.

    Raises
    ------
    LookupError
        The store holds no boundary version (or not the one asked for).
    """
    version = store.current_version() if version is None else int(version)
    if version is None:
        raise LookupError("no grid boundaries in the store: import boundaries first")
    folder = snapshot_folder(store) if snapshots else None
    where = None if folder is None else folder / snapshot_key(store, version, load_settings())
    fields = None if where is None else read_snapshot(where)
    if fields is not None:
        release_freed_memory()        # Arrow's copy of the snapshot, freed as pandas took it: 0.45 GB at 10M
        join_text_chunks(fields["incidents"])
        return Dataset(**fields, anchor=latest_report(fields["incidents"]["reported_at"], now))
    layer = store.grids(version)
    if layer.empty:
        raise LookupError("no grid boundaries in the store: import boundaries first")
    ds = build_dataset(store.incident_columns(INCIDENT_READ, categorical=CATEGORICAL, times=INCIDENT_TIMES), layer,
                       store.street(version), store.register("buildings"), store.register("workers"),
                       store.register("volunteers"), store.register("services"), version_id=version, now=now)
    if where is not None:
        write_snapshot(ds, where)
    release_freed_memory()            # what building freed: 0.5 GB at 10M
    join_text_chunks(ds.incidents)
    return ds
