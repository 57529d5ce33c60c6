"""Money as Decimal quantized to cents, never float.

Amounts enter through :func:`money` (strings, ints, Decimals; floats are refused
because a float has already lost cents by the time it reaches us) and are stored
as integer cents (:func:`to_cents` / :func:`from_cents`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class MoneyError(ValueError):
    """An amount that cannot be money (float, not a number, or more than two decimals where exactness is required)."""


def money(value: Decimal | int | str, *, exact: bool = False) -> Decimal:
    """Return *value* as a Decimal quantized to cents (ROUND_HALF_UP).

    With ``exact=True`` an amount with fractions of a cent is an error instead of
    being rounded: an X12 amount or a user-entered charge must not be silently changed.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"money must be Decimal, int or str, not {type(value).__name__} ({value!r})")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    quantized = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if exact and quantized != amount:
        raise MoneyError(f"amount {value!r} has more than two decimals")
    return quantized


def to_cents(amount: Decimal | int | str) -> int:
    """Integer cents of an amount (how money is stored in the database)."""
    return int(money(amount) * 100)


def from_cents(cents: int) -> Decimal:
    """Decimal amount of integer cents."""
    return (Decimal(int(cents)) / 100).quantize(CENT)


def total(amounts) -> Decimal:
    """Sum of amounts, as money (an empty sum is 0.00)."""
    return money(sum((money(a) for a in amounts), ZERO))
