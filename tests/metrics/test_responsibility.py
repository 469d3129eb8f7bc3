"""Responsible people on the small street (module table of tests.fixtures.small_street).

Workers: W1 张三 on G1, W2 李四 on G2, W3 王五 and W4 赵六 on G4 (all 专职网格员).
"""
import numpy as np
import pandas as pd

from analysis.metrics import resolution as r
from analysis.metrics.periods import Period
from analysis.metrics.responsibility import ledger_lines, ledger_summary, place_owners, responsible_people
from analysis.settings import DEFAULTS
from tests.fixtures import small_dataset

SETTINGS = DEFAULTS.model_dump()
WEEK = Period(pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-08"))


def with_handlers(frame):
    return frame.assign(handler=["", "李四", "", "", "", "", "区城管局"])


def test_the_handler_first_then_the_places_worker_then_nobody():
    ds = small_dataset(with_handlers)
    people = responsible_people(ds, SETTINGS).set_index(ds.incidents["incident_id"])
    assert people.loc["I1"].tolist() == ["张三", "W1", "grid"]        # G1's worker
    assert people.loc["I2"].tolist() == ["李四", "W2", "handler"]     # named, and in the register
    assert people.loc["I7"].tolist() == ["区城管局", "", "handler"]    # named, not a worker: kept as given
    assert people.loc["I3"].tolist() == ["", "", ""]                 # G3 has nobody
    assert people.loc["I4"].tolist() == ["王五", "W3", "grid"]        # the first of G4's two workers


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
