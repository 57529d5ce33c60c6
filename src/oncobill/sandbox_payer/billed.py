"""What the payer reads off an 837: one shape for professional and institutional claims.

The X12 engine's typed 837P/837I objects differ (SV1 vs SV2, POS vs type of bill); the rules
and the adjudication only need the billing facts, so both are flattened into :class:`BilledClaim`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from oncobill.x12.claims837 import LineAdjudication, OtherPayer, ProfessionalClaim
from oncobill.x12.institutional837 import InstitutionalClaim
from oncobill.x12.remit835 import Procedure


@dataclass(frozen=True)
class BilledLine:
    number: int
    code: str  # HCPCS/CPT, or the revenue code on an institutional line without one
    modifiers: tuple[str, ...]
    units: Decimal
    charge: Decimal
    service_date: date
    procedure: Procedure  # echoed in SVC01
    line_control_number: str = ""
    revenue_code: str = ""
    ndc: str = ""
    authorization: str = ""  # line REF*G1, else the claim's
    prior: tuple[LineAdjudication, ...] = ()  # 2430: the primary payer's adjudication

    def label(self) -> str:
        mods = "-".join(self.modifiers)
        return f"line {self.number} {self.code}{'-' + mods if mods else ''}"


@dataclass(frozen=True)
class BilledClaim:
    patient_control_number: str
    charge: Decimal
    form: str  # "837P" or "837I"
    place_of_service: str  # POS (837P) or the type-of-bill facility code (837I, e.g. 13)
    frequency: str
    payer_id: str
    payer_name: str
    member_id: str
    subscriber_last: str
    subscriber_first: str
    patient_last: str
    patient_first: str
    billing_npi: str
    billing_name: str
    rendering_npi: str
    responsibility: str  # SBR01 of the destination payer: P, S, T
    filing_indicator: str
    lines: tuple[BilledLine, ...]
    prior_authorization: str = ""
    payer_claim_control_number: str = ""  # REF*F8
    other_payers: tuple[OtherPayer, ...] = ()
    diagnoses: tuple[str, ...] = field(default=())

    @property
    def service_from(self) -> date:
        return min(line.service_date for line in self.lines)

    @property
    def service_to(self) -> date:
        return max(line.service_date for line in self.lines)

    @property
    def is_secondary(self) -> bool:
        return self.responsibility in ("S", "T")


def _line_auth(other) -> str:
    for seg in other:
        if seg[0] == "REF" and seg.get(1) == "G1":
            return seg.get(2)
    return ""


def from_professional(claim: ProfessionalClaim) -> BilledClaim:
    patient = claim.patient or claim.subscriber
    lines = tuple(
        BilledLine(
            n, ln.procedure.code, ln.procedure.modifiers, ln.units, ln.charge, ln.service_date, ln.procedure,
            ln.line_control_number, "", ln.drug.ndc if ln.drug else "", _line_auth(ln.other) or claim.prior_authorization,
            tuple(ln.adjudications),
        )
        for n, ln in enumerate(claim.lines, 1)
    )  # fmt: skip
    rendering = claim.rendering_provider.npi if claim.rendering_provider else claim.billing_provider.npi
    return BilledClaim(
        claim.patient_control_number, claim.charge, "837P", claim.place_of_service, claim.frequency or "1",
        claim.payer.payer_id, claim.payer.name, claim.subscriber.member_id, claim.subscriber.last_name,
        claim.subscriber.first_name, patient.last_name, patient.first_name, claim.billing_provider.npi,
        claim.billing_provider.name, rendering, claim.coverage.responsibility, claim.coverage.filing_indicator, lines,
        claim.prior_authorization, claim.payer_claim_control_number, tuple(claim.other_payers), tuple(claim.diagnoses),
    )  # fmt: skip


def from_institutional(claim: InstitutionalClaim) -> BilledClaim:
    patient = claim.patient or claim.subscriber
    lines = []
    for n, ln in enumerate(claim.lines, 1):
        proc = ln.procedure or Procedure("NU", ln.revenue_code)
        lines.append(
            BilledLine(n, proc.code, proc.modifiers, ln.units, ln.charge, ln.service_date or claim.statement_start,
                       proc, ln.line_control_number, ln.revenue_code, ln.drug.ndc if ln.drug else "",
                       claim.prior_authorization, tuple(ln.adjudications))
        )  # fmt: skip
    attending = claim.attending_provider.npi if claim.attending_provider else claim.billing_provider.npi
    return BilledClaim(
        claim.patient_control_number, claim.charge, "837I", claim.facility_type, claim.frequency or "1",
        claim.payer.payer_id, claim.payer.name, claim.subscriber.member_id, claim.subscriber.last_name,
        claim.subscriber.first_name, patient.last_name, patient.first_name, claim.billing_provider.npi,
        claim.billing_provider.name, attending, claim.coverage.responsibility, claim.coverage.filing_indicator,
        tuple(lines), claim.prior_authorization, claim.payer_claim_control_number, tuple(claim.other_payers),
        (claim.principal_diagnosis, *claim.other_diagnoses),
    )  # fmt: skip
