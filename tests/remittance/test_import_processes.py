"""Real processes: two imports of the same 835 at once post it once (PostgreSQL); an import killed
in the middle leaves nothing, and importing again posts everything (both databases)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from oncobill.db import make_engine, unit_of_work
from oncobill.ledger import service as ledger
from oncobill.ledger.models import JournalEntry
from oncobill.ledger.rules import Account
from oncobill.migrations.runner import upgrade
from oncobill.remittance.models import EraImport, RemitClaim
from tests.remittance.helpers import billed_claim, clp, era_text, practice, svc

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = 6


def _seed(url: str, tmp_path: Path) -> Path:
    upgrade(url=url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        p = practice(session)
        claims = [billed_claim(session, p, [("96413", "350.00", (), 1), ("96415", "80.00", (), 1)])
                  for _ in range(CLAIMS)]
        text = era_text([clp(c, "1", [svc("96413", "350.00", "250.00", [("CO", "45", "80.00"), ("PR", "2", "20.00")]),
                                      svc("96415", "80.00", "60.00", [("CO", "45", "20.00")])], icn=f"ICN{i}")
                         for i, c in enumerate(claims)], trace="RACE0001")
    engine.dispose()
    path = tmp_path / "remit.835"
    path.write_text(text)
    return path


def _worker(url: str, path: Path, mode: str, arg: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'src'}")
    return subprocess.Popen([sys.executable, "-m", "tests.remittance.era_worker", url, str(path), mode, arg],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _state(url: str) -> tuple[int, int, Decimal, bool]:
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        out = (session.scalar(select(func.count()).select_from(EraImport)),
               session.scalar(select(func.count()).select_from(RemitClaim)),
               ledger.trial_balance(session).get(Account.CASH, Decimal("0.00")),
               ledger.is_balanced(session))
        entries = session.scalar(select(func.count()).select_from(JournalEntry))
    engine.dispose()
    return (*out, entries)


def test_two_processes_import_the_same_835_at_once_and_it_posts_once(new_database, tmp_path):
    url = new_database("postgresql")
    path = _seed(url, tmp_path)
    start = str(time.time() + 1.5)
    workers = [_worker(url, path, "race", start) for _ in range(2)]
    outputs = [w.communicate(timeout=60) for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    outcomes = sorted(json.loads(out)[0] for out, _ in outputs)
    assert outcomes == ["already imported", "posted"]
    imports, remit_claims, cash, balanced, _ = _state(url)
    assert (imports, remit_claims, cash, balanced) == (1, CLAIMS, Decimal("310.00") * CLAIMS, True)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_import_killed_in_the_middle_leaves_nothing_and_the_next_posts_everything(new_database, tmp_path, kind):
    url = new_database(kind)
    path = _seed(url, tmp_path)
    before = _state(url)
    killed = _worker(url, path, "kill", str(CLAIMS // 2))
    killed.communicate(timeout=60)
    assert killed.returncode == -9  # SIGKILL after half the claims were posted (flushed, not committed)
    assert _state(url) == before
    again = _worker(url, path, "none", "0")
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert json.loads(out) == ["posted"]
    imports, remit_claims, cash, balanced, _ = _state(url)
    assert (imports, remit_claims, cash, balanced) == (1, CLAIMS, Decimal("310.00") * CLAIMS, True)
