"""The code-set look-up API, answered as of the date of service, on the bundled defaults."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from oncobill.codes import load_code_sets

EMPTY = Path("/nonexistent-oncobill-refdata")
DOS = date(2026, 11, 2)


@pytest.fixture(scope="module")
def codes():
    return load_code_sets(EMPTY)


def test_hcpcs_valid_on_the_date_with_billing_unit(codes):
    j9271 = codes.hcpcs("J9271", on=DOS)
    assert j9271.billing_unit == "1 MG" and j9271.opps_status == "K"
    assert codes.hcpcs("J9263", DOS).billing_unit == "0.5 MG"  # oxaliplatin unit trap
    assert codes.hcpcs("J2506", DOS).billing_unit == "0.5 MG"


def test_ended_codes_answer_only_before_their_end(codes):
    assert codes.hcpcs("J2505", on=DOS) is None  # pegfilgrastim 6 mg ended 2021-12-31
    assert codes.hcpcs("J2505", on="2021-12-31").code == "J2505"
    assert codes.hcpcs("J9070", on="2024-03-31") and not codes.hcpcs("J9070", on="2024-04-01")
    assert not codes.hcpcs_is_valid("G6015", DOS) and codes.hcpcs_is_valid("G6015", "2025-12-31")
    assert not codes.hcpcs_is_valid("77385", DOS) and codes.hcpcs_is_valid("77385", "2025-06-01")


def test_new_codes_answer_only_from_their_start(codes):
    assert codes.hcpcs("Q5108", "2022-12-31") is None and codes.hcpcs("Q5108", "2023-01-01")


def test_cpt_numbers_carry_our_short_names(codes):
    assert codes.hcpcs("96413", DOS).name == "Chemo IV infusion, first hour"
    assert codes.hcpcs("77427", DOS).is_cpt
    assert codes.hcpcs("99999", DOS) is None


def test_icd10_billable_and_valid(codes):
    assert codes.icd10_is_billable("C34.11") and codes.icd10_is_billable("C3411")
    assert codes.icd10_is_valid("C34.1") and not codes.icd10_is_billable("C34.1")
    assert codes.icd10_is_billable("Z51.11") and codes.icd10_is_billable("D70.1")
    assert not codes.icd10_is_valid("C34.99")


def test_icd10_excludes1(codes):
    assert "C46.5" in codes.icd10_excludes1_conflict("C34.11", "C46.50")
    assert codes.icd10_excludes1_conflict("C34.11", "C50.911") is None
    assert codes.icd10_description("C34.11") == "Malignant neoplasm of upper lobe, right bronchus or lung"


def test_mue_practitioner_and_facility_with_mai(codes):
    mue = codes.mue("96360", "practitioner", DOS)
    assert (mue.max_units, mue.mai) == (1, 3)
    assert codes.mue("96360", "facility", DOS).max_units == 2
    with pytest.raises(ValueError):
        codes.mue("96360", "hospital-ish")


def test_ncci_pair_with_modifier_indicator_and_dates(codes):
    edit = codes.ncci_pair("96413", "96360", DOS)
    assert edit.modifier_indicator == 1 and edit.setting == "hospital"
    assert codes.ncci_pair("96365", "96523", DOS).modifier_indicator == 0
    assert codes.ncci_pair("96360", "96413", DOS) is None
    assert codes.ncci_pair("77385", "77261", DOS) is None  # ended with the code
    assert codes.ncci_pair("77385", "77261", "2025-06-01").modifier_indicator == 0


def test_asp_limit_only_inside_its_quarter(codes):
    limit = codes.asp_limit("J9271", DOS)
    assert limit.payment_limit == Decimal("62.253") and limit.billing_unit == "1 MG"
    assert codes.asp_limit("J9271", "2026-09-30") is None


def test_ndc_crosswalk(codes):
    row = codes.ndc_to_hcpcs("00006302602")
    assert (row.hcpcs, row.billing_units_per_item) == ("J9271", "100")
    assert "00006302602" in codes.hcpcs_to_ndcs("J9271")


def test_carc_rarc_pos_taxonomy(codes):
    assert codes.carc("45").description.startswith("Charge exceeds fee schedule")
    assert codes.rarc("N362") is not None and codes.rarc("ZZZ9") is None
    assert codes.pos("11") == "Office" and codes.pos("99") is not None and codes.pos("98") is None
    assert codes.taxonomy("207RX0202X") == "Medical Oncology Physician"


def test_drug_names_to_hcpcs_on_the_date(codes):
    assert codes.drug_codes("pembrolizumab", DOS) == ["J9271"]
    assert codes.drug_codes("ondansetron", DOS) == ["J2405"]
    assert codes.drug_codes("pegfilgrastim", DOS) == ["J2506"]
    assert codes.drug_codes("pegfilgrastim", "2021-06-01") == ["J2505"]
    assert codes.drug_codes("Fulphila", DOS) == ["Q5108"]


def test_start_up_with_every_code_set_loaded_is_under_two_seconds():
    script = ("import time; t = time.perf_counter(); from oncobill.codes import load_code_sets; "
              "c = load_code_sets(icd10=True); c.hcpcs('J9271'); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env={"ONCOBILL_REFDATA_DIR": str(EMPTY), "PATH": "/usr/bin:/bin"})
    assert float(out.stdout.strip()) < 2.0


def test_icd10_list_rebuilt_once_and_cached_when_simple_icd_10_cm_changes(tmp_path, monkeypatch):
    import importlib.metadata

    from oncobill.codes import build, sets

    calls = []

    def fake_build():
        calls.append(1)
        return b"version\t9.9.9\nC3411\t1\nC341\t0"

    monkeypatch.setenv("ONCOBILL_REFDATA_DIR", str(tmp_path))
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.9.9")
    monkeypatch.setattr(build, "build_icd10cm", fake_build)
    first = sets.load_code_sets(tmp_path)
    assert first.icd10_is_billable("C34.11") and not first.icd10_is_billable("Z51.11")
    assert (tmp_path / "cache" / "icd10cm-9.9.9.tsv.gz").exists()
    assert sets.load_code_sets(tmp_path).icd10_is_valid("C34.1") and len(calls) == 1


def test_cpt_new_in_2026_not_valid_before(codes):
    assert codes.hcpcs("77437", "2025-12-31") is None and codes.hcpcs("77437", "2026-01-02")
