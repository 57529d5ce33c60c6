"""Each scrubber edit: a claim it must hold and the corrected claim it must let through.

Limits come from the loaded reference tables (MUE, NCCI, HCPCS dates, NDC crosswalk), read in the
test so a changed quarter shows up as a changed assertion, not a silent pass.
"""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from tests.claims.scrub_helpers import DOS, TODAY, claim, ctx, ids, line

from oncobill.claims.records import (
    AuthorizationInfo,
    EnrollmentInfo,
    PersonInfo,
    ProviderInfo,
    SubscriberInfo,
)
from oncobill.claims.scrub import EDIT_IDS, EDITS, ERROR, WARNING, scrub
from oncobill.claims.scrub import edits as E
from oncobill.codes import Mue, NcciEdit, default_code_sets

codes = default_code_sets()


def test_registry_lists_every_edit_once_and_runs_in_order():
    assert len(EDITS) == len(set(EDITS)) >= 17
    assert all(callable(e) and e.__doc__ for e in EDITS)
    bad = claim(line("96413"), line("99211"), line("J9271", 200, ptrs=(1,)),
                rendering=ProviderInfo("1234567890", "207RX0202X"), settings={"jw_jz_required": True})
    found = scrub(bad, ctx())
    order = [EDIT_IDS.index(f.edit_id) for f in found]
    assert order == sorted(order)  # findings come out edit by edit, in registry order
    assert {"npi", "em_drug_admin", "jw_jz", "dx_sequencing"} <= set(ids(found))
    for f in found:
        assert f.message and f.fix and f.severity in (ERROR, WARNING)


def test_clean_pembrolizumab_claim_has_no_findings():
    good = claim(line("96413"), line("J9271", 200, mods=("JZ",), ptrs=(2,), ndc="00006302602",
                                     ndc_quantity=Decimal(2), ndc_unit="UN"),
                 line("99214", mods=("25",), ptrs=(2,)), diagnoses=("Z51.12", "C34.11"),
                 settings={"jw_jz_required": True, "prior_auth_required": False})
    assert scrub(good, ctx()) == []


# -- identities -------------------------------------------------------------------------------

def test_npi_check_digit():
    assert ids(E.npi_check_digits(claim(line("96413")), ctx())) == []
    bad = claim(line("96413"), rendering=ProviderInfo("1558598790", "207RX0202X"))
    found = E.npi_check_digits(bad, ctx())
    assert ids(found, ERROR) == ["npi"] and "rendering provider" in found[0].message
    assert ids(E.npi_check_digits(claim(line("96413"), facility_npi="1234567890"), ctx())) == ["npi"]


def test_taxonomy_must_be_nucc():
    assert codes.taxonomy("207RX0202X") is not None
    assert E.taxonomy_codes(claim(line("96413")), ctx()) == []
    bad = claim(line("96413"), rendering=ProviderInfo("1558598797", "207ZZ9999X"))
    assert ids(E.taxonomy_codes(bad, ctx()), ERROR) == ["taxonomy"]
    assert ids(E.taxonomy_codes(claim(line("96413"), rendering=ProviderInfo("1558598797", None)), ctx())) == ["taxonomy"]


def test_subscriber_and_member_data():
    assert E.subscriber_and_member(claim(line("96413")), ctx()) == []
    no_member = claim(line("96413"), subscriber=SubscriberInfo("", "18", PersonInfo("T", "Q", date(1950, 3, 4))))
    assert ids(E.subscriber_and_member(no_member, ctx())) == ["subscriber"]
    not_mbi = claim(line("96413"), subscriber=SubscriberInfo("123456789A", "18", PersonInfo("T", "Q", date(1950, 3, 4))))
    assert "Medicare Beneficiary Identifier" in E.subscriber_and_member(not_mbi, ctx())[0].message
    spouse = claim(line("96413"), payer="COMM",
                   subscriber=SubscriberInfo("W1", "01", PersonInfo("Testwell", "Robin", None)))
    assert "birth date" in E.subscriber_and_member(spouse, ctx())[0].message
    no_zip = claim(line("96413"), patient=PersonInfo("T", "Q", date(1950, 3, 4), "F", "1 St", "X", "IL", "6270"))
    assert "ZIP" in E.subscriber_and_member(no_zip, ctx())[0].message


