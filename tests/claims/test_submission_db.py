"""Submission and acknowledgments on both databases: batches per payer with control numbers from the
durable counters, claims to submitted with who/when/why, each batch sent once; 999 and 277CA imports
move the claims, are idempotent, and a malformed or foreign file writes nothing."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from tests.claims.db_helpers import seed_month

from oncobill.claims import acknowledgments, service, submission
from oncobill.claims.models import ClaimStatus, ImportedFile, SubmissionBatch
from oncobill.claims.submission import Receiver
from oncobill.clearinghouse.sandbox import SandboxAdapter
from oncobill.demo.sandbox_config import sandbox_config
from oncobill.errors import InvalidInput
from oncobill.sandbox_payer import process_inbox
from oncobill.x12 import X12Error, write
from oncobill.x12.acks import ElementError, ImplementationAck, SegmentError, SetResponse, build_999
from oncobill.x12.specs.x999 import SPEC as SPEC_999
from oncobill.x12.writer import build_interchange

NOW = datetime(2026, 11, 2, 9, 0)
TODAY = date(2026, 11, 2)
CH = Receiver("SANDBOX CLEARINGHOUSE", "SANDBOXCH")


@pytest.fixture
def ready(session):
    """The seeded month's two claims (COMM then MCR after the coverage change), made ready."""
    seed_month(session)
    claims = service.build_claims(session, actor="biller1", now=NOW).claims
    for c in claims:
        service.move(session, c, ClaimStatus.READY, actor="biller1", reason="worked", at=NOW)
    return claims


def _mailbox(tmp_path, session, *, drop_member: str | None = None):
    config = sandbox_config(session, on=TODAY)
    if drop_member:
        for payer in config["payers"].values():
            payer["members"] = [m for m in payer["members"] if m["member_id"] != drop_member]
    mailbox = tmp_path / "mailbox"
    mailbox.mkdir(exist_ok=True)
    (mailbox / "sandbox_config.json").write_text(json.dumps(config))
    return mailbox


def test_batches_per_payer_with_durable_control_numbers(session, ready):
    result = submission.create_batches(session, actor="biller1", now=NOW, receiver=CH)
    assert result.claims == 2 and len(result.batches) == 2  # one per payer
    numbers = [(b.interchange_control_number, b.group_control_number, b.set_control_number) for b in result.batches]
    assert len({n[0] for n in numbers}) == 2 and len({n[2] for n in numbers}) == 2
    for batch in result.batches:
        assert batch.claim_count == 1 and batch.sent_at is None
        assert batch.content.startswith("ISA") and f"*{batch.interchange_control_number:09d}*" in batch.content
        assert f"BHT*0019*00*{batch.reference}*" in batch.content
        (claim,) = batch.claims
        assert claim.status is ClaimStatus.SUBMITTED
        event = claim.events[-1]
        assert (event.from_status, event.to_status, event.actor, event.at) == (
            ClaimStatus.READY, ClaimStatus.SUBMITTED, "biller1", NOW)
        assert batch.file_name in event.reason
    assert submission.create_batches(session, actor="biller1", now=NOW).batches == []  # nothing ready is left
    # The counters are durable: a later batch continues after the highest number used.
    c = service.build_claims(session, actor="b", now=NOW).claims
    assert c == []
    assert submission.next_control_number(session, "interchange") == max(n[0] for n in numbers) + 1


def test_each_batch_is_sent_once_through_the_adapter(session, ready, tmp_path):
    calls = []
    adapter = SandboxAdapter(tmp_path / "mbox", process=lambda mailbox, today: calls.append(today), today=TODAY)
    batches = submission.create_batches(session, actor="biller1", now=NOW, receiver=CH).batches
    sent = submission.send_batches(session, adapter, now=NOW)
    assert [s.file_name for s in sent] == [b.file_name for b in batches] and not any(s.already_sent for s in sent)
    assert all(b.sent_at == NOW and b.sent_via == "sandbox" for b in batches)
    assert sorted(p.name for p in (tmp_path / "mbox" / "outbound").iterdir()) == sorted(b.file_name for b in batches)
    assert submission.send_batches(session, adapter, now=NOW) == []  # nothing unsent
    # A crash after the adapter sent but before we recorded it: the adapter says "already sent".
    batches[0].sent_at = None
    again = submission.send_batches(session, adapter, now=NOW)
    assert [(s.file_name, s.already_sent) for s in again] == [(batches[0].file_name, True)]


