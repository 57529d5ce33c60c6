"""Decisions both adapters share, over journal records: when a send is a duplicate, a conflict or new."""

from __future__ import annotations

from oncobill.clearinghouse.base import BatchConflict, ReceivedFile, SendResult
from oncobill.clearinghouse.journal import BatchRecord, Journal


def refuse_conflicts(journal: Journal, name: str, sha256: str, *, where: str) -> BatchRecord | None:
    """The journal's record of this batch, or None if it is new.

    A name is never reused for other content (the clearinghouse would see two different files
    under one name), and content is never sent twice under another name (that would be a
    duplicate submission: same ISA control number, same claims).
    """
    by_name = journal.batch(name)
    if by_name is not None and by_name.sha256 != sha256:
        raise BatchConflict(
            f"{where}: batch {name!r} was already {by_name.state} with different content "
            f"(sha256 {by_name.sha256[:12]}, now {sha256[:12]}); write the new batch under a new file name"
        )
    by_hash = journal.batch_by_hash(sha256)
    if by_hash is not None and by_hash.name != name:
        raise BatchConflict(
            f"{where}: this content was already {by_hash.state} as batch {by_hash.name!r}; "
            f"sending it again as {name!r} would submit the same claims twice"
        )
    return by_name


def sent_result(record: BatchRecord, *, already_sent: bool, destination: str) -> SendResult:
    return SendResult(
        name=record.name,
        sha256=record.sha256,
        size=record.size,
        already_sent=already_sent,
        sent_at=record.sent_at,  # type: ignore[arg-type]
        destination=destination,
        note=record.note,
    )


def handed_over(journal: Journal) -> list[ReceivedFile]:
    """Responses stored but not yet returned to a caller, marked as returned in one transaction.

    Collecting from the journal (not from this call's downloads) is what hands over a file
    stored by an earlier call that failed before it could return.
    """
    pending = journal.not_handed_over()
    journal.mark_handed_over([r.id for r in pending])
    return [
        ReceivedFile(r.remote_name, r.kind, r.local_path, r.sha256, r.size, r.received_at) for r in pending
    ]
