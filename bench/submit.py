"""837 submission benchmark (not a test): build and write one 100k-claim 837P batch from claims in memory.

    .venv/bin/python bench/submit.py [--claims 100000] [--lines 10] [--out var/bench-submit/batch.837]

Claims are the ORM objects the claims service stores (``Claim`` with its lines, diagnoses, patient,
coverage, payer, billing entity, rendering provider and location), built in memory and never stored,
so the figure is the writer's: ``claims.submission.write_batch`` maps each claim to the X12 engine's
typed 837P claim (``claim_837``), the engine places every segment in its loop and writes the
interchange with counts and control numbers computed; then the text goes to a file. Each claim is a
10-line oncology infusion day (pembrolizumab or carboplatin + paclitaxel with their NDCs, the
administration codes, antiemetics, a visit) for one of 5,000 synthetic patients.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from oncobill.claims.models import Claim, ClaimDiagnosis, ClaimForm, ClaimLine, ClaimStatus
from oncobill.claims.submission import ControlNumbers, Receiver, billing_provider, write_batch
from oncobill.patients.models import Coverage, CoveragePriority, Patient, SubscriberRelationship
from oncobill.practice.models import BillingEntity, CareSetting, Payer, PayerKind, Provider, ServiceLocation

DAY = [  # code, modifiers, units, charge, NDC
    ("96413", (), "1", "412.00", None), ("96415", (), "1", "88.00", None), ("96417", (), "1", "190.00", None),
    ("96375", (), "1", "95.00", None), ("J9271", ("JZ",), "200", "19922.00", "00006302602"),
    ("J9045", ("JW",), "6", "510.00", "00703424811"), ("J9267", ("JZ",), "300", "1650.00", "00703476401"),
    ("J2469", ("JZ",), "10", "380.00", "62756025904"), ("J1100", (), "12", "28.00", "63323016501"),
    ("99214", ("25",), "1", "265.00", None),
]


def build(n: int, lines_per_claim: int) -> list[Claim]:
    entity = BillingEntity(legal_name="Bench Oncology Group", tin="990000123", group_npi="1234567893",
                           taxonomy="207RX0202X", address_line1="1 Bench Way", city="Springfield", state="IL",
                           zip_code="627010001", phone="2175550100")
    doctors = [Provider(npi=npi, first_name="Ada", last_name=f"Benchdoc{i}", credential="MD", taxonomy="207RX0202X",
                        role="physician") for i, npi in enumerate(("1558598797", "1003000126", "1003000134"))]
    clinic = ServiceLocation(name="Bench Infusion", place_of_service="11", setting=CareSetting.OFFICE,
                             address_line1="1 Bench Way", city="Springfield", state="IL", zip_code="627010001")
    payer = Payer(code="MCR", name="Medicare Part B", payer_id="SBMCR", kind=PayerKind.MEDICARE,
                  claim_filing_indicator="MB", timely_filing_days=365)
    coverages = []
    for p in range(5000):
        patient = Patient(account_number=f"B{p:06d}", first_name="Synth", last_name=f"Benchpatient{p}",
                          birth_date=date(1940, 1, 1) + timedelta(days=p), sex="FM"[p % 2],
                          address_line1=f"{p + 1} Sample St", city="Springfield", state="IL", zip_code="62704")
        coverages.append(Coverage(patient=patient, payer=payer, priority=CoveragePriority.PRIMARY,
                                  member_id=f"1EG4TE{p:05d}", relationship_to_subscriber=SubscriberRelationship.SELF,
                                  effective_date=date(2026, 1, 1)))
    claims = []
    for i in range(n):
        dos = date(2026, 10, 1) + timedelta(days=i % 28)
        pcn = f"OB{i + 1:08d}"
        cov = coverages[i % len(coverages)]
        c = Claim(id=i + 1, patient_control_number=pcn, patient=cov.patient, coverage=cov, payer=payer,
                  billing_entity=entity, rendering_provider=doctors[i % 3], location=clinic,
                  form=ClaimForm.PROFESSIONAL, frequency_code="1", status=ClaimStatus.READY, service_from=dos,
                  service_to=dos, created_at=datetime(2026, 11, 2, 8, 0))
        c.diagnoses = [ClaimDiagnosis(sequence=1, icd10_code="Z51.11"), ClaimDiagnosis(sequence=2, icd10_code="C34.11")]
        for k in range(lines_per_claim):
            code, mods, units, charge, ndc = DAY[k % len(DAY)]
            mods = list(mods) + [None] * (4 - len(mods))
            c.lines.append(ClaimLine(line_number=k + 1, line_control_number=f"{pcn}-{k + 1:02d}", service_date=dos,
                                     code=code, modifier1=mods[0], modifier2=mods[1], modifier3=mods[2],
                                     modifier4=mods[3], units=Decimal(units), charge=Decimal(charge), ndc=ndc,
                                     ndc_quantity=Decimal(2) if ndc else None, ndc_unit="UN" if ndc else None,
                                     dx_pointers="1:2"))
        claims.append(c)
    return claims


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--lines", type=int, default=10)
    ap.add_argument("--out", type=Path, default=ROOT / "var" / "bench-submit" / "batch.837")
    args = ap.parse_args()
    t0 = time.perf_counter()
    gc.disable()
    claims = build(args.claims, args.lines)
    gc.enable()
    built = time.perf_counter() - t0
    print(f"{args.claims:,} claims x {args.lines} lines built in memory in {built:.1f} s (not part of the figure)")
    gc.collect()
    t1, c1 = time.perf_counter(), time.process_time()
    text = write_batch(claims, ControlNumbers(1, 1, 1), submitter=billing_provider(claims[0]),
                       contact_phone="2175550100", receiver=Receiver(), when=datetime(2026, 11, 2, 9, 0))
    t2 = time.perf_counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    t3, c3 = time.perf_counter(), time.process_time()
    segments = text.count("~")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"map + build + write the interchange: {t2 - t1:.1f} s; to file: {t3 - t2:.2f} s; total {t3 - t1:.1f} s "
          f"wall, {c3 - c1:.1f} s CPU")
    print(f"{args.claims / (t3 - t1):,.0f} claims/s; {segments:,} segments, {len(text) / 1e6:.0f} MB -> {args.out}")
    print(f"peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
