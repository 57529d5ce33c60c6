"""Practice setup tables: the billing entity, providers, service locations, payers,
per-payer settings by effective date, payer enrollments and the charge master."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oncobill.db import Base, Money, str_enum


class ProviderRole(str, enum.Enum):
    PHYSICIAN = "physician"
    RADIATION_ONCOLOGIST = "radiation_oncologist"
    NURSE_PRACTITIONER = "nurse_practitioner"
    PHYSICIAN_ASSISTANT = "physician_assistant"


class CareSetting(str, enum.Enum):
    """Office (837P, POS 11) or hospital outpatient (837I/OPPS, POS 19/22)."""

    OFFICE = "office"
    HOSPITAL_OUTPATIENT = "hospital_outpatient"


class PayerKind(str, enum.Enum):
    MEDICARE = "medicare"
    MEDICARE_ADVANTAGE = "medicare_advantage"
    COMMERCIAL = "commercial"
    MEDICAID = "medicaid"
    MEDIGAP = "medigap"
    SELF_PAY = "self_pay"


class EnrollmentStatus(str, enum.Enum):
    ENROLLED = "enrolled"
    PENDING = "pending"
    TERMINATED = "terminated"
    DENIED = "denied"


class AddressMixin:
    address_line1: Mapped[str] = mapped_column(String(55))
    address_line2: Mapped[str | None] = mapped_column(String(55))
    city: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(2))
    zip_code: Mapped[str] = mapped_column(String(9))


class BillingEntity(AddressMixin, Base):
    """The group that bills (2010AA): legal name, TIN, group NPI, taxonomy."""

    __tablename__ = "billing_entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(60))
    tin: Mapped[str] = mapped_column(String(9), unique=True)
    group_npi: Mapped[str] = mapped_column(String(10), unique=True)
    taxonomy: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(10))


class Provider(Base):
    """An individual rendering provider (NPI type 1)."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    billing_entity_id: Mapped[int] = mapped_column(ForeignKey("billing_entities.id"))
    npi: Mapped[str] = mapped_column(String(10), unique=True)
    first_name: Mapped[str] = mapped_column(String(35))
    last_name: Mapped[str] = mapped_column(String(60))
    credential: Mapped[str] = mapped_column(String(10))
    taxonomy: Mapped[str] = mapped_column(String(10))
    role: Mapped[ProviderRole] = mapped_column(str_enum(ProviderRole, "provider_role"))

    enrollments: Mapped[list[PayerEnrollment]] = relationship(back_populates="provider")

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}, {self.credential}"


class ServiceLocation(AddressMixin, Base):
    """Where care is given; the setting decides 837P versus 837I and the code set used."""

    __tablename__ = "service_locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    billing_entity_id: Mapped[int] = mapped_column(ForeignKey("billing_entities.id"))
    name: Mapped[str] = mapped_column(String(60))
    place_of_service: Mapped[str] = mapped_column(String(2))
    setting: Mapped[CareSetting] = mapped_column(str_enum(CareSetting, "care_setting"))
    npi: Mapped[str | None] = mapped_column(String(10))


class Payer(Base):
    """An insurer as the practice bills it: X12 payer ID, claim filing indicator, filing limit."""

    __tablename__ = "payers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    payer_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[PayerKind] = mapped_column(str_enum(PayerKind, "payer_kind"))
    claim_filing_indicator: Mapped[str] = mapped_column(String(2))
    timely_filing_days: Mapped[int] = mapped_column(Integer)
    address_line1: Mapped[str | None] = mapped_column(String(55))
    city: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str | None] = mapped_column(String(2))
    zip_code: Mapped[str | None] = mapped_column(String(9))

    settings: Mapped[list[PayerSetting]] = relationship(back_populates="payer", order_by="PayerSetting.effective_from")

    __table_args__ = (CheckConstraint("timely_filing_days > 0", name="timely_filing_positive"),)


class PayerSetting(Base):
    """One payer rule as data, keyed by effective date (e.g. radiation_delivery_codes = "pfs_g_codes")."""

    __tablename__ = "payer_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[Any] = mapped_column(JSON)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)

    payer: Mapped[Payer] = relationship(back_populates="settings")

    __table_args__ = (UniqueConstraint("payer_id", "key", "effective_from"),)


class PayerEnrollment(Base):
    """A provider's enrollment with a payer over a span of dates (domain 1.2)."""

    __tablename__ = "payer_enrollments"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    status: Mapped[EnrollmentStatus] = mapped_column(str_enum(EnrollmentStatus, "enrollment_status"))
    effective_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    provider: Mapped[Provider] = relationship(back_populates="enrollments")
    payer: Mapped[Payer] = relationship()

    __table_args__ = (
        CheckConstraint("end_date IS NULL OR effective_date IS NULL OR end_date >= effective_date",
                        name="dates_ordered"),
    )


class ChargeMasterItem(Base):
    """The practice's own price for one unit of a code, by effective date."""

    __tablename__ = "charge_master"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(5))
    unit_price: Mapped[Decimal] = mapped_column(Money)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(String(80))

    __table_args__ = (
        UniqueConstraint("code", "effective_from"),
        CheckConstraint("unit_price >= 0", name="price_not_negative"),
    )
