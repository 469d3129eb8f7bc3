"""Demo people: grid workers (about 60), volunteers (about 300) and their service records (~3,000)."""
from __future__ import annotations

import numpy as np
import pandas as pd

SURNAMES = tuple("王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林谭彭唐曾邓肖")
GIVEN = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红梅建国志文斌辉")
TEAMS = ("党员先锋队", "巾帼志愿队", "银发志愿队", "青年志愿队", "平安巡逻队")
ACTIVITIES = ("助老服务", "环境清洁", "治安巡逻", "政策宣传", "文明劝导", "矛盾调解", "助残帮扶")
SERVICE_START = pd.Timestamp("2025-11-16")
SERVICE_DAYS = 365


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    """Plausible Chinese names (surname + one or two given characters)."""
    return ["".join([rng.choice(SURNAMES), *rng.choice(GIVEN, int(rng.integers(1, 3)))]) for _ in range(n)]


def build_workers(rng: np.random.Generator, grids: pd.DataFrame, overloaded: list[str],
                  unstaffed: str) -> pd.DataFrame:
    """One full-time worker per grid, two in large grids, none in ``unstaffed``; a leader per community.

    The ``overloaded`` grids keep a single worker whatever their size.
    """
    rows = []
    grid_rows = grids[grids["level"] == "grid"]
    for community_id in grids.loc[grids["level"] == "community", "grid_id"]:
        first = grid_rows[grid_rows["parent_id"] == community_id]["grid_id"].iloc[0]
        rows.append(("网格长", first))
    for gid, households in zip(grid_rows["grid_id"], grid_rows["households"]):
        if gid == unstaffed:
            continue
        count = 1 if gid in overloaded or households < 650 else 2
        rows.extend(("专职网格员", gid) for _ in range(count))
    names = person_names(rng, len(rows))
    return pd.DataFrame({"worker_id": [f"W{i + 1:03d}" for i in range(len(rows))], "name": names,
                         "role": [r for r, _ in rows], "grid_id": [g for _, g in rows]})


def build_volunteers(rng: np.random.Generator, buildings: pd.DataFrame, n: int = 300) -> pd.DataFrame:
    """Volunteers living at household-weighted buildings; a few without a known location."""
    weight = buildings["households"].to_numpy(float)
    # volunteers cluster where communities are organised: some grids get none at all
    home = rng.choice(len(buildings), n, p=weight / weight.sum())
    lon = buildings["lon"].to_numpy()[home] + rng.normal(0, 0.00005, n)
    lat = buildings["lat"].to_numpy()[home] + rng.normal(0, 0.00005, n)
    no_location = rng.random(n) < 0.03
    return pd.DataFrame({
        "volunteer_id": [f"V{i + 1:04d}" for i in range(n)],
        "name": person_names(rng, n),
        "team": rng.choice(TEAMS, n, p=[0.3, 0.2, 0.2, 0.15, 0.15]),
        "grid_id": buildings["grid_id"].to_numpy()[home],
        "lon": np.where(no_location, np.nan, np.round(lon, 6)),
        "lat": np.where(no_location, np.nan, np.round(lat, 6)),
        "active": np.where(rng.random(n) < 0.85, "是", "否"),
    })


def build_services(rng: np.random.Generator, volunteers: pd.DataFrame, n: int = 3000) -> pd.DataFrame:
    """Service records: active volunteers serve, some much more than others; summer peaks."""
    active = volunteers[volunteers["active"] == "是"].reset_index(drop=True)
    keen = rng.pareto(1.5, len(active)) + 0.2
    # a third of active volunteers stopped serving after the first half year (inactive lately)
    lapsed = rng.random(len(active)) < 0.3
    who = rng.choice(len(active), n, p=keen / keen.sum())
    day = rng.integers(0, SERVICE_DAYS, n)
    day = np.where(lapsed[who], day % 180, day)
    dates = SERVICE_START + pd.to_timedelta(np.sort(day), unit="D")
    return pd.DataFrame({
        "volunteer_id": active["volunteer_id"].to_numpy()[who],
        "date": dates.strftime("%Y-%m-%d"),
        "hours": rng.choice([1.0, 1.5, 2.0, 3.0, 4.0], n, p=[0.25, 0.2, 0.3, 0.15, 0.1]),
        "grid_id": active["grid_id"].to_numpy()[who],
        "activity": rng.choice(ACTIVITIES, n),
    })
