"""Pure practice rules: identifiers and whether a provider may be billed to a payer on a date."""

from __future__ import annotations

import re
from datetime import date, timedelta

from oncobill.errors import InvalidInput
from oncobill.practice.npi import npi_problem

# SBR09 claim filing indicator codes (X12 element 1032) used on 837 claims.
CLAIM_FILING_INDICATORS = frozenset(
    "11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ".split()
)
_TAXONOMY = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")


def require_npi(npi: str, where: str) -> str:
    problem = npi_problem(npi)
    if problem:
        raise InvalidInput(where, problem)
    return npi


def require_tin(tin: str, where: str) -> str:
    if not (isinstance(tin, str) and len(tin) == 9 and tin.isdigit()):
        raise InvalidInput(where, f"TIN {tin!r} must be 9 digits without a hyphen")
    return tin


def require_taxonomy(code: str, where: str) -> str:
    if not (isinstance(code, str) and _TAXONOMY.match(code)):
        raise InvalidInput(where, f"taxonomy {code!r} is not a 10-character NUCC code (e.g. 207RX0202X)")
    return code


def require_zip(zip_code: str, where: str, *, nine_digits: bool = False) -> str:
    """ZIP as 5 or 9 digits; the 837 billing provider needs all 9."""
    ok = isinstance(zip_code, str) and zip_code.isdigit() and len(zip_code) in ((9,) if nine_digits else (5, 9))
    if not ok:
        need = "9 digits (ZIP+4)" if nine_digits else "5 or 9 digits"
        raise InvalidInput(where, f"ZIP {zip_code!r} must be {need}")
    return zip_code


def require_claim_filing_indicator(code: str, where: str) -> str:
    if code not in CLAIM_FILING_INDICATORS:
        raise InvalidInput(where, f"claim filing indicator {code!r} is not an SBR09 code")
    return code


def enrollment_covers(status: str, effective: date | None, end: date | None, day: date,
                      *, retro_days: int = 0) -> bool:
    """True when an enrollment lets the provider be billed for a service on *day*.

    Only an ``enrolled`` row with an effective date counts; a payer may allow billing a
    few days before the effective date (Medicare: 30 days, 42 CFR 424.521).
    """
    if status != "enrolled" or effective is None:
        return False
    if end is not None and day > end:
        return False
    return day >= effective - timedelta(days=retro_days)
