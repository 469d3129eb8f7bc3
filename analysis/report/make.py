"""Make the meeting's handout in one of four formats from a :class:`analysis.report.meeting.Meeting`."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis.report.labels import say
from analysis.report.meeting import STEPS, Meeting
from analysis.report.pdf import write_pdf
from analysis.report.sections import Section, section
from analysis.report.slides import write_pptx
from analysis.report.webpage import write_html
from analysis.report.word import write_docx

Writer = Callable[[list[Section], str, str, str], bytes]
FORMATS: dict[str, tuple[Writer, str]] = {
    "pdf": (write_pdf, "application/pdf"),
    "docx": (write_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pptx": (write_pptx, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "html": (write_html, "text/html"),
}
Progress = Callable[[float, str], None]


def subtitle(m: Meeting, lang: str, made_at: pd.Timestamp | None = None) -> str:
    """The handout's second line: the week and when the handout was made."""
    week = say("mt_week_line", lang, label=m.label, first=f"{m.week.start:%Y-%m-%d}",
               last=f"{m.week.last_day():%Y-%m-%d}")
    when = (made_at or pd.Timestamp.now()).strftime("%Y-%m-%d %H:%M")
    return f"{week} · {say('mt_made_at', lang, when=when)}"


def handout(m: Meeting, fmt: str, lang: str = "zh", progress: Progress | None = None) -> bytes:
    """The handout of ``m`` as bytes of format ``fmt`` (a key of :data:`FORMATS`) in ``lang`` ('zh' / 'en').

    ``progress(fraction, step title)`` is called as each step is drawn (the pictures take most of the time)
    and once more, with 1.0, when the file is written.

    Raises
    ------
    ValueError
        An unknown format.
    analysis.report.fonts.FontMissing
        No Chinese font on this machine.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    sections = []
    for number, step in enumerate(STEPS):
        sections.append(section(m, step, lang))
        if progress is not None:
            progress((number + 1) / (len(STEPS) + 1), sections[-1].title)
    writer, _ = FORMATS[fmt]
    data = writer(sections, say("mt_report_title", lang), subtitle(m, lang), lang)
    if progress is not None:
        progress(1.0, fmt)
    return data
