"""Remittance tables: each 835 set imported once, what it posted per claim and per service line
(with every CAS triplet, kept verbatim for the secondary claim's 2320/2430 loops), the payer's
claim numbers seen, provider-level adjustments, quarantined sets, and bank deposits with the ERAs
they were matched to. The queues fed from posting (remit work, denials, underpayments) are
``worklists.models``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
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

from oncobill.db import Base, Money, Quantity
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
    # MOA / MIA elements (after the segment ID) as the payer sent them: the secondary claim's 2320 repeats them.
    outpatient_adjudication: Mapped[list[str] | None] = mapped_column(JSON)
    inpatient_adjudication: Mapped[list[str] | None] = mapped_column(JSON)

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


class RemitServiceLine(Base):
    """One SVC of a posted CLP, as the payer sent it, and the claim line it was matched to.

    The secondary claim's 2430 (SVD, CAS, DTP*573) is written from these rows verbatim; denial work
    items and underpayment findings point at them."""

    __tablename__ = "remit_service_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the unique (remit_claim_id, sequence) index: no index of its own to maintain.
    remit_claim_id: Mapped[int] = mapped_column(ForeignKey("remit_claims.id"))
    claim_line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_lines.id"), index=True)  # None: unmatched
    sequence: Mapped[int] = mapped_column(Integer)  # order of the SVC within the CLP, from 1
    procedure_qualifier: Mapped[str] = mapped_column(String(2), default="HC")  # SVC01-1
    procedure: Mapped[str] = mapped_column(String(48))  # SVC01-2, as adjudicated
    modifiers: Mapped[list[str]] = mapped_column(JSON, default=list)  # SVC01-3..6, as adjudicated
    billed_procedure: Mapped[str] = mapped_column(String(48), default="")  # SVC06 when the payer changed the code
    charge: Mapped[Decimal] = mapped_column(Money)  # SVC02
    paid: Mapped[Decimal] = mapped_column(Money)  # SVC03
    revenue_code: Mapped[str] = mapped_column(String(4), default="")  # SVC04 (institutional)
    units: Mapped[Decimal] = mapped_column(Quantity)  # SVC05 (1 when absent)
    allowed: Mapped[Decimal | None] = mapped_column(Money)  # AMT*B6
    service_date: Mapped[date | None] = mapped_column(Date)  # DTM*472 / 150
    line_control_number: Mapped[str] = mapped_column(String(50), default="")  # REF*6R
    remarks: Mapped[list[str]] = mapped_column(JSON, default=list)  # LQ*HE RARCs
    matched_by: Mapped[str] = mapped_column(String(60), default="")  # how the match was made, or why not

    __table_args__ = (UniqueConstraint("remit_claim_id", "sequence"),)


class RemitAdjustment(Base):
    """One CAS triplet of a posted CLP: claim level (``remit_service_line_id`` empty, 2100 CAS) or
    line level (2110 CAS). Positive amounts reduce payment; a negative one gives a reduction back."""

    __tablename__ = "remit_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    remit_claim_id: Mapped[int] = mapped_column(ForeignKey("remit_claims.id"), index=True)
    remit_service_line_id: Mapped[int | None] = mapped_column(ForeignKey("remit_service_lines.id"), index=True)
    group_code: Mapped[str] = mapped_column(String(2))  # CAS01: CO, PR, OA, PI, CR
    reason: Mapped[str] = mapped_column(String(5))  # CARC
    amount: Mapped[Decimal] = mapped_column(Money)
    quantity: Mapped[Decimal | None] = mapped_column(Quantity)

    __table_args__ = (CheckConstraint("group_code IN ('CO', 'PR', 'OA', 'PI', 'CR')", name="group_code"),)


class Deposit(Base):
    """Money that reached the bank (a bank file line or a deposit entered by hand), to be matched to
    ERAs. ``fingerprint`` makes a re-imported bank file add nothing."""

    __tablename__ = "deposits"

    id: Mapped[int] = mapped_column(primary_key=True)
    deposit_date: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    reference: Mapped[str] = mapped_column(String(80), default="")  # bank reference / check number
    description: Mapped[str] = mapped_column(String(500), default="")  # CCD+ addenda (TRN*1*trace*payer)
    source: Mapped[str] = mapped_column(String(10))  # bai2 | csv | entered
    file_name: Mapped[str] = mapped_column(String(300), default="")
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(60))

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("source IN ('bai2', 'csv', 'entered')", name="source"),
    )


class DepositMatch(Base):
    """An ERA (835 set) reconciled to the deposit that carried its money; an ERA is matched once."""

    __tablename__ = "deposit_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    deposit_id: Mapped[int] = mapped_column(ForeignKey("deposits.id"), index=True)
    era_import_id: Mapped[int] = mapped_column(ForeignKey("era_imports.id"), unique=True)
    how: Mapped[str] = mapped_column(String(20))  # trace | confirmed (a suggestion a biller accepted)
    matched_at: Mapped[datetime] = mapped_column(DateTime)
    matched_by: Mapped[str] = mapped_column(String(60))

    __table_args__ = (CheckConstraint("how IN ('trace', 'confirmed')", name="how"),)
