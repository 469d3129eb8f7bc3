"""Household norms by community type, and masked phone numbers."""
import pandas as pd
import pytest

from analysis.norms import norm_position, norm_ranges
from analysis.privacy import mask_phone

SETTINGS = {"household_norms": {"grid": [300, 500], "estate": [500, 700], "micro": [50, 100]},
            "community_types": {"西湖桥社区": "estate"}}


def test_norm_ranges_follow_the_community_type():
    ranges = norm_ranges(pd.Series(["西湖桥社区", "青石桥社区"]), SETTINGS)
    assert ranges[["norm_min", "norm_max"]].values.tolist() == [[500, 700], [300, 500]]
    assert norm_ranges(pd.Series(["西湖桥社区"]), SETTINGS, level="micro")["norm_max"].tolist() == [100]


def test_norm_position_bounds_are_inclusive():
    assert norm_position([299, 300, 500, 501], [300] * 4, [500] * 4).tolist() == ["below", "within", "within", "above"]


@pytest.mark.parametrize("phone, masked", [("13812341234", "138****1234"), ("138-1234-1234", "138****1234"),
                                           ("+86 13812341234", "138****1234"), ("88776655", "****55"), ("", "")])
def test_phone_numbers_are_masked(phone, masked):
    assert mask_phone(phone) == masked
