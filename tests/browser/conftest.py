"""Fixtures of the browser tests: one dashboard (on a private copy of the demo store) and one
Chromium per test module."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext

from tests.browser.harness import chromium, dashboard


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, store URL) of a dashboard running on its own copy of the demo store."""
    copy = tmp_path_factory.mktemp("browser") / "store.sqlite"
    shutil.copy(demo_db, copy)
    with dashboard(f"sqlite:///{copy}") as base:
        yield base, f"sqlite:///{copy}"


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    with chromium() as context:
        yield context
