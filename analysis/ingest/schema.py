"""Canonical column names, and the Chinese and English headers that map onto them.

Column names inside the program are English; users see Chinese labels (``ui/i18n``).
``guess_mapping`` recognises the usual headers of Chinese street-office and 311 exports; any
other header is mapped explicitly by the user (the data page, or ``--*-col`` on the CLI).
"""
from __future__ import annotations

import re

# Canonical incident columns, in order, with the headers each is recognised by.
INCIDENT_FIELDS: dict[str, tuple[str, ...]] = {
    "incident_id": ("事件编号", "事件id", "案件编号", "工单编号", "工单号", "case_id", "srnumber",
                    "case_enquiry_id", "request_id", "caseid", "编号", "id"),
    "reported_at": ("上报时间", "报告时间", "受理时间", "创建时间", "立案时间", "发生时间", "reported_at",
                    "created", "createddate", "created_at", "open_dt", "opened", "date"),
    "category": ("事件大类", "事件类型", "大类", "类别", "问题类型", "category", "type", "requesttype"),
    "subcategory": ("事件小类", "小类", "子类", "问题小类", "subcategory", "subtype"),
    "source": ("事件来源", "来源", "上报渠道", "渠道", "source", "requestsource"),
    "status": ("事件状态", "状态", "办理状态", "处置状态", "status", "case_status"),
    "address": ("事发地址", "事件地址", "详细地址", "地址", "address", "location_address"),
    "lon": ("经度", "lon", "lng", "long", "longitude", "x"),
    "lat": ("纬度", "lat", "latitude", "y"),
    "coord_system": ("坐标系", "坐标类型", "coord_system", "crs"),
    "due_at": ("处理期限", "办结期限", "截止时间", "期限", "应结时间", "due_at", "due", "deadline",
               "sla_target_dt"),
    "closed_at": ("办结时间", "结案时间", "关闭时间", "closed_at", "closed", "closeddate", "closed_dt"),
    "extended_due_at": ("延期至", "延期期限", "延期后期限", "延长期限", "延期截止时间", "extended_due_at",
                        "extended_due", "extended_deadline"),
    "disposed_at": ("处置时间", "处置完成时间", "处置日期", "处理完成时间", "disposed_at", "disposed", "resolved_at",
                    "resolved"),
    "handled_level": ("处置层级", "办理层级", "handled_level"),
    "handler": ("处置人", "承办人", "处理人", "责任人", "handler", "assignto", "owner"),
    "reporter_phone": ("联系电话", "电话", "手机号", "手机", "reporter_phone", "phone"),
    "satisfaction": ("满意度", "评价", "满意度评价", "回访满意度", "评价结果", "回访结果", "satisfaction", "rating"),
    "reopened": ("返工次数", "重办次数", "退回次数", "返工", "是否返工", "rework_count", "rework", "reopened",
                 "reopen_count"),
    # what a QR-code platform's form adds (金埠街): the event's name, the reporter's words, photo references
    "event_name": ("事件名称", "问题名称", "事件标题", "标题", "event_name", "title"),
    "description": ("事件描述", "问题描述", "事件内容", "描述", "情况描述", "description", "details"),
    "photos": ("照片", "图片", "现场照片", "附件", "photos", "photo", "images"),
    # a time of day kept apart from its date (上报日期 + 上报时刻): combined with it on reading
    "reported_time": ("上报时刻", "发生时刻", "reported_time", "report_time"),
    "due_time": ("期限时刻", "due_time"),
    "closed_time": ("办结时刻", "结案时刻", "closed_time", "close_time"),
}
TIME_OF_DAY_FIELDS = ("reported_time", "due_time", "closed_time")
INCIDENT_REQUIRED = ("incident_id", "reported_at")

BUILDING_FIELDS: dict[str, tuple[str, ...]] = {
    "building_id": ("楼栋编号", "楼栋编码", "建筑编号", "建筑物编号", "房屋编号", "楼栋代码", "编号", "building_id",
                    "id"),
    "address": ("标准地址", "地址", "楼栋地址", "门牌地址", "详细地址", "address"),
    "aliases": ("别名", "其他地址", "俗称", "aliases"),
    "community": ("社区", "所属社区", "社区名称", "community"),
    "households": ("户数", "住户数", "总户数", "实有户数", "户籍户数", "households"),
    "population": ("人口", "人数", "常住人口", "实有人口", "总人口", "population"),
    "lon": INCIDENT_FIELDS["lon"],
    "lat": INCIDENT_FIELDS["lat"],
}
BUILDING_REQUIRED = ("building_id", "address")

GRID_FIELDS: dict[str, tuple[str, ...]] = {
    "grid_id": ("网格编号", "网格编码", "网格代码", "编码", "编号", "代码", "grid_id", "grid_code", "code"),
    "name": ("网格名称", "名称", "名字", "name"),
    "level": ("层级", "级别", "网格层级", "网格级别", "level"),
    "parent_id": ("上级编号", "上级编码", "上级代码", "父级编码", "parent_id", "parent_code", "parent"),
    "community": ("社区", "所属社区", "社区名称", "community"),
    "households": ("户数", "住户数", "总户数", "households"),
    "population": ("人口", "人数", "常住人口", "population"),
}

