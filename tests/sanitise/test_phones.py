"""Phone numbers are masked."""
import numpy as np
import pandas as pd
import pytest

from analysis.sanitise.phones import mask_phone


@pytest.mark.parametrize("phone, masked", [("13812341234", "138****1234"), ("138-1234-1234", "138****1234"),
                                           ("+86 13812341234", "138****1234"), ("88776655", "****55"), ("", "")])
def test_phone_numbers_are_masked(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("text, shown", [
    ("联系13812341234王先生", "联系138****1234王先生"),
    ("报修人电话：138-1234-1234，住3栋", "报修人电话：138****1234，住3栋"),
    ("固话 0731-85551234", "固话 073****1234"),
    ("+86 138 1234 1234", "138****1234"),
    ("1-1523590121 SR number", "1-1523590121 SR number"),             # an LA request id is no phone
    ("西湖路12号3栋2单元1301室", "西湖路12号3栋2单元1301室"),            # house numbers stay
    ("2026-03-01 08:00", "2026-03-01 08:00"),
])
def test_phone_numbers_in_free_text_are_masked_and_nothing_else(text, shown):
    from analysis.sanitise import mask_phone_text
    assert mask_phone_text(text) == shown


@pytest.mark.parametrize("values", [pd.Series([], dtype=float), pd.Series([np.nan, None]), pd.Series([138, "a"])])
def test_a_column_of_free_text_comes_back_as_text_whatever_it_held(values):
    from analysis.sanitise import mask_phones_in_text
    masked = mask_phones_in_text(values)
    assert (masked + "!").tolist() == [("" if pd.isna(v) else str(v)) + "!" for v in values]
