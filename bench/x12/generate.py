"""Synthetic 835 and 837P files of any size for the benchmark (synthetic patients only).

The 835 is written by OncoBill's own typed writer, so generating it also exercises writing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from oncobill.x12.remit835 import (
    Adjustment,
    ClaimPayment,
    Procedure,
    Remittance,
    ServicePayment,
    remittance_segments,
)
from oncobill.x12.specs.x835 import SPEC as SPEC_835
from oncobill.x12.tokenizer import make_segment
from oncobill.x12.writer import build_interchange, write

CODES = [("96413", "412.00"), ("96415", "88.00"), ("96367", "95.00"), ("J9271", "10.50"), ("J2506", "14.20"),
         ("77427", "520.00"), ("77386", "910.00"), ("99214", "160.00"), ("96360", "150.00"), ("J9045", "8.30")]  # fmt: skip
WHEN = datetime(2026, 11, 2, 9, 30)


def remittance(n_claims: int, seed: int = 7) -> Remittance:
    rng = random.Random(seed)
    claims = []
    for i in range(n_claims):
        lines = []
        for j in range(rng.randint(1, 3)):
            code, price = rng.choice(CODES)
            units = rng.randint(1, 4)
            charge = Decimal(price) * units
            allowed = (charge * Decimal("0.80")).quantize(Decimal("0.01"))
            coins = (allowed * Decimal("0.20")).quantize(Decimal("0.01"))
            paid = allowed - coins
            lines.append(
                ServicePayment(
                    Procedure("HC", code),
                    charge,
                    paid,
                    units_paid=Decimal(units),
                    service_date=date(2026, 10, 1) + timedelta(days=i % 28),
                    adjustments=[Adjustment("CO", "45", charge - allowed), Adjustment("PR", "2", coins)],
                    line_control_number=f"L{i:07d}{j}",
                    allowed=allowed,
                )
            )
        charge = sum((ln.charge for ln in lines), Decimal("0.00"))
        paid = sum((ln.paid for ln in lines), Decimal("0.00"))
        pr = sum((a.amount for ln in lines for a in ln.adjustments if a.group == "PR"), Decimal("0.00"))
        claims.append(
            ClaimPayment(
                f"PCN{i:08d}", "1", charge, paid, pr, "12", f"ICN{i:010d}", "11", "1",
                patient_last_name=f"TESTPATIENT{i % 997}", patient_first_name="SYNTH",
                patient_id_qualifier="MI", patient_id=f"MEM{i:09d}", services=lines,
            )
        )  # fmt: skip
    total = sum((c.paid for c in claims), Decimal("0.00"))
    bpr = make_segment(
        [
            "BPR",
            "I",
            "0",
            "C",
            "ACH",
            "CCP",
            "01",
            "999999999",
            "DA",
            "123456",
            "1512345678",
            "",
            "01",
            "999988880",
            "DA",
            "98765",
            "20261102",
        ]
    )
    return Remittance(
        total, "C", "I", "ACH", date(2026, 11, 2), "EFT20261102", "1512345678", "SYNTHETIC HEALTH PLAN", "99999",
        ("1 PAYER WAY", "SPRINGFIELD", "IL", "627010000"), "8005550100", "TEST ONCOLOGY GROUP", "XX", "1234567893",
        claims=claims,
        bpr=bpr,
    )  # fmt: skip


def x835(n_claims: int, *, with_per_bl: bool = True, seed: int = 7) -> str:
    from oncobill.x12.writer import build_transaction

    segs = remittance_segments(remittance(n_claims, seed))
    if not with_per_bl:  # linuxforhealth-x12 crashes on the required PER*BL
        segs = [s for s in segs if not (s[0] == "PER" and s[1] == "BL")]
    txn = build_transaction(SPEC_835, 1, segs)
    ic = build_interchange([(SPEC_835, [txn])], sender_id="SYNTHPAYER", receiver_id="ONCOCLINIC",
                           control_number=1, when=WHEN)  # fmt: skip
    return write(ic, line_breaks=False)


def x837p_text(n_claims: int, seed: int = 11) -> str:
    """A generated 837P (005010X222A1) with *n_claims* claims, written by OncoBill's typed writer."""
    from oncobill.x12.claims837 import synthetic_claims, write_837p

    return write_837p(synthetic_claims(n_claims, seed), control_number=1, when=WHEN)
