"""Domain reference section 11, items 1-7: what a naive implementer gets wrong, each pinned down."""

from __future__ import annotations

import pytest
from tests.charges.onc_helpers import adm, code, encounter, summary

from oncobill.errors import InvalidInput


def test_pitfall_1_waste_is_opened_minus_billed_not_rounded_on_its_own():
    # 305 mg from four 100 mg vials, 10 mg unit: waste 95 mg would round to 10 units on its own; it is 9.
    raw = encounter([adm("rituximab", 305, "mg", "iv_infusion", "09:00", "10:00", "chemotherapy",
                         vials_opened=[{"size": 100, "unit": "mg", "count": 4}])], diagnoses=["C83.30"])
    assert summary(code(raw), "drug") == [("J9312", 31), ("J9312-JW", 9)]


def test_pitfall_1_same_hcpcs_summed_before_rounding():
    raw = encounter([adm("fluorouracil", 400, "mg", "iv_push", "11:00", "11:03", "chemotherapy"),
                     adm("fluorouracil", 2400, "mg", "iv_pump", "11:10", None, "chemotherapy")], diagnoses=["C18.7"])
    assert summary(code(raw), "drug") == [("J9190", 6)]  # 2800 / 500 = 5.6 -> 6, not 1 + 5


@pytest.mark.parametrize(("drug", "dose", "unit", "expected"), [
    ("oxaliplatin", 130, "mg", ("J9263", 260)), ("bortezomib", "1.3", "mg", ("J9041", 13)),
    ("palonosetron", "0.25", "mg", ("J2469", 10)), ("fulphila", 6, "mg", ("Q5108", 12))])
def test_pitfall_2_small_billing_units_are_not_1_mg(drug, dose, unit, expected):
    extra = {"hcpcs": "J9041"} if drug == "bortezomib" else {}
    raw = encounter([adm(drug, dose, unit, "iv_push", "09:00", "09:03", "chemotherapy", **extra)],
                    diagnoses=["C18.7"])
    assert summary(code(raw), "drug") == [expected]


def test_pitfall_3_unhyphenated_10_digit_ndc_is_not_guessed():
    raw = encounter([adm("pembrolizumab", 200, "mg", "iv_infusion", "10:00", "10:32", "immunotherapy",
                         ndc="0006302602")], reason="immunotherapy")
    with pytest.raises(InvalidInput, match="ambiguous"):
        code(raw)


def test_pitfall_4_no_jw_jz_on_multi_dose_vials_or_administration_lines_and_never_both():
    raw = encounter([adm("rituximab", 305, "mg", "iv_infusion", "09:00", "10:00", "chemotherapy",
                         vials_opened=[{"size": 100, "unit": "mg", "count": 4}]),
                     adm("carboplatin", 525, "mg", "iv_infusion", "10:05", "10:35", "chemotherapy",
                         vials_opened=[{"size": 600, "unit": "mg", "count": 1, "single_dose": False}])],
                    diagnoses=["C83.30"])
    lines = code(raw).lines
    assert all(not ({"JW", "JZ"} & set(line.modifiers)) for line in lines if line.role == "admin")
    assert all(not {"JW", "JZ"} <= set(line.modifiers) for line in lines)
    assert [line.modifiers for line in lines if line.code == "J9045"] == [()]


def test_pitfall_5_initial_is_not_clock_order_and_office_is_not_facility():
    rows = [adm("ondansetron", 8, "mg", "iv_push", "08:00", "08:03"),
            adm("normal saline", 1000, "mL", "iv_infusion", "08:05", "10:05", "hydration")]
    office = code(encounter(rows, reason="hydration", diagnoses=["E86.0"]))
    facility = code(encounter(rows, setting="facility", reason="hydration", diagnoses=["E86.0"]))
    assert summary(office, "admin")[0] == ("96360", 1)
    assert summary(facility, "admin")[0] == ("96374", 1)


def test_pitfall_6_fifteen_minutes_is_a_push_and_added_hours_start_at_91():
    rows = [adm("cisplatin", 135, "mg", "iv_infusion", "09:00", "09:15", "chemotherapy"),
            adm("paclitaxel", 315, "mg", "iv_infusion", "09:20", "10:50", "chemotherapy")]
    admin = dict(summary(code(encounter(rows)), "admin"))
    assert admin == {"96413": 1, "96411": 1}  # 90-minute paclitaxel: no 96415; 15-min cisplatin: push


def test_pitfall_6_concurrent_hydration_not_counted():
    rows = [adm("normal saline", 1000, "mL", "iv_infusion", "09:00", "10:30", "hydration"),
            adm("paclitaxel", 315, "mg", "iv_infusion", "09:00", "10:00", "chemotherapy")]
    assert summary(code(encounter(rows)), "admin") == [("96413", 1)]  # 30 free minutes: below 31


def test_pitfall_7_77427_by_fractions_not_calendar_weeks_and_no_77431_for_leftovers():
    # 12 fractions over three calendar weeks (Mon-Thu): 2 blocks + 2 left over = 2 units, not 3.
    from datetime import date, timedelta

    days = [date(2026, 10, 5) + timedelta(days=d) for w in (0, 7, 14) for d in range(w, w + 4)]
    raw = encounter([], reason="radiation", diagnoses=["C61"], dos=days[0].isoformat(),
                    course={"technique": "3d", "fractions": 12, "fraction_dates": [d.isoformat() for d in days]})
    lines = summary(code(raw))
    assert sum(units for c, units in lines if c == "77427") == 2
    assert "77431" not in [c for c, _ in lines]
