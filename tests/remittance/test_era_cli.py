"""`oncobill era import` on a fresh database: corpus 835s are quarantined (when they break a rule) or
keyed and their claims, which this practice never billed, land in the work queue; again: nothing."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from oncobill.cli.main import app
from oncobill.db import make_engine, unit_of_work
from oncobill.ledger.models import JournalEntry
from oncobill.migrations.runner import upgrade
from oncobill.remittance.models import QuarantinedEra
from oncobill.worklists.models import RemitWorkItem
from tests.remittance.test_era_show import FILES

BY_NAME = {p.name: p for p in FILES}


def test_era_import_cli_quarantines_keys_and_queues(new_database, monkeypatch):
    url = new_database("sqlite")
    upgrade(url=url)
    monkeypatch.setenv("ONCOBILL_DATABASE_URL", url)
    run = lambda *args: CliRunner().invoke(app, ["era", "import", "--json", "--actor", "tester", *map(str, args)])
    bad = run(BY_NAME["linuxforhealth__tertiary-payment.835"])
    assert bad.exit_code == 0, bad.output
    assert json.loads(bad.output)["sets"][0]["outcome"] == "quarantined"
    good = run(BY_NAME["linuxforhealth__cob-contractural-adjustment.835"])
    sets = json.loads(good.output)["sets"]
    assert [s["outcome"] for s in sets] == ["posted"] and sets[0]["work_items"] >= 1
    again = run(BY_NAME["linuxforhealth__cob-contractural-adjustment.835"])
    assert json.loads(again.output)["sets"][0]["outcome"] == "already imported"
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(QuarantinedEra)) == 1
        kinds = set(session.scalars(select(RemitWorkItem.kind)))
        assert kinds == {"unmatched_claim"}
        assert session.scalar(select(func.count()).select_from(JournalEntry)) == 0
    engine.dispose()
    text = CliRunner().invoke(app, ["era", "import", str(BY_NAME["linuxforhealth__managed-care.835"])])
    assert text.exit_code == 0 and "quarantined" in text.output and "BPR16" in text.output
