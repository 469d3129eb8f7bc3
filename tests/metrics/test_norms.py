"""Household norms by community type."""
import pandas as pd

from analysis.metrics.norms import norm_position, norm_ranges

SETTINGS = {"household_norms": {"grid": [300, 500], "estate": [500, 700], "micro": [50, 100]},
            "community_types": {"西湖桥社区": "estate"}}


def test_norm_ranges_follow_the_community_type():
    ranges = norm_ranges(pd.Series(["西湖桥社区", "青石桥社区"]), SETTINGS)
    assert ranges[["norm_min", "norm_max"]].values.tolist() == [[500, 700], [300, 500]]
    assert norm_ranges(pd.Series(["西湖桥社区"]), SETTINGS, level="micro")["norm_max"].tolist() == [100]


def test_norm_position_bounds_are_inclusive():
    assert norm_position([299, 300, 500, 501], [300] * 4, [500] * 4).tolist() == ["below", "within", "within", "above"]


def test_population_norms_where_a_type_has_one():
    settings = {**SETTINGS, "household_norms": {**SETTINGS["household_norms"], "old": [300, 400]},
                "community_types": {"西湖桥社区": "estate", "白沙井社区": "old"},
                "population_norms": {"old": [900, 1200], "estate": [1500, 2100]}}
    ranges = norm_ranges(pd.Series(["西湖桥社区", "白沙井社区", "青石桥社区"]), settings)
    assert ranges[["norm_min", "norm_max"]].values.tolist() == [[500, 700], [300, 400], [300, 500]]
    assert ranges[["pop_min", "pop_max"]].values[:2].tolist() == [[1500, 2100], [900, 1200]]
    assert norm_position([1400, 1000, 800], ranges["pop_min"], ranges["pop_max"]).tolist() == ["below", "within", ""]
