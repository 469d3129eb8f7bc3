"""Settings a street changes without touching code: one typed model, each field with its help text.

Defaults are the demo street's. A street overrides any of them in ``geodata/local/settings.json``
(or the file named by ``$GRIDLENS_SETTINGS``), e.g. ``{"admin_prefixes": ["河南省", "郑州市"]}``.
The file is checked against :class:`StreetSettings` (pydantic) when it is read: a wrong type, a value
out of range or an unknown key is one clear message naming the setting, never a traceback deep in a
computation. Every setting is documented in the README (a test checks).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

PROJECT_ROOT = Path(__file__).resolve().parents[1]
Settings: TypeAlias = dict[str, Any]
"""Every setting by name (see :class:`StreetSettings`), as plain Python values."""
SETTINGS_PATH = PROJECT_ROOT / "geodata" / "local" / "settings.json"

State = Literal["received", "registered", "dispatched", "handling", "disposed", "closed", "void", "deferred",
                "returned"]
"""Where a case is in its lifecycle (see :mod:`analysis.metrics.lifecycle`)."""
Level = Literal["grid", "community", "street", "department"]
"""The level that handled a case (小事不出网格: ``grid``)."""
Rating = Literal["satisfied", "basically_satisfied", "dissatisfied"]
"""A reporter's answer: 满意, 基本满意, 不满意."""
WorkloadPart = Literal["incidents_per_worker_week", "households_per_worker", "population_per_worker",
                       "backlog_per_worker"]
Metres = Annotated[float, Field(ge=0)]
Bounds = Annotated[tuple[float, float], Field(description="[min, max]")]

STATUS_STATES: dict[str, State] = {
    **dict.fromkeys(("待受理", "已受理", "受理", "上报", "已上报", "新建", "received", "new", "submitted"), "received"),
    **dict.fromkeys(("已立案", "立案", "待派遣", "待分拨", "registered"), "registered"),
    **dict.fromkeys(("已派遣", "已派单", "已分拨", "派遣", "待处置", "待处理", "dispatched", "assigned"), "dispatched"),
    **dict.fromkeys(("处置中", "处理中", "办理中", "正在处理", "延期", "已延期", "延期中", "handling", "open",
                     "in progress", "pending"), "handling"),
    **dict.fromkeys(("已处置", "处置完成", "待核查", "待结案", "待回访", "已办结待核查", "disposed", "resolved"),
                    "disposed"),
    **dict.fromkeys(("已结案", "结案", "已办结", "办结", "已完成", "完成", "已关闭", "关闭", "已归档", "closed",
                     "completed", "done"), "closed"),
    **dict.fromkeys(("作废", "已作废", "无效", "重复", "不予立案", "已撤销", "撤销", "void", "cancelled", "canceled",
                     "duplicate", "invalid"), "void"),
    **dict.fromkeys(("缓办", "暂缓", "暂缓办理", "挂起", "已挂起", "deferred", "on hold"), "deferred"),
    **dict.fromkeys(("退回", "已退回", "返工", "重办", "回退", "returned", "reopened"), "returned"),
}
HANDLING_LEVELS: dict[str, Level] = {
    **dict.fromkeys(("网格", "网格员", "网格长", "自行处置", "网格处置", "微网格", "楼栋长", "grid"), "grid"),
    **dict.fromkeys(("社区", "社区处置", "居委会", "社区居委会", "社区网格站", "community"), "community"),
    **dict.fromkeys(("街道", "街道办", "街道办事处", "街道处置", "街道中心", "street"), "street"),
    **dict.fromkeys(("部门", "职能部门", "区级部门", "区直部门", "市直部门", "区级", "部门处置", "department"),
                    "department"),
}
SATISFACTION_WORDS: dict[str, Rating] = {
    **dict.fromkeys(("满意", "非常满意", "很满意", "5", "4", "satisfied", "very satisfied"), "satisfied"),
    **dict.fromkeys(("基本满意", "比较满意", "一般", "3", "basically satisfied", "neutral"), "basically_satisfied"),
    **dict.fromkeys(("不满意", "非常不满意", "很不满意", "2", "1", "dissatisfied", "unsatisfied"), "dissatisfied"),
}


