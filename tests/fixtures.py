"""Small hand-made data with known answers: geometry drawn in units of 0.001 degrees near Changsha,
a little street with known figures, exports and store snapshots.

      y
      2 +-------+-------+
        |  G1   |  G2   |
      1 +-------+-------+
        |  G3   |  G4   |
      0 +-------+-------+
        0       1       2   x
"""
from __future__ import annotations

import geopandas as gpd
import shapely

X0, Y0, UNIT = 112.97, 28.19, 0.001


def at(x: float, y: float) -> tuple[float, float]:
    """Degrees of the drawing's point (x, y)."""
    return X0 + x * UNIT, Y0 + y * UNIT


def square(x: float, y: float, size: float = 1.0) -> shapely.Polygon:
    (a, b), (c, d) = at(x, y), at(x + size, y + size)
    return shapely.box(a, b, c, d)


def four_grids() -> gpd.GeoDataFrame:
    """The 2 x 2 drawing as a canonical grids frame (community 'C1' = code 'C1' is the parent)."""
    return gpd.GeoDataFrame({
        "grid_id": ["C1G1", "C1G2", "C1G3", "C1G4"], "name": ["一", "二", "三", "四"],
        "level": ["grid"] * 4, "parent_id": ["C1"] * 4, "community": ["甲社区"] * 4,
        "households": [400.0, 300.0, 200.0, 100.0], "population": [1000.0, 800.0, 500.0, 250.0],
    }, geometry=[square(0, 1), square(1, 1), square(0, 0), square(1, 0)], crs=4326)


def two_communities() -> gpd.GeoDataFrame:
    """The 2 x 2 drawing with G1, G2 in 甲社区 (C1) and G3, G4 in 乙社区 (C2)."""
    grids = four_grids()
    grids["grid_id"] = ["G1", "G2", "G3", "G4"]
    grids["community"] = ["甲社区", "甲社区", "乙社区", "乙社区"]
    grids["parent_id"] = ["C1", "C1", "C2", "C2"]
    return grids


def centre(x: float, y: float) -> tuple[float, float]:
    """Degrees of the middle of the unit square whose lower-left corner is (x, y)."""
    return at(x + 0.5, y + 0.5)


def small_street():
    """A known little street: the two-community drawing, one building per grid, seven incidents.

    Week 2026-03-02 (Mon) to 03-08; the data ends 03-08 10:00.
    ===  ====  ===============  ========  ===============  =========  ==========================
    id   grid  reported          due       closed           level      note
    ===  ====  ===============  ========  ===============  =========  ==========================
    I1   G1    03-02 08:00      03-03     03-02 20:00      grid       on time, 0.5 days
    I2   G1    03-03 08:00      03-04     03-06 08:00      community  late, 3 days
    I3   G3    03-04 08:00      03-05     —                —          open, overdue
    I4   G4    03-08 10:00      03-20     —                —          address only: building B4
    I5   G1    02-24 08:00      02-25     02-24 20:00      grid       the week before, on time
    I6   —     03-05 08:00      03-30     —                —          60 m east of every grid
    I7   G2    03-06 08:00      03-07     03-06 20:00      grid       no location: a manual fix
    ===  ====  ===============  ========  ===============  =========  ==========================
    """
    import numpy as np
    import pandas as pd
    grids = two_communities()
    points = [centre(0, 1), centre(1, 1), centre(0, 0), centre(1, 0)]
    buildings = pd.DataFrame({"building_id": ["B1", "B2", "B3", "B4"], "address": ["甲1栋", "甲2栋", "乙3栋", "乙4栋"],
                              "households": [400, 300, 200, 100], "population": [1000, 800, 500, 250],
                              "lon": [p[0] for p in points], "lat": [p[1] for p in points]})
    far = at(2.6, 0.5)
    rows = [("I1", "G1", "03-02 08:00", "03-03", "03-02 20:00", "grid", centre(0, 1), ""),
            ("I2", "G1", "03-03 08:00", "03-04", "03-06 08:00", "community", centre(0, 1), ""),
            ("I3", "G3", "03-04 08:00", "03-05", None, "", centre(0, 0), ""),
            ("I4", "G4", "03-08 10:00", "03-20", None, "", (np.nan, np.nan), "B4"),
            ("I5", "G1", "02-24 08:00", "02-25", "02-24 20:00", "grid", centre(0, 1), ""),
            ("I6", "", "03-05 08:00", "03-30", None, "", far, ""),
            ("I7", "G2", "03-06 08:00", "03-07", "03-06 20:00", "grid", (np.nan, np.nan), "")]

    def when(text):
        return pd.NaT if text is None else pd.Timestamp(f"2026-{text}")
    incidents = pd.DataFrame({
        "incident_id": [r[0] for r in rows], "grid_id": [r[1] for r in rows],
        "reported_at": [when(r[2]) for r in rows], "due_at": [when(r[3]) for r in rows],
        "closed_at": [when(r[4]) for r in rows], "handled_level": [r[5] for r in rows],
        "lon": [r[6][0] for r in rows], "lat": [r[6][1] for r in rows], "building_id": [r[7] for r in rows],
        "category": pd.Categorical(["市容环境", "设施维修", "市容环境", "矛盾纠纷", "市容环境", "设施维修", "市容环境"]),
        "subcategory": pd.Categorical(["垃圾堆放", "电梯故障", "垃圾堆放", "邻里纠纷", "垃圾堆放", "电梯故障", "垃圾堆放"]),
        "source": pd.Categorical(["小程序"] * 7), "status": pd.Categorical(["已结案", "已结案", "处置中", "待派遣",
                                                                             "已结案", "待派遣", "已结案"]),
        "address": ["", "", "", "乙4栋", "", "", ""], "handler": [""] * 7,
        "reporter_phone": ["13812341234", "", "15900001111", "", "", "", ""],
        "match_method": ["coordinates"] * 3 + ["address_exact", "coordinates", "", "manual"]})
    workers = pd.DataFrame({"worker_id": ["W1", "W2", "W3", "W4"], "name": ["张三", "李四", "王五", "赵六"],
                            "role": ["专职网格员"] * 4, "grid_id": ["G1", "G2", "G4", "G4"]})
    v1 = centre(0, 1)
    volunteers = pd.DataFrame({"volunteer_id": ["V1", "V2"], "name": ["甲", "乙"], "team": ["党员先锋队"] * 2,
                               "grid_id": ["G2", "G3"], "lon": [v1[0], np.nan], "lat": [v1[1], np.nan],
                               "active": [True, True]})
    services = pd.DataFrame({"volunteer_id": ["V1", "V1", "V2"], "date": ["2026-03-03", "2026-03-07", "2026-02-25"],
                             "hours": [2.0, 1.0, 3.0], "grid_id": ["G1", "G1", "G3"], "activity": ["助老服务"] * 3})
    return grids, incidents, buildings, workers, volunteers, services


