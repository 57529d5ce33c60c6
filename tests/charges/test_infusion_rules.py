"""Domain reference sections 2.2-2.3: time rules, initial service, sequential/concurrent, midnight."""

from __future__ import annotations

from datetime import date

from tests.charges.onc_helpers import adm, code, encounter, summary

from oncobill.charges.infusion import added_hours, secondary_hydration_units


def test_added_hours_start_at_minute_91():
    assert [added_hours(m) for m in (16, 90, 91, 150, 151, 210, 211)] == [0, 0, 1, 1, 2, 2, 3]


def test_secondary_hydration_needs_31_minutes():
    assert [secondary_hydration_units(m) for m in (30, 31, 90, 91, 150, 151)] == [0, 1, 1, 2, 2, 3]


def test_hydration_under_31_minutes_is_not_reportable():
    result = code(encounter([adm("normal saline", 250, "mL", "iv_infusion", "09:00", "09:30", "hydration")],
                            reason="hydration", diagnoses=["E86.0"]))
    assert summary(result, "admin") == []


def test_concurrent_hydration_is_not_billed():
    result = code(encounter([
        adm("normal saline", 1000, "mL", "iv_infusion", "09:00", "11:00", "hydration"),
        adm("oxaliplatin", 161.5, "mg", "iv_infusion", "09:00", "11:00", "chemotherapy"),
    ], diagnoses=["C18.7"]))
    assert summary(result, "admin") == [("96413", 1), ("96415", 1)]


def test_office_initial_is_the_primary_reason_not_the_clock():
    # The antiemetic push comes first, but the visit is for chemotherapy.
    result = code(encounter([
        adm("ondansetron", 8, "mg", "iv_push", "09:00", "09:03"),
        adm("oxaliplatin", 161.5, "mg", "iv_infusion", "09:10", "11:10", "chemotherapy"),
    ], diagnoses=["C18.7"]))
    assert summary(result, "admin")[0] == ("96413", 1)
    assert ("96375", 1) in summary(result, "admin")


def test_folfox_leucovorin_concurrent_is_non_chemo_96368():
    result = code(encounter([
        adm("oxaliplatin", "161.5", "mg", "iv_infusion", "09:00", "11:00", "chemotherapy"),
        adm("leucovorin", 760, "mg", "iv_infusion", "09:00", "11:00", "chemotherapy"),
        adm("fluorouracil", 760, "mg", "iv_push", "11:05", "11:08", "chemotherapy"),
        adm("fluorouracil", 4560, "mg", "iv_pump", "11:10", None, "chemotherapy"),
    ], diagnoses=["C18.7"]))
    assert summary(result, "admin") == [("96413", 1), ("96415", 1), ("96368", 1), ("96411", 1), ("96416", 1)]
    assert summary(result, "drug") == [("J9263", 323), ("J0640", 16), ("J9190", 11)]
    assert "modulating agent" in result.lines[2].explanation
    # Leucovorin's drug line is not antineoplastic; oxaliplatin's is.
    assert result.diagnoses == ["Z51.11", "C18.7"]


def test_second_initial_needs_a_documented_second_access_site():
    rows = [
        adm("paclitaxel", 315, "mg", "iv_infusion", "09:00", "12:00", "chemotherapy", site="port"),
        adm("iron sucrose", 200, "mg", "iv_infusion", "09:00", "09:30", site="left arm", second_access=True),
    ]
    assert ("96365-XU", 1) in summary(code(encounter(rows)), "admin")
    rows[1]["second_access"] = False
    assert ("96368", 1) in summary(code(encounter(rows)), "admin")


def test_second_site_modifier_59_when_payer_wants_it():
    rows = [
        adm("paclitaxel", 315, "mg", "iv_infusion", "09:00", "12:00", "chemotherapy", site="port"),
        adm("iron sucrose", 200, "mg", "iv_infusion", "09:00", "09:30", site="left arm", second_access=True),
    ]
    assert ("96365-59", 1) in summary(code(encounter(rows, payer={"second_site_modifier": "59"})), "admin")


