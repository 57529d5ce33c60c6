"""Routing every CARC the sandbox payer sends (docs/sandbox-payer.md) and the domain 7.6 examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from oncobill.denials import Action, ClaimFacts, DeniedLine, PatientBillable, PayerTerms, route
from oncobill.errors import InvalidInput
from oncobill.worklists.models import Role

DOS = date(2026, 10, 5)
REMIT = date(2026, 11, 20)
CLAIM = ClaimFacts("OB101", DOS, payer_claim_number="SBX263100000001", patient_name="Pat Demo-Sample",
                   member_id="XPB000111")
PRAIRIE = PayerTerms("Prairie Blue PPO", timely_filing_days=90, appeal_window_days=180)
MEDICARE = PayerTerms("Medicare Part B", timely_filing_days=365, appeal_window_days=120)


def line(group, carc, *rarcs, amount="500.00", paid="0.00", code="J9271"):
    return DeniedLine(group, carc, Decimal(amount), tuple(rarcs), code=code, paid=Decimal(paid),
                      line_control_number="OB101-01", service_date=DOS)


SANDBOX_ROUTES = [
    # group, carc, rarcs, queue, action, owner
    ("CO", "27", (), "eligibility", Action.BILL_OTHER_PAYER, Role.ELIGIBILITY_SPECIALIST),
    ("CO", "26", (), "eligibility", Action.BILL_OTHER_PAYER, Role.ELIGIBILITY_SPECIALIST),
    ("CO", "B7", (), "credentialing", Action.FIX_ENROLLMENT, Role.CREDENTIALING),
    ("CO", "197", ("N54",), "authorization", Action.REQUEST_AUTHORIZATION, Role.AUTHORIZATION_COORDINATOR),
    ("CO", "198", ("N54",), "authorization", Action.REQUEST_AUTHORIZATION, Role.AUTHORIZATION_COORDINATOR),
    ("CO", "4", ("N822",), "modifiers", Action.CORRECTED_CLAIM, Role.CODER),
    ("CO", "4", ("N519",), "modifiers", Action.CORRECTED_CLAIM, Role.CODER),
    ("CO", "16", ("M119",), "claim_data", Action.CORRECTED_CLAIM, Role.BILLING_SPECIALIST),
    ("CO", "16", ("MA04",), "cob", Action.CORRECTED_CLAIM, Role.BILLING_SPECIALIST),
    ("CO", "236", ("N20",), "coding", Action.CORRECTED_CLAIM, Role.CODER),
    ("CO", "97", ("M15",), "coding", Action.CORRECTED_CLAIM, Role.CODER),
    ("CO", "151", ("N362",), "coding", Action.CORRECTED_CLAIM, Role.CODER),
    ("OA", "18", ("N522",), "duplicates", Action.CHECK_ORIGINAL, Role.BILLING_SPECIALIST),
    ("OA", "18", (), "duplicates", Action.CHECK_ORIGINAL, Role.BILLING_SPECIALIST),
    ("CO", "5", ("M77",), "coding", Action.CORRECTED_CLAIM, Role.CODER),
    ("CO", "45", (), "contractual", Action.POST_ONLY, Role.PAYMENT_POSTER),
    ("CO", "253", (), "contractual", Action.POST_ONLY, Role.PAYMENT_POSTER),
    ("PR", "1", (), "patient_responsibility", Action.TRANSFER_TO_PATIENT, Role.PATIENT_ACCOUNTS),
    ("PR", "2", (), "patient_responsibility", Action.TRANSFER_TO_PATIENT, Role.PATIENT_ACCOUNTS),
    ("PR", "3", (), "patient_responsibility", Action.TRANSFER_TO_PATIENT, Role.PATIENT_ACCOUNTS),
    ("OA", "23", (), "posted", Action.POST_ONLY, Role.PAYMENT_POSTER),
]


@pytest.mark.parametrize("group, carc, rarcs, queue, action, owner", SANDBOX_ROUTES,
                         ids=[f"{g}-{c}{'-' + '-'.join(r) if r else ''}" for g, c, r, *_ in SANDBOX_ROUTES])
def test_every_sandbox_denial_is_routed(group, carc, rarcs, queue, action, owner):
    item = route(line(group, carc, *rarcs), CLAIM, PRAIRIE, remit_date=REMIT)
    assert (item.queue, item.action, item.owner) == (queue, action, owner)
    assert item.reason.startswith(f"{group}-{carc} ")
    for rarc in rarcs:
        assert f"{rarc}: " in item.reason
    assert item.fix
    assert item.patient_billable is (PatientBillable.YES if group == "PR" else PatientBillable.NEVER)
    assert item.needs_work is (action not in (Action.POST_ONLY, Action.TRANSFER_TO_PATIENT))


def test_co29_with_proof_of_timely_filing_is_appealed():
    claim = ClaimFacts("OB7", date(2025, 9, 1), payer_claim_number="SBX1", payer_accepted_on=date(2026, 8, 20))
    item = route(DeniedLine("CO", "29", Decimal("1200.00")), claim, MEDICARE, remit_date=REMIT)
    assert item.action is Action.APPEAL and item.queue == "timely_filing"
    assert "accepted the claim on 2026-08-20" in item.route
    assert item.due_date == date(2027, 3, 20)  # appeal window 120 days from the remit
    assert item.patient_billable is PatientBillable.NEVER


def test_co29_without_proof_is_written_off_never_to_the_patient():
    claim = ClaimFacts("OB7", date(2025, 9, 1), payer_accepted_on=date(2026, 9, 15))  # after 2026-09-01
    item = route(DeniedLine("CO", "29", Decimal("1200.00")), claim, MEDICARE, remit_date=REMIT)
    assert item.action is Action.WRITE_OFF
    assert "no proof of timely filing" in item.route and "never billed to the patient" in item.fix
    assert item.due_date == date(2026, 12, 20)  # the practice's own 30-day target: no payer clock


def test_most_specific_row_wins_and_unknown_rarc_falls_back_to_carc_row():
    assert route(line("CO", "16", "MA130"), CLAIM, PRAIRIE, remit_date=REMIT).action is Action.NEW_CLAIM
    generic = route(line("CO", "16", "N290", "M119"), CLAIM, PRAIRIE, remit_date=REMIT)
    assert generic.route.startswith("playbook row") and "RARC N290" in generic.route  # first RARC with a row
    assert route(line("CO", "16", "N4"), CLAIM, PRAIRIE, remit_date=REMIT).route.endswith(
        "(CO, CARC 16): corrected_claim")


def test_domain_examples_route_as_the_playbook_says():
    cases = {("CO", "50"): ("medical_necessity", Action.APPEAL), ("CO", "11"): ("coding", Action.CORRECTED_CLAIM),
             ("CO", "109"): ("eligibility", Action.BILL_OTHER_PAYER), ("CO", "22"): ("cob", Action.BILL_OTHER_PAYER),
             ("CO", "226"): ("records", Action.SEND_RECORDS), ("CO", "189"): ("coding", Action.CORRECTED_CLAIM),
             ("CO", "B15"): ("coding", Action.CORRECTED_CLAIM), ("PR", "96"): ("patient_responsibility",
                                                                          Action.TRANSFER_TO_PATIENT)}
    for (group, carc), (queue, action) in cases.items():
        item = route(line(group, carc), CLAIM, PRAIRIE, remit_date=REMIT)
        assert (item.queue, item.action) == (queue, action), (group, carc)
    notice = route(line("PR", "204"), CLAIM, PRAIRIE, remit_date=REMIT)
    assert notice.patient_billable is PatientBillable.WITH_NOTICE


def test_unknown_reason_goes_to_review_with_its_text():
    item = route(line("PI", "94"), CLAIM, PRAIRIE, remit_date=REMIT)
    assert (item.queue, item.action) == ("review", Action.REVIEW)
    assert "Processed in Excess of charges" in item.reason


def test_a_co_row_can_never_bill_the_patient_even_when_group_is_pi_or_oa():
    for group in ("CO", "OA", "PI"):
        assert route(line(group, "96"), CLAIM, PRAIRIE, remit_date=REMIT).patient_billable is PatientBillable.NEVER


def test_partly_denied_line_is_marked_partial():
    item = route(line("CO", "151", "N362", amount="300.00", paid="900.00"), CLAIM, PRAIRIE, remit_date=REMIT)
    assert item.partial and item.amount == Decimal("300.00")


def test_bad_group_is_refused_naming_the_line():
    with pytest.raises(InvalidInput, match="claim OB101 line OB101-01.*group 'XX'"):
        route(line("XX", "45"), CLAIM, PRAIRIE, remit_date=REMIT)


def test_a_negative_or_fractional_amount_is_not_a_denial():
    with pytest.raises(InvalidInput, match="CO-45 amount -10.00 must be a positive amount"):
        route(line("CO", "45", amount="-10.00"), CLAIM, PRAIRIE, remit_date=REMIT)
    with pytest.raises(InvalidInput, match="must be a positive amount in cents"):
        route(line("CO", "45", amount="10.005"), CLAIM, PRAIRIE, remit_date=REMIT)
