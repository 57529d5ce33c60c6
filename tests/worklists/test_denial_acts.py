"""Denial work items acted on end to end (both databases): the claim made, the letter written, the
ledger entry posted and still balanced, and every refusal with the rule it names."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from oncobill.claims.models import Claim, ClaimStatus
from oncobill.denials import service as denials
from oncobill.errors import InvalidInput, NotFound
from oncobill.ledger import service as ledger
from oncobill.ledger.models import JournalEntry
from oncobill.ledger.rules import Account
from oncobill.patients.models import Coverage, CoveragePriority
from oncobill.practice import service as practice_service
from oncobill.worklists import queues
from oncobill.worklists.models import DenialWorkItem
from oncobill.worklists.queues import Refused
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


def entries(session) -> int:
    return session.scalar(select(func.count()).select_from(JournalEntry))


def snapshot(session, item) -> tuple:
    """Everything an act could write: the item row, the claims, the ledger."""
    session.expire_all()
    row = session.get(DenialWorkItem, item.id)
    return ((row.status, row.resolution, row.result_claim_id, row.journal_entry_id, row.document, row.note,
             row.assigned_to),
            session.scalar(select(func.count()).select_from(Claim)), entries(session))


def test_corrected_claim_is_a_frequency_7_with_f8_and_the_item_is_done(session, p):
    claim, item = denied(session, p, icn="ICN-4711")
    before = entries(session)
    result = denials.act(session, item.id, "corrected_claim", actor="coder1", now=ACT_AT, note="NPI added")
    new = session.scalar(select(Claim).where(Claim.patient_control_number == result.result_claim))
    assert (new.frequency_code, new.payer_claim_number, new.original_claim_id) == ("7", "ICN-4711", claim.id)
    assert new.status is ClaimStatus.DRAFT and [l.code for l in new.lines] == [l.code for l in claim.lines]
    assert claim.status is ClaimStatus.CLOSED and "replaced by" in claim.events[-1].reason
    assert (item.status, item.resolution, item.result_claim_id) == ("done", "corrected_claim", new.id)
    assert (item.resolved_by, item.resolved_at) == ("coder1", ACT_AT) and "NPI added" in item.note
    assert entries(session) == before and ledger.is_balanced(session)  # a claim, not money


def test_new_claim_for_ma130_is_a_new_original_without_f8(session, p):
    claim, item = denied(session, p, remarks=("MA130",))
    assert item.action == "new_claim"
    result = denials.act(session, item.id, "corrected_claim", actor="biller", now=ACT_AT)
    new = session.get(Claim, item.result_claim_id)
    assert (new.frequency_code, new.payer_claim_number, new.original_claim_id) == ("1", None, claim.id)
    assert new.patient_control_number == result.result_claim and new.lines[0].line_control_number.startswith(
        new.patient_control_number)
    assert item.resolution == "new_claim" and claim.status is ClaimStatus.CLOSED


def test_payer_that_wants_denied_claims_as_new_gets_a_new_original(session, p):
    practice_service.set_payer_setting(session, payer=p["medicare"], key="correct_denied_as_original", value=True,
                                       effective_from=date(2020, 1, 1))
    _claim, item = denied(session, p)
    denials.act(session, item.id, "new_claim", actor="biller", now=ACT_AT)
    assert session.get(Claim, item.result_claim_id).frequency_code == "1"


def test_second_item_of_a_replaced_claim_points_at_the_same_replacement(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1), ("96415", "120.00", (), 1)])
    post(session, [clp(claim, "4", [
        svc("96413", "350.00", "0.00", [("CO", "16", "350.00")], control=claim.lines[0].line_control_number,
            remarks=("N290",)),
        svc("96415", "120.00", "0.00", [("CO", "16", "120.00")], control=claim.lines[1].line_control_number,
            remarks=("N290",))])])
    first, second = items_for(session, claim)
    denials.act(session, first.id, "corrected_claim", actor="coder1", now=ACT_AT)
    denials.act(session, second.id, "corrected_claim", actor="coder1", now=ACT_AT)
    assert first.result_claim_id == second.result_claim_id
    assert (second.status, second.resolution) == ("done", "corrected_claim") and "covered by" in second.note
    assert session.scalar(select(func.count()).select_from(Claim).where(Claim.original_claim_id == claim.id)) == 1


def test_duplicate_is_never_resent(session, p):
    _claim, item = denied(session, p, denial=("OA", "18"), remarks=())
    assert item.action == "check_original"
    with pytest.raises(Refused, match="check_original.*not sent again"):
        denials.act(session, item.id, "corrected_claim", actor="biller", now=ACT_AT)
    assert item.status == "open"


def test_appeal_writes_the_letter_awaits_the_payer_and_a_paying_remit_closes_it(session, p, tmp_path):
    claim, item = denied(session, p, denial=("CO", "50"), remarks=("N115",), icn="ICN-50")
    letter = tmp_path / "appeals" / "appeal.md"
    before = entries(session)
    result = denials.act(session, item.id, "appeal", actor="appeals1", now=ACT_AT, letter=letter,
                         attachments=("NCCN guideline excerpt",))
    text = letter.read_text()
    assert result.letter_file == str(letter) and item.document == text
    for fact in (claim.patient_control_number, "ICN-50", "1EG4TE5MK", "2026-10-05", "96413", "CO-50",
                 "N115", "NCCN guideline excerpt", "Remi Testpost"):
        assert fact in text, fact
    assert (item.status, item.resolution) == ("in_progress", None) and entries(session) == before
    assert "appeal letter written" in item.note and item.assigned_to == "appeals1"
    with pytest.raises(Refused, match="already appealed"):
        denials.act(session, item.id, "appeal", actor="appeals1", now=ACT_AT)
    assert denials.close_paid_appeals(session, actor="poster", now=ACT_AT) == []
    post(session, [clp(claim, "1", [svc("96413", "350.00", "280.00", [("CO", "45", "70.00")],
                                        control=claim.lines[0].line_control_number)], icn="ICN-50")])
    assert denials.close_paid_appeals(session, actor="poster", now=ACT_AT) == [item.id]
    assert (item.status, item.resolution) == ("done", "paid_on_appeal") and "paid 280.00" in item.note


def test_appeal_refused_after_the_window_or_without_an_argument(session, p):
    _claim, item = denied(session, p, denial=("CO", "50"), remarks=())
    late = ACT_AT.replace(year=2027, month=6)
    with pytest.raises(Refused, match="appeal window closed"):
        denials.act(session, item.id, "appeal", actor="appeals1", now=late)
    _claim, data = denied(session, p)  # CO-16: fix and resubmit, nothing to argue
    with pytest.raises(Refused, match="no appeal argument for CO-16"):
        denials.act(session, data.id, "appeal", actor="appeals1", now=ACT_AT)


def test_write_off_makes_the_posted_denial_final_and_never_touches_the_patient(session, p):
    claim, item = denied(session, p, denial=("CO", "29"), remarks=())
    assert item.action == "appeal"  # accepted inside the limit: appealable, but the practice writes it off
    tb = ledger.trial_balance(session)
    result = denials.act(session, item.id, "write_off", actor="manager", now=ACT_AT)
    after = ledger.trial_balance(session)
    assert after[Account.WRITE_OFFS] - tb.get(Account.WRITE_OFFS, D("0")) == D("350.00")
    assert tb[Account.CONTRACTUAL_ADJUSTMENTS] - after[Account.CONTRACTUAL_ADJUSTMENTS] == D("350.00")
    assert ledger.claim_balance(session, claim.id) == D("0.00")  # A/R unchanged: posting took it off already
    assert ledger.patient_balance(session, claim.patient_id) == D("0.00")
    entry = session.get(JournalEntry, item.journal_entry_id)
    assert entry.reason_code == "CO-29" and entry.actor == "manager" and result.journal_entry_ids == [entry.id]
    assert {l.claim_line_id for l in entry.lines} == {claim.lines[0].id}
    assert (item.status, item.resolution) == ("done", "write_off") and ledger.is_balanced(session)


def test_partial_write_off_and_the_amount_limits(session, p):
    _claim, item = denied(session, p, denial=("CO", "197"), remarks=())
    with pytest.raises(InvalidInput, match="at most the denied 350.00"):
        denials.act(session, item.id, "write_off", actor="m", now=ACT_AT, amount="350.01")
    with pytest.raises(InvalidInput, match="amount"):
        denials.act(session, item.id, "write_off", actor="m", now=ACT_AT, amount="12.345")
    denials.act(session, item.id, "write_off", actor="m", now=ACT_AT, amount="100.00", note="small balance")
    assert ledger.trial_balance(session)[Account.WRITE_OFFS] == D("100.00") and "small balance" in item.note


def test_write_off_from_payer_ar_when_the_denial_is_still_open(session, p):
    """A denial left in the payer's A/R (a reversal put it back) is written off from the A/R."""
    claim, item = denied(session, p, denial=("CO", "197"), remarks=())
    line = claim.lines[0]
    post(session, [clp(claim, "22", [svc("96413", "-350.00", "0.00", [("CO", "197", "-350.00")],
                                         control=line.line_control_number)])])
    session.refresh(item)
    if item.status == "done":  # posting voided the item with the reversal; this test needs it open
        item.status, item.resolution, item.resolved_at, item.resolved_by = "open", None, None, None
        session.flush()
    assert ledger.claim_line_balance(session, line.id) == D("350.00")
    denials.act(session, item.id, "write_off", actor="m", now=ACT_AT)
    assert ledger.claim_line_balance(session, line.id) == D("0.00")
    assert ledger.payer_balance(session, claim.payer_id) == D("0.00") and ledger.is_balanced(session)


