"""Two billers build secondary claims at the same moment on PostgreSQL: one secondary claim per claim
(the primary claim's row is locked while the follow-up is checked and built)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select
from tests.remittance.helpers import NOW, billed_claim, clp, era_text, practice, svc

from oncobill.claims.models import Claim
from oncobill.claims.secondary import build_secondary_claims
from oncobill.db import make_engine, unit_of_work
from oncobill.migrations.runner import upgrade
from oncobill.remittance import service as remittance


def test_two_runs_at_once_build_one_secondary_claim(new_database, postgres_server_url):
    url = new_database("postgresql")
    upgrade(url=url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        p = practice(session)
        claim = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
        remittance.import_era(session, "r.835", era_text([clp(claim, "1", [
            svc("96413", "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")])])]).encode(),
            actor="poster", now=NOW)
    first_built = threading.Event()
    built: dict[str, int] = {}

    def first() -> None:
        with unit_of_work(engine) as session:
            built["first"] = len(build_secondary_claims(session, actor="one", now=NOW).built)
            first_built.set()
            time.sleep(1.0)  # the second run starts while this one has not committed

    def second() -> None:
        first_built.wait(10)
        with unit_of_work(engine) as session:
            built["second"] = len(build_secondary_claims(session, actor="two", now=NOW).built)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    with unit_of_work(engine) as session:
        count = session.scalar(select(func.count()).select_from(Claim).where(Claim.primary_claim_id.is_not(None)))
    engine.dispose()
    assert built == {"first": 1, "second": 0}
    assert count == 1
