"""Photo references of QR-platform records (现场照片): which of them are image files on this machine.

A record's ``photos`` cell holds references as the platform exports them: file names or URLs separated
by ``;``, ``,``, ``|``, ``、`` or whitespace. A reference is shown as a thumbnail only when it names an
image file inside the street's photo folder (setting ``photo_folder``); URLs are never fetched (no
internet, and a link in a file is not followed), and a name that would leave the folder
(``../``, an absolute path) is ignored.
"""
from __future__ import annotations

import re
from pathlib import Path

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp")
_SEPARATORS = re.compile(r"[;,|、，；\s]+")


def photo_refs(cell: str) -> list[str]:
    """The references in one ``photos`` cell, in order, empty ones dropped."""
    return [ref for ref in _SEPARATORS.split(str(cell).strip()) if ref]


def local_photos(cell: str, folder: Path) -> list[Path]:
    """The references of ``cell`` that are image files inside ``folder`` (resolved; nothing outside it)."""
    if not folder.is_dir():
        return []
    root = folder.resolve()
    found = []
    for ref in photo_refs(cell):
        if "://" in ref or ref.lower().startswith(("data:", "javascript:")):
            continue
        path = (root / ref).resolve()
        if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file() and path.is_relative_to(root):
            found.append(path)
    return found
