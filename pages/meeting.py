"""周例会 Weekly review: the meeting as a sequence of full-screen steps for one week, moved with ← → or a
presentation clicker (PageUp / PageDown), the decisions typed in and kept with the week, and the handout
(PDF, Word, PowerPoint, HTML) made from the same figures."""
import html
from dataclasses import replace

import pandas as pd
import streamlit as st

from analysis.metrics import Kpi
from analysis.report import STEPS, last_full_week, week_label, week_of
from analysis.report.labels import say
from analysis.report.sections import Section
from analysis.sanitise import mask_phone_text
from ui import actions, formats, loaders
from ui.cards import Card, cards, tone
from ui.errors import run_page
from ui.i18n import lang, t
from ui.page import setup
from ui.theme import presenting
from ui.widgets import show_table

WEEKS_OFFERED = 156   # at most three years of weeks, back to the week of the first report
FORMATS = ("pdf", "docx", "pptx", "html")
MIMES = {"pdf": "application/pdf", "html": "text/html",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}


def _move(delta: int) -> None:
    """Go ``delta`` steps forward or back (on_click of the step buttons and their keys)."""
    st.session_state["mt_step"] = min(max(int(st.session_state.get("mt_step", 0)) + delta, 0), len(STEPS) - 1)


def _week_text(start: pd.Timestamp) -> str:
    week = week_of(start)
    return say("mt_week_line", lang(), label=week_label(week), first=f"{week.start:%m-%d}",
               last=f"{week.last_day():%m-%d}")


def _controls() -> None:
    """The step buttons (← →; PageUp / PageDown, which a clicker sends, on hidden buttons) and the step list."""
    back, middle, forward = st.columns([1, 3, 1], vertical_alignment="center")
    back.button(t("mt_prev"), key="mt_back", on_click=_move, args=(-1,), shortcut="Left", icon=":material/arrow_back:",
                width="stretch")
    forward.button(t("mt_next"), key="mt_forward", on_click=_move, args=(1,), shortcut="Right", type="primary",
                   icon=":material/arrow_forward:", icon_position="right", width="stretch")
    middle.selectbox(t("mt_jump"), range(len(STEPS)), key="mt_step", label_visibility="collapsed",
                     format_func=lambda i: f"{i + 1}. {t(f'mt_step_{STEPS[i]}')}")
    with st.container(key="mt_clicker"):                       # hidden by ui.theme; their keys still work
        st.button("PageUp", key="mt_pgup", on_click=_move, args=(-1,), shortcut="PageUp")
        st.button("PageDown", key="mt_pgdn", on_click=_move, args=(1,), shortcut="PageDown")


def _say(lines: list[str]) -> None:
    for line in lines:
        st.html(f"<p class=\"gl-say\">{html.escape(line)}</p>")


def _headline(m_kpis: list[Kpi], four_weeks: dict[str, float]) -> None:
    cards([Card(t(f"kpi_{k.key}"), formats.value(k.kind, k.value), formats.change(k.kind, k.change),
                "flat" if formats.flat(k.kind, k.change) else tone(k.change, k.better),
                f"{t('mt_col_four_weeks')}: {formats.value(k.kind, four_weeks[k.key])}") for k in m_kpis], per_row=5)


def _step(rev: str, version: int, start: pd.Timestamp, step: str) -> None:
    """Draw one step: its lines, picture and table (the decisions step has its own form)."""
    m = loaders.meeting(rev, version, start)
    if step == "decisions":
        _decisions(m.label, week_label(week_of(start).previous()))
        return
    section = loaders.meeting_section(rev, version, start, step, lang(), presenting())
    if step == "headline":
        _headline(m.kpis, m.four_weeks_back)
    _say(section.lines)
    table = section.table
    if section.pictures and table is not None and not table.empty:
        left, right = st.columns([3, 2])
        left.image(section.pictures[0], width="stretch")
        with right:
            _table(section)
    elif section.pictures:                                    # alone: as wide as it would be beside a table,
        st.columns([3, 1])[0].image(section.pictures[0], width="stretch")      # so that it fits the screen
    elif table is not None and not table.empty:
        _table(section)


def _table(section: Section) -> None:
    if section.table is None:
        return
    show_table(section.table, present_columns=list(section.room_columns) or None, hide_index=True, width="stretch")


