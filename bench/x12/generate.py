"""Synthetic 835 and 837P files of any size for the benchmark (synthetic patients only).

Both are written by OncoBill's own typed writers, so generating them also exercises writing;
``synthetic_claims`` is also the document whose 837P write the benchmark times.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from oncobill.x12 import claims837
from oncobill.x12.remit835 import ClaimPayment, Remittance, ServicePayment, remittance_segments
from oncobill.x12.segments import Address, Adjustment, Payer, Person, Procedure, Provider
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


def synthetic_claims(n_claims: int, seed: int = 11, providers: int = 3) -> claims837.ProfessionalClaims:
    """*n_claims* plausible oncology office claims for made-up patients (the 837P write benchmark's)."""
    rng = random.Random(seed)
    codes = [("96413", "412.00", None), ("96415", "88.00", None), ("96367", "95.00", None),
             ("J9271", "10.50", ("00006302602", "ML")), ("J2506", "14.20", ("55513019001", "UN")),
             ("99214", "160.00", None), ("96360", "150.00", None)]  # fmt: skip
    bps = [
        Provider(f"TEST ONCOLOGY GROUP {i}", npi, "2", address=Address(f"{100 + i} MAIN ST", "SPRINGFIELD", "IL",
                 "627010001"), tax_id=f"99000000{i}", taxonomy="207RX0202X")
        for i, npi in enumerate(("1234567893", "1558598797", "1003000126")[:providers])
    ]  # fmt: skip
    payer = Payer("SYNTHETIC HEALTH PLAN", "99999", Address("1 PAYER WAY", "SPRINGFIELD", "IL", "62701"))
    claims = []
    for i in range(n_claims):
        sub = Person(f"TESTPATIENT{i % 991}", "SYNTH", f"MEM{i // 2:09d}",
                     Address(f"{i % 900 + 1} ELM ST", "SPRINGFIELD", "IL", "62704"),
                     date(1950, 1, 1) + timedelta(days=i % 9000), "F" if i % 2 else "M")  # fmt: skip
        lines = []
        dos = date(2026, 10, 1) + timedelta(days=i % 28)
        for j in range(rng.randint(1, 4)):
            code, price, ndc = rng.choice(codes)
            units = Decimal(rng.randint(1, 4))
            drug = claims837.DrugIdentification(ndc[0], Decimal(rng.randint(1, 8)), ndc[1]) if ndc else None
            line = claims837.ServiceLine(Procedure("HC", code), Decimal(price) * units, units, dos, (1,),
                                         line_control_number=f"L{i:08d}{j}", drug=drug)  # fmt: skip
            lines.append(line)
        claims.append(
            claims837.ProfessionalClaim(
                f"PCN{i:09d}", sum((ln.charge for ln in lines), Decimal("0.00")), "11", ["C5011", "Z5111"],
                lines, bps[i % len(bps)], sub, payer, claims837.Coverage("P", "18", "GRP001", "CI"),
            )
        )  # fmt: skip
    return claims837.ProfessionalClaims(
        "TEST ONCOLOGY GROUP", "TOG0001", "BILLING OFFICE", "2175550100", "SYNTHETIC CLEARINGHOUSE",
        "CLEAR01", claims, reference="BATCH0001",
    )  # fmt: skip


def x837p_text(n_claims: int, seed: int = 11) -> str:
    """A generated 837P (005010X222A1) with *n_claims* claims, written by OncoBill's typed writer."""
    return claims837.write_837p(synthetic_claims(n_claims, seed), control_number=1, when=WHEN)