# -- codes ------------------------------------------------------------------------------------

def test_codes_valid_on_the_date_of_service():
    assert codes.hcpcs_record("J2505").valid_to == date(2021, 12, 31)  # pegfilgrastim 6 mg code ended
    assert codes.hcpcs_record("77385").valid_to == date(2025, 12, 31)
    found = E.codes_valid_on_date(claim(line("J2505", 1, ptrs=(2,)), line("77385", on=date(2026, 1, 5))), ctx())
    assert [f.line_number for f in found] == [1, 2]
    assert "ended on 2021-12-31" in found[0].message
    assert E.codes_valid_on_date(claim(line("77385", on=date(2025, 12, 30))), ctx()) == []
    assert E.codes_valid_on_date(claim(line("J2506", 12, ptrs=(2,))), ctx()) == []


def test_diagnoses_must_be_billable():
    assert not codes.icd10_is_billable("C34.1") and codes.icd10_is_billable("C34.11")
    found = E.codes_valid_on_date(claim(line("96413"), diagnoses=("Z51.11", "C34.1")), ctx())
    assert ids(found) == ["dx_billable"] and "C34.1" in found[0].message


def test_diagnosis_pointers():
    assert E.diagnosis_pointers(claim(line("96413")), ctx()) == []
    for ptrs in [(), (3,), (1, 1), (1, 2, 1, 2, 1)]:
        assert ids(E.diagnosis_pointers(claim(line("96413", ptrs=ptrs)), ctx())) == ["dx_pointers"], ptrs


def test_diagnosis_sequencing_and_drug_lines_pointing_to_the_malignancy():
    good = claim(line("96413", ptrs=(1, 2)), line("J9271", 200, ptrs=(2,)), diagnoses=("Z51.12", "C34.11"))
    assert E.diagnosis_sequencing(good, ctx()) == []
    to_z_only = claim(line("96413", ptrs=(1, 2)), line("J9271", 200, ptrs=(1,)), diagnoses=("Z51.12", "C34.11"))
    found = E.diagnosis_sequencing(to_z_only, ctx())
    assert ids(found, ERROR) == ["dx_sequencing"] and found[0].line_number == 2
    no_cancer = claim(line("96413", ptrs=(1,)), diagnoses=("Z51.11",))
    assert any("without the malignancy" in f.message for f in E.diagnosis_sequencing(no_cancer, ctx()))
    z_without_chemo = claim(line("96365", ptrs=(1, 2)), line("J2405", 8, ptrs=(2,)), diagnoses=("Z51.11", "C34.11"))
    assert ids(E.diagnosis_sequencing(z_without_chemo, ctx()), WARNING) == ["dx_sequencing"]


# -- NCCI and MUE -----------------------------------------------------------------------------

def test_ncci_modifier_indicator_1_bypassed_only_by_distinct_service_modifiers():
    assert codes.ncci_pair("96413", "96360", DOS).modifier_indicator == 1
    plain = claim(line("96413"), line("96360"))
    found = E.ncci_ptp(plain, ctx())
    assert ids(found, ERROR) == ["ncci_ptp"] and found[0].line_number == 2
    for modifier in ("59", "XE", "XS", "XP", "XU"):
        assert E.ncci_ptp(claim(line("96413"), line("96360", mods=(modifier,))), ctx()) == [], modifier
    assert ids(E.ncci_ptp(claim(line("96413"), line("96360", mods=("25",))), ctx())) == ["ncci_ptp"]
    # Different dates of service are not a pair.
    assert E.ncci_ptp(claim(line("96413"), line("96360", on=DOS + timedelta(days=1))), ctx()) == []


def test_ncci_em_column_two_bypassed_by_25():
    assert codes.ncci_pair("96413", "99214", DOS).modifier_indicator == 1
    assert ids(E.ncci_ptp(claim(line("96413"), line("99214")), ctx())) == ["ncci_ptp"]
    assert E.ncci_ptp(claim(line("96413"), line("99214", mods=("25",))), ctx()) == []


