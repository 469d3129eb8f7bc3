"""责任台账 Ledgers: each case's responsible person, a ledger per person (问题清单) with close-off (销号)."""
import functools

import pandas as pd
import streamlit as st

from ui import formats, loaders
from ui.cards import Card, cards
from ui.errors import run_page
from ui.filters import analysis_page
from ui.i18n import named, t
from ui.theme import presenting
from ui.widgets import downloads, show_table

EVERYONE = "\x00everyone"
PERSON_KEY = "ledger_person"
SUMMARY = {"responsible": "col_responsible", "worker_id": "col_worker_id", "lines": "col_lines",
           "closed_off": "col_closed_off", "backlog": "col_open", "overdue": "col_overdue_n", "due": "col_due",
           "closure_rate": "col_closure", "on_time_closure_rate": "col_on_time_rate", "disposal_rate": "col_disposal",
           "satisfaction_rate": "col_satisfaction"}
LINES = {"incident_id": "col_incident", "ledger_state": "col_ledger_state", "responsible": "col_responsible",
         "basis": "col_basis", "grid": "col_grid", "category": "col_category", "subcategory": "f_subcategories",
         "event_name": "col_event_name", "description": "col_description", "reported_at": "col_reported_at",
         "due_at": "col_due_at", "closed_at": "col_closed_at", "days_overdue": "col_days_overdue",
         "status": "f_status", "reporter_phone": "col_phone"}
# the columns a meeting room reads in projector mode
ROOM_SUMMARY = ("responsible", "lines", "backlog", "overdue", "on_time_closure_rate")
ROOM_LINES = ("incident_id", "ledger_state", "grid", "subcategory", "days_overdue")


def who(name: str) -> str:
    """A name as the page writes it ('' is nobody)."""
    return t("ledger_nobody") if name == "" else name


def person_labels(summary: pd.DataFrame) -> dict[str, str]:
    """Each person of the summary as the chooser names them: the name, and a worker's id (two workers may share
    a name)."""
    return {person: t("ledger_person_id", name=who(name), id=worker) if worker else who(name)
            for person, name, worker in zip(summary["person"], summary["responsible"], summary["worker_id"])}


def choose_row(people: list[str]) -> None:
    """``on_select`` of the summary table: the clicked person's list is shown (selection cleared)."""
    event = st.session_state.get("ledger_table")
    rows = list(event.selection.rows) if event is not None else []
    if rows:
        st.session_state[PERSON_KEY] = people[rows[0]]
    st.session_state.pop("ledger_table", None)


def render() -> None:
    """Draw the page."""
    view = analysis_page("page_ledger", "ledger_title", needs=("workers", "handlers"))
    st.caption(t("ledger_caption"))
    everyone = loaders.ledger(*view.key, None)
    summary = everyone["summary"]
    states = everyone["lines"]["ledger_state"].value_counts()
    nobody = summary.loc[summary["person"] == "", "lines"].sum()
    cards([Card(t("ledger_people"), f"{(summary['person'] != '').sum():,}"),
           Card(t("ledger_lines"), f"{int(states.sum()):,}"),
           Card(t("ledger_closed_off"), f"{int(states.get('closed_off', 0)):,}"),
           Card(t("ledger_open"), f"{int(states.get('open', 0)):,}"),
           Card(t("ledger_overdue"), f"{int(states.get('overdue', 0)):,}")], per_row=5)
    if nobody:
        st.warning(t("ledger_nobody_note", n=int(nobody)))

    st.subheader(t("ledger_summary"))
    if not presenting():                     # a projected table has no rows to click
        st.caption(t("ledger_summary_hint"))
    people, labels = summary["person"].tolist(), person_labels(summary)
    shown = summary[list(SUMMARY)].assign(responsible=summary["responsible"].map(who))
    for column in ("closure_rate", "on_time_closure_rate", "disposal_rate", "satisfaction_rate"):
        shown[column] = shown[column].map(formats.percent)
    shown = shown.rename(columns={k: t(v) for k, v in SUMMARY.items()})
    show_table(shown, present_columns=[t(SUMMARY[c]) for c in ROOM_SUMMARY], hide_index=True, width="stretch",
               height=360, selection_mode="single-row", key="ledger_table", on_select=functools.partial(choose_row, people))
    downloads(shown, "ledger_people", "dl_ledger_people")

    options = [EVERYONE, *people]
    if st.session_state.get(PERSON_KEY) not in options:
        st.session_state[PERSON_KEY] = EVERYONE
    person = st.selectbox(t("ledger_person"), options, key=PERSON_KEY,
                          format_func=lambda p: t("ledger_everyone") if p == EVERYONE else labels[p])
    chosen = None if person == EVERYONE else person
    lines = everyone["lines"] if chosen is None else loaders.ledger(*view.key, chosen)["lines"]
    st.subheader(t("ledger_list", who=t("ledger_everyone") if chosen is None else labels[chosen]))
    if lines.empty:
        st.info(t("none_to_show"))
        return
    listed = lines.assign(ledger_state=named(lines["ledger_state"], lambda s: t(f"state_{s}")),
                          basis=named(lines["basis"], lambda b: t(f"basis_{b}")),
                          responsible=named(lines["responsible"], who),
                          reported_at=lines["reported_at"].dt.strftime("%Y-%m-%d %H:%M"),
                          due_at=lines["due_at"].dt.strftime("%Y-%m-%d %H:%M"),
                          closed_at=lines["closed_at"].dt.strftime("%Y-%m-%d %H:%M").fillna(""))
    listed = pd.DataFrame(listed[list(LINES)]).rename(columns={k: t(v) for k, v in LINES.items()})
    show_table(listed, present_columns=[t(LINES[c]) for c in ROOM_LINES], hide_index=True, width="stretch", height=420)
    downloads(listed, "ledger", "dl_ledger")


run_page(render)
