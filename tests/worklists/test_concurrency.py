"""Two people working the same item at the same moment on PostgreSQL: the second waits for the
first and is then refused, so a denial is written off (or a deposit confirmed) once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from oncobill.db import make_engine, unit_of_work
from oncobill.denials import service as denials
from oncobill.ledger import service as ledger
from oncobill.ledger.models import JournalEntry
from oncobill.migrations.runner import upgrade
from oncobill.remittance import deposits
from oncobill.remittance.models import DepositMatch
from oncobill.worklists.queues import Refused
from tests.concurrency import race
from tests.worklists.helpers import ACT_AT, D, billed_claim, clp, denied, post, setup_practice, svc


@pytest.fixture
def engine(new_database):
    url = new_database("postgresql")
    upgrade(url=url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_one_write_off_when_two_people_act_at_once(engine):
    with unit_of_work(engine) as session:
        _claim, item = denied(session, setup_practice(session), denial=("CO", "197"), remarks=())
        item_id = item.id
    act = lambda who: lambda s: denials.act(s, item_id, "write_off", actor=who, now=ACT_AT)
    [second] = race(engine, act("ana"), act("ben"))
    assert isinstance(second, Refused) and "the item is done (write_off, by ana" in str(second)
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(JournalEntry).where(
            JournalEntry.source == f"denial work item {item_id}")) == 1
        assert ledger.is_balanced(session)


def test_one_confirmation_of_a_deposit_at_once(engine):
    with unit_of_work(engine) as session:
        p = setup_practice(session)
        eras = []
        for trace in ("EQ1", "EQ2"):  # two ERAs of the same amount, either could be the deposit's
            claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
            line = svc("96413", "350.00", "200.00", [("CO", "45", "150.00")],
                       control=claim.lines[0].line_control_number)
            eras.append(post(session, [clp(claim, "1", [line], icn=f"ICN-{trace}")], trace=trace).id)
        dep = deposits.add_deposit(session, day="2026-11-19", amount=D("200.00"), reference="LOCKBOX",
                                   actor="c", now=ACT_AT).id
    confirm = lambda era: lambda s: deposits.confirm(s, dep, era, actor="c", now=ACT_AT)
    [second] = race(engine, confirm(eras[0]), confirm(eras[1]))
    assert "already matched" in str(second)
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(DepositMatch)) == 1


def test_two_reconciliations_at_once_store_each_match_once(engine):
    with unit_of_work(engine) as session:
        p = setup_practice(session)
        claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
        line = svc("96413", "350.00", "200.00", [("CO", "45", "150.00")], control=claim.lines[0].line_control_number)
        post(session, [clp(claim, "1", [line], icn="ICN-RQ")], trace="RQ1")
        deposits.add_deposit(session, day="2026-11-19", amount=D("200.00"), reference="RQ1", actor="c", now=ACT_AT)
    run = lambda s: deposits.reconcile(s, actor="c", now=ACT_AT)
    [second] = race(engine, run, run)
    assert "another reconciliation" in str(second)
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(DepositMatch)) == 1
        assert deposits.reconcile(session, actor="c", now=ACT_AT).matched_before == 1


def test_the_same_bank_file_imported_twice_at_once_adds_its_deposits_once(engine):
    from tests.worklists.test_deposits import CSV

    with unit_of_work(engine) as session:
        setup_practice(session)
    results: list = []
    run = lambda s: results.append(deposits.import_bank_text(s, "nov.csv", CSV, actor="c", now=ACT_AT))
    race(engine, run, run)
    assert sorted((len(r.added), r.already) for r in results) == [(0, 4), (4, 0)]
    with unit_of_work(engine) as session:
        assert len(deposits.list_deposits(session)) == 4
