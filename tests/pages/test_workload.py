"""AppTest of the workload page (工作量): ranking and language (a row click setting the grid filter is a
browser test: AppTest cannot click a table row, and the click is handled by the table's callback)."""
from tests.pages.apptest import page


def test_workload_page_ranks_grids_and_speaks_english(demo_store, monkeypatch):
    at = page("pages/workload.py", demo_store, monkeypatch)
    assert at.title[0].value == "工作量" and "碧湘第23网格" in at.warning[0].value   # the demo's unstaffed grid
    table = at.dataframe[0].value
    assert len(table) == 60 and table["工作量指数"].iloc[0] == table["工作量指数"].max()
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert at.title[0].value == "Workload" and "Workload index" in at.dataframe[0].value.columns
