"""House rules a test can check: analysis/ never imports streamlit; pages never open files."""
import ast
from pathlib import Path

from tests.conftest import ROOT


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_analysis_never_imports_streamlit():
    offenders = [p for p in (ROOT / "analysis").rglob("*.py") if {"streamlit", "ui"} & imports(p)]
    assert offenders == []


def test_pages_do_no_file_io_or_geometry():
    banned = {"geopandas", "shapely", "sqlalchemy", "pyogrio", "analysis.store"}
    for page in (ROOT / "pages").glob("*.py"):
        text = page.read_text(encoding="utf-8")
        assert not (imports(page) & {"geopandas", "shapely", "sqlalchemy", "pyogrio"}), page
        assert "open(" not in text and "read_csv(" not in text and "read_file(" not in text, page
        assert not any(f"import {b}" in text or f"from {b}" in text for b in banned), page


def test_every_page_is_listed_in_the_navigation():
    from ui.page import PAGES
    assert sorted(p for p, _, _ in PAGES) == sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
