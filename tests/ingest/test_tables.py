
import pandas as pd
import pytest

from analysis.ingest.problems import ReadError
from analysis.ingest.tables import detect_encoding, read_table

CSV = "事件编号,事发地址,经度\nA1,西湖路12号3栋,112.97\nA2,文庙坪8号,112.98\n"


@pytest.mark.parametrize("encoding, detected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_csv_in_every_chinese_encoding_reads_the_same(encoding, detected):
    data = CSV.encode(encoding)
    table, report = read_table(data, "x.csv")
    assert list(table.columns) == ["事件编号", "事发地址", "经度"]
    assert table["事发地址"].tolist() == ["西湖路12号3栋", "文庙坪8号"]
    assert detect_encoding(data) == detected
    assert report.codes() == {"encoding"}


def test_excel(tmp_path):
    path = tmp_path / "x.xlsx"
    pd.DataFrame({"事件编号": ["A1"], "上报时间": [pd.Timestamp("2026-03-01 08:00")]}).to_excel(path, index=False)
    table, _ = read_table(path)
    assert table.loc[0, "事件编号"] == "A1" and table.loc[0, "上报时间"].startswith("2026-03-01 08:00")


def test_semicolon_separated():
    table, _ = read_table(b"id;lon;lat\n1;112.9;28.1\n", "x.csv")
    assert list(table.columns) == ["id", "lon", "lat"]


@pytest.mark.parametrize("data, name, code", [
    (b"", "x.csv", "empty_file"),
    (b"   \n\n", "x.csv", "empty_file"),
    (b"id,lon\n", "x.csv", "empty_file"),          # a header and no rows
    (b"a,b\n1,2\n", "x.pdf", "unsupported_format"),
    (b"not a workbook", "x.xlsx", "bad_workbook"),
])
def test_bad_files_say_why(data, name, code):
    with pytest.raises(ReadError) as err:
        read_table(data, name)
    errors = [p for p in err.value.report.problems if p.severity == "error"]
    assert [p.code for p in errors] == [code]
    assert errors[0].message("zh") and errors[0].message("en")


def test_gbk_file_read_as_utf8_is_a_clear_error():
    with pytest.raises(ReadError) as err:
        read_table(CSV.encode("gbk"), "x.csv", encoding="utf-8")
    message = err.value.report.problems[0].message("en")
    assert "not utf-8" in message and "gb18030" in message
