"""AppTest of projector mode (投影模式): every table is our own HTML table (``gl-table``: the columns that
matter to a room, the first rows and a line saying how many there are), never Streamlit's canvas grid,
and text from files stays text in it."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import page
from tests.pages.shapes import Shape
from ui.page import PAGES

PAYLOAD = "<img src=x onerror=alert(1)>"


@dataclass
class Table:
    """One projected table as drawn: its headers, its rows of cell texts and its note (or '')."""

    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


class _TableReader(HTMLParser):
    """Collects every ``gl-table`` (with its ``gl-table-note``) of a block of HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self._cell: list[str] | None = None
        self._in_note = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if "gl-table" in classes:
            self.tables.append(Table())
        elif "gl-table-note" in classes:
            self._in_note = True
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            table = self.tables[-1]
            (table.head if tag == "th" else table.rows[-1]).append("".join(self._cell))
            self._cell = None
        elif tag == "p":
            self._in_note = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_note:
            self.tables[-1].note += data


def projected_tables(at: AppTest) -> list[Table]:
    """Every projected table on the page, in order (the header row left out of the rows)."""
    reader = _TableReader()
    for block in at.get("html"):
        reader.feed(block.proto.body)
    for table in reader.tables:
        table.rows = [row for row in table.rows if row]
    return reader.tables


def presenting(at: AppTest) -> AppTest:
    """Turn projector mode on (as the sidebar's toggle does) and draw the page again."""
    at.session_state["present"] = True
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_workload_table_is_projected_with_the_columns_that_matter(demo_store, monkeypatch):
    at = page("pages/workload.py", demo_store, monkeypatch)
    grid = at.dataframe[0].value
    presenting(at)
    assert len(at.dataframe) == 0
    [table] = projected_tables(at)
    assert table.head == ["网格", "工作量指数", "人均户数（户/人）", "按期结案率", "户数标准"]
    assert len(table.rows) == 15 and table.note == "显示前 15 行，共 60 行；关闭投影模式可查看全部"
    assert [row[0] for row in table.rows] == grid["网格"].head(15).tolist()         # the same order, heaviest first
    assert table.rows[0][1] == f"{grid['工作量指数'].iloc[0]:.1f}" and table.rows[0][3].endswith("%")
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    [table] = projected_tables(at)
    assert table.head[0] == "Grid" and table.note == "Showing 15 of 60 rows; leave projector mode to see them all"


def test_a_short_table_has_no_note(demo_store, monkeypatch):
    at = presenting(page("pages/status.py", demo_store, monkeypatch))
    [table] = projected_tables(at)
    assert table.head == ["方式", "数量", "占比"] and table.note == "" and 0 < len(table.rows) < 15


@pytest.mark.parametrize("script", [p for p, _, _ in PAGES], ids=lambda p: Path(p).stem)
def test_no_page_draws_a_canvas_grid_in_projector_mode(demo_store, monkeypatch, script):
    at = page(script, demo_store, monkeypatch)
    drawn = len(at.dataframe)
    presenting(at)
    assert len(at.dataframe) == 0 and not at.error
    assert len(projected_tables(at)) == drawn


def test_names_from_files_stay_text_in_a_projected_table(tmp_path, monkeypatch):
    hostile = Shape("hostile", grids=lambda g: g.assign(name=[f"{PAYLOAD}{i}" for i in range(len(g))]))
    at = presenting(page("pages/workload.py", hostile.build(tmp_path), monkeypatch))
    body = "".join(block.proto.body for block in at.get("html") if "gl-table" in block.proto.body)
    assert "&lt;img src=x onerror=alert(1)&gt;" in body and "<img" not in body
    assert {row[0] for row in projected_tables(at)[0].rows} >= {f"{PAYLOAD}2", f"{PAYLOAD}3"}
