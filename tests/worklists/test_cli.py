"""`oncobill denials | deposits | underpayments` on a database with posted denials (both backends):
--json on list/show, the acts committed, located errors and a non-zero exit on bad input."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from oncobill.claims.models import Claim
from oncobill.cli.main import app
from oncobill.db import make_engine, unit_of_work
from oncobill.ledger import service as ledger
from oncobill.migrations.runner import upgrade
from oncobill.remittance.models import Deposit, DepositMatch
from oncobill.worklists.models import DenialWorkItem, UnderpaymentItem
from tests.worklists.helpers import D, billed_claim, clp, denied, post, setup_practice, svc
from tests.worklists.test_deposits import CSV, bai2
from tests.worklists.test_underpayment_queue import short_paid

runner = CliRunner()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request, new_database):
    """A committed database: a CO-16 and a CO-50 denial, an underpaid line, ERAs EFT900 and EFT150."""
    url = new_database(request.param)
    upgrade(url=url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        p = setup_practice(session)
        _c, npi = denied(session, p, icn="ICN-CLI1")
        _c, med = denied(session, p, denial=("CO", "50"), remarks=(), icn="ICN-CLI2")
        for trace, paid in (("EFT900", "9000.00"), ("EFT150", "150.00")):
            claim = billed_claim(session, p, [("96413", "9350.00", (), 1)])
            line = svc("96413", "9350.00", paid, [("CO", "45", str(D("9350.00") - D(paid)))],
                       control=claim.lines[0].line_control_number, allowed=paid)
            post(session, [clp(claim, "1", [line], icn=f"ICN-{trace}")], trace=trace)
        short_paid(session, p, allowed="90.00", expected="133.27")
        ids = {"npi": npi.id, "med": med.id}
    engine.dispose()
    return url, ids


def run(url, *args):
    return runner.invoke(app, [str(a) for a in args], env={"ONCOBILL_DATABASE_URL": url, "COLUMNS": "200"})


def err(result) -> str:
    """stderr with the console's line wrapping undone."""
    return " ".join(result.stderr.split())


def read(url, fn):
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            return fn(session)
    finally:
        engine.dispose()


def test_denials_list_show_assign_act(db, tmp_path):
    url, ids = db
    listed = run(url, "denials", "list", "--json", "--today", "2026-11-25")
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.stdout)
    assert {r["id"] for r in data["items"]} >= set(ids.values())
    assert {t["queue"] for t in data["totals"]} >= {"claim_data", "medical_necessity"}
    only = json.loads(run(url, "denials", "list", "--json", "--queue", "medical_necessity").stdout)
    assert [r["id"] for r in only["items"]] == [ids["med"]]
    shown = run(url, "denials", "show", ids["npi"], "--json", "--today", "2026-11-25")
    assert json.loads(shown.stdout)["payer_claim_number"] == "ICN-CLI1"
    text = run(url, "denials", "show", ids["npi"])
    assert text.exit_code == 0 and "next: corrected_claim" in text.stdout
    assert run(url, "denials", "assign", ids["npi"], "carol", "--actor", "lead").exit_code == 0
    acted = run(url, "denials", "act", ids["npi"], "corrected_claim", "--actor", "carol", "--json")
    assert acted.exit_code == 0, acted.output
    new_pcn = json.loads(acted.stdout)["result_claim"]
    assert read(url, lambda s: s.scalar(select(Claim.frequency_code).where(
        Claim.patient_control_number == new_pcn))) == "7"
    letter = tmp_path / "appeal.md"
    appealed = run(url, "denials", "act", ids["med"], "appeal", "--letter", letter, "--attach", "records",
                   "--actor", "appeals1")
    assert appealed.exit_code == 0, appealed.output
    assert "CO-50" in letter.read_text() and "records" in letter.read_text()
    assert read(url, lambda s: s.get(DenialWorkItem, ids["med"]).status) == "in_progress"
    assert json.loads(run(url, "denials", "show", ids["med"], "--json").stdout)["document"] == letter.read_text()
    assert "appeal letter on the item" in run(url, "denials", "show", ids["med"]).stdout
    closed = run(url, "denials", "close-paid", "--actor", "poster")
    assert closed.exit_code == 0 and "0 appealed item(s)" in closed.stdout


