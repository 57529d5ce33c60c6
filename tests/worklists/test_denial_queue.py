"""The denial work queue as a biller reads it (both databases): filters, due-date order, overdue,
totals per queue; and a property: random sequences of acts never unbalance the ledger nor move a
CO, OA or PI amount to the patient."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from oncobill.denials import service as denials
from oncobill.errors import InvalidInput, NotFound, OncoBillError
from oncobill.ledger import service as ledger
from oncobill.ledger.models import JournalEntry, JournalLine
from oncobill.ledger.rules import Account
from oncobill.worklists import queues
from oncobill.worklists.queues import QueueFilter
from tests.worklists.helpers import (
    ACT_AT,
    TODAY,
    D,
    billed_claim,
    clp,
    denied,
    items_for,
    post,
    setup_practice,
    svc,
)


@pytest.fixture
def p(session):
    return setup_practice(session)


@pytest.fixture
def queue(session, p):
    """Four denials in three queues, two payers' worth of due dates."""
    _c, auth = denied(session, p, denial=("CO", "197"), remarks=())  # authorization
    _c, npi = denied(session, p)  # claim_data, corrected claim
    _c, med = denied(session, p, denial=("CO", "50"), remarks=(), lines=(("J9271", "9000.00", ("JZ",), 200),))
    _c, dup = denied(session, p, denial=("OA", "18"), remarks=())  # duplicates: practice target (30 days)
    return {"auth": auth, "npi": npi, "med": med, "dup": dup}


def ids(listing) -> list[int]:
    return [row["id"] for row in listing.items]


def test_list_sorted_by_due_date_with_totals(session, queue):
    listing = queues.list_items(session, today=TODAY)
    dues = [row["due_date"] for row in listing.items]
    assert dues == sorted(dues) and len(dues) == 4
    assert listing.items[0]["id"] == queue["dup"].id  # the practice target (30 days) comes first
    totals = {t.queue: (t.items, t.amount) for t in listing.totals}
    assert totals["medical_necessity"] == (1, D("9000.00")) and totals["authorization"] == (1, D("350.00"))
    assert sum(t.items for t in listing.totals) == 4


def test_filters(session, p, queue):
    assert ids(queues.list_items(session, QueueFilter(queue="authorization"), today=TODAY)) == [queue["auth"].id]
    assert ids(queues.list_items(session, QueueFilter(owner="appeals_specialist"), today=TODAY)) == [queue["med"].id]
    queues.assign(session, queue["npi"].id, "carol", actor="lead", now=ACT_AT)
    assert ids(queues.list_items(session, QueueFilter(assignee="carol"), today=TODAY)) == [queue["npi"].id]
    assert len(queues.list_items(session, QueueFilter(payer="MCR"), today=TODAY).items) == 4
    assert queues.list_items(session, QueueFilter(payer="COMM"), today=TODAY).items == []
    with pytest.raises(NotFound, match="payer"):
        queues.list_items(session, QueueFilter(payer="NOPE"), today=TODAY)
    first_due = queue["dup"].due_date
    assert ids(queues.list_items(session, QueueFilter(due_before=first_due + timedelta(days=1)), today=TODAY)) == [
        queue["dup"].id]
    denials.act(session, queue["dup"].id, "no_action", actor="b", now=ACT_AT, note="original paid")
    assert queue["dup"].id not in ids(queues.list_items(session, today=TODAY))  # default: not done
    assert ids(queues.list_items(session, QueueFilter(status="done"), today=TODAY)) == [queue["dup"].id]
    with pytest.raises(InvalidInput, match="status"):
        queues.list_items(session, QueueFilter(status="closed"), today=TODAY)
    with pytest.raises(InvalidInput, match="'coders' is not a role: coder, billing_specialist"):
        queues.list_items(session, QueueFilter(owner="coders"), today=TODAY)


def test_overdue(session, queue):
    assert queues.list_items(session, QueueFilter(overdue=True), today=TODAY).items == []
    later = queue["dup"].due_date + timedelta(days=1)
    listing = queues.list_items(session, QueueFilter(overdue=True), today=later)
    assert ids(listing) == [queue["dup"].id] and listing.items[0]["days_left"] == -1
    assert listing.items[0]["overdue"] and [t.overdue for t in listing.totals] == [1]
    denials.act(session, queue["dup"].id, "no_action", actor="b", now=ACT_AT, note="done late")
    assert queues.list_items(session, QueueFilter(overdue=True), today=later).items == []


ACTIONS = st.sampled_from(["corrected_claim", "new_claim", "appeal", "write_off", "transfer_to_patient",
                           "transfer_to_secondary", "no_action"])
AMOUNTS = st.one_of(st.none(), st.decimals(min_value=D("0.01"), max_value=D("400.00"), places=2))


def _co_on_patient(session) -> int:
    """Patient postings whose entry is a CO/OA/PI reason: must never exist."""
    return session.scalar(select(func.count()).select_from(JournalLine).join(JournalEntry).where(
        JournalLine.account == Account.AR_PATIENT,
        func.substr(JournalEntry.reason_code, 1, 3).in_(["CO-", "OA-", "PI-"])))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 5), ACTIONS, AMOUNTS, st.booleans()), min_size=1, max_size=10))
def test_random_acts_keep_the_ledger_balanced_and_co_off_the_patient(session, acts):
    nested = session.begin_nested()
    try:
        p = setup_practice(session)
        items = [denied(session, p, denial=d, remarks=r)[1] for d, r in (
            (("CO", "197"), ()), (("CO", "29"), ()), (("PI", "50"), ()), (("OA", "18"), ()))]
        claim = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
        post(session, [clp(claim, "1", [svc("96413", "350.00", "150.00", [
            ("CO", "45", "50.00"), ("PR", "2", "100.00"), ("PR", "96", "50.00")],
            control=claim.lines[0].line_control_number)])])
        items += items_for(session, claim, group="PR")
        # one act known to succeed in every example, so the invariants are seen after real postings too
        acts = [(1, "write_off", None, False)] + acts
        for i, action, amount, notice in acts:
            item = items[i % len(items)]
            count = session.scalar(select(func.count()).select_from(JournalEntry))
            try:
                denials.act(session, item.id, action, actor="prop", now=ACT_AT, amount=amount, note="why",
                            notice_on_file=notice)
            except OncoBillError:
                assert (i, action) != (1, "write_off") or item.status == "done"
                assert session.scalar(select(func.count()).select_from(JournalEntry)) == count  # nothing half-done
            assert ledger.is_balanced(session)
            assert _co_on_patient(session) == 0
            assert all(ledger.charge_line_balance(session, cl.charge_line_id) >= 0
                       for it in items for cl in [l for l in _claim_lines(session, it)])
    finally:
        nested.rollback()
        session.expunge_all()


def _claim_lines(session, item):
    from oncobill.claims.models import ClaimLine
    return session.scalars(select(ClaimLine).where(ClaimLine.claim_id == item.claim_id))

