"""Chinese (default) and English labels. ``t(key)`` returns the label in the session's language."""
from __future__ import annotations

import streamlit as st

LANGUAGES = {"zh": "中文", "en": "English"}

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("网格透视", "GridLens"),
    "app_tagline": ("街道网格化治理分析", "Grid governance analytics for street offices"),
    "language": ("语言 / Language", "语言 / Language"),
    "page_status": ("数据概况", "Data status"),
    "page_data": ("数据导入", "Data import"),
    # status page
    "status_title": ("数据概况", "What is in the store"),
    "status_caption": ("当前数据库中的网格、楼栋与事件。导入新数据请到「数据导入」页。",
                       "Grids, buildings and incidents in the store. Load new data on the Data import page."),
    "m_incidents": ("事件数", "Incidents"),
    "m_grids": ("网格数", "Grids"),
    "m_households": ("户数", "Households"),
    "m_buildings": ("楼栋数", "Buildings"),
    "m_review": ("待核查", "Awaiting review"),
    "m_period": ("时间范围", "Period"),
    "m_version": ("当前网格版本", "Current boundaries"),
    "by_method_title": ("事件落格方式", "How incidents were placed on grids"),
    "monthly_title": ("每月上报事件数", "Incidents reported per month"),
    "month": ("月份", "Month"),
    "count_unit": ("件数", "Incidents"),
    "empty_store": ("数据库中还没有数据。请先在「数据导入」页导入网格边界，再导入事件。",
                    "The store is empty. Import grid boundaries on the Data import page, then incidents."),
    # data page
    "data_title": ("数据导入", "Data import"),
    "data_caption": ("导入网格边界、楼栋与人员登记表、事件台账；每次导入为一个整体，失败则数据库保持原样。",
                     "Import boundaries, registers and incident exports; each import is all or nothing."),
    "tab_incidents": ("事件台账", "Incidents"),
    "tab_boundaries": ("网格边界", "Boundaries"),
    "tab_registers": ("楼栋与人员", "Buildings and people"),
    "tab_review": ("待核查队列", "Review queue"),
    "tab_batches": ("导入记录", "Import history"),
    "upload_incidents": ("上传事件文件（CSV：UTF-8 或 GBK；Excel .xlsx）",
                         "Upload an incident file (CSV in UTF-8 or GBK; Excel .xlsx)"),
    "upload_boundaries": ("上传网格边界（GeoJSON、GeoPackage、Shapefile 压缩包 .zip、KML）",
                          "Upload grid boundaries (GeoJSON, GeoPackage, zipped Shapefile, KML)"),
    "upload_street": ("街道边界（可选，用于检查空隙）", "Street boundary (optional, for the gap check)"),
    "upload_register": ("上传登记表（CSV 或 Excel）", "Upload a register (CSV or Excel)"),
    "register_kind": ("登记表类型", "Register"),
    "kind_buildings": ("楼栋（标准地址）", "Buildings (standard addresses)"),
    "kind_workers": ("网格员", "Grid workers"),
    "kind_volunteers": ("志愿者", "Volunteers"),
    "kind_services": ("志愿服务记录", "Volunteer services"),
    "preview": ("预览（前 20 行）", "Preview (first 20 rows)"),
    "mapping": ("列映射：已自动识别，可修改", "Column mapping: recognised automatically, editable"),
    "not_mapped": ("（不导入）", "(not imported)"),
    "coord_system": ("坐标系", "Coordinate system"),
    "coord_help": ("文件中若有「坐标系」列，则逐行以该列为准；否则使用此处的选择。小程序（高德）为 GCJ-02，百度为 BD-09。",
                   "A per-row coordinate-system column wins; otherwise this choice applies. Amap mini-programs are "
                   "GCJ-02, Baidu BD-09."),
    "coord_from_file": ("按文件声明", "As the file declares"),
    "epsg_code": ("EPSG 代码", "EPSG code"),
    "tolerance": ("吸附距离（米）", "Snapping distance (m)"),
    "tolerance_help": ("网格外此距离内的点归入最近网格并标记", "Points this close outside a grid are snapped to it and flagged"),
    "version_name": ("版本名称", "Version name"),
    "boundary_preview": ("文件中的 {n} 个网格（面积按平方米）", "{n} grids in the file (areas in square metres)"),
    "boundary_checks": ("检查发现 {n} 个问题，导入后的问题报告中逐条列出。", "The checks found {n} problems; the report after "
                        "import lists each one."),
    "do_import": ("导入", "Import"),
    "importing": ("正在导入…", "Importing…"),
    "stage_read": ("读取文件", "Reading the file"),
    "stage_normalise": ("校验与转换坐标", "Validating and converting coordinates"),
    "stage_geocode": ("落格（坐标与地址匹配）", "Placing on grids (coordinates and addresses)"),
    "stage_write": ("写入数据库", "Writing to the store"),
    "stage_done": ("完成", "Done"),
    "import_done": ("导入完成：读取 {read} 行，导入 {imported} 行，拒收 {rejected} 行（已留待核查）。",
                    "Imported: {read} rows read, {imported} imported, {rejected} rejected (kept for review)."),
    "import_failed": ("导入失败，数据库未作任何改动：", "Import failed; the store is unchanged:"),
    "rows_read": ("读取行数", "Rows read"),
    "rows_imported": ("导入行数", "Imported"),
    "rows_rejected": ("拒收行数", "Rejected"),
    "problems": ("问题报告", "Problem report"),
    "problems_none": ("没有发现问题。", "No problems found."),
    "download_csv": ("下载 CSV", "Download CSV"),
    "geocode_summary": ("落格结果", "Geocoding summary"),
    "download_unplaced": ("下载未落格与拒收的 {n} 行（CSV）", "Download the {n} unplaced or rejected rows (CSV)"),
    "colon": ("：", ": "),
    "method": ("方式", "Method"),
    "count": ("数量", "Count"),
    "share": ("占比", "Share"),
    "review_caption": ("无法读取、无法落格或被拒收的行都在这里，不会被静默丢弃。人工指定网格或楼栋后，修正会保存，并在今后重新导入时继续生效。",
                       "Rows that could not be read, placed or accepted wait here; nothing is dropped. A grid or building "
                       "you choose is saved and re-applied by every later import."),
    "review_empty": ("待核查队列为空。", "The review queue is empty."),
    "reason": ("原因", "Reason"),
    "filter_reason": ("按原因筛选", "Filter by reason"),
    "fix_title": ("人工落格", "Place by hand"),
    "fix_incident": ("事件编号", "Incident id"),
    "fix_grid": ("指定网格", "Grid"),
    "fix_building": ("或指定楼栋", "Or a building"),
    "fix_none": ("（不指定）", "(none)"),
    "fix_save": ("保存修正", "Save the fix"),
    "fix_saved": ("已保存：事件 {id} → {target}", "Saved: incident {id} → {target}"),
    "fix_need_target": ("请选择网格或楼栋。", "Choose a grid or a building."),
    "no_grids_yet": ("请先导入网格边界。", "Import grid boundaries first."),
    "batches_empty": ("还没有导入记录。", "No imports yet."),
}

