"""A claim the primary forwarded (crossover) comes back in the next payer's own 835 under our CLP01:
it is posted against that payer's A/R as a secondary's answer, never against the primary's (both
databases)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from oncobill.claims.models import ClaimStatus
from oncobill.ledger import service as ledger
from oncobill.remittance import service
from oncobill.remittance.models import PayerClaimNumber, RemitClaim
from oncobill.worklists import queues
from tests.remittance.helpers import NOW, billed_claim, clp, era_text, practice, svc

D = Decimal
COMM_PAYER_ID = "60054"  # the commercial plan's payer ID in tests.factories.small_practice


@pytest.fixture
def p(session):
    return practice(session)


def imp(session, text: str):
    return service.import_era(session, "remit.835", text.encode(), actor="poster", now=NOW)


def crossed_over_claim(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
    imp(session, era_text([clp(claim, "19", [
        svc("96413", "350.00", "200.00", [("CO", "45", "100.00"), ("PR", "2", "50.00")], remarks=("MA18",))],
        icn="MCRICN")]))
    assert service.crossed_over(session, claim.id)
    assert ledger.payer_balance(session, p["commercial"].id) == D("50.00")  # PR moved on to the next payer
    return claim


def test_the_partner_s_835_posts_against_its_own_ar_and_the_patient_owes_what_it_left(session, p):
    claim = crossed_over_claim(session, p)
    result = imp(session, era_text([clp(claim, "2", [
        svc("96413", "350.00", "40.00", [("OA", "23", "300.00"), ("PR", "2", "10.00")])], icn="COMMICN")],
        trace="EFT0002", payer_id=COMM_PAYER_ID))
    s = result.sets[0]
    assert (s.outcome, s.claims_posted, s.payments, s.patient_responsibility) == ("posted", 1, D("40.00"), D("10.00"))
    assert ledger.payer_balance(session, p["medicare"].id) == D("0.00")  # untouched by the partner's answer
    assert ledger.payer_balance(session, p["commercial"].id) == D("0.00")  # 50 - 40 paid - 10 to the patient
    assert ledger.patient_balance(session, claim.patient_id) == D("10.00")
    assert ledger.claim_line_balance(session, claim.lines[0].id) == D("10.00")
    assert ledger.is_balanced(session)
    session.refresh(claim)
    assert claim.status is ClaimStatus.PAID and claim.payer_claim_number == "MCRICN"  # still the primary's
    numbers = {(n.payer_id, n.payer_claim_number) for n in session.scalars(
        select(PayerClaimNumber).where(PayerClaimNumber.claim_id == claim.id))}
    assert numbers == {(p["medicare"].id, "MCRICN"), (p["commercial"].id, "COMMICN")}


def test_the_partner_s_reversal_undoes_only_its_own_payment(session, p):
    claim = crossed_over_claim(session, p)
    imp(session, era_text([clp(claim, "2", [
        svc("96413", "350.00", "40.00", [("OA", "23", "300.00"), ("PR", "2", "10.00")])], icn="COMMICN")],
        trace="EFT0002", payer_id=COMM_PAYER_ID))
    result = imp(session, era_text([clp(claim, "22", [
        svc("96413", "-350.00", "-40.00", [("OA", "23", "-300.00"), ("PR", "2", "-10.00")])], icn="COMMICN")],
        trace="EFT0003", payer_id=COMM_PAYER_ID))
    assert result.sets[0].reversals == 1
    remits = session.execute(select(RemitClaim.claim_status_code, RemitClaim.reversed_by_id)
                             .where(RemitClaim.claim_id == claim.id).order_by(RemitClaim.id)).all()
    assert [(code, by is not None) for code, by in remits] == [("19", False), ("2", True), ("22", False)]
    assert ledger.payer_balance(session, p["commercial"].id) == D("50.00")  # back to what Medicare moved there
    assert ledger.patient_balance(session, claim.patient_id) == D("0.00")
    assert ledger.payer_balance(session, p["medicare"].id) == D("0.00")
    assert ledger.is_balanced(session)


def test_an_835_from_a_payer_the_patient_has_no_coverage_with_is_worked_by_a_person(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])  # Medicare only
    result = imp(session, era_text([clp(claim, "1", [svc("96413", "350.00", "250.00", [("CO", "45", "100.00")])])],
                                   payer_id=COMM_PAYER_ID))
    assert result.sets[0].claims_posted == 0
    [item] = queues.open_work_items(session)
    assert item.kind == "not_postable" and "no coverage with it" in item.detail
    assert ledger.claim_line_balance(session, claim.lines[0].id) == D("350.00")
    assert ledger.is_balanced(session)
