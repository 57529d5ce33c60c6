"""The underpayment queue on both databases: listed by payer with totals, shown with the line, and
resolved (open -> disputed -> recovered / accepted) with a note; nothing is ever posted, so
accepting a short payment never reaches the patient."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from oncobill.claims.models import Claim
from oncobill.errors import InvalidInput, NotFound
from oncobill.ledger import service as ledger
from oncobill.ledger.models import JournalEntry
from oncobill.remittance.models import RemitClaim, RemitServiceLine
from oncobill.worklists import queues
from oncobill.worklists.models import UnderpaymentItem
from oncobill.worklists.queues import Refused
from tests.worklists.helpers import ACT_AT, NOW, D, billed_claim, clp, post, setup_practice, svc


def short_paid(session, p, *, allowed: str, expected: str) -> UnderpaymentItem:
    """A paid line the payer allowed below the contract; its queue row (posting's, else made here)."""
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
    paid = D(allowed) * D("0.8")
    post(session, [clp(claim, "1", [svc("96413", "350.00", str(paid), [
        ("CO", "45", str(D("350.00") - D(allowed))), ("PR", "2", str(D(allowed) - paid))],
        control=claim.lines[0].line_control_number, allowed=allowed)], icn=f"ICN-U{claim.id}")])
    line = session.scalar(select(RemitServiceLine).join(RemitClaim).where(RemitClaim.claim_id == claim.id))
    item = session.scalar(select(UnderpaymentItem).where(UnderpaymentItem.remit_service_line_id == line.id))
    if item is None:
        item = UnderpaymentItem(remit_service_line_id=line.id, claim_id=claim.id, claim_line_id=line.claim_line_id,
                                payer_id=claim.payer_id, allowed=D(allowed), expected=D(expected),
                                shortfall=D(expected) - D(allowed), basis=f"PFS 96413 x 1 = {expected}",
                                status="open", created_at=NOW, note="")
        session.add(item)
        session.flush()
    return item


@pytest.fixture
def p(session):
    return setup_practice(session)


def test_list_by_payer_with_totals_largest_first(session, p):
    small = short_paid(session, p, allowed="120.00", expected="145.00")
    big = short_paid(session, p, allowed="90.00", expected="145.00")
    assert big.shortfall - small.shortfall == D("30.00")  # same contract price, 30.00 less allowed
    listing = queues.list_underpayments(session)
    assert [r["id"] for r in listing.items] == [big.id, small.id]
    assert [(t.payer, t.items, t.shortfall) for t in listing.totals] == [("MCR", 2, big.shortfall + small.shortfall)]
    assert listing.items[0]["procedure"] == "96413" and listing.items[0]["shortfall"] == big.shortfall
    assert queues.list_underpayments(session, payer="COMM").items == []
    with pytest.raises(NotFound):
        queues.list_underpayments(session, payer="NOPE")
    with pytest.raises(InvalidInput, match="status"):
        queues.list_underpayments(session, status="paid")


def test_dispute_then_recover_and_accept_writes_nothing(session, p):
    one = short_paid(session, p, allowed="100.00", expected="145.00")
    two = short_paid(session, p, allowed="120.00", expected="145.00")
    entries = session.scalar(select(func.count()).select_from(JournalEntry))
    patient_id = billed_patient(session, two)
    before = ledger.patient_balance(session, patient_id)
    queues.resolve_underpayment(session, one.id, "disputed", actor="ar1", now=ACT_AT, note="reopening request sent")
    assert one.status == "disputed" and one.resolved_at is None and "reopening request sent" in one.note
    with pytest.raises(InvalidInput, match="--note"):
        queues.resolve_underpayment(session, one.id, "recovered", actor="ar1", now=ACT_AT)
    queues.resolve_underpayment(session, one.id, "recovered", actor="ar1", now=ACT_AT, note="paid 45.00 on review")
    assert (one.status, one.resolved_by, one.resolved_at) == ("recovered", "ar1", ACT_AT)
    queues.resolve_underpayment(session, two.id, "accepted", actor="ar1", now=ACT_AT, note="within contract terms")
    assert two.status == "accepted"
    assert session.scalar(select(func.count()).select_from(JournalEntry)) == entries
    assert ledger.patient_balance(session, patient_id) == before and ledger.is_balanced(session)
    assert queues.list_underpayments(session).items == []
    assert [r["id"] for r in queues.list_underpayments(session, status="accepted").items] == [two.id]


def billed_patient(session, item) -> int:
    from oncobill.claims.models import Claim
    return session.get(Claim, item.claim_id).patient_id


def test_moves_not_allowed_are_refused(session, p):
    item = short_paid(session, p, allowed="100.00", expected="145.00")
    with pytest.raises(Refused, match="the item is open; allowed: disputed, accepted"):
        queues.resolve_underpayment(session, item.id, "recovered", actor="ar1", now=ACT_AT, note="x")
    queues.resolve_underpayment(session, item.id, "accepted", actor="ar1", now=ACT_AT, note="small")
    with pytest.raises(Refused, match="none \\(resolved\\)"):
        queues.resolve_underpayment(session, item.id, "disputed", actor="ar1", now=ACT_AT)
    with pytest.raises(NotFound):
        queues.resolve_underpayment(session, 999999, "disputed", actor="ar1", now=ACT_AT)


def test_show(session, p):
    item = short_paid(session, p, allowed="100.00", expected="145.00")
    shown = queues.show_underpayment(session, item.id)
    assert (shown["allowed"], shown["shortfall"], shown["paid"]) == (D("100.00"), item.shortfall, D("80.00"))
    assert shown["expected"] - shown["allowed"] == shown["shortfall"] > 0
    assert shown["next"] == ["disputed", "accepted"] and shown["basis"]


def test_a_reversed_payment_voids_its_underpayment(session, p):
    """CLP02 22 takes the short payment back: its queue row is void (kept, with why), not left to chase;
    one already recovered or accepted is history and stays as it was."""
    item = short_paid(session, p, allowed="100.00", expected="145.00")
    done = short_paid(session, p, allowed="110.00", expected="145.00")
    done.status = "accepted"
    session.flush()
    reversals = []
    for row in (item, done):
        claim = session.get(Claim, row.claim_id)
        reversals.append(clp(claim, "22", [svc("96413", "-350.00", f"-{row.allowed * D('0.8')}", [
            ("CO", "45", f"-{D('350.00') - row.allowed}"), ("PR", "2", f"-{row.allowed * D('0.2')}")],
            control=claim.lines[0].line_control_number)], icn=f"ICN-U{claim.id}"))
    post(session, reversals)
    session.refresh(item)
    session.refresh(done)
    assert item.status == "void" and "reversed this payment" in item.note and item.resolved_by == "poster"
    assert done.status == "accepted"
    assert [r["id"] for r in queues.list_underpayments(session, status="void").items] == [item.id]
    assert item.id not in [r["id"] for r in queues.list_underpayments(session).items]
