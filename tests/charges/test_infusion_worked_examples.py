"""Domain reference section 2.4: the five worked infusion examples and the office/facility contrast."""

from __future__ import annotations

from tests.charges.onc_helpers import adm, code, encounter, summary


def test_example_1_pembrolizumab_200mg_32_minutes():
    result = code(encounter(
        [adm("pembrolizumab", 200, "mg", "iv_infusion", "10:00", "10:32", "immunotherapy",
             vials_opened=[{"size": 100, "unit": "mg", "count": 2, "single_dose": True}])],
        reason="immunotherapy", diagnoses=["C34.11"]))
    assert summary(result) == [("96413", 1), ("J9271-JZ", 200)]
    assert result.diagnoses == ["Z51.12", "C34.11"]
    drug = result.lines[1]
    assert drug.dx_pointers == (2,)  # the drug line points to the malignancy, not Z51.12
    assert "nothing discarded: JZ" in drug.explanation


def test_example_2_paclitaxel_carboplatin_with_premedication():
    result = code(encounter([
        adm("palonosetron", "0.25", "mg", "iv_push", "09:00", "09:05", hcpcs="J2469"),
        adm("dexamethasone", 12, "mg", "iv_infusion", "09:05", "09:20", hcpcs="J1100"),
        adm("paclitaxel", 315, "mg", "iv_infusion", "09:30", "12:30", "chemotherapy",
            vials_opened=[{"size": 300, "unit": "mg", "count": 1, "single_dose": False},
                          {"size": 100, "unit": "mg", "count": 1, "single_dose": False}]),
        adm("carboplatin", 525, "mg", "iv_infusion", "12:35", "13:05", "chemotherapy",
            vials_opened=[{"size": 600, "unit": "mg", "count": 1, "single_dose": False}]),
    ]))
    admin = dict(summary(result, "admin"))
    assert admin == {"96413": 1, "96415": 2, "96417": 1, "96375": 2}
    assert summary(result, "drug") == [("J2469", 10), ("J1100", 12), ("J9267", 315), ("J9045", 11)]
    # Multiple-dose vials: never JW or JZ.
    assert all(not line.modifiers for line in result.lines)
    assert "15-minute infusion counts as a push" in next(l for l in result.lines if l.code == "96375").explanation
    assert result.diagnoses == ["Z51.11", "C34.11"]


def test_example_3_cisplatin_with_pre_and_post_hydration():
    result = code(encounter([
        adm("normal saline", 1000, "mL", "iv_infusion", "08:00", "09:00", "hydration"),
        adm("cisplatin", 135, "mg", "iv_infusion", "09:00", "10:00", "chemotherapy"),
        adm("normal saline", 1000, "mL", "iv_infusion", "10:00", "11:00", "hydration"),
    ], diagnoses=["C34.11"]))
    assert dict(summary(result, "admin")) == {"96413": 1, "96361": 2}
    assert summary(result, "drug") == [("J7030", 2), ("J9060", 14)]


def test_example_3_hydration_not_summed_still_two_units():
    result = code(encounter([
        adm("normal saline", 1000, "mL", "iv_infusion", "08:00", "09:00", "hydration"),
        adm("cisplatin", 135, "mg", "iv_infusion", "09:00", "10:00", "chemotherapy"),
        adm("normal saline", 1000, "mL", "iv_infusion", "10:00", "11:00", "hydration"),
    ], payer={"combine_split_hydration": False}))
    assert dict(summary(result, "admin")) == {"96413": 1, "96361": 2}


def test_example_4_rituximab_first_dose_with_waste():
    result = code(encounter([
        adm("rituximab", "712.5", "mg", "iv_infusion", "09:30", "13:45", "chemotherapy",
            vials_opened=[{"size": 500, "unit": "mg", "count": 1, "single_dose": True},
                          {"size": 100, "unit": "mg", "count": 3, "single_dose": True}]),
        adm("diphenhydramine", 50, "mg", "iv_push", "09:10", "09:12"),
    ], diagnoses=["C83.30"]))
    assert summary(result, "admin") == [("96413", 1), ("96415", 3), ("96375", 1)]
    assert summary(result, "drug") == [("J9312", 72), ("J9312-JW", 8), ("J1200", 1)]
    jw = result.lines[4]
    assert "80 opened - 72 given" in jw.explanation


