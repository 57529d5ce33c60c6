"""Acknowledgments in: a 999 says whether each 837 transaction set was accepted; a 277CA whether each
claim was accepted into adjudication. Importing one moves the claims it answers along the lifecycle.

Matching: a 999 names our sets by GS06 (AK102) and ST02 (AK202), which come from durable counters
and are never reused, so they name one batch; a 277CA names the batch by its BHT03 (2200A TRN02)
and each claim by CLM01 (2200D TRN02).

An import is idempotent and all-or-nothing: the file is recorded in ``imported_files`` by sender,
ISA13 and content hash, so the same file again changes nothing; a malformed file raises the X12
engine's located ``X12Error`` before anything is written, and an answer naming a batch or claim we
never sent raises ``InvalidInput`` naming it (the caller's transaction then rolls back).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oncobill.claims import lifecycle
from oncobill.claims.models import Claim, ClaimStatus, ImportedFile, SubmissionBatch, SubmissionBatchClaim
from oncobill.claims.submission import batch_for_set
from oncobill.errors import InvalidInput
from oncobill.fileio import read_input
from oncobill.x12 import X12Error, read
from oncobill.x12.acks import ClaimAcknowledgmentReport, ImplementationAck, read_277ca, read_999

S = ClaimStatus

# 277CA category codes (domain 6.4): A0-A2 and A5 take the claim in; the others reject it.
ACCEPTED_CATEGORIES = frozenset({"A0", "A1", "A2", "A5"})
CATEGORY_WORDS = {
    "A0": "forwarded to another entity", "A1": "received", "A2": "accepted into adjudication",
    "A3": "returned as unprocessable", "A4": "not found", "A5": "split", "A6": "rejected for missing information",
    "A7": "rejected for invalid information", "A8": "rejected for a relational field in error",
}
# Claim status codes (X12 507) the sandbox and common clearinghouses use, in billing words.
STATUS_WORDS = {
    "19": "entity acknowledges receipt", "20": "accepted for processing", "21": "missing or invalid information",
    "26": "entity not found (payer)", "33": "subscriber and subscriber ID not found",
    "126": "entity's address", "158": "entity's date of birth", "178": "submitted charges",
    "218": "NDC number", "249": "place of service", "255": "diagnosis code", "400": "claim is out of balance",
    "454": "procedure code for services rendered", "464": "payer-assigned claim control number (REF*F8)",
    "476": "units of service", "477": "diagnosis code pointer", "500": "entity's postal/ZIP code",
    "562": "entity's National Provider Identifier (NPI)",
}
ENTITY_WORDS = {"85": "billing provider", "82": "rendering provider", "77": "service facility", "71": "attending",
                "IL": "subscriber", "QC": "patient", "PR": "payer"}
# 999 codes in billing words (IK304 segment errors, IK403 element errors, IK5 set errors).
IK3_WORDS = {"1": "unrecognized segment", "2": "unexpected segment", "3": "required segment missing",
             "4": "loop occurs over maximum times", "5": "segment exceeds maximum use",
             "6": "segment not in defined transaction set", "7": "segment not in proper sequence",
             "8": "segment has data element errors", "I4": "implementation 'not used' segment present",
             "I6": "implementation dependent segment missing", "I7": "implementation loop occurs under minimum"}
IK4_WORDS = {"1": "required element missing", "2": "conditional required element missing",
             "3": "too many elements", "4": "element too short", "5": "element too long", "6": "invalid character",
             "7": "invalid code value", "8": "invalid date", "9": "invalid time", "10": "exclusion condition violated",
             "12": "too many repetitions", "13": "too many components", "I10": "implementation 'not used' element",
             "I12": "implementation pattern match failure", "I13": "implementation dependent element missing",
             "I6": "code value not used in implementation", "I9": "implementation dependent 'not used' element"}
IK5_WORDS = {"1": "transaction set not supported", "2": "trailer missing", "3": "control numbers do not match",
             "4": "segment count wrong", "5": "one or more segments in error", "6": "missing or invalid set identifier",
             "7": "missing or invalid control number", "I5": "implementation: one or more segments in error"}


@dataclass
class ImportResult:
    """What one file did: claims moved to each status, or nothing because it was imported before."""

    file_name: str
    kind: str
    interchange_control_number: int
    already_imported: bool = False
    moved: dict[str, int] = field(default_factory=dict)  # target status -> claims
    unchanged: int = 0  # claims answered that had already moved past this step
    rejections: list[str] = field(default_factory=list)  # "OB00000012: <reason>"

    @property
    def claims_moved(self) -> int:
        return sum(self.moved.values())

    def summary(self) -> str:
        if self.already_imported:
            return f"{self.file_name}: already imported, nothing changed"
        moved = ", ".join(f"{n} to {status}" for status, n in sorted(self.moved.items())) or "no claim moved"
        return f"{self.file_name} ({self.kind}, ISA13 {self.interchange_control_number:09d}): {moved}"


def import_file(session: Session, path: str | Path, *, actor: str, now: datetime | None = None) -> ImportResult:
    path = Path(path)
    return import_acknowledgment(session, path.name, read_input(path, "acknowledgment file"), actor=actor, now=now)


def import_acknowledgment(session: Session, name: str, data: bytes, *, actor: str,
                          now: datetime | None = None) -> ImportResult:
    """Import one 999 or 277CA file (all of its interchanges); the same file twice changes nothing."""
    now = now or datetime.now().replace(microsecond=0)
    digest = hashlib.sha256(data).hexdigest()
    text = data.decode("ascii", errors="replace")
    try:
        doc = read(text)
    except X12Error as exc:
        raise X12Error(f"{name}: {exc.reason}", position=exc.position, segment_number=exc.segment_number,
                       segment_id=exc.segment_id, element=exc.element) from None
    if not doc.interchanges:
        raise InvalidInput(f"acknowledgment {name}", "holds no interchange")
    isa = doc.interchanges[0]
    icn = int(isa.control_number) if str(isa.control_number).isdigit() else 0
    sender = (isa.sender or "").strip()[:15]
    codes = {txn.code for txn in doc.transactions()}
    if codes == {"999"}:
        kind = "999"
    elif codes == {"277"}:
        kind = "277CA"
    else:
        raise InvalidInput(f"acknowledgment {name}", f"holds transaction sets {', '.join(sorted(codes)) or 'none'}; "
                                                     "only a 999 or a 277CA is imported here (835s are posted)")
    result = ImportResult(name, kind, icn)
    earlier = session.scalar(select(ImportedFile).where(ImportedFile.content_sha256 == digest))
    if earlier is not None:
        result.already_imported = True
        return result
    clash = session.scalar(select(ImportedFile).where(ImportedFile.sender_id == sender,
                                                      ImportedFile.interchange_control_number == icn,
                                                      ImportedFile.kind == kind))
    if clash is not None:
        raise InvalidInput(f"acknowledgment {name}", f"{sender} already sent a different {kind} with interchange "
                                                     f"control number {icn:09d} ({clash.file_name}, imported "
                                                     f"{clash.imported_at}); ask the clearinghouse which one stands")
    for ic in doc.interchanges:
        for group in ic.groups:
            for txn in group.transactions:
                if kind == "999":
                    _apply_999(session, read_999(txn), result, actor, now, name)
                else:
                    _apply_277ca(session, read_277ca(txn), result, actor, now, name)
    session.add(ImportedFile(kind=kind, file_name=name[:300], sender_id=sender, interchange_control_number=icn,
                             content_sha256=digest, imported_at=now, imported_by=actor[:60],
                             claims_moved=result.claims_moved, summary=result.summary()[:500]))
    session.flush()
    return result


def _move(claim: Claim, target: ClaimStatus, result: ImportResult, *, actor: str, at: datetime, reason: str) -> None:
    lifecycle.transition(claim, target, actor=actor, at=at, reason=reason)
    result.moved[target.value] = result.moved.get(target.value, 0) + 1


# -- 999 ----------------------------------------------------------------------------------------------

def ack_999_reason(response) -> str:
    """Why a set was rejected (or accepted with errors), in billing words, located by segment and element."""
    parts = []
    for err in response.segment_errors:
        where = f"segment {err.segment_id} at position {err.position_in_set} of the set"
        if err.loop_id:
            where += f" (loop {err.loop_id})"
        what = IK3_WORDS.get(err.code, f"error {err.code}")
        elements = [f"element {e.position}{'-' + str(e.component) if e.component else ''}: "
                    f"{IK4_WORDS.get(e.code, 'error ' + e.code)}" + (f" ({e.bad_value!r})" if e.bad_value else "")
                    for e in err.elements]
        parts.append(f"{where}: {what}" + (f" [{'; '.join(elements)}]" if elements else ""))
    for code in response.set_errors:
        parts.append(IK5_WORDS.get(code, f"set error {code}"))
    return "; ".join(parts) or "no reason given"


def _apply_999(session: Session, ack: ImplementationAck, result: ImportResult, actor: str, now: datetime,
               name: str) -> None:
    if ack.group_code != "HC":
        raise InvalidInput(f"999 {name}", f"acknowledges a {ack.group_code} group; only our 837 (HC) groups are "
                                          "imported")
    group = _number(ack.group_control_number, f"999 {name} AK102")
    responses = ack.responses
    if not responses:
        # A group-level verdict only (AK9): it answers every set we sent in that group.
        batches = list(session.scalars(select(SubmissionBatch).where(SubmissionBatch.group_control_number == group)))
        if not batches:
            raise InvalidInput(f"999 {name}", f"group {group} (AK102) is not a group we sent")
        pairs = [(b, ack.status, f"group rejected: {', '.join(IK5_WORDS.get(e, e) for e in ack.group_errors)}")
                 for b in batches]
    else:
        pairs = []
        for resp in responses:
            st02 = _number(resp.control_number, f"999 {name} AK202")
            batch = batch_for_set(session, group, st02)
            if batch is None:
                raise InvalidInput(f"999 {name}", f"AK2 set {resp.control_number} of group {group} is not an 837 "
                                                  "we sent (no batch has these control numbers)")
            pairs.append((batch, resp.status, ack_999_reason(resp)))
    for batch, status, why in pairs:
        accepted = status in ("A", "E")
        current = _latest_in(session, batch)
        for claim in batch.claims:
            if claim.status is not S.SUBMITTED or claim.id not in current:
                result.unchanged += 1
                continue
            if accepted:
                reason = f"999 {name}: set {batch.set_control_number:04d} of {batch.file_name} accepted"
                if status == "E":
                    reason += f" with errors noted ({why})"
                _move(claim, S.ACK_ACCEPTED, result, actor=actor, at=now, reason=reason)
            else:
                reason = f"999 {name}: set {batch.set_control_number:04d} of {batch.file_name} rejected: {why}"
                _move(claim, S.ACK_REJECTED, result, actor=actor, at=now, reason=reason)
                result.rejections.append(f"{claim.patient_control_number}: {why}")


def _latest_in(session: Session, batch: SubmissionBatch) -> set[int]:
    """The claims of *batch* it is still the latest batch of (a claim rejected and sent again is in a later
    one, and an answer to the earlier batch no longer moves it)."""
    ids = [c.id for c in batch.claims]
    latest = dict(session.execute(
        select(SubmissionBatchClaim.claim_id, func.max(SubmissionBatchClaim.batch_id))
        .where(SubmissionBatchClaim.claim_id.in_(ids)).group_by(SubmissionBatchClaim.claim_id)).all())
    return {claim_id for claim_id, batch_id in latest.items() if batch_id == batch.id}


def _number(value: str, where: str) -> int:
    if not str(value).strip().isdigit():
        raise InvalidInput(where, f"control number {value!r} is not a number")
    return int(value)


# -- 277CA --------------------------------------------------------------------------------------------

def status_words(status) -> str:
    """One STC in billing words: 'A7:562:82 rejected for invalid information: entity's NPI (rendering provider)'."""
    code = ":".join(x for x in (status.category, status.code, status.entity) if x)
    words = CATEGORY_WORDS.get(status.category, "status")
    detail = STATUS_WORDS.get(status.code, f"status code {status.code}" if status.code else "")
    if detail and status.entity:
        detail += f" ({ENTITY_WORDS.get(status.entity, 'entity ' + status.entity)})"
    return f"{code} {words}" + (f": {detail}" if detail else "")