def test_only_ready_claims_are_submitted(session):
    seed_month(session)
    claims = service.build_claims(session, actor="biller1", now=NOW).claims
    with pytest.raises(InvalidInput, match="only ready claims"):
        submission.create_batches(session, actor="biller1", now=NOW, claims=claims)


def _run_sandbox(tmp_path, session, **kw):
    mailbox = _mailbox(tmp_path, session, **kw)
    batches = submission.create_batches(session, actor="biller1", now=NOW, receiver=CH).batches
    adapter = SandboxAdapter(mailbox, today=TODAY)
    submission.send_batches(session, adapter, now=NOW)
    return batches, mailbox


def _file(mailbox, batch, suffix):
    return mailbox / "inbound" / f"{batch.interchange_control_number:09d}.{suffix}"


def test_999_then_277ca_move_the_claims_and_importing_again_changes_nothing(session, ready, tmp_path):
    batches, mailbox = _run_sandbox(tmp_path, session)
    for batch in batches:
        r = acknowledgments.import_file(session, _file(mailbox, batch, "999"), actor="biller1", now=NOW)
        assert r.moved == {"ack_accepted": 1}
    assert {c.status for c in ready} == {ClaimStatus.ACK_ACCEPTED}
    for batch in batches:
        r = acknowledgments.import_file(session, _file(mailbox, batch, "277ca"), actor="biller1", now=NOW)
        assert r.moved == {"payer_accepted": 1}
    assert {c.status for c in ready} == {ClaimStatus.PAYER_ACCEPTED}
    assert all(c.payer_claim_number and c.payer_claim_number.startswith("SBX") for c in ready)
    assert "A2:20" in ready[0].events[-1].reason
    events = sum(len(c.events) for c in ready)
    files = session.scalar(select(func.count()).select_from(ImportedFile))
    for batch in batches:
        for suffix in ("999", "277ca"):
            r = acknowledgments.import_file(session, _file(mailbox, batch, suffix), actor="biller1", now=NOW)
            assert r.already_imported and r.moved == {}
    assert sum(len(c.events) for c in ready) == events
    assert session.scalar(select(func.count()).select_from(ImportedFile)) == files == 4


def test_277ca_rejection_moves_the_claim_to_payer_rejected_in_billing_words(session, ready, tmp_path):
    medicare_claim = ready[1]
    batches, mailbox = _run_sandbox(tmp_path, session, drop_member="1EG4TE5MK73")
    result = None
    for batch in batches:
        acknowledgments.import_file(session, _file(mailbox, batch, "999"), actor="b", now=NOW)
        result = acknowledgments.import_file(session, _file(mailbox, batch, "277ca"), actor="b", now=NOW) \
            if batch.claims[0] is medicare_claim else result
    assert medicare_claim.status is ClaimStatus.PAYER_REJECTED
    reason = medicare_claim.events[-1].reason
    assert "A3:33" in reason and "subscriber and subscriber ID not found" in reason and "new original" in reason
    assert result.rejections and result.rejections[0].startswith(medicare_claim.patient_control_number)
    assert ready[0].status is ClaimStatus.ACK_ACCEPTED  # its 277CA was not imported


def _ack_999(batch: SubmissionBatch, status: str, control: int = 900) -> bytes:
    resp = SetResponse("837", f"{batch.set_control_number:04d}", status, "005010X222A1")
    if status == "R":
        resp.segment_errors.append(SegmentError("CLM", 22, "8", "2300", [ElementError(2, "6", None, "782", "1X0")]))
        resp.set_errors.append("5")
    ack = ImplementationAck("HC", str(batch.group_control_number), "005010X222A1", status, 1, 1,
                            0 if status == "R" else 1, [resp])
    ic = build_interchange([(SPEC_999, [build_999(ack, 1)])], sender_id="SANDBOXCH", receiver_id="123456789",
                           control_number=control, when=NOW)
    return write(ic).encode()


