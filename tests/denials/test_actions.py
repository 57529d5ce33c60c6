"""Action builders and their refusals: corrected vs new claim, appeal letter, write-off, transfers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from oncobill.denials import (
    ClaimFacts,
    DeniedLine,
    PayerTerms,
    appeal_letter,
    denied_lines,
    resubmission,
    route,
    transfer_to_patient,
    transfer_to_secondary,
    write_off,
)
from oncobill.errors import InvalidInput
from oncobill.worklists.queues import Refused
from oncobill.x12.remit835 import Adjustment, ClaimPayment, Procedure, ServicePayment

DOS = date(2026, 10, 5)
REMIT = date(2026, 11, 20)
CLAIM = ClaimFacts("OB101", DOS, payer_claim_number="SBX263100000001", patient_name="Pat Demo-Sample",
                   member_id="XPB000111", billing_provider="Lakeshore Oncology Demo", billing_npi="1558598797",
                   rendering_provider="Maren Okonkwo-Demo, MD", rendering_npi="1999900012")
PAYER = PayerTerms("Prairie Blue PPO", timely_filing_days=90, appeal_window_days=180)


def item(group, carc, *rarcs, amount="900.00", claim=CLAIM, payer=PAYER):
    return route(DeniedLine(group, carc, Decimal(amount), tuple(rarcs), code="J9271", line_control_number="OB101-01",
                            service_date=DOS), claim, payer, remit_date=REMIT)


def test_corrected_claim_is_frequency_7_with_ref_f8():
    plan = resubmission(item("CO", "16", "M119"), CLAIM, PAYER)
    assert (plan.frequency, plan.payer_claim_number) == ("7", "SBX263100000001")
    assert "NDC" in plan.fix


def test_denied_never_paid_claim_goes_as_new_original_where_the_payer_wants_it():
    payer = replace(PAYER, correct_denied_as_original=True)
    plan = resubmission(item("CO", "4", "N822", payer=payer), CLAIM, payer)
    assert (plan.frequency, plan.payer_claim_number) == ("1", None)
    paid_before = replace(CLAIM, ever_paid=True)
    assert resubmission(item("CO", "4", "N822", payer=payer), paid_before, payer).frequency == "7"


def test_ma130_and_front_end_rejections_are_new_claims():
    assert resubmission(item("CO", "16", "MA130"), CLAIM, PAYER).frequency == "1"
    rejected = replace(CLAIM, rejected_at_front_end=True, payer_claim_number="")
    assert resubmission(item("CO", "16", "M119", claim=rejected), rejected, PAYER).frequency == "1"


def test_corrected_claim_without_payer_claim_number_is_refused():
    claim = replace(CLAIM, payer_claim_number="")
    with pytest.raises(InvalidInput, match="claim OB101: resubmission: .*REF\\*F8"):
        resubmission(item("CO", "16", "M119", claim=claim), claim, PAYER)


def test_resubmitting_a_duplicate_is_refused():
    with pytest.raises(Refused, match="check_original"):
        resubmission(item("OA", "18", "N522"), CLAIM, PAYER)


def test_appeal_letter_has_the_facts_the_reason_and_the_argument():
    letter = appeal_letter(item("CO", "50"), CLAIM, PAYER, remit_date=REMIT, today=date(2026, 11, 25),
                           attachments=("NCCN Compendium excerpt", "Progress note 2026-10-05"))
    for text in ("claim SBX263100000001", "Pat Demo-Sample", "XPB000111", "OB101", "2026-10-05", "J9271",
                 "Maren Okonkwo-Demo, MD (NPI 1999900012)", "Lakeshore Oncology Demo (NPI 1558598797)",
                 "CO-50 These are non-covered services because this is not deemed a 'medical necessity'",
                 "CMS-recognized compendium", "- NCCN Compendium excerpt", "due 2027-05-19", "amount denied 900.00"):
        assert text in letter, text


def test_appeal_letter_refused_after_the_window_or_for_a_non_appeal():
    with pytest.raises(Refused, match="appeal window closed on 2027-05-19"):
        appeal_letter(item("CO", "50"), CLAIM, PAYER, remit_date=REMIT, today=date(2027, 5, 20))
    with pytest.raises(Refused, match="corrected_claim, not an appeal"):
        appeal_letter(item("CO", "16", "M119"), CLAIM, PAYER, remit_date=REMIT, today=REMIT)


def test_write_off_of_co_stays_off_the_patient_and_pr_is_refused():
    off = write_off(item("CO", "29"))
    assert off.amount == Decimal("900.00") and "never billed to the patient" in off.reason
    assert write_off(item("CO", "29"), amount=Decimal(100)).amount == Decimal("100.00")
    with pytest.raises(InvalidInput, match="at most the denied 900.00"):
        write_off(item("CO", "29"), amount=Decimal("900.01"))
    with pytest.raises(Refused, match="PR-2 is the patient's responsibility"):
        write_off(item("PR", "2"))


@pytest.mark.parametrize("group, carc", [("CO", "197"), ("CO", "29"), ("CO", "45"), ("OA", "23"), ("PI", "45"),
                                         ("OA", "18")])
def test_transfer_to_patient_refuses_everything_but_pr(group, carc):
    with pytest.raises(Refused, match=f"{group}-{carc} is not patient responsibility"):
        transfer_to_patient(item(group, carc), CLAIM)


def test_pr_goes_to_the_secondary_first_then_the_patient():
    with_secondary = replace(CLAIM, secondary_payer="Keystone Medigap Plan G")
    with pytest.raises(Refused, match="Keystone Medigap Plan G is the secondary payer"):
        transfer_to_patient(item("PR", "2"), with_secondary)
    to_secondary = transfer_to_secondary(item("PR", "2"), with_secondary)
    assert (to_secondary.to, to_secondary.amount) == ("secondary", Decimal("900.00"))
    to_patient = transfer_to_patient(item("PR", "1", amount="283.00"), CLAIM)
    assert (to_patient.to, to_patient.amount, to_patient.carc) == ("patient", Decimal("283.00"), "1")
    with pytest.raises(Refused, match="no secondary coverage"):
        transfer_to_secondary(item("PR", "2"), CLAIM)
    with pytest.raises(Refused, match="not patient responsibility"):
        transfer_to_secondary(item("CO", "45"), with_secondary)


def test_non_covered_pr_needs_a_signed_notice():
    with pytest.raises(Refused, match="signed notice"):
        transfer_to_patient(item("PR", "204"), CLAIM)
    assert transfer_to_patient(item("PR", "204"), replace(CLAIM, notice_on_file=True)).to == "patient"


def test_denied_lines_from_an_835_claim_skip_postings():
    svc = ServicePayment(Procedure("HC", "J9271", ("JZ",)), charge=Decimal("15000.00"), paid=Decimal("0.00"),
                         units_paid=Decimal(200), service_date=DOS, line_control_number="OB101-01",
                         adjustments=[Adjustment("CO", "197", Decimal("15000.00"))], remarks=["N54"])
    paid = ServicePayment(Procedure("HC", "96413"), charge=Decimal("300.00"), paid=Decimal("150.00"),
                          service_date=DOS, line_control_number="OB101-02",
                          adjustments=[Adjustment("CO", "45", Decimal("100.00")), Adjustment("PR", "2", Decimal("50.00"))])
    claim = ClaimPayment("OB101", "4", Decimal("15300.00"), Decimal("150.00"), services=[svc, paid])
    found = denied_lines(claim)
    assert len(found) == 1
    d = found[0]
    assert (d.group, d.carc, d.rarcs, d.code, d.amount, d.line_control_number) == (
        "CO", "197", ("N54",), "J9271", Decimal("15000.00"), "OB101-01")
    assert route(d, CLAIM, PAYER, remit_date=REMIT).queue == "authorization"
