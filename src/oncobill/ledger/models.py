"""Journal entries and their postings. Nothing else stores money owed: balances are sums of postings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oncobill.db import Base, Money, str_enum
from oncobill.ledger.rules import Account, EntryKind


class JournalEntry(Base):
    __tablename__ = "journal_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind, "entry_kind"))
    effective_date: Mapped[date] = mapped_column(Date, index=True)
    posted_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(60))
    memo: Mapped[str] = mapped_column(String(500), default="")
    reason_code: Mapped[str | None] = mapped_column(String(30))  # one reason for the whole entry, if it has one
    source: Mapped[str | None] = mapped_column(String(120))  # e.g. "835 trace 12345 set 0001"
    # A reversal names the entry it undoes; unique, so an entry is reversed at most once.
    reverses_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), unique=True)

    lines: Mapped[list[JournalLine]] = relationship(
        back_populates="entry", order_by="JournalLine.id", cascade="all, delete-orphan"
    )


class JournalLine(Base):
    """One posting: an account, a signed amount (debit positive), its reason, and what it concerns.

    Only the entry and the charge line are foreign keys (on PostgreSQL checked once per statement,
    ``oncobill.references``); payer, patient, claim and claim line repeat what the charge line and the
    entry already say and are checked by ``reports.ledger_check.broken_references`` (``oncobill
    ledger check``) instead of once per row: an 835 writes a million postings."""

    __tablename__ = "journal_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    account: Mapped[Account] = mapped_column(str_enum(Account, "ledger_account"))
    amount: Mapped[Decimal] = mapped_column(Money)
    reason_code: Mapped[str | None] = mapped_column(String(30))  # e.g. "CO-45", "PR-2": per posting
    payer_id: Mapped[int | None] = mapped_column(index=True)
    patient_id: Mapped[int | None] = mapped_column(index=True)
    charge_line_id: Mapped[int | None] = mapped_column(ForeignKey("charge_lines.id"), index=True)
    claim_line_id: Mapped[int | None]
    claim_id: Mapped[int | None]

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")