def test_denials_bad_input_exits_non_zero_and_writes_nothing(db):
    url, ids = db
    before = read(url, lambda s: (s.scalar(select(func.count()).select_from(Claim)), ledger.is_balanced(s)))
    cases = [
        (("denials", "act", ids["npi"], "refund"), "action 'refund' is not one of"),
        (("denials", "act", 999999, "no_action", "--note", "x"), "unknown denial work item: 999999"),
        (("denials", "act", ids["npi"], "corrected_claim"), "the item is done"),
        (("denials", "act", ids["med"], "write_off", "--amount", "12.345"), "amount"),
        (("denials", "list", "--due-before", "tomorrow"), "--due-before 'tomorrow' must be a date"),
        (("denials", "list", "--payer", "NOPE"), "unknown payer"),
        (("denials", "act", ids["med"], "transfer_to_patient"), "CO-50 is not patient responsibility"),
    ]
    for args, message in cases:
        result = run(url, *args)
        assert result.exit_code == 1, (args, result.output)
        assert message in err(result), (args, result.stderr)
    assert read(url, lambda s: (s.scalar(select(func.count()).select_from(Claim)), ledger.is_balanced(s))) == before


def test_deposits_import_add_reconcile_confirm(db, tmp_path):
    url, _ids = db
    bank = tmp_path / "nov.bai"
    bank.write_text(bai2([("165", 900000, "SBREF1", "HCCLAIMPMT TRN*1*EFT900*1999999999")]))
    first = run(url, "deposits", "import", bank, "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["format"] == "bai2" and len(json.loads(first.stdout)["added"]) == 1
    assert json.loads(run(url, "deposits", "import", bank, "--json").stdout)["already_imported"] == 1
    added = run(url, "deposits", "add", "--date", "2026-11-19", "--amount", "150.00", "--reference", "LOCKBOX-3")
    assert added.exit_code == 0, added.output
    report = run(url, "deposits", "reconcile", "--json")
    assert report.exit_code == 0, report.output
    data = json.loads(report.stdout)
    assert data["totals"]["matched_now"] == 1 and len(data["suggestions"]) == 1
    s = data["suggestions"][0]
    text = run(url, "deposits", "reconcile")
    assert "suggested 1" in text.stdout and "posted to nobody yet" in text.stdout
    ok = run(url, "deposits", "confirm", s["deposit"]["deposit_id"], s["era"]["era_id"], "--actor", "lead")
    assert ok.exit_code == 0 and "confirmed by lead" in ok.stdout
    again = run(url, "deposits", "confirm", s["deposit"]["deposit_id"], s["era"]["era_id"])
    assert again.exit_code == 1 and "already matched" in err(again)
    assert read(url, lambda s: sorted(m.how for m in s.scalars(select(DepositMatch)))) == ["confirmed", "trace"]
    listed = json.loads(run(url, "deposits", "list", "--json").stdout)
    assert all(r["matched"] for r in listed)


def test_deposits_bad_files(db, tmp_path):
    url, _ids = db
    before = read(url, lambda s: s.scalar(select(func.count()).select_from(Deposit)))
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("150.00,DEP-77", "15O.00,DEP-77"))
    result = run(url, "deposits", "import", bad)
    assert result.exit_code == 1 and "bad.csv line 4: amount" in err(result)
    assert run(url, "deposits", "import", bad, "--format", "ofx").exit_code == 1
    missing = run(url, "deposits", "import", tmp_path / "nope.csv")
    assert missing.exit_code != 0
    typed = run(url, "deposits", "add", "--date", "2026-13-01", "--amount", "5", "--reference", "X")
    assert typed.exit_code == 1 and "not a date" in err(typed)
    assert read(url, lambda s: s.scalar(select(func.count()).select_from(Deposit))) == before


def test_underpayments_list_show_resolve(db):
    url, _ids = db
    listed = run(url, "underpayments", "list", "--json")
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.stdout)
    assert data["items"] and data["totals"][0]["payer"] == "MCR"
    item_id = data["items"][0]["id"]
    shown = json.loads(run(url, "underpayments", "show", item_id, "--json").stdout)
    assert D(shown["expected"]) - D(shown["allowed"]) == D(shown["shortfall"])
    assert run(url, "underpayments", "resolve", item_id, "disputed", "--note", "asked").exit_code == 0
    bad = run(url, "underpayments", "resolve", item_id, "disputed")
    assert bad.exit_code == 1 and "the item is disputed; allowed: recovered, accepted" in err(bad)
    noted = run(url, "underpayments", "resolve", item_id, "accepted")
    assert noted.exit_code == 1 and "--note" in err(noted)
    assert run(url, "underpayments", "resolve", item_id, "accepted", "--note", "ok").exit_code == 0
    assert read(url, lambda s: s.get(UnderpaymentItem, item_id).status) == "accepted"
    assert run(url, "underpayments", "resolve", item_id, "paid").exit_code == 1