def test_ncci_modifier_indicator_0_is_never_bypassed():
    assert codes.ncci_pair("77301", "77387", DOS).modifier_indicator == 0
    for mods in [(), ("59",), ("XU",)]:
        found = E.ncci_ptp(claim(line("77301"), line("77387", mods=mods)), ctx())
        assert ids(found, ERROR) == ["ncci_ptp"] and "indicator 0" in found[0].message


def test_ncci_modifier_indicator_9_is_not_applied():
    c = ctx()
    c._ncci[("practitioner", DOS)] = {("96413", "96360"): NcciEdit("96413", "96360", 9, None, None, "practitioner")}
    assert E.ncci_ptp(claim(line("96413"), line("96360")), c) == []


def test_mue_mai_3_is_a_date_of_service_limit_across_lines():
    mue = codes.mue("J9263", "practitioner", DOS)
    assert (mue.max_units, mue.mai) == (700, 3)
    assert E.mue_units(claim(line("J9263", 700, ptrs=(2,))), ctx()) == []
    split = claim(line("J9263", 400, ptrs=(2,)), line("J9263", 301, ptrs=(2,), mods=("JW",)))
    found = E.mue_units(split, ctx())
    assert ids(found, ERROR) == ["mue"] and "701 units across 2 line(s)" in found[0].message
    assert "MAI 3" in found[0].message


def test_mue_mai_2_is_absolute():
    mue = codes.mue("77427", "practitioner", DOS)
    assert (mue.max_units, mue.mai) == (1, 2)
    found = E.mue_units(claim(line("77427", 2)), ctx())
    assert ids(found) == ["mue"] and "MAI 2" in found[0].message


def test_mue_mai_1_limits_each_line_not_the_day():
    c = ctx()  # the bundled quarter has no MAI 1 oncology row: lay one over it, as an import would
    c._mue[("96372", "practitioner", DOS)] = Mue("96372", "practitioner", 2, 1, DOS)
    assert E.mue_units(claim(line("96372", 2), line("96372", 2, mods=("XS",))), c) == []
    assert ids(E.mue_units(claim(line("96372", 3)), c)) == ["mue"]


# -- drugs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, good, ten_x", [
    ("J9263", 340, 34),  # oxaliplatin per 0.5 mg: 170 mg = 340 units; 34 units is 17 mg
    ("J9041", 26, 260),  # bortezomib per 0.1 mg: 2.6 mg = 26 units
    ("J2469", 10, 100),  # palonosetron per 25 mcg: 0.25 mg = 10 units
    ("Q5108", 12, 1),  # pegfilgrastim-jmdb per 0.5 mg: 6 mg = 12 units; x1 is a 92% underpayment
])
def test_drug_units_catch_the_10x_errors(code, good, ten_x):
    assert codes.hcpcs(code, DOS).billing_unit in ("0.5 MG", "0.1 MG", "25 MCG")
    assert E.drug_units(claim(line(code, good, ptrs=(2,))), ctx()) == []
    found = E.drug_units(claim(line(code, ten_x, ptrs=(2,))), ctx())
    assert ids(found, ERROR) == ["drug_units"] and "10x" in found[0].message


def test_drug_units_against_the_ndc():
    row = codes.ndc_to_hcpcs("00006302602")
    assert (row.hcpcs, row.billing_units_per_item) == ("J9271", "100")
    ok = line("J9271", 200, ptrs=(2,), ndc="00006302602", ndc_quantity=Decimal(2), ndc_unit="UN")
    assert E.drug_units(claim(ok), ctx()) == []
    assert ids(E.drug_units(claim(replace(ok, units=Decimal(2000))), ctx())) == ["drug_units"]  # 10x
    assert "more units than" in E.drug_units(claim(replace(ok, units=Decimal(250))), ctx())[0].message
    mg = line("J9263", 3400, ptrs=(2,), ndc="00024059020", ndc_quantity=Decimal(170), ndc_unit="ME")
    assert "10x off" in E.drug_units(claim(mg), ctx())[0].message
    assert E.drug_units(claim(replace(mg, units=Decimal(340))), ctx()) == []


