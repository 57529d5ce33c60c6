"""A small practice with one patient whose coverage changes mid-month (synthetic data only)."""

from datetime import date
from decimal import Decimal

from tests.factories import small_practice

from oncobill.charges import service as charges
from oncobill.patients import service as patients


def seed_month(session) -> dict:
    """A patient on the commercial plan until Oct 14 and on Medicare from Oct 15, treated weekly."""
    entity, oncologist, clinic, medicare, commercial = small_practice(session)
    patient = patients.add_patient(session, account_number="T0001", first_name="Quinn", last_name="Testwell",
                                   birth_date=date(1961, 10, 3), sex="F", address_line1="1 Sample St",
                                   city="Springfield", state="IL", zip_code="62701", diagnoses=["C34.11"])
    patients.add_coverage(session, patient=patient, payer_code="COMM", priority="primary", member_id="W123456789",
                          effective_date=date(2026, 1, 1), end_date=date(2026, 10, 14))
    patients.add_coverage(session, patient=patient, payer_code="MCR", priority="primary", member_id="1EG4TE5MK73",
                          effective_date=date(2026, 10, 15))
    for day in (date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19), date(2026, 10, 26)):
        treat(session, patient, clinic, oncologist, day)
    return {"entity": entity, "oncologist": oncologist, "clinic": clinic, "medicare": medicare, "commercial": commercial,
                "patient": patient}


def treat(session, patient, clinic, provider, day):
    enc = charges.record_encounter(session, patient=patient, location=clinic, provider=provider, date_of_service=day,
                                   diagnoses=["Z51.12", "C34.11"], primary_reason="immunotherapy")
    charges.add_charge_line(session, encounter=enc, code="96413", units=1, dx_pointers=[1, 2], charge="350.00",
                            actor="test")
    charges.add_charge_line(session, encounter=enc, code="J9271", units=200, dx_pointers=[2], modifiers=["JZ"],
                            charge="12000.00", ndc="00006302602", ndc_quantity=Decimal(2), ndc_unit="UN",
                            actor="test")
    return enc


