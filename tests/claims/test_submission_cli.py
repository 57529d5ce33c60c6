"""`oncobill claims submit | receive` and `oncobill acks import` on a small practice, through the real
sandbox payer in a temporary mailbox."""

import json
from datetime import date, datetime

import pytest
from tests.claims.db_helpers import seed_month
from typer.testing import CliRunner

from oncobill.claims import service
from oncobill.claims.models import ClaimStatus
from oncobill.cli.main import app
from oncobill.db import make_engine, unit_of_work
from oncobill.demo.sandbox_config import write_sandbox_config
from oncobill.migrations.runner import upgrade

runner = CliRunner()
NOW = datetime(2026, 11, 2, 8, 0)


@pytest.fixture
def env(new_database, tmp_path):
    url = new_database("sqlite")
    upgrade(url=url)
    engine = make_engine(url)
    mailbox = tmp_path / "sandbox"
    with unit_of_work(engine) as session:
        seed_month(session)
        for claim in service.build_claims(session, actor="t", now=NOW).claims:
            service.move(session, claim, ClaimStatus.READY, actor="t", reason="worked", at=NOW)
        write_sandbox_config(session, mailbox, on=date(2026, 11, 2))
    engine.dispose()
    return {"ONCOBILL_DATABASE_URL": url, "ONCOBILL_SANDBOX_MAILBOX": str(mailbox),
            "ONCOBILL_CLEARINGHOUSE_DIR": str(tmp_path)}


def run(env, *args):
    return runner.invoke(app, list(args), env=env)


def test_submit_receive_and_import_again(env, tmp_path):
    sent = run(env, "claims", "submit", "--adapter", "sandbox", "--today", "2026-11-02", "--actor", "biller1", "--json")
    assert sent.exit_code == 0, sent.output
    data = json.loads(sent.stdout)
    assert data["claims_submitted"] == 2 and len(data["sent"]) == 2
    assert not any(s["already_sent"] for s in data["sent"])
    again = json.loads(run(env, "claims", "submit", "--today", "2026-11-02", "--json").stdout)
    assert again == {"batches_created": [], "claims_submitted": 0, "sent": []}  # each batch goes once

    got = run(env, "claims", "receive", "--today", "2026-11-02", "--json")
    assert got.exit_code == 0, got.output
    received = json.loads(got.stdout)
    assert [r["kind"] for r in received["imported"]] == ["999", "999", "277CA", "277CA"]
    assert sum(r["moved"].get("payer_accepted", 0) for r in received["imported"]) == 2
    assert len(received["remittances_waiting_for_posting"]) == 2
    listed = json.loads(run(env, "claims", "list", "--json").stdout)
    assert {c["status"] for c in listed} == {"payer_accepted"}

    ack = tmp_path / "sandbox" / "inbound" / "000000001.999"
    imported = run(env, "acks", "import", str(ack), "--json")
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["already_imported"] is True


def test_a_malformed_acknowledgment_is_a_located_error(env, tmp_path):
    bad = tmp_path / "bad.999"
    bad.write_text("ISA*00*          *00*          *ZZ*SANDBOXCH      *ZZ*123456789      *261102*0900*^*00501*"
                   "000000001*0*P*:~GS*FA*SANDBOXCH*123456789*20261102*0900*1*X*005010X231A1~ST*999*0001*"
                   "005010X231A1~AK1*HC*1*005010X222A1~SE*9*0001~GE*1*1~IEA*1*000000001~")
    result = run(env, "acks", "import", str(bad))
    assert result.exit_code == 1
    assert "bad.999" in result.stderr and "SE" in result.stderr
