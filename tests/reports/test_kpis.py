"""A/R KPIs on a small hand-built ledger, every figure worked out by hand below (both databases).

As of 2026-11-30, period = the 90 days 2026-09-02..2026-11-30. Medicare primary, no secondary, so
every PR share goes to the patient. The 835 is paid 2026-11-18.

  claim  DOS         lines                       835 (first adjudication)                      left open
  A      2026-10-05  96413 350.00, J9271 12000   96413 paid 200, CO-45 100, PR-2 50;            patient 50-20 + 2200
                                                 J9271 paid 9000, CO-45 800, PR-1 2200          (20 paid 11-25)
  B      2026-08-01  96413 350.00, 96417 90.00   96413 paid 200, CO-45 100, PR-2 50;            patient 50
                                                 96417 denied CO-97 90
  C      2026-11-20  99214 180.00                not remitted                                   payer 180
  D      2026-09-15  96413 350.00                paid 280, CO-45 70 (rejected once before)      0
  E      2026-09-15  96413 350.00                not remitted                                   payer 350
  F      2026-08-15  99214 180.00                not remitted                                   payer 180
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.remittance.helpers import NOW, billed_claim, clp, era_text, practice, svc

from oncobill.claims.models import ClaimStatus, ClaimStatusEvent
from oncobill.ledger import rules as ledger_rules
from oncobill.ledger import service as ledger
from oncobill.remittance import service as remittance
from oncobill.reports.kpis import BUCKETS, aging, days_in_ar, kpis, ratio

D = Decimal
AS_OF = date(2026, 11, 30)


@pytest.fixture
def book(session):
    p = practice(session)
    a = billed_claim(session, p, [("96413", "350.00", (), 1), ("J9271", "12000.00", ("JZ",), 200)],
                     day=date(2026, 10, 5))
    b = billed_claim(session, p, [("96413", "350.00", (), 1), ("96417", "90.00", (), 1)], day=date(2026, 8, 1))
    c = billed_claim(session, p, [("99214", "180.00", (), 1)], day=date(2026, 11, 20))
    d = billed_claim(session, p, [("96413", "350.00", (), 1)], day=date(2026, 9, 15))
    e = billed_claim(session, p, [("96413", "350.00", (), 1)], day=date(2026, 9, 15))
    f = billed_claim(session, p, [("99214", "180.00", (), 1)], day=date(2026, 8, 15))
    d.events.append(ClaimStatusEvent(from_status=ClaimStatus.ACK_ACCEPTED, to_status=ClaimStatus.PAYER_REJECTED,
                                     at=NOW, actor="test", reason="277CA A7 before it was fixed and resent"))
    text = era_text([
        clp(a, "1", [svc("96413", "350.00", "200.00", [("CO", "45", "100.00"), ("PR", "2", "50.00")],
                         day=date(2026, 10, 5)),
                     svc("J9271", "12000.00", "9000.00", [("CO", "45", "800.00"), ("PR", "1", "2200.00")],
                         mods=("JZ",), units="200", day=date(2026, 10, 5))], icn="A"),
        clp(b, "1", [svc("96413", "350.00", "200.00", [("CO", "45", "100.00"), ("PR", "2", "50.00")],
                         day=date(2026, 8, 1)),
                     svc("96417", "90.00", "0.00", [("CO", "97", "90.00")], day=date(2026, 8, 1))], icn="B"),
        clp(d, "1", [svc("96413", "350.00", "280.00", [("CO", "45", "70.00")], day=date(2026, 9, 15))], icn="D"),
    ])
    remittance.import_era(session, "kpi.835", text.encode(), actor="poster", now=NOW)
    line = a.lines[0]
    ledger.post(session, ledger_rules.patient_payment(
        ledger_rules.Refs(patient_id=a.patient_id, charge_line_id=line.charge_line_id, claim_line_id=line.id,
                          claim_id=a.id), D("20.00")), effective_date=date(2026, 11, 25), actor="front desk")
    session.flush()
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def test_every_kpi_as_computed_by_hand(session, book):
    k = kpis(session, as_of=AS_OF)
    assert (k.period_start, k.period_days) == (date(2026, 9, 2), 90)
    # A/R: patient 30 + 2200 (A) + 50 (B); payer 180 (C) + 350 (E) + 180 (F).
    assert k.accounts_receivable == D("2990.00")
    # Gross charges dated in the period: A 12350 + C 180 + D 350 + E 350 (B and F are August).
    assert k.gross_charges == D("13230.00")
    # Days in A/R = 2990 / (13230 / 90) = 2990 / 147 = 20.34.
    assert k.days_in_ar == D("20.3")
    # Contractual adjustments 100 + 800 (A) + 100 + 90 (B) + 70 (D); payments 9200 + 200 + 280 + patient 20.
    assert k.contractual_adjustments == D("1160.00") and k.payments == D("9700.00")
    assert k.net_collection_rate == D("0.8036")  # 9700 / (13230 - 1160) = 9700 / 12070
    # First adjudications: A (clean), B (96417 denied), D (paid, but rejected once: not a first pass).
    assert (k.denials.claims_adjudicated, k.denials.claims_resolved_first_pass) == (3, 1)
    assert k.first_pass_resolution_rate == D("0.3333")
    assert k.denial_rate_claims == D("0.3333")  # B of A, B, D
    assert (k.denials.lines_denied, k.denials.lines_adjudicated) == (1, 5)
    assert k.denial_rate_lines == D("0.2000")
    assert (k.denials.charge_denied, k.denials.charge_adjudicated) == (D("90.00"), D("13140.00"))
    assert k.denial_rate_amount == D("0.0068")  # 90 / 13140
    # Aging by date of service on 2026-11-30: 11-20 is 10 days, 10-05 56, 09-15 76, 08-15 107, 08-01 121.
    assert k.aging_payer == {"0-30": D("180.00"), "31-60": D("0.00"), "61-90": D("350.00"), "91-120": D("180.00"),
                             "over 120": D("0.00")}
    assert k.aging_patient == {"0-30": D("0.00"), "31-60": D("2230.00"), "61-90": D("0.00"), "91-120": D("0.00"),
                               "over 120": D("50.00")}
    assert sum(k.aging_payer.values()) + sum(k.aging_patient.values()) == k.accounts_receivable
    summary = k.as_dict()
    assert summary["days_in_ar"] == "20.3" and summary["aging_basis"] == "date of service"


def test_as_of_a_date_before_the_remit_nothing_is_adjudicated_yet(session, book):
    k = kpis(session, as_of=date(2026, 11, 10), period_days=60)
    # Every charge dated up to 11-10 is still open with Medicare: 12350 + 440 + 350 + 350 + 180.
    assert k.accounts_receivable == D("13670.00")
    assert k.period_start == date(2026, 9, 12)
    assert k.gross_charges == D("13050.00")  # 09-12..11-10: A 12350, D 350, E 350
    assert k.days_in_ar == D("62.9")  # 13670 / (13050 / 60) = 13670 / 217.5
    assert k.denials.claims_adjudicated == 0 and k.first_pass_resolution_rate == D("0.0000")
    assert k.payments == D("0.00") and k.net_collection_rate == D("0.0000")


def test_pure_formulas():
    assert days_in_ar(D("2400000"), D("5400000"), 90) == D("40.0")  # domain 10 worked example
    assert ratio(D("430000"), D("1000000") - D("550000")) == D("0.9556")  # NCR example: 430 / 450
    assert days_in_ar(D("100"), D("0"), 90) == D("0.0") and ratio(1, 0) == D("0.0000")
    rows = [(date(2026, 11, 30), D("1")), (date(2026, 10, 31), D("2")), (date(2026, 10, 30), D("4")),
            (date(2026, 8, 2), D("8")), (date(2026, 8, 1), D("16")), (date(2026, 12, 5), D("32"))]
    assert aging(rows, AS_OF) == dict(zip(BUCKETS, [D("35"), D("4"), D("0.00"), D("8"), D("16")]))
