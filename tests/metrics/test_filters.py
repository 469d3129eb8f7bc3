"""The shared filters: what they keep, and their round trip through a URL."""
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis.metrics.filters import Filters, from_query, to_query


def incidents() -> pd.DataFrame:
    return pd.DataFrame({
        "community": pd.Categorical(["甲", "甲", "乙", "乙"]), "grid_id": pd.Categorical(["G1", "G2", "G3", "G3"]),
        "category": pd.Categorical(["市容环境", "设施维修", "市容环境", "矛盾纠纷"]),
        "subcategory": pd.Categorical(["垃圾堆放", "电梯故障", "占道经营", "邻里纠纷"]),
        "source": pd.Categorical(["小程序", "网格巡查", "小程序", "电话"]),
        "closed_at": [pd.Timestamp("2026-03-01"), pd.NaT, pd.NaT, pd.Timestamp("2026-03-02")]})


def test_each_filter_keeps_its_rows():
    frame = incidents()
    assert Filters().incident_mask(frame).tolist() == [True] * 4
    assert Filters(community="甲").incident_mask(frame).tolist() == [True, True, False, False]
    assert Filters(grid="G3").incident_mask(frame).tolist() == [False, False, True, True]
    assert Filters(categories=("市容环境",)).incident_mask(frame).tolist() == [True, False, True, False]
    assert Filters(subcategories=("电梯故障",), sources=("网格巡查",)).incident_mask(frame).tolist() == \
        [False, True, False, False]
    assert Filters(status="open").incident_mask(frame).tolist() == [False, True, True, False]
    assert Filters(status="closed", community="乙").incident_mask(frame).tolist() == [False, False, False, True]


@given(st.lists(st.sampled_from(["甲", "乙", "丙", None]), max_size=40),
       st.sets(st.sampled_from(["甲", "乙", "丁"]), min_size=1), st.booleans())
def test_a_categorical_column_keeps_the_rows_isin_keeps(values, chosen, unused):
    """Compared on the categories' codes, a choice keeps what ``Series.isin`` on the values keeps (missing values,
    categories no row uses, a chosen name that is no category)."""
    column = pd.Categorical(values, categories=["丙", "乙", "甲", "戊"] if unused else None)
    frame = pd.DataFrame({"category": column})
    expected = pd.Series(values, dtype=object).isin(chosen).tolist()
    assert Filters(categories=tuple(sorted(chosen))).incident_mask(frame).tolist() == expected


def test_grid_mask_and_without_place():
    grids = pd.DataFrame({"grid_id": ["G1", "G2", "G3"], "community": ["甲", "甲", "乙"]})
    assert Filters(community="甲").grid_mask(grids).tolist() == [True, True, False]
    assert Filters(community="甲", grid="G2").without_place().grid_mask(grids).tolist() == [True] * 3


def test_url_round_trip_keeps_every_choice():
    chosen = Filters(period="custom", first="2026-03-01", last="2026-03-31", community="甲社区", grid="430103007001002",
                     categories=("市容环境", "设施维修"), subcategories=("垃圾堆放",), sources=("小程序",),
                     status="open", version=3)
    query = to_query(chosen)
    assert query["categories"] == "市容环境,设施维修" and query["version"] == "3"
    assert from_query(query) == chosen
    assert to_query(Filters()) == {}                       # defaults stay out of the URL


def test_unreadable_url_values_fall_back_to_defaults():
    filters = from_query({"period": "decade", "status": "lost", "version": "x", "first": "2026-13-45", "grid": "G9"})
    assert filters.period == "4weeks" and filters.status == "all" and filters.version == 0 and filters.first == ""
    assert filters.grid == "G9"


def test_custom_period_without_days_falls_back_to_four_weeks():
    anchor = pd.Timestamp("2026-11-11")
    assert Filters(period="custom").resolve(anchor) == Filters(period="4weeks").resolve(anchor)
