"""Claims and claim lines as sent to one payer under one coverage, with every status change recorded."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oncobill.charges.models import ChargeLine, ServiceLineColumns
from oncobill.db import Base, Money, str_enum
from oncobill.patients.models import Coverage, Patient
from oncobill.practice.models import BillingEntity, Payer, Provider, ServiceLocation


class ClaimStatus(str, enum.Enum):
    """Where a claim stands; the allowed moves between them live in the claims lifecycle."""

    DRAFT = "draft"
    HELD = "held"  # scrubber findings must be worked before it can go
    READY = "ready"
    SUBMITTED = "submitted"
    ACK_ACCEPTED = "ack_accepted"  # 999 accepted the transaction set
    ACK_REJECTED = "ack_rejected"
    PAYER_ACCEPTED = "payer_accepted"  # 277CA A1/A2
    PAYER_REJECTED = "payer_rejected"  # 277CA A3/A6/A7/A8
    PAID = "paid"
    PARTIAL = "partial"
    DENIED = "denied"
    CLOSED = "closed"


class ClaimForm(str, enum.Enum):
    PROFESSIONAL = "837P"
    INSTITUTIONAL = "837I"


class Claim(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_control_number: Mapped[str] = mapped_column(String(38), unique=True)  # CLM01, echoed in CLP01
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    coverage_id: Mapped[int] = mapped_column(ForeignKey("coverages.id"))
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    billing_entity_id: Mapped[int] = mapped_column(ForeignKey("billing_entities.id"))
    rendering_provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("service_locations.id"))
    form: Mapped[ClaimForm] = mapped_column(str_enum(ClaimForm, "claim_form"))
    frequency_code: Mapped[str] = mapped_column(String(1), default="1")  # 1 original, 7 replace, 8 void
    original_claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"))
    # A claim to the secondary (or tertiary) payer names the claim whose adjudication it carries (2320/2430).
    primary_claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True)
    payer_claim_number: Mapped[str | None] = mapped_column(String(50))  # ICN/DCN, REF*F8 on 7/8
    prior_authorization: Mapped[str | None] = mapped_column(String(50))  # REF*G1
    status: Mapped[ClaimStatus] = mapped_column(str_enum(ClaimStatus, "claim_status"), index=True)
    service_from: Mapped[date] = mapped_column(Date)
    service_to: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    patient: Mapped[Patient] = relationship()
    coverage: Mapped[Coverage] = relationship()
    payer: Mapped[Payer] = relationship()
    billing_entity: Mapped[BillingEntity] = relationship()
    rendering_provider: Mapped[Provider] = relationship()
    location: Mapped[ServiceLocation] = relationship()
    lines: Mapped[list[ClaimLine]] = relationship(
        back_populates="claim", order_by="ClaimLine.line_number", cascade="all, delete-orphan"
    )
    diagnoses: Mapped[list[ClaimDiagnosis]] = relationship(
        back_populates="claim", order_by="ClaimDiagnosis.sequence", cascade="all, delete-orphan"
    )
    events: Mapped[list[ClaimStatusEvent]] = relationship(
        back_populates="claim", order_by="ClaimStatusEvent.id", cascade="all, delete-orphan"
    )
    findings: Mapped[list[ClaimFinding]] = relationship(
        back_populates="claim", order_by="ClaimFinding.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("frequency_code IN ('1', '7', '8')", name="frequency_code"),
        CheckConstraint("service_to >= service_from", name="service_dates_ordered"),
    )

    @property
    def total_charge(self) -> Decimal:
        """CLM02: always the sum of the lines, never stored a second time."""
        return sum((line.charge for line in self.lines), Decimal("0.00"))


class ClaimDiagnosis(Base):
    __tablename__ = "claim_diagnoses"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    icd10_code: Mapped[str] = mapped_column(String(8))

    claim: Mapped[Claim] = relationship(back_populates="diagnoses")

    __table_args__ = (
        UniqueConstraint("claim_id", "sequence"),
        CheckConstraint("sequence BETWEEN 1 AND 12", name="hi_position"),
    )


class ClaimLine(ServiceLineColumns, Base):
    """A service line as billed; the line control number (REF*6R) lets the 835 match it back."""

    __tablename__ = "claim_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    charge_line_id: Mapped[int | None] = mapped_column(ForeignKey("charge_lines.id"), index=True)
    authorization_id: Mapped[int | None] = mapped_column(ForeignKey("authorizations.id"))  # 2400 REF*G1
    line_number: Mapped[int] = mapped_column(Integer)
    line_control_number: Mapped[str] = mapped_column(String(50), unique=True)
    dx_pointers: Mapped[str] = mapped_column(String(7))  # "1:2:3:4", SV107
    revenue_code: Mapped[str | None] = mapped_column(String(4))  # 837I SV201

    claim: Mapped[Claim] = relationship(back_populates="lines")
    charge_line: Mapped[ChargeLine | None] = relationship()
    authorization: Mapped[Authorization | None] = relationship()

    __table_args__ = (
        UniqueConstraint("claim_id", "line_number"),
        CheckConstraint("units > 0", name="units_positive"),
        CheckConstraint("charge >= 0", name="charge_not_negative"),
        CheckConstraint("line_number BETWEEN 1 AND 50", name="line_number_range"),
    )


class ClaimStatusEvent(Base):
    """One status change: who moved the claim, when, and why."""

    __tablename__ = "claim_status_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    from_status: Mapped[ClaimStatus | None] = mapped_column(str_enum(ClaimStatus, "from_status"))
    to_status: Mapped[ClaimStatus] = mapped_column(str_enum(ClaimStatus, "to_status"))
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(500))

    claim: Mapped[Claim] = relationship(back_populates="events")


class AuthorizationStatus(str, enum.Enum):
    """Payer decision on a prior authorization (278 HCR01: A1 approved, A2 partial, A4 pended, A3 denied)."""

    APPROVED = "approved"
    PARTIAL = "partial"
    PENDING = "pending"
    DENIED = "denied"
    CANCELLED = "cancelled"

    @property
    def usable(self) -> bool:
        return self in (AuthorizationStatus.APPROVED, AuthorizationStatus.PARTIAL)


class Authorization(Base):
    """A payer's prior authorization for a patient: codes, units per code and a date span (REF*G1).

    ``approved_units`` maps each approved code to its units as a decimal string, or None when the
    payer approved the code without a unit limit. Units used are never stored: they are the sum
    of the claim lines that cite the authorization.
    """

    __tablename__ = "authorizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    auth_number: Mapped[str] = mapped_column(String(50))
    status: Mapped[AuthorizationStatus] = mapped_column(str_enum(AuthorizationStatus, "authorization_status"))
    approved_units: Mapped[dict[str, Any]] = mapped_column(JSON)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))

    payer: Mapped[Payer] = relationship()
    patient: Mapped[Patient] = relationship()

    __table_args__ = (
        UniqueConstraint("payer_id", "auth_number"),
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
    )


class FindingSeverity(str, enum.Enum):
    ERROR = "error"  # holds the claim
    WARNING = "warning"  # a biller should look, the claim may go


class ClaimFinding(Base):
    """One scrubber finding on a claim as last scrubbed: which edit, which line, what is wrong, the fix."""

    __tablename__ = "claim_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    edit_id: Mapped[str] = mapped_column(String(40))
    severity: Mapped[FindingSeverity] = mapped_column(str_enum(FindingSeverity, "finding_severity"))
    line_number: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(String(500))
    fix: Mapped[str] = mapped_column(String(500))
    found_at: Mapped[datetime] = mapped_column(DateTime)

    claim: Mapped[Claim] = relationship(back_populates="findings")


class ControlCounter(Base):
    """The last X12 control number used, per envelope level (ISA13, GS06, ST02): never reused,
    so every acknowledgment names exactly one batch."""

    __tablename__ = "control_counters"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (CheckConstraint("value >= 0 AND value <= 999999999", name="value_range"),)


class SubmissionBatch(Base):
    """One 837 file: its control numbers, payer, form, content (sent byte for byte) and when it went."""

    __tablename__ = "submission_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(100), unique=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"), index=True)
    form: Mapped[ClaimForm] = mapped_column(str_enum(ClaimForm, "batch_form"))
    interchange_control_number: Mapped[int] = mapped_column(Integer, unique=True)  # ISA13
    group_control_number: Mapped[int] = mapped_column(Integer, unique=True)  # GS06
    set_control_number: Mapped[int] = mapped_column(Integer, unique=True)  # ST02
    reference: Mapped[str] = mapped_column(String(30), unique=True)  # BHT03, echoed in the 277CA's TRN
    claim_count: Mapped[int] = mapped_column(Integer)
    total_charge: Mapped[Decimal] = mapped_column(Money)
    content_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(60))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_via: Mapped[str | None] = mapped_column(String(20))  # adapter name
    destination: Mapped[str | None] = mapped_column(String(300))

    payer: Mapped[Payer] = relationship()
    claims: Mapped[list[Claim]] = relationship(secondary="submission_batch_claims", order_by="Claim.id")

    __table_args__ = (
        CheckConstraint("claim_count > 0", name="claim_count_positive"),
        CheckConstraint("total_charge >= 0", name="total_not_negative"),
    )


class SubmissionBatchClaim(Base):
    """Which claims went in which batch (a claim sent again after a rejection is in two)."""

    __tablename__ = "submission_batch_claims"

    batch_id: Mapped[int] = mapped_column(ForeignKey("submission_batches.id"), primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), primary_key=True, index=True)


class ImportedFile(Base):
    """An acknowledgment (999, 277CA) imported once: keyed by its sender and interchange control
    number, and by its content hash, so importing it again changes nothing."""

    __tablename__ = "imported_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(5))
    file_name: Mapped[str] = mapped_column(String(300))
    sender_id: Mapped[str] = mapped_column(String(15))
    interchange_control_number: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(60))
    claims_moved: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(500))

    __table_args__ = (
        UniqueConstraint("sender_id", "interchange_control_number", "kind"),
        CheckConstraint("kind IN ('999', '277CA', '835')", name="kind"),
    )
