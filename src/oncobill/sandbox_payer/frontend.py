"""The clearinghouse front end: the 999 (was each transaction set readable?) and the claim-level
verdicts of the 277CA (was each claim accepted into adjudication, and if not, why?).

A set with SNIP 1-2 errors is rejected whole in the 999 and goes no further. A set accepted with
errors (SNIP 3-5: balancing, situational rules, code sets) has its findings traced to the claims
they sit in, and those claims are rejected in the 277CA with the category and status code that
names the problem; a claim rejected here never reaches adjudication.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from oncobill.x12.acks import ClaimStatus
from oncobill.x12.findings import Finding
from oncobill.x12.model import Loop, Transaction

# Finding code -> (STC01-1 category, STC01-2 status code, STC01-3 entity)
FINDING_STATUS: dict[str, tuple[str, str, str]] = {
    "claim-unbalanced": ("A7", "400", ""),  # claim is out of balance
    "icd10": ("A7", "255", ""),  # diagnosis code
    "dx-pointer": ("A7", "477", ""),  # diagnosis code pointer missing or invalid
    "hcpcs": ("A7", "454", ""),  # procedure code for services rendered
    "pos": ("A7", "249", ""),  # place of service
    "units": ("A7", "476", ""),  # missing or invalid units of service
    "money-decimals": ("A7", "178", ""),  # submitted charges
    "ndc-format": ("A7", "218", ""),  # NDC number
    "ndc-quantity": ("A7", "218", ""),
    "missing-f8": ("A6", "464", ""),  # payer assigned claim control number
    "billing-zip": ("A7", "500", "85"),  # entity's postal/zip code
    "subscriber-address": ("A6", "126", "IL"),  # entity's address
    "subscriber-dmg": ("A6", "158", "IL"),  # entity's date of birth
}
NPI_ENTITY = {"2010AA": "85", "2310B": "82", "2420A": "82", "2310C": "77", "2310A": "71"}
DEFAULT_STATUS = ("A7", "21", "")  # missing or invalid information


@dataclass
class ClaimVerdict:
    """One claim's front-end outcome: accepted (A2) or the rejection statuses with reasons."""

    statuses: list[ClaimStatus] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.statuses

    def reject(self, category: str, code: str, entity: str, reason: str, when, amount) -> None:
        status = ClaimStatus(category, code, when, entity, "U", amount)
        if all((s.category, s.code, s.entity) != (category, code, entity) for s in self.statuses):
            self.statuses.append(status)
        self.reasons.append(reason)


def claim_loops(txn: Transaction) -> list[tuple[Loop, list[Loop]]]:
    """Each 2300 loop with its ancestors (2000A, 2000B, 2000C), in the order the typed readers use."""
    out = []
    for a in txn.body.children("2000A"):
        for b in a.children("2000B"):
            out.extend((c, [a, b]) for c in b.children("2300"))
            for p in b.children("2000C"):
                out.extend((c, [a, b, p]) for c in p.children("2300"))
    return out


def _numbers(loop: Loop) -> set[int]:
    return {getattr(s, "number", 0) for lp in loop.walk() for s in lp.segments}


def _header_numbers(loop: Loop) -> set[int]:
    """The loop's own segments and its non-hierarchy children (2010xx names), not its claims."""
    out = {getattr(s, "number", 0) for s in loop.segments}
    for child in loop.loops:
        if not child.spec.id.startswith(("2000", "2300")):
            out |= _numbers(child)
    return out


def findings_by_claim(txn: Transaction, findings: list[Finding]) -> list[list[Finding]]:
    """The error findings that sit in (or above) each claim of *txn*, claim by claim."""
    loops = claim_loops(txn)
    spans = [(_numbers(c), set().union(*(_header_numbers(a) for a in ancestors))) for c, ancestors in loops]
    out: list[list[Finding]] = [[] for _ in loops]
    for f in findings:
        if f.severity != "error" or f.segment_number is None:
            continue
        for k, (own, header) in enumerate(spans):
            if f.segment_number in own or f.segment_number in header:
                out[k].append(f)
    return out


def finding_status(f: Finding) -> tuple[str, str, str]:
    if f.code == "npi":
        return ("A7", "562", NPI_ENTITY.get(f.loop or "", "85"))
    return FINDING_STATUS.get(f.code, DEFAULT_STATUS)
