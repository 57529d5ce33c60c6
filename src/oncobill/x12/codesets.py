"""Plug :mod:`oncobill.codes` into the validator's :class:`~oncobill.x12.validate.CodeLookup`.

``oncobill.codes`` is a core library like this one, so importing it is allowed; the NPI
check digit is passed in as a function, because the project's NPI rules live with the
practice stage (``oncobill.practice.npi``) and core code does not import stages. Shells
(the CLI) wire both together.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date


class CodeSetsLookup:
    """Answers the validator's code-set questions from a ``CodeSets`` object."""

    def __init__(self, code_sets=None, npi_valid: Callable[[str], bool] | None = None) -> None:
        if code_sets is None:
            from oncobill.codes import default_code_sets

            code_sets = default_code_sets()
        self.codes = code_sets
        self._npi_valid = npi_valid

    def procedure_exists(self, code: str, on: date | None) -> bool | None:
        """None when the code is a CPT number our tables do not hold (CPT is licensed: the
        bundled list covers oncology only), so the validator can say "unknown", not "wrong"."""
        if self.codes.hcpcs_is_valid(code, on=on):
            return True
        if code[:1].isdigit() and self.codes.hcpcs_record(code) is None:
            return None
        return False

    def diagnosis_billable(self, code: str) -> bool:
        return self.codes.icd10_is_billable(code)

    def adjustment_reason_exists(self, code: str, on: date | None) -> bool:
        found = self.codes.carc(code, on=on)
        return found is not None and found.active_on(on)

    def remark_exists(self, code: str, on: date | None) -> bool:
        found = self.codes.rarc(code, on=on)
        return found is not None and found.active_on(on)

    def place_of_service_exists(self, code: str) -> bool:
        return self.codes.pos(code) is not None

    def npi_valid(self, npi: str) -> bool:
        if self._npi_valid is None:
            return len(npi) == 10 and npi.isdigit()
        return self._npi_valid(npi)
