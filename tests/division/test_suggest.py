"""The suggested division on the demo street: the household norm met, locked grids left alone."""
from __future__ import annotations

import pytest
import shapely

from analysis.division import whatif as w
from analysis.division.edits import division_from_layer, with_locks
from analysis.division.suggest import suggest
from analysis.metrics.dataset import load_dataset
from analysis.settings import load_settings
from analysis.store.database import Store

SETTINGS = load_settings()


@pytest.fixture(scope="module")
def demo(demo_db):
    store = Store(f"sqlite:///{demo_db}")
    space = w.workspace(load_dataset(store), division_from_layer(store.grids(), store.street()), SETTINGS)
    located = space.ds.incidents["lon"].notna().to_numpy() & space.flags.reported
    assert space.buildings["incidents"].sum() == located.sum()      # every located incident counted once
    return space.ds, space.flags, space.division, space.buildings


def test_suggestion_meets_the_norm_on_the_demo_street(demo):
    ds, flags, div, buildings = demo
    proposal = suggest(div, buildings, SETTINGS, n_grids=60, steps=600)
    figures = w.division_figures(ds, flags, proposal.division, SETTINGS)
    plain = w.division_figures(ds, flags, suggest(div, buildings, SETTINGS, n_grids=60, steps=0).division, SETTINGS)
    today = w.division_figures(ds, flags, div, SETTINGS)
    assert figures.street["workload_cv"] < plain.street["workload_cv"]    # cutting neighbours again evens the load
    assert figures.street["compactness_mean"] > plain.street["compactness_mean"]      # ... and the shapes
    assert figures.street["compactness_mean"] >= today.street["compactness_mean"]     # as compact as today's grids
    assert figures.street["outside_norm"] == 0                       # the demo's division has 35
    assert (proposal.report["split"] == "").all()                    # no estate is cut: none alone exceeds 500
    assert figures.street["not_contiguous"] == 0 and shapely.is_valid(proposal.division.grids.geometry).all()
    assert figures.street["gap_m2"] == 0 and figures.street["overlap_m2"] == 0
    assert figures.street["buildings_unplaced"] == 0
    assert (proposal.report["worst_miss"] == 0).all()
    grids = proposal.division.grids
    # community lines: every grid lies inside its community and its code extends the community's
    codes = dict(zip(div.communities["community"], div.communities["code"], strict=False))
    areas = dict(zip(div.communities["community"], div.communities.geometry, strict=False))
    for grid_id, community, geom in zip(grids["grid_id"], grids["community"], grids.geometry, strict=False):
        assert grid_id.startswith(codes[community]) and len(grid_id) == len(codes[community]) + 3
        assert shapely.area(shapely.difference(geom, areas[community])) < 1e-10
    # continuity: a grid that takes over most of a grid keeps its code and name; every change has its reason
    changes = proposal.changes
    going_on = changes[changes["source"] != ""]
    assert len(going_on) >= 20 and (going_on["grid_id"] == going_on["source"]).all()
    names = dict(zip(div.grids["grid_id"], div.grids["name"], strict=False))
    assert (grids.set_index("grid_id").loc[going_on["grid_id"], "name"] == going_on["source"].map(names).to_numpy()).all()
    changed = changes[changes["status"] != "same"]
    assert (changed["reason_zh"] != "").all() and (changed["reason_en"] != "").all()


def test_suggestion_leaves_locked_grids_alone_and_reports_misses(demo):
    ds, flags, div, buildings = demo
    keep = list(div.grids["grid_id"][:3])
    proposal = suggest(with_locks(div, keep), buildings, SETTINGS, n_grids=40, steps=100)
    out = proposal.division
    assert len(out.grids) == 40
    for grid_id in keep:
        assert shapely.equals(out.geometry_of(grid_id), div.geometry_of(grid_id))
    others = out.grids[~out.grids["grid_id"].isin(keep)]
    locked = shapely.union_all([div.geometry_of(g) for g in keep])
    assert all(shapely.area(shapely.intersection(g, locked)) < 1e-10 for g in others.geometry)
    locked_rows = proposal.changes.set_index("grid_id").loc[keep]
    assert (locked_rows["status"] == "same").all() and (locked_rows["reason_zh"] == "").all()
    # 40 grids for 26,690 households cannot meet the 300-500 norm: the report says by how much
    assert proposal.report["above"].sum() > 0 and proposal.report["worst_miss"].max() > 0


