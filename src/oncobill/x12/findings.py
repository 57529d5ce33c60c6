"""Validation findings: located, in billing words, and mappable onto a 999 acknowledgment."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a file.

    ``snip`` is the WEDI SNIP level (1 syntax, 2 implementation guide, 3 balancing,
    4 situational, 5 external code sets). ``ik3``/``ik4`` are the 999 segment and element
    error codes (IK304 / IK403) used when the finding is reported back in a 999;
    ``ik5`` the transaction-level code (IK502) for envelope problems.
    """

    snip: int
    code: str
    message: str
    segment_number: int | None = None
    segment_id: str | None = None
    element: str | None = None
    loop: str | None = None
    transaction: str | None = None  # ST02 of the transaction set it belongs to
    group: str | None = None  # GS06
    severity: str = "error"
    fix: str = ""
    ik3: str | None = None
    ik4: str | None = None
    ik5: str | None = None
    position_in_set: int | None = None  # segment position counted from ST (IK302)
    value: str | None = None

    def located(self) -> str:
        """One line a biller can act on: where, what, and how to fix it."""
        where = []
        if self.segment_number is not None:
            where.append(f"segment {self.segment_number}")
        if self.segment_id:
            where.append(self.segment_id)
        if self.element:
            where.append(self.element)
        if self.loop:
            where.append(f"(loop {self.loop})")
        text = f"{' '.join(where) or 'file'}: [SNIP {self.snip} {self.code}] {self.message}"
        if self.fix:
            text += f" Fix: {self.fix}"
        return text


# 999 IK304 segment syntax error codes
SEG_UNRECOGNIZED = "1"
SEG_UNEXPECTED = "2"
SEG_REQUIRED_MISSING = "3"
SEG_LOOP_OVER_MAX = "4"
SEG_OVER_MAX_USE = "5"
SEG_NOT_IN_SET = "6"
SEG_OUT_OF_ORDER = "7"
SEG_HAS_ELEMENT_ERRORS = "8"
SEG_IMPL_NOT_USED = "I4"
SEG_IMPL_DEPENDENT_MISSING = "I6"
SEG_IMPL_LOOP_MISSING = "I7"
# 999 IK403 element error codes
EL_REQUIRED_MISSING = "1"
EL_CONDITIONAL_MISSING = "2"
EL_TOO_MANY_ELEMENTS = "3"
EL_TOO_SHORT = "4"
EL_TOO_LONG = "5"
EL_BAD_CHARACTER = "6"
EL_BAD_CODE = "7"
EL_BAD_DATE = "8"
EL_BAD_TIME = "9"
EL_EXCLUSION = "10"
EL_TOO_MANY_COMPONENTS = "13"
EL_IMPL_NOT_USED = "I10"
EL_IMPL_PATTERN = "I12"
EL_IMPL_SITUATIONAL_MISSING = "I13"
EL_IMPL_BAD_CODE = "I6"
# 999 IK502 transaction set codes
SET_NOT_SUPPORTED = "1"
SET_TRAILER_MISSING = "2"
SET_CONTROL_MISMATCH = "3"
SET_COUNT_MISMATCH = "4"
SET_SEGMENTS_IN_ERROR = "5"
SET_IMPL_SEGMENTS_IN_ERROR = "I5"
