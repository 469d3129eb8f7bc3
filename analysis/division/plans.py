"""Saved plans (方案): named, revised divisions in the store, and making one the current division.

A plan is saved as a new *revision* of its name (1, 2, ...): earlier revisions stay and can be
opened again. Each save is one transaction, so a failed save leaves every earlier revision as it
was. Making a plan current stores it as a new boundary version with its effective date; earlier
versions are kept, so figures of past periods can still be read on the grids of their time
(the sidebar's boundary-version filter).
"""
from __future__ import annotations

import json
import random
import time

import geopandas as gpd
import pandas as pd
import shapely
import sqlalchemy as sa

from analysis.division.edits import Division, division_from_layer
from analysis.division.micro import LAYER_COLUMNS, with_micro_grids
from analysis.store.database import Store, new_id
from analysis.store.tables import plan_grids, plans
from analysis.store.types import now_text

SAVE_ATTEMPTS = 50   # numberings tried when concurrent saves of one name keep taking the revision first


class PlanConflict(Exception):
    """Plan ``name`` was saved again (as ``revision``, by ``author`` at ``saved_at``) after the revision the
    saver last saw: saving now would silently follow someone else's work."""

    def __init__(self, name: str, revision: int, author: str, saved_at: str):
        super().__init__(f"plan {name!r} is at revision {revision} ({author}, {saved_at})")
        self.name, self.revision, self.author, self.saved_at = name, revision, author, saved_at


def latest_revisions(store: Store) -> dict[str, int]:
    """The newest revision of every plan name (what a person sees before saving)."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(plans.c.name, sa.func.max(plans.c.revision)).where(store.mine(plans))
                            .group_by(plans.c.name)).all()
    return {str(name): int(revision) for name, revision in rows}


def save_plan(store: Store, name: str, division: Division, author: str = "", note: str = "",
              base_version: int | None = None, seen_revision: int | None = None) -> int:
    """Save ``division`` as the next revision of plan ``name``; returns its ``plan_id``.

    Revisions are numbered in the saving transaction; two saves of one name at the same moment (another
    browser, another process) cannot take the same number: the one that loses the race is numbered again
    (up to :data:`SAVE_ATTEMPTS` times).

    Parameters
    ----------
    seen_revision : int, optional
        The newest revision of ``name`` the saver last saw (0: none). When the plan has a newer one,
        nothing is saved and :class:`PlanConflict` says who saved it and when. None: no check.

    Raises
    ------
    ValueError
        An empty name or a division with no grids (nothing is written).
    PlanConflict
        See ``seen_revision``.
    """
    name = name.strip()
    if not name:
        raise ValueError("a plan needs a name")
    if division.grids.empty:
        raise ValueError("a plan needs at least one grid")
    layer = division.layer()
    rows = pd.DataFrame({c: layer[c].fillna("").astype(str) for c in LAYER_COLUMNS})
    rows["geom"] = shapely.to_wkt(layer.geometry.to_numpy(), rounding_precision=8)
    attempt = 0
    while True:
        try:
            with store.transaction() as conn:
                newest = conn.execute(sa.select(plans.c.revision, plans.c.author, plans.c.created_at)
                                      .where(store.mine(plans) & (plans.c.name == name))
                                      .order_by(plans.c.revision.desc()).limit(1)).first()
                revision = int(newest.revision) if newest is not None else 0
                if newest is not None and seen_revision is not None and revision > seen_revision:
                    raise PlanConflict(name, revision, str(newest.author), str(newest.created_at))
                plan_id = new_id(conn.execute(plans.insert().values(
                    street=store.street_code, name=name, revision=revision + 1, author=author.strip(), note=note.strip(),
                    created_at=now_text(), base_version=base_version,
                    locked=json.dumps(sorted(division.locked), ensure_ascii=False))))
                conn.execute(plan_grids.insert(), [{str(k): v for k, v in row.items()}
                                                   for row in rows.assign(plan_id=plan_id).to_dict("records")])
            return plan_id
        except sa.exc.IntegrityError:   # another save took this revision first: number it again
            attempt += 1
            if attempt >= SAVE_ATTEMPTS:
                raise
            time.sleep(random.uniform(0.005, 0.05))


def list_plans(store: Store) -> pd.DataFrame:
    """Every saved revision, newest first: plan_id, name, revision, author, note, created_at,
    base_version, grids (count)."""
    count = sa.select(plan_grids.c.plan_id, sa.func.count().label("grids")).where(
        plan_grids.c.level == "grid").group_by(plan_grids.c.plan_id).subquery()
    q = sa.select(plans.c.plan_id, plans.c.name, plans.c.revision, plans.c.author, plans.c.note, plans.c.created_at,
                  plans.c.base_version, count.c.grids).join(count, count.c.plan_id == plans.c.plan_id).where(
        store.mine(plans))
    return pd.read_sql(q.order_by(plans.c.plan_id.desc()), store.engine)


def load_plan(store: Store, plan_id: int) -> Division:
    """The division saved as ``plan_id`` (with its locks), on its base version's street.

    Raises
    ------
    LookupError
        No such plan.
    """
    with store.engine.connect() as conn:
        head = conn.execute(sa.select(plans).where(store.mine(plans) & (plans.c.plan_id == int(plan_id)))).mappings().first()
    if head is None:
        raise LookupError(f"no plan {plan_id}")
    frame = pd.read_sql(sa.select(plan_grids).where(plan_grids.c.plan_id == int(plan_id)), store.engine)
    layer = gpd.GeoDataFrame(frame.drop(columns=["plan_id", "geom"]),
                             geometry=list(shapely.from_wkt(frame["geom"].to_numpy())), crs=4326)
    street = store.street(head["base_version"]) if head["base_version"] is not None else None
    return division_from_layer(layer, street, json.loads(head["locked"]))


def make_current(store: Store, plan_id: int, effective_from: str, name: str | None = None) -> int:
    """Store plan ``plan_id`` as a new current boundary version effective from ``effective_from``.

    The previous versions stay in the store. Micro-grids of the version the plan was drawn on
    follow the new grids (:func:`with_micro_grids`). Returns the new ``version_id``.
    """
    with store.engine.connect() as conn:
        head = conn.execute(sa.select(plans).where(store.mine(plans) & (plans.c.plan_id == int(plan_id)))).mappings().first()
    if head is None:
        raise LookupError(f"no plan {plan_id}")
    division = load_plan(store, plan_id)
    base = store.grids(head["base_version"]) if head["base_version"] is not None else gpd.GeoDataFrame()
    layer = with_micro_grids(division.layer(), base)
    label = name or f"{head['name']} r{head['revision']}"
    with store.transaction() as conn:
        return store.add_boundary_version(conn, label, layer, None, division.street,
                                          note=f"plan {plan_id}: {head['note']}", make_current=True,
                                          effective_from=str(pd.Timestamp(effective_from).date()))
