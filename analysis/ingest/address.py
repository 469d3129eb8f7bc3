"""Offline address geocoding: normalise free text, then match it to the street's building list.

Normalisation (both sides, so the building list and the incident speak the same way):
full-width -> half-width (NFKC); Chinese numerals before 号/栋/单元/楼/室/层 -> digits;
幢/座/号楼/号栋 -> 栋; place words (楼道, 门口, 附近 ...), 小区 and punctuation and spaces removed; administrative prefixes
(province, city, district, street office) removed; everything after the building (unit, room,
"楼道", "门口") cut off for the building key.

Matching: exact key first; then fuzzy (rapidfuzz ``ratio`` on the text with the numbers taken
out) only among buildings whose house and building numbers are the same as the query's, so
that "3栋" never fuzzy-matches "5栋". Below ``cutoff`` the address is unmatched and goes to
review with the closest candidate named.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from analysis.settings import DEFAULTS

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = re.compile(r"([零〇一二两三四五六七八九十百千]+)(?=[号栋幢座单元楼室层期巷弄])")
_BUILDING_WORDS = [("号楼", "栋"), ("号栋", "栋"), ("幢", "栋"), ("座", "栋"), ("栋楼", "栋")]
_PLACE_WORDS = re.compile(r"(楼道|门口|附近|旁边|对面|楼下|楼上|院内)")
_NOISE = re.compile(r"[\s\-—_,，。.、()（）#＃:：;；\"'“”]")
_BUILDING_KEY = re.compile(r"^(.*?\d+栋)")
_HOUSE_KEY = re.compile(r"^(.*?\d+号)")
_NUMBERS = re.compile(r"\d+")
DEFAULT_CUTOFF = DEFAULTS.address_cutoff


def chinese_to_int(text: str) -> int:
    """Value of a Chinese numeral such as 三, 十二, 二十, 一百零五, 三〇一 (digit by digit)."""
    if all(ch in _DIGITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        else:
            total += (current or 1) * _UNITS[ch]
            current = 0
    return total + current


def normalise(address: str, prefixes: tuple[str, ...] = ()) -> str:
    """Canonical form of an address (see module docstring); '' for empty input."""
    text = unicodedata.normalize("NFKC", str(address or "")).strip()
    text = _NOISE.sub("", text)
    text = _PLACE_WORDS.sub("", text)  # before 号楼 -> 栋, so that "27号楼道" stays "27号"
    text = _CN_NUMBER.sub(lambda m: str(chinese_to_int(m.group(1))), text)
    for old, new in _BUILDING_WORDS:
        text = text.replace(old, new)
    text = text.replace("小区", "")
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            if prefix and text.startswith(prefix):
                text, changed = text[len(prefix):], True
    return text


def building_key(address: str, prefixes: tuple[str, ...] = ()) -> str:
    """The part of a normalised address that names a building (up to 栋, else up to 号)."""
    text = normalise(address, prefixes)
    match = _BUILDING_KEY.match(text) or _HOUSE_KEY.match(text)
    return match.group(1) if match else text


def _split(key: str) -> tuple[str, tuple[str, ...]]:
    return _NUMBERS.sub("", key), tuple(_NUMBERS.findall(key))


@dataclass(frozen=True)
class AddressMatch:
    """Outcome of matching one address.

    ``building_id`` is '' when unmatched; ``method`` is ``address_exact``, ``address_fuzzy`` or
    ``unmatched``; ``score`` 0-100; ``closest`` the best candidate's address (for review).
    """

    building_id: str
    method: str
    score: float
    closest: str


class Gazetteer:
    """The street's building list, indexed for address matching.

    Parameters
    ----------
    buildings : pandas.DataFrame
        ``building_id``, ``address`` and optionally ``aliases`` ('|'-separated).
    prefixes : tuple of str
        Administrative prefixes to strip (e.g. 湖南省, 长沙市, 天心区, the street's name).
    cutoff : float
        Fuzzy score (0-100) below which an address is unmatched.
    """

    def __init__(self, buildings: pd.DataFrame, prefixes: tuple[str, ...] = (),
                 cutoff: float = DEFAULT_CUTOFF):
        self.prefixes = tuple(sorted((p for p in prefixes if p), key=len, reverse=True))
        self.cutoff = cutoff
        self.address_of: dict[str, str] = {}
        owners: dict[str, set[str]] = {}
        aliases = buildings["aliases"] if "aliases" in buildings else pd.Series("", index=buildings.index)
        for bid, address, alias in zip(buildings["building_id"].astype(str), buildings["address"].astype(str),
                                       aliases.fillna("").astype(str)):
            self.address_of[bid] = address
            for text in [address, *[a for a in alias.split("|") if a.strip()]]:
                owners.setdefault(building_key(text, self.prefixes), set()).add(bid)
        # a key shared by two buildings is ambiguous: it can never be an exact match
        self.exact = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1 and k}
        self.by_numbers: dict[tuple[str, ...], tuple[list[str], list[str]]] = {}
        for key, bid in self.exact.items():
            text, numbers = _split(key)
            texts, ids = self.by_numbers.setdefault(numbers, ([], []))
            texts.append(text)
            ids.append(bid)

    def match(self, address: str) -> AddressMatch:
        """Match one free-text address to a building."""
        key = building_key(address, self.prefixes)
        if not key:
            return AddressMatch("", "unmatched", 0.0, "")
        if key in self.exact:
            return AddressMatch(self.exact[key], "address_exact", 100.0, self.address_of[self.exact[key]])
        text, numbers = _split(key)
        group = self.by_numbers.get(numbers)
        if group is None and len(numbers) > 1:
            group = self.by_numbers.get(numbers[:-1])  # "12号3栋" where the list has "12号" only
        if group is None:
            return AddressMatch("", "unmatched", 0.0, "")
        texts, ids = group
        best = process.extractOne(text, texts, scorer=fuzz.ratio)
        closest = self.address_of[ids[best[2]]]
        if best[1] >= self.cutoff:
            return AddressMatch(ids[best[2]], "address_fuzzy", round(float(best[1]), 1), closest)
        return AddressMatch("", "unmatched", round(float(best[1]), 1), closest)

    def match_many(self, addresses: pd.Series) -> pd.DataFrame:
        """Match a column of addresses (each distinct text once).

        Returns
        -------
        pandas.DataFrame
            Index of ``addresses``; columns building_id, method, score, closest.
        """
        unique = {a: self.match(a) for a in pd.unique(addresses.astype(str))}
        rows = [unique[a] for a in addresses.astype(str)]
        return pd.DataFrame({
            "building_id": [r.building_id for r in rows], "method": [r.method for r in rows],
            "score": [r.score for r in rows], "closest": [r.closest for r in rows],
        }, index=addresses.index)
