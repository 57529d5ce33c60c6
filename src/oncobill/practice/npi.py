"""NPI check digit: Luhn mod 10 over the 9-digit base as if prefixed by 80840 (domain 1.2)."""

from __future__ import annotations

# The implied prefix 80840 contributes a constant 24 to the Luhn sum.
_PREFIX_SUM = 24


def npi_check_digit(base9: str) -> int:
    """Check digit for a 9-digit NPI base."""
    if len(base9) != 9 or not base9.isdigit():
        raise ValueError(f"NPI base must be 9 digits, got {base9!r}")
    total = _PREFIX_SUM
    for i, ch in enumerate(reversed(base9)):
        d = int(ch)
        if i % 2 == 0:  # the rightmost base digit is doubled
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def npi_is_valid(npi: str) -> bool:
    """True for a 10-digit NPI starting with 1 or 2 whose last digit is its check digit."""
    return (
        isinstance(npi, str)
        and len(npi) == 10
        and npi.isdigit()
        and npi[0] in "12"
        and npi_check_digit(npi[:9]) == int(npi[9])
    )


def npi_problem(npi: str) -> str | None:
    """Why an NPI is invalid, in billing words, or None when it is valid."""
    if not isinstance(npi, str) or not npi.isdigit() or len(npi) != 10:
        return f"NPI {npi!r} must be exactly 10 digits"
    if npi[0] not in "12":
        return f"NPI {npi} must start with 1 or 2"
    expected = npi_check_digit(npi[:9])
    if expected != int(npi[9]):
        return f"NPI {npi} fails its check digit (expected last digit {expected})"
    return None
