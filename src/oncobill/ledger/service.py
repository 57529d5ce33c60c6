"""Ledger use cases: post a balanced entry (one, or many at once through ``oncobill.bulk``), reverse
one, and derive balances with SQL sums.

Services flush but never commit: the calling use case owns the transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, column, func, select, table, type_coerce
from sqlalchemy.orm import Session

from oncobill.bulk import NULL_FIELD, cents_field, copy_text, insert_rows, next_ids, text_field
from oncobill.errors import InvalidInput, NotFound
from oncobill.ledger.models import JournalEntry, JournalLine
from oncobill.ledger.rules import AR_ACCOUNTS, Account, EntryDraft, Posting, reversal
from oncobill.money import ZERO, from_cents

# Sums are taken over the stored integer cents and converted once (PostgreSQL sums bigint as numeric).
_CENTS = type_coerce(JournalLine.amount, BigInteger)
# The claim lines a claim balance sums over, named as a plain table: the ledger imports no stage.
_CLAIM_LINES = table("claim_lines", column("id"), column("claim_id"), column("charge_line_id"))


def post(session: Session, draft: EntryDraft, *, effective_date: date, actor: str,
         source: str | None = None, posted_at: datetime | None = None, flush: bool = True) -> JournalEntry:
    """Store one balanced entry (the draft was checked when it was built).

    ``flush=False`` lets a bulk poster (835 import) flush many entries at once.
    """
    entry = JournalEntry(
        kind=draft.kind,
        effective_date=effective_date,
        posted_at=posted_at or datetime.now().replace(microsecond=0),
        actor=actor,
        memo=draft.memo,
        reason_code=draft.reason_code,
        source=source,
        reverses_entry_id=draft.reverses_entry_id,
        lines=[
            JournalLine(account=p.account, amount=p.amount, reason_code=p.reason_code, payer_id=p.payer_id,
                        patient_id=p.patient_id, charge_line_id=p.charge_line_id, claim_line_id=p.claim_line_id,
                        claim_id=p.claim_id)
            for p in draft.postings
        ],
    )
    session.add(entry)
    if flush:
        session.flush()
    return entry


def draft_of(entry: JournalEntry) -> EntryDraft:
    """The pure form of a stored entry."""
    return EntryDraft(
        kind=entry.kind,
        postings=tuple(
            Posting(line.account, line.amount, line.payer_id, line.patient_id, line.charge_line_id,
                    line.claim_line_id, line.claim_id, line.reason_code)
            for line in entry.lines
        ),
        memo=entry.memo,
        reason_code=entry.reason_code,
        reverses_entry_id=entry.reverses_entry_id,
    )


def reverse(session: Session, entry_id: int, *, effective_date: date, actor: str, memo: str = "",
            source: str | None = None) -> JournalEntry:
    """Undo an entry with its mirror image; an entry can be reversed once."""
    original = session.get(JournalEntry, entry_id)
    if original is None:
        raise NotFound("journal entry", entry_id)
    already = session.scalar(select(JournalEntry.id).where(JournalEntry.reverses_entry_id == entry_id))
    if already is not None:
        raise InvalidInput(f"journal entry {entry_id}", f"already reversed by entry {already}")
    return post(session, reversal(draft_of(original), entry_id, memo=memo), effective_date=effective_date,
                actor=actor, source=source)


def _sum(session: Session, *conditions) -> Decimal:
    return from_cents(session.scalar(select(func.coalesce(func.sum(_CENTS), 0)).where(*conditions)))


def _ar(*conditions):
    return (JournalLine.account.in_(list(AR_ACCOUNTS)), *conditions)


def charge_line_balance(session: Session, charge_line_id: int) -> Decimal:
    """What is still owed on one service line, by anyone."""
    return _sum(session, *_ar(JournalLine.charge_line_id == charge_line_id))


def claim_line_balance(session: Session, claim_line_id: int) -> Decimal:
    """A claim line's balance is the balance of the charge line it bills."""
    line = session.execute(select(_CLAIM_LINES.c.charge_line_id).where(_CLAIM_LINES.c.id == claim_line_id)).first()
    if line is None:
        raise NotFound("claim line", claim_line_id)
    if line.charge_line_id is None:
        return _sum(session, *_ar(JournalLine.claim_line_id == claim_line_id))
    return charge_line_balance(session, line.charge_line_id)


def claim_balance(session: Session, claim_id: int) -> Decimal:
    line_ids = select(_CLAIM_LINES.c.charge_line_id).where(_CLAIM_LINES.c.claim_id == claim_id)
    return _sum(session, *_ar(JournalLine.charge_line_id.in_(line_ids)))


def patient_balance(session: Session, patient_id: int) -> Decimal:
    """What the patient owes (their responsibility only)."""
    return _sum(session, JournalLine.account == Account.AR_PATIENT, JournalLine.patient_id == patient_id)


def patient_total_ar(session: Session, patient_id: int) -> Decimal:
    """Everything still owed on the patient's services, by payers and patient."""
    return _sum(session, *_ar(JournalLine.patient_id == patient_id))


