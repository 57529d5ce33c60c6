"""`oncobill refdata import KIND FILE` and `oncobill refdata status`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from oncobill.cli.main import app

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures"


def test_import_then_reimport_then_status(tmp_path, monkeypatch):
    monkeypatch.setenv("ONCOBILL_REFDATA_DIR", str(tmp_path))
    mue = str(FIXTURES / "MCR_MUE_PractitionerServices_Eff_10-01-2026.csv")
    first = runner.invoke(app, ["refdata", "import", "mue", mue])
    assert first.exit_code == 0 and "added" in first.output
    again = runner.invoke(app, ["refdata", "import", "mue", mue])
    assert again.exit_code == 0 and "unchanged" in again.output
    status = runner.invoke(app, ["refdata", "status", "--json"])
    assert status.exit_code == 0
    kinds = [(v["kind"], v["source"]) for v in json.loads(status.output)["versions"]]
    assert ("mue", "imported: MCR_MUE_PractitionerServices_Eff_10-01-2026.csv (2026-10-01)") in kinds


def test_refused_import_exits_non_zero_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("ONCOBILL_REFDATA_DIR", str(tmp_path / "rd"))
    bad = tmp_path / "bad.csv"
    bad.write_text("HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit\nJ9271,x,1 MG,abc\n")
    result = runner.invoke(app, ["refdata", "import", "asp", str(bad), "--effective", "2026-10-01"])
    assert result.exit_code == 2 and "line 2" in result.output and "not a number" in result.output
    assert not (tmp_path / "rd").exists()
