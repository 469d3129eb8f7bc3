"""The shipped `.streamlit/config.toml`: Streamlit knows every option in it and reads the values written there
(a misspelt option is only a warning in the server's log, and the setting silently falls back to its default)."""
from __future__ import annotations

import os
import tomllib

import pytest
from streamlit import config

from tests.conftest import ROOT

SHIPPED = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


@pytest.fixture
def read_from_root(monkeypatch):
    """Streamlit's options as read with the project's folder as the working directory (as `make run` starts it),
    with no STREAMLIT_* variable set; read again after, for the tests that follow."""
    for name in [n for n in os.environ if n.startswith("STREAMLIT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(ROOT)
    yield config.get_config_options(force_reparse=True)
    monkeypatch.undo()
    config.get_config_options(force_reparse=True)


@pytest.mark.parametrize("name", [f"{section}.{key}" for section, values in SHIPPED.items() for key in values])
def test_streamlit_reads_every_shipped_option(read_from_root, name):
    section, key = name.split(".", 1)
    assert name in read_from_root, f"Streamlit has no option {name}"
    assert config.get_option(name) == SHIPPED[section][key]


def test_the_runs_that_matter_at_city_size_are_configured(read_from_root):
    """No watcher of the program's files and no full garbage collection after each run (README, performance)."""
    assert config.get_option("server.fileWatcherType") == "none"
    assert config.get_option("runner.postScriptGC") is False
