import pandas as pd
import pytest

from analysis.ingest.address import Gazetteer, building_key, chinese_to_int, normalise

PREFIXES = ("湖南省", "长沙市", "天心区", "古城街道")


@pytest.mark.parametrize("text, value", [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23),
                                         ("一百零五", 105), ("三〇一", 301), ("两", 2)])
def test_chinese_numerals(text, value):
    assert chinese_to_int(text) == value


@pytest.mark.parametrize("raw, key", [
    ("西湖路12号青竹园3栋", "西湖路12号青竹园3栋"),
    ("长沙市天心区西湖路１２号青竹园三幢２单元301室", "西湖路12号青竹园3栋"),
    ("西湖路12号青竹园小区3号楼", "西湖路12号青竹园3栋"),
    ("  西湖路 12 号 青竹园 3 座 ", "西湖路12号青竹园3栋"),
    ("湖南省长沙市天心区古城街道文庙坪8号", "文庙坪8号"),
    ("黄兴南路27号楼道", "黄兴南路27号"),          # a stairwell, not building 27
    ("青竹园十二栋门口", "青竹园12栋"),
])
def test_building_key(raw, key):
    assert building_key(raw, PREFIXES) == key


def test_normalise_keeps_unit_and_room():
    assert normalise("西湖路12号3栋2单元301室") == "西湖路12号3栋2单元301室"


BUILDINGS = pd.DataFrame({
    "building_id": ["B1", "B2", "B3", "B4", "B5"],
    "address": ["西湖路12号青竹园3栋", "西湖路12号青竹园5栋", "文庙坪8号", "解放西路101号锦绣苑1栋", "书院路3号锦绣苑1栋"],
    "aliases": ["青竹园3栋", "青竹园5栋", "", "锦绣苑1栋", "锦绣苑1栋"],
})


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer(BUILDINGS, PREFIXES)


@pytest.mark.parametrize("query, building, method", [
    ("长沙市西湖路１２号青竹园三幢2单元", "B1", "address_exact"),
    ("青竹园5号楼楼道", "B2", "address_exact"),              # by alias
    ("西胡路12号青竹园3栋", "B1", "address_fuzzy"),            # one wrong character
    ("文庙坪8号3栋", "B3", "address_fuzzy"),                   # a building of a single-building compound
    ("解放西路101号锦秀苑1栋", "B4", "address_fuzzy"),
])
def test_matches(gazetteer, query, building, method):
    match = gazetteer.match(query)
    assert (match.building_id, match.method) == (building, method)
    assert 0 < match.score <= 100


@pytest.mark.parametrize("query", [
    "西湖路12号青竹园7栋",   # no building 7: never the fuzzy neighbour 3 or 5
    "锦绣苑1栋",             # the alias is shared by two estates: ambiguous, not guessed
    "菜市场旁边", "",
])
def test_no_guessing(gazetteer, query):
    match = gazetteer.match(query)
    assert match.building_id == "" and match.method == "unmatched"


def test_match_many_matches_each_distinct_text_once(gazetteer):
    result = gazetteer.match_many(pd.Series(["青竹园3栋", "青竹园3栋", "菜市场旁边"], index=[10, 11, 12]))
    assert result.index.tolist() == [10, 11, 12]
    assert result["building_id"].tolist() == ["B1", "B1", ""]


def test_cutoff_is_a_setting():
    strict = Gazetteer(BUILDINGS, PREFIXES, cutoff=99)
    assert strict.match("西胡路12号青竹园3栋").method == "unmatched"
    assert strict.match("西胡路12号青竹园3栋").closest == "西湖路12号青竹园3栋"
