"""The problem report every read returns: row, column, value and reason, in Chinese and English.

Nothing is dropped without a line here. ``severity`` says what happened to the row:
``error`` (the row was not imported and is kept for review), ``warning`` (imported, flagged),
``info`` (a note about the whole file).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# code -> (Chinese template, English template); templates use ``str.format`` fields.
MESSAGES: dict[str, tuple[str, str]] = {
    "empty_file": ("文件为空，没有可读的数据行", "The file is empty: no data rows to read"),
    "unreadable_file": ("无法读取文件：{detail}", "Cannot read the file: {detail}"),
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
    "half_coordinate": ("只有经度或只有纬度", "Only one of longitude and latitude is given"),
    "bad_coord_system": ("无法识别的坐标系「{detail}」", "Unknown coordinate system '{detail}'"),
    "bad_date": ("无法识别的日期「{detail}」", "Unrecognised date '{detail}'"),
    "missing_date": ("缺少上报时间", "Report time is empty"),
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
    "id_from_name": ("没有网格编号列，以名称「{detail}」列作编号", "No grid id column: the name column '{detail}' is used as the id"),
    "crs_assumed": ("文件未声明坐标系，按 {detail} 读取", "The file names no coordinate system: read as {detail}"),
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


class ReadError(Exception):
    """A whole file cannot be read; carries the report that says why."""

    def __init__(self, report: ProblemReport):
        self.report = report
        super().__init__("; ".join(p.message("en") for p in report.problems))
