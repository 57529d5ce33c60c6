"""Typed element values: money, quantities, dates and composites as X12 writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from oncobill.money import MoneyError, money
from oncobill.x12.errors import X12Error

# Memo tables of converted texts (Decimals and dates are immutable, so sharing them is safe):
# the typed 835 readers look a text up here first and call the converter, which names the
# element in its error, only on a miss.
AMOUNTS: dict[str, Decimal] = {}
QUANTITIES: dict[str, Decimal] = {}


def amount(text: str, seg=None, element: str | None = None) -> Decimal:
    """An X12 monetary amount as exact money; more than two decimals is an error.

    Remittances repeat the same few hundred amounts, so conversions are memoized
    (Decimals are immutable, sharing them is safe); a miss is a ``get``, not a raised KeyError
    (a remittance's claim totals are mostly distinct, and an exception costs thousands of
    instructions)."""
    found = AMOUNTS.get(text)
    if found is not None:
        return found
    # The usual shape (ASCII digits, at most two decimals) straight to cents; anything else
    # (a sign, spaces, exponents, too many decimals) goes through money, which decides.
    whole, _, cents = text.partition(".")
    if (
        text.isascii()
        and whole.isdigit()
        and len(whole) <= 20
        and len(cents) <= 2
        and (cents.isdigit() or not cents)
    ):
        value = Decimal(f"{whole}.{cents:0<2}")
        if len(AMOUNTS) > 200_000:
            AMOUNTS.clear()
        AMOUNTS[text] = value
        return value
    try:
        value = money(text, exact=True)
    except MoneyError as exc:
        raise X12Error(
            f"{text!r} is not an amount with at most two decimals",
            segment_number=getattr(seg, "number", None),
            segment_id=seg[0] if seg else None,
            element=element,
            position=getattr(seg, "position", None),
        ) from exc
    if len(AMOUNTS) > 200_000:
        AMOUNTS.clear()
    AMOUNTS[text] = value
    return value


def optional_amount(text: str, seg=None, element: str | None = None) -> Decimal | None:
    return amount(text, seg, element) if text else None


def quantity(text: str, seg=None, element: str | None = None) -> Decimal | None:
    """A decimal quantity (units, NDC quantity); empty is None."""
    if not text:
        return None
    try:
        return QUANTITIES[text]
    except KeyError:
        pass
    try:
        value = Decimal(text)
        if not value.is_finite():
            raise ValueError(text)
    except (ArithmeticError, ValueError) as exc:
        raise X12Error(
            f"{text!r} is not a number",
            segment_number=getattr(seg, "number", None),
            segment_id=seg[0] if seg else None,
            element=element,
        ) from exc
    if len(QUANTITIES) > 100_000:
        QUANTITIES.clear()
    QUANTITIES[text] = value
    return value


def fmt_amount(value: Decimal | None) -> str:
    """Money as X12 writes it: no trailing zeros beyond what is needed (``150``, ``20.5``)."""
    if value is None:
        return ""
    text = format(money(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def fmt_quantity(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


DATES: dict[str, date] = {}  # see AMOUNTS


def parse_date(text: str, seg=None, element: str | None = None) -> date | None:
    """CCYYMMDD to a date; empty is None; anything else is a located error."""
    if not text:
        return None
    try:
        return DATES[text]
    except KeyError:
        pass
    if len(text) == 8 and text.isdigit():
        try:
            value = date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
        except ValueError:
            value = None
        if value is not None:
            if len(DATES) > 50_000:
                DATES.clear()
            DATES[text] = value
            return value
    raise X12Error(
        f"{text!r} is not a date (CCYYMMDD)",
        segment_number=getattr(seg, "number", None),
        segment_id=seg[0] if seg else None,
        element=element,
        position=getattr(seg, "position", None),
    )


def fmt_date(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def trim(elements: list[str]) -> list[str]:
    """Drop empty trailing elements: X12 forbids trailing separators."""
    while len(elements) > 1 and not elements[-1]:
        elements.pop()
    return elements
