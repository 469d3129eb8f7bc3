"""A year of demo incidents (~30,000) as a real export has them, flaws included.

Rhythm: fewer reports at weekends, a summer peak for environment and facilities, office-hour
peaks in the day. Hotspots: the old market and the dense old neighbourhood. Two overloaded
grids run late (handling takes 2.2x as long). Sources decide coordinates: patrol app GPS is
WGS-84, the Amap-based mini-program is GCJ-02, hotline and phone give an address only.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.demo.geography import ADMIN_PREFIXES, MARKET
from analysis.geo.crs import wgs84_to_gcj02

START = pd.Timestamp("2025-11-16")
END = pd.Timestamp("2026-11-15 23:59:59")
N_INCIDENTS = 30000

# major class, minor class, deadline (days), weight, summer factor, handled level weights (grid, community, street, department)
TAXONOMY = (
    ("市容环境", "垃圾堆放", 1, 9, 1.5, (0.8, 0.15, 0.05, 0.0)),
    ("市容环境", "占道经营", 1, 5, 1.3, (0.5, 0.2, 0.3, 0.0)),
    ("市容环境", "乱贴乱画", 2, 3, 1.0, (0.8, 0.2, 0.0, 0.0)),
    ("市容环境", "油烟噪音", 3, 3, 1.4, (0.3, 0.3, 0.3, 0.1)),
    ("设施维修", "楼道照明", 3, 5, 1.0, (0.7, 0.3, 0.0, 0.0)),
    ("设施维修", "单元门损坏", 5, 4, 1.0, (0.6, 0.4, 0.0, 0.0)),
    ("设施维修", "电梯故障", 2, 3, 1.2, (0.2, 0.4, 0.2, 0.2)),
    ("设施维修", "房屋漏水", 7, 4, 1.8, (0.2, 0.5, 0.2, 0.1)),
    ("设施维修", "围墙破损", 7, 2, 1.0, (0.3, 0.5, 0.2, 0.0)),
    ("设施维修", "供水问题", 2, 3, 1.5, (0.1, 0.3, 0.2, 0.4)),
    ("安全隐患", "消防通道堵塞", 1, 4, 1.0, (0.6, 0.3, 0.1, 0.0)),
    ("安全隐患", "厨房消防隐患", 2, 2, 0.8, (0.2, 0.2, 0.3, 0.3)),
    ("安全隐患", "违章搭建", 15, 2, 1.0, (0.1, 0.2, 0.3, 0.4)),
    ("安全隐患", "电动车违规充电", 1, 4, 1.2, (0.7, 0.2, 0.1, 0.0)),
    ("矛盾纠纷", "邻里纠纷", 7, 5, 1.0, (0.6, 0.35, 0.05, 0.0)),
    ("矛盾纠纷", "物业纠纷", 10, 3, 1.0, (0.3, 0.5, 0.2, 0.0)),
    ("矛盾纠纷", "噪音扰民", 3, 4, 1.3, (0.6, 0.3, 0.1, 0.0)),
    ("社会治安", "可疑人员", 1, 2, 1.0, (0.5, 0.3, 0.1, 0.1)),
    ("社会治安", "盗窃", 3, 1, 1.0, (0.1, 0.2, 0.2, 0.5)),
    ("特殊群体服务", "独居老人帮扶", 3, 5, 0.8, (0.8, 0.2, 0.0, 0.0)),
    ("特殊群体服务", "困难家庭救助", 7, 2, 0.8, (0.3, 0.5, 0.2, 0.0)),
    ("特殊群体服务", "残疾人服务", 5, 1, 1.0, (0.5, 0.5, 0.0, 0.0)),
    ("物业问题", "物业服务", 7, 4, 1.0, (0.3, 0.6, 0.1, 0.0)),
    ("物业问题", "停车管理", 5, 3, 1.0, (0.4, 0.4, 0.2, 0.0)),
)
MARKET_KINDS = ("垃圾堆放", "占道经营", "油烟噪音", "厨房消防隐患")
SOURCES = ("网格巡查", "小程序", "12345热线", "电话", "物业公司")
SOURCE_P = (0.40, 0.25, 0.15, 0.10, 0.10)
LEVELS = ("网格", "社区", "街道", "部门")
DEPARTMENTS = ("区城管局", "区住建局", "区消防救援大队", "区市场监管局", "区水务局")
STREET_OFFICES = ("街道城管办", "街道综治中心", "街道社会事务办")
OPEN_STATUS = ("待派遣", "处置中", "待核查")
SATISFACTION = ("满意", "基本满意", "不满意")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
CN_DIGITS = "零一二三四五六七八九"


def categories_table() -> pd.DataFrame:
    """The editable taxonomy: major class, minor class, default deadline in days."""
    return pd.DataFrame([(a, b, d) for a, b, d, *_ in TAXONOMY], columns=["category", "subcategory", "deadline_days"])


def _cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def messy_address(rng: np.random.Generator, address: str) -> str:
    """The way people type a building's address: prefixes, 幢/号楼, numerals, units, typos."""
    text = address
    roll = rng.random(6)
    if roll[0] < 0.3:
        text = "".join(ADMIN_PREFIXES[1:3]) + text
    if roll[1] < 0.25:
        text = text.replace("栋", "幢") if roll[1] < 0.12 else text.replace("栋", "号楼")
    if roll[2] < 0.2 and "栋" in text:
        head, _, tail = text.rpartition("号")
        number = "".join(ch for ch in tail if ch.isdigit())
        if number:
            text = text.replace(f"{number}栋", f"{_cn_number(int(number))}栋")
    if roll[3] < 0.2:
        text = text.translate(FULL_WIDTH)
    if roll[4] < 0.4:
        text += rng.choice([f"{rng.integers(1, 4)}单元{rng.integers(1, 7)}0{rng.integers(1, 4)}室", "楼道", "门口", " 附近"])
    if roll[5] < 0.06 and len(text) > 4:  # one wrong character
        i = int(rng.integers(0, 3))
        text = text[:i] + rng.choice(list("湖胡街路园")) + text[i + 1:]
    return text


