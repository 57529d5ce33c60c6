"""The command line: each read command works with --json, and bad input exits non-zero with a message."""

import json
import subprocess
import sys
from datetime import datetime
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from oncobill.claims.models import Claim, ClaimDiagnosis, ClaimForm, ClaimLine, ClaimStatus, ClaimStatusEvent
from oncobill.cli.main import app
from oncobill.db import make_engine, unit_of_work
from oncobill.patients.service import get_patient

runner = CliRunner()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_url(request, new_database, tmp_path_factory):
    url = new_database(request.param)
    result = subprocess.run([sys.executable, "-m", "oncobill.cli", "demo", "--json"], check=False, capture_output=True,
                            text=True,
                            env={**_env(), "ONCOBILL_DATABASE_URL": url}, timeout=300)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["ledger"]["balanced"] is True
    return url


def _env():
    import os

    return {k: v for k, v in os.environ.items() if k != "ONCOBILL_DATABASE_URL"}


def invoke(url, *args):
    return runner.invoke(app, list(args), env={"ONCOBILL_DATABASE_URL": url})


def test_patient_show_json(demo_url):
    result = invoke(demo_url, "patient", "show", "DEMO0001", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["account_number"] == "DEMO0001"
    assert data["coverages"] and data["treatment_plans"]
    assert set(data["balances"]) == {"patient_responsibility", "total_outstanding"}


def test_patient_show_table(demo_url):
    result = invoke(demo_url, "patient", "show", "DEMO0005")
    assert result.exit_code == 0
    assert "Coverages" in result.stdout and "Medicare" in result.stdout


def test_unknown_patient_is_a_clear_error(demo_url):
    result = invoke(demo_url, "patient", "show", "NOBODY")
    assert result.exit_code == 1
    assert "unknown patient: 'NOBODY'" in result.stderr


def test_ledger_balance_json(demo_url):
    result = invoke(demo_url, "ledger", "balance", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["balanced"] is True and data["unbalanced_entries"] == []
    owed_by_payers = sum((Decimal(v) for v in data["ar_by_payer"].values()), Decimal("0.00"))
    assert owed_by_payers + Decimal(data["ar_patients"]) == Decimal(data["accounts_receivable"])
    one = json.loads(invoke(demo_url, "ledger", "balance", "--payer", "MCR", "--json").stdout)
    assert one["accounts_receivable"] == data["ar_by_payer"]["MCR"]


def test_ledger_check_on_the_demo_month(demo_url):
    """The whole demo ledger (charges, remits, secondaries, crossovers, denial acts) passes the audit
    that stands in for the postings' foreign keys; a broken reference makes it exit 1, named."""
    result = invoke(demo_url, "ledger", "check", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == {"unbalanced_entries": [], "trial_balance_total": "0.00", "broken_references": [], "ok": True}


def test_claim_show(demo_url):
    """Claims arrive with the claims issue; a stored claim already shows with lines, balance and history."""
    engine = make_engine(demo_url)
    with unit_of_work(engine) as session:
        patient = get_patient(session, "DEMO0002")
        coverage = patient.coverages[0]
        from sqlalchemy import select

        from oncobill.models import Encounter

        encounter = session.scalars(select(Encounter).where(Encounter.patient_id == patient.id)).first()
        charge_line = encounter.charge_lines[0]
        claim = Claim(patient_control_number="TESTCLM1", patient_id=patient.id, coverage_id=coverage.id,
                      payer_id=coverage.payer_id, billing_entity_id=1, rendering_provider_id=encounter.provider_id,
                      location_id=encounter.location_id, form=ClaimForm.PROFESSIONAL, status=ClaimStatus.DRAFT,
                      service_from=encounter.date_of_service, service_to=encounter.date_of_service,
                      created_at=datetime(2026, 11, 1, 9, 0))
        claim.diagnoses = [ClaimDiagnosis(sequence=1, icd10_code=encounter.diagnoses[0].icd10_code)]
        claim.lines = [ClaimLine(charge_line_id=charge_line.id, line_number=1, line_control_number="TESTCLM1-1",
                                 service_date=charge_line.service_date, code=charge_line.code, units=charge_line.units,
                                 charge=charge_line.charge, dx_pointers="1")]
        claim.events = [ClaimStatusEvent(from_status=None, to_status=ClaimStatus.DRAFT, at=datetime(2026, 11, 1, 9, 0),
                                         actor="test", reason="built from charge lines")]
        session.add(claim)
        expected_charge = str(charge_line.charge)
        from oncobill.ledger.service import charge_line_balance

        expected_balance = str(charge_line_balance(session, charge_line.id))  # what the demo's 835 left open
    engine.dispose()
    result = invoke(demo_url, "claim", "show", "TESTCLM1", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total_charge"] == expected_charge
    assert data["balance"] == expected_balance == data["lines"][0]["balance"]
    assert data["history"][0]["reason"] == "built from charge lines"
    assert invoke(demo_url, "claim", "show", "NOPE").exit_code == 1


def test_db_upgrade_command(new_database):
    url = new_database("sqlite")
    result = invoke(url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "database at head" in result.stdout


def test_every_command_group_loads_and_code_starts_without_the_database_layer():
    """Each command is imported only when it runs, so `oncobill code` does not load SQLAlchemy."""
    from oncobill.cli.main import COMMANDS

    for name in COMMANDS:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
    probe = ("import sys; from oncobill.cli.main import app; from typer.main import get_command; "
             "get_command(app).get_command(None, 'code'); print('sqlalchemy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_the_top_level_help_lists_every_command_without_importing_any():
    """`oncobill --help` prints each command's own first help line, from SUMMARIES, loading no stage."""
    from typer.main import get_command

    from oncobill.cli.main import COMMANDS, SUMMARIES

    group = get_command(app)
    assert set(SUMMARIES) == set(COMMANDS)
    for name in COMMANDS:
        own = group.get_command(None, name)
        first = " ".join((own.help or "").strip().split("\n\n")[0].split())
        assert SUMMARIES[name] == first, name
    probe = ("import sys, contextlib, io\nfrom oncobill.cli.main import app\n"
             "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
             "    try:\n        app(['--help'])\n    except SystemExit:\n        pass\n"
             "text = out.getvalue()\n"
             "print(all(n in text for n in ('demo', 'denials', 'underpayments')), "
             "[m for m in sys.modules if m.startswith('oncobill.cli.') and m != 'oncobill.cli.main'], "
             "'sqlalchemy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "True [] False", (out.stdout, out.stderr)
