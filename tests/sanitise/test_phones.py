"""Phone numbers are masked."""
import pytest

from analysis.sanitise.phones import mask_phone


@pytest.mark.parametrize("phone, masked", [("13812341234", "138****1234"), ("138-1234-1234", "138****1234"),
                                           ("+86 13812341234", "138****1234"), ("88776655", "****55"), ("", "")])
def test_phone_numbers_are_masked(phone, masked):
    assert mask_phone(phone) == masked
