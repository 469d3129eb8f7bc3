"""What the store holds: the summary shown on the status page and printed by the CLI."""
from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from analysis.store import tables
from analysis.store.database import Store
from analysis.store.types import MonthOf


def revision(store: Store) -> str:
    """A token that changes whenever an import, a manual fix or a new boundary version changes the store.

    Formula: ``"{street}-{newest batch id}-{number of fixes}-{newest fix time}-{newest boundary version id}"``
    (of the store's street: another street's import changes another token)
    (a plan made current adds a version without a batch).
    """
    t = tables
    with store.engine.connect() as conn:
        batch = conn.execute(sa.select(sa.func.max(t.batches.c.batch_id)).where(store.mine(t.batches))).scalar() or 0
        fixes, latest = conn.execute(sa.select(sa.func.count(), sa.func.max(t.fixes.c.fixed_at))
                                     .where(store.mine(t.fixes))).one()
        version = conn.execute(sa.select(sa.func.max(t.boundary_versions.c.version_id))
                               .where(store.mine(t.boundary_versions))).scalar() or 0
    return f"{store.street_code}-{batch}-{fixes}-{latest or ''}-{version}"


def summarise(store: Store) -> dict[str, Any]:
    """Counts of what is stored.

    Returns
    -------
    dict
        incidents, grids (grid level of the current version), households and buildings (from the
        building register), review (queue length), first/last report time (ISO text or None),
        version (current boundary version name or None), by_method ({method: incidents};
        '' = unplaced).
    """
    versions = store.boundary_versions()
    current = versions[versions["is_current"].astype(bool)]
    grids = store.grids()
    buildings = store.register("buildings")
    with store.engine.connect() as conn:
        first, last = conn.execute(sa.select(sa.func.min(tables.incidents.c.reported_at),
                                             sa.func.max(tables.incidents.c.reported_at))
                                   .where(store.mine(tables.incidents))).one()
    return {
        "incidents": store.count_incidents(),
        "grids": int((grids["level"] == "grid").sum()) if len(grids) else 0,
        "households": int(buildings["households"].sum()) if len(buildings) else 0,
        "buildings": len(buildings),
        "review": len(store.review_queue()),
        "first": first, "last": last,
        "version": current["name"].iloc[0] if len(current) else None,
        "by_method": store.counts_by_method().to_dict(),
    }


def monthly_counts(store: Store) -> pd.DataFrame:
    """Incidents reported per calendar month: columns ``month`` ('YYYY-MM') and ``count``."""
    month = MonthOf(tables.incidents.c.reported_at).label("month")
    q = sa.select(month, sa.func.count().label("count")).where(store.mine(tables.incidents)).group_by(month).order_by(
        month)
    return pd.read_sql(q, store.engine)
