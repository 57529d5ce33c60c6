"""Bad input gets a clear error naming where and why, and a failed use case writes nothing."""

from datetime import date

import pytest
from sqlalchemy import func, select

from oncobill.charges import service as charges
from oncobill.db import unit_of_work
from oncobill.errors import InvalidInput, NotFound
from oncobill.models import ChargeLine, Coverage, JournalEntry, Patient, Provider
from oncobill.patients import service as patients
from oncobill.practice import service as practice
from tests.factories import small_practice


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _patient(session, account="BAD1"):
    return patients.add_patient(session, account_number=account, first_name="Test", last_name="Example",
                                birth_date=date(1960, 5, 5), sex="M", address_line1="3 Oak", city="Springfield",
                                state="IL", zip_code="62701")


def test_invalid_npi_is_refused_and_nothing_written(session):
    entity, *_ = small_practice(session)
    before = _count(session, Provider)
    with pytest.raises(InvalidInput) as err:
        with session.begin_nested():
            practice.add_provider(session, billing_entity=entity, npi="1234567890", first_name="No",
                                  last_name="Digit", credential="MD", taxonomy="207RX0202X", role="physician")
    assert "NPI 1234567890 fails its check digit (expected last digit 3)" in str(err.value)
    assert "provider No Digit" in str(err.value)
    assert _count(session, Provider) == before


def test_unknown_payer_is_refused(session):
    small_practice(session)
    patient = _patient(session)
    with pytest.raises(NotFound, match="unknown payer: 'NOPE'"):
        with session.begin_nested():
            patients.add_coverage(session, patient=patient, payer_code="NOPE", priority="primary",
                                  member_id="X1", effective_date=date(2026, 1, 1))
    assert _count(session, Coverage) == 0


def test_two_overlapping_primary_coverages_are_refused(session):
    small_practice(session)
    patient = _patient(session)
    patients.add_coverage(session, patient=patient, payer_code="MCR", priority="primary", member_id="1EG4TE5MK72",
                          effective_date=date(2026, 1, 1), end_date=date(2026, 6, 30))
    with pytest.raises(InvalidInput) as err:
        with session.begin_nested():
            patients.add_coverage(session, patient=patient, payer_code="COMM", priority="primary",
                                  member_id="W1", effective_date=date(2026, 6, 1))
    assert "overlaps the primary coverage with MCR (2026-01-01 to 2026-06-30)" in str(err.value)
    assert _count(session, Coverage) == 1
    # The day after the first ends is fine, and so is a secondary during the first.
    patients.add_coverage(session, patient=patient, payer_code="COMM", priority="primary", member_id="W1",
                          effective_date=date(2026, 7, 1))
    patients.add_coverage(session, patient=patient, payer_code="COMM", priority="secondary", member_id="W1",
                          effective_date=date(2026, 1, 1), end_date=date(2026, 6, 30))
    assert _count(session, Coverage) == 3


def test_negative_charge_is_refused_and_nothing_posted(session):
    _, doctor, clinic, *_ = small_practice(session)
    patient = _patient(session)
    encounter = charges.record_encounter(session, patient=patient, location=clinic, provider=doctor,
                                         date_of_service=date(2026, 10, 1), diagnoses=["C18.9"])
    entries = _count(session, JournalEntry)
    with pytest.raises(InvalidInput) as err:
        with session.begin_nested():
            charges.add_charge_line(session, encounter=encounter, code="96413", units=1, charge="-450.00",
                                    dx_pointers=[1], actor="test")
    assert "line 1 (96413): charge must not be negative, got -450.00" in str(err.value)
    assert _count(session, ChargeLine) == 0
    assert _count(session, JournalEntry) == entries


@pytest.mark.parametrize("kwargs, message", [
    (dict(code="9641"), "is not a CPT or HCPCS code"),
    (dict(units=0), "units must be above zero"),
    (dict(dx_pointers=[2]), "diagnosis pointers [2]"),
    (dict(modifiers=["JZX"]), "modifiers"),
    (dict(ndc="0006302602", ndc_quantity=1, ndc_unit="UN"), "must be 11 digits"),
    (dict(charge="10.001"), "more than two decimals"),
])
def test_bad_charge_lines_are_named(session, kwargs, message):
    _, doctor, clinic, *_ = small_practice(session)
    patient = _patient(session)
    encounter = charges.record_encounter(session, patient=patient, location=clinic, provider=doctor,
                                         date_of_service=date(2026, 10, 1), diagnoses=["C18.9"])
    args = dict(encounter=encounter, code="J9271", units=200, charge="100.00", dx_pointers=[1], actor="test")
    args.update(kwargs)
    with pytest.raises(InvalidInput) as err:
        charges.add_charge_line(session, **args)
    assert message in str(err.value)


