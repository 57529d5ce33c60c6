"""Encounters as documented (diagnoses, medication administrations) and the charge lines coded from them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oncobill.db import Base, Money, Quantity, str_enum
from oncobill.patients.models import Patient
from oncobill.practice.models import Provider, ServiceLocation


class EncounterStatus(str, enum.Enum):
    DOCUMENTED = "documented"  # care recorded, not yet coded
    CODED = "coded"  # charge lines produced
    BILLED = "billed"  # every charge line is on a claim


class Encounter(Base):
    """One visit or treatment day; ``end_at`` past midnight keeps the date of service of the start."""

    __tablename__ = "encounters"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("service_locations.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    treatment_plan_id: Mapped[int | None] = mapped_column(ForeignKey("treatment_plans.id"))
    cycle_number: Mapped[int | None] = mapped_column(Integer)
    fraction_from: Mapped[int | None] = mapped_column(Integer)
    fraction_to: Mapped[int | None] = mapped_column(Integer)
    date_of_service: Mapped[date] = mapped_column(Date, index=True)
    primary_reason: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[EncounterStatus] = mapped_column(str_enum(EncounterStatus, "encounter_status"))

    patient: Mapped[Patient] = relationship()
    location: Mapped[ServiceLocation] = relationship()
    provider: Mapped[Provider] = relationship()
    diagnoses: Mapped[list[EncounterDiagnosis]] = relationship(
        back_populates="encounter", order_by="EncounterDiagnosis.sequence", cascade="all, delete-orphan"
    )
    administrations: Mapped[list[Administration]] = relationship(
        back_populates="encounter", order_by="Administration.id", cascade="all, delete-orphan"
    )
    charge_lines: Mapped[list[ChargeLine]] = relationship(
        back_populates="encounter", order_by="ChargeLine.line_number", cascade="all, delete-orphan"
    )


class EncounterDiagnosis(Base):
    """Diagnoses of the encounter in claim order (pointer 1 is sequence 1)."""

    __tablename__ = "encounter_diagnoses"

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    icd10_code: Mapped[str] = mapped_column(String(8))

    encounter: Mapped[Encounter] = relationship(back_populates="diagnoses")

    __table_args__ = (UniqueConstraint("encounter_id", "sequence"),)


class Administration(Base):
    """One row of the medication administration record: what ran, how much, from when to when."""

    __tablename__ = "administrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"))
    drug: Mapped[str] = mapped_column(String(60))
    hcpcs: Mapped[str | None] = mapped_column(String(5))
    dose: Mapped[Decimal] = mapped_column(Quantity)
    dose_unit: Mapped[str] = mapped_column(String(10))
    route: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(20))
    site: Mapped[str | None] = mapped_column(String(20))
    start_at: Mapped[datetime] = mapped_column(DateTime)
    stop_at: Mapped[datetime | None] = mapped_column(DateTime)
    ndc: Mapped[str | None] = mapped_column(String(13))
    vials_opened: Mapped[Any | None] = mapped_column(JSON)

    encounter: Mapped[Encounter] = relationship(back_populates="administrations")

    __table_args__ = (CheckConstraint("dose > 0", name="dose_positive"),)


class ServiceLineColumns:
    """What a service line bills: date, code with up to four modifiers, units, charge and the drug's
    NDC with its quantity and unit (2410). Charge lines and claim lines share these columns."""

    service_date: Mapped[date] = mapped_column(Date)
    code: Mapped[str] = mapped_column(String(5))
    modifier1: Mapped[str | None] = mapped_column(String(2))
    modifier2: Mapped[str | None] = mapped_column(String(2))
    modifier3: Mapped[str | None] = mapped_column(String(2))
    modifier4: Mapped[str | None] = mapped_column(String(2))
    units: Mapped[Decimal] = mapped_column(Quantity)
    charge: Mapped[Decimal] = mapped_column(Money)
    ndc: Mapped[str | None] = mapped_column(String(11))
    ndc_quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    ndc_unit: Mapped[str | None] = mapped_column(String(2))

    @property
    def modifiers(self) -> list[str]:
        return [m for m in (self.modifier1, self.modifier2, self.modifier3, self.modifier4) if m]


class ChargeLine(ServiceLineColumns, Base):
    """A billable line as a careful coder writes it, with the reason it was written that way."""

    __tablename__ = "charge_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"))
    line_number: Mapped[int] = mapped_column(Integer)
    # Drug lines: what the drug came in, so JW/JZ can be checked without re-reading the MAR.
    container: Mapped[str | None] = mapped_column(String(12))
    dx_pointers: Mapped[list[int]] = mapped_column(JSON)
    rendering_provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    explanation: Mapped[str | None] = mapped_column(String(500))

    encounter: Mapped[Encounter] = relationship(back_populates="charge_lines")
    rendering_provider: Mapped[Provider] = relationship()

    __table_args__ = (
        UniqueConstraint("encounter_id", "line_number"),
        CheckConstraint("units > 0", name="units_positive"),
        CheckConstraint("charge >= 0", name="charge_not_negative"),
        CheckConstraint("ndc_unit IS NULL OR ndc_unit IN ('UN', 'ML', 'GR', 'F2', 'ME')", name="ndc_unit_code"),
        CheckConstraint("container IS NULL OR container IN ('single_dose', 'multi_dose')", name="container_kind"),
    )
