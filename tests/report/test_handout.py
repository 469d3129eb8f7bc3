"""The handout in its four formats on the demo street: the PDF's text carries the overview's figures, the Word
and PowerPoint files read back with their libraries, the HTML escapes what files say; a saved plan is proposed."""
import io
import shutil
import subprocess

import pytest
from docx import Document
from pptx import Presentation

from analysis.division.edits import division_from_layer, merge
from analysis.division.plans import list_plans, make_current, save_plan
from analysis.metrics import load_dataset
from analysis.report import STEPS, last_full_week, meeting
from analysis.report import numbers as fmt
from analysis.report.fonts import FontMissing, cjk_font
from analysis.report.make import handout
from analysis.report.proposals import open_proposals
from analysis.report.sections import section
from analysis.settings import load_settings
from analysis.store import Store


@pytest.fixture(scope="module")
def demo(demo_db, tmp_path_factory):
    """The demo street with one saved plan (two grids merged), and its meeting for the last full week."""
    path = tmp_path_factory.mktemp("handout") / "store.sqlite"
    shutil.copy(demo_db, path)
    store = Store(f"sqlite:///{path}")
    ds, settings = load_dataset(store), load_settings()
    current = division_from_layer(store.grids(ds.version_id), ds.street)
    first, second = current.grids["grid_id"].iloc[:2]
    save_plan(store, "合并试点", merge(current, [first, second]), author="王分析", base_version=ds.version_id)
    m = meeting(ds, last_full_week(ds.anchor), settings, open_proposals(store, ds, settings),
                notes="<b>决定</b>：=HYPERLINK(\"x\") 增派网格员，联系 13912345678", last_notes="上周：加强巡查")
    return store, ds, m


def test_a_saved_plan_is_proposed_with_its_figures_until_it_is_made_current(demo):
    store, ds, m = demo
    assert [p.name for p in m.proposals] == ["合并试点"]
    street = m.proposals[0].street
    assert street.loc["grids", "after"] == street.loc["grids", "before"] - 1
    first, second = load_dataset(store).grids["grid_id"].iloc[:2]
    assert m.proposals[0].changed == {first, second}                        # one grown, one gone
    words = section(m, "proposals", "zh", look=None)
    assert words.lines == ["方案「合并试点」第 1 版（王分析，" + m.proposals[0].created_at[:10] + "）：调整 2 个网格"]
    assert list(words.table.columns) == ["指标", "现行划分", "合并试点"]
    plan_id = int(list_plans(store)["plan_id"].iloc[0])
    make_current(store, plan_id, "2026-12-01")
    assert open_proposals(store, load_dataset(store), load_settings()) == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pdf_carries_the_overviews_figures_for_the_week(demo, tmp_path, lang):
    _, _, m = demo
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(handout(m, "pdf", lang))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and " yes yes " in fonts.split("\n")[2]          # the Chinese font, embedded (subset)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    first = text.split("\f")[0]
    for k in m.kpis:
        row = next(line for line in first.splitlines() if line.strip().startswith(_name(k.key, lang)))
        assert fmt.value(k.kind, k.value, lang) in row and fmt.value(k.kind, k.previous, lang) in row, row
        assert fmt.value(k.kind, m.four_weeks_back[k.key], lang) in row, row
    assert m.label in first
    assert text.count("\f") >= len(STEPS)                                    # a page or more per step
    assert "合并试点" in text and "=HYPERLINK" in text


def _name(key: str, lang: str) -> str:
    from analysis.report.labels import say
    return say(f"kpi_{key}", lang)


def test_the_word_file_has_real_tables_a_clerk_can_edit(demo):
    _, _, m = demo
    doc = Document(io.BytesIO(handout(m, "docx", "zh")))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == len(STEPS) and headings[0] == "1. 本周主要指标"
    figures = doc.tables[0]
    assert [c.text for c in figures.rows[0].cells] == ["指标", "本周", "上周", "较上周", "四周前同期"]
    assert len(figures.rows) == len(m.kpis) + 1
    reported = next(k for k in m.kpis if k.key == "reported")
    assert figures.rows[1].cells[1].text == fmt.count(reported.value)
    assert len(doc.inline_shapes) >= 4                                       # trend, two maps, levels chart
    assert any("<b>决定</b>" in p.text for p in doc.paragraphs)              # typed text kept as typed


def test_the_slides_are_one_per_step_in_16_9(demo):
    _, _, m = demo
    deck = Presentation(io.BytesIO(handout(m, "pptx", "en")))
    assert len(deck.slides) == len(STEPS)
    assert round(deck.slide_width / deck.slide_height, 2) == round(16 / 9, 2)
    titles = [next(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in deck.slides]
    assert titles[0] == "1. This week's headline figures" and titles[-1] == "8. Decisions and notes"
    tables = [s.table for s in deck.slides[0].shapes if s.has_table]
    assert tables and tables[0].cell(1, 0).text == "Incidents reported"


def test_the_web_page_is_self_contained_and_escapes_what_it_shows(demo):
    _, _, m = demo
    page = handout(m, "html", "zh").decode("utf-8")
    assert page.count("<section>") == len(STEPS) and page.count("data:image/png;base64,") >= 4
    assert "&lt;b&gt;决定&lt;/b&gt;" in page and "<b>决定" not in page
    assert "139****5678" in page and "13912345678" not in page
    assert "http" not in page.replace("HYPERLINK", "")                       # nothing fetched from anywhere


def test_progress_is_reported_step_by_step_and_an_unknown_format_is_refused(demo):
    _, _, m = demo
    seen = []
    handout(m, "html", "zh", lambda fraction, what: seen.append(fraction))
    assert len(seen) == len(STEPS) + 1 and seen == sorted(seen) and seen[-1] == 1.0
    with pytest.raises(ValueError, match="odt"):
        handout(m, "odt", "zh")


def test_a_missing_font_file_is_named_in_both_languages(monkeypatch):
    monkeypatch.setenv("GRIDLENS_CJK_FONT", "/nowhere/font.ttf")
    cjk_font.cache_clear()
    try:
        with pytest.raises(FontMissing, match="找不到该字体文件 / no such font file"):
            cjk_font()
    finally:
        monkeypatch.delenv("GRIDLENS_CJK_FONT")
        cjk_font.cache_clear()
