"""What every edit shares: the finding it returns and the context it reads (code sets, today)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from oncobill.claims.records import INSTITUTIONAL, ScrubClaim
from oncobill.codes import CodeSets, HcpcsCode, Mue, NcciEdit

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

    def hcpcs(self, code: str, on: date) -> HcpcsCode | None:
        key = (code, on)
        if key not in self._hcpcs:
            self._hcpcs[key] = self.codes.hcpcs(code, on)
        return self._hcpcs[key]

    def mue(self, code: str, claim: ScrubClaim, on: date) -> Mue | None:
        setting = "facility" if claim.form == INSTITUTIONAL else "practitioner"
        key = (code, setting, on)
        if key not in self._mue:
            self._mue[key] = self.codes.mue(code, setting, on)
        return self._mue[key]

    def ncci(self, column1: str, column2: str, claim: ScrubClaim, on: date) -> NcciEdit | None:
        setting = "hospital" if claim.form == INSTITUTIONAL else "practitioner"
        key = (column1, column2, setting, on)
        if key not in self._ncci:
            self._ncci[key] = self.codes.ncci_pair(column1, column2, on, setting=setting)
        return self._ncci[key]

    def billable(self, icd10: str) -> bool:
        if icd10 not in self._billable:
            self._billable[icd10] = self.codes.icd10_is_billable(icd10)
        return self._billable[icd10]


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)
