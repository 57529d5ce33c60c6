"""Practice setup use cases: billing entity, providers, locations, payers and their settings, enrollments.

Services validate before they write and flush without committing: the caller owns the transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from oncobill.errors import InvalidInput, NotFound
from oncobill.errors import require_enum as _enum
from oncobill.money import money
from oncobill.practice import rules
from oncobill.practice.models import (
    BillingEntity,
    CareSetting,
    ChargeMasterItem,
    EnrollmentStatus,
    Payer,
    PayerEnrollment,
    PayerKind,
    PayerSetting,
    Provider,
    ProviderRole,
    ServiceLocation,
)


def create_billing_entity(session: Session, *, legal_name: str, tin: str, group_npi: str, taxonomy: str,
                          address_line1: str, city: str, state: str, zip_code: str,
                          address_line2: str | None = None, phone: str | None = None) -> BillingEntity:
    where = f"billing entity {legal_name!r}"
    entity = BillingEntity(
        legal_name=legal_name,
        tin=rules.require_tin(tin, where),
        group_npi=rules.require_npi(group_npi, f"{where}: group NPI"),
        taxonomy=rules.require_taxonomy(taxonomy, where),
        address_line1=address_line1, address_line2=address_line2, city=city, state=state,
        zip_code=rules.require_zip(zip_code, where, nine_digits=True),
        phone=phone,
    )
    session.add(entity)
    session.flush()
    return entity


def add_provider(session: Session, *, billing_entity: BillingEntity, npi: str, first_name: str, last_name: str,
                 credential: str, taxonomy: str, role: ProviderRole | str) -> Provider:
    where = f"provider {first_name} {last_name}"
    provider = Provider(
        billing_entity_id=billing_entity.id,
        npi=rules.require_npi(npi, f"{where}: NPI"),
        first_name=first_name, last_name=last_name, credential=credential,
        taxonomy=rules.require_taxonomy(taxonomy, where),
        role=_enum(ProviderRole, role, where),
    )
    session.add(provider)
    session.flush()
    return provider


def add_location(session: Session, *, billing_entity: BillingEntity, name: str, place_of_service: str,
                 setting: CareSetting | str, address_line1: str, city: str, state: str, zip_code: str,
                 npi: str | None = None) -> ServiceLocation:
    where = f"service location {name!r}"
    if not (len(place_of_service) == 2 and place_of_service.isdigit()):
        raise InvalidInput(where, f"place of service {place_of_service!r} must be a 2-digit CMS POS code")
    location = ServiceLocation(
        billing_entity_id=billing_entity.id, name=name, place_of_service=place_of_service,
        setting=_enum(CareSetting, setting, where), address_line1=address_line1, city=city, state=state,
        zip_code=rules.require_zip(zip_code, where),
        npi=rules.require_npi(npi, f"{where}: NPI") if npi else None,
    )
    session.add(location)
    session.flush()
    return location


def add_payer(session: Session, *, code: str, name: str, payer_id: str, kind: PayerKind | str,
              claim_filing_indicator: str, timely_filing_days: int,
              settings: dict[str, Any] | None = None, settings_from: date = date(2000, 1, 1),
              address_line1: str | None = None, city: str | None = None, state: str | None = None,
              zip_code: str | None = None) -> Payer:
    where = f"payer {code!r}"
    if not payer_id:
        raise InvalidInput(where, "payer ID (2010BB NM109) is required")
    if not isinstance(timely_filing_days, int) or timely_filing_days <= 0:
        raise InvalidInput(where, f"timely filing days must be a positive number, got {timely_filing_days!r}")
    if session.scalar(select(Payer.id).where(Payer.code == code)) is not None:
        raise InvalidInput(where, "a payer with this code already exists")
    payer = Payer(
        code=code, name=name, payer_id=payer_id, kind=_enum(PayerKind, kind, where),
        claim_filing_indicator=rules.require_claim_filing_indicator(claim_filing_indicator, where),
        timely_filing_days=timely_filing_days, address_line1=address_line1, city=city, state=state,
        zip_code=zip_code,
    )
    session.add(payer)
    session.flush()
    for key, value in (settings or {}).items():
        set_payer_setting(session, payer=payer, key=key, value=value, effective_from=settings_from)
    return payer


def get_payer(session: Session, code: str) -> Payer:
    payer = session.scalar(select(Payer).where(Payer.code == code))
    if payer is None:
        raise NotFound("payer", code)
    return payer


def get_provider(session: Session, npi: str) -> Provider:
    provider = session.scalar(select(Provider).where(Provider.npi == npi))
    if provider is None:
        raise NotFound("provider", npi)
    return provider


def set_payer_setting(session: Session, *, payer: Payer, key: str, value: Any, effective_from: date,
                      effective_to: date | None = None) -> PayerSetting:
    """Record a payer rule from a date on; the previous open-ended value ends the day before."""
    if effective_to is not None and effective_to < effective_from:
        raise InvalidInput(f"payer {payer.code} setting {key}", "effective_to is before effective_from")
    previous = session.scalars(
        select(PayerSetting).where(PayerSetting.payer_id == payer.id, PayerSetting.key == key,
                                   PayerSetting.effective_from < effective_from,
                                   PayerSetting.effective_to.is_(None))
    ).all()
    for row in previous:
        row.effective_to = date.fromordinal(effective_from.toordinal() - 1)
    setting = PayerSetting(payer_id=payer.id, key=key, value=value, effective_from=effective_from,
                           effective_to=effective_to)
    session.add(setting)
    session.flush()
    return setting


def payer_setting(session: Session, *, payer_id: int, key: str, on: date, default: Any = None) -> Any:
    """The value of a payer rule in force on a date (the date of service)."""
    return settings_in_force(session, payer_id, on).get(key, default)


def in_force(rows, on: date) -> dict[str, Any]:
    """The settings in force on *on* from ``(key, value, effective_from, effective_to)`` rows: where two
    rows of a key are in force, the later start wins (a new rate replaces the old from its own date)."""
    out: dict[str, Any] = {}
    for key, value, start, end in sorted(rows, key=lambda r: r[2]):
        if start <= on and (end is None or end >= on):
            out[key] = value
    return out


def settings_in_force(session: Session, payer_id: int, on: date) -> dict[str, Any]:
    """Every payer rule in force on a date (the date of service), as ``{key: value}``: the one owner of
    this question (the scrubber, the denial queue, the poster and the sandbox's configuration ask it)."""
    return PayerSettingsBook(session).in_force(payer_id, on)


class PayerSettingsBook:
    """Payer settings for many questions in one use case: each payer's rows read once, then answered for
    any date (an 835 or a scrub run asks the same payers thousands of times)."""

    def __init__(self, session: Session):
        self.session = session
        self.rows: dict[int, list[tuple[str, Any, date, date | None]]] = {}

    def in_force(self, payer_id: int, on: date) -> dict[str, Any]:
        if payer_id not in self.rows:
            self.rows[payer_id] = [tuple(r) for r in self.session.execute(
                select(PayerSetting.key, PayerSetting.value, PayerSetting.effective_from, PayerSetting.effective_to)
                .where(PayerSetting.payer_id == payer_id).order_by(PayerSetting.effective_from, PayerSetting.id))]
        return in_force(self.rows[payer_id], on)


def enroll(session: Session, *, provider: Provider, payer: Payer, status: EnrollmentStatus | str,
           effective_date: date | None, end_date: date | None = None) -> PayerEnrollment:
    where = f"enrollment of {provider.npi} with {payer.code}"
    status = _enum(EnrollmentStatus, status, where)
    if status is EnrollmentStatus.ENROLLED and effective_date is None:
        raise InvalidInput(where, "an enrolled provider needs an effective date")
    if effective_date and end_date and end_date < effective_date:
        raise InvalidInput(where, f"end date {end_date} is before effective date {effective_date}")
    enrollment = PayerEnrollment(provider_id=provider.id, payer_id=payer.id, status=status,
                                 effective_date=effective_date, end_date=end_date)
    session.add(enrollment)
    session.flush()
    return enrollment


def is_enrolled(session: Session, *, provider_id: int, payer_id: int, on: date) -> bool:
    """May this provider's services on this date be billed to this payer? (domain 1.2)"""
    retro = int(payer_setting(session, payer_id=payer_id, key="retro_billing_days", on=on, default=0))
    rows = session.scalars(
        select(PayerEnrollment).where(PayerEnrollment.provider_id == provider_id,
                                      PayerEnrollment.payer_id == payer_id)
    )
    return any(rules.enrollment_covers(r.status.value, r.effective_date, r.end_date, on, retro_days=retro)
               for r in rows)


def set_price(session: Session, *, code: str, unit_price: Decimal | str, effective_from: date,
              description: str | None = None) -> ChargeMasterItem:
    value = money(unit_price, exact=True)
    if value < 0:
        raise InvalidInput(f"charge master {code}", f"price must not be negative, got {value}")
    item = ChargeMasterItem(code=code, unit_price=value, effective_from=effective_from, description=description)
    session.add(item)
    session.flush()
    return item


def price_on(session: Session, *, code: str, on: date) -> Decimal:
    """The practice's unit price for a code on a date of service."""
    item = session.scalar(
        select(ChargeMasterItem)
        .where(ChargeMasterItem.code == code, ChargeMasterItem.effective_from <= on,
               or_(ChargeMasterItem.effective_to.is_(None), ChargeMasterItem.effective_to >= on))
        .order_by(ChargeMasterItem.effective_from.desc())
    )
    if item is None:
        raise NotFound("charge master price", f"{code} on {on}")
    return item.unit_price

