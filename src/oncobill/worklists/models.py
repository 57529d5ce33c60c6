"""The work queues' tables, fed at posting and worked by people:

- denial work items: every denied or partly denied remit line (or claim-level denial) as a piece of
  work with its queue, next action, owner and due date (routed by the denial playbook), and what was
  done about it: the corrected or new claim sent, the appeal letter written, the entry posted;
- remit work items: what the 835 importer could not post by itself (nothing is dropped silently);
- underpayment items: paid lines allowed below the contract.

Foreign keys name the stages' tables as strings: this module imports no stage."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from oncobill.db import Base, Money

WORK_STATUSES = ("open", "in_progress", "done")


class Role(str, enum.Enum):
    """Who works a queue's item (a denial playbook row names one; so will the other stages' queues)."""

    CODER = "coder"
    BILLING_SPECIALIST = "billing_specialist"
    ELIGIBILITY_SPECIALIST = "eligibility_specialist"
    AUTHORIZATION_COORDINATOR = "authorization_coordinator"
    CREDENTIALING = "credentialing"
    APPEALS_SPECIALIST = "appeals_specialist"
    PAYMENT_POSTER = "payment_poster"
    PATIENT_ACCOUNTS = "patient_accounts"


RESOLUTIONS = ("corrected_claim", "new_claim", "appeal", "write_off", "transfer_to_patient",
               "transfer_to_secondary", "no_action", "paid_on_appeal")


class DenialWorkItem(Base):
    __tablename__ = "denial_work_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    era_import_id: Mapped[int | None] = mapped_column(ForeignKey("era_imports.id"), index=True)
    remit_claim_id: Mapped[int | None] = mapped_column(ForeignKey("remit_claims.id"), index=True)
    remit_service_line_id: Mapped[int | None] = mapped_column(ForeignKey("remit_service_lines.id"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    claim_line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_lines.id"))  # None: claim level
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"), index=True)
    group_code: Mapped[str] = mapped_column(String(2))  # CAS01
    carc: Mapped[str] = mapped_column(String(5))
    rarcs: Mapped[list[str]] = mapped_column(JSON, default=list)
    amount: Mapped[Decimal] = mapped_column(Money)  # the adjustment being worked
    procedure: Mapped[str] = mapped_column(String(60), default="")  # code:modifiers of the line
    partial: Mapped[bool] = mapped_column(default=False)  # part of the line was paid
    queue: Mapped[str] = mapped_column(String(40), index=True)
    action: Mapped[str] = mapped_column(String(30))  # playbook Action value
    owner: Mapped[str] = mapped_column(String(30))  # a Role value
    patient_billable: Mapped[str] = mapped_column(String(20))
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    due_reason: Mapped[str] = mapped_column(String(300), default="")  # which clock decided
    reason: Mapped[str] = mapped_column(String(1000))  # the denial in words (CARC/RARC texts)
    fix: Mapped[str] = mapped_column(String(1000), default="")
    route: Mapped[str] = mapped_column(String(300), default="")  # which playbook row, and why
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    assigned_to: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    resolution: Mapped[str | None] = mapped_column(String(30))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(60))
    result_claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"))  # corrected / new claim
    journal_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))  # write-off / transfer
    document: Mapped[str | None] = mapped_column(Text)  # the appeal letter as sent
    note: Mapped[str] = mapped_column(String(2000), default="")

    __table_args__ = (
        CheckConstraint("group_code IN ('CO', 'PR', 'OA', 'PI', 'CR')", name="group_code"),
        CheckConstraint(f"status IN {WORK_STATUSES!r}", name="status"),
        CheckConstraint("resolution IS NULL OR resolution IN (" + ", ".join(f"'{r}'" for r in RESOLUTIONS) + ")",
                        name="resolution"),
        CheckConstraint("(status = 'done') = (resolution IS NOT NULL)", name="resolved_has_resolution"),
    )


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


class UnderpaymentItem(Base):
    """A paid line whose allowed amount is below what the contract says: a short payment to chase."""

    __tablename__ = "underpayment_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    remit_service_line_id: Mapped[int] = mapped_column(ForeignKey("remit_service_lines.id"), unique=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    claim_line_id: Mapped[int] = mapped_column(ForeignKey("claim_lines.id"))
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"), index=True)
    allowed: Mapped[Decimal] = mapped_column(Money)  # what the payer allowed
    expected: Mapped[Decimal] = mapped_column(Money)  # what the contract says it should allow
    shortfall: Mapped[Decimal] = mapped_column(Money)
    basis: Mapped[str] = mapped_column(String(300))  # how the expectation was computed, in words
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(String(1000), default="")

    __table_args__ = (
        CheckConstraint("shortfall > 0", name="shortfall"),
        CheckConstraint("status IN ('open', 'disputed', 'recovered', 'accepted', 'void')", name="status"),
    )
