"""Pure coverage rules: overlapping spans, the plan year of a date, the coverage order on a date."""

from __future__ import annotations

import re
from datetime import date

_ICD10CM = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


def spans_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Two date spans (open-ended when the end is None) share at least one day."""
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


def plan_year_start(day: date, month: int, start_day: int) -> date:
    """First day of the plan year containing *day* (deductibles and out-of-pocket maximums reset then)."""
    this_year = _clamped(day.year, month, start_day)
    return this_year if day >= this_year else _clamped(day.year - 1, month, start_day)


def _clamped(year: int, month: int, day: int) -> date:
    while True:
        try:
            return date(year, month, day)
        except ValueError:  # e.g. 31 in a 30-day month
            day -= 1


def require_billable_diagnosis(code: str, where: str, codes=None) -> str:
    """An ICD-10-CM code that exists and is billable (a leaf), or an error saying which it is not."""
    from oncobill.codes import default_code_sets
    from oncobill.errors import InvalidInput

    if not icd10cm_format_ok(code):
        raise InvalidInput(where, f"{code!r} is not an ICD-10-CM code (written with its dot, e.g. C34.90)")
    codes = codes or default_code_sets()
    if not codes.icd10_is_valid(code):
        raise InvalidInput(where, f"{code} is not in ICD-10-CM")
    if not codes.icd10_is_billable(code):
        raise InvalidInput(where, f"{code} is a category, not a billable code; use a more specific code")
    return code


def icd10cm_format_ok(code: str) -> bool:
    """ICD-10-CM shape (letter, digit, alphanumeric, then up to 4 after the dot); the code set checks existence."""
    return bool(isinstance(code, str) and _ICD10CM.match(code))
