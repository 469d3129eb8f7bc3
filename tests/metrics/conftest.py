"""Fixtures of the metric tests."""
from __future__ import annotations

import numpy as np
import pytest

from analysis.metrics import resolution as r
from analysis.metrics.dataset import Dataset
from analysis.metrics.filters import Filters
from tests.fixtures import small_dataset


@pytest.fixture(scope="module")
def week() -> tuple[Dataset, r.PeriodFlags, np.ndarray]:
    """The small street, the facts of its last week (2026-03-02 to 03-08) and a mask keeping every incident."""
    ds = small_dataset()
    period = Filters(period="week").resolve(ds.anchor)
    return ds, r.period_flags(ds.incidents, period), np.ones(len(ds.incidents), dtype=bool)