def small_dataset(change=None):
    """:func:`small_street` as a :class:`~analysis.metrics.Dataset`; ``change`` may edit the incidents first."""
    from analysis.metrics import build_dataset
    grids, incidents, buildings, workers, volunteers, services = small_street()
    if change:
        incidents = change(incidents)
    return build_dataset(incidents, grids, None, buildings, workers, volunteers, services, tolerance_m=30)


def small_division():
    """The small street for the what-if: its dataset (clock at 2026-12-01), the what-if period's facts, its division."""
    import pandas as pd

    from analysis.division import whatif
    from analysis.division.edits import division_from_layer
    from analysis.metrics import build_dataset
    from analysis.metrics import resolution as r
    from analysis.settings import load_settings
    grids, incidents, buildings, workers, volunteers, services = small_street()
    ds = build_dataset(incidents, grids, None, buildings, workers, volunteers, services, tolerance_m=30,
                       now=pd.Timestamp("2026-12-01"))
    flags = r.period_flags(ds.incidents, whatif.whatif_period(ds.anchor), load_settings()["rate_basis"])
    return ds, flags, division_from_layer(grids)


EXPORT_HEAD = "事件编号,上报时间,事件状态,经度,纬度,事发地址,办结时间\n"


def export(rows) -> bytes:
    """A small incident export (UTF-8 with BOM) with the columns of ``EXPORT_HEAD``, one tuple per row."""
    return (EXPORT_HEAD + "".join(",".join(map(str, r)) + "\n" for r in rows)).encode("utf-8-sig")


def snapshot(store) -> dict:
    """Row counts of the tables an import writes."""
    import sqlalchemy as sa
    with store.engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
                for t in ("batches", "incidents", "review", "problems", "grids")}


PLANTED_STREET = shapely.box(X0, Y0, X0 + 0.02, Y0 + 0.02)   # about 2 km x 2.2 km


def uniform_and_cluster(rng, n_uniform=2000, n_cluster=400, where=(0.005, 0.015)):
    """Points spread evenly over :data:`PLANTED_STREET` plus a tight cluster at ``where`` (degrees from X0, Y0)."""
    import numpy as np
    lon = np.r_[rng.uniform(X0, X0 + 0.02, n_uniform), rng.normal(X0 + where[0], 0.0004, n_cluster)]
    lat = np.r_[rng.uniform(Y0, Y0 + 0.02, n_uniform), rng.normal(Y0 + where[1], 0.0004, n_cluster)]
    return lon, lat