class StreetSettings(BaseModel):
    """Every setting, with its type, its default (the demo street's) and what it means (unit included)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    snap_tolerance_m: Metres = Field(30.0, description="metres: a point this close outside every grid is snapped "
                                     "to the nearest grid and flagged; farther points are 'outside'")
    address_cutoff: float = Field(80.0, ge=0, le=100, description="0-100: the lowest fuzzy address score "
                                  "(rapidfuzz ratio) accepted as a match")
    admin_prefixes: list[str] = Field(["湖南省", "长沙市", "天心区", "古城街道"], description="province, city, "
                                      "district and street names stripped from the start of an address before "
                                      "matching")
    rate_basis: Literal["due", "reported"] = Field("due", description="which cases a period's rates are about: "
                                                   "'due' = cases whose (extended) deadline falls in the period "
                                                   "(应结案数, the GB/T 30428 usage), 'reported' = cases reported "
                                                   "in the period")
    status_states: dict[str, State] = Field(STATUS_STATES, description="status word of the export -> lifecycle "
                                            "state (received, registered, dispatched, handling, disposed, closed, "
                                            "void, deferred, returned); words not listed are reported and the "
                                            "case's times decide")
    deferred_in_due: bool = Field(False, description="whether deferred (缓办) cases stay in 应结案数; they never "
                                  "count in the backlog or as overdue")
    rework_basis: Literal["disposed", "dispatched"] = Field("disposed", description="denominator of 返工率: "
                                                            "'disposed' = 处置数, 'dispatched' = 派遣数 (cases "
                                                            "due that reached a handler)")
    handling_levels: dict[str, Level] = Field(HANDLING_LEVELS, description="handling-level word -> level (grid, "
                                              "community, street, department); words not listed are reported and "
                                              "counted as unknown")
    satisfaction_words: dict[str, Rating] = Field(SATISFACTION_WORDS, description="satisfaction answer -> "
                                                  "satisfied, basically_satisfied or dissatisfied (满意率 counts "
                                                  "the first two); other answers are reported and not counted")
    responsible_roles: list[str] = Field(["专职网格员", "full-time", "物业公司", "物业", "网格长", "grid leader"],
                                         description="roles in the order in which a place's workers answer for its "
                                         "cases (the first registered on a grid or micro-grid is its responsible "
                                         "person when a case names no handler)")
    households_per_worker_max: float = Field(500.0, gt=0, description="households: the most one full-time grid "
                                             "worker should serve (an absolute norm beside the relative workload "
                                             "index)")
    wish_categories: list[str] = Field(["微心愿", "心愿", "micro-wish"], description="大类 or 小类 of records "
                                       "that are residents' micro-wishes (微心愿), not problem cases: they leave "
                                       "every case figure and are counted as collected and fulfilled")
    photo_folder: str = Field("geodata/local/photos", description="folder of the photos QR-platform records name "
                              "(relative to the project, or absolute): a named image found there is shown as a "
                              "thumbnail on the grid card")
    household_norms: dict[str, Bounds] = Field({"grid": (300, 500), "old": (300, 400), "estate": (500, 700),
                                                "micro": (50, 100)},
                                               description="households per grid that the division aims at, "
                                               "[min, max] by grid type: 'grid' for mixed neighbourhoods, 'old' for "
                                               "old neighbourhoods, 'estate' for property-managed estates, 'micro' "
                                               "for micro-grids")
    population_norms: dict[str, Bounds] = Field({"old": (900, 1200), "estate": (1500, 2100)},
                                                description="people per grid, [min, max] by grid type, checked "
                                                "beside the household norm where a type has one")
    community_types: dict[str, str] = Field({"西湖桥社区": "estate"}, description="community name -> grid type of "
                                            "its grids (a key of household_norms); communities not listed use "
                                            "'grid'")
    trend_weeks: int = Field(12, ge=1, description="weeks: the weekly trend and the density playback cover at "
                             "least this many weeks ending with the chosen period")
    min_cases_for_rate: int = Field(5, ge=1, description="cases: a grid's rate is compared between periods only "
                                    "when at least this many cases are due in each")
    hotspot_cell_m: float = Field(100.0, gt=0, description="metres: side of the square cells on which hotspots "
                                  "(Getis-Ord Gi*) are computed")
    fulltime_roles: list[str] = Field(["专职网格员", "full-time"], description="worker roles counted as full-time "
                                      "grid workers (the denominator of per-worker load)")
    workload_weights: dict[WorkloadPart, Annotated[float, Field(ge=0)]] = Field(
        {"incidents_per_worker_week": 0.4, "households_per_worker": 0.3, "backlog_per_worker": 0.3},
        description="weights of the workload index: each part is divided by its street median (1.0 = a typical "
                    "grid) and the weighted mean is the index")
    category_deadline_days: dict[str, Annotated[float, Field(gt=0)]] = Field(
        {"市容环境": 1, "设施维修": 5, "安全隐患": 2, "矛盾纠纷": 7, "社会治安": 3, "特殊群体服务": 5, "物业问题": 7,
         "*": 7},
        description="days: the deadline of a case that has none, by 小类 or 大类 ('*' for any other); such cases "
                    "are marked as having an assumed deadline")
    active_days: int = Field(90, ge=1, description="days: a volunteer who served within this many days before the "
                             "data's end is active")
    walk_radius_m: float = Field(300.0, gt=0, description="metres, straight line: a household this close to an "
                                 "active volunteer is covered")
    timezone: str = Field("Asia/Shanghai", description="IANA time zone of the street: times in a file that carry an "
                          "offset (+08:00, Z) are converted to it; every time is stored as local time")
    code_lengths: dict[Literal["community", "grid", "micro"], Annotated[int, Field(gt=0)]] = Field(
        {}, description="digits of a code per level, e.g. {\"community\": 12, \"grid\": 15, \"micro\": 18} (the "
                        "Beijing layout); when set, codes must be digits of that length (warnings); empty: no check")
    street_code: str = Field("", description="the street's own code: when set, every grid code must start with it "
                             "(warnings)")
    multiuser: bool = Field(False, description="the district server's mode: every page asks for a login and shows "
                            "what the user's role allows; the server refuses to start without an admin and listens "
                            "on every interface (GRIDLENS_MULTIUSER=1 switches it on too)")
    session_idle_minutes: int = Field(30, ge=1, description="minutes: in multi-user mode, a login left this long "
                                      "without a page being used must sign in again")
    map_points_max: int = Field(3000, ge=0, description="incidents: individual incidents are drawn (clustered) only "
                                "when the filters leave at most this many; otherwise density alone")

    @field_validator("household_norms", "population_norms")
    @classmethod
    def _min_not_above_max(cls, norms: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        bad = [kind for kind, (low, high) in norms.items() if low > high or low < 0]
        if bad:
            raise ValueError(f"[min, max] with 0 <= min <= max expected for {bad}")
        return norms

    @field_validator("household_norms")
    @classmethod
    def _grid_norm_given(cls, norms: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        if "grid" not in norms:
            raise ValueError("the 'grid' norm is needed (grids of communities without a type use it)")
        return norms

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"not an IANA time zone such as Asia/Shanghai: {zone!r}") from err
        return zone


class SettingsError(ValueError):
    """The settings file cannot be used: the message names the file and each setting at fault."""


DEFAULTS = StreetSettings()
"""The demo street's settings."""