def test_jw_jz_required_on_single_dose_drugs():
    settings = {"jw_jz_required": True}
    missing = claim(line("96413"), line("J9271", 200, ptrs=(2,)), settings=settings)
    found = E.jw_jz(missing, ctx())
    assert ids(found, ERROR) == ["jw_jz"] and found[0].line_number == 2
    assert E.jw_jz(claim(line("J9271", 200, mods=("JZ",), ptrs=(2,)), settings=settings), ctx()) == []
    with_waste = claim(line("J9312", 72, ptrs=(2,)), line("J9312", 8, mods=("JW",), ptrs=(2,)), settings=settings)
    assert E.jw_jz(with_waste, ctx()) == []
    assert E.jw_jz(claim(line("J9271", 200, ptrs=(2,)), settings={"jw_jz_required": False}), ctx()) == []
    # A drug that may come in multiple-dose vials: only a warning until the chart says.
    assert ids(E.jw_jz(claim(line("J9267", 315, ptrs=(2,)), settings=settings), ctx()), WARNING) == ["jw_jz"]
    assert E.jw_jz(claim(line("J9267", 315, ptrs=(2,), container="multi_dose"), settings=settings), ctx()) == []


def test_jw_jz_not_expected_on_drugs_packaged_under_opps():
    """OPPS status N drugs (oxaliplatin, J9263) are paid inside the service on a hospital claim: no JW/JZ."""
    settings = {"jw_jz_required": True}
    oxaliplatin = line("J9263", 354, ptrs=(2,), container="single_dose")
    assert default_code_sets().hcpcs("J9263", DOS).packaged_under_opps
    assert E.jw_jz(claim(oxaliplatin, settings=settings, form="837I", place_of_service="22"), ctx()) == []
    assert ids(E.jw_jz(claim(oxaliplatin, settings=settings), ctx()), ERROR) == ["jw_jz"]  # office: required
    pembrolizumab = line("J9271", 200, ptrs=(2,), container="single_dose")  # status K: separately paid
    assert ids(E.jw_jz(claim(pembrolizumab, settings=settings, form="837I"), ctx()), ERROR) == ["jw_jz"]


def test_jw_jz_consistency():
    both = claim(line("J9271", 200, mods=("JW", "JZ"), ptrs=(2,)))
    assert "both JW and JZ" in E.jw_jz(both, ctx())[0].message
    on_admin = claim(line("96413", mods=("JZ",)))
    assert "drug lines only" in E.jw_jz(on_admin, ctx())[0].message
    multi = claim(line("J9045", 11, ptrs=(2,)), line("J9045", 1, mods=("JW",), ptrs=(2,), container="multi_dose"))
    assert "multiple-dose" in E.jw_jz(multi, ctx())[0].message
    orphan = claim(line("J9312", 8, mods=("JW",), ptrs=(2,)))
    assert "without the line for the amount given" in E.jw_jz(orphan, ctx())[0].message
    jz_and_jw = claim(line("J9312", 72, mods=("JZ",), ptrs=(2,)), line("J9312", 8, mods=("JW",), ptrs=(2,)))
    assert "says JZ" in E.jw_jz(jz_and_jw, ctx())[0].message


def test_ndc_on_drug_lines():
    medicaid_missing = claim(line("J9271", 200, mods=("JZ",), ptrs=(2,)), payer="MCD", subscriber=SubscriberInfo(
        "MCD1", "18", PersonInfo("T", "Q", date(1950, 3, 4))))
    assert ids(E.ndc_on_drug_lines(medicaid_missing, ctx()), ERROR) == ["ndc"]
    assert E.ndc_on_drug_lines(claim(line("J9271", 200, ptrs=(2,))), ctx()) == []  # Medicare: not required
    assert ids(E.ndc_on_drug_lines(claim(line("J9271", 200, ptrs=(2,)), settings={"ndc_required": True}), ctx())) \
        == ["ndc"]
    ten = line("J9271", 200, ptrs=(2,), ndc="0006302602", ndc_quantity=Decimal(2), ndc_unit="UN")
    assert "not 11 digits" in E.ndc_on_drug_lines(claim(ten), ctx())[0].message
    no_qty = replace(ten, ndc="00006302602", ndc_quantity=None)
    assert "quantity" in E.ndc_on_drug_lines(claim(no_qty), ctx())[0].message
    wrong_drug = line("J9299", 240, ptrs=(2,), ndc="00006302602", ndc_quantity=Decimal(2), ndc_unit="UN")
    assert "crosswalked to J9271" in E.ndc_on_drug_lines(claim(wrong_drug), ctx())[0].message
    good = replace(ten, ndc="00006302602")
    assert E.ndc_on_drug_lines(claim(good, payer="MCD"), ctx()) == []


