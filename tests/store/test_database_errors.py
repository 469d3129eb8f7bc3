"""What a person is told when the database cannot be used: a missing driver, a server that refuses the
connection, an account that may only read. Real drivers and a real PostgreSQL server, no stand-ins."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from analysis.ingest.importer import import_boundaries
from analysis.store.database import Store
from analysis.store.errors import store_problem
from tests.browser.harness import free_port
from tests.conftest import ROOT
from tests.fixtures import four_grids
from tests.postgres import new_database


def _problem(url: str) -> str | None:
    with pytest.raises(Exception) as err:   # noqa: PT011 - the kind of failure is what is checked
        Store(url)
    return store_problem(err.value)


def test_a_driver_that_is_not_installed_is_named():
    assert _problem("postgresql+psycopg2://gridlens@127.0.0.1/x") == "missing_driver"


def test_a_server_that_refuses_the_connection_is_told():
    assert _problem(f"postgresql+psycopg://gridlens@127.0.0.1:{free_port()}/x") == "cannot_open"


def test_an_account_that_may_only_read_is_told(postgres_server, tmp_path):
    url = new_database(postgres_server)
    Store(url)
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql("CREATE ROLE reader LOGIN")
        conn.exec_driver_sql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    admin.dispose()
    reader = Store(url.replace("gridlens@", "reader@"))                  # opens: the schema is already current
    four_grids().to_file(tmp_path / "g.geojson")
    with pytest.raises(sa.exc.ProgrammingError) as err:
        import_boundaries(reader, tmp_path / "g.geojson")
    assert store_problem(err.value) == "permission"
    assert Store(url).boundary_versions().empty                       # nothing was written


def test_a_page_on_an_unreachable_server_says_what_to_do(monkeypatch):
    monkeypatch.setenv("GRIDLENS_DB", f"postgresql+psycopg://gridlens@127.0.0.1:{free_port()}/x")
    import streamlit as st
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert any("无法打开数据库" in e.value and "GRIDLENS_DB" in e.value for e in at.error)