def photo_folder(settings: Settings) -> Path:
    """The ``photo_folder`` setting as a path (relative ones under the project)."""
    folder = Path(settings["photo_folder"])
    return folder if folder.is_absolute() else PROJECT_ROOT / folder


def settings_path(path: Path | str | None = None) -> Path:
    """The settings file in use: ``path``, else ``$GRIDLENS_SETTINGS``, else ``geodata/local/settings.json``."""
    return Path(path or os.environ.get("GRIDLENS_SETTINGS") or SETTINGS_PATH)


def settings_stamp(path: Path | str | None = None) -> str:
    """A token that changes when the settings file changes (its modification time; '' when absent)."""
    path = settings_path(path)
    return str(path.stat().st_mtime_ns) if path.exists() else ""


def _problem(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown settings (known: {', '.join(StreetSettings.model_fields)})"
    return f"{where}: {error['msg']} (given: {json.dumps(error.get('input'), ensure_ascii=False)[:80]})"


def load_settings(path: Path | str | None = None) -> Settings:
    """Defaults overridden by the settings file (when it exists), checked against :class:`StreetSettings`.

    Raises
    ------
    SettingsError
        The file is not JSON, names a setting that does not exist, or gives one a value of the wrong type
        or out of range; the message names each setting at fault.
    """
    path = settings_path(path)
    given: dict[str, Any] = {}
    if path.exists():
        try:
            given = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise SettingsError(f"{path}: not valid JSON ({err})") from err
        if not isinstance(given, dict):
            raise SettingsError(f"{path}: an object of settings {{\"name\": value}} expected")
    try:
        return StreetSettings(**given).model_dump()
    except ValidationError as err:
        raise SettingsError(f"{path}: " + "; ".join(_problem(e) for e in err.errors())) from None