# -- administration day -----------------------------------------------------------------------

def test_em_on_a_drug_administration_day():
    assert "never paid" in E.em_with_drug_administration(claim(line("96413"), line("99211")), ctx())[0].message
    assert "99211" in E.em_with_drug_administration(claim(line("96413"), line("99211", mods=("25",))), ctx())[0].message
    assert ids(E.em_with_drug_administration(claim(line("96413"), line("99214")), ctx())) == ["em_drug_admin"]
    assert E.em_with_drug_administration(claim(line("96413"), line("99214", mods=("25",))), ctx()) == []
    assert E.em_with_drug_administration(claim(line("99214"), line("J9271", 200, ptrs=(2,))), ctx()) == []


def test_one_initial_administration_per_encounter():
    found = E.one_initial_administration(claim(line("96413"), line("96365")), ctx())
    assert ids(found) == ["one_initial"] and found[0].line_number == 2
    assert E.one_initial_administration(claim(line("96413"), line("96365", mods=("XU",))), ctx()) == []
    assert E.one_initial_administration(claim(line("96413"), line("96365", on=DOS + timedelta(days=1))), ctx()) == []
    assert E.one_initial_administration(claim(line("96413"), line("96375"), line("96417")), ctx()) == []


# -- payer relationship -----------------------------------------------------------------------

def test_timely_filing_by_payer():
    commercial = claim(line("96413", on=TODAY - timedelta(days=91)), payer="COMM")
    found = E.timely_filing(commercial, ctx())
    assert ids(found, ERROR) == ["timely_filing"] and "allows 90 days" in found[0].message
    assert ids(E.timely_filing(replace(commercial, lines=(line("96413", on=TODAY - timedelta(days=80)),)), ctx()),
               WARNING) == ["timely_filing"]
    assert E.timely_filing(replace(commercial, payer=claim(line("96413")).payer), ctx()) == []  # Medicare 365
    assert E.timely_filing(claim(line("96413", on=TODAY - timedelta(days=91)), payer="COMM",
                                 settings={"timely_filing_days": 180}), ctx()) == []


def test_rendering_provider_enrolled_on_the_date_of_service():
    pending = claim(line("96413"), enrollments=(EnrollmentInfo("pending", None, None),))
    found = E.rendering_enrollment(pending, ctx())
    assert ids(found, ERROR) == ["enrollment"] and "pending" in found[0].message and "B7" in found[0].message
    later = (EnrollmentInfo("enrolled", DOS + timedelta(days=20), None),)
    assert ids(E.rendering_enrollment(claim(line("96413"), enrollments=later), ctx())) == ["enrollment"]
    assert E.rendering_enrollment(claim(line("96413"), enrollments=later, settings={"retro_billing_days": 30}),
                                  ctx()) == []
    ended = (EnrollmentInfo("enrolled", date(2020, 1, 1), DOS - timedelta(days=1)),)
    assert ids(E.rendering_enrollment(claim(line("96413"), enrollments=ended), ctx())) == ["enrollment"]


def test_prior_authorization_where_the_payer_requires_it():
    settings = {"prior_auth_required": True}
    drug = line("J9271", 200, ptrs=(2,), authorization_number="PA1")
    auth = AuthorizationInfo("PA1", "approved", DOS - timedelta(days=30), DOS + timedelta(days=150),
                             {"J9271": Decimal(1600)})
    assert E.prior_authorization(claim(line("96413"), drug, settings=settings, authorizations=(auth,)), ctx()) == []
    none = claim(line("96413"), replace(drug, authorization_number=None), settings=settings)
    found = E.prior_authorization(none, ctx())
    assert ids(found) == ["prior_auth"] and "CO-197" in found[0].message and found[0].line_number == 2
    assert E.prior_authorization(replace(none, settings={}), ctx()) == []  # payer does not require it
    expired = replace(auth, end_date=DOS - timedelta(days=1))
    assert "covers" in E.prior_authorization(claim(drug, settings=settings, authorizations=(expired,)), ctx())[0].message
    used_up = replace(auth, used_elsewhere={"J9271": Decimal(1500)})
    assert "approves 1600 units" in E.prior_authorization(claim(drug, settings=settings, authorizations=(used_up,)),
                                                          ctx())[0].message
    other_code = replace(auth, approved_units={"J9299": None})
    assert "does not approve J9271" in E.prior_authorization(
        claim(drug, settings=settings, authorizations=(other_code,)), ctx())[0].message
    radiation = claim(line("77412", ptrs=(1, 2)), settings=settings, diagnoses=("Z51.0", "C61"))
    assert ids(E.prior_authorization(radiation, ctx())) == ["prior_auth"]


