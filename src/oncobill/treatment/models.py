"""Treatment plans: a chemotherapy regimen given in cycles, or a radiation course of fractions.

Encounters point back to the plan and the cycle (or fraction) they deliver, so billing in
cycles can follow authorizations and coverage changes across months.
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oncobill.db import Base, Quantity, str_enum
from oncobill.patients.models import Patient
from oncobill.practice.models import Provider, ServiceLocation


class TreatmentKind(str, enum.Enum):
    CHEMOTHERAPY = "chemotherapy"  # includes immunotherapy and other infused regimens
    RADIATION = "radiation"


class PlanStatus(str, enum.Enum):
    ACTIVE = "active"
    COMPLETED = "completed"
    STOPPED = "stopped"


class TreatmentPlan(Base):
    __tablename__ = "treatment_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    kind: Mapped[TreatmentKind] = mapped_column(str_enum(TreatmentKind, "treatment_kind"))
    regimen: Mapped[str] = mapped_column(String(40))
    status: Mapped[PlanStatus] = mapped_column(str_enum(PlanStatus, "plan_status"))
    start_date: Mapped[date] = mapped_column(Date)
    cycle_length_days: Mapped[int | None] = mapped_column(Integer)
    planned_cycles: Mapped[int | None] = mapped_column(Integer)
    planned_fractions: Mapped[int | None] = mapped_column(Integer)
    diagnosis_code: Mapped[str] = mapped_column(String(8))
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("service_locations.id"))
    body_surface_area_m2: Mapped[Decimal | None] = mapped_column(Quantity)
    weight_kg: Mapped[Decimal | None] = mapped_column(Quantity)

    patient: Mapped[Patient] = relationship()
    provider: Mapped[Provider] = relationship()
    location: Mapped[ServiceLocation] = relationship()

    __table_args__ = (
        CheckConstraint(
            "(kind = 'chemotherapy' AND cycle_length_days > 0 AND planned_cycles > 0)"
            " OR (kind = 'radiation' AND planned_fractions > 0)",
            name="schedule_present",
        ),
    )
