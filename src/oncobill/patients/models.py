"""Patients, guarantors, diagnoses on the problem list, and coverages with priority and dates."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oncobill.db import Base, str_enum
from oncobill.practice.models import AddressMixin, Payer


class CoveragePriority(str, enum.Enum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    TERTIARY = "tertiary"

    @property
    def rank(self) -> int:
        """Payment order: the primary pays first (0), then the secondary (1), then the tertiary (2)."""
        return ("primary", "secondary", "tertiary").index(self.value)

    @property
    def sbr01(self) -> str:
        """The payer responsibility sequence code of X12 SBR01."""
        return {"primary": "P", "secondary": "S", "tertiary": "T"}[self.value]


class SubscriberRelationship(str, enum.Enum):
    """Patient's relationship to the subscriber, as X12 individual relationship codes (SBR02/PAT01)."""

    SELF = "18"
    SPOUSE = "01"
    CHILD = "19"
    OTHER = "G8"


class Guarantor(AddressMixin, Base):
    """The person who receives the patient statement and owes the patient's share."""

    __tablename__ = "guarantors"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(35))
    last_name: Mapped[str] = mapped_column(String(60))
    relationship_to_patient: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(10))


class Patient(AddressMixin, Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_number: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(35))
    last_name: Mapped[str] = mapped_column(String(60))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    phone: Mapped[str | None] = mapped_column(String(10))
    guarantor_id: Mapped[int | None] = mapped_column(ForeignKey("guarantors.id"))

    guarantor: Mapped[Guarantor | None] = relationship()
    coverages: Mapped[list[Coverage]] = relationship(
        back_populates="patient", order_by="(Coverage.effective_date, Coverage.priority)"
    )
    diagnoses: Mapped[list[PatientDiagnosis]] = relationship(
        back_populates="patient", order_by="PatientDiagnosis.sequence"
    )

    __table_args__ = (CheckConstraint("sex IN ('F', 'M', 'U')", name="sex_code"),)

    @property
    def display_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"


class PatientDiagnosis(Base):
    """A diagnosis on the patient's problem list (ICD-10-CM), in the order the oncologist ranks them."""

    __tablename__ = "patient_diagnoses"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    icd10_code: Mapped[str] = mapped_column(String(8))
    onset_date: Mapped[date | None] = mapped_column(Date)

    patient: Mapped[Patient] = relationship(back_populates="diagnoses")

    __table_args__ = (UniqueConstraint("patient_id", "sequence"),)


class Coverage(Base):
    """One insurance policy for a patient over a span of dates, at a priority.

    The subscriber may be someone else (a spouse's employer plan): then the subscriber's
    name and birth date are kept here, as the 837 needs them in 2010BA.
    """

    __tablename__ = "coverages"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    priority: Mapped[CoveragePriority] = mapped_column(str_enum(CoveragePriority, "coverage_priority"))
    member_id: Mapped[str] = mapped_column(String(80))
    group_number: Mapped[str | None] = mapped_column(String(50))
    plan_name: Mapped[str | None] = mapped_column(String(60))
    relationship_to_subscriber: Mapped[SubscriberRelationship] = mapped_column(
        str_enum(SubscriberRelationship, "subscriber_relationship")
    )
    subscriber_first_name: Mapped[str | None] = mapped_column(String(35))
    subscriber_last_name: Mapped[str | None] = mapped_column(String(60))
    subscriber_birth_date: Mapped[date | None] = mapped_column(Date)
    effective_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    # Plan year start as month and day: deductibles and out-of-pocket maximums reset then.
    plan_year_start_month: Mapped[int] = mapped_column(Integer, default=1)
    plan_year_start_day: Mapped[int] = mapped_column(Integer, default=1)

    patient: Mapped[Patient] = relationship(back_populates="coverages")
    payer: Mapped[Payer] = relationship()

    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= effective_date", name="dates_ordered"),
        CheckConstraint("plan_year_start_month BETWEEN 1 AND 12", name="plan_year_month"),
        CheckConstraint("plan_year_start_day BETWEEN 1 AND 31", name="plan_year_day"),
    )

    def active_on(self, day: date) -> bool:
        return self.effective_date <= day and (self.end_date is None or day <= self.end_date)
