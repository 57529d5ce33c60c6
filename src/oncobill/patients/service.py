"""Patient registration use cases: patients, guarantors, problem-list diagnoses and coverages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from oncobill.errors import InvalidInput, NotFound
from oncobill.errors import require_enum as _enum
from oncobill.patients import rules
from oncobill.patients.models import (
    Coverage,
    CoveragePriority,
    Guarantor,
    Patient,
    PatientDiagnosis,
    SubscriberRelationship,
)
from oncobill.practice.rules import require_zip
from oncobill.practice.service import get_payer


def add_patient(session: Session, *, account_number: str, first_name: str, last_name: str, birth_date: date,
                sex: str, address_line1: str, city: str, state: str, zip_code: str,
                address_line2: str | None = None, phone: str | None = None,
                guarantor: Guarantor | None = None, diagnoses: list[str] = ()) -> Patient:
    where = f"patient {account_number}"
    if not account_number:
        raise InvalidInput("patient", "account number is required")
    if session.scalar(select(Patient.id).where(Patient.account_number == account_number)) is not None:
        raise InvalidInput(where, "account number already in use")
    if sex not in ("F", "M", "U"):
        raise InvalidInput(where, f"sex {sex!r} must be F, M or U")
    if birth_date > date.today():
        raise InvalidInput(where, f"birth date {birth_date} is in the future")
    patient = Patient(account_number=account_number, first_name=first_name, last_name=last_name,
                      birth_date=birth_date, sex=sex, address_line1=address_line1, address_line2=address_line2,
                      city=city, state=state, zip_code=require_zip(zip_code, where), phone=phone,
                      guarantor_id=guarantor.id if guarantor else None)
    session.add(patient)
    session.flush()
    for sequence, code in enumerate(diagnoses, start=1):
        add_diagnosis(session, patient=patient, icd10_code=code, sequence=sequence)
    return patient


def add_guarantor(session: Session, *, first_name: str, last_name: str, relationship_to_patient: str,
                  address_line1: str, city: str, state: str, zip_code: str, phone: str | None = None) -> Guarantor:
    guarantor = Guarantor(first_name=first_name, last_name=last_name, relationship_to_patient=relationship_to_patient,
                          address_line1=address_line1, city=city, state=state,
                          zip_code=require_zip(zip_code, f"guarantor {first_name} {last_name}"), phone=phone)
    session.add(guarantor)
    session.flush()
    return guarantor


def add_diagnosis(session: Session, *, patient: Patient, icd10_code: str, sequence: int,
                  onset_date: date | None = None) -> PatientDiagnosis:
    rules.require_billable_diagnosis(icd10_code, f"patient {patient.account_number} diagnosis {sequence}")
    row = PatientDiagnosis(patient_id=patient.id, sequence=sequence, icd10_code=icd10_code, onset_date=onset_date)
    session.add(row)
    session.flush()
    return row


def get_patient(session: Session, account_number: str) -> Patient:
    patient = session.scalar(select(Patient).where(Patient.account_number == account_number))
    if patient is None:
        raise NotFound("patient", account_number)
    return patient


def add_coverage(session: Session, *, patient: Patient, payer_code: str, priority: CoveragePriority | str,
                 member_id: str, effective_date: date, end_date: date | None = None,
                 group_number: str | None = None, plan_name: str | None = None,
                 relationship_to_subscriber: SubscriberRelationship | str = SubscriberRelationship.SELF,
                 subscriber_first_name: str | None = None, subscriber_last_name: str | None = None,
                 subscriber_birth_date: date | None = None, plan_year_start_month: int = 1,
                 plan_year_start_day: int = 1) -> Coverage:
    """Add a policy; two coverages of the same priority may never overlap in time."""
    where = f"coverage of patient {patient.account_number} with {payer_code}"
    payer = get_payer(session, payer_code)
    priority = _enum(CoveragePriority, priority, where)
    relationship = _enum(SubscriberRelationship, relationship_to_subscriber, where)
    if not member_id or not member_id.strip():
        raise InvalidInput(where, "member ID is required")
    if end_date is not None and end_date < effective_date:
        raise InvalidInput(where, f"end date {end_date} is before effective date {effective_date}")
    if relationship is not SubscriberRelationship.SELF and not (
        subscriber_first_name and subscriber_last_name and subscriber_birth_date
    ):
        raise InvalidInput(where, "the subscriber's name and birth date are required when the patient is not the subscriber")
    if not (1 <= plan_year_start_month <= 12 and 1 <= plan_year_start_day <= 31):
        raise InvalidInput(where, "plan year start must be a valid month and day")
    for other in session.scalars(
        select(Coverage).where(Coverage.patient_id == patient.id, Coverage.priority == priority)
    ):
        if rules.spans_overlap(effective_date, end_date, other.effective_date, other.end_date):
            raise InvalidInput(
                where,
                f"overlaps the {priority.value} coverage with {other.payer.code} "
                f"({other.effective_date} to {other.end_date or 'open'}); end that one first",
            )
    coverage = Coverage(
        patient_id=patient.id, payer_id=payer.id, priority=priority, member_id=member_id.strip(),
        group_number=group_number, plan_name=plan_name, relationship_to_subscriber=relationship,
        subscriber_first_name=subscriber_first_name, subscriber_last_name=subscriber_last_name,
        subscriber_birth_date=subscriber_birth_date, effective_date=effective_date, end_date=end_date,
        plan_year_start_month=plan_year_start_month, plan_year_start_day=plan_year_start_day,
    )
    session.add(coverage)
    session.flush()
    return coverage


def coverages_on(session: Session, *, patient_id: int, on: date) -> list[Coverage]:
    """The patient's coverages in force on a date, in payment order (primary first)."""
    rows = session.scalars(select(Coverage).where(Coverage.patient_id == patient_id)).all()
    return sorted((c for c in rows if c.active_on(on)), key=lambda c: c.priority.rank)


def primary_coverage_on(session: Session, *, patient_id: int, on: date) -> Coverage | None:
    active = coverages_on(session, patient_id=patient_id, on=on)
    return active[0] if active and active[0].priority is CoveragePriority.PRIMARY else None
