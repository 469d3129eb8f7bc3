"""AppTest of the workload page (工作量): ranking and language (a row click setting the grid filter is a
browser test: AppTest cannot click a table row, and the click is handled by the table's callback)."""
from tests.pages.apptest import page


def test_workload_page_ranks_grids_and_speaks_english(demo_store, monkeypatch):
    at = page("pages/workload.py", demo_store, monkeypatch)
    assert at.title[0].value == "工作量" and "碧湘第23网格" in at.warning[0].value   # the demo's unstaffed grid
    table = at.dataframe[0].value
    assert len(table) == 60 and table["工作量指数"].iloc[0] == table["工作量指数"].max()
    # the estate community (西湖桥) has a population norm (1,500–2,100 people); the others none
    estate = table["社区"] == "西湖桥社区"
    assert table.loc[estate, "人口标准"].str.endswith("（1,500–2,100）").all() and (table.loc[~estate, "人口标准"] == "").all()
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert at.title[0].value == "Workload" and "Workload index" in at.dataframe[0].value.columns


def test_the_micro_grid_level_sets_households_against_the_micro_norm(demo_store, monkeypatch):
    """The demo's 19 micro-grids hold 34–429 households: 15 are outside 50–100, and the page says so."""
    at = page("pages/workload.py", demo_store, monkeypatch)
    at.segmented_control(key="wl_level").set_value("micro").run()
    assert "19 个微网格中有 15 个的户数不在 50–100 户" in at.warning[0].value
    table = at.dataframe[0].value
    assert len(table) == 19 and table["户数（户）"].min() == 34 and table["户数（户）"].max() == 429
    assert (table["户数标准"].str.startswith("符合标准")).sum() == 4
    at.selectbox(key="f_grid").set_value("430103007003005").run()     # 西湖桥第5网格: 4 micro-grids
    assert len(at.dataframe[0].value) == 4 and "4 个微网格中有 3 个" in at.warning[0].value
    at.selectbox(key="f_grid").set_value("").run()
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert "15 of 19 micro-grids" in at.warning[0].value
