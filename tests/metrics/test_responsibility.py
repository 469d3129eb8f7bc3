"""Responsible people on the small street (module table of tests.fixtures.small_street).

Workers: W1 张三 on G1, W2 李四 on G2, W3 王五 and W4 赵六 on G4 (all 专职网格员).
"""
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.metrics import resolution as r
from analysis.metrics.periods import Period
from analysis.metrics.responsibility import ledger_lines, ledger_summary, place_owners, responsible_people
from analysis.settings import DEFAULTS
from tests.fixtures import small_dataset, small_street

SETTINGS = DEFAULTS.model_dump()
WEEK = Period(pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-08"))


def with_handlers(frame):
    return frame.assign(handler=["", "李四", "", "", "", "", "区城管局"])


def test_the_handler_first_then_the_places_worker_then_nobody():
    ds = small_dataset(with_handlers)
    people = responsible_people(ds, SETTINGS).set_index(ds.incidents["incident_id"])
    assert people.loc["I1"].tolist() == ["W1", "张三", "grid"]        # G1's worker
    assert people.loc["I2"].tolist() == ["W2", "李四", "handler"]     # named, and in the register
    assert people.loc["I7"].tolist() == ["区城管局", "区城管局", "handler"]    # named, not a worker: kept as given
    assert people.loc["I3"].tolist() == ["", "", ""]                 # G3 has nobody
    assert people.loc["I4"].tolist() == ["W3", "王五", "grid"]        # the first of G4's two workers


def test_the_role_order_decides_who_answers_for_a_place():
    workers = pd.DataFrame({"worker_id": ["W1", "P1", "L1"], "name": ["张三", "某物业公司", "李组长"],
                            "role": ["专职网格员", "物业公司", "网格长"], "grid_id": ["G1", "G1", "G1"]})
    assert place_owners(workers, ["专职网格员", "物业公司"]).loc["G1", "worker_id"] == "W1"
    assert place_owners(workers, ["物业公司", "专职网格员"]).loc["G1", "worker_id"] == "P1"
    assert place_owners(workers, ["网格长"]).loc["G1", "worker_id"] == "L1"


def test_a_ledger_per_person_with_close_off():
    ds = small_dataset(with_handlers)
    flags = r.period_flags(ds.incidents, WEEK)
    everyone = np.ones(len(ds.incidents), bool)
    summary = ledger_summary(ds, flags, everyone, SETTINGS).set_index("responsible")
    # 张三: I1 (closed in the week: closed off); nobody: I3 (open, overdue) and I6 (open); I5 is the week before
    assert summary.loc["张三", ["lines", "closed_off", "backlog"]].tolist() == [1, 1, 0]
    assert summary.loc["", ["lines", "closed_off", "backlog", "overdue"]].tolist() == [2, 0, 2, 1]
    assert summary.loc["李四", "worker_id"] == "W2" and "王五" not in summary.index    # I4 comes after the week
    lines = ledger_lines(ds, flags, everyone, SETTINGS, "")
    assert lines[["incident_id", "ledger_state"]].values.tolist() == [["I3", "overdue"], ["I6", "open"]]
    assert lines["reporter_phone"].tolist() == ["159****1111", ""]


TWINS = pd.DataFrame({"worker_id": ["W1", "W2", "W3", "W5"], "name": ["张三", "李四", "王五", "王五"],
                      "role": ["专职网格员"] * 4, "grid_id": ["G1", "G2", "G4", "G3"]})


def street_with(workers, handlers):
    from analysis.metrics import build_dataset
    grids, incidents, buildings, _, volunteers, services = small_street()
    return build_dataset(incidents.assign(handler=handlers), grids, None, buildings, workers, volunteers, services,
                         tolerance_m=30)


def test_two_workers_of_one_name_are_two_people():
    # I1 (G1, 张三's) and I3 (G3, the second 王五's) were handled by "王五"; I7 by the id W2
    ds = street_with(TWINS, ["王五", "", "王五", "", "", "", "W2"])
    people = responsible_people(ds, SETTINGS).set_index(ds.incidents["incident_id"])
    assert people.loc["I1"].tolist() == ["W3", "王五", "handler"]     # not G1's: the first 王五 in the register
    assert people.loc["I3"].tolist() == ["W5", "王五", "handler"]     # the 王五 who answers for G3
    assert people.loc["I4"].tolist() == ["W3", "王五", "grid"]
    assert people.loc["I7"].tolist() == ["W2", "李四", "handler"]
    flags = r.period_flags(ds.incidents, WEEK)
    everyone = np.ones(len(ds.incidents), bool)
    summary = ledger_summary(ds, flags, everyone, SETTINGS)
    # most open first (W5's overdue I3, then nobody's I6), then one line each by name: 张三, 李四, 王五
    assert summary["person"].tolist() == ["W5", "", "W1", "W2", "W3"]
    assert summary["responsible"].tolist() == ["王五", "", "张三", "李四", "王五"]
    assert summary["worker_id"].tolist() == ["W5", "", "W1", "W2", "W3"]
    assert ledger_lines(ds, flags, everyone, SETTINGS, "W5")["incident_id"].tolist() == ["I3"]
    assert ledger_lines(ds, flags, everyone, SETTINGS, "W3")["incident_id"].tolist() == ["I1"]


def expected_person(handler, place_owner, workers):
    """The module's rules, one case at a time."""
    text = handler.strip()
    if not text:
        return place_owner
    ids_of_name = workers.loc[workers["name"] == text, "worker_id"].tolist()
    if ids_of_name:
        return place_owner if place_owner in ids_of_name else ids_of_name[0]
    return text


NAMES = ["张三", "李四", "王五"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(["G1", "G2", "G3", "G4", ""])), min_size=0,
                max_size=5),
       st.lists(st.sampled_from(["", " 王五 ", "张三", "李四", "W0", "W2", "区城管局", "W9"]), min_size=7, max_size=7))
def test_people_and_their_ledger_lines_follow_the_rules_case_by_case(register, handlers):
    workers = pd.DataFrame({"worker_id": [f"W{i}" for i in range(len(register))],
                            "name": [name for name, _ in register], "role": ["专职网格员"] * len(register),
                            "grid_id": [grid for _, grid in register]})
    ds = street_with(workers, handlers)
    owners = place_owners(workers, SETTINGS["responsible_roles"])["worker_id"]
    places = ds.incidents["grid_id"].astype(object).fillna("")
    expected = [expected_person(h, owners.get(g, ""), workers) for h, g in zip(handlers, places)]
    people = responsible_people(ds, SETTINGS)
    assert people["person"].astype(str).tolist() == expected
    flags = r.period_flags(ds.incidents, WEEK)
    everyone = np.ones(len(ds.incidents), bool)
    summary = ledger_summary(ds, flags, everyone, SETTINGS).set_index("person")
    on_ledger = flags.full("reported") | flags.full("backlog")
    counted = pd.Series(expected)[on_ledger].value_counts()
    assert summary["lines"].sort_index().to_dict() == counted.sort_index().to_dict()
    names = dict(zip(workers["worker_id"], workers["name"]))
    assert summary["responsible"].to_dict() == {p: names.get(p, p) for p in summary.index}
