"""Due dates: appeal window from the remit date, timely filing from the date of service, earlier wins."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from oncobill.denials import Action, ClaimFacts, DeniedLine, PayerTerms, front_end_rejection, route
from oncobill.errors import InvalidInput

REMIT = date(2026, 11, 20)


def item(carc, rarcs=(), *, dos=date(2026, 10, 5), payer, group="CO", claim=None):
    claim = claim or ClaimFacts("OB1", dos, payer_claim_number="SBX1")
    return route(DeniedLine(group, carc, Decimal("100.00"), rarcs, service_date=dos), claim, payer, remit_date=REMIT)


def test_timely_filing_wins_for_a_corrected_claim_to_a_90_day_payer():
    payer = PayerTerms("Prairie", timely_filing_days=90, appeal_window_days=180)
    got = item("16", ("M119",), payer=payer)
    assert got.due_date == date(2027, 1, 3)  # 2026-10-05 + 90 days
    assert [c.name for c in got.clocks] == ["timely filing", "appeal window"]
    assert got.due_reason.startswith("timely filing: 90 days from 2026-10-05 = 2027-01-03")


def test_appeal_window_wins_when_it_is_earlier():
    payer = PayerTerms("Medicare Advantage", timely_filing_days=365, appeal_window_days=60)
    assert item("16", ("M119",), payer=payer).due_date == date(2027, 1, 19)  # remit + 60


def test_an_appeal_is_bound_by_the_appeal_window_only():
    payer = PayerTerms("Prairie", timely_filing_days=90, appeal_window_days=180)
    got = item("50", payer=payer)
    assert got.action is Action.APPEAL and got.due_date == date(2027, 5, 19)
    assert [c.name for c in got.clocks] == ["appeal window"]


def test_corrected_claim_window_setting_is_a_third_clock():
    payer = PayerTerms.from_settings("Summit", 180, {"appeal_window_days": 180, "corrected_claim_days": 30})
    assert item("4", ("N822",), payer=payer).due_date == date(2026, 12, 20)


def test_a_deadline_already_passed_shows_negative_days_left():
    payer = PayerTerms("Prairie", timely_filing_days=90, appeal_window_days=180)
    got = item("16", ("M119",), dos=date(2026, 8, 1), payer=payer)
    assert got.due_date == date(2026, 10, 30) and got.days_left(REMIT) == -21


def test_rejected_at_277ca_keeps_the_filing_clock_and_has_no_appeal_window():
    payer = PayerTerms("Prairie", timely_filing_days=90, appeal_window_days=180)
    claim = ClaimFacts("OB2", date(2026, 10, 5), total_charge=Decimal("1500.00"), rejected_at_front_end=True)
    got = front_end_rejection(claim, payer, rejected_on=date(2026, 10, 20), reason="A7:454 procedure code invalid")
    assert got.action is Action.NEW_CLAIM and got.due_date == date(2027, 1, 3)
    assert [c.name for c in got.clocks] == ["timely filing"]
    # and a remit line on such a claim never becomes a corrected claim
    routed = item("16", ("M119",), payer=payer, claim=claim)
    assert routed.action is Action.NEW_CLAIM and [c.name for c in routed.clocks] == ["timely filing"]


def test_payer_settings_override_the_payer_row_and_are_checked():
    terms = PayerTerms.from_settings("MCR", 365, {"appeal_window_days": 120, "timely_filing_days": "300"})
    assert (terms.timely_filing_days, terms.appeal_window_days) == (300, 120)
    with pytest.raises(InvalidInput, match="payer MCR: setting appeal_window_days.*'-5'"):
        PayerTerms.from_settings("MCR", 365, {"appeal_window_days": "-5"})


def test_missing_appeal_window_is_an_error_naming_the_payer():
    with pytest.raises(InvalidInput, match="payer Nowhere.*appeal_window_days"):
        item("50", payer=PayerTerms("Nowhere", timely_filing_days=90))


def test_no_payer_clock_gives_the_practice_target():
    payer = PayerTerms("Prairie", timely_filing_days=90, appeal_window_days=180, work_target_days=14)
    got = item("18", ("N522",), group="OA", payer=payer)
    assert got.due_date == date(2026, 12, 4) and got.clocks[0].name == "practice target"
    assert item("45", payer=payer).due_date is None
