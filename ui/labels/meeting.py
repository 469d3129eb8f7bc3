"""Labels of the weekly meeting page (周例会): the meeting's own words (:mod:`analysis.report.labels`, shared
with the handout) and the page's controls."""
from analysis.report.labels import TEXT as MEETING_TEXT

TEXT: dict[str, tuple[str, str]] = {
    **MEETING_TEXT,
    "page_meeting": ("周例会", "Weekly review"),
    "mt_week": ("会议周", "Week"),
    "mt_prev": ("上一步", "Previous"), "mt_next": ("下一步", "Next"),
    "mt_keys": ("翻页：← → 键或翻页笔（PageUp / PageDown）", "Move with ← → or a presentation clicker "
                "(PageUp / PageDown)"),
    "mt_jump": ("步骤", "Step"),
    "mt_notes_label": ("本周决定事项与备注（随本周保存，下周会上显示为“上周决定事项”）",
                       "This week's decisions and notes (kept with the week; shown next week as last week's)"),
    "mt_notes_save": ("保存决定事项", "Save the decisions"),
    "mt_notes_saved": ("已保存 {week} 的决定事项。", "Decisions of {week} saved."),
    "mt_handout": ("会议材料下载", "Handout"),
    "mt_format": ("格式", "Format"), "mt_handout_lang": ("语言", "Language"),
    "mt_make": ("生成会议材料", "Make the handout"),
    "mt_making": ("正在生成：{step}", "Making: {step}"),
    "mt_made": ("已生成 {name}（{size} KB）", "{name} is ready ({size} KB)"),
    "mt_download": ("下载 {name}", "Download {name}"),
    "mt_fmt_pdf": ("PDF（打印）", "PDF (to print)"), "mt_fmt_docx": ("Word（可编辑）", "Word (editable)"),
    "mt_fmt_pptx": ("PowerPoint（投影）", "PowerPoint (slides)"), "mt_fmt_html": ("网页（内网发布）", "Web page (intranet)"),
    "mt_no_data": ("还没有事件数据：导入事件后即可召开周例会。", "No incidents yet: import incidents to hold the meeting."),
    "err_font": ("{message}", "{message}"),
}
