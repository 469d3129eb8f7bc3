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
from typing import Any, TypeAlias

PROJECT_ROOT = Path(__file__).resolve().parents[1]
Settings: TypeAlias = dict[str, Any]
"""Every setting by name (see :data:`REGISTRY`)."""
SETTINGS_PATH = PROJECT_ROOT / "geodata" / "local" / "settings.json"


@dataclass(frozen=True)
class Setting:
    """One setting: its default and what it means (unit included)."""

    default: Any
    help: str


REGISTRY: dict[str, Setting] = {
    "snap_tolerance_m": Setting(30.0, "metres: a point this close outside every grid is snapped to the nearest "
                                      "grid and flagged; farther points are 'outside'"),
    "address_cutoff": Setting(80.0, "0-100: the lowest fuzzy address score (rapidfuzz ratio) accepted as a match"),
    "admin_prefixes": Setting(["湖南省", "长沙市", "天心区", "古城街道"],
                              "province, city, district and street names stripped from the start of an "
                              "address before matching"),
    "rate_basis": Setting("due", "denominator of closure and on-time closure rates: 'due' = cases whose deadline "
                                 "falls in the period (应结案数, the GB/T 30428 usage), 'reported' = cases reported "
                                 "in the period"),
    "household_norms": Setting({"grid": [300, 500], "estate": [500, 700], "micro": [50, 100]},
                               "households per grid that the division aims at, [min, max] by grid type: 'grid' for "
                               "mixed old neighbourhoods, 'estate' for property-managed estates, 'micro' for "
                               "micro-grids"),
    "community_types": Setting({"西湖桥社区": "estate"},
                               "community name -> grid type of its grids (a key of household_norms); communities "
                               "not listed use 'grid'"),
    "trend_weeks": Setting(12, "weeks: the weekly trend and the density playback cover at least this many weeks "
                               "ending with the chosen period"),
    "min_cases_for_rate": Setting(5, "cases: a grid's rate is compared between periods only when at least this "
                                     "many cases are due in each"),
    "hotspot_cell_m": Setting(100.0, "metres: side of the square cells on which hotspots (Getis-Ord Gi*) are "
                                     "computed"),
    "fulltime_roles": Setting(["专职网格员", "full-time"], "worker roles counted as full-time grid workers (the "
                                                          "denominator of per-worker load)"),
    "workload_weights": Setting({"incidents_per_worker_week": 0.4, "households_per_worker": 0.3,
                                 "backlog_per_worker": 0.3},
                                "weights of the workload index: each part is divided by its street median "
                                "(1.0 = a typical grid) and the weighted mean is the index"),
    "category_deadline_days": Setting({"市容环境": 1, "设施维修": 5, "安全隐患": 2, "矛盾纠纷": 7, "社会治安": 3,
                                       "特殊群体服务": 5, "物业问题": 7, "*": 7},
                                      "days: the deadline of a case that has none, by 小类 or 大类 ('*' for any "
                                      "other); such cases are marked as having an assumed deadline"),
    "active_days": Setting(90, "days: a volunteer who served within this many days before the data's end is active"),
    "walk_radius_m": Setting(300.0, "metres, straight line: a household this close to an active volunteer is covered"),
    "timezone": Setting("Asia/Shanghai", "IANA time zone of the street: times in a file that carry an offset "
                                         "(+08:00, Z) are converted to it; every time is stored as local time"),
    "code_lengths": Setting({}, "digits of a code per level, e.g. {\"community\": 12, \"grid\": 15, \"micro\": 18} (the "
                                "Beijing layout); when set, codes must be digits of that length (warnings); empty: "
                                "no check"),
    "street_code": Setting("", "the street's own code: when set, every grid code must start with it (warnings)"),
    "map_points_max": Setting(3000, "incidents: individual incidents are drawn (clustered) only when the filters "
                                    "leave at most this many; otherwise density alone"),
}


def settings_stamp(path: Path | str | None = None) -> str:
    """A token that changes when the settings file changes (its modification time; '' when absent)."""
    path = Path(path or os.environ.get("GRIDLENS_SETTINGS") or SETTINGS_PATH)
    return str(path.stat().st_mtime_ns) if path.exists() else ""


def load_settings(path: Path | str | None = None) -> Settings:
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