def test_example_4_biosimilar_truxima_codes_q5115():
    result = code(encounter([
        adm("Truxima", "712.5", "mg", "iv_infusion", "09:30", "13:45", "chemotherapy",
            vial_sizes=[{"size": 500, "unit": "mg", "single_dose": True},
                        {"size": 100, "unit": "mg", "single_dose": True}]),
    ], diagnoses=["C83.30"]))
    assert summary(result, "drug") == [("Q5115", 72), ("Q5115-JW", 8)]
    assert "smallest-waste combination" in result.lines[-2].explanation


def test_example_5_supportive_visit_no_z51():
    result = code(encounter([
        adm("zoledronic acid", 4, "mg", "iv_infusion", "10:00", "10:20"),
        adm("ondansetron", 4, "mg", "iv_push", "10:20", "10:24"),
        adm("pegfilgrastim-jmdb", 6, "mg", "sc", "10:30"),
    ], reason="supportive", diagnoses=["Z51.11", "C50.911", "D70.1"]))
    assert summary(result, "admin") == [("96365", 1), ("96375", 1), ("96372", 1)]
    assert summary(result, "drug") == [("J3489", 4), ("J2405", 4), ("Q5108", 12)]
    # No antineoplastic today: Z51.11 is dropped and the malignancy leads.
    assert result.diagnoses == ["C50.911", "D70.1"]
    assert any("Z51.11 dropped" in n for n in result.notes)


def test_example_5_payer_wants_xu_on_96372_with_iv():
    result = code(encounter([
        adm("zoledronic acid", 4, "mg", "iv_infusion", "10:00", "10:20"),
        adm("pegfilgrastim-jmdb", 6, "mg", "sc", "10:30"),
    ], reason="supportive", diagnoses=["C50.911"], payer={"injection_with_iv_modifier": "XU"}))
    assert ("96372-XU", 1) in summary(result, "admin")


def _dehydration_visit(setting):
    return encounter([
        adm("normal saline", 1000, "mL", "iv_infusion", "09:00", "11:00", "hydration"),
        adm("ondansetron", 4, "mg", "iv_push", "11:00", "11:03"),
    ], setting=setting, reason="hydration", diagnoses=["E86.0", "C18.7"])


def test_office_dehydration_visit_hydration_is_initial():
    result = code(_dehydration_visit("office"))
    assert summary(result, "admin") == [("96360", 1), ("96361", 1), ("96375", 1)]


def test_facility_dehydration_visit_push_outranks_hydration():
    result = code(_dehydration_visit("facility"))
    assert summary(result, "admin") == [("96374", 1), ("96361", 2)]
    assert "hierarchy" in result.lines[0].explanation


def test_example_5_ncci_pair_96365_96372_is_flagged_without_a_modifier():
    result = code(encounter([
        adm("zoledronic acid", 4, "mg", "iv_infusion", "10:00", "10:20"),
        adm("pegfilgrastim-jmdb", 6, "mg", "sc", "10:30"),
    ], reason="supportive", diagnoses=["C50.911"]))
    assert any(n.startswith("NCCI: 96372 is column 2 to 96365") for n in result.notes)
    with_xu = code(encounter([
        adm("zoledronic acid", 4, "mg", "iv_infusion", "10:00", "10:20"),
        adm("pegfilgrastim-jmdb", 6, "mg", "sc", "10:30"),
    ], reason="supportive", diagnoses=["C50.911"], payer={"injection_with_iv_modifier": "XU"}))
    assert not any("NCCI" in n for n in with_xu.notes)
