"""The payer's memory between runs: ``mailbox/sandbox_state/state.json``, written atomically.

Holds the control-number counters, the files already processed (by content hash, so a file
dropped twice is processed once), and per payer the member accumulators, the services already
adjudicated (duplicate detection), the authorization units used, every adjudicated claim by its
payer claim number (so a replacement or void can reverse it) and the amount each payee owes the
payer after a reversal took back more than a remittance paid (carried as PLB FB). A lock file keeps two runs
from interleaving.
"""

from __future__ import annotations

import fcntl
import json
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

from oncobill.fileio import write_atomic
from oncobill.sandbox_payer.adjudicate import Accumulator
from oncobill.sandbox_payer.rules import PayerHistory

VERSION = 1


class StateError(ValueError):
    """The state file cannot be read; the message names the file and the reason."""


class PayerState:
    def __init__(self, raw: dict | None = None) -> None:
        raw = raw or {}
        self.accumulators: dict[str, dict[date, Accumulator]] = {}
        for key, acc in raw.get("accumulators", {}).items():
            member, _, year = key.rpartition("|")
            self.accumulators.setdefault(member, {})[date.fromisoformat(year)] = Accumulator(
                Decimal(acc["deductible_met"]), Decimal(acc["oop_met"])
            )
        self.claims: dict[str, dict] = dict(raw.get("claims", {}))  # payer claim number -> record
        self.forward_balance: dict[str, Decimal] = {k: Decimal(v) for k, v in raw.get("forward_balance", {}).items()}
        self.history = PayerHistory(
            dict(raw.get("lines", {})), {k: Decimal(v) for k, v in raw.get("auth_used", {}).items()},
            {k: list(v) for k, v in raw.get("days", {}).items()},
        )

    def to_json(self) -> dict:
        return {
            "accumulators": {
                f"{member}|{year.isoformat()}": {"deductible_met": str(acc.deductible_met), "oop_met": str(acc.oop_met)}
                for member, years in sorted(self.accumulators.items())
                for year, acc in sorted(years.items())
            },
            "lines": self.history.lines,
            "auth_used": {k: str(v) for k, v in self.history.auth_used.items()},
            "days": {k: v for k, v in self.history.days.items() if v},
            "claims": self.claims,
            "forward_balance": {k: str(v) for k, v in self.forward_balance.items() if v},
        }


class SandboxState:
    def __init__(self, raw: dict | None = None) -> None:
        raw = raw or {}
        self.counters: dict[str, int] = dict(raw.get("counters", {}))
        self.processed: dict[str, dict] = dict(raw.get("processed", {}))
        self.payers: dict[str, PayerState] = {k: PayerState(v) for k, v in raw.get("payers", {}).items()}

    def next(self, counter: str, start: int = 1) -> int:
        value = self.counters.get(counter, start - 1) + 1
        self.counters[counter] = value
        return value

    def payer(self, payer_id: str) -> PayerState:
        return self.payers.setdefault(payer_id, PayerState())

    def to_json(self) -> dict:
        return {"version": VERSION, "counters": self.counters, "processed": self.processed,
                "payers": {k: v.to_json() for k, v in sorted(self.payers.items())}}  # fmt: skip


def state_path(mailbox: Path) -> Path:
    return mailbox / "sandbox_state" / "state.json"


def load_state(mailbox: Path) -> SandboxState:
    path = state_path(mailbox)
    if not path.exists():
        return SandboxState()
    try:
        raw = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise StateError(f"{path}: line {exc.lineno}: {exc.msg}") from None
    if raw.get("version") != VERSION:
        raise StateError(f"{path}: state version {raw.get('version')!r}, this sandbox reads version {VERSION}")
    return SandboxState(raw)



def save_state(mailbox: Path, state: SandboxState) -> None:
    write_atomic(state_path(mailbox), json.dumps(state.to_json(), indent=1, sort_keys=True))


@contextmanager
def locked(mailbox: Path):
    """Hold the sandbox's lock for one run, so two runs never process the same file."""
    folder = mailbox / "sandbox_state"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
