"""Labels of the ledger page (台账: who is responsible, 问题清单, 销号): (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "page_ledger": ("责任台账", "Ledgers"),
    "ledger_title": ("责任台账", "Ledgers by responsible person"),
    "ledger_caption": ("每件事件的责任人：导出中的处置人（与人员名册对上时显示工号）；没有处置人时，为事件所在微网格、再为所在网格"
                       "登记的责任人员（按设置 responsible_roles 的岗位顺序）。同名的人员按工号各记一本台账；处置人写的是同名者时，"
                       "取负责事件所在网格的那一位，否则取名册中的第一位。台账列出本期上报或期末仍未结案的事件：已结案的为“已销号”。",
                       "Each case's responsible person: the handler the export names (with the worker id when the "
                       "register knows the name); with no handler, the worker registered on its micro-grid, then on "
                       "its grid (by the role order of setting responsible_roles). Workers who share a name each have "
                       "their own ledger, by worker id; a handler written as a shared name is the one registered on the "
                       "case's grid, else the first in the register. A ledger lists the cases reported in the period or "
                       "still open at its end; those closed are closed off."),
    "ledger_people": ("责任人", "Responsible people"), "ledger_lines": ("台账事件", "Cases on the ledgers"),
    "ledger_closed_off": ("已销号", "Closed off"), "ledger_open": ("在办", "Open"),
    "ledger_overdue": ("超期", "Overdue"), "ledger_nobody": ("无责任人", "No responsible person"),
    "ledger_summary": ("各责任人台账", "Ledger per person"),
    "ledger_summary_hint": ("点击一行，查看其问题清单。", "Click a row for that person's list."),
    "ledger_person": ("责任人", "Responsible person"),
    "ledger_person_id": ("{name}（{id}）", "{name} ({id})"), "ledger_everyone": ("全部责任人", "Everyone"),
    "ledger_list": ("问题清单：{who}", "Cases: {who}"),
    "ledger_nobody_note": ("{n} 件事件既没有处置人，所在网格也没有登记责任人员：在“无责任人”下列出。请在人员名册中为这些网格登记网格员。",
                           "{n} cases name no handler and lie where no worker is registered: listed under 'no "
                           "responsible person'. Register a worker for those grids."),
    "col_responsible": ("责任人", "Responsible"), "col_worker_id": ("工号", "Worker id"),
    "col_lines": ("台账事件（件）", "Cases"), "col_closed_off": ("已销号（件）", "Closed off"),
    "col_ledger_state": ("销号状态", "State"), "col_basis": ("责任依据", "Because"),
    "col_event_name": ("事件名称", "Event"), "col_description": ("描述", "Description"),
    "wish_title": ("微心愿", "Micro-wishes"),
    "wish_none": ("数据中没有微心愿记录（事件大类或小类为：{words}；见设置 wish_categories）。",
                  "The data holds no micro-wish (a record whose category or subcategory is: {words}; setting "
                  "wish_categories)."),
    "wish_collected": ("本期收集", "Collected"), "wish_fulfilled": ("已实现", "Fulfilled"),
    "wish_rate": ("实现率", "Fulfilment rate"), "wish_open": ("待实现（期末）", "Open at the end"),
    "col_closed_at": ("结案时间", "Closed at"), "col_photos": ("照片", "Photos"),
    "card_photos": ("未结案事件的现场照片", "Photos of the open cases"),
    "state_closed_off": ("已销号", "Closed off"), "state_overdue": ("超期", "Overdue"), "state_open": ("在办", "Open"),
    "basis_handler": ("处置人", "Handler"), "basis_micro": ("微网格责任人", "Micro-grid's worker"),
    "basis_grid": ("网格责任人", "Grid's worker"), "basis_": ("—", "—"),
}
