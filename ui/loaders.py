"""Cached loaders: the store is one shared resource; data loaders are keyed on small hashable
arguments (the store's latest batch id), never on frames, so an import invalidates them."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import status
from analysis.store import Store


@st.cache_resource
def store() -> Store:
    """The store (``$GRIDLENS_DB`` or ``geodata/local/gridlens.sqlite``), opened once per process."""
    return Store()


def revision() -> str:
    """A token that changes whenever anything is imported or fixed."""
    return status.revision(store())


@st.cache_data(show_spinner=False)
def summary(rev: str) -> dict:
    """The store's summary (see :func:`analysis.status.summarise`) at revision ``rev``."""
    return status.summarise(store())


@st.cache_data(show_spinner=False)
def monthly_counts(rev: str) -> pd.DataFrame:
    """Incidents reported per month at revision ``rev``."""
    return status.monthly_counts(store())


@st.cache_data(show_spinner=False)
def review_queue(rev: str) -> pd.DataFrame:
    """The review queue at revision ``rev``."""
    return store().review_queue()


@st.cache_data(show_spinner=False)
def batches(rev: str) -> pd.DataFrame:
    """Import history at revision ``rev``."""
    return store().batches()


@st.cache_data(show_spinner=False)
def grid_choices(rev: str) -> pd.DataFrame:
    """grid_id and name of the current grid-level polygons."""
    grids = store().grids()
    if grids.empty:
        return pd.DataFrame(columns=["grid_id", "name"])
    layer = grids[grids["level"] == "grid"] if (grids["level"] == "grid").any() else grids
    return pd.DataFrame(layer[["grid_id", "name"]]).sort_values("grid_id").reset_index(drop=True)


@st.cache_data(show_spinner=False)
def building_choices(rev: str) -> pd.DataFrame:
    """building_id and address of every stored building."""
    return store().register("buildings")[["building_id", "address"]]