def test_pr_is_never_written_off_and_co_never_goes_to_the_patient(session, p):
    _claim, pr_item = denied(session, p, denial=("PR", "96"), remarks=())
    with pytest.raises(Refused, match="PR-96 is the patient's responsibility"):
        denials.act(session, pr_item.id, "write_off", actor="m", now=ACT_AT)
    _claim, co_item = denied(session, p, denial=("CO", "197"), remarks=())
    for action in ("transfer_to_patient", "transfer_to_secondary"):
        with pytest.raises(Refused, match="CO-197 is not patient responsibility"):
            denials.act(session, co_item.id, action, actor="m", now=ACT_AT)
    assert ledger.patient_balance(session, co_item.claim.patient_id if hasattr(co_item, "claim") else
                                  session.get(Claim, co_item.claim_id).patient_id) == D("0.00")


def test_pr96_to_the_patient_needs_the_notice_and_moves_from_the_secondary(session, p):
    claim, item = denied(session, p, denial=("PR", "96"), remarks=(), secondary="COMM")
    comm = p["commercial"]
    assert ledger.payer_balance(session, comm.id) == D("350.00")  # posting sent PR to the secondary
    with pytest.raises(Refused, match="COMM|Commercial Plan.*secondary payer"):
        denials.act(session, item.id, "transfer_to_patient", actor="pa", now=ACT_AT, notice_on_file=True)
    # the secondary coverage turns out to have ended before the date of service
    cov = session.scalar(select(Coverage).where(Coverage.patient_id == claim.patient_id,
                                                Coverage.priority == CoveragePriority.SECONDARY))
    cov.end_date = date(2026, 9, 30)
    session.flush()
    with pytest.raises(Refused, match="signed notice"):
        denials.act(session, item.id, "transfer_to_patient", actor="pa", now=ACT_AT)
    result = denials.act(session, item.id, "transfer_to_patient", actor="pa", now=ACT_AT, notice_on_file=True)
    assert len(result.journal_entry_ids) == 1 and item.journal_entry_id == result.journal_entry_ids[0]
    assert ledger.payer_balance(session, comm.id) == D("0.00")
    assert ledger.patient_balance(session, claim.patient_id) == D("350.00")
    assert session.get(JournalEntry, item.journal_entry_id).reason_code == "PR-96"
    assert "notice" in item.note and item.resolution == "transfer_to_patient" and ledger.is_balanced(session)


