"""values.amount's direct path for plain amounts gives exactly what money() gives, and
leaves every other shape to money (which accepts or refuses it)."""

from __future__ import annotations

import pytest

from oncobill.money import MoneyError, money
from oncobill.x12 import X12Error
from oncobill.x12.values import AMOUNTS, amount


@pytest.mark.parametrize(
    "text",
    ["792", "506.88", "60.8", "007", "1.", "0", "0.5", "123456789012.34", "-5", ".5", " 5", "1e3", "9" * 26],
)
def test_amount_is_moneys_exact_value(text):
    AMOUNTS.pop(text, None)
    got = amount(text)
    want = money(text, exact=True)
    assert repr(got) == repr(want)  # same value and same exponent (cents)
    assert amount(text) is got  # memoized


@pytest.mark.parametrize("text", ["1.001", "²", "1.2.3", "", "12.5x", "1.5x"])
def test_not_an_amount_is_a_located_error_as_before(text):
    AMOUNTS.pop(text, None)
    with pytest.raises(MoneyError):
        money(text, exact=True)
    with pytest.raises(X12Error):
        amount(text)
