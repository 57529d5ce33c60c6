"""`oncobill claims build | scrub | list` on a small practice; `claim show` still shows a built claim."""

import json

import pytest
from tests.claims.db_helpers import seed_month
from typer.testing import CliRunner

from oncobill.cli.main import app
from oncobill.db import make_engine, unit_of_work
from oncobill.migrations.runner import upgrade

runner = CliRunner()


@pytest.fixture
def url(new_database):
    url = new_database("sqlite")
    upgrade(url=url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        seed_month(session)
    engine.dispose()
    return url


def run(url, *args):
    result = runner.invoke(app, list(args), env={"ONCOBILL_DATABASE_URL": url})
    return result


def test_build_scrub_list_show(url):
    built = run(url, "claims", "build", "--through", "2026-10-31", "--json")
    assert built.exit_code == 0, built.output
    data = json.loads(built.stdout)
    assert (data["claims"], data["lines"]) == (2, 8)
    assert [c["payer"] for c in data["built"]] == ["COMM", "MCR"]

    scrubbed = run(url, "claims", "scrub", "--today", "2026-11-02", "--json")
    assert scrubbed.exit_code == 0, scrubbed.output
    report = json.loads(scrubbed.stdout)
    assert report["scrubbed"] == 2 and report["ready"] + report["held"] == 2
    assert set(report["findings_by_edit"]) >= set(report["claims_held_by_edit"])

    listed = json.loads(run(url, "claims", "list", "--json").stdout)
    assert {c["status"] for c in listed} <= {"ready", "held"} and len(listed) == 2
    ready = json.loads(run(url, "claims", "list", "--status", "ready", "--json").stdout)
    assert all(c["status"] == "ready" for c in ready)

    pcn = data["built"][0]["patient_control_number"]
    shown = run(url, "claim", "show", pcn, "--json")
    assert shown.exit_code == 0, shown.output
    claim = json.loads(shown.stdout)
    assert claim["total_charge"] == "24700.00" == claim["balance"]
    assert claim["history"][0]["to"] == "draft"

    table = run(url, "claims", "list")
    assert table.exit_code == 0 and "COMM" in table.stdout


def test_bad_options_are_clear_errors(url):
    result = run(url, "claims", "list", "--status", "bogus")
    assert result.exit_code == 1 and "is not one of" in result.stderr
    result = run(url, "claims", "build", "--through", "31/10/2026")
    assert result.exit_code == 1 and "must be a date" in result.stderr
