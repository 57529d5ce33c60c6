"""Domain reference section 5.3: Z51 first when the visit is chiefly for therapy; pointers."""

from __future__ import annotations

import pytest
from tests.charges.onc_helpers import adm, code, encounter

from oncobill.errors import InvalidInput


def _chemo(**kw):
    return encounter([adm("carboplatin", 525, "mg", "iv_infusion", "09:00", "09:30", "chemotherapy")], **kw)


def test_z51_11_added_first_and_malignancy_second():
    result = code(_chemo(diagnoses=["D70.1", "C34.11"]))
    assert result.diagnoses == ["Z51.11", "C34.11", "D70.1"]


def test_drug_line_points_to_the_malignancy():
    result = code(_chemo(diagnoses=["C34.11", "C79.51"]))
    drug = next(line for line in result.lines if line.role == "drug")
    admin = next(line for line in result.lines if line.role == "admin")
    assert drug.dx_pointers == (2, 3) and admin.dx_pointers == (1, 2, 3)


def test_z51_follows_the_malignancy_when_the_visit_is_not_chiefly_for_therapy():
    result = code(_chemo(reason="supportive", diagnoses=["C34.11"]))
    assert result.diagnoses == ["C34.11", "Z51.11"]


def test_category_code_is_not_billable():
    with pytest.raises(InvalidInput, match=r"diagnoses\[0\]: C34.1 is a category, not billable"):
        code(_chemo(diagnoses=["C34.1"]))


def test_unknown_code_is_refused():
    with pytest.raises(InvalidInput, match=r"diagnoses\[1\]: 'X99.999' is not an ICD-10-CM code"):
        code(_chemo(diagnoses=["C34.11", "X99.999"]))


def test_antineoplastic_without_malignancy_is_refused():
    with pytest.raises(InvalidInput, match="no malignancy"):
        code(_chemo(diagnoses=["D70.1"]))


def test_excludes1_conflict_is_flagged():
    result = code(_chemo(diagnoses=["C34.11", "C46.50"]))
    assert any("Excludes1" in note for note in result.notes)


def test_visit_for_chemotherapy_giving_only_immunotherapy_leads_with_z51_12():
    result = code(encounter([adm("pembrolizumab", 200, "mg", "iv_infusion", "10:00", "10:32", "immunotherapy")],
                            reason="chemotherapy", diagnoses=["C34.11"]))
    assert result.diagnoses == ["Z51.12", "C34.11"]


def test_chemo_and_immunotherapy_together_list_both_z_codes():
    result = code(encounter([
        adm("pembrolizumab", 200, "mg", "iv_infusion", "10:00", "10:32", "immunotherapy"),
        adm("carboplatin", 525, "mg", "iv_infusion", "10:40", "11:10", "chemotherapy"),
    ], reason="chemotherapy", diagnoses=["C34.11"]))
    assert result.diagnoses == ["Z51.11", "C34.11", "Z51.12"]