_GRID_OF_PERSON = ("网格编号", "网格编码", "所属网格", "负责网格", "网格代码", "grid_id")
PEOPLE_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "workers": {"worker_id": ("网格员编号", "人员编号", "工号", "员工编号", "编号", "worker_id", "id"),
                "name": ("姓名", "网格员姓名", "名字", "name"), "role": ("岗位", "角色", "职务", "role"),
                "grid_id": _GRID_OF_PERSON},
    "volunteers": {"volunteer_id": ("志愿者编号", "志愿者编码", "人员编号", "编号", "volunteer_id", "id"),
                   "name": ("姓名", "志愿者姓名", "名字", "name"),
                   "team": ("队伍", "服务队", "所属队伍", "志愿服务队", "团队", "team"), "grid_id": _GRID_OF_PERSON,
                   "lon": INCIDENT_FIELDS["lon"], "lat": INCIDENT_FIELDS["lat"],
                   "active": ("在册", "活跃", "是否活跃", "是否在册", "是否在岗", "在岗", "状态", "active", "status")},
    "services": {"volunteer_id": ("志愿者编号", "志愿者编码", "人员编号", "volunteer_id"),
                 "date": ("服务日期", "日期", "服务时间", "活动日期", "date"),
                 "hours": ("时长", "服务时长", "小时", "服务小时数", "时数", "hours"), "grid_id": _GRID_OF_PERSON,
                 "activity": ("服务内容", "活动", "活动名称", "服务项目", "服务类型", "activity")},
}

# words a boundary file's level column uses -> the canonical level (``street`` is the street outline)
LEVEL_WORDS: dict[str, tuple[str, ...]] = {
    "street": ("街道", "街道办", "街道办事处", "乡镇", "镇", "乡", "street", "subdistrict", "town"),
    "community": ("社区", "社区居委会", "居委会", "村", "村委会", "行政村", "community", "neighbourhood",
                  "neighborhood", "village"),
    "grid": ("网格", "单元网格", "基础网格", "综合网格", "一级网格", "grid", "cell", "unit"),
    "micro": ("微网格", "小区", "楼栋网格", "二级网格", "专属网格", "micro", "micro-grid", "microgrid", "sub-grid",
              "subgrid", "estate"),
}
_LEVEL_OF = {_w.lower(): _level for _level, _words in LEVEL_WORDS.items() for _w in (*_words, _level)}


# traditional characters of the headers and level words above (a Big5 file, a Hong Kong or Taiwan template)
_SIMPLIFIED = str.maketrans(
    "編號報時間經緯類狀態處結話電滿網區稱級戶數碼層長務隊員願點來發詳細辦標準單據棟樓屬聯負責應築門項動內別組團"
    "鄉鎮實際總約說備註環衛設維糾紛聲鄰場業證範圍為參邊線積計錄機構規劃統訊絡這個們類會",
    "编号报时间经纬类状态处结话电满网区称级户数码层长务队员愿点来发详细办标准单据栋楼属联负责应筑门项动内别组团"
    "乡镇实际总约说备注环卫设维纠纷声邻场业证范围为参边线积计录机构规划统讯络这个们类会")


def simplified(text: str) -> str:
    """``text`` with the traditional characters of known headers and level words in their simplified form."""
    return text.translate(_SIMPLIFIED)


def level_of(word: str) -> str | None:
    """The canonical level a boundary file's level word names (None when it is not one of them)."""
    return _LEVEL_OF.get(simplified(re.sub(r"\s+", "", str(word))).lower())


def _key(header: str) -> str:
    """Header comparison key: simplified characters, lower case, no spaces, underscores, brackets or units."""
    text = re.sub(r"[（(][^）)]*[）)]", "", simplified(str(header)))
    return re.sub(r"[\s_\-:：]", "", text).lower()


def merged_mapping(guessed: dict[str, str], given: dict[str, str] | None) -> dict[str, str]:
    """What was recognised, overridden by what the user said: a field mapped in ``given`` takes its header
    (which no other field keeps), and a field given as ``""`` is not mapped at all."""
    out = dict(guessed)
    for field, header in (given or {}).items():
        if header:
            out = {f: h for f, h in out.items() if h != header}
            out[field] = header
        else:
            out.pop(field, None)
    return out


def guess_mapping(headers: list[str], fields: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Map canonical fields to the file's headers by the known aliases.

    Each header is used at most once; aliases earlier in a field's list win, and fields are
    matched in their declared order.

    Returns
    -------
    dict
        ``{canonical_field: header_in_file}`` for every field recognised.
    """
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(_key(header), header)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field, aliases in fields.items():
        for alias in (field, *aliases):
            found = by_key.get(_key(alias))
            if found is not None and found not in used:
                mapping[field] = found
                used.add(found)
                break
    return mapping
