"""The bad-input corpus (tests/ingest/corpus.py) through the importers and the command line.

For every case: no exception but ReadError; each problem line reads in Chinese and in English; a
refused file leaves every table of the store exactly as it was; an accepted file stores what the
case's check says (nothing changed silently) and reports the lines the case names.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from analysis.cli import main
from analysis.ingest.importer import ImportResult, import_boundaries, import_incidents, import_register
from analysis.ingest.problems import MESSAGES, ProblemReport, ReadError
from analysis.store import Store
from tests.ingest.corpus import CASES, Case, seed


def test_the_corpus_is_large_and_reaches_every_importer():
    assert len(CASES) >= 60
    assert {c.kind for c in CASES.values()} == {"incidents", "boundaries", "buildings", "workers", "volunteers",
                                               "services"}
    assert sum(c.refused for c in CASES.values()) >= 20


def digest(store: Store) -> dict[str, str]:
    """A hash of every row of every table of the store."""
    out = {}
    with store.engine.connect() as conn:
        for name in sorted(sa.inspect(conn).get_table_names()):
            rows = conn.execute(sa.text(f'SELECT * FROM "{name}"')).fetchall()
            out[name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return out


def run(store: Store, case: Case, source: object) -> ImportResult:
    options = dict(case.options)
    if case.kind == "incidents":
        return import_incidents(store, source, **options)
    if case.kind == "boundaries":
        return import_boundaries(store, source, **options)
    return import_register(store, case.kind, source, **options)


@pytest.fixture
def seeded(store: Store, tmp_path: Path) -> Store:
    folder = tmp_path / "seed"
    folder.mkdir()
    seed(store, folder)
    return store


def readable(report: ProblemReport) -> None:
    """Every line has a message in both languages, with its detail filled in."""
    for problem in report.problems:
        assert problem.code in MESSAGES
        zh, en = problem.message("zh"), problem.message("en")
        assert zh and en and zh != en and "{" not in zh + en
        assert "Traceback" not in zh + en and "Error:" not in en


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name: str, seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[name]
    if case.settings:
        import json
        path = tmp_path / "settings.json"
        path.write_text(json.dumps(case.settings), encoding="utf-8")
        monkeypatch.setenv("GRIDLENS_SETTINGS", str(path))
    folder = tmp_path / "case"
    folder.mkdir()
    source = case.make(folder)
    before = digest(seeded)
    if case.refused:
        with pytest.raises(ReadError) as err:
            run(seeded, case, source)
        report = err.value.report
        assert digest(seeded) == before, "a refused file changed the store"
        assert {p.severity for p in report.problems if p.code in case.codes} == {"error"}
    else:
        result = run(seeded, case, source)
        report = result.report
        assert digest(seeded) != before
    readable(report)
    assert set(case.codes) <= report.codes(), report.to_frame("en")
    if case.check:
        case.check(seeded, report)


REFUSED_ON_THE_COMMAND_LINE = [n for n, c in CASES.items() if c.refused and not c.options and not c.settings
                               and c.kind in ("incidents", "boundaries", "buildings")][:12]


@pytest.mark.parametrize("name", REFUSED_ON_THE_COMMAND_LINE)
def test_refused_files_on_the_command_line(name: str, seeded: Store, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Exit status 2, the reason in both languages, no traceback, the store as it was."""
    case = CASES[name]
    folder = tmp_path / "case"
    folder.mkdir()
    source = case.make(folder)
    if not isinstance(source, Path):
        pytest.skip("uploads only")
    before = digest(seeded)
    assert main(["import", case.kind, str(source), "--db", seeded.url]) == 2
    err = capsys.readouterr().err
    assert "错误" in err and "error" in err and "Traceback" not in err
    assert digest(seeded) == before