def test_same_drug_pushed_again_96376_in_facility_only():
    rows = [
        adm("ondansetron", 4, "mg", "iv_push", "09:00", "09:02"),
        adm("ondansetron", 4, "mg", "iv_push", "10:00", "10:02"),
    ]
    facility = code(encounter(rows, setting="facility", reason="therapeutic", diagnoses=["R11.2", "C18.7"]))
    assert summary(facility, "admin") == [("96374", 1), ("96376", 1)]
    office = code(encounter(rows, reason="therapeutic", diagnoses=["R11.2", "C18.7"]))
    assert summary(office, "admin") == [("96374", 1)]
    assert summary(office, "drug") == [("J2405", 8)]


def test_hydration_crossing_midnight_is_one_encounter():
    result = code(encounter([adm("normal saline", 1000, "mL", "iv_infusion", "23:00", "02:00", "hydration")],
                            reason="hydration", diagnoses=["E86.0"]))
    assert summary(result, "admin") == [("96360", 1), ("96361", 2)]


def test_midnight_add_on_hours_dated_the_day_furnished_when_payer_wants():
    raw = encounter([adm("normal saline", 1000, "mL", "iv_infusion", "23:00", "02:00", "hydration")],
                    reason="hydration", diagnoses=["E86.0"], payer={"line_dates": "furnished"})
    result = code(raw)
    admin = [line for line in result.lines if line.role == "admin"]
    assert [(l.code, l.units, l.date_of_service) for l in admin] == [
        ("96360", 1, date(2026, 11, 3)), ("96361", 2, date(2026, 11, 4))]


def test_chemo_injections_hormonal_and_non_hormonal():
    result = code(encounter([
        adm("fulvestrant", 500, "mg", "im", "09:00", None, "hormonal", hcpcs="J9395"),
        adm("azacitidine", 140, "mg", "sc", "09:30", None, "chemotherapy"),
    ], diagnoses=["C50.911"]))
    assert summary(result, "admin") == [("96402", 1), ("96401", 1)]


def test_chemo_push_then_second_chemo_push():
    result = code(encounter([
        adm("doxorubicin", 95, "mg", "iv_push", "09:00", "09:05", "chemotherapy", hcpcs="J9000"),
        adm("vincristine", 2, "mg", "iv_push", "09:10", "09:12", "chemotherapy", hcpcs="J9370"),
    ], diagnoses=["C83.30"]))
    assert summary(result, "admin") == [("96409", 1), ("96411", 1)]


def test_leuprolide_recorded_as_chemotherapy_is_still_hormonal_96402():
    result = code(encounter([adm("leuprolide acetate", "7.5", "mg", "im", "09:00", None, "chemotherapy",
                                 hcpcs="J9217")], diagnoses=["C61"]))
    assert summary(result, "admin") == [("96402", 1)]
    assert summary(result, "drug") == [("J9217", 1)]


def test_many_pushes_merge_into_one_line_with_a_bounded_explanation():
    drugs = ["ondansetron", "dexamethasone", "diphenhydramine", "famotidine", "lorazepam", "granisetron",
             "palonosetron", "fosaprepitant", "furosemide", "magnesium sulfate", "metoclopramide", "prochlorperazine"]
    rows = [adm(d, 1, "mg", "iv_push", f"{9 + i // 6:02d}:{(i % 6) * 10:02d}", None, hcpcs="J3490", billing_units=1)
            for i, d in enumerate(drugs)]
    rows.insert(0, adm("paclitaxel", 315, "mg", "iv_infusion", "08:00", "09:00", "chemotherapy"))
    result = code(encounter(rows))
    push = next(line for line in result.lines if line.code == "96375")
    assert push.units == 12 and len(push.explanation) <= 500
    # Unclassified drugs (J3490) are one line each, never summed across drugs.
    assert [line.units for line in result.lines if line.code == "J3490"] == [1] * 12
