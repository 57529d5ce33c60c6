"""What every edit shares: the finding it returns and the context it reads (code sets, today)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from oncobill.claims.records import INSTITUTIONAL, ScrubClaim
from oncobill.codes import CodeSets, HcpcsCode, Mue, NcciEdit
from oncobill.practice.npi import npi_problem

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem on a claim: an error holds the claim, a warning does not."""

    edit_id: str
    severity: str
    message: str
    fix: str
    line_number: int | None = None

    def as_dict(self) -> dict:
        return {"edit": self.edit_id, "severity": self.severity, "line": self.line_number,
                "message": self.message, "fix": self.fix}


@dataclass(slots=True)
class ScrubContext:
    """Code sets answered by date, with memos: a batch asks the same (code, date) questions again and again."""

    codes: CodeSets
    today: date
    _hcpcs: dict = field(default_factory=dict)
    _mue: dict = field(default_factory=dict)
    _ncci: dict = field(default_factory=dict)
    _billable: dict = field(default_factory=dict)
    _drug: dict = field(default_factory=dict)
    _npi: dict = field(default_factory=dict)

    def hcpcs(self, code: str, on: date) -> HcpcsCode | None:
        key = (code, on)
        if key not in self._hcpcs:
            self._hcpcs[key] = self.codes.hcpcs(code, on)
        return self._hcpcs[key]

    def is_drug(self, code: str, on: date) -> bool:
        """A HCPCS drug: J or Q code with a measurable billing unit on the date."""
        key = (code, on)
        hit = self._drug.get(key)
        if hit is None:
            rec = self.hcpcs(code, on) if code[:1] in "JQ" else None
            hit = self._drug[key] = rec is not None and rec.billing_unit is not None
        return hit

    def mue(self, code: str, claim: ScrubClaim, on: date) -> Mue | None:
        setting = "facility" if claim.form == INSTITUTIONAL else "practitioner"
        key = (code, setting, on)
        if key not in self._mue:
            self._mue[key] = self.codes.mue(code, setting, on)
        return self._mue[key]

    def ncci_table(self, claim: ScrubClaim, on: date) -> dict:
        """The memo of PTP answers for one setting and date: (column1, column2) -> edit or None."""
        setting = "hospital" if claim.form == INSTITUTIONAL else "practitioner"
        table = self._ncci.get((setting, on))
        if table is None:
            table = self._ncci[(setting, on)] = {}
        return table

    def ncci(self, column1: str, column2: str, claim: ScrubClaim, on: date,
             table: dict | None = None) -> NcciEdit | None:
        table = self.ncci_table(claim, on) if table is None else table
        key = (column1, column2)
        try:
            return table[key]
        except KeyError:
            setting = "hospital" if claim.form == INSTITUTIONAL else "practitioner"
            edit = table[key] = self.codes.ncci_pair(column1, column2, on, setting=setting)
            return edit

    def npi_problem(self, npi: str) -> str | None:
        if npi not in self._npi:
            self._npi[npi] = npi_problem(npi)
        return self._npi[npi]

    def billable(self, icd10: str) -> bool:
        if icd10 not in self._billable:
            self._billable[icd10] = self.codes.icd10_is_billable(icd10)
        return self._billable[icd10]


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)
