"""What each posted CLP said is kept verbatim per SVC and per CAS triplet (both databases): the
secondary claim's 2320/2430 and the work queues are written from these rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from oncobill.remittance import service
from oncobill.remittance.models import RemitAdjustment, RemitClaim, RemitServiceLine
from tests.remittance.helpers import DOS, NOW, billed_claim, clp, era_text, practice, svc

D = Decimal


@pytest.fixture
def p(session):
    return practice(session)


def imp(session, text: str):
    return service.import_era(session, "remit.835", text.encode(), actor="poster", now=NOW)


def test_every_svc_and_cas_is_kept_with_the_claim_line_it_matched(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1), ("J9271", "12000.00", ("JZ",), 200)])
    imp(session, era_text([clp(claim, "1", [
        svc("J9271", "12000.00", "9000.00", [("CO", "45", "800.00"), ("PR", "1", "2200.00")], mods=("JZ",),
            units="200", allowed="11200.00", remarks=("N130",)),
        svc("96413", "350.00", "200.00", [("CO", "45", "100.00"), ("PR", "2", "50.00")]),
        svc("96417", "90.00", "0.00", [("CO", "97", "90.00")], remarks=("M15",)),
    ], adjustments=[("OA", "94", "0.00")])]))
    rc = session.scalar(select(RemitClaim).where(RemitClaim.claim_id == claim.id))
    lines = session.scalars(select(RemitServiceLine).where(RemitServiceLine.remit_claim_id == rc.id)
                            .order_by(RemitServiceLine.sequence)).all()
    assert [(x.sequence, x.procedure, x.modifiers, x.charge, x.paid, x.units, x.allowed, x.remarks) for x in lines] == [
        (1, "J9271", ["JZ"], D("12000.00"), D("9000.00"), D("200"), D("11200.00"), ["N130"]),
        (2, "96413", [], D("350.00"), D("200.00"), D("1"), None, []),
        (3, "96417", [], D("90.00"), D("0.00"), D("1"), None, ["M15"]),
    ]
    by_code = {ln.code: ln.id for ln in claim.lines}
    assert [x.claim_line_id for x in lines] == [by_code["J9271"], by_code["96413"], None]
    assert lines[2].matched_by  # why the unbilled line did not match is kept
    assert all(x.service_date == DOS for x in lines)
    adjustments = session.execute(select(RemitAdjustment.remit_service_line_id, RemitAdjustment.group_code,
                                         RemitAdjustment.reason, RemitAdjustment.amount)
                                  .where(RemitAdjustment.remit_claim_id == rc.id)
                                  .order_by(RemitAdjustment.id)).all()
    assert [tuple(a) for a in adjustments] == [
        (None, "OA", "94", D("0.00")),
        (lines[0].id, "CO", "45", D("800.00")), (lines[0].id, "PR", "1", D("2200.00")),
        (lines[1].id, "CO", "45", D("100.00")), (lines[1].id, "PR", "2", D("50.00")),
        (lines[2].id, "CO", "97", D("90.00")),
    ]


def test_a_reversal_keeps_its_lines_unmatched(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
    imp(session, era_text([clp(claim, "1", [svc("96413", "350.00", "250.00", [("CO", "45", "100.00")])])]))
    imp(session, era_text([clp(claim, "22", [svc("96413", "-350.00", "-250.00", [("CO", "45", "-100.00")])])],
                          trace="EFT0002"))
    rows = session.execute(select(RemitClaim.claim_status_code, RemitServiceLine.paid, RemitServiceLine.claim_line_id)
                           .join(RemitServiceLine).where(RemitClaim.claim_id == claim.id)
                           .order_by(RemitClaim.id)).all()
    assert [tuple(r) for r in rows] == [("1", D("250.00"), claim.lines[0].id), ("22", D("-250.00"), None)]


def test_moa_and_mia_are_kept_verbatim_for_the_secondary_claim(session, p):
    """2320 MOA/MIA of the secondary claim repeat the primary's: the poster keeps their elements as sent."""
    from oncobill.x12.tokenizer import make_segment

    outpatient, inpatient, plain = (billed_claim(session, p, [("96413", "350.00", (), 1)]) for _ in range(3))
    payments = [clp(c, "1", [svc("96413", "350.00", "200.00", [("CO", "45", "100.00"), ("PR", "2", "50.00")])],
                    icn=f"ICN-M{c.id}") for c in (outpatient, inpatient, plain)]
    payments[0].other = [make_segment(["MOA", "", "12.5", "MA01", "", "", "", "", ""])]
    payments[1].other = [make_segment(["MIA", "0", "", "", "3.75", "MA07"])]
    imp(session, era_text(payments))
    kept = {rc.claim_id: (rc.outpatient_adjudication, rc.inpatient_adjudication)
            for rc in session.scalars(select(RemitClaim))}
    assert kept[outpatient.id] == (["", "12.5", "MA01"], None)
    assert kept[inpatient.id] == (None, ["0", "", "", "3.75", "MA07"])
    assert kept[plain.id] == (None, None)
