"""Whatever well-formed 837P the practice sends (random shapes from the X12 engine's strategies:
several providers, dependents, COB lines, replacements), the sandbox answers without failing, every
claim is either rejected in the 277CA or adjudicated, and every response passes pyx12."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oncobill.sandbox_payer import process_inbox
from oncobill.x12.claims837 import write_837p

from ..x12 import strategies as s
from ..x12.oracle import pyx12_errors
from .builders import COMMERCIAL, MEDICAID, MEDICARE, MEDIGAP, config
from .conftest import Sandbox

PAYERS = {"MBR001": MEDICARE, "MBR003": MEDIGAP, "C100": COMMERCIAL, "MCD100": MEDICAID, "NOBODY": MEDICARE}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s.professional_claims(), st.lists(st.sampled_from(sorted(PAYERS)), min_size=5, max_size=5))
def test_any_well_formed_837p_is_answered(doc, members):
    for n, c in enumerate(doc.claims):
        who = members[n % len(members)]
        c.subscriber.member_id, c.payer = who, PAYERS[who]
    with tempfile.TemporaryDirectory() as tmp:
        sandbox = Sandbox(Path(tmp), config())
        (sandbox.box / "outbound" / "random.837").write_text(write_837p(doc, control_number=4242))
        report = process_inbox(sandbox.box, today=date(2026, 12, 15))
        (f,) = report.files
        assert f.ack_999_status in ("A", "E"), f.problems
        for path in (f.ack_999, f.ack_277ca, f.remittance):
            if path is not None:
                assert pyx12_errors(path.read_text()) == [], path.name
        pcns = {c.patient_control_number for c in doc.claims}
        assert {c.patient_control_number for c in report.claims} == pcns
