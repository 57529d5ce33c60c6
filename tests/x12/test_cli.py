"""`oncobill x12 parse` and `oncobill x12 validate` from the command line."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from oncobill.cli.main import app

from .conftest import CORPUS, SMALL_835
from .test_validate import clean_837p

runner = CliRunner()


def test_parse_prints_summary_and_json(tmp_path):
    path = tmp_path / "remit.835"
    path.write_text(SMALL_835)
    out = runner.invoke(app, ["x12", "parse", str(path)])
    assert out.exit_code == 0, out.output
    assert "claim PCN0001 status 1 charge 200.00 paid 150.00" in out.output
    out = runner.invoke(app, ["x12", "parse", str(path), "--json"])
    data = json.loads(out.output)
    doc = data["interchanges"][0]["groups"][0]["transactions"][0]["document"]
    assert doc["payment_amount"] == "150.00"
    assert doc["claims"][0]["services"][0]["adjustments"][0] == {
        "group": "CO",
        "reason": "45",
        "amount": "30.00",
        "quantity": None,
    }


def test_parse_json_of_an_eligibility_response():
    out = runner.invoke(
        app,
        [
            "x12",
            "parse",
            str(CORPUS / "271" / "linuxforhealth__subscriber-health-benefit-check.271"),
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    txn = json.loads(out.output)["interchanges"][0]["groups"][0]["transactions"][0]
    assert txn["document"]["subscriber"]["benefits"][0]["information"] == "1"


def test_parse_bad_file_exits_with_located_error(tmp_path):
    path = tmp_path / "bad.835"
    path.write_text(SMALL_835[:-40])
    out = runner.invoke(app, ["x12", "parse", str(path)])
    assert out.exit_code == 2
    assert "segment" in out.output


def test_validate_exit_codes_and_999(tmp_path):
    good = tmp_path / "good.837"
    good.write_text(clean_837p())
    out = runner.invoke(app, ["x12", "validate", str(good)])
    assert out.exit_code == 0, out.output
    bad = tmp_path / "bad.837"
    bad.write_text(clean_837p().replace("XX*1234567893", "XX*1234567890", 1))
    ack = tmp_path / "answer.999"
    out = runner.invoke(app, ["x12", "validate", str(bad), "--999", str(ack)])
    assert out.exit_code == 1
    assert "NPI 1234567890 fails its check digit" in out.output and "segment 10" in out.output
    assert "AK9*E*1*1*1" in ack.read_text()
