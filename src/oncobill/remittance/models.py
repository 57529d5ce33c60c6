"""Remittance tables: each 835 set imported once, what it posted per claim, the payer's claim
numbers seen, provider-level adjustments, quarantined sets, and the work queue for what could
not be matched (nothing from an 835 is ever dropped silently)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oncobill.db import Base, Money
from oncobill.ledger.models import JournalEntry


class EraImport(Base):
    """One 835 transaction set posted. The unique key (payer, TRN02, ST02) is what makes an import
    idempotent, also when two processes race: the second insert waits for the first and fails."""

    __tablename__ = "era_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    payer_key: Mapped[str] = mapped_column(String(80))  # REF*2U / N1*PR04, else TRN03
    trace_number: Mapped[str] = mapped_column(String(50))  # TRN02: EFT trace or check number
    control_number: Mapped[str] = mapped_column(String(9))  # ST02
    file_name: Mapped[str] = mapped_column(String(300))
    content_sha256: Mapped[str] = mapped_column(String(64))
    payer_name: Mapped[str] = mapped_column(String(60))
    payment_amount: Mapped[Decimal] = mapped_column(Money)  # BPR02
    payment_date: Mapped[date | None] = mapped_column(Date)  # BPR16
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(60))
    claims_posted: Mapped[int] = mapped_column(Integer, default=0)
    work_items: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("payer_key", "trace_number", "control_number"),
        CheckConstraint("claims_posted >= 0 AND work_items >= 0", name="counts"),
    )


class QuarantinedEra(Base):
    """An 835 set that does not balance (or cannot be read): kept with the reason, nothing posted."""

    __tablename__ = "quarantined_eras"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(300))
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    payer_key: Mapped[str] = mapped_column(String(80))
    trace_number: Mapped[str] = mapped_column(String(50))
    control_number: Mapped[str] = mapped_column(String(9))
    reason: Mapped[str] = mapped_column(String(2000))
    quarantined_at: Mapped[datetime] = mapped_column(DateTime)
    quarantined_by: Mapped[str] = mapped_column(String(60))

    __table_args__ = (UniqueConstraint("content_sha256", "control_number"),)


class RemitClaim(Base):
    """One CLP posted against one claim, with the journal entries it made (so a reversal can undo them)."""

    __tablename__ = "remit_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    era_import_id: Mapped[int] = mapped_column(ForeignKey("era_imports.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    claim_status_code: Mapped[str] = mapped_column(String(2))  # CLP02
    payer_claim_number: Mapped[str] = mapped_column(String(50))  # CLP07
    charge: Mapped[Decimal] = mapped_column(Money)
    paid: Mapped[Decimal] = mapped_column(Money)
    patient_responsibility: Mapped[Decimal] = mapped_column(Money)
    crossed_over: Mapped[bool] = mapped_column(Boolean, default=False)  # CLP02 19 + MA18: no secondary claim
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("remit_claims.id"))

    entries: Mapped[list[RemitClaimEntry]] = relationship(cascade="all, delete-orphan")


class RemitClaimEntry(Base):
    __tablename__ = "remit_claim_entries"

    remit_claim_id: Mapped[int] = mapped_column(ForeignKey("remit_claims.id"), primary_key=True)
    journal_entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), primary_key=True)

    entry: Mapped[JournalEntry] = relationship()


class PayerClaimNumber(Base):
    """Every payer claim number (CLP07) a claim has had: a later remit may quote an older one."""

    __tablename__ = "payer_claim_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    payer_claim_number: Mapped[str] = mapped_column(String(50), index=True)

    __table_args__ = (UniqueConstraint("payer_id", "payer_claim_number", "claim_id"),)


class ProviderAdjustmentPosting(Base):
    """A PLB reason/amount posted at provider level, linked to the claim its reference names if any."""

    __tablename__ = "provider_adjustment_postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    era_import_id: Mapped[int] = mapped_column(ForeignKey("era_imports.id"), index=True)
    reason: Mapped[str] = mapped_column(String(2))
    reference: Mapped[str] = mapped_column(String(50))
    amount: Mapped[Decimal] = mapped_column(Money)
    journal_entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"))

    __table_args__ = (CheckConstraint("amount <> 0", name="amount"),)


class RemitWorkItem(Base):
    """Something in an 835 the importer could not post by itself: a person decides."""

    __tablename__ = "remit_work_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    era_import_id: Mapped[int] = mapped_column(ForeignKey("era_imports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    patient_control_number: Mapped[str] = mapped_column(String(38))
    payer_claim_number: Mapped[str] = mapped_column(String(50))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"))
    procedure: Mapped[str] = mapped_column(String(60))
    line_control_number: Mapped[str] = mapped_column(String(50))
    amount: Mapped[Decimal] = mapped_column(Money)  # what the payer paid on it (may be 0 or negative)
    detail: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint("kind IN ('unmatched_claim', 'unmatched_line', 'nothing_to_reverse', 'not_postable')",
                        name="kind"),
        CheckConstraint("status IN ('open', 'done')", name="status"),
    )
