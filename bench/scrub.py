"""Claim-scrubber benchmark (not a test): 10-line oncology claims scrubbed per second, one process.

    .venv/bin/python bench/scrub.py [--seconds 5] [--claims 20000] [--full-size]

Claims are plain ``ScrubClaim``s (what ``claims.service.scrub_view`` hands the edits), built from
five oncology day shapes (pembrolizumab, carboplatin + paclitaxel, FOLFOX, R-CHOP, IMRT
fractions), 10 lines each, spread over every date of service of Q4 2026, three payers and their
settings, with a share of deliberate errors (10x units, missing JZ, NCCI pairs, a pending
enrollment) so every edit does real work. All 17 edits run on every claim.

Tables: the NCCI PTP pairs and MUE values the code sets hold (bundled I/OCE pairs for the drug
administration, radiation and E/M families; the MUE quarter). ``--full-size`` lays synthetic rows
over them in memory up to the size of the complete CMS files (about 1.5 million practitioner PTP
pairs, 15,000 MUE codes) to show look-ups do not slow down with table size.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from oncobill.claims.records import (
    AuthorizationInfo,
    EnrollmentInfo,
    PayerInfo,
    PersonInfo,
    ProviderInfo,
    ScrubClaim,
    ScrubLine,
    SubscriberInfo,
)
from oncobill.claims.scrub import EDITS, ScrubContext, scrub
from oncobill.codes import default_code_sets

Q4 = [date(2026, 10, 1) + timedelta(days=i) for i in range(92)]

# (code, units, modifiers, pointers, ndc, ndc qty, ndc unit): ten lines a day.
DAYS = {
    "pembrolizumab": (("Z51.12", "C34.11"), [
        ("96413", 1, (), (1, 2)), ("J9271", 200, ("JZ",), (2,), "00006302602", "2", "UN"),
        ("99214", 1, ("25",), (2,)), ("96375", 2, (), (1, 2)), ("J2405", 8, (), (2,)),
        ("96367", 1, (), (1, 2)), ("J1100", 12, (), (2,)), ("96361", 1, (), (1, 2)), ("J7050", 1, (), (2,)),
        ("J1200", 1, (), (2,))]),
    "carbo_pacli": (("Z51.11", "C34.90"), [
        ("96413", 1, (), (1, 2)), ("96415", 2, (), (1, 2)), ("96417", 1, (), (1, 2)), ("96375", 2, (), (1, 2)),
        ("J2469", 10, ("JZ",), (2,)), ("J1100", 12, (), (2,)), ("J1200", 1, (), (2,)), ("J9267", 315, (), (2,)),
        ("J9045", 11, (), (2,)), ("99214", 1, ("25",), (2,))]),
    "folfox": (("Z51.11", "C18.7"), [
        ("96413", 1, (), (1, 2)), ("96415", 1, (), (1, 2)), ("96368", 1, (), (1, 2)), ("96411", 1, (), (1, 2)),
        ("96416", 1, (), (1, 2)), ("J9263", 323, ("JZ",), (2,)), ("J0640", 16, (), (2,)), ("J9190", 11, (), (2,)),
        ("J2405", 8, (), (2,)), ("99214", 1, ("25",), (2,))]),
    "r_chop": (("Z51.11", "C83.38"), [
        ("96413", 1, (), (1, 2)), ("96415", 2, (), (1, 2)), ("96417", 1, (), (1, 2)), ("96411", 2, (), (1, 2)),
        ("J9312", 72, (), (2,)), ("J9312", 8, ("JW",), (2,)), ("J9075", 240, (), (2,)), ("J9000", 10, (), (2,)),
        ("J9370", 2, (), (2,)), ("J1200", 1, (), (2,))]),
    "imrt": (("Z51.0", "C61"), [
        ("77412", 1, (), (1, 2)), ("77387", 1, (), (1, 2)), ("77412", 1, (), (1, 2)), ("77387", 1, (), (1, 2)),
        ("77412", 1, (), (1, 2)), ("77387", 1, (), (1, 2)), ("77412", 1, (), (1, 2)), ("77387", 1, (), (1, 2)),
        ("77427", 1, (), (1, 2)), ("77336", 1, (), (1, 2))]),
}

PAYERS = [
    (PayerInfo("MCR", "medicare", "SBMCR", "MB", 365, "Medicare Part B"), {"jw_jz_required": True,
                                                                            "retro_billing_days": 30}),
    (PayerInfo("MAPLAN", "medicare_advantage", "SBMAP", "16", 365, "Heartland MA"),
     {"jw_jz_required": True, "prior_auth_required": True}),
    (PayerInfo("MCD", "medicaid", "SBMCD", "MC", 180, "State Medicaid"), {"jw_jz_required": True,
                                                                           "prior_auth_required": True}),
]


def make_claims(count: int, seed: int = 7) -> list[ScrubClaim]:
    rng = random.Random(seed)
    shapes = list(DAYS)
    out = []
    for n in range(count):
        shape = shapes[n % len(shapes)]
        diagnoses, rows = DAYS[shape]
        payer, settings = PAYERS[n % len(PAYERS)]
        first = rng.choice(Q4[:-7])
        lines = []
        for i, row in enumerate(rows, start=1):
            code, units, mods, ptrs = row[:4]
            day = first + timedelta(days=(i - 1) // 2) if shape == "imrt" else first
            ndc = row[4] if len(row) > 4 else None
            lines.append(ScrubLine(i, day, code, Decimal(units), Decimal("125.00") * units, ptrs, mods, ndc,
                                   Decimal(row[5]) if ndc else None, row[6] if ndc else None, None, "PA-1"))
        if n % 10 == 3:  # a 10x error on the first drug line
            j = next(k for k, x in enumerate(lines) if x.code[0] in "JQ" or x.code == "77412")
            lines[j] = replace(lines[j], units=lines[j].units * 10)
        if n % 10 == 7:  # JZ forgotten
            lines = [replace(x, modifiers=tuple(m for m in x.modifiers if m != "JZ")) for x in lines]
        auth = AuthorizationInfo("PA-1", "approved", date(2026, 9, 1), date(2027, 2, 28),
                                 {code: None for code, *_ in rows})
        out.append(ScrubClaim(
            patient_control_number=f"OB{n:08d}", form="837P", place_of_service="11", payer=payer,
            billing=ProviderInfo("1999900008", "207RX0202X", "Riverbend Cancer Care PC", "990000123", "627010400"),
            rendering=ProviderInfo("1558598797", "207RX0202X" if shape != "imrt" else "2085R0001X", "Demo, MD"),
            patient=PersonInfo("Demo", "Patient", date(1950, 1, 1) + timedelta(days=n % 9000), "F", "1 Demo Lane",
                               "Riverbend", "IL", "62701"),
            subscriber=SubscriberInfo("1EG4TE5MK73" if payer.kind == "medicare" else f"M{n:09d}", "18",
                                      PersonInfo("Demo", "Patient", date(1950, 1, 1))),
            diagnoses=diagnoses, lines=tuple(lines), settings=settings,
            enrollments=(EnrollmentInfo("pending" if n % 50 == 0 else "enrolled", date(2020, 1, 1), None),),
            authorizations=(auth,), prior_authorization="PA-1"))
    return out


def pad_tables(codes) -> dict:
    """Lay synthetic rows over the loaded tables up to full CMS size (kept in memory only)."""
    hospital = codes._ncci["hospital"].items[-1]
    pairs = dict(hospital[3])
    rng = random.Random(11)
    while len(pairs) < 1_500_000:
        a, b = f"{rng.randint(10000, 99999)}", f"{rng.randint(10000, 99999)}"
        pairs.setdefault((a, b), [[rng.choice((0, 1, 9)), "2020-01-01", None]])
    codes._ncci["practitioner"].add(hospital[0], None, "synthetic full-size practitioner PTP", pairs)
    mue = codes._mue.items[-1]
    rows = dict(mue[3])
    while len(rows) < 15_000:
        rows.setdefault(f"{rng.randint(10000, 99999)}", [rng.randint(1, 10), rng.choice((1, 2, 3))] * 2)
    codes._mue.add(mue[0], None, "synthetic full-size MUE", rows)
    return {"ncci_pairs": len(pairs), "mue_codes": len(rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--claims", type=int, default=20_000, help="distinct claims in the batch")
    parser.add_argument("--full-size", action="store_true", help="pad NCCI/MUE to full CMS size in memory")
    args = parser.parse_args()

    t0 = time.perf_counter()
    codes = default_code_sets()
    codes._icd_sets()
    sizes = pad_tables(codes) if args.full_size else {
        "ncci_pairs": sum(len(v[3]) for t in codes._ncci.values() for v in t.items),
        "mue_codes": len(codes._mue.items[-1][3])}
    load = time.perf_counter() - t0
    claims = make_claims(args.claims)

    ctx = ScrubContext(codes=codes, today=date(2027, 1, 4))
    cpu0, t1 = time.process_time(), time.perf_counter()
    first_pass = [scrub(c, ctx) for c in claims]
    cold = len(claims) / (time.perf_counter() - t1)
    done, t2 = 0, time.perf_counter()
    while time.perf_counter() - t2 < args.seconds:
        for c in claims:
            scrub(c, ctx)
        done += len(claims)
    wall = time.perf_counter() - t2
    cpu = time.process_time() - cpu0
    findings = sum(len(f) for f in first_pass)
    held = sum(1 for f in first_pass if any(x.severity == "error" for x in f))
    print(f"edits: {len(EDITS)}; tables: {sizes['ncci_pairs']:,} NCCI PTP pairs, {sizes['mue_codes']:,} MUE codes; "
          f"code sets loaded{' and padded' if args.full_size else ''} in {load:.2f} s")
    print(f"batch: {len(claims):,} distinct 10-line claims; first pass {cold:,.0f} claims/s (cold memo); "
          f"{findings:,} findings, {held:,} claims held ({held / len(claims):.0%})")
    print(f"steady: {done / wall:,.0f} claims/s wall, {(done + len(claims)) / cpu:,.0f} claims/CPU-s "
          f"({done:,} claims in {wall:.1f} s)")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