def test_failed_use_case_leaves_nothing_half_written(engine):
    """A patient registered with coverage at an unknown payer: the patient row was flushed, then the
    coverage failed; the unit of work rolls back both."""
    with pytest.raises(NotFound):
        with unit_of_work(engine) as session:
            patient = _patient(session, account="HALF1")
            assert session.scalar(select(Patient.id).where(Patient.account_number == "HALF1")) is not None
            patients.add_coverage(session, patient=patient, payer_code="NOPE", priority="primary",
                                  member_id="X", effective_date=date(2026, 1, 1))
    with unit_of_work(engine) as session:
        assert session.scalar(select(Patient.id).where(Patient.account_number == "HALF1")) is None


@pytest.mark.parametrize("kwargs, message", [
    (dict(tin="12-3456789"), "TIN"),
    (dict(zip_code="62701"), "ZIP+4"),
    (dict(taxonomy="oncology"), "taxonomy"),
    (dict(group_npi="1234567890"), "group NPI: NPI 1234567890 fails its check digit"),
])
def test_billing_entity_identifiers_are_checked(session, kwargs, message):
    args = dict(legal_name="X Group", tin="123456789", group_npi="1234567893", taxonomy="207RX0202X",
                address_line1="1 Way", city="Springfield", state="IL", zip_code="627010001")
    args.update(kwargs)
    with pytest.raises(InvalidInput, match="billing entity 'X Group'") as err:
        practice.create_billing_entity(session, **args)
    assert message in str(err.value)


def test_unknown_enum_values_list_the_allowed_ones(session):
    entity, *_ = small_practice(session)
    with pytest.raises(InvalidInput, match="is not one of: physician, radiation_oncologist"):
        practice.add_provider(session, billing_entity=entity, npi="1003000142", first_name="A", last_name="B",
                              credential="MD", taxonomy="207RX0202X", role="surgeon")


@pytest.mark.parametrize("code, message", [
    ("C34.1", "C34.1 is a category, not a billable code"),
    ("C99.99", "C99.99 is not in ICD-10-CM"),
    ("C3490", "is not an ICD-10-CM code"),
])
def test_unknown_or_unbillable_diagnosis_is_refused(session, code, message):
    small_practice(session)
    with pytest.raises(InvalidInput) as err:
        patients.add_patient(session, account_number="DX1", first_name="T", last_name="Dx", birth_date=date(1960, 1, 1),
                             sex="F", address_line1="1 A", city="B", state="IL", zip_code="62701", diagnoses=[code])
    assert message in str(err.value) and "patient DX1 diagnosis 1" in str(err.value)


@pytest.mark.parametrize("code, message", [
    ("J2505", "J2505 is not a valid CPT/HCPCS code on 2026-10-01"),  # pegfilgrastim 6 mg: ended
    ("99999", "99999 is not a valid CPT/HCPCS code"),
])
def test_code_not_valid_on_date_of_service_is_refused(session, code, message):
    _, doctor, clinic, *_ = small_practice(session)
    patient = _patient(session)
    encounter = charges.record_encounter(session, patient=patient, location=clinic, provider=doctor,
                                         date_of_service=date(2026, 10, 1), diagnoses=["C18.9"])
    with pytest.raises(InvalidInput, match=message):
        charges.add_charge_line(session, encounter=encounter, code=code, units=1, charge="10.00", dx_pointers=[1],
                                actor="test")


def test_an_input_file_that_cannot_be_read_is_named(session, tmp_path):
    from oncobill.claims import acknowledgments
    from oncobill.remittance import deposits
    from oncobill.remittance import service as remittance

    missing = tmp_path / "nowhere.x12"
    for load, what in ((remittance.import_file, "835 file"), (acknowledgments.import_file, "acknowledgment file"),
                       (deposits.import_bank_file, "bank file")):
        with pytest.raises(InvalidInput, match=f"{what} {missing}.*cannot be read"):
            load(session, missing, actor="t", now=None)
