"""Stores of every shape a street's data may have, built through the real importers from small
hand-made files: the four-grid drawing of :mod:`tests.fixtures`, one building per grid, a worker,
volunteers, services and 24 incidents, less or different in one respect per shape."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from analysis.ingest.importer import import_boundaries, import_incidents, import_register
from analysis.store import Store
from tests.fixtures import centre, square, two_communities

INCIDENT_COLUMNS = {"incident_id": "事件编号", "reported_at": "上报时间", "category": "事件大类", "subcategory": "事件小类",
                    "source": "事件来源", "status": "事件状态", "address": "事发地址", "lon": "经度", "lat": "纬度",
                    "due_at": "处理期限", "closed_at": "办结时间", "handled_level": "处置层级", "handler": "处置人",
                    "reporter_phone": "联系电话", "satisfaction": "满意度"}


def incidents(n: int = 24, start: str = "2026-02-02", step_hours: float = 31.0) -> pd.DataFrame:
    """``n`` incidents, one every ``step_hours`` from ``start``, spread over the four grids; two in three
    closed (one of them late), categories, statuses, levels, handlers, phones and addresses filled."""
    rows = []
    for i in range(n):
        x, y = [(0, 1), (1, 1), (0, 0), (1, 0)][i % 4]
        lon, lat = centre(x, y)
        reported = pd.Timestamp(start) + pd.Timedelta(hours=step_hours * i)
        closed = reported + pd.Timedelta(days=1 + (i % 5)) if i % 3 else pd.NaT
        rows.append({"incident_id": f"E{i:03d}", "reported_at": f"{reported:%Y-%m-%d %H:%M}",
                     "category": ["市容环境", "设施维修", "矛盾纠纷"][i % 3], "subcategory": ["垃圾", "电梯", "邻里"][i % 3],
                     "source": ["小程序", "热线"][i % 2], "status": "已结案" if i % 3 else "处置中",
                     "address": f"{'甲乙'[i % 2]}{i % 4 + 1}栋", "lon": f"{lon:.6f}", "lat": f"{lat:.6f}",
                     "due_at": f"{reported + pd.Timedelta(days=3):%Y-%m-%d %H:%M}",
                     "closed_at": "" if pd.isna(closed) else f"{closed:%Y-%m-%d %H:%M}",
                     "handled_level": ["网格", "社区", "街道"][i % 3], "handler": f"处置人{i % 4}",
                     "reporter_phone": f"1381234{i:04d}", "satisfaction": "满意"})
    return pd.DataFrame(rows)


def grids() -> gpd.GeoDataFrame:
    """The four grids in two communities, with their community rows."""
    layer = two_communities()
    communities = gpd.GeoDataFrame({"grid_id": ["C1", "C2"], "name": ["甲社区", "乙社区"], "level": ["community"] * 2,
                                    "parent_id": ["", ""], "community": ["甲社区", "乙社区"]},
                                   geometry=[shapely.union_all([square(0, 1), square(1, 1)]),
                                             shapely.union_all([square(0, 0), square(1, 0)])], crs=4326)
    return gpd.GeoDataFrame(pd.concat([communities, layer.drop(columns=["households", "population"])],
                                      ignore_index=True), crs=4326)


def buildings() -> pd.DataFrame:
    points = [centre(0, 1), centre(1, 1), centre(0, 0), centre(1, 0)]
    return pd.DataFrame({"楼栋编号": ["B1", "B2", "B3", "B4"], "标准地址": ["甲1栋", "甲2栋", "乙3栋", "乙4栋"],
                         "社区": ["甲社区", "甲社区", "乙社区", "乙社区"], "户数": [400, 300, 200, 100],
                         "人口": [1000, 800, 500, 250], "经度": [p[0] for p in points], "纬度": [p[1] for p in points]})


def workers() -> pd.DataFrame:
    return pd.DataFrame({"工号": ["W1", "W2", "W3"], "姓名": ["张三", "李四", "王五"], "岗位": ["专职网格员"] * 3,
                         "网格编号": ["G1", "G2", "G4"]})


def volunteers() -> pd.DataFrame:
    lon, lat = centre(0, 1)
    return pd.DataFrame({"志愿者编号": ["V1", "V2"], "姓名": ["甲", "乙"], "队伍": ["党员先锋队", "巾帼志愿队"],
                         "网格编号": ["G1", "G3"], "经度": [lon, ""], "纬度": [lat, ""], "在册": ["是", "是"]})


def services() -> pd.DataFrame:
    return pd.DataFrame({"志愿者编号": ["V1", "V1", "V2"], "服务日期": ["2026-02-20", "2026-02-25", "2026-02-26"],
                         "时长": ["2小时", "1", "3"], "网格编号": ["G1", "G1", "G3"], "服务内容": ["助老服务"] * 3})


class Shape:
    """One variant of the data: functions that change each file (None: the file is not imported)."""

    def __init__(self, name: str, *, incidents: Callable[[pd.DataFrame], pd.DataFrame | None] | None = None,
                 grids: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame] | None = None,
                 registers: dict[str, Callable[[pd.DataFrame], pd.DataFrame | None]] | None = None) -> None:
        self.name = name
        self.change_incidents = incidents or (lambda f: f)
        self.change_grids = grids or (lambda g: g)
        self.change_registers = registers or {}

    def build(self, folder: Path) -> Store:
        """A store in ``folder`` holding this shape of data, imported as a street would import it."""
        store = Store(f"sqlite:///{folder / 'store.sqlite'}")
        layer = self.change_grids(grids())
        (folder / "grids.geojson").write_text(layer.to_json(ensure_ascii=False), encoding="utf-8")
        import_boundaries(store, folder / "grids.geojson", version_name="现行")
        for kind, make in (("buildings", buildings), ("workers", workers), ("volunteers", volunteers),
                           ("services", services)):
            frame = self.change_registers.get(kind, lambda f: f)(make())
            if frame is not None:
                path = folder / f"{kind}.csv"
                frame.to_csv(path, index=False)
                import_register(store, kind, path)
        frame = self.change_incidents(incidents())
        if frame is not None:
            path = folder / "incidents.csv"
            frame.rename(columns=INCIDENT_COLUMNS).to_csv(path, index=False)
            import_incidents(store, path)
        return store


def _drop(*columns: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda f: f.drop(columns=list(columns))


def _blank(*columns: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda f: f.assign(**{c: "" for c in columns})


def _renamed_grids(g: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return g.assign(name=g["name"].where(g["level"] != "grid", "同名网格"))


def _numeric_ids(g: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    codes = {"C1": "1", "C2": "2", "G1": "11", "G2": "12", "G3": "21", "G4": "22"}
    return g.assign(grid_id=g["grid_id"].map(codes), parent_id=g["parent_id"].map(codes).fillna(""))


def _one_grid(g: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return g[g["grid_id"] == "G1"].assign(parent_id="")


def _spread_years(f: pd.DataFrame) -> pd.DataFrame:
    stamps = pd.date_range("2011-03-01", "2026-02-20", periods=len(f))
    return f.assign(reported_at=stamps.strftime("%Y-%m-%d %H:%M"),
                    due_at=(stamps + pd.Timedelta(days=3)).strftime("%Y-%m-%d %H:%M"),
                    closed_at=(stamps + pd.Timedelta(days=2)).strftime("%Y-%m-%d %H:%M"))


SHAPES = [
    Shape("everything"),
    Shape("no_deadline", incidents=_drop("due_at")),
    Shape("empty_deadline", incidents=_blank("due_at")),
    Shape("no_closing", incidents=_drop("closed_at")),
    Shape("empty_closing_and_deadline", incidents=_blank("closed_at", "due_at")),
    Shape("no_category", incidents=_drop("category", "subcategory")),
    Shape("empty_category", incidents=_blank("category", "subcategory", "source")),
    Shape("no_status_level_handler", incidents=_drop("status", "handled_level", "handler")),
    Shape("no_phone_address_satisfaction", incidents=_drop("reporter_phone", "address", "satisfaction")),
    Shape("only_id_time_place", incidents=lambda f: f[["incident_id", "reported_at", "lon", "lat"]]),
    Shape("no_buildings", registers={"buildings": lambda f: None}),
    Shape("no_workers", registers={"workers": lambda f: None}),
    Shape("no_volunteers_or_services", registers={"volunteers": lambda f: None, "services": lambda f: None}),
    Shape("no_registers", registers={k: (lambda f: None) for k in ("buildings", "workers", "volunteers", "services")}),
    Shape("no_households", registers={"buildings": _drop("户数", "人口")}),
    Shape("duplicate_grid_names", grids=_renamed_grids),
    Shape("numeric_ids", grids=_numeric_ids,
          incidents=lambda f: f.assign(incident_id=[str(100 + i) for i in range(len(f))]),
          registers={"workers": lambda f: f.assign(网格编号=["11", "12", "22"]),
                     "volunteers": lambda f: f.assign(网格编号=["11", "21"]),
                     "services": lambda f: f.assign(网格编号=["11", "11", "21"])}),
    Shape("one_grid", grids=_one_grid),
    Shape("one_incident", incidents=lambda f: f.head(1)),
    Shape("incidents_in_one_grid", incidents=lambda f: f.assign(lon=f["lon"].iloc[0], lat=f["lat"].iloc[0])),
    Shape("fifteen_years", incidents=_spread_years),
    Shape("no_incidents", incidents=lambda f: None),
]

