"""Two billers run the secondary-claim step at the same moment on PostgreSQL after the primary reversed
and adjudicated again: the stale secondary claim is replaced once (its row is locked while it is checked
and replaced; the second run then finds it closed)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select
from tests.claims.test_secondary_corrected import (
    FIRST,
    LATER,
    LATEST,
    TODAY,
    _accepted,
    _medicare_again,
    _primary_paid,
    _secondary_paid,
)
from tests.remittance.helpers import practice

from oncobill.claims.models import Claim
from oncobill.claims.secondary import build_secondary_claims
from oncobill.claims.submission import Receiver, create_batches
from oncobill.db import make_engine, unit_of_work
from oncobill.migrations.runner import upgrade


def test_two_runs_at_once_replace_the_stale_secondary_claim_once(new_database, postgres_server_url):
    url = new_database("postgresql")
    upgrade(url=url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        p = practice(session)
        primary = _primary_paid(session, p)
        (sec,) = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY).built
        create_batches(session, actor="biller", now=LATER, claims=[sec], receiver=Receiver())
        _accepted(sec)
        _secondary_paid(session, sec)
        corrected = [("96413", "350.00", "100.00", [("CO", "45", "150.00"), ("PR", "1", "100.00")], (), "1"),
                     FIRST[1]]
        _medicare_again(session, primary, corrected)
    first_done = threading.Event()
    replaced: dict[str, int] = {}

    def first() -> None:
        with unit_of_work(engine) as session:
            replaced["first"] = len(build_secondary_claims(session, actor="one", now=LATEST, today=TODAY).replaced)
            first_done.set()
            time.sleep(1.0)  # the second run starts while this one has not committed

    def second() -> None:
        first_done.wait(10)
        with unit_of_work(engine) as session:
            replaced["second"] = len(build_secondary_claims(session, actor="two", now=LATEST, today=TODAY).replaced)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    with unit_of_work(engine) as session:
        count = session.scalar(select(func.count()).select_from(Claim).where(Claim.frequency_code == "7"))
    engine.dispose()
    assert replaced == {"first": 1, "second": 0}
    assert count == 1
