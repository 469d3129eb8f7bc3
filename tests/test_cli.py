import subprocess
import sys

import pandas as pd
import pytest

from analysis.cli import main
from analysis.geo.crs import wgs84_to_gcj02
from analysis.store.database import Store
from tests.conftest import ROOT
from tests.fixtures import at, four_grids


@pytest.fixture
def grids_file(tmp_path):
    path = tmp_path / "grids.geojson"
    four_grids().rename(columns={"grid_id": "code"}).to_file(path)
    return path


def test_assign_writes_one_row_per_input_row(tmp_path, grids_file):
    inside, near, far = at(0.5, 0.5), at(2.2, 0.5), at(9, 9)
    gx, gy = wgs84_to_gcj02(*at(1.5, 1.5))
    rows = [("a", *inside), ("b", *near), ("c", *far), ("d", "", ""), ("e", "不详", "28.19"), ("a", *inside)]
    pd.DataFrame(rows, columns=["case", "X", "Y"]).to_csv(tmp_path / "in.csv", index=False, encoding="gbk")
    out = tmp_path / "out.csv"
    assert main(["assign", "--grids", str(grids_file), "--incidents", str(tmp_path / "in.csv"), "--out", str(out),
                 "--id-col", "case", "--lon-col", "X", "--lat-col", "Y", "--grid-id-col", "code"]) == 0
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(got.columns) == ["id", "grid_id", "match_method", "distance_m"]
    assert got["id"].tolist() == ["a", "b", "c", "d", "e", "a"]
    assert got["grid_id"].tolist() == ["C1G3", "C1G4", "", "", "", "C1G3"]
    assert got["match_method"].tolist() == ["coordinates", "snapped", "outside", "missing", "missing", "coordinates"]
    assert got["distance_m"][0] == "0.0" and 15 < float(got["distance_m"][1]) < 25 and got["distance_m"][3] == ""
    # the same points given in GCJ-02 land in the same grid
    pd.DataFrame({"id": ["g"], "lon": [gx], "lat": [gy]}).to_csv(tmp_path / "g.csv", index=False)
    assert main(["assign", "--grids", str(grids_file), "--incidents", str(tmp_path / "g.csv"), "--out", str(out),
                 "--coords", "gcj02", "--grid-id-col", "code"]) == 0
    assert pd.read_csv(out)["grid_id"].tolist() == ["C1G2"]


@pytest.mark.parametrize("args, message", [
    (["--lon-col", "nope"], "column 'nope' is not in"),
    (["--grid-id-col", "nope"], "Mapped column 'nope' is not in the file"),
])
def test_assign_errors_are_clear_and_exit_2(tmp_path, grids_file, capsys, args, message):
    pd.DataFrame({"id": ["a"], "lon": [1], "lat": [2]}).to_csv(tmp_path / "in.csv", index=False)
    code = main(["assign", "--grids", str(grids_file), "--incidents", str(tmp_path / "in.csv"),
                 "--out", str(tmp_path / "o.csv"), *args])
    assert code == 2 and message in capsys.readouterr().err


def test_assign_without_coordinate_columns(tmp_path, grids_file, capsys):
    pd.DataFrame({"id": ["a"], "where": ["x"]}).to_csv(tmp_path / "in.csv", index=False)
    assert main(["assign", "--grids", str(grids_file), "--incidents", str(tmp_path / "in.csv"),
                 "--out", str(tmp_path / "o.csv")]) == 2
    assert "--lon-col" in capsys.readouterr().err


def test_import_and_help_from_a_real_process(tmp_path, grids_file):
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    run = lambda *a: subprocess.run([sys.executable, "-m", "analysis", *a], cwd=ROOT, capture_output=True, text=True)
    assert "assign" in run("--help").stdout and "--grid-id-col" in run("assign", "--help").stdout
    done = run("import", "boundaries", str(grids_file), "--map", "grid_id=code", "--db", db)
    assert done.returncode == 0 and "imported 4" in done.stdout
    x, y = at(0.5, 1.5)
    (tmp_path / "i.csv").write_text(f"事件编号,上报时间,经度,纬度\nE1,2026/3/1 8:00,{x},{y}\n", encoding="utf-8")
    done = run("import", "incidents", str(tmp_path / "i.csv"), "--db", db)
    assert done.returncode == 0 and "coordinates 1" in done.stdout
    failed = run("import", "incidents", str(tmp_path / "nothing.csv"), "--db", db)
    assert failed.returncode == 2 and "error" in failed.stderr


