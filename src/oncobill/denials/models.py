"""Denial work items: every denied or partly denied remit line (or claim-level denial) as a piece of
work with its queue, next action, owner and due date (routed by ``denials.rules.route``), and what
was done about it: the corrected or new claim sent, the appeal letter written, the entry posted."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from oncobill.db import Base, Money

WORK_STATUSES = ("open", "in_progress", "done")
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
    owner: Mapped[str] = mapped_column(String(30))  # playbook Role value
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
