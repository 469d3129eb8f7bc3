"""Settings a street changes without touching code: one registry, each with its help text.

Defaults are the demo street's. A street overrides any of them in ``geodata/local/settings.json``
(or the file named by ``$GRIDLENS_SETTINGS``), e.g. ``{"admin_prefixes": ["河南省", "郑州市"]}``.
Every setting is documented in the README (a test checks).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

SETTINGS_PATH = Path(__file__).resolve().parents[1] / "geodata" / "local" / "settings.json"


@dataclass(frozen=True)
class Setting:
    """One setting: its default and what it means (unit included)."""

    default: object
    help: str


REGISTRY: dict[str, Setting] = {
    "snap_tolerance_m": Setting(30.0, "metres: a point this close outside every grid is snapped to the nearest "
                                      "grid and flagged; farther points are 'outside'"),
    "address_cutoff": Setting(80.0, "0-100: the lowest fuzzy address score (rapidfuzz ratio) accepted as a match"),
    "admin_prefixes": Setting(["湖南省", "长沙市", "天心区", "古城街道"],
                              "province, city, district and street names stripped from the start of an "
                              "address before matching"),
}


def load_settings(path: Path | str | None = None) -> dict:
    """Defaults overridden by the settings file (when it exists).

    Raises
    ------
    ValueError
        The file is not JSON, or names a setting that does not exist.
    """
    path = Path(path or os.environ.get("GRIDLENS_SETTINGS") or SETTINGS_PATH)
    values = {name: s.default for name, s in REGISTRY.items()}
    if path.exists():
        try:
            given = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}: not valid JSON ({err})") from err
        unknown = set(given) - set(REGISTRY)
        if unknown:
            raise ValueError(f"{path}: unknown settings {sorted(unknown)}; known: {sorted(REGISTRY)}")
        values.update(given)
    return values