def test_claim_shape():
    assert E.claim_shape(claim(line("96413")), ctx()) == []
    replacement = claim(line("96413"), frequency_code="7")
    assert "REF*F8" in E.claim_shape(replacement, ctx())[0].message
    assert E.claim_shape(replace(replacement, payer_claim_number="ICN123"), ctx()) == []
    months = claim(line("96413"), line("96413", on=date(2026, 11, 2)))
    assert "calendar month" in E.claim_shape(months, ctx())[0].message
    assert "at most 50" in E.claim_shape(claim(*[line("96375")] * 51), ctx())[0].message
    assert "1 to 12" in E.claim_shape(claim(line("96413"), diagnoses=()), ctx())[0].message


def test_void_checks_only_its_shape():
    void = claim(line("J2505", ptrs=(2,)), frequency_code="8", payer_claim_number="ICN9")
    assert scrub(void, ctx()) == []


def test_coverage_active_on_every_date_of_service():
    sub = claim(line("96413")).subscriber
    inside = replace(sub, coverage_from=date(2026, 1, 1), coverage_to=None)
    assert E.coverage_active(claim(line("96413"), subscriber=inside), ctx()) == []
    ended = replace(sub, coverage_from=date(2026, 1, 1), coverage_to=DOS - timedelta(days=1))
    found = E.coverage_active(claim(line("96413"), subscriber=ended), ctx())
    assert ids(found, ERROR) == ["coverage_active"] and "CO-27" in found[0].message
    later = replace(sub, coverage_from=DOS + timedelta(days=1))
    assert ids(E.coverage_active(claim(line("96413"), subscriber=later), ctx())) == ["coverage_active"]


def test_exact_duplicates():
    other = ((DOS, "J9271", ("JZ",), Decimal(200), "OB00000007"),)
    dup = claim(line("96413"), line("J9271", 200, mods=("JZ",), ptrs=(2,)), billed_elsewhere=other)
    found = E.duplicates(dup, ctx())
    assert ids(found, ERROR) == ["duplicate"] and "OB00000007" in found[0].message and "OA-18" in found[0].message
    assert E.duplicates(replace(dup, billed_elsewhere=((DOS, "J9271", ("JW",), Decimal(8), "OB7"),)), ctx()) == []
    twice = claim(line("96375"), line("96375"))
    assert ids(E.duplicates(twice, ctx()), WARNING) == ["duplicate"]
    assert E.duplicates(claim(line("96375"), line("96375", on=DOS + timedelta(days=1))), ctx()) == []


def test_place_of_service():
    assert codes.pos("11") and codes.pos("22")
    assert E.place_of_service(claim(line("96413"), line("J9271", 200, ptrs=(2,))), ctx()) == []
    hospital = claim(line("96413"), line("J9271", 200, ptrs=(2,)), line("99214", mods=("25",)), place_of_service="22")
    found = E.place_of_service(hospital, ctx())
    assert [f.line_number for f in found] == [1, 2] and "CO-5" in found[0].message
    assert E.place_of_service(replace(hospital, form="837I"), ctx()) == []
    assert "not a CMS POS code" in E.place_of_service(claim(line("96413"), place_of_service="00"), ctx())[0].message


def test_coverage_not_yet_in_force_is_co_26():
    sub = claim(line("96413")).subscriber
    later = replace(sub, coverage_from=DOS + timedelta(days=1))
    assert "CO-26" in E.coverage_active(claim(line("96413"), subscriber=later), ctx())[0].message