def build_incidents(rng: np.random.Generator, buildings: pd.DataFrame, workers: pd.DataFrame,
                    overloaded: list[str]) -> pd.DataFrame:
    """The incident export: Chinese headers, WGS-84/GCJ-02/address-only rows, bad rows mixed in."""
    days = pd.date_range(START, END.normalize(), freq="D")
    doy = days.day_of_year.to_numpy()
    summer = np.exp(-(((doy - 200) / 45.0) ** 2))           # peak in July
    weekday = np.where(days.day_of_week.to_numpy() >= 5, 0.7, 1.0)
    weights = np.array([t[3] for t in TAXONOMY], float)
    seasonal = np.array([t[4] for t in TAXONOMY], float)
    rate = weekday[:, None] * weights[None, :] * (1 + (seasonal[None, :] - 1) * summer[:, None])
    rate *= N_INCIDENTS / rate.sum()
    counts = rng.poisson(rate)
    day_idx, kind = np.nonzero(counts)
    day_idx, kind = np.repeat(day_idx, counts[day_idx, kind]), np.repeat(kind, counts[day_idx, kind])
    n = len(kind)
    hour = rng.choice(24, n, p=_hour_profile())
    reported = days[day_idx] + pd.to_timedelta(hour * 3600 + rng.integers(0, 3600, n), unit="s")

    # where: households-weighted buildings; market kinds pile up at the old market
    hh = buildings["households"].to_numpy(float)
    b = rng.choice(len(buildings), n, p=hh / hh.sum())
    near_market = np.isin(np.array([TAXONOMY[k][1] for k in kind]), MARKET_KINDS) & (rng.random(n) < 0.45)
    d_market = np.hypot(buildings["lon"].to_numpy(float) - MARKET[0], buildings["lat"].to_numpy(float) - MARKET[1])
    market_b = np.argsort(d_market)[:40]
    b = np.where(near_market, rng.choice(market_b, n), b)
    lon = buildings["lon"].to_numpy()[b] + rng.normal(0, 0.00008, n)
    lat = buildings["lat"].to_numpy()[b] + rng.normal(0, 0.00006, n)
    grid = buildings["grid_id"].to_numpy()[b]

    deadline = np.array([TAXONOMY[k][2] for k in kind])
    due = reported + pd.to_timedelta(deadline, unit="D")
    slow = np.where(np.isin(grid, overloaded), 2.2, 1.0)
    hours = rng.lognormal(np.log(deadline * 24 * 0.45), 0.6) * slow
    closed = reported + pd.to_timedelta(np.round(hours * 3600), unit="s")
    is_open = (closed > END) | (rng.random(n) < 0.01)
    level = np.array([rng.choice(4, p=TAXONOMY[k][5]) for k in kind])
    source = rng.choice(len(SOURCES), n, p=SOURCE_P)
    grid_workers = workers[workers["role"] == "专职网格员"].groupby("grid_id")["name"].first()
    handler = np.where(level == 0, pd.Series(grid).map(grid_workers).fillna("社区网格站").to_numpy(),
              np.where(level == 1, buildings["community"].to_numpy()[b] + "居委会",
              np.where(level == 2, rng.choice(STREET_OFFICES, n), rng.choice(DEPARTMENTS, n))))
    satisfaction = np.where(is_open, "", rng.choice(SATISFACTION, n, p=[0.88, 0.08, 0.04]))
    reopened = np.where(~is_open & (rng.random(n) < 0.04), 1, 0)
    age = (END - reported).days.to_numpy()
    status = np.where(is_open, np.array(OPEN_STATUS)[np.minimum(age // 3, 2)], "已结案")
    phone = np.array([f"1{rng.choice([3, 5, 8, 9])}{rng.integers(0, 10)}{rng.integers(0, 10**8):08d}" for _ in range(n)])

    # coordinates as the channel records them
    coord = np.where(source == 0, "WGS84", np.where(source == 1, "GCJ02", np.where(source == 4,
                     np.where(rng.random(n) < 0.5, "WGS84", ""), "")))
    glon, glat = wgs84_to_gcj02(lon, lat)
    out_lon = np.where(coord == "GCJ02", glon, lon)
    out_lat = np.where(coord == "GCJ02", glat, lat)
    address = np.array([messy_address(rng, a) if c == "" else a
                        for a, c in zip(buildings["address"].to_numpy()[b], coord)], dtype=object)
    lost = (coord == "") & (rng.random(n) < 0.03)
    address[lost] = rng.choice(["菜市场旁边", "老街巷子里", "公交站对面", "学校后门"], int(lost.sum()))

    order = np.argsort(reported.to_numpy(), kind="stable")
    frame = pd.DataFrame({
        "事件编号": [f"GC{reported[i]:%Y%m%d}{j:05d}" for j, i in enumerate(order, start=1)],
        "上报时间": _fmt(reported[order]),
        "事件大类": [TAXONOMY[k][0] for k in kind[order]],
        "事件小类": [TAXONOMY[k][1] for k in kind[order]],
        "事件来源": np.array(SOURCES)[source[order]],
        "事件状态": status[order],
        "事发地址": address[order],
        "经度": np.where(coord[order] == "", "", np.char.mod("%.6f", out_lon[order])),
        "纬度": np.where(coord[order] == "", "", np.char.mod("%.6f", out_lat[order])),
        "坐标系": coord[order],
        "处理期限": _fmt(due[order]),
        "办结时间": np.where(is_open[order], "", _fmt(closed[order])),
        "处置层级": np.array(LEVELS)[level[order]],
        "处置人": handler[order],
        "联系电话": np.where(source[order] == 0, "", phone[order]),
        "满意度": satisfaction[order],
        "返工次数": reopened[order],
    })
    return _add_flaws(rng, frame)


def _hour_profile() -> np.ndarray:
    base = np.array([1, 0.5, 0.3, 0.3, 0.3, 0.6, 1.5, 3, 6, 8, 8, 7, 5, 5, 7, 8, 8, 7, 5, 4, 3.5, 3, 2, 1.5])
    return np.asarray(base / base.sum())


def _fmt(stamps: pd.DatetimeIndex | pd.Series | np.ndarray) -> np.ndarray:
    """Times the way Chinese Excel exports write them: 2026/3/1 8:05."""
    s = pd.DatetimeIndex(stamps)
    return np.array([f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}" for t in s], dtype=object)


def _add_flaws(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Bad rows a real export carries: each kind at known rows, so tests can count them."""
    frame = frame.copy()
    n = len(frame)
    picks = rng.choice(n, 190, replace=False)
    empty_id, bad_date, outside, text_coord, closed_early, half_empty = np.split(picks, [30, 60, 100, 120, 160])
    frame.loc[empty_id, "事件编号"] = ""
    frame.loc[bad_date, "上报时间"] = rng.choice(["2026-13-45 25:00", "昨天下午", "#VALUE!", "2026/02/30 9:00"], len(bad_date))
    with_coords = frame.loc[outside, "坐标系"] != ""
    rows = outside[with_coords.to_numpy()]
    frame.loc[rows, "经度"] = (frame.loc[rows, "经度"].astype(float) + rng.choice([-0.03, 0.04], len(rows))).map("{:.6f}".format)
    frame.loc[text_coord, ["经度", "纬度"]] = "不详"
    closed_rows = closed_early[(frame.loc[closed_early, "办结时间"] != "").to_numpy()]
    frame.loc[closed_rows, "办结时间"] = "2025/1/1 0:00"
    frame.loc[half_empty, ["事件大类", "事件小类", "事发地址", "经度", "纬度", "坐标系"]] = ""
    dup = frame.iloc[rng.choice(n, 25, replace=False)].copy()
    dup["事件状态"] = "已结案"
    frame = pd.concat([frame, dup], ignore_index=True)
    return frame
