"""The handout as PowerPoint slides (.pptx, python-pptx): 16:9, one slide per meeting step, large type for
the back of the room; pictures on the left, the table on the right (or across when there is no picture)."""
from __future__ import annotations

import io
import math

from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt

from analysis.report.fonts import cjk_font
from analysis.report.sections import Section

WIDE, HIGH = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.4)
SLIDE_ROWS = 7
BLANK = 6                   # the default template's blank layout


def _write(frame: TextFrame, lines: list[tuple[str, int, bool]], family: str) -> None:
    """Fill ``frame`` with (text, size in pt, bold) paragraphs in ``family`` (Latin and East Asian slots)."""
    frame.word_wrap = True
    for number, (text, size, bold) in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()   # type: ignore[no-untyped-call]
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, family
        latin = run.font._rPr.get_or_add_latin()      # python-pptx names the Latin font only: add the East Asian
        latin.addnext(latin.makeelement(qn("a:ea"), {"typeface": family}))


def _lines_needed(text: str, size: int, width: int) -> int:
    """How many lines ``text`` takes at ``size`` pt in a box ``width`` EMU wide (a Chinese character is
    about one em wide, a Latin one about half)."""
    ems = sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text)
    per_line = max(Emu(width).pt / size, 1.0)
    return max(1, math.ceil(ems / per_line))


def _box(slide: Slide, left: int, top: int, width: int, height: int) -> TextFrame:
    frame: TextFrame = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height)).text_frame
    return frame


def _table(slide: Slide, section: Section, left: int, top: int, width: int, family: str) -> None:
    table = section.room_table()
    if table is None or table.empty:
        return
    shown = table if section.step == "headline" else table.head(SLIDE_ROWS)     # the ten figures stay together
    rows, cols = len(shown) + 1, len(shown.columns)
    grid = slide.shapes.add_table(rows, cols, Emu(left), Emu(top), Emu(width), Emu(Inches(0.42) * rows)).table
    for c, header in enumerate(shown.columns):
        _write(grid.cell(0, c).text_frame, [(str(header), 14, True)], family)
    for r, values in enumerate(shown.itertuples(index=False), start=1):
        for c, value in enumerate(values):
            _write(grid.cell(r, c).text_frame, [(str(value), 12, False)], family)


def write_pptx(sections: list[Section], title: str, subtitle: str, lang: str) -> bytes:
    """One 16:9 slide per section: its title, the lines, then the picture and table side by side."""
    family = cjk_font().family
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDE, HIGH
    deck.core_properties.title = title
    deck.core_properties.language = "zh-CN" if lang == "zh" else "en"
    inner = WIDE - 2 * MARGIN
    for number, section in enumerate(sections):
        slide = deck.slides.add_slide(deck.slide_layouts[BLANK])
        _write(_box(slide, MARGIN, Inches(0.25), inner, Inches(0.8)),
               [(f"{number + 1}. {section.title}", 32, True)], family)
        _write(_box(slide, MARGIN, Inches(7.0), inner, Inches(0.4)), [(f"{title} · {subtitle}", 12, False)], family)
        said = [(line, 20, False) for line in section.lines]
        for heading, text in section.notes:
            said += [(heading, 22, True), *((t, 20, False) for t in (text.splitlines() or [""]))]
        top = int(Inches(1.1))
        if said:
            height = sum(int(Pt(size * 1.3)) * _lines_needed(text, size, inner) for text, size, _ in said) \
                + int(Inches(0.15)) if section.pictures or section.table is not None else int(Inches(5.6))
            _write(_box(slide, MARGIN, top, inner, height), said, family)
            top += height + int(Inches(0.1))
        has_table = section.table is not None and not section.table.empty
        if section.pictures:
            width = int(inner * (0.56 if has_table else 1.0))
            room = HIGH - top - Inches(0.6)
            picture = slide.shapes.add_picture(io.BytesIO(section.pictures[0]), Emu(MARGIN), Emu(top), width=Emu(width))
            if picture.height > room:                                  # keep the picture's proportions
                picture.width = int(picture.width * room / picture.height)
                picture.height = room
            if has_table:
                used = int(picture.width) + Inches(0.2)
                _table(slide, section, MARGIN + used, top, inner - used, family)
        elif has_table:
            _table(slide, section, MARGIN, top, inner, family)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
