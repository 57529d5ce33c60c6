"""837 Institutional claims (005010X223A2): hospital outpatient drug and radiation billing
(TOB 13x), as typed objects in both directions. Parties and the HL hierarchy are shared
with the professional claim."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from oncobill.x12.claims837 import (
    Coverage,
    DrugIdentification,
    LineAdjudication,
    OtherPayer,
    ProfessionalClaims,
    hierarchy_segments,
    line_adjudication_segments,
    other_payer_segments,
    read_line_adjudication,
    read_other_payer,
)
from oncobill.x12.model import Loop, Transaction
from oncobill.x12.segments import (
    Payer,
    Person,
    Procedure,
    Provider,
    name_segments,
    read_payer,
    read_person,
    read_provider,
    segment,
)
from oncobill.x12.specs.x837i import SPEC as SPEC_837I
from oncobill.x12.tokenizer import DEFAULT_DELIMITERS, Delimiters, Segment
from oncobill.x12.values import amount, fmt_amount, fmt_date, fmt_quantity, parse_date, quantity

__all__ = ["InstitutionalClaim", "RevenueLine", "institutional_claim_segments", "read_837i", "write_837i"]


@dataclass(slots=True)
class RevenueLine:
    """2400 SV2: revenue code, optional HCPCS, charge and units."""

    revenue_code: str
    charge: Decimal
    units: Decimal
    procedure: Procedure | None = None
    service_date: date | None = None
    line_control_number: str = ""
    drug: DrugIdentification | None = None
    adjudications: list[LineAdjudication] = field(default_factory=list)  # 2430: prior payers' adjudication


@dataclass(slots=True)
class InstitutionalClaim:
    """2300 of an 837I: type of bill (CLM05), statement period, CL1 and diagnoses."""

    patient_control_number: str
    charge: Decimal
    facility_type: str  # CLM05-1, e.g. 13 hospital outpatient
    statement_start: date
    statement_end: date
    principal_diagnosis: str
    lines: list[RevenueLine]
    billing_provider: Provider
    subscriber: Person
    payer: Payer
    coverage: Coverage = field(default_factory=Coverage)
    patient: Person | None = None
    patient_relationship: str = ""
    frequency: str = "1"
    other_diagnoses: list[str] = field(default_factory=list)
    admission_type: str = ""  # CL101
    admission_source: str = ""  # CL102
    patient_status: str = "01"  # CL103: 01 discharged home
    attending_provider: Provider | None = None
    payer_claim_control_number: str = ""
    prior_authorization: str = ""  # 2300 REF*G1
    assignment: str = "A"
    benefits_assigned: str = "Y"
    release_of_information: str = "Y"
    other_payers: list[OtherPayer] = field(default_factory=list)


# -- writing ----------------------------------------------------------------------------------


def _claim_segments(claim: InstitutionalClaim, comp: str) -> list[Segment]:
    out = [
        segment("CLM", claim.patient_control_number, fmt_amount(claim.charge), "", "",
             comp.join((claim.facility_type, "A", claim.frequency)), "", claim.assignment, claim.benefits_assigned,
             claim.release_of_information)
    ]  # fmt: skip
    out.append(
        segment("DTP", "434", "RD8", f"{fmt_date(claim.statement_start)}-{fmt_date(claim.statement_end)}")
    )
    out.append(segment("CL1", claim.admission_type, claim.admission_source, claim.patient_status))
    if claim.prior_authorization:  # the guide orders 2300 REF*G1 before REF*F8
        out.append(segment("REF", "G1", claim.prior_authorization))
    if claim.payer_claim_control_number:
        out.append(segment("REF", "F8", claim.payer_claim_control_number))
    out.append(segment("HI", comp.join(("ABK", claim.principal_diagnosis.replace(".", "")))))
    if claim.other_diagnoses:
        out.append(segment("HI", *[comp.join(("ABF", d.replace(".", ""))) for d in claim.other_diagnoses[:12]]))
    if claim.attending_provider is not None:
        a = claim.attending_provider
        out += name_segments("71", "1", a.name, a.first_name, "XX", a.npi, None)
    out.extend(other_payer_segments(claim.other_payers, institutional=True))
    for n, line in enumerate(claim.lines, 1):
        out.append(segment("LX", n))
        out.append(
            segment("SV2", line.revenue_code, line.procedure.format(comp) if line.procedure else "",
                 fmt_amount(line.charge), "UN", fmt_quantity(line.units))
        )  # fmt: skip
        if line.service_date:
            out.append(segment("DTP", "472", "D8", fmt_date(line.service_date)))
        if line.line_control_number:
            out.append(segment("REF", "6R", line.line_control_number))
        if line.drug is not None:
            out.append(segment("LIN", "", "N4", line.drug.ndc))
            out.append(segment("CTP", "", "", "", fmt_quantity(line.drug.quantity), line.drug.unit))
        out.extend(line_adjudication_segments(line.adjudications, comp, line.revenue_code))
    return out


def institutional_claim_segments(
    doc: ProfessionalClaims, delimiters: Delimiters = DEFAULT_DELIMITERS
) -> list[Segment]:
    """Body segments of an 837I; *doc* is the same envelope object as for 837P, holding
    :class:`InstitutionalClaim` claims."""
    return hierarchy_segments(doc, _claim_segments, delimiters.component, professional=False)


def build_837i(doc: ProfessionalClaims, control_number: int | str = 1) -> Transaction:
    from oncobill.x12.writer import build_transaction

    return build_transaction(SPEC_837I, control_number, institutional_claim_segments(doc))


def write_837i(doc: ProfessionalClaims, *, control_number: int = 1) -> str:
    from oncobill.x12.writer import build_interchange, write

    txn = build_837i(doc, control_number)
    ic = build_interchange([(SPEC_837I, [txn])], sender_id=doc.submitter_id, receiver_id=doc.receiver_id,
                           control_number=control_number, when=doc.created)  # fmt: skip
    return write(ic)


# -- reading ----------------------------------------------------------------------------------


def _read_claim(loop: Loop, comp: str, base: dict) -> InstitutionalClaim:
    clm = loop.segments[0]
    fac = clm.get(5).split(comp)
    dtp = loop.segment("DTP", "434")
    start = end = None
    if dtp is not None:
        a, _, b = dtp.get(3).partition("-")
        start, end = parse_date(a, dtp, "DTP03"), parse_date(b or a, dtp, "DTP03")
    cl1 = loop.segment("CL1")
    principal, others = "", []
    for hi in loop.all("HI"):
        for el in hi[1:]:
            parts = el.split(comp)
            if parts[0] in ("ABK", "BK"):
                principal = parts[1] if len(parts) > 1 else ""
            elif parts[0] in ("ABF", "BF"):
                others.append(parts[1] if len(parts) > 1 else "")
    claim = InstitutionalClaim(
        clm.get(1), amount(clm.get(2), clm, "CLM02"), fac[0], start, end, principal, [],
        frequency=fac[2] if len(fac) > 2 else "", other_diagnoses=others,
        admission_type=cl1.get(1) if cl1 else "", admission_source=cl1.get(2) if cl1 else "",
        patient_status=cl1.get(3) if cl1 else "", assignment=clm.get(7), benefits_assigned=clm.get(8),
        release_of_information=clm.get(9), **base,
    )  # fmt: skip
    ref = loop.segment("REF", "F8")
    if ref is not None:
        claim.payer_claim_control_number = ref.get(2)
    auth = loop.segment("REF", "G1")
    if auth is not None:
        claim.prior_authorization = auth.get(2)
    for lp in loop.loops:
        if lp.spec.id == "2310A":
            claim.attending_provider = read_provider(lp)
        elif lp.spec.id == "2320":
            claim.other_payers.append(read_other_payer(lp))
        elif lp.spec.id == "2400":
            sv2 = lp.segment("SV2")
            d = lp.segment("DTP", "472")
            r = lp.segment("REF", "6R")
            line = RevenueLine(
                sv2.get(1), amount(sv2.get(3), sv2, "SV203"), quantity(sv2.get(5), sv2, "SV205") or Decimal(0),
                Procedure.parse(sv2.get(2), comp) if sv2.get(2) else None,
                parse_date(d.get(3), d, "DTP03") if d is not None and d.get(2) == "D8" else None,
                r.get(2) if r is not None else "",
            )  # fmt: skip
            drug = lp.child("2410")
            if drug is not None:
                ctp = drug.segment("CTP")
                line.drug = DrugIdentification(drug.segments[0].get(3), quantity(ctp.get(4)) if ctp else Decimal(0),
                                               ctp.get(5).split(comp)[0] if ctp else "")  # fmt: skip
            line.adjudications = [read_line_adjudication(a, comp) for a in lp.children("2430")]
            claim.lines.append(line)
    return claim


def read_837i(txn: Transaction) -> ProfessionalClaims:
    """The typed view of one 837 institutional transaction."""
    from oncobill.x12.claims837 import read_837p

    comp = txn.delimiters.component
    doc = read_837p(_header_only(txn))
    for a in txn.body.children("2000A"):
        bp = read_provider(a.child("2010AA"))
        for b in a.children("2000B"):
            sbr = b.segment("SBR")
            base = {
                "billing_provider": bp,
                "subscriber": read_person(b.child("2010BA")),
                "payer": read_payer(b.child("2010BB")),
                "coverage": Coverage(sbr.get(1), sbr.get(2), sbr.get(3), sbr.get(9)),
            }
            for cl in b.children("2300"):
                doc.claims.append(_read_claim(cl, comp, base))
            for c in b.children("2000C"):
                pat = c.segment("PAT")
                for cl in c.children("2300"):
                    claim = _read_claim(cl, comp, base)
                    claim.patient = read_person(c.child("2010CA"))
                    claim.patient_relationship = pat.get(1) if pat else ""
                    doc.claims.append(claim)
    return doc


def _header_only(txn: Transaction) -> Transaction:
    body = Loop(txn.body.spec, txn.body.segments, [lp for lp in txn.body.loops if lp.spec.id != "2000A"])
    return Transaction(txn.spec, txn.st, body, delimiters=txn.delimiters)