METHOD_LABELS = {
    "coordinates": ("坐标落格", "By coordinates"),
    "snapped": ("吸附到最近网格", "Snapped to nearest grid"),
    "address_exact": ("地址精确匹配", "Address, exact"),
    "address_fuzzy": ("地址模糊匹配", "Address, fuzzy"),
    "manual": ("人工指定", "Placed by hand"),
    "unplaced": ("未落格（待核查）", "Unplaced (in review)"),
}

REASON_LABELS = {
    "outside": ("不在任何网格内", "Outside every grid"),
    "address_unmatched": ("地址未匹配", "Address not matched"),
    "no_location": ("无坐标无地址", "No coordinates or address"),
    "missing_id": ("缺少事件编号", "No incident id"),
    "missing_date": ("缺少上报时间", "No report time"),
    "bad_date": ("上报时间无法识别", "Unreadable report time"),
    "duplicate_id": ("事件编号重复", "Duplicate id"),
}

COLUMN_LABELS = {
    "incident_id": ("事件编号", "Incident id"), "reported_at": ("上报时间", "Reported"),
    "category": ("事件大类", "Category"), "subcategory": ("事件小类", "Subcategory"),
    "source": ("事件来源", "Source"), "status": ("事件状态", "Status"), "address": ("事发地址", "Address"),
    "lon": ("经度", "Longitude"), "lat": ("纬度", "Latitude"), "coord_system": ("坐标系列", "Coordinate system column"),
    "due_at": ("处理期限", "Due"), "closed_at": ("办结时间", "Closed"), "handled_level": ("处置层级", "Handled at"),
    "handler": ("处置人", "Handler"), "reporter_phone": ("联系电话", "Phone"), "satisfaction": ("满意度", "Satisfaction"),
    "reopened": ("返工次数", "Reopened"), "source_row": ("文件行号", "File row"), "reason": ("原因", "Reason"),
    "detail": ("说明", "Detail"), "row": ("行号", "Row"), "column": ("列", "Column"), "value": ("值", "Value"),
    "severity": ("级别", "Severity"), "code": ("代码", "Code"), "batch_id": ("批次", "Batch"),
    "kind": ("类型", "Kind"), "file_name": ("文件", "File"), "file_hash": ("SHA-256", "SHA-256"),
    "imported_at": ("导入时间", "Imported at"), "rows_read": ("读取行数", "Rows read"),
    "rows_imported": ("导入行数", "Imported"), "rows_rejected": ("拒收行数", "Rejected"),
    "raw": ("原始内容", "Raw row"), "review_id": ("序号", "No."),
    "grid_id": ("网格编号", "Grid code"), "name": ("名称", "Name"), "level": ("层级", "Level"),
    "parent_id": ("上级编号", "Parent code"), "community": ("社区", "Community"), "households": ("户数", "Households"),
    "population": ("人口", "Population"), "area_m2": ("面积（平方米）", "Area (m²)"),
}

LEVEL_LABELS = {"community": ("社区", "Community"), "grid": ("网格", "Grid"), "micro": ("微网格", "Micro-grid")}

SEVERITY_LABELS = {"error": ("拒收", "Rejected"), "warning": ("警告", "Warning"), "info": ("提示", "Note")}


def lang() -> str:
    """The session's language: ``zh`` (default) or ``en``; read from the URL on first use."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", "zh")
        st.session_state["lang"] = wanted if wanted in LANGUAGES else "zh"
    return st.session_state["lang"]


def t(key: str, **values) -> str:
    """The label ``key`` in the session's language, with ``{name}`` fields filled in."""
    zh, en = TEXT[key]
    return (zh if lang() == "zh" else en).format(**values) if values else (zh if lang() == "zh" else en)


def label(table: dict[str, tuple[str, str]], key: str) -> str:
    """A label from one of the label tables (methods, reasons, columns), or the key itself."""
    pair = table.get(key)
    return key if pair is None else pair[0 if lang() == "zh" else 1]


def translate_columns(frame):
    """Rename canonical columns to their labels in the session's language (for display and export)."""
    return frame.rename(columns={c: label(COLUMN_LABELS, c) for c in frame.columns})
