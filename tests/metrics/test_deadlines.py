"""A case without a deadline gets its category's default deadline, marked as assumed."""
import numpy as np
import pandas as pd

from analysis.metrics import resolution as r
from analysis.metrics import resolution_tables as rt
from analysis.metrics.dataset import with_deadlines
from analysis.metrics.filters import Filters
from tests.fixtures import small_dataset


def test_a_case_without_deadline_gets_its_categorys_default_and_is_counted():
    def no_deadline(frame):
        frame = frame.copy()
        frame.loc[frame["incident_id"] == "I3", "due_at"] = pd.NaT
        return frame
    ds = small_dataset(no_deadline)
    i3 = ds.incidents.set_index("incident_id").loc["I3"]
    assert bool(i3["due_assumed"]) and i3["due_at"] == pd.Timestamp("2026-03-05 08:00")   # 市容环境: 1 day
    flags = r.period_flags(ds.incidents, Filters(period="week").resolve(ds.anchor))
    assert rt.data_quality(ds.incidents, flags, np.ones(len(ds.incidents), bool)) == \
        {"closed_before_reported": 0, "due_assumed": 1, "closed_no_time": 0}
    frame = with_deadlines(pd.DataFrame({"reported_at": [pd.Timestamp("2026-03-01")], "due_at": [pd.NaT],
                                         "category": ["新类别"], "subcategory": [""]}), {"*": 3})
    assert frame["due_at"].iloc[0] == pd.Timestamp("2026-03-04")