def test_import_options_reach_the_importers(tmp_path, capsys):
    """--layer picks a GeoPackage layer, --sheet a workbook sheet, --overwrite-older lets an old export reopen a
    case, and each kind of problem is summarised in both languages."""
    db = f"sqlite:///{tmp_path / 'o.sqlite'}"
    gpkg = tmp_path / "two.gpkg"
    four_grids().iloc[:1].to_file(gpkg, layer="old")
    four_grids().to_file(gpkg, layer="new")
    assert main(["import", "boundaries", str(gpkg), "--layer", "new", "--db", db]) == 0
    assert "imported 4" in capsys.readouterr().out
    x, y = at(0.5, 1.5)
    book = tmp_path / "book.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"说明": ["本表为汇总"]}).to_excel(writer, sheet_name="封面", index=False)
        pd.DataFrame({"事件编号": ["E1"], "上报时间": ["2026-03-01 08:00"], "经度": [x], "纬度": [y],
                      "办结时间": ["2026-03-02 08:00"]}).to_excel(writer, sheet_name="明细", index=False)
    assert main(["import", "incidents", str(book), "--sheet", "明细", "--db", db]) == 0
    old = tmp_path / "old.csv"
    old.write_text(f"事件编号,上报时间,经度,纬度\nE1,2026-03-01 08:00,{x},{y}\n", encoding="utf-8")
    assert main(["import", "incidents", str(old), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "[older_state_kept]" in out and "warning ×1" in out
    from analysis.store import Store
    assert Store(db).incidents()["closed_at"].notna().all()
    assert main(["import", "incidents", str(old), "--overwrite-older", "--db", db]) == 0
    assert "[older_state_overwritten]" in capsys.readouterr().out
    assert Store(db).incidents()["closed_at"].isna().all()
    assert main(["import", "boundaries", str(gpkg), "--layer", "nope", "--db", db]) == 2
    assert "nope" in capsys.readouterr().err


def test_report_writes_the_weeks_handout_in_each_format(demo_store, tmp_path, capsys):
    """``report`` takes an ISO week or a date inside it; the week's notes go into the handout."""
    from analysis.store import save_week_notes
    save_week_notes(demo_store, "2026-W45", "决定：加强夜间巡查")
    db = demo_store.url
    for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK"), ("pptx", b"PK"), ("html", b"<!DOCTYPE html>")):
        out = tmp_path / f"week.{fmt}"
        assert main(["report", "--week", "2026-11-05", "--format", fmt, "--out", str(out), "--db", db]) == 0
        assert out.read_bytes().startswith(magic)
    assert "2026-W45" in capsys.readouterr().out
    english = tmp_path / "en.html"
    assert main(["report", "--week", "2026-W45", "--format", "html", "--lang", "en", "--out", str(english),
                 "--db", db]) == 0
    page = english.read_text(encoding="utf-8")
    assert "Weekly grid review" in page and "决定：加强夜间巡查" in page and "Last week&#x27;s decisions" in page


def test_report_refuses_a_week_that_does_not_exist(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["report", "--week", "2026-W60", "--out", str(tmp_path / "x.pdf")])
    assert stop.value.code == 2 and "2026 has no week 60" in capsys.readouterr().err


def test_streets_are_added_listed_and_imported_into_by_code(tmp_path, grids_file, capsys):
    db = f"sqlite:///{tmp_path / 'district.sqlite'}"
    assert main(["street", "add", "430103007", "--name", "坡子街街道", "--db", db]) == 0
    assert main(["street", "add", "430103007", "--name", "坡子街", "--db", db]) == 0          # renamed
    assert main(["street", "add", "bad code!", "--name", "x", "--db", db]) == 2
    assert "not a street code" in capsys.readouterr().err
    assert main(["import", "boundaries", str(grids_file), "--street-code", "430103007", "--db", db]) == 0
    assert main(["import", "boundaries", str(grids_file), "--street-code", "430103099", "--db", db]) == 2
    assert "street add" in capsys.readouterr().err                    # the unknown street, and what to do
    assert main(["street", "list", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert "430103007" in listed and "坡子街" in listed and "430103099" not in listed
    assert Store(db, "430103007").current_version() is not None and Store(db).current_version() is None
