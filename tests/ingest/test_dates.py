import pandas as pd
import pytest

from analysis.ingest.dates import parse_datetimes


@pytest.mark.parametrize("text, expected", [
    ("2024/3/1 8:00", "2024-03-01 08:00"),
    ("2024-03-01 08:00:00", "2024-03-01 08:00"),
    ("1/1/20 0:05", "2020-01-01 00:05"),
    ("01/01/2018 12:05:00 AM", "2018-01-01 00:05"),
    ("01/01/2018 01:30:00 PM", "2018-01-01 13:30"),
    ("2024年3月1日", "2024-03-01 00:00"),
    ("2024年3月1日 8时5分", "2024-03-01 08:05"),
    ("45352.5", "2024-03-01 12:00"),       # Excel serial day number
    ("2024.3.1", "2024-03-01 00:00"),
    ("2019/1/1 下午3:05", "2019-01-01 15:05"),      # Chinese Excel's half-day words
    ("2019-01-01 上午 9:05:09", "2019-01-01 09:05:09"),
    ("2019/1/1 中午12:30", "2019-01-01 12:30"),
    ("2019/1/1 凌晨12:30", "2019-01-01 00:30"),
    ("2019/1/1 下午15:05", "2019-01-01 15:05"),      # a 24-hour time the word only repeats
    ("Jan 1, 2019 3:05 PM", "2019-01-01 15:05"),
])
def test_known_forms(text, expected):
    parsed, bad = parse_datetimes(pd.Series([text]))
    assert parsed[0] == pd.Timestamp(expected)
    assert not bad[0]


def test_garbage_is_flagged_and_empty_is_not():
    parsed, bad = parse_datetimes(pd.Series(["昨天下午", "2026-13-45 25:00", "", None]))
    assert parsed.isna().all()
    assert bad.tolist() == [True, True, False, False]
