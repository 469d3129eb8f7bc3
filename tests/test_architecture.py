"""House rules a test can check: the layout of analysis/, who may import what, pages never open files."""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from tests.conftest import ROOT

# The packages of analysis/ and the packages each may import (besides itself, settings and its own
# standard library): a one-way flow, so a package never imports one that imports it.
LAYERS: dict[str, set[str]] = {
    "geo": set(),
    "sanitise": set(),
    "store": set(),
    "ingest": {"geo", "sanitise", "store", "metrics"},
    "metrics": {"geo", "sanitise", "store"},
    "maps": {"geo", "sanitise", "metrics"},
    "division": {"geo", "sanitise", "store", "metrics", "maps"},
    "demo": {"geo"},
    "access": {"store"},
    "report": {"geo", "sanitise", "store", "metrics", "maps", "division"},
}
TOP_LEVEL = {"__init__.py", "__main__.py", "cli.py", "settings.py"}
SOURCES = ("analysis", "ui", "pages", "tests", "bench")


def python_files() -> list[Path]:
    return [p for folder in SOURCES for p in (ROOT / folder).rglob("*.py")] + [ROOT / "dashboard.py"]


def imported_modules(path: Path, runtime_only: bool = False) -> set[str]:
    """Every module ``path`` imports (dotted, as written); ``runtime_only`` skips ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    names = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_analysis_never_imports_streamlit():
    offenders = [p for p in (ROOT / "analysis").rglob("*.py")
                 if {m.split(".")[0] for m in imported_modules(p)} & {"streamlit", "ui"}]
    assert offenders == []


def test_analysis_has_only_its_entry_points_outside_the_packages():
    loose = {p.name for p in (ROOT / "analysis").glob("*.py")} - TOP_LEVEL
    packages = {p.name for p in (ROOT / "analysis").iterdir() if (p / "__init__.py").exists()}
    assert loose == set() and packages == set(LAYERS)


def test_packages_import_only_the_layers_below_them():
    for package, allowed in LAYERS.items():
        for path in (ROOT / "analysis" / package).rglob("*.py"):
            used = {m.split(".")[1] for m in imported_modules(path, runtime_only=True)
                    if m.startswith("analysis.") and m.count(".") >= 1}
            assert used <= allowed | {package, "settings"}, f"{path.relative_to(ROOT)} imports {used - allowed}"


def test_no_private_name_is_imported_across_modules():
    """Neither ``from analysis.x import _name`` nor ``module._name`` on a module of ours."""
    offenders = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ours = set()   # local names bound to modules or packages of ours
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("analysis", "ui"):
                offenders += [f"{path.relative_to(ROOT)}: {node.module}.{a.name}" for a in node.names
                              if a.name.startswith("_") and not a.name.startswith("__")]
                ours |= {a.asname or a.name for a in node.names}
            elif isinstance(node, ast.Import):
                ours |= {a.asname or a.name for a in node.names if a.name.split(".")[0] in ("analysis", "ui")}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ours
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                offenders.append(f"{path.relative_to(ROOT)}: {node.value.id}.{node.attr}")
    assert offenders == []


def test_pages_do_no_file_io_or_geometry():
    banned = {"geopandas", "shapely", "sqlalchemy", "pyogrio"}
    for page in (ROOT / "pages").glob("*.py"):
        text = page.read_text(encoding="utf-8")
        used = imported_modules(page)
        assert not {m.split(".")[0] for m in used} & banned, page
        assert not any(m.startswith("analysis.store") for m in used), page
        assert "open(" not in text and "read_csv(" not in text and "read_file(" not in text, page


def test_every_page_is_listed_in_the_navigation():
    from ui.page import PAGES
    assert sorted(p for p, _, _ in PAGES) == sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


def test_tests_mirror_the_packages():
    """Each package of analysis/ has a folder of tests with the same name."""
    assert set(LAYERS) <= {p.name for p in (ROOT / "tests").iterdir() if p.is_dir()}


def test_styling_uses_stable_hooks_only():
    """The page CSS selects elements, our own gl-* classes and keyed containers, never Streamlit's internals."""
    from ui import theme
    css = theme.BASE_CSS + theme.PRESENT_CSS
    assert "data-testid" not in css and "st-emotion" not in css and ".stApp" not in css
    for path in [*(ROOT / "ui").rglob("*.py"), *(ROOT / "pages").glob("*.py")]:
        assert "data-testid" not in path.read_text(encoding="utf-8"), path


def test_no_button_reruns_the_script_by_hand():
    """Buttons act through callbacks (one run per click); st.rerun only closes a dialog or leaves a fragment."""
    for page in (ROOT / "pages").glob("*.py"):
        tree = ast.parse(page.read_text(encoding="utf-8"))
        reruns = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and ast.unparse(node.func) == "st.rerun"]
        dialogs = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                   and any("st.dialog" in ast.unparse(d) for d in node.decorator_list)]
        inside = {id(n) for d in dialogs for n in ast.walk(d)}
        assert all(id(call) in inside for call in reruns), page


def _pins(path: Path) -> dict[str, str]:
    """``{distribution: version}`` of the ``name==version`` lines of a requirements or lock file."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;\\]+)", line.strip())
        if match:
            pins[_canonical(match.group(1).split("[")[0])] = match.group(2)
    return pins


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_import_is_declared():
    """Each third-party module the code imports comes from a distribution pinned in requirements*.txt:
    runtime code (analysis, ui, pages, dashboard) from requirements.txt, tests and benchmarks from either."""
    from importlib.metadata import packages_distributions
    runtime, dev = _pins(ROOT / "requirements.txt"), _pins(ROOT / "requirements-dev.txt")
    providers = packages_distributions()
    missing = []
    for path in python_files():
        declared = runtime if path.relative_to(ROOT).parts[0] in ("analysis", "ui", "pages", "dashboard.py") \
            else runtime | dev
        for module in {m.split(".")[0] for m in imported_modules(path)}:
            if module in sys.stdlib_module_names or module in {"analysis", "ui", "pages", "tests", "bench"}:
                continue
            dists = {_canonical(d) for d in providers.get(module, [])}
            if not dists & set(declared):
                missing.append(f"{path.relative_to(ROOT)}: {module} ({', '.join(sorted(dists)) or 'not installed'})")
    assert missing == []


def test_lock_files_hold_the_pinned_versions_with_hashes():
    """``make`` installs from the lock files: they must pin what requirements*.txt pin, every package hashed."""
    for source, lock in (("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")):
        wanted, locked = _pins(ROOT / source), _pins(ROOT / lock)
        assert {name: locked.get(name) for name in wanted} == wanted, f"{lock} is stale: run `make lock`"
        text = (ROOT / lock).read_text(encoding="utf-8")
        pinned = re.findall(r"^\S+==.*$", text, re.M)
        hashed = re.findall(r"^\S+==.*\\\n\s+--hash=sha256:[0-9a-f]{64}", text, re.M)
        assert len(pinned) == len(hashed) == len(locked) > len(wanted), f"{lock}: a package without a hash"


def test_every_page_runs_inside_the_error_boundary():
    """A page draws only inside ``render()``, which the last line hands to ``ui.errors.run_page``."""
    for page in (ROOT / "pages").glob("*.py"):
        tree = ast.parse(page.read_text(encoding="utf-8"))
        body = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef))
                and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))          # the docstring
                and not (isinstance(n, ast.Assign) and all(isinstance(t, ast.Name) and t.id.isupper()
                                                           for t in n.targets))                  # constants
                and not (isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.target.id.isupper())]
        assert [ast.unparse(n) for n in body] == ["run_page(render)"], page
