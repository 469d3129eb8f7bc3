"""The Chinese font the handout embeds and its pictures use: found on this machine at run time, never
downloaded. Debian's ``fonts-noto-cjk`` (installed by ``.ci/run``), Windows' 微软雅黑 / 黑体 and macOS' 苹方
are found by name; ``GRIDLENS_CJK_FONT`` names any other .ttf/.otf/.ttc file."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# families that carry simplified Chinese, best first
FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Microsoft YaHei", "PingFang SC",
            "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans SC", "SimHei", "Droid Sans Fallback")
ENV = "GRIDLENS_CJK_FONT"


class FontMissing(RuntimeError):
    """No font that can write Chinese was found (the message says how to install one, in both languages)."""


@dataclass(frozen=True)
class Face:
    """One font face: its file and, for a collection (.ttc), the face's index in it."""

    path: str
    index: int


@dataclass(frozen=True)
class CjkFont:
    """The family used for Chinese text: ``regular`` and ``bold`` faces (``bold`` is ``regular`` when the
    family has no bold face)."""

    family: str
    regular: Face
    bold: Face


def _faces(family: str) -> tuple[Face, Face] | None:
    from matplotlib import font_manager  # here, not at the top: the pages import this module's error only
    entries = [e for e in font_manager.fontManager.ttflist if e.name == family and e.style == "normal"]
    if not entries:
        return None
    regular = min(entries, key=lambda e: abs(int(e.weight) - 400))
    bold = min(entries, key=lambda e: abs(int(e.weight) - 700))
    return Face(str(regular.fname), int(regular.index)), Face(str(bold.fname), int(bold.index))


@cache
def cjk_font() -> CjkFont:
    """The Chinese font to use (looked up once per process).

    Raises
    ------
    FontMissing
        ``GRIDLENS_CJK_FONT`` names a file that cannot be read, or no known family is installed.
    """
    from matplotlib import font_manager
    chosen = os.environ.get(ENV, "").strip()
    if chosen:
        if not Path(chosen).is_file():
            raise FontMissing(f"{ENV}={chosen}: 找不到该字体文件 / no such font file")
        try:
            font_manager.fontManager.addfont(chosen)
        except (OSError, RuntimeError, ValueError) as err:
            raise FontMissing(f"{ENV}={chosen}: 无法读取该字体 / cannot read this font ({err})") from err
        name = font_manager.FontProperties(fname=chosen).get_name()
        return CjkFont(name, *(_faces(name) or (Face(chosen, 0), Face(chosen, 0))))
    for family in FAMILIES:
        faces = _faces(family)
        if faces:
            return CjkFont(family, *faces)
    raise FontMissing("找不到中文字体：请安装 fonts-noto-cjk（Debian/Ubuntu：apt install fonts-noto-cjk），或用环境变量 "
                      f"{ENV} 指定一个 .ttf/.otf/.ttc 字体文件。 / No Chinese font found: install fonts-noto-cjk "
                      f"(Debian/Ubuntu: apt install fonts-noto-cjk) or set {ENV} to a .ttf/.otf/.ttc font file.")
