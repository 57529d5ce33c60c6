"""Domain reference sections 3.1-3.4: dose to units, vials and waste, JW/JZ, NDC on the line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.charges.onc_helpers import adm, code, encounter, summary

from oncobill.charges.drugs import smallest_waste_vials, units_for_dose
from oncobill.errors import InvalidInput


def _drug(name, dose, unit="mg", route="iv_infusion", purpose="chemotherapy", **extra):
    raw = encounter([adm(name, dose, unit, route, "09:00", "10:00" if route == "iv_infusion" else None, purpose,
                         **extra)], diagnoses=["C18.7"])
    return summary(code(raw), "drug")


# 3.2 rule 4 (CGS example): 1 unit = 10 mg, 305 mg from 100 mg vials -> 31 units + 9 JW (40 opened).
def test_rule_4_cgs_example_305mg_from_100mg_vials_bills_31_and_9_jw():
    lines = _drug("rituximab", 305, vials_opened=[{"size": 100, "unit": "mg", "count": 4, "single_dose": True}])
    assert lines == [("J9312", 31), ("J9312-JW", 9)]


# 3.2 rule 5 (Noridian): 70 mg from a 100 mg vial, 100 mg unit: rounding consumed the vial -> JZ, no JW.
def test_rule_5_rounding_consumes_the_vial_gives_jz_and_no_jw():
    lines = _drug("carmustine", 70, hcpcs="J9050",
                  vials_opened=[{"size": 100, "unit": "mg", "count": 1, "single_dose": True}])
    assert lines == [("J9050-JZ", 1)]


def test_rule_2_minimum_one_unit():
    assert units_for_dose(Decimal(70), Decimal(100)) == 1
    assert _drug("carmustine", 5, hcpcs="J9050") == [("J9050", 1)]


def test_rule_1_round_up_not_to_nearest():
    assert units_for_dose(Decimal("10.01"), Decimal(10)) == 2


# 3.2 rule 3: same HCPCS twice on one day (5-FU bolus + pump): sum, then round once.
def test_rule_3_fluorouracil_bolus_and_pump_summed_once():
    raw = encounter([
        adm("fluorouracil", 760, "mg", "iv_push", "11:00", "11:03", "chemotherapy"),
        adm("fluorouracil", 4560, "mg", "iv_pump", "11:10", None, "chemotherapy"),
    ], diagnoses=["C18.7"])
    result = code(raw)
    assert summary(result, "drug") == [("J9190", 11)]  # (760 + 4560) / 500 = 10.64 -> 11, not 2 + 10 = 12
    assert ("96416", 1) in summary(result, "admin")


def test_rule_3_payer_wanting_separate_lines_rounds_each():
    raw = encounter([
        adm("fluorouracil", 760, "mg", "iv_push", "11:00", "11:03", "chemotherapy"),
        adm("fluorouracil", 4560, "mg", "iv_pump", "11:10", None, "chemotherapy"),
    ], diagnoses=["C18.7"], payer={"sum_same_hcpcs": False})
    assert summary(code(raw), "drug") == [("J9190", 2), ("J9190", 10)]


def test_rule_7_multi_dose_vials_never_jw():
    lines = _drug("rituximab", 305, vials_opened=[{"size": 500, "unit": "mg", "count": 1, "single_dose": False}])
    assert lines == [("J9312", 31)]


def test_payer_without_jw_jz_gets_neither():
    raw = encounter([adm("rituximab", 305, "mg", "iv_infusion", "09:00", "10:00", "chemotherapy",
                         vials_opened=[{"size": 100, "unit": "mg", "count": 4}])],
                    payer={"jw_jz": False}, diagnoses=["C83.30"])
    assert summary(code(raw), "drug") == [("J9312", 31)]


def test_opened_less_than_given_is_refused():
    with pytest.raises(InvalidInput, match=r"administrations\[0\]\.vials_opened"):
        _drug("rituximab", 305, vials_opened=[{"size": 100, "unit": "mg", "count": 2}])


def test_smallest_waste_combination_prefers_least_left_over_then_fewest_vials():
    assert smallest_waste_vials(Decimal("712.5"), [Decimal(100), Decimal(500)]) == {Decimal(500): 1, Decimal(100): 3}
    assert smallest_waste_vials(Decimal(1000), [Decimal(100), Decimal(500)]) == {Decimal(500): 2}
    assert smallest_waste_vials(Decimal(120), [Decimal(40), Decimal(100)]) == {Decimal(40): 3}


def test_340b_modifier_when_payer_asks():
    raw = encounter([adm("pembrolizumab", 200, "mg", "iv_infusion", "10:00", "10:32", "immunotherapy",
                         acquired_340b=True, vials_opened=[{"size": 100, "unit": "mg", "count": 2}])],
                    reason="immunotherapy", payer={"modifier_340b": "TB"})
    assert summary(code(raw), "drug") == [("J9271-JZ-TB", 200)]


# 3.1 unit traps: each row's "example dose -> units".
@pytest.mark.parametrize(("drug", "dose", "unit", "expected"), [
    ("oxaliplatin", "161.5", "mg", [("J9263", 323)]),
    ("bortezomib", "2.6", "mg", [("J9041", 26)]),
    ("palonosetron", "0.25", "mg", [("J2469", 10)]),
    ("fluorouracil", 5320, "mg", [("J9190", 11)]),
    ("leucovorin", 760, "mg", [("J0640", 16)]),
    ("levoleucovorin", 380, "mg", [("J0641", 760)]),
    ("pegfilgrastim", 6, "mg", [("J2506", 12)]),
    ("atezolizumab", 1200, "mg", [("J9022", 120)]),
    ("bevacizumab", "622.5", "mg", [("J9035", 63)]),
    ("fulvestrant", 500, "mg", [("J9395", 20)]),
    ("filgrastim", 480, "mcg", [("J1442", 480)]),
    ("epoetin alfa", 40000, "units", [("J0885", 40)]),
    ("cyclophosphamide", 1200, "mg", [("J9075", 240)]),
])
def test_unit_traps_from_the_billing_unit_table(drug, dose, unit, expected):
    hcpcs = {"levoleucovorin": "J0641", "bortezomib": "J9041", "fulvestrant": "J9395", "atezolizumab": "J9022",
             "filgrastim": "J1442", "epoetin alfa": "J0885", "bevacizumab": "J9035"}.get(drug)
    extra = {"hcpcs": hcpcs} if hcpcs else {}
    assert _drug(drug, dose, unit, **extra) == expected


def test_ended_code_is_refused_for_the_date_of_service():
    with pytest.raises(InvalidInput, match="J2505 is not valid on 2026-11-03"):
        _drug("pegfilgrastim", 6, route="sc", purpose="therapeutic", hcpcs="J2505")


def test_ambiguous_drug_name_asks_for_hcpcs():
    with pytest.raises(InvalidInput, match="several HCPCS codes"):
        _drug("nivolumab", 240)


def test_unknown_drug_name_is_refused_with_its_field():
    with pytest.raises(InvalidInput, match=r"administrations\[0\]\.drug"):
        _drug("unobtainium", 10)


# 3.3: NDC on the line with the 2410 quantity and unit.
def test_ndc_quantity_in_containers_split_between_given_and_jw_lines():
    raw = encounter([adm("rituximab", 305, "mg", "iv_infusion", "09:00", "10:00", "chemotherapy",
                         ndc="50242-051-21",
                         vials_opened=[{"size": 100, "unit": "mg", "count": 4}])], diagnoses=["C83.30"])
    given, waste = code(raw).lines[-2:]
    assert given.ndc == waste.ndc == "50242005121"
    assert (given.ndc_unit, given.ndc_quantity, waste.ndc_quantity) == ("UN", Decimal("3.1"), Decimal("0.9"))


def test_ndc_quantity_in_millilitres_when_the_payer_wants_ml():
    raw = encounter([adm("pembrolizumab", 200, "mg", "iv_infusion", "10:00", "10:32", "immunotherapy",
                         ndc="00006-3026-02",
                         vials_opened=[{"size": 100, "unit": "mg", "count": 2, "volume_ml": 4}])],
                    reason="immunotherapy", payer={"ndc_unit": "ML"})
    line = code(raw).lines[-1]
    assert (line.ndc, line.ndc_unit, line.ndc_quantity) == ("00006302602", "ML", Decimal(8))


def test_ndc_crosswalked_to_another_hcpcs_is_refused():
    with pytest.raises(InvalidInput, match="crosswalked to J9271"):
        _drug("rituximab", 305, ndc="00006-3026-02")


def test_unhyphenated_ten_digit_ndc_on_an_administration_is_refused():
    with pytest.raises(InvalidInput, match=r"administrations\[0\]\.ndc: 10-digit NDC"):
        _drug("rituximab", 305, ndc="5024205121")


def test_ndc_quantity_falls_back_to_milligrams_without_containers():
    raw = encounter([adm("pembrolizumab", 200, "mg", "iv_infusion", "10:00", "10:32", "immunotherapy",
                         ndc="00006-3026-02")], reason="immunotherapy")
    line = code(raw).lines[-1]
    assert (line.ndc_unit, line.ndc_quantity) == ("ME", Decimal(200))


def test_ndc_quantity_in_grams_when_the_payer_wants_gr():
    raw = encounter([adm("pembrolizumab", 200, "mg", "iv_infusion", "10:00", "10:32", "immunotherapy",
                         ndc="00006-3026-02")], reason="immunotherapy", payer={"ndc_unit": "GR"})
    line = code(raw).lines[-1]
    assert (line.ndc_unit, line.ndc_quantity) == ("GR", Decimal("0.2"))


# 3.2 rule 6 (42 CFR 414.904(a)(3)): overfill is never billable; payment is capped at labeled content.
def test_rule_6_overfill_is_capped_at_the_labeled_content():
    lines = _drug("rituximab", 105, vials_opened=[{"size": 100, "unit": "mg", "count": 1, "single_dose": True}])
    assert lines == [("J9312-JZ", 10)]


def test_dose_far_above_what_was_opened_is_a_recording_error():
    with pytest.raises(InvalidInput, match="record every container opened"):
        _drug("rituximab", 150, vials_opened=[{"size": 100, "unit": "mg", "count": 1}])


def test_per_item_code_takes_recorded_billing_units():
    raw = encounter([adm("aldesleukin", 1, "mg", "iv_infusion", "09:00", "09:30", "immunotherapy", hcpcs="J9015",
                         billing_units=2)], reason="immunotherapy", diagnoses=["C64.1"])
    assert summary(code(raw), "drug") == [("J9015", 2)]


def test_per_item_code_without_recorded_units_is_refused():
    raw = encounter([adm("aldesleukin", 1, "mg", "iv_infusion", "09:00", "09:30", "immunotherapy", hcpcs="J9015")],
                    reason="immunotherapy", diagnoses=["C64.1"])
    with pytest.raises(InvalidInput, match="give 'billing_units'"):
        code(raw)
