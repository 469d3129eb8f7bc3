"""AppTest of the redraw workbench (网格调整): move buildings, undo/redo, merge, locks, suggest, save, adopt."""
import numpy as np
import pandas as pd

from analysis.division.plans import list_plans
from tests.pages.apptest import page

PAGE = "pages/redraw.py"


def grid_rows(at) -> pd.DataFrame:
    """The per-grid before/after table (the second dataframe of the edit tab)."""
    return next(d.value for d in at.dataframe if "状态" in d.value.columns or "Status" in d.value.columns)


def street_rows(at) -> pd.DataFrame:
    return at.dataframe[0].value.set_index(at.dataframe[0].value.columns[0])


def test_move_buildings_shows_before_and_after_then_undo_and_redo(demo_store, monkeypatch):
    at = page(PAGE, demo_store, monkeypatch)
    assert at.title[0].value.startswith("网格调整")
    assert (grid_rows(at)["状态"] == "未变").all()
    buildings = demo_store.register("buildings")
    grids = demo_store.grids()
    first = grids[grids["level"] == "grid"].sort_values("grid_id").iloc[0]
    # pick three buildings of the first grid by address and move them to the second grid
    from analysis.metrics.dataset import load_dataset
    ds = load_dataset(demo_store)
    mine = ds.buildings[ds.buildings["grid_id"] == first["grid_id"]].head(3)
    at.multiselect(key="rd_addresses").set_value(mine["address"].tolist()).run()
    at.button(key="rd_pick_apply").click().run()
    assert not at.exception, at.exception
    target = grids[grids["level"] == "grid"].sort_values("grid_id").iloc[1]["grid_id"]
    at.selectbox(key="rd_move_grid").set_value(target).run()      # raw values: the box shows name（code）
    at.button(key="rd_move").click().run()
    assert not at.exception, at.exception
    rows = grid_rows(at)
    changed = rows[rows["状态"] == "已调整"]
    assert len(changed) == 2 and first["name"] in set(changed["网格"])
    moved = int(mine["households"].sum())
    source = changed[changed["网格"] == first["name"]].iloc[0]
    before = int(source["户数（户）·调整前"].replace(",", ""))
    after = int(source["户数（户）·调整后"].replace(",", ""))
    assert before - after == moved
    assert "移到" in at.success[0].value and target
    # undo, then redo
    at.button(key="rd_undo").click().run()
    assert (grid_rows(at)["状态"] == "未变").all()
    at.button(key="rd_redo").click().run()
    assert (grid_rows(at)["状态"] == "已调整").sum() == 2
    assert len(buildings) == 2500


def test_merge_locks_and_the_street_figures(demo_store, monkeypatch):
    at = page(PAGE, demo_store, monkeypatch)
    ids = sorted(demo_store.grids().query("level == 'grid'")["grid_id"])
    at.multiselect(key="rd_merge_grids").set_value(ids[:2]).run()
    at.button(key="rd_merge").click().run()
    assert not at.exception, at.exception
    street = street_rows(at)
    assert street.loc["网格数（个）", "调整前"] == "60" and street.loc["网格数（个）", "调整后"] == "59"
    rows = grid_rows(at)
    assert (rows["状态"] == "撤销").sum() == 1
    # lock a grid, then a merge involving it is refused with a clear message
    lock_box = next(m for m in at.multiselect if str(m.key).startswith("rd_locks_"))
    lock_box.set_value([ids[5]]).run()
    at.button(key="rd_lock_apply").click().run()
    assert "锁定" in at.success[0].value
    offered = at.multiselect(key="rd_merge_grids").options
    assert not any(ids[5] in o for o in offered)                  # locked grids are not offered for merging
    assert any(ids[6] in o for o in offered)


