"""Schema migrations (alembic): a store made before migrations, or before columns were added, opens at the
newest revision with its saved plans, manual fixes and review lines kept; the revisions arrive at
:mod:`analysis.store.tables` exactly."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from analysis.division.plans import list_plans, load_plan
from analysis.store import migrations
from analysis.store.database import Store
from analysis.store.tables import fixes, metadata, on_dialect, plans, review
from tests.fixtures import square

NEW_INDEXES = ("ix_problems_batch_id", "ix_review_batch_id", "ix_batches_file_hash")   # revision 0002
ADDED_BY_HAND = (("boundary_versions", "effective_from"), ("incidents", "extended_due_at"),
                 ("incidents", "disposed_at"), ("incidents", "event_name"), ("incidents", "description"),
                 ("incidents", "photos"))


def _differences(store: Store) -> list[object]:
    """What alembic finds between the store's tables and tables.py (types compared)."""
    with store.engine.connect() as conn:
        options = {"compare_type": True, "include_object": on_dialect(conn.dialect.name)}
        return compare_metadata(MigrationContext.configure(conn, opts=options), metadata)


def _old_store(url: str, columns_added: bool) -> None:
    """A store as the code before migrations made it (no revision table, no 0002 indexes), holding user work:
    a saved plan, a manual fix, a review line. Without ``columns_added``, also before the columns added by hand."""
    engine = sa.create_engine(url)
    migrations.upgrade(engine, "0001")     # the baseline is the schema of the code before migrations
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
        if not columns_added:
            for table, column in ADDED_BY_HAND:
                conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
        old = sa.MetaData()          # the tables as they stand (text columns), not as tables.py has them now
        old.reflect(conn, only=("batches", "review", "fixes", "plans", "plan_grids"))
        conn.execute(old.tables["batches"].insert().values(
            batch_id=1, kind="incidents", file_name="导出.csv", file_hash="abc", imported_at="2026-11-01 09:00:00",
            rows_read=2, rows_imported=1, rows_rejected=1, coord_system="wgs84"))
        conn.execute(old.tables["review"].insert().values(batch_id=1, incident_id="E2", source_row=3,
                                                          reason="no_location", detail="", raw='{"地址": "某处"}'))
        conn.execute(old.tables["fixes"].insert().values(incident_id="E1", grid_id="C1001", building_id="",
                                                         fixed_at="2026-11-02"))
        conn.execute(old.tables["plans"].insert().values(
            plan_id=1, name="东片调整", revision=1, author="李分析", note="初稿", created_at="2026-11-03 10:00:00",
            base_version=None, locked=json.dumps(["C1001"])))
        conn.execute(old.tables["plan_grids"].insert().values(
            plan_id=1, grid_id="C1001", name="甲", level="grid", parent_id="C1", community="甲社区",
            wkt=square(0, 0).wkt))
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@pytest.mark.parametrize("columns_added", [True, False], ids=["before-migrations", "before-added-columns"])
def test_an_old_store_opens_at_the_newest_revision_with_its_work_kept(request, tmp_path, columns_added, backend):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    else:
        from tests.postgres import new_database
        url = new_database(request.getfixturevalue("postgres_server"))
    _old_store(url, columns_added)
    assert migrations.revision_of(sa.create_engine(url)) is None
    store = Store(url)
    assert migrations.revision_of(store.engine) == migrations.head()
    inspector = sa.inspect(store.engine)
    assert {i["name"] for t in ("problems", "review", "batches") for i in inspector.get_indexes(t)} >= set(NEW_INDEXES)
    for table, column in ADDED_BY_HAND:
        assert column in {c["name"] for c in inspector.get_columns(table)}
    saved = list_plans(store)
    assert saved[["name", "revision", "author", "grids"]].values.tolist() == [["东片调整", 1, "李分析", 1]]
    assert load_plan(store, 1).locked == frozenset({"C1001"})
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(fixes.c.grid_id)).scalars().all() == ["C1001"]
        assert conn.execute(sa.select(review.c.raw)).scalars().all() == ['{"地址": "某处"}']
    assert not _differences(store)


def test_the_revisions_arrive_at_the_tables_module_exactly(empty_store):
    """A new store is made by running every revision; alembic finds nothing in tables.py they lack (SQLite and
    PostgreSQL)."""
    store = empty_store
    assert _differences(store) == []
    assert migrations.revision_of(store.engine) == migrations.head() == "0005"


def test_opening_again_changes_nothing_and_a_failed_upgrade_leaves_the_store_as_it_was(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    Store(url)
    Store(url)
    assert migrations.revision_of(sa.create_engine(url)) == migrations.head()
    old = tmp_path / "old.sqlite"
    _old_store(f"sqlite:///{old}", columns_added=False)
    engine = sa.create_engine(f"sqlite:///{old}")
    with engine.begin() as conn:       # a table holds the name of an index of 0002: 0001 runs, then 0002 fails
        conn.exec_driver_sql("CREATE TABLE ix_batches_file_hash (x INTEGER)")
    with pytest.raises(sa.exc.OperationalError):
        Store(f"sqlite:///{old}")
    assert migrations.revision_of(engine) is None                           # not stamped: all or nothing
    columns = {c["name"] for c in sa.inspect(engine).get_columns("incidents")}
    assert "event_name" not in columns                                      # 0001's columns rolled back too
    with engine.connect() as conn:
        assert conn.execute(sa.select(plans.c.name)).scalars().all() == ["东片调整"]


def test_the_head_a_store_is_checked_against_is_alembics():
    assert migrations.HEAD == migrations.head()