def test_999_rejection_moves_claims_to_ack_rejected_with_the_located_reason(session, ready):
    batches = submission.create_batches(session, actor="biller1", now=NOW, receiver=CH).batches
    r = acknowledgments.import_acknowledgment(session, "r.999", _ack_999(batches[0], "R"), actor="b", now=NOW)
    (claim,) = batches[0].claims
    assert r.moved == {"ack_rejected": 1} and claim.status is ClaimStatus.ACK_REJECTED
    reason = claim.events[-1].reason
    assert "segment CLM at position 22" in reason and "invalid character" in reason and "'1X0'" in reason
    # A rejected claim never reached the payer: it is fixed, made ready and sent again in a new batch.
    service.move(session, claim, ClaimStatus.READY, actor="b", reason="charge fixed")
    (again,) = submission.create_batches(session, actor="b", now=NOW, receiver=CH).batches
    assert again.claims == [claim] and again.set_control_number > batches[1].set_control_number
    assert claim.status is ClaimStatus.SUBMITTED
    # A late answer to the first batch (another copy of it) no longer moves the claim; the new one does.
    late = acknowledgments.import_acknowledgment(session, "late.999", _ack_999(batches[0], "A", control=950),
                                                 actor="b", now=NOW)
    assert late.moved == {} and late.unchanged == 1 and claim.status is ClaimStatus.SUBMITTED
    ok = acknowledgments.import_acknowledgment(session, "ok.999", _ack_999(again, "A", control=951), actor="b",
                                               now=NOW)
    assert ok.moved == {"ack_accepted": 1} and claim.status is ClaimStatus.ACK_ACCEPTED


def test_a_malformed_acknowledgment_raises_a_located_error_and_writes_nothing(session, ready):
    batches = submission.create_batches(session, actor="biller1", now=NOW, receiver=CH).batches
    good = _ack_999(batches[0], "A").decode()
    broken = good.replace("SE*", "SE*9", 1)  # wrong segment count
    with pytest.raises(X12Error) as info:
        acknowledgments.import_acknowledgment(session, "bad.999", broken.encode(), actor="b", now=NOW)
    assert "bad.999" in str(info.value) and info.value.segment_id == "SE"
    cut = good[: good.index("AK9")]
    with pytest.raises(X12Error):
        acknowledgments.import_acknowledgment(session, "cut.999", cut.encode(), actor="b", now=NOW)
    assert batches[0].claims[0].status is ClaimStatus.SUBMITTED
    assert session.scalar(select(func.count()).select_from(ImportedFile)) == 0


def test_an_answer_for_a_batch_we_never_sent_is_refused_and_writes_nothing(session, ready):
    batches = submission.create_batches(session, actor="biller1", now=NOW, receiver=CH).batches
    foreign = SubmissionBatch(set_control_number=77, group_control_number=batches[1].group_control_number)
    both = _ack_999(batches[0], "A").decode()
    # One 999 answering a set we sent and one we never sent: all or nothing.
    second = _ack_999(foreign, "A", control=901).decode()
    ak2 = second[second.index("AK2"):second.index("AK9")]
    mixed = both.replace("AK9*A*1*1*1", ak2 + "AK9*A*2*2*2").replace("SE*6*", "SE*8*")
    with pytest.raises(InvalidInput, match="not an 837 we sent"), session.begin_nested():
        acknowledgments.import_acknowledgment(session, "mixed.999", mixed.encode(), actor="b", now=NOW)
    session.expire_all()
    assert {c.status for c in batches[0].claims} == {ClaimStatus.SUBMITTED}
    assert session.scalar(select(func.count()).select_from(ImportedFile)) == 0


def test_receive_imports_999s_then_277cas_and_leaves_835s_for_posting(session, ready, tmp_path):
    batches, mailbox = _run_sandbox(tmp_path, session)
    adapter = SandboxAdapter(mailbox, today=TODAY)
    result = acknowledgments.receive(session, adapter, actor="biller1", now=NOW)
    assert [r.kind for r in result.imported] == ["999", "999", "277CA", "277CA"] and not result.failed
    assert {c.status for c in ready} == {ClaimStatus.PAYER_ACCEPTED}
    assert sorted(p.name for p in result.remittances) == sorted(f"{b.interchange_control_number:09d}.835"
                                                                for b in batches)
    assert all(p.exists() for p in result.remittances)
    assert acknowledgments.receive(session, adapter, actor="biller1", now=NOW).imported == []  # handed over once
    # The sandbox answered every claim; process_inbox again changes nothing.
    assert process_inbox(mailbox, today=TODAY).files == []
