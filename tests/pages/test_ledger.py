"""AppTest of the ledger page (责任台账): a responsible person per case, a ledger per person, close-off."""
from tests.pages.apptest import page


def test_ledgers_per_person_with_close_off_and_masked_phones(demo_store, monkeypatch):
    at = page("pages/ledger.py", demo_store, monkeypatch)
    assert at.title[0].value == "责任台账"
    people = at.dataframe[0].value
    assert {"责任人", "工号", "台账事件（件）", "已销号（件）", "未办结（件）"} <= set(people.columns)
    # the demo's grid workers handle cases themselves: their handler names are linked to the register
    linked = people[people["工号"] != ""]
    assert len(linked) > 20 and linked["工号"].str.match(r"^W\d{3}$").all()
    assert (people["台账事件（件）"] >= people["已销号（件）"] + people["未办结（件）"] - 0).all()
    everyone = at.dataframe[1].value
    assert len(everyone) == people["台账事件（件）"].sum()
    assert set(everyone["销号状态"]) <= {"已销号", "超期", "在办"}
    assert everyone["联系电话"].str.match(r"^(\d{3}\*{4}\d{4})?$").all()
    first = people["责任人"].iloc[0]                   # most open cases first
    at.selectbox(key="ledger_person").set_value(first).run()
    mine = at.dataframe[1].value
    assert (mine["责任人"] == first).all() and len(mine) == people["台账事件（件）"].iloc[0]
    assert (mine["销号状态"] == "已销号").sum() == people["已销号（件）"].iloc[0]
    assert mine["销号状态"].iloc[0] == "超期"          # overdue first
    twins = people[people["责任人"] == "李国"]             # three workers of the demo share a name: a ledger each
    assert len(twins) >= 2 and twins["工号"].is_unique and (twins["工号"] != "").all()
    worker = twins["工号"].iloc[-1]
    at.selectbox(key="ledger_person").set_value(worker).run()
    assert f"问题清单：李国（{worker}）" in [h.value for h in at.subheader]
    assert len(at.dataframe[1].value) == twins["台账事件（件）"].iloc[-1]
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert at.title[0].value == "Ledgers by responsible person" and "Closed off" in at.dataframe[0].value.columns