def payer_balance(session: Session, payer_id: int) -> Decimal:
    """What a payer owes the practice."""
    return _sum(session, JournalLine.account == Account.AR_PAYER, JournalLine.payer_id == payer_id)


def accounts_receivable(session: Session) -> Decimal:
    return _sum(session, *_ar())


def trial_balance(session: Session) -> dict[Account, Decimal]:
    """Sum per account; the sums add to zero when every entry balances."""
    rows = session.execute(select(JournalLine.account, func.sum(_CENTS)).group_by(JournalLine.account))
    return {Account(account): from_cents(cents) for account, cents in rows}


def ar_by_payer(session: Session) -> dict[int, Decimal]:
    rows = session.execute(
        select(JournalLine.payer_id, func.sum(_CENTS))
        .where(JournalLine.account == Account.AR_PAYER)
        .group_by(JournalLine.payer_id)
    )
    return {payer_id: from_cents(cents) for payer_id, cents in rows}


def unbalanced_entries(session: Session) -> list[tuple[int, Decimal]]:
    """Entries whose postings do not sum to zero (always empty unless someone wrote around the ledger)."""
    rows = session.execute(
        select(JournalLine.entry_id, func.sum(_CENTS))
        .group_by(JournalLine.entry_id)
        .having(func.sum(_CENTS) != 0)
    )
    return [(entry_id, from_cents(cents)) for entry_id, cents in rows]


def is_balanced(session: Session) -> bool:
    return not unbalanced_entries(session) and sum(trial_balance(session).values(), ZERO) == ZERO


def post_many(session: Session, drafts: list[EntryDraft], *, effective_date: date, actor: str,
              source: str | None = None, posted_at: datetime | None = None) -> list[int]:
    """Store many balanced entries with two bulk inserts (an 835 posts hundreds of thousands);
    returns their ids in order. Same rows as :func:`post`, without an ORM object per posting."""
    posted_at = posted_at or datetime.now().replace(microsecond=0)
    session.flush()
    ids = next_ids(session, JournalEntry.__table__, len(drafts))
    if not ids:
        return []
    if session.get_bind().dialect.name == "postgresql":
        for job in entry_copies(ids, drafts, effective_date=effective_date, actor=actor, source=source,
                                posted_at=posted_at):
            copy_text(session, *job)
        return ids
    entries, lines = [], []
    for entry_id, d in zip(ids, drafts):
        entries.append({"id": entry_id, "kind": d.kind, "effective_date": effective_date, "posted_at": posted_at,
                        "actor": actor, "memo": d.memo, "reason_code": d.reason_code, "source": source,
                        "reverses_entry_id": d.reverses_entry_id})
        for p in d.postings:
            lines.append({"entry_id": entry_id, "account": p.account, "amount": p.amount,
                          "reason_code": p.reason_code, "payer_id": p.payer_id,
                          "patient_id": p.patient_id, "charge_line_id": p.charge_line_id,
                          "claim_line_id": p.claim_line_id, "claim_id": p.claim_id})
    insert_rows(session, JournalEntry.__table__, entries)
    insert_rows(session, JournalLine.__table__, lines)
    return ids


def entry_copies(ids: list[int], drafts: list[EntryDraft], *, effective_date: date, actor: str,
                 source: str | None, posted_at: datetime) -> list[tuple]:
    """The entries (with the *ids* taken for them) and their postings as two COPY jobs (table, columns,
    lines of text), written straight from the drafts (the hot path of an 835: four postings a line);
    the same values :func:`oncobill.bulk.copy_rows` would write."""
    n = NULL_FIELD
    common = "\t".join([effective_date.isoformat(), posted_at.isoformat(), text_field(actor),
                        n if source is None else text_field(source)])
    entries, lines = [], []
    accounts = {a: a.value for a in Account}
    for entry_id, d in zip(ids, drafts):
        entries.append(f"{entry_id}\t{d.kind.value}\t{n if d.memo is None else text_field(d.memo)}\t"
                       f"{n if d.reason_code is None else text_field(d.reason_code)}\t"
                       f"{n if d.reverses_entry_id is None else d.reverses_entry_id}\t{common}")
        refs, refs_text = None, ""
        for p in d.postings:
            if (p.patient_id, p.charge_line_id, p.claim_line_id, p.claim_id) != refs:  # an entry's postings share them
                refs = (p.patient_id, p.charge_line_id, p.claim_line_id, p.claim_id)
                refs_text = "\t".join([n if r is None else str(r) for r in refs])
            lines.append(f"{entry_id}\t{accounts[p.account]}\t{cents_field(p.amount)}\t"
                         f"{n if p.reason_code is None else text_field(p.reason_code)}\t"
                         f"{n if p.payer_id is None else p.payer_id}\t{refs_text}")
    return [(JournalEntry.__table__, ["id", "kind", "memo", "reason_code", "reverses_entry_id", "effective_date",
                                      "posted_at", "actor", "source"], entries),
            (JournalLine.__table__, ["entry_id", "account", "amount", "reason_code", "payer_id", "patient_id",
                                     "charge_line_id", "claim_line_id", "claim_id"], lines)]