def test_a_community_cut_by_a_river_is_divided_piece_by_piece():
    """One community in two pieces (a river between them): no suggested grid spans the water."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from tests.fixtures import at, square
    pieces = [square(0, 0, 2), square(3, 0, 2)]
    layer = gpd.GeoDataFrame({"grid_id": ["C1001", "C1002"], "name": ["西", "东"], "level": "grid",
                              "parent_id": "C1", "community": "甲社区"}, geometry=pieces, crs=4326)
    div = division_from_layer(layer)
    points = [at(x0 + 0.25 + 0.5 * i, 0.25 + 0.5 * j) for x0 in (0, 3) for i in range(4) for j in range(4)]
    buildings = pd.DataFrame({"lon": [p[0] for p in points], "lat": [p[1] for p in points],
                              "households": 50.0, "incidents": np.arange(len(points)) % 3})
    proposal = suggest(div, buildings, SETTINGS, steps=0)           # 800 households a piece: 2 grids each
    grids = proposal.division.grids
    assert len(grids) == 4 and list(proposal.report["grids"]) == [2, 2]
    for geom in grids.geometry:
        touched = [shapely.area(shapely.intersection(geom, piece)) > 1e-12 for piece in pieces]
        assert sum(touched) == 1


def test_a_time_limit_keeps_the_norm_and_reports_the_best_so_far(demo):
    """With no time to even out, the suggestion is the one without evening out, every grid still in the
    norm; the progress goes through every piece twice (the norm, then evening out) and says so."""
    ds, flags, div, buildings = demo
    plain = suggest(div, buildings, SETTINGS, steps=0)
    seen: list = []
    rushed = suggest(div, buildings, SETTINGS, steps=600, seconds=1e-6, progress=seen.append)
    assert rushed.cut_short > 0 and plain.cut_short == 0
    assert list(rushed.division.grids["grid_id"]) == list(plain.division.grids["grid_id"])
    assert all(shapely.equals_exact(a, b, 0) for a, b in zip(rushed.division.grids.geometry,
                                                             plain.division.grids.geometry, strict=True))
    assert (rushed.report["worst_miss"] == 0).all()
    pieces = len(rushed.report)
    assert [(p.stage, p.done, p.total) for p in seen] == \
        [("repair", i, pieces) for i in range(1, pieces + 1)] + [("even", i, pieces) for i in range(1, pieces + 1)]
    fractions = [p.fraction for p in seen]                            # the bar only moves forward, to the end
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and 0 < fractions[0] < 0.5
    last = seen[-1]
    assert last.workload_cv == last.workload_cv_start and last.compactness == last.compactness_start   # nothing evened
    assert 0 < last.compactness < 1 and last.workload_cv > 0


def test_evening_out_progress_shows_the_division_getting_better(demo):
    ds, flags, div, buildings = demo
    seen: list = []
    suggest(div, buildings, SETTINGS, steps=60, progress=seen.append)
    evening = [p for p in seen if p.stage == "even"]
    assert [p.done for p in evening] == sorted(p.done for p in evening)     # within a piece too, as it improves
    assert all(p.compactness_start == evening[0].compactness_start for p in evening)
    assert evening[-1].compactness > evening[0].compactness_start          # shapes made more compact as it went


def test_only_the_chosen_communities_are_redrawn(demo):
    ds, flags, div, buildings = demo
    community = div.communities["community"].iloc[0]
    proposal = suggest(div, buildings, SETTINGS, steps=0, communities=[community])
    out = proposal.division
    others = div.grids[div.grids["community"] != community]
    assert set(others["grid_id"]) <= set(out.grids["grid_id"])
    assert all(shapely.equals_exact(out.geometry_of(g), geom, 0) for g, geom in zip(others["grid_id"], others.geometry))
    assert set(proposal.report["community"]) == {community} and (proposal.report["worst_miss"] == 0).all()
    status = proposal.changes.set_index("grid_id")["status"]
    assert (status.loc[others["grid_id"]] == "same").all()
    assert (status.loc[out.grids.loc[out.grids["community"] == community, "grid_id"]] != "same").any()
    assert proposal.report["grids"].sum() == len(out.grids) - len(others)
