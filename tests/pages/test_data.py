"""AppTest of the data page (数据导入): review queue, manual fixes, import history, language."""
from tests.pages.apptest import page


def test_data_page_review_queue_filter_and_fix(demo_store, monkeypatch):
    at = page("pages/data.py", demo_store, monkeypatch)
    assert [t.label for t in at.tabs] == ["事件台账", "网格边界", "楼栋与人员", "待核查队列", "导入记录"]
    queue = demo_store.review_queue()
    table = at.dataframe[0].value
    assert len(table) == len(queue) and "原因" in table.columns
    at.multiselect(key="review_reasons").set_value(["missing_id"]).run()
    assert len(at.dataframe[0].value) == (queue["reason"] == "missing_id").sum()
    # place the first queued incident by hand
    incident = at.selectbox(key="fix_incident").value
    placeable = queue[queue["reason"].isin(["outside", "address_unmatched", "no_location"])]["incident_id"]
    assert incident in set(placeable)                                   # only rows a grid can fix are offered
    assert len(at.selectbox(key="fix_incident").options) == placeable.nunique()
    grid = at.selectbox(key="fix_grid").options[3]
    at.selectbox(key="fix_grid").select_index(3)
    submit = [b for b in at.button if b.label == "保存修正"][0]
    submit.click().run()
    assert not at.exception
    fixes = demo_store.fixes()
    assert fixes["incident_id"].tolist() == [incident]
    assert grid.startswith(fixes["grid_id"].iloc[0])
    assert incident not in set(demo_store.review_queue()["incident_id"])
    assert any("已保存" in s.value for s in at.success)


def test_data_page_history_and_language(demo_store, monkeypatch):
    at = page("pages/data.py", demo_store, monkeypatch)
    history = at.dataframe[-1].value
    assert len(history) == len(demo_store.batches()) and "文件" in history.columns
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert [t.label for t in at.tabs][:2] == ["Incidents", "Boundaries"]
    assert "File" in at.dataframe[-1].value.columns


def test_data_page_fix_needs_a_target(demo_store, monkeypatch):
    at = page("pages/data.py", demo_store, monkeypatch)
    [b for b in at.button if b.label == "保存修正"][0].click().run()
    assert any("请选择网格或楼栋" in w.value for w in at.warning)
    assert demo_store.fixes().empty


def test_every_mapped_field_has_a_label_in_both_languages():
    """The column mapping shows a Chinese and an English label for every field of every table it maps."""
    from analysis.ingest.schema import PEOPLE_FIELDS
    from ui.actions import fields_for
    from ui.labels.data import COLUMN_LABELS

    for kind in ("incidents", "buildings", *PEOPLE_FIELDS):
        for field in fields_for(kind):
            zh, en = COLUMN_LABELS[field]
            assert field not in (zh, en) and not zh.isascii() and en.isascii(), (kind, field)
    chinese = [zh for zh, _ in COLUMN_LABELS.values()]
    assert len(chinese) == len(set(chinese))
