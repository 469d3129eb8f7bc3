"""AppTest of the workload page (工作量): ranking, and a row setting the grid filter."""
from tests.pages.apptest import page


def test_workload_page_ranks_grids_and_a_row_sets_the_grid_filter(demo_store, monkeypatch):
    at = page("pages/workload.py", demo_store, monkeypatch)
    assert at.title[0].value == "工作量" and "碧湘第23网格" in at.warning[0].value   # the demo's unstaffed grid
    table = at.dataframe[0].value
    assert len(table) == 60 and table["工作量指数"].iloc[0] == table["工作量指数"].max()
    first = table["网格"].iloc[0]
    at.session_state["wl_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    grids = demo_store.grids()
    assert at.selectbox(key="f_grid").value == grids.loc[grids["name"] == first, "grid_id"].iloc[0]
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert at.title[0].value == "Workload" and "Workload index" in at.dataframe[0].value.columns