def _decisions(week: str, last_week: str) -> None:
    key = f"mt_notes_{week}"
    if key not in st.session_state:
        st.session_state[key] = actions.week_notes(week)
    st.text_area(t("mt_notes_label"), key=key, height=220)
    st.button(t("mt_notes_save"), key="mt_save", on_click=actions.save_week_notes, args=(week, key),
              icon=":material/save:")
    flash = st.session_state.pop("mt_flash", None)
    if flash:
        st.success(flash)
    st.subheader(t("mt_notes_last_week"))
    _say([mask_phone_text(actions.week_notes(last_week)) or t("mt_notes_empty")])


def _handout(rev: str, version: int, start: pd.Timestamp) -> None:
    """Make the handout of the week in the chosen format with a progress bar, then offer it for download."""
    from analysis.report.make import handout  # pulls in the writers: only when one is made
    st.subheader(t("mt_handout"))
    left, middle, right = st.columns([2, 1, 1], vertical_alignment="bottom")
    fmt = left.radio(t("mt_format"), FORMATS, format_func=lambda f: t(f"mt_fmt_{f}"), horizontal=True, key="mt_fmt")
    chosen_lang = middle.radio(t("mt_handout_lang"), ("zh", "en"), index=0 if lang() == "zh" else 1,
                               format_func={"zh": "中文", "en": "English"}.get, horizontal=True, key="mt_lang")
    right.button(t("mt_make"), key="mt_make", on_click=st.session_state.__setitem__, args=("mt_wanted", True),
                 icon=":material/description:", width="stretch")
    m = loaders.meeting(rev, version, start)
    name = f"gridlens-{m.label}-{chosen_lang}.{fmt}"
    if st.session_state.pop("mt_wanted", False):
        bar = st.progress(0.0, text=t("mt_making", step=""))
        notes = replace(m, notes=actions.week_notes(m.label),
                        last_notes=actions.week_notes(week_label(m.week.previous())))
        def show(fraction: float, step: str) -> None:
            bar.progress(fraction, text=t("mt_making", step=step))
        data = handout(notes, fmt, chosen_lang, show)
        bar.empty()
        st.session_state["mt_file"] = (rev, name, data)
    made = st.session_state.get("mt_file")
    if made and made[0] == rev and made[1] == name:
        st.caption(t("mt_made", name=name, size=f"{len(made[2]) / 1024:,.0f}"))
        st.download_button(t("mt_download", name=name), made[2], file_name=name, mime=MIMES[fmt], key="mt_download",
                           icon=":material/download:", type="primary")


def render() -> None:
    """Draw the page: the step first (what the room reads), then the controls, the week and the handout."""
    setup("page_meeting")
    rev = loaders.revision()
    versions = loaders.versions(rev)
    if versions.empty:
        st.title(t("mt_title"))
        st.info(t("no_boundaries"))
        st.stop()
    version = int(versions.loc[versions["is_current"].astype(bool), "version_id"].iloc[0])
    ds = loaders.dataset(rev, version)
    if ds.anchor is None:
        st.title(t("mt_title"))
        st.info(t("mt_no_data"))
        st.stop()
    last = last_full_week(ds.anchor).start
    first = ds.incidents["reported_at"].min()
    back = int((last - week_of(first).start).days // 7) + 1 if pd.notna(first) else 1
    weeks = [last - pd.Timedelta(weeks=n) for n in range(min(max(back, 1), WEEKS_OFFERED))]
    if st.session_state.get("mt_week") not in weeks:
        st.session_state["mt_week"] = weeks[0]
    start = st.session_state["mt_week"]
    step = int(st.session_state.setdefault("mt_step", 0))
    with st.container(key="mt_head"):                      # compact in projector mode (ui.theme): the step is
        st.title(t("mt_title"))                            # what the room reads
        st.header(f"{step + 1}. {t(f'mt_step_{STEPS[step]}')}")
        st.progress((step + 1) / len(STEPS),
                    text=f"{t('mt_step_of', n=step + 1, total=len(STEPS))} · {_week_text(start)}")
    _step(rev, version, start, STEPS[step])
    st.divider()
    _controls()
    week, keys = st.columns([2, 3], vertical_alignment="bottom")
    week.selectbox(t("mt_week"), weeks, format_func=_week_text, key="mt_week")
    keys.caption(t("mt_keys"))
    _handout(rev, version, start)


run_page(render)
