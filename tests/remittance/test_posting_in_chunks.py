"""An 835 posted over several chunks (both databases; on PostgreSQL each chunk's rows are sent on a
worker thread while the next chunk is built): the same rows as one chunk, a reversal reaching back to
an earlier chunk, and a row refused by the database mid-file leaving nothing behind."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from oncobill.claims.models import Claim, ClaimStatus, ClaimStatusEvent
from oncobill.ledger import service as ledger
from oncobill.ledger.models import JournalEntry
from oncobill.remittance import service
from oncobill.remittance.models import (
    PayerClaimNumber,
    RemitAdjustment,
    RemitClaim,
    RemitClaimEntry,
    RemitServiceLine,
)
from oncobill.worklists.models import DenialWorkItem
from tests.remittance.helpers import billed_claim, clp, era_text, practice, svc
from tests.remittance.test_posting_db import imp

D = Decimal


@pytest.fixture
def p(session):
    return practice(session)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _file(session, p):
    claims = [billed_claim(session, p, [("96413", "350.00", (), 1)]) for _ in range(5)]
    paid = lambda c, icn: clp(c, "1", [svc("96413", "350.00", "250.00", [("CO", "45", "80.00"),  # noqa: E731
                                                                        ("PR", "2", "20.00")])], icn=icn)
    text = era_text([
        paid(claims[0], "ICN-A"),
        clp(claims[1], "4", [svc("96413", "350.00", "0.00", [("CO", "197", "350.00")], remarks=("N54",))],
            icn="ICN-B"),
        paid(claims[2], "ICN-C"),
        paid(claims[3], "ICN-D"),
        # two chunks later: the payer takes back claim 0's payment and pays it again
        clp(claims[0], "22", [svc("96413", "-350.00", "-250.00", [("CO", "45", "-80.00"), ("PR", "2", "-20.00")])],
            icn="ICN-A"),
        clp(claims[0], "1", [svc("96413", "350.00", "260.00", [("CO", "45", "70.00"), ("PR", "2", "20.00")])],
            icn="ICN-A2"),
        paid(claims[4], "ICN-E"),
    ])
    return claims, text


def test_posting_in_chunks_of_two(session, p, monkeypatch):
    monkeypatch.setattr(service, "CHUNK", 2)
    claims, text = _file(session, p)
    charges = count(session, JournalEntry)
    result = imp(session, text)
    s = result.sets[0]
    assert (s.outcome, s.claims_posted, s.reversals, s.denials_routed) == ("posted", 7, 1, 1)
    assert s.payments == D("250.00") * 3 + D("260.00") + D("250.00") - D("250.00") + D("0.00")
    assert count(session, RemitClaim) == 7
    assert count(session, RemitServiceLine) == 7 and count(session, RemitAdjustment) == 13
    # every entry of the file is linked to its remit claim, one per remit line: 4 paid CLPs, the reversal
    # (the earlier line's entry mirrored), the new CLP and the denial's adjustment
    assert count(session, RemitClaimEntry) == count(session, JournalEntry) - charges == 4 + 1 + 1 + 1
    earlier = session.scalar(select(RemitClaim).where(RemitClaim.claim_id == claims[0].id,
                                                     RemitClaim.claim_status_code == "1").order_by(RemitClaim.id))
    reversal = session.scalar(select(RemitClaim.id).where(RemitClaim.claim_status_code == "22"))
    assert earlier.reversed_by_id == reversal
    statuses = dict(session.execute(select(Claim.id, Claim.status).where(Claim.id.in_([c.id for c in claims]))).all())
    assert statuses == {claims[0].id: ClaimStatus.PAID, claims[1].id: ClaimStatus.DENIED,
                        claims[2].id: ClaimStatus.PAID, claims[3].id: ClaimStatus.PAID, claims[4].id: ClaimStatus.PAID}
    events = session.scalars(select(ClaimStatusEvent.to_status).where(ClaimStatusEvent.claim_id == claims[0].id)
                             .order_by(ClaimStatusEvent.id)).all()
    assert events[-1] is ClaimStatus.PAID and events.count(ClaimStatus.PAID) == 1  # paid once, then stays paid
    numbers = set(session.scalars(select(PayerClaimNumber.payer_claim_number)
                                  .where(PayerClaimNumber.claim_id == claims[0].id)))
    assert numbers == {"ICN-A", "ICN-A2"}
    assert session.get(Claim, claims[0].id).payer_claim_number == "ICN-A2"
    assert ledger.is_balanced(session)
    # the patient's 20.00 coinsurance is left on every paid claim; the denial is adjusted off until worked
    assert [ledger.claim_balance(session, c.id) for c in claims] == [D("20.00"), D("0.00"), D("20.00"),
                                                                      D("20.00"), D("20.00")]


def test_a_row_refused_mid_file_leaves_nothing_and_the_file_posts_again(session, p, monkeypatch):
    monkeypatch.setattr(service, "CHUNK", 2)
    _claims, text = _file(session, p)
    good = service._adjustment_row
    calls = [0]

    def refused_in_chunk_two(remit_claim_id, line_id, adj):
        calls[0] += 1
        row = good(remit_claim_id, line_id, adj)
        if calls[0] == 5:  # the third CLP's first CAS: refused by the group_code check
            row["group_code"] = "XX"
        return row

    monkeypatch.setattr(service, "_adjustment_row", refused_in_chunk_two)
    before = count(session, JournalEntry)
    with pytest.raises(Exception, match="group_code"), session.begin_nested():
        imp(session, text)
    assert count(session, JournalEntry) == before
    assert count(session, RemitClaim) == count(session, RemitAdjustment) == count(session, DenialWorkItem) == 0
    monkeypatch.setattr(service, "_adjustment_row", good)
    result = imp(session, text)
    assert (result.sets[0].outcome, result.sets[0].claims_posted) == ("posted", 7)
    assert ledger.is_balanced(session)
