from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from oncobill.patients import service as patients
from oncobill.patients.rules import plan_year_start, spans_overlap
from tests.factories import small_practice

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def test_plan_year_start():
    assert plan_year_start(date(2026, 3, 5), 1, 1) == date(2026, 1, 1)
    assert plan_year_start(date(2026, 3, 5), 7, 1) == date(2025, 7, 1)
    assert plan_year_start(date(2026, 7, 1), 7, 1) == date(2026, 7, 1)
    assert plan_year_start(date(2026, 3, 5), 2, 30) == date(2026, 2, 28)  # clamped to the month's end


@given(days, days, days, days)
def test_overlap_is_symmetric_and_matches_day_sets(a, b, c, d):
    a_start, a_end = sorted((a, b))
    b_start, b_end = sorted((c, d))
    expected = max(a_start, b_start) <= min(a_end, b_end)
    assert spans_overlap(a_start, a_end, b_start, b_end) is expected
    assert spans_overlap(b_start, b_end, a_start, a_end) is expected


def test_open_ended_spans_overlap_anything_later():
    assert spans_overlap(date(2026, 1, 1), None, date(2030, 1, 1), date(2030, 1, 2))
    assert not spans_overlap(date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1), None)


def test_coverage_order_follows_the_date_of_service(session):
    small_practice(session)
    patient = patients.add_patient(session, account_number="COV1", first_name="Test", last_name="Switch",
                                   birth_date=date(1961, 2, 2), sex="F", address_line1="4 Ash", city="Springfield",
                                   state="IL", zip_code="62701")
    patients.add_coverage(session, patient=patient, payer_code="COMM", priority="primary", member_id="W9",
                          effective_date=date(2025, 1, 1), end_date=date(2026, 8, 31))
    patients.add_coverage(session, patient=patient, payer_code="MCR", priority="primary", member_id="1EG4TE5MK73",
                          effective_date=date(2026, 9, 1))
    assert patients.primary_coverage_on(session, patient_id=patient.id, on=date(2026, 8, 31)).payer.code == "COMM"
    assert patients.primary_coverage_on(session, patient_id=patient.id, on=date(2026, 9, 1)).payer.code == "MCR"
    assert patients.primary_coverage_on(session, patient_id=patient.id, on=date(2024, 12, 31)) is None
