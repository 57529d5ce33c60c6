from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncobill.money import MoneyError, from_cents, money, to_cents, total


def test_money_rounds_half_up_to_cents():
    assert money("2.345") == Decimal("2.35")
    assert money("-2.345") == Decimal("-2.35")
    assert money(3) == Decimal("3.00")


def test_float_is_refused():
    with pytest.raises(MoneyError, match="float"):
        money(0.1)


def test_exact_refuses_fractions_of_a_cent():
    with pytest.raises(MoneyError, match="more than two decimals"):
        money("10.005", exact=True)
    assert money("10.50", exact=True) == Decimal("10.50")


def test_garbage_is_refused():
    for bad in ("abc", "", "NaN", "Infinity"):
        with pytest.raises(MoneyError):
            money(bad)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_cents_round_trip(cents):
    assert to_cents(from_cents(cents)) == cents


def test_total_of_nothing_is_zero():
    assert total([]) == Decimal("0.00")
    assert total(["1.10", "2.20"]) == Decimal("3.30")
