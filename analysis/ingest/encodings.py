"""Telling GBK (GB18030) from Big5, the two double-byte encodings Chinese files come in.

GB18030 accepts most Big5 byte pairs (and Big5 many GB pairs), so decoding alone cannot tell them apart.
What does: each standard puts its most used characters in one block (GB2312's level 1, the 3,755
characters of everyday simplified text; Big5's 常用字, 5,401 traditional characters), and text decoded
with the right encoding is almost all made of them, while text decoded with the wrong one scatters
over rare characters, symbols and the other standard's extensions. The encoding whose common block
holds the larger share of the decoded text wins; a tie goes to GB18030 (the mainland's own).
"""
from __future__ import annotations

from functools import cache


def _block(encoding: str, leads: range, trails: list[int]) -> frozenset[str]:
    chars: set[str] = set()
    for lead in leads:
        row = bytes(b for trail in trails for b in (lead, trail))
        try:                                  # a whole row at once; pair by pair where one is undefined
            chars.update(row.decode(encoding))
        except UnicodeDecodeError:
            for trail in trails:
                try:
                    chars.add(bytes([lead, trail]).decode(encoding))
                except UnicodeDecodeError:
                    continue
    return frozenset(chars)


@cache
def common_characters() -> dict[str, frozenset[str]]:
    """The common block of each encoding: GB2312 level 1 (lead bytes B0-D7) and Big5 常用字 (A440-C67E)."""
    big5_trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    return {"gb18030": _block("gb2312", range(0xB0, 0xD8), list(range(0xA1, 0xFF))),
            "big5": _block("big5", range(0xA4, 0xC7), big5_trails)}


def _decoded(data: bytes, encoding: str) -> str | None:
    for end in (len(data), len(data) - 1):    # a sample may end inside a character
        try:
            return data[:end].decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def chinese_encoding(data: bytes) -> str | None:
    """``gb18030`` or ``big5`` for bytes that hold Chinese text in one of them; None when neither
    decodes them into any Chinese character.

    Score of an encoding = common characters / all non-ASCII characters of the decoded text (see the
    module docstring); the higher wins, GB18030 on a tie.
    """
    common = common_characters()
    scores = {}
    for encoding in ("gb18030", "big5"):
        text = _decoded(data, encoding)
        if text is None:
            continue
        wide = [ch for ch in text if ord(ch) >= 0x80]           # what the double-byte pairs became
        if any("\u3400" <= ch <= "\u9fff" for ch in wide):
            scores[encoding] = sum(ch in common[encoding] for ch in wide) / len(wide)
    if not scores:
        return None
    return "big5" if scores.get("big5", -1.0) > scores.get("gb18030", -1.0) else "gb18030"
