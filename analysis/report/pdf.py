"""The handout as a PDF (A4 portrait, one page or more per step), written by fpdf2 with the Chinese font
embedded (subset): it prints and reads the same on any machine, and no browser is needed to make it."""
from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.fonts import FontFace

from analysis.report.fonts import cjk_font
from analysis.report.sections import Section

FAMILY = "cjk"
HEADER_FILL = (225, 225, 225)


def _font(pdf: FPDF) -> None:
    font = cjk_font()
    pdf.add_font(FAMILY, "", font.regular.path, collection_font_number=font.regular.index)
    pdf.add_font(FAMILY, "B", font.bold.path, collection_font_number=font.bold.index)


def _text(pdf: FPDF, text: str, size: float, bold: bool = False, gap: float = 1.5) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(gap)


def _table(pdf: FPDF, section: Section) -> None:
    table = section.table
    if table is None or table.empty:
        return
    pdf.set_font(FAMILY, "", 9)
    with pdf.table(text_align="LEFT", line_height=5, headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
                   padding=1.2) as grid:
        row = grid.row()
        for header in table.columns:
            row.cell(str(header))
        for values in table.itertuples(index=False):
            row = grid.row()
            for value in values:
                row.cell(str(value))
    pdf.ln(3)


def write_pdf(sections: list[Section], title: str, subtitle: str, lang: str) -> bytes:
    """The sections as an A4 PDF: title and subtitle on the first page, each section from a new page."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(title)
    pdf.set_lang("zh-CN" if lang == "zh" else "en")
    pdf.set_creator("GridLens")
    _font(pdf)
    for number, section in enumerate(sections):
        pdf.add_page()
        if number == 0:
            _text(pdf, title, 20, bold=True)
            _text(pdf, subtitle, 11, gap=4)
        _text(pdf, f"{number + 1}. {section.title}", 16, bold=True, gap=2)
        for line in section.lines:
            _text(pdf, line, 11)
        for picture in section.pictures:
            pdf.image(io.BytesIO(picture), w=pdf.epw)
            pdf.ln(2)
        _table(pdf, section)
        for heading, text in section.notes:
            _text(pdf, heading, 12, bold=True, gap=1)
            _text(pdf, text, 11, gap=4)
    return bytes(pdf.output())