def _apply_277ca(session: Session, rep: ClaimAcknowledgmentReport, result: ImportResult, actor: str, now: datetime,
                 name: str) -> None:
    batch = session.scalar(select(SubmissionBatch).where(SubmissionBatch.reference == rep.batch_trace))
    if batch is None:
        raise InvalidInput(f"277CA {name}", f"answers batch {rep.batch_trace!r} (2200A TRN02), which is not a "
                                            "batch we sent")
    in_batch = {c.patient_control_number: c for c in batch.claims}
    current = _latest_in(session, batch)
    for provider in rep.providers:
        for ack in provider.claims:
            claim = in_batch.get(ack.patient_control_number)
            if claim is None:
                raise InvalidInput(f"277CA {name}", f"claim {ack.patient_control_number!r} (2200D TRN02) was not "
                                                    f"in batch {batch.file_name}")
            if not ack.statuses:
                raise InvalidInput(f"277CA {name}", f"claim {ack.patient_control_number} has no STC status")
            if claim.id not in current:  # sent again since, in a later batch: this answer is history
                result.unchanged += 1
                continue
            _apply_claim_status(claim, ack, batch, result, actor, now, name)


def _apply_claim_status(claim: Claim, ack, batch: SubmissionBatch, result: ImportResult, actor: str, now: datetime,
                        name: str) -> None:
    rejected = [s for s in ack.statuses if s.category not in ACCEPTED_CATEGORIES]
    if claim.status is S.SUBMITTED:
        # The 277CA answers only sets the 999 accepted; it may be imported first.
        _move(claim, S.ACK_ACCEPTED, result, actor=actor, at=now,
              reason=f"277CA {name} answers it, so its set in {batch.file_name} was accepted (999 not imported yet)")
    if claim.status is not S.ACK_ACCEPTED:
        result.unchanged += 1
        return
    if rejected:
        why = "; ".join(status_words(s) for s in rejected)
        _move(claim, S.PAYER_REJECTED, result, actor=actor, at=now,
              reason=f"277CA {name}: {why}. No appeal rights: fix it and send it again as a new original")
        result.rejections.append(f"{claim.patient_control_number}: {why}")
        return
    number = ack.payer_claim_control_number
    if number and claim.frequency_code == "1":
        claim.payer_claim_number = number  # the payer's claim number, for REF*F8 on a later correction
    words = "; ".join(status_words(s) for s in ack.statuses)
    _move(claim, S.PAYER_ACCEPTED, result, actor=actor, at=now,
          reason=f"277CA {name}: {words}" + (f", payer claim number {number}" if number else ""))


# -- receiving from the clearinghouse ----------------------------------------------------------------

@dataclass
class ReceiveResult:
    imported: list[ImportResult] = field(default_factory=list)
    remittances: list[Path] = field(default_factory=list)  # 835s waiting for remittance posting
    other: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


ORDER = {"999": 0, "277CA": 1, "835": 2}


def receive(session: Session, adapter, *, actor: str, now: datetime | None = None) -> ReceiveResult:
    """Pull new responses from the adapter and import the 999s, then the 277CAs, each in a savepoint, so a
    bad file is reported (with its located reason and where it lies) and the others still go in. 835s
    stay where the adapter put them, for remittance posting."""
    out = ReceiveResult()
    files = sorted(adapter.receive(), key=lambda f: (ORDER.get(f.kind, 3), f.name))
    for f in files:
        if f.kind == "835":
            out.remittances.append(Path(f.path))
        elif f.kind in ("999", "277CA"):
            try:
                with session.begin_nested():
                    out.imported.append(import_acknowledgment(session, f.name, f.read_bytes(), actor=actor, now=now))
            except (X12Error, InvalidInput) as exc:
                out.failed.append((Path(f.path), str(exc)))
        else:
            out.other.append(Path(f.path))
    return out
