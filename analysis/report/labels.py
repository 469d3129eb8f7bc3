"""The meeting's words, Chinese and English: step titles, the reasons given for each grid, table headers.

The meeting page takes them through ``ui.labels`` (one wording for the page and the handout); the headline
figures' names are also the overview's (:data:`KPI_NAMES`).
"""
from __future__ import annotations

KPI_NAMES: dict[str, tuple[str, str]] = {
    "reported": ("上报事件", "Incidents reported"), "closure_rate": ("结案率", "Closure rate"),
    "on_time_rate": ("按期结案率", "On-time rate"), "disposal_rate": ("处置率", "Disposal rate"),
    "satisfaction_rate": ("满意率", "Satisfaction rate"), "median_days": ("办结用时中位数", "Median to close"),
    "backlog": ("未办结（期末）", "Open backlog"), "overdue": ("超期未办结", "Overdue open cases"),
    "within_grid": ("网格内办结占比", "Closed in grid"), "services": ("志愿服务", "Volunteer services"),
}

TEXT: dict[str, tuple[str, str]] = {
    "mt_title": ("周例会", "Weekly review"),
    "mt_report_title": ("网格治理周例会", "Weekly grid review"),
    "mt_week_line": ("{label}（{first} 至 {last}）", "{label} ({first} to {last})"),
    "mt_made_at": ("生成时间：{when}", "Made {when}"),
    "mt_step_of": ("第 {n} 步，共 {total} 步", "Step {n} of {total}"),
    "mt_step_headline": ("本周主要指标", "This week's headline figures"),
    "mt_step_discuss": ("需要讨论的网格", "Grids to discuss"),
    "mt_step_overdue": ("超期未办结事件", "Overdue cases"),
    "mt_step_hotspots": ("热点与密度", "Hotspots and density"),
    "mt_step_levels": ("按处置层级办结（小事不出网格）", "Closed by level (small matters stay in the grid)"),
    "mt_step_volunteers": ("志愿服务", "Volunteers"),
    "mt_step_proposals": ("网格调整方案", "Division proposals"),
    "mt_step_decisions": ("决定事项与备注", "Decisions and notes"),
    # headline
    "mt_col_figure": ("指标", "Figure"), "mt_col_week": ("本周", "This week"),
    "mt_col_last_week": ("上周", "Last week"), "mt_col_change": ("较上周", "Change"),
    "mt_col_four_weeks": ("四周前同期", "Four weeks back"),
    "mt_headline_line": ("本周上报 {reported} 件，按期结案率 {on_time}，期末超期未办结 {overdue} 件。",
                         "{reported} incidents reported this week; on-time rate {on_time}; {overdue} overdue "
                         "open cases at the week's end."),
    "mt_trend_title": ("近八周上报与办结（件/周）", "Reported and closed, last eight weeks (per week)"),
    "mt_trend_reported": ("上报", "Reported"), "mt_trend_closed": ("办结", "Closed"),
    # grids to discuss
    "mt_list_load": ("每百户上报最多", "Most reports per 100 households"),
    "mt_list_overdue": ("超期最多", "Most overdue"),
    "mt_list_falling": ("按期结案率降幅最大", "Largest fall in on-time rate"),
    "mt_why_load": ("每百户上报 {per100} 件（{reported} 件），为全街道的 {ratio} 倍",
                    "{per100} reports per 100 households ({reported}), {ratio} times the street's"),
    "mt_why_overdue": ("{overdue} 件超期未办结，积压 {backlog} 件", "{overdue} overdue open cases, backlog {backlog}"),
    "mt_why_falling": ("按期结案率由 {before} 降至 {now}（{due} 件到期）",
                       "on-time rate fell from {before} to {now} ({due} cases due)"),
    "mt_col_list": ("类别", "List"), "mt_col_grid": ("网格", "Grid"), "mt_col_community": ("社区", "Community"),
    "mt_col_reason": ("原因", "Reason"),
    "mt_discuss_none": ("本周没有需要特别讨论的网格。", "No grid stands out this week."),
    "mt_discuss_line": ("{n} 个网格值得讨论，原因见表。", "{n} grids to discuss; the reasons are in the table."),
    "mt_map_load": ("每百户上报（件）", "Reports per 100 households"),
    # overdue
    "mt_overdue_none": ("本周末没有超期未办结的事件。", "No case was overdue at the week's end."),
    "mt_overdue_line": ("共 {n} 件超期未办结，最早的已超期 {days} 天。",
                        "{n} overdue open cases; the oldest is {days} days past its deadline."),
    "mt_overdue_more": ("表中列出最早的 {shown} 件，共 {n} 件。", "The oldest {shown} of {n} are listed."),
    "mt_col_case": ("事件编号", "Case"), "mt_col_category": ("类别", "Category"),
    "mt_col_event": ("事件名称", "Event"), "mt_col_reported": ("上报时间", "Reported"),
    "mt_col_due": ("处理期限", "Due"), "mt_col_days_overdue": ("超期天数", "Days overdue"),
    "mt_col_responsible": ("责任人", "Responsible"), "mt_col_phone": ("联系电话", "Phone"),
    "mt_nobody": ("未明确", "not known"),
    # hotspots
    "mt_hot_line": ("本周上报 {n} 件；{hot} 个热点格（Gi* 95% 以上）。",
                    "{n} reports this week; {hot} hot cells (Gi* 95% or more)."),
    "mt_hot_none": ("本周没有统计显著的热点。", "No significant hotspot this week."),
    "mt_map_reported": ("本周上报（件）", "Reported this week"),
    "mt_hot_legend": ("热点格", "Hot cell"),
    "mt_top_grids": ("上报最多的网格：{names}", "Most reports: {names}"),
    # levels
    "mt_col_level": ("处置层级", "Level"), "mt_col_closed": ("办结件数", "Closed"), "mt_col_share": ("占比", "Share"),
    "mt_levels_line": ("本周办结 {closed} 件，其中网格内办结 {share}。",
                       "{closed} cases closed this week; {share} within the grid."),
    "mt_levels_none": ("本周没有办结的事件。", "No case was closed this week."),
    "mt_level_grid": ("网格", "Grid"), "mt_level_community": ("社区", "Community"),
    "mt_level_street": ("街道", "Street"), "mt_level_department": ("职能部门", "Department"),
    "mt_level_unknown": ("未注明", "Not given"),
    # volunteers
    "mt_vol_line": ("本周志愿服务 {services} 次、{hours} 小时（上周 {services_before} 次、{hours_before} 小时）。",
                    "{services} volunteer services, {hours} hours this week (last week {services_before}, "
                    "{hours_before} hours)."),
    "mt_vol_active": ("在册志愿者 {volunteers} 人，近期活跃 {active} 人。",
                      "{volunteers} volunteers on the register, {active} active lately."),
    "mt_vol_wishes": ("微心愿：本周收集 {collected} 个，实现 {fulfilled} 个，待实现 {open} 个。",
                      "Micro-wishes: {collected} collected this week, {fulfilled} fulfilled, {open} open."),
    "mt_vol_gaps": ("{n} 个网格没有活跃志愿者：", "{n} grids have no active volunteer:"),
    "mt_vol_no_gaps": ("每个网格都有活跃志愿者。", "Every grid has an active volunteer."),
    "mt_col_households": ("户数", "Households"),
    "mt_map_no_volunteer": ("无活跃志愿者的网格", "Grids without an active volunteer"),
    # proposals
    "mt_prop_none": ("没有待决定的网格调整方案。", "No division proposal awaits a decision."),
    "mt_prop_line": ("方案「{name}」第 {revision} 版（{author}，{when}）：调整 {changed} 个网格",
                     "Plan “{name}” revision {revision} ({author}, {when}): {changed} grids changed"),
    "mt_col_before": ("现行划分", "Current"), "mt_col_after": ("方案", "Plan"),
    "mt_fig_grids": ("网格数", "Grids"), "mt_fig_households_cv": ("户数离散系数", "Households CV"),
    "mt_fig_workload_cv": ("工作量离散系数", "Workload CV"),
    "mt_fig_outside_norm": ("超出户数标准的网格", "Grids outside the household norm"),
    "mt_fig_not_contiguous": ("不连续的网格", "Grids in several parts"),
    "mt_fig_compactness_mean": ("平均紧凑度", "Mean compactness"),
    "mt_map_plan": ("「{name}」调整的网格（红线）", "Grids “{name}” changes (red)"),
    # decisions
    "mt_notes_this_week": ("本周决定事项", "This week's decisions"),
    "mt_notes_last_week": ("上周决定事项", "Last week's decisions"),
    "mt_notes_empty": ("（未记录）", "(none recorded)"),
    "mt_more_rows": ("另有 {n} 行未列出。", "{n} more rows not listed."),
}
LEVEL_KEYS = ("grid", "community", "street", "department", "unknown")


def say(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` ('zh' or 'en'), with ``{name}`` fields filled in."""
    zh, en = TEXT[key] if key in TEXT else KPI_NAMES[key.removeprefix("kpi_")]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text
