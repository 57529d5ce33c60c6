"""`oncobill code FILE.json [--json]`: the documented format in, explained lines out, clear errors."""

from __future__ import annotations

import json

import pytest
from tests.charges.onc_helpers import adm, encounter
from typer.testing import CliRunner

from oncobill.cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_imported_refdata(monkeypatch, tmp_path):
    monkeypatch.setenv("ONCOBILL_REFDATA_DIR", str(tmp_path / "refdata"))
    from oncobill.codes import reset_default_code_sets

    reset_default_code_sets()
    yield
    reset_default_code_sets()


def _write(tmp_path, raw):
    path = tmp_path / "encounter.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_code_json_output_has_the_issue_fields(tmp_path):
    raw = encounter([adm("pembrolizumab", 200, "mg", "iv_infusion", "10:00", "10:32", "immunotherapy",
                         ndc="0006-3026-02", vials_opened=[{"size": 100, "unit": "mg", "count": 2}])],
                    reason="immunotherapy")
    result = runner.invoke(app, ["code", str(_write(tmp_path, raw)), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["diagnoses"] == ["Z51.12", "C34.11"]
    drug = out["lines"][1]
    assert {k: drug[k] for k in ("code", "modifiers", "units", "dx_pointers", "ndc", "ndc_quantity", "ndc_unit")} == {
        "code": "J9271", "modifiers": ["JZ"], "units": 200, "dx_pointers": [2], "ndc": "00006302602",
        "ndc_quantity": "2", "ndc_unit": "UN"}
    assert drug["explanation"]


def test_code_text_output_for_a_radiation_course(tmp_path):
    raw = encounter([], reason="radiation", diagnoses=["C61"],
                    course={"technique": "imrt", "fractions": 28, "complexity": "intermediate"})
    result = runner.invoke(app, ["code", str(_write(tmp_path, raw))])
    assert result.exit_code == 0, result.output
    assert "77427" in result.output and "5 full blocks of 5 + 3 left over" in result.output


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda r: r.pop("date_of_service"), "date_of_service: missing"),
    (lambda r: r["administrations"][0].pop("dose"), "administrations[0].dose: missing"),
    (lambda r: r["administrations"][0].update(route="intravenous"), "administrations[0].route"),
    (lambda r: r["administrations"][0].update(ndc="0006302602"), "10-digit NDC"),
    (lambda r: r.update(diagnoses=["C34.1"]), "not billable"),
    (lambda r: r["administrations"][0].update(hcpcs="J2505"), "not valid on 2026-11-03"),
])
def test_bad_input_gets_a_clear_error_and_non_zero_exit(tmp_path, mutate, message):
    raw = encounter([adm("pembrolizumab", 200, "mg", "iv_infusion", "10:00", "10:32", "immunotherapy")])
    mutate(raw)
    result = runner.invoke(app, ["code", str(_write(tmp_path, raw))])
    assert result.exit_code == 2
    assert message in result.output


def test_not_json_is_refused(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["code", str(path)])
    assert result.exit_code == 2 and "not JSON" in result.output
