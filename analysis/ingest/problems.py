"""The problem report every read returns: row, column, value and reason, in Chinese and English.

Nothing is dropped without a line here. ``severity`` says what happened to the row:
``error`` (the row was not imported and is kept for review), ``warning`` (imported, flagged),
``info`` (a note about the whole file).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

# code -> (Chinese template, English template); templates use ``str.format`` fields.
MESSAGES: dict[str, tuple[str, str]] = {
    "empty_file": ("文件为空，没有可读的数据行", "The file is empty: no data rows to read"),
    "unreadable_file": ("无法读取文件：{detail}", "Cannot read the file: {detail}"),
    "not_text": ("文件不是文本表格（内容是二进制；可能是其他格式的文件，或扩展名不对）",
                 "The file is not a text table (binary content: another kind of file, or a wrong extension)"),
    "bad_workbook": ("无法打开工作簿（文件已损坏，或不是 Excel 文件）：{detail}",
                     "Cannot open the workbook (damaged, or not an Excel file): {detail}"),
    "no_features": ("图层中没有任何要素（面）", "The layer holds no features"),
    "unsupported_format": ("不支持的文件格式「{detail}」", "Unsupported file format '{detail}'"),
    "missing_column": ("缺少必需的列「{detail}」，请在列映射中指定",
                       "Required column '{detail}' is missing: map it in the column mapping"),
    "mapped_column_absent": ("映射的列「{detail}」在文件中不存在",
                             "Mapped column '{detail}' is not in the file"),
    "encoding": ("文件编码识别为 {detail}", "File encoding detected as {detail}"),
    "missing_id": ("缺少事件编号", "Incident id is empty"),
    "duplicate_id": ("事件编号重复，保留文件中最后一行（第 {detail} 行）",
                     "Duplicate incident id: the last row in the file (row {detail}) is kept"),
    "bad_number": ("「{detail}」不是数字", "'{detail}' is not a number"),
    "coord_out_of_range": ("坐标超出经纬度范围", "Coordinate outside the valid longitude/latitude range"),
    "zero_coordinates": ("坐标为 0,0（常用作空值），按无坐标处理", "Coordinates 0,0 (a placeholder for none): read as no location"),
    "coords_swapped": ("经度和纬度填反了，已对调", "Longitude and latitude were swapped: exchanged"),
    "half_coordinate": ("只有经度或只有纬度", "Only one of longitude and latitude is given"),
    "bad_coord_system": ("无法识别的坐标系「{detail}」", "Unknown coordinate system '{detail}'"),
    "bad_date": ("无法识别的日期「{detail}」", "Unrecognised date '{detail}'"),
    "missing_date": ("缺少上报时间", "Report time is empty"),
    "deadline_end_of_day": ("{detail} 个期限只有日期、没有时刻：按当天 23:59:59 到期计算",
                            "{detail} deadlines give a day without a time: due at 23:59:59 of that day"),
    "micro_outside_parent": ("微网格有部分面积落在所属网格之外（{detail}）", "The micro-grid lies partly outside its grid ({detail})"),
    "unknown_status": ("事件状态「{detail}」不在状态词表中：按时间判断（可在设置 status_states 中加入）",
                       "Status '{detail}' is not in the status table: the times decide (add it to the setting "
                       "status_states)"),
    "unknown_handling_level": ("处置层级「{detail}」不在层级词表中：算作层级未知（可在设置 handling_levels 中加入）",
                      "Handling level '{detail}' is not in the level table: counted as unknown (add it to the setting "
                      "handling_levels)"),
    "unknown_rating": ("满意度「{detail}」不在满意度词表中：不计入评价数（可在设置 satisfaction_words 中加入）",
                       "Satisfaction '{detail}' is not in the satisfaction table: not counted as rated (add it to the "
                       "setting satisfaction_words)"),
    "closed_without_time": ("状态为已结案，但没有结案时间：算作已结案（时间不明，不算按期）",
                            "The status says closed but no closing time is given: counted as closed (time unknown, "
                            "never on time)"),
    "closed_before_reported": ("办结时间早于上报时间", "Closed before it was reported"),
    "missing_coordinates": ("缺少可用坐标，未导入", "No usable coordinates: not imported"),
    "no_location": ("既没有坐标也没有地址", "Neither coordinates nor an address"),
    "snapped": ("位于网格外 {detail} 米，已归入最近的网格", "{detail} m outside every grid: snapped to the nearest"),
    "outside": ("不在任何网格内，距最近网格 {detail} 米", "Outside every grid, {detail} m from the nearest"),
    "address_unmatched": ("地址未能匹配到楼栋（最接近：{detail}）",
                          "Address matched no building (closest: {detail})"),
    "address_fuzzy": ("地址模糊匹配到「{detail}」", "Address fuzzy-matched to '{detail}'"),
    "manual_fix": ("已应用人工修正：{detail}", "Manual fix applied: {detail}"),
    "invalid_polygon": ("多边形无效（{detail}），已自动修复", "Invalid polygon ({detail}): repaired"),
    "empty_geometry": ("几何为空或不是面", "Geometry is empty or not a polygon"),
    "missing_grid_id": ("缺少网格编号", "Grid id is empty"),
    "duplicate_grid_id": ("网格编号重复", "Duplicate grid id"),
    "child_code": ("编号不以上级编号「{detail}」开头", "Code does not start with its parent's code '{detail}'"),
    "unknown_parent": ("上级编号「{detail}」不存在", "Parent code '{detail}' does not exist"),
    "overlap": ("与网格 {detail} 重叠", "Overlaps grid {detail}"),
    "gap": ("街道边界内有未划入网格的空隙：{detail}", "Gap inside the street boundary not covered by any grid: {detail}"),
    # the width is grid_checks.SLIVER_WIDTH_M
    "slivers": ("另有 {detail} 处极窄的重叠或空隙（平均宽度不足 0.5 米），属描边误差，未逐条列出",
                "{detail} more overlaps or gaps narrower than 0.5 m on average: tracing noise, not listed one by one"),
    "id_from_name": ("没有网格编号列，以名称「{detail}」列作编号", "No grid id column: the name column '{detail}' is used as the id"),
    "crs_assumed": ("文件未声明坐标系，按 {detail} 读取", "The file names no coordinate system: read as {detail}"),
    "older_state_kept": ("库中此事件已于 {detail} 办结，而本文件中未办结（可能是较早的导出）：保留库中记录",
                         "The store has this case closed on {detail} but this file has it open (an older export?): "
                         "the stored case is kept"),
    "older_state_overwritten": ("库中此事件已于 {detail} 办结，本文件中未办结：已按本文件改为未办结",
                                "The store had this case closed on {detail}; this file has it open: changed to open "
                                "as you asked"),
    "date_time_combined": ("日期和时刻分在两列，已合并读取：{detail}", "Date and time of day are in two columns: read together as {detail}"),
    "future_date": ("上报时间「{detail}」晚于今天：已导入，但不用于确定统计时段",
                    "Reported '{detail}', after today: imported, but not used to place the pages' periods"),
    "duplicate_id_hint": ("编号列有重复；列「{detail}」的值互不重复，它可能才是事件编号（可在列映射中改选）",
                          "The id column has duplicates; the values of column '{detail}' are all different: it may "
                          "be the real id (choose it in the column mapping)"),
    "sheet_chosen": ("工作簿有多个工作表，读取了「{detail}」；可在工作表选择中换一个",
                     "The workbook has several sheets; read '{detail}' (choose another in the sheet choice)"),
    "header_row": ("表头在第 {detail} 行，上方的标题行已跳过", "The header is on row {detail}; the title rows above it were skipped"),
    "unknown_sheet": ("工作簿中没有工作表「{detail}」", "The workbook has no sheet '{detail}'"),
    "missing_register_id": ("编号为空，未导入", "The id is empty: not imported"),
    "duplicate_register_id": ("编号「{detail}」重复，保留文件中最后一行", "Id '{detail}' appears twice: the last row in the file is kept"),
    "unknown_flag": ("「{detail}」不是“是/否”，按“否”处理", "'{detail}' is neither yes nor no: read as no"),
    "register_all_rejected": ("文件的 {detail} 行都不能使用（原因见上），库中原有的名册保持不变",
                              "None of the file's {detail} rows can be used (see above): the stored register is kept"),
    # boundary files
    "several_layers_uploaded": ("一次只能导入一个图层，收到的文件：{detail}",
                                "One layer at a time, please; the files received: {detail}"),
    "shapefile_incomplete": ("Shapefile 不完整：缺少 {detail}。请把 .shp、.dbf、.shx、.prj（和 .cpg）一起上传，或打包成 .zip",
                             "The Shapefile is incomplete: {detail} is missing. Upload the .shp, .dbf, .shx, .prj (and "
                             ".cpg) together, or as one .zip"),
    "shx_rebuilt": ("缺少索引文件 {detail}，已根据 .shp 重建", "The index file {detail} is missing: rebuilt from the .shp"),
    "dbf_encoding": ("属性表（.dbf）没有 .cpg 说明编码，按内容识别为 {detail}",
                     "The attribute table (.dbf) has no .cpg naming its encoding: read as {detail}, detected from "
                     "its contents"),
    "kml_folders": ("KML 的各个文件夹都已读取：{detail}", "Every folder of the KML was read: {detail}"),
    "unknown_layer": ("文件中没有图层「{detail}」", "The file has no layer '{detail}'"),
    "layer_chosen": ("文件有多个图层，读取了「{detail}」；可在图层选择中换一个",
                     "The file has several layers; read '{detail}' (choose another in the layer choice)"),
    "crs_missing_metres": ("坐标是米制（如 {detail}）但文件未声明坐标系：请选择坐标系（如 EPSG:4547）后再导入",
                           "The coordinates are in metres (e.g. {detail}) but the file names no coordinate system: "
                           "choose one (e.g. EPSG:4547) and import again"),
    "no_polygons": ("文件中没有面要素（只有：{detail}），不能作为网格边界",
                    "The file has no polygons (only: {detail}): it cannot be a grid layer"),
    "no_lines": ("文件中没有线要素或面要素（只有：{detail}），不能作为道路、河流或围墙线",
                 "The file has no lines or polygons (only: {detail}): it cannot be a layer of roads, rivers or walls"),
    "codes_generated": ("没有编号列，也没有不重复的名称：已按从西到东、从北到南的顺序生成 {detail} 个编号（G0001 起）",
                        "No code column and no unique names: {detail} codes were made (G0001 on, west to east, north "
                        "to south)"),
    "id_generated": ("网格编号为空：已用名称或生成的编号代替", "Empty code: the name or a made code is used instead"),
    "parts_merged": ("{detail} 个要素共用这个编号，已合并为一个多部分网格",
                     "{detail} features share this code: joined into one grid in several parts"),
    "community_from_folder": ("没有社区列：以 KML 的 {detail} 个文件夹作为社区",
                              "No community column: the KML's {detail} folders are the communities"),
    "unknown_level": ("无法识别的层级「{detail}」，按网格处理", "Unrecognised level '{detail}': read as a grid"),
    "no_usable_grids": ("文件中的 {detail} 个要素都不能用作网格（见上面各行），未导入，现行划分不变",
                        "None of the file's {detail} features can be a grid (see the lines above): nothing was "
                        "imported, the current division stays"),
    "code_not_digits": ("编号不全是数字", "The code is not all digits"),
    "code_length": ("编号位数不符合编码规则（{detail}）", "The code's length breaks the coding rule ({detail})"),
    "street_prefix": ("编号不以街道编码「{detail}」开头", "The code does not start with the street's code '{detail}'"),
}

@dataclass(frozen=True)
class Problem:
    """One problem found while reading.

    Attributes
    ----------
    row : int or None
        Row number as a spreadsheet shows it (header = 1, first data row = 2); for layers, the
        feature number (1-based); None for file-level problems.
    column : str
        The source column (or field) concerned, '' when none.
    value : str
        The offending value as read, '' when none.
    code : str
        Key into :data:`MESSAGES`.
    severity : str
        ``error`` (row rejected, kept for review), ``warning`` (kept, flagged) or ``info``.
    detail : str
        Text substituted into the message.
    """

    row: int | None
    column: str
    value: str
    code: str
    severity: str = "error"
    detail: str = ""

    def message(self, lang: str = "zh") -> str:
        """The reason in Chinese (``zh``) or English (``en``)."""
        zh, en = MESSAGES[self.code]
        return (zh if lang == "zh" else en).format(detail=self.detail)


@dataclass
class ProblemReport:
    """An ordered list of problems with helpers to count and tabulate them."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, row: int | None, column: object, value: object, code: str, severity: str = "error",
            detail: object = "") -> None:
        """Append one problem (see :class:`Problem` for the fields)."""
        if code not in MESSAGES:
            raise KeyError(f"no message for problem code {code!r}")
        self.problems.append(Problem(row, str(column), "" if value is None else str(value),
                                     code, severity, str(detail)))

    def extend(self, other: ProblemReport) -> None:
        """Append every problem of ``other``."""
        self.problems.extend(other.problems)

    def __len__(self) -> int:
        return len(self.problems)

    def count(self, severity: str | None = None, code: str | None = None) -> int:
        """Number of problems, optionally of one severity and/or code."""
        return sum(1 for p in self.problems
                   if (severity is None or p.severity == severity) and (code is None or p.code == code))

    def codes(self) -> set[str]:
        """The distinct problem codes present."""
        return {p.code for p in self.problems}

    def to_frame(self, lang: str = "zh") -> pd.DataFrame:
        """One row per problem with columns row, column, value, code, severity, reason."""
        return pd.DataFrame(
            {
                "row": pd.array([p.row for p in self.problems], dtype="Int64"),
                "column": [p.column for p in self.problems],
                "value": [p.value for p in self.problems],
                "code": [p.code for p in self.problems],
                "severity": [p.severity for p in self.problems],
                "reason": [p.message(lang) for p in self.problems],
            }
        )


# file-level notes of a file read in parts that say one thing of the whole file, whatever each part's detail;
# of these, the ones whose detail is a count
_ONE_PER_FILE = {"deadline_end_of_day", "duplicate_id_hint"}
_COUNTED = {"deadline_end_of_day"}


def merged_notes(notes: list[Problem]) -> list[Problem]:
    """The file-level lines of the parts of one file as the whole file's: each line once, in the order first
    seen; a count (``deadline_end_of_day``) summed over the parts, a column hint as the first part gave it."""
    out: dict[tuple[str, ...], Problem] = {}
    for note in notes:
        key = (note.column, note.value, note.code, note.severity, "" if note.code in _ONE_PER_FILE else note.detail)
        if key in out and note.code in _COUNTED:
            out[key] = replace(out[key], detail=str(int(out[key].detail) + int(note.detail)))
        else:
            out.setdefault(key, note)
    return list(out.values())


class ReadError(Exception):
    """A whole file cannot be read; carries the report that says why."""

    def __init__(self, report: ProblemReport):
        self.report = report
        super().__init__("; ".join(p.message("en") for p in report.problems))
