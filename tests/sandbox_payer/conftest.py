"""Run the sandbox payer on synthetic 837s in a temporary mailbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncobill.sandbox_payer import process_inbox
from oncobill.x12.codesets import CodeSetsLookup
from oncobill.x12.validate import validate

from ..x12.oracle import pyx12_errors
from .builders import TODAY, batch, config, drop, mailbox, remits


class Sandbox:
    """A mailbox with a config; ``send`` drops one 837 batch and runs the payer on it."""

    def __init__(self, root: Path, cfg: dict | None = None) -> None:
        self.box = mailbox(root, cfg or config())
        self.sent = 0

    def send(self, claims, *, today=TODAY, control_number: int | None = None):
        self.sent += 1
        number = control_number or 100 + self.sent
        drop(self.box, f"batch{number}.837", batch(claims, control_number=number, reference=f"BATCH{number}"))
        report = process_inbox(self.box, today=today)
        for f in report.files:
            for path in (f.ack_999, f.ack_277ca, f.remittance):
                if path is not None:  # every response passes pyx12 and our own validator, with zero errors
                    text = path.read_text()
                    assert pyx12_errors(text) == [], path.name
                    errors = [x.located() for x in validate(text, CodeSetsLookup()).errors()]
                    assert errors == [], f"{path.name}: {errors}"
        return report

    def remits(self, report):
        path = report.files[-1].remittance
        return remits(path) if path else []

    def claim(self, report, pcn: str, payer_id: str | None = None):
        """The CLP loop for *pcn* in the run's 835 (from *payer_id*'s transaction when given)."""
        for remit in self.remits(report):
            if payer_id and remit.payer_id != payer_id:
                continue
            for c in remit.claims:
                if c.patient_control_number == pcn:
                    return c
        raise AssertionError(f"no CLP for {pcn} ({payer_id or 'any payer'})")


@pytest.fixture
def sandbox(tmp_path) -> Sandbox:
    return Sandbox(tmp_path)


@pytest.fixture
def make_sandbox(tmp_path):
    def make(cfg: dict) -> Sandbox:
        return Sandbox(tmp_path, cfg)

    return make
