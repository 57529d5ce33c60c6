"""Billed claims waiting for their remit, and 835s written for them (synthetic data only)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from oncobill.charges import service as charges
from oncobill.claims import lifecycle
from oncobill.claims import service as claims
from oncobill.claims.models import Claim, ClaimStatus
from oncobill.patients import service as patients
from oncobill.x12.remit835 import (
    Adjustment,
    ClaimPayment,
    Procedure,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
    build_remittance,
)
from oncobill.x12.writer import build_interchange, write
from tests.factories import small_practice

NOW = datetime(2026, 11, 20, 9, 0)
DOS = date(2026, 10, 5)
D = Decimal
_count = [0]


def practice(session) -> dict:
    _entity, doctor, clinic, medicare, commercial = small_practice(session)
    return {"doctor": doctor, "clinic": clinic, "medicare": medicare, "commercial": commercial}


def billed_claim(session, p: dict, lines: list[tuple[str, str, tuple[str, ...], int]], *,
                 secondary: str | None = None, day: date = DOS) -> Claim:
    """One patient treated on *day*, billed to Medicare (primary) and accepted by the payer."""
    _count[0] += 1
    n = _count[0]
    patient = patients.add_patient(session, account_number=f"R{n:05d}", first_name="Remi", last_name=f"Testpost{n}",
                                   birth_date=date(1950, 1, 1), sex="F", address_line1="1 Sample St",
                                   city="Springfield", state="IL", zip_code="62701", diagnoses=["C34.11"])
    patients.add_coverage(session, patient=patient, payer_code="MCR", priority="primary",
                          member_id=f"1EG4TE5MK{n % 100:02d}", effective_date=date(2026, 1, 1))
    if secondary:
        patients.add_coverage(session, patient=patient, payer_code=secondary, priority="secondary",
                              member_id=f"W{n:09d}", effective_date=date(2026, 1, 1))
    enc = charges.record_encounter(session, patient=patient, location=p["clinic"], provider=p["doctor"],
                                   date_of_service=day, diagnoses=["Z51.11", "C34.11"], primary_reason="chemo")
    for code, charge, mods, units in lines:
        kw = {}
        if code.startswith("J"):
            kw = {"ndc": "00006302602", "ndc_quantity": D(2), "ndc_unit": "UN"}
        charges.add_charge_line(session, encounter=enc, code=code, units=units, dx_pointers=[1, 2],
                                modifiers=list(mods), charge=charge, actor="test", **kw)
    built = claims.build_claims(session, actor="test", now=NOW)
    claim = next(c for c in built.claims if c.patient_id == patient.id)
    for status in (ClaimStatus.READY, ClaimStatus.SUBMITTED, ClaimStatus.ACK_ACCEPTED, ClaimStatus.PAYER_ACCEPTED):
        lifecycle.transition(claim, status, actor="test", reason="test", at=NOW)
    session.flush()
    return claim


def svc(code: str, charge: str, paid: str, adjustments: list[tuple[str, str, str]] = (), *,
        mods: tuple[str, ...] = (), control: str = "", units: str | None = None, day: date | None = DOS,
        remarks: tuple[str, ...] = (), allowed: str | None = None) -> ServicePayment:
    return ServicePayment(Procedure("HC", code, tuple(mods)), D(charge), D(paid),
                          units_paid=D(units) if units else None, service_date=day,
                          adjustments=[Adjustment(g, r, D(a)) for g, r, a in adjustments],
                          line_control_number=control, allowed=D(allowed) if allowed else None,
                          remarks=list(remarks))


def clp(claim_or_pcn, status: str, lines: list[ServicePayment], *, icn: str = "ICN1",
        adjustments: list[tuple[str, str, str]] = ()) -> ClaimPayment:
    pcn = claim_or_pcn if isinstance(claim_or_pcn, str) else claim_or_pcn.patient_control_number
    cas = [Adjustment(g, r, D(a)) for g, r, a in adjustments]
    charge = sum((s.charge for s in lines), D("0.00"))
    paid = sum((s.paid for s in lines), D("0.00"))
    every = cas + [a for s in lines for a in s.adjustments]
    paid -= sum((a.amount for a in cas), D("0.00"))
    pr = sum((a.amount for a in every if a.group == "PR"), D("0.00"))
    return ClaimPayment(pcn, status, charge, paid, pr, "MB", icn, "11", "1", adjustments=cas,
                        patient_last_name="TESTPOST", patient_first_name="REMI", patient_id_qualifier="MI",
                        patient_id="1EG4TE5MK00", services=lines)


def era_text(claims: list[ClaimPayment], *, trace: str = "EFT0001", control: int = 1,
             plb: list[tuple[str, str, str]] = (), payment: str | None = None, payer_id: str = "00952") -> str:
    plbs = [ProviderAdjustment("1234567893", date(2026, 12, 31), r, ref, D(a)) for r, ref, a in plb]
    total = sum((c.paid for c in claims), D("0.00")) - sum((p.amount for p in plbs), D("0.00"))
    remit = Remittance(D(payment) if payment is not None else total, "C", "I", "ACH", date(2026, 11, 18), trace,
                       "1" + payer_id, "MEDICARE PART B", payer_id, ("1 PAYER WAY", "SPRINGFIELD", "IL", "62701"),
                       "", "TEST ONCOLOGY GROUP", "XX", "1234567893", date(2026, 11, 18), claims=list(claims),
                       provider_adjustments=plbs)
    txn = build_remittance(remit, control_number=control)
    return write(build_interchange([(txn.spec, [txn])], sender_id="PAYER", receiver_id="CLINIC",
                                   control_number=control))
