"""Small builders of a valid practice for tests (synthetic names only)."""

from __future__ import annotations

from datetime import date

from oncobill.practice import service as practice

# Valid NPIs (check digit computed per domain 1.2).
GROUP_NPI = "1234567893"
PROVIDER_NPIS = ["1558598797", "1003000126", "1003000134"]


def small_practice(session):
    entity = practice.create_billing_entity(
        session, legal_name="Test Oncology Group", tin="123456789", group_npi=GROUP_NPI, taxonomy="207RX0202X",
        address_line1="1 Test Way", city="Springfield", state="IL", zip_code="627010001",
    )
    oncologist = practice.add_provider(
        session, billing_entity=entity, npi=PROVIDER_NPIS[0], first_name="Ada", last_name="Testwell",
        credential="MD", taxonomy="207RX0202X", role="physician",
    )
    clinic = practice.add_location(
        session, billing_entity=entity, name="Test Infusion Center", place_of_service="11", setting="office",
        address_line1="1 Test Way", city="Springfield", state="IL", zip_code="62701",
    )
    medicare = practice.add_payer(
        session, code="MCR", name="Medicare Part B", payer_id="00952", kind="medicare",
        claim_filing_indicator="MB", timely_filing_days=365, settings={"retro_billing_days": 30},
    )
    commercial = practice.add_payer(
        session, code="COMM", name="Commercial Plan", payer_id="60054", kind="commercial",
        claim_filing_indicator="CI", timely_filing_days=90,
    )
    practice.enroll(session, provider=oncologist, payer=medicare, status="enrolled", effective_date=date(2020, 1, 1))
    practice.enroll(session, provider=oncologist, payer=commercial, status="enrolled",
                    effective_date=date(2020, 1, 1))
    return entity, oncologist, clinic, medicare, commercial