def test_suggestion_can_be_taken_and_saved_as_a_plan(demo_store, monkeypatch):
    at = page(PAGE, demo_store, monkeypatch)
    at.select_slider(key="rd_suggest_seconds").set_value(10).run()
    at.button(key="rd_suggest_run").click().run()
    assert not at.exception, at.exception
    assert any("每个网格的户数都在标准区间内" in s.value for s in at.success)
    changes = next(d.value for d in at.dataframe if "原因" in d.value.columns)
    today = set(demo_store.grids()["grid_id"])
    assert changes["编码"].isin(today).sum() >= 20                 # grids that take over most of one keep its code
    assert (changes.loc[changes["变化情况"] != "未变", "原因"] != "").all()
    people = next(d.value for d in at.dataframe if "建议网格" in d.value.columns)
    workers = demo_store.register("workers")
    assert len(people) >= len(workers) and (people["建议网格"] != "").sum() >= len(workers)
    assert [w.value for w in at.warning if "没有专职网格员" in w.value] or \
        [s.value for s in at.success if "每个网格都有专职网格员" in s.value]
    at.button(key="rd_take").click().run()
    street = street_rows(at)
    assert street.loc["户数超出标准的网格（个）", "调整后"] == "0"
    at.text_input(key="rd_plan_name").input("按标准建议")
    at.text_input(key="rd_plan_author").input("测试")
    at.button[[b.label for b in at.button].index("保存")].click().run()
    assert not at.exception, at.exception
    plans = list_plans(demo_store)
    assert plans["name"].tolist() == ["按标准建议"] and plans["author"].tolist() == ["测试"]
    # make it the current division from a date: a new boundary version, the old one kept
    old = demo_store.current_version()
    at.button(key="rd_adopt_button").click().run()          # a dialog asks first; nothing has changed yet
    assert not at.exception, at.exception
    assert demo_store.current_version() == old and "按标准建议" in at.markdown[-1].value
    at.button(key="rd_adopt_yes").click().run()
    assert not at.exception, at.exception
    assert demo_store.current_version() != old and len(demo_store.boundary_versions()) == 2
    assert (grid_rows(at)["状态"] == "未变").all()                  # the workbench starts again from it
    at.switch_page("pages/workload.py").run()
    versions = next(s for s in at.sidebar.selectbox if s.label == "网格版本").options
    assert len(versions) == 2 and any("起）（现行）" in v for v in versions)   # the adopted plan, with its date


def test_english_labels_and_export(demo_store, monkeypatch):
    at = page(PAGE, demo_store, monkeypatch)
    at.toggle(key="rd_compare_show").set_value(True).run()        # the store's division against this edit
    assert not at.exception, at.exception
    assert len(grid_rows(at)) == 60
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert not at.exception, at.exception
    assert at.title[0].value.startswith("Redraw grids")
    assert "Status" in grid_rows(at).columns
    assert at.radio(key="rd_export_format").options == ["GeoJSON", "GeoPackage", "Shapefile (.zip)",
                                                        "KML (Ovi, Google Earth)"]
    assert np.any(["Plan A" in (s.label or "") for s in at.selectbox])



def test_two_browsers_saving_one_name_the_second_is_told_and_may_save_anyway(demo_store, monkeypatch):
    """Two sessions open the workbench; the first saves 「东片调整」; the second, which never saw that save,
    is told who saved it and when, nothing is written, and "save anyway" makes revision 2."""
    first, second = page(PAGE, demo_store, monkeypatch), page(PAGE, demo_store, monkeypatch)
    for at, author in ((first, "王一 13812345678"), (second, "李二")):
        at.text_input(key="rd_plan_name").input("东片调整")
        at.text_input(key="rd_plan_author").input(author)
    first.button[[b.label for b in first.button].index("保存")].click().run()
    assert not first.exception and list_plans(demo_store)["revision"].tolist() == [1]
    second.button[[b.label for b in second.button].index("保存")].click().run()
    assert not second.exception, second.exception
    warning = next(w.value for w in second.warning if "东片调整" in w.value)
    assert "第 1 版" in warning and "王一" in warning and "13812345678" not in warning   # phones masked
    assert list_plans(demo_store)["revision"].tolist() == [1]                             # nothing written
    second.button(key="rd_save_anyway").click().run()
    plans = list_plans(demo_store)
    assert plans["revision"].tolist() == [2, 1] and plans["author"].tolist() == ["李二", "王一 13812345678"]
    assert not [w.value for w in second.warning if "东片调整" in w.value]
    first.button[[b.label for b in first.button].index("保存")].click().run()        # the first saw only its own
    assert any("东片调整" in w.value and "李二" in w.value for w in first.warning)


def test_suggestion_of_one_community_leaves_the_others_and_shows_its_progress(demo_store, monkeypatch):
    at = page(PAGE, demo_store, monkeypatch)
    grids = demo_store.grids()
    grids = grids[grids["level"] == "grid"]
    community = sorted(grids["community"].unique())[0]
    assert at.multiselect(key="rd_suggest_part").placeholder == "全部社区"
    at.multiselect(key="rd_suggest_part").set_value([community]).run()
    at.select_slider(key="rd_suggest_seconds").set_value(0).run()
    at.button(key="rd_suggest_run").click().run()
    assert not at.exception, at.exception
    assert any("每个网格的户数都在标准区间内" in s.value for s in at.success)
    report = next(d.value for d in at.dataframe if "区域" in d.value.columns)
    assert set(report["社区"]) == {community}                         # only the chosen community was divided
    changes = next(d.value for d in at.dataframe if "原因" in d.value.columns)
    others = set(grids.loc[grids["community"] != community, "grid_id"])
    assert (changes.loc[changes["编码"].isin(others), "变化情况"] == "未变").all()
    assert len(others) and changes["编码"].isin(others).sum() == len(others)
    bars = at.get("progress")
    assert bars and "按户数标准调整：已完成" in bars[-1].proto.text       # no evening out asked: the norm was the last step
