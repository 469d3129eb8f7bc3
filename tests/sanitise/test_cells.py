"""Downloads a spreadsheet opens safely: no cell is a formula, no phone number is whole."""
import io

import openpyxl
import pandas as pd
import pytest

from analysis.sanitise import neutralise, safe_for_download


@pytest.mark.parametrize("text, safe", [
    ('=HYPERLINK("http://x","点击")', '\'=HYPERLINK("http://x","点击")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"), ("-2+3", "'-2+3"), ("\t=1", "'\t=1"),
    ("-5", "-5"), ("+3.2", "+3.2"), ("12%", "12%"), ("甲社区", "甲社区"), ("", ""),
])
def test_a_cell_that_starts_like_a_formula_is_made_text(text, safe):
    assert neutralise(text) == safe


def test_csv_and_excel_downloads_carry_no_formula_and_no_phone():
    from ui.page import csv_bytes
    from ui.widgets import excel_bytes
    frame = pd.DataFrame({"事件编号": ["A1", "=1+1"], "处置人": ['=HYPERLINK("http://evil","x")', "张三 13812341234"],
                          "天数": [1.5, -2.0]})
    text = csv_bytes(frame).decode("utf-8-sig")
    assert "'=HYPERLINK(\"\"http://evil" in text and "13812341234" not in text and "-2.0" in text
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame)))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)                  # no cell is a formula
    assert "138****1234" in {str(c.value).split()[-1] for c in cells if c.value}
    assert safe_for_download(frame)["天数"].tolist() == [1.5, -2.0]       # numbers stay numbers
