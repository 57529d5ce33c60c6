"""`oncobill claims secondary`: what was built and what was not billed, and why (synthetic data only)."""

import json

import pytest
from tests.remittance.helpers import NOW, billed_claim, clp, era_text, practice, svc
from typer.testing import CliRunner

from oncobill.cli.main import app
from oncobill.db import make_engine, unit_of_work
from oncobill.migrations.runner import upgrade
from oncobill.remittance import service as remittance
from oncobill.x12.tokenizer import make_segment

runner = CliRunner()


@pytest.fixture
def env(new_database):
    url = new_database("sqlite")
    upgrade(url=url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        p = practice(session)
        owed = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
        crossed = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
        alone = billed_claim(session, p, [("96413", "350.00", (), 1)])
        forwarded = clp(crossed, "19", [svc("96413", "350.00", "120.00", [("CO", "45", "200.00"),
                                                                         ("PR", "2", "30.00")])], icn="X2")
        forwarded.other = [make_segment(["MOA", "", "", "MA18"])]
        text = era_text([
            clp(owed, "1", [svc("96413", "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")])],
                icn="X1"),
            forwarded,
            clp(alone, "1", [svc("96413", "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")])],
                icn="X3"),
        ])
        remittance.import_era(session, "cli.835", text.encode(), actor="poster", now=NOW)
        pcns = {"owed": owed.patient_control_number, "crossed": crossed.patient_control_number}
    engine.dispose()
    return {"ONCOBILL_DATABASE_URL": url}, pcns


def test_claims_secondary_builds_reports_and_is_idempotent(env):
    environ, pcns = env
    first = runner.invoke(app, ["claims", "secondary", "--today", "2026-11-20", "--actor", "biller", "--json"],
                          env=environ)
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    (built,) = data["built"]
    assert built["follows"] == pcns["owed"] and built["payer"] == "COMM" and built["status"] == "ready"
    (skipped,) = data["skipped"]
    assert skipped["patient_control_number"] == pcns["crossed"] and "crossed over" in skipped["reason"]
    assert data["without_another_payer"] == 1 and data["ready"] == 1
    again = runner.invoke(app, ["claims", "secondary", "--today", "2026-11-20"], env=environ)
    assert again.exit_code == 0, again.output
    assert "0 secondary claim(s) built" in again.stdout and "crossed over" in again.stdout