def test_pr_to_a_secondary_found_after_posting(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
    post(session, [clp(claim, "1", [svc("96413", "350.00", "200.00", [("CO", "45", "100.00"), ("PR", "2", "50.00")],
                                        control=claim.lines[0].line_control_number)])])
    assert ledger.patient_balance(session, claim.patient_id) == D("50.00")
    item = items_for(session, claim, group="PR", carc="2")[0]
    with pytest.raises(Refused, match="no secondary coverage"):
        denials.act(session, item.id, "transfer_to_secondary", actor="pa", now=ACT_AT)
    from oncobill.patients import service as patients
    patients.add_coverage(session, patient=claim.patient, payer_code="COMM", priority="secondary",
                          member_id="W000000099", effective_date=date(2026, 1, 1))
    session.expire(claim)
    denials.act(session, item.id, "transfer_to_secondary", actor="pa", now=ACT_AT)
    assert ledger.patient_balance(session, claim.patient_id) == D("0.00")
    assert ledger.payer_balance(session, p["commercial"].id) == D("50.00") and ledger.is_balanced(session)


def test_transfer_when_posting_already_put_it_there_posts_nothing(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
    post(session, [clp(claim, "1", [svc("96413", "350.00", "200.00", [("CO", "45", "100.00"), ("PR", "2", "50.00")],
                                        control=claim.lines[0].line_control_number)])])
    item = items_for(session, claim, group="PR", carc="2")[0]
    before = entries(session)
    result = denials.act(session, item.id, "transfer_to_patient", actor="pa", now=ACT_AT)
    assert result.journal_entry_ids == [] and entries(session) == before and "already on the patient" in item.note
    assert ledger.patient_balance(session, claim.patient_id) == D("50.00")


def test_no_action_needs_a_note_and_done_items_are_refused(session, p):
    _claim, item = denied(session, p)
    with pytest.raises(InvalidInput, match="--note"):
        denials.act(session, item.id, "no_action", actor="b", now=ACT_AT)
    denials.act(session, item.id, "no_action", actor="b", now=ACT_AT, note="payer reprocessed by phone")
    assert (item.status, item.resolution) == ("done", "no_action")
    before = snapshot(session, item)
    for action in ("corrected_claim", "write_off", "appeal", "no_action"):
        with pytest.raises(Refused, match="the item is done \\(no_action, by b"):
            denials.act(session, item.id, action, actor="b", now=ACT_AT, note="again")
    with pytest.raises(Refused, match="done"):
        queues.assign(session, item.id, "carol", actor="b", now=ACT_AT)
    assert snapshot(session, item) == before


def test_bad_input_is_located_and_writes_nothing(session, p):
    _claim, item = denied(session, p)
    _claim, appealed = denied(session, p, denial=("CO", "50"), remarks=())
    before = snapshot(session, item)
    with pytest.raises(InvalidInput, match=f"denial work item {item.id}: refund: unknown action"):
        denials.act(session, item.id, "refund", actor="b", now=ACT_AT)
    with pytest.raises(InvalidInput, match="who acts"):
        denials.act(session, item.id, "no_action", actor=" ", now=ACT_AT, note="x")
    with pytest.raises(NotFound, match="denial work item"):
        denials.act(session, 999999, "no_action", actor="b", now=ACT_AT, note="x")
    with pytest.raises(InvalidInput, match="cannot be written"):  # the letter fails after the item changed
        denials.act(session, appealed.id, "appeal", actor="a", now=ACT_AT, letter="/proc/no/such/dir/letter.md")
    assert snapshot(session, item) == before
    appealed = session.get(DenialWorkItem, appealed.id)
    assert (appealed.status, appealed.document) == ("open", None)  # the savepoint undid the half-done act


def test_assign_records_who(session, p):
    _claim, item = denied(session, p)
    queues.assign(session, item.id, "carol", actor="lead", now=ACT_AT)
    assert item.assigned_to == "carol" and "lead: assigned to carol" in item.note
    with pytest.raises(InvalidInput, match="empty"):
        queues.assign(session, item.id, "", actor="lead", now=ACT_AT)


def test_show_has_the_facts_the_clocks_and_the_action(session, p):
    claim, item = denied(session, p, icn="ICN-9")
    shown = denials.show_item(session, item.id, today=TODAY)
    assert shown["action"] == "corrected_claim" and shown["payer_claim_number"] == "ICN-9"
    assert shown["line_control_number"] == claim.lines[0].line_control_number
    names = {c["name"]: c for c in shown["clocks"]}
    assert names["timely filing"]["deadline"] == date(2027, 10, 5)
    assert names["appeal window"]["deadline"] == date(2027, 3, 18) == shown["due_date"]
    assert shown["days_left"] == (date(2027, 3, 18) - TODAY).days and not shown["overdue"]
    assert "N290" in shown["reason"] and shown["fix"]


def test_corrected_claim_needs_the_payer_claim_number(session, p):
    _claim, item = denied(session, p, icn="")
    with pytest.raises(InvalidInput, match="needs the payer's claim number \\(CLP07\\) for REF\\*F8"):
        denials.act(session, item.id, "corrected_claim", actor="coder1", now=ACT_AT)
    assert item.status == "open" and item.result_claim_id is None


def test_a_voided_claim_is_not_corrected_from_its_denial(session, p):
    from oncobill.claims import service as claims_service

    claim, item = denied(session, p)
    claims_service.create_void(session, claim, actor="biller", reason="billed to the wrong patient")
    claims = session.scalar(select(func.count()).select_from(Claim))
    with pytest.raises(Refused, match="is closed: only an adjudicated claim"):
        denials.act(session, item.id, "corrected_claim", actor="coder1", now=ACT_AT)
    assert session.scalar(select(func.count()).select_from(Claim)) == claims and item.status == "open"


def test_pr_the_playbook_never_bills_is_refused_to_the_patient(session, p):
    _claim, item = denied(session, p, denial=("PR", "45"), remarks=())
    assert (item.action, item.patient_billable) == ("review", "never")  # no PR-45 row: the default row
    with pytest.raises(Refused, match="the playbook never bills PR-45 to the patient"):
        denials.act(session, item.id, "transfer_to_patient", actor="pa", now=ACT_AT, notice_on_file=True)


def test_an_appeal_won_by_reversal_and_a_new_remit_is_paid_on_appeal(session, p):
    """The payer reverses the denial (CLP02 22, which closes the item at posting) and pays anew."""
    claim, item = denied(session, p, denial=("CO", "50"), remarks=(), icn="ICN-W")
    denials.act(session, item.id, "appeal", actor="appeals1", now=ACT_AT)
    control = claim.lines[0].line_control_number
    post(session, [clp(claim, "22", [svc("96413", "-350.00", "0.00", [("CO", "50", "-350.00")], control=control)],
                       icn="ICN-W"),
                   clp(claim, "1", [svc("96413", "350.00", "280.00", [("CO", "45", "70.00")], control=control)],
                       icn="ICN-W")])
    session.refresh(item)
    # posting closes the reversed CLP's items (today also an appeal in progress); either way it is paid on appeal
    assert (item.status, item.resolution) in {("done", "no_action"), ("in_progress", None)}
    assert denials.close_paid_appeals(session, actor="poster", now=ACT_AT) == [item.id]
    assert (item.status, item.resolution) == ("done", "paid_on_appeal") and "paid 280.00 on appeal" in item.note
    assert denials.close_paid_appeals(session, actor="poster", now=ACT_AT) == []
    assert ledger.claim_balance(session, claim.id) == D("0.00") and ledger.is_balanced(session)


def test_a_write_off_after_an_appeal_stays_a_write_off(session, p):
    claim, item = denied(session, p, denial=("CO", "50"), remarks=())
    denials.act(session, item.id, "appeal", actor="appeals1", now=ACT_AT)
    denials.act(session, item.id, "write_off", actor="manager", now=ACT_AT, note="appeal lost")
    post(session, [clp(claim, "1", [svc("96413", "350.00", "280.00", [("CO", "45", "70.00")],
                                        control=claim.lines[0].line_control_number)])])
    assert denials.close_paid_appeals(session, actor="poster", now=ACT_AT) == []
    assert item.resolution == "write_off"
