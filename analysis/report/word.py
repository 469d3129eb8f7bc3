"""The handout as a Word document (.docx, python-docx): headings, the lines, pictures and real tables a
clerk can edit; Chinese text set in the Chinese font (东亚字体) so that Word shows it as intended."""
from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentType
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from analysis.report.fonts import cjk_font
from analysis.report.sections import Section

PICTURE_WIDTH = Cm(16)


def _fonts(doc: DocumentType, family: str) -> None:
    """Every style the document uses writes Chinese in ``family`` (Word's eastAsia font slot)."""
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        style = doc.styles[name]
        font = style.font
        font.name = family
        properties = style.element.get_or_add_rPr()
        properties.get_or_add_rFonts().set(qn("w:eastAsia"), family)
    doc.styles["Normal"].font.size = Pt(11)


def _table(doc: DocumentType, section: Section) -> None:
    table = section.table
    if table is None or table.empty:
        return
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = doc.styles["Table Grid"]
    for cell, header in zip(grid.rows[0].cells, table.columns):
        cell.text = ""
        cell.paragraphs[0].add_run(str(header)).bold = True
    for values in table.itertuples(index=False):
        for cell, value in zip(grid.add_row().cells, values):
            cell.text = str(value)


def write_docx(sections: list[Section], title: str, subtitle: str, lang: str) -> bytes:
    """The sections as a .docx: a title, then per section a heading, its lines, pictures, table and notes."""
    doc = Document()
    _fonts(doc, cjk_font().family)
    doc.core_properties.title = title
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en"
    doc.add_heading(title, level=0)
    doc.add_paragraph(subtitle)
    for number, section in enumerate(sections):
        doc.add_heading(f"{number + 1}. {section.title}", level=1)
        for line in section.lines:
            doc.add_paragraph(line)
        for picture in section.pictures:
            doc.add_picture(io.BytesIO(picture), width=PICTURE_WIDTH)
        _table(doc, section)
        for heading, text in section.notes:
            doc.add_heading(heading, level=2)
            for paragraph in text.splitlines() or [""]:
                doc.add_paragraph(paragraph)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
