"""835 posting benchmark (not a test): import and post one 100k-claim 835 into PostgreSQL.

    ONCOBILL_BENCH_POSTGRES=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/era_post.py [--claims 100000] [--lines 2] [--per-table]

A fresh database ``oncobill_era_bench`` is created on that server and migrated; the claims the 835
pays (payer-accepted, each a chemo day of *lines* lines for one of 5,000 synthetic patients, with
line control numbers, each line billing a stored charge line of the day's encounter unless
``--no-charge-lines``) are bulk-inserted; then one 835 paying every claim (payment, CO-45, PR-2 per
line; a PLB) is written and imported with ``remittance.service.import_file`` in one unit of work,
which is what ``oncobill era import`` does. Reported: seconds and claims per second of the import
(read, balance, key, match, post, commit), and the ledger check afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from oncobill import bulk
from oncobill.charges.models import ChargeLine, Encounter, EncounterStatus
from oncobill.claims.models import Claim, ClaimForm, ClaimLine, ClaimStatus
from oncobill.db import make_engine, unit_of_work
from oncobill.ledger import service as ledger
from oncobill.migrations.runner import upgrade
from oncobill.patients.models import Coverage, CoveragePriority, Patient, SubscriberRelationship
from oncobill.practice.models import BillingEntity, CareSetting, Payer, PayerKind, Provider, ServiceLocation
from oncobill.remittance import service as remittance
from oncobill.x12.remit835 import (
    ClaimPayment,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
    build_remittance,
)
from oncobill.x12.segments import Adjustment, Procedure
from oncobill.x12.writer import build_interchange, write

LINES = [("96413", (), Decimal("412.00"), Decimal(1)), ("J9271", ("JZ",), Decimal("19922.00"), Decimal(200)),
         ("96415", (), Decimal("88.00"), Decimal(1)), ("96375", (), Decimal("95.00"), Decimal(1))]
DOS = date(2026, 10, 5)
D = Decimal


def fresh_database(server: str, template: str | None = None) -> str:
    """A new empty ``oncobill_era_bench`` (or a copy of *template*, a database seeded by an earlier run)."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS oncobill_era_bench"))
        conn.execute(text("CREATE DATABASE oncobill_era_bench" + (f" TEMPLATE {template}" if template else "")))
    admin.dispose()
    return make_url(server).set(database="oncobill_era_bench").render_as_string(hide_password=False)


def seeded_template(server: str, name: str, n: int, lines: int, charge_lines: bool) -> str:
    """A database named *name* holding the seeded claims, made once and copied by later runs (``--reuse-seed``):
    seeding 100k claims takes minutes and is not what is measured. Later migrations run on each copy."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    if not exists:
        upgrade(url=url)
        t = time.perf_counter()
        seed(url, n, lines, charge_lines=charge_lines)
        print(f"seeded template {name} in {time.perf_counter() - t:.1f} s")
    return name


def seed(url: str, n: int, lines: int, charge_lines: bool = True) -> None:
    engine = make_engine(url)
    with unit_of_work(engine) as s:
        entity = BillingEntity(legal_name="Bench Oncology Group", tin="990000123", group_npi="1234567893",
                               taxonomy="207RX0202X", address_line1="1 Bench Way", city="Springfield", state="IL",
                               zip_code="627010001")
        doctor = Provider(npi="1558598797", first_name="Ada", last_name="Benchdoc", credential="MD",
                          taxonomy="207RX0202X", role="physician")
        clinic = ServiceLocation(name="Bench Infusion", place_of_service="11", setting=CareSetting.OFFICE,
                                 address_line1="1 Bench Way", city="Springfield", state="IL", zip_code="627010001")
        payer = Payer(code="MCR", name="Medicare Part B", payer_id="SBMCR", kind=PayerKind.MEDICARE,
                      claim_filing_indicator="MB", timely_filing_days=365)
        coverages = []
        for p in range(5000):
            patient = Patient(account_number=f"B{p:06d}", first_name="Synth", last_name=f"Benchpatient{p}",
                              birth_date=date(1950, 1, 1), sex="FM"[p % 2], address_line1="1 Sample St",
                              city="Springfield", state="IL", zip_code="62704")
            coverages.append(Coverage(patient=patient, payer=payer, priority=CoveragePriority.PRIMARY,
                                      member_id=f"1EG4TE{p:05d}", relationship_to_subscriber=SubscriberRelationship.SELF,
                                      effective_date=date(2026, 1, 1)))
        s.add(entity)
        s.flush()
        doctor.billing_entity_id = clinic.billing_entity_id = entity.id
        s.add_all([doctor, clinic, payer, *coverages])
        s.flush()
        now = datetime(2026, 11, 2, 9)
        claim_rows, line_rows, encounter_rows, charge_rows = [], [], [], []
        for i in range(1, n + 1):
            cov = coverages[i % 5000]
            if charge_lines:  # the treatment day each claim bills, as charge capture stores it
                encounter_rows.append({"id": i, "patient_id": cov.patient_id, "location_id": clinic.id,
                                       "provider_id": doctor.id, "date_of_service": DOS,
                                       "status": EncounterStatus.BILLED})
            claim_rows.append({"id": i, "patient_control_number": f"BE{i:08d}", "patient_id": cov.patient_id,
                                   "coverage_id": cov.id, "payer_id": payer.id, "billing_entity_id": entity.id,
                                   "rendering_provider_id": doctor.id, "location_id": clinic.id,
                                   "form": ClaimForm.PROFESSIONAL, "frequency_code": "1",
                                   "status": ClaimStatus.PAYER_ACCEPTED, "service_from": DOS, "service_to": DOS,
                                   "created_at": now})
            for k in range(lines):
                code, mods, charge, units = LINES[k % len(LINES)]
                charge_line_id = (i - 1) * lines + k + 1 if charge_lines else None
                line_rows.append({"claim_id": i, "line_number": k + 1, "line_control_number": f"BE{i:08d}-{k + 1:02d}",
                                      "dx_pointers": "1", "service_date": DOS, "code": code,
                                      "modifier1": mods[0] if mods else None, "units": units, "charge": charge,
                                      "charge_line_id": charge_line_id})
                if charge_lines:
                    charge_rows.append({"id": charge_line_id, "encounter_id": i, "line_number": k + 1,
                                        "dx_pointers": [1], "rendering_provider_id": doctor.id, "service_date": DOS,
                                        "code": code, "modifier1": mods[0] if mods else None, "units": units,
                                        "charge": charge})
        for chunk in range(0, len(encounter_rows), 20_000):
            s.execute(insert(Encounter), encounter_rows[chunk:chunk + 20_000])
        for chunk in range(0, len(charge_rows), 50_000):
            s.execute(insert(ChargeLine), charge_rows[chunk:chunk + 50_000])
        for chunk in range(0, n, 20_000):
            s.execute(insert(Claim), claim_rows[chunk:chunk + 20_000])
        for chunk in range(0, len(line_rows), 50_000):
            s.execute(insert(ClaimLine), line_rows[chunk:chunk + 50_000])
        s.execute(text("SELECT setval('claims_id_seq', (SELECT max(id) FROM claims))"))
        if charge_lines:
            s.execute(text("SELECT setval('encounters_id_seq', (SELECT max(id) FROM encounters))"))
            s.execute(text("SELECT setval('charge_lines_id_seq', (SELECT max(id) FROM charge_lines))"))
    engine.dispose()


def write_835(path: Path, n: int, lines: int) -> None:
    claims = []
    for i in range(1, n + 1):
        services = []
        for k in range(lines):
            code, mods, charge, units = LINES[k % len(LINES)]
            paid = (charge * D("0.64")).quantize(D("0.01"))
            pr = (charge * D("0.16")).quantize(D("0.01"))
            services.append(ServicePayment(Procedure("HC", code, mods), charge, paid, units_paid=units,
                                           service_date=DOS, line_control_number=f"BE{i:08d}-{k + 1:02d}",
                                           adjustments=[Adjustment("CO", "45", charge - paid - pr),
                                                        Adjustment("PR", "2", pr)], allowed=paid + pr))
        claims.append(ClaimPayment(f"BE{i:08d}", "1", sum((x.charge for x in services), D("0.00")),
                                   sum((x.paid for x in services), D("0.00")),
                                   sum((x.adjustments[1].amount for x in services), D("0.00")), "MB",
                                   f"ICN{i:010d}", services=services))
    plb = [ProviderAdjustment("1234567893", date(2026, 12, 31), "L6", "", D("-12.34"))]
    remit = Remittance(sum((c.paid for c in claims), D("0.00")) + D("12.34"), "C", "I", "ACH", date(2026, 11, 18),
                       "BENCH0001", "1SBMCR", "MEDICARE PART B", "SBMCR", claims=claims, provider_adjustments=plb)
    txn = build_remittance(remit, control_number=1)
    path.write_text(write(build_interchange([(txn.spec, [txn])], sender_id="SBMCR", receiver_id="BENCH",
                                            control_number=1)))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process on this machine (the PostgreSQL backend serving the import)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _time_copies(backend: int) -> dict[str, list]:
    """The backend's CPU around each COPY (they run one at a time on the poster's writer thread):
    table name -> [seconds, rows], filled as the import runs."""
    totals: dict[str, list] = {}
    plain = bulk._copy

    def timed(dbapi, table, columns, lines):
        before = _cpu_seconds(backend)
        plain(dbapi, table, columns, lines)
        entry = totals.setdefault(table.name, [0.0, 0])
        entry[0] += _cpu_seconds(backend) - before
        entry[1] += len(lines)

    bulk._copy = timed
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench-era" / "remit.835")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the import here (slower)")
    parser.add_argument("--no-charge-lines", action="store_true",
                        help="claims without the charge lines they bill (as the first session's runs: "
                             "the postings then name no charge line and skip its key check)")
    parser.add_argument("--reuse-seed", action="store_true",
                        help="copy the seeded claims from a template database kept from an earlier run "
                             "(made on first use) instead of seeding them again; the 835 file is reused too")
    parser.add_argument("--per-table", action="store_true",
                        help="also print the PostgreSQL backend's CPU per table written by COPY")
    args = parser.parse_args()
    server = os.environ.get("ONCOBILL_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
    t = time.perf_counter()
    if args.reuse_seed:
        name = f"oncobill_era_seed_{args.claims}_{args.lines}{'_nocl' if args.no_charge_lines else ''}"
        url = fresh_database(server, seeded_template(server, name, args.claims, args.lines, not args.no_charge_lines))
        upgrade(url=url)
        args.out = args.out.with_name(f"{args.out.stem}-{args.claims}x{args.lines}{args.out.suffix}")
    else:
        url = fresh_database(server)
        upgrade(url=url)
        seed(url, args.claims, args.lines, charge_lines=not args.no_charge_lines)
    print(f"seeded {args.claims:,} payer-accepted claims x {args.lines} lines"
          f"{'' if args.no_charge_lines else ' (each line billing a stored charge line)'} in {time.perf_counter() - t:.1f} s"
          f"{' (copied from the template)' if args.reuse_seed else ''}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not (args.reuse_seed and args.out.exists()):
        t = time.perf_counter()
        write_835(args.out, args.claims, args.lines)
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")
    engine = make_engine(url)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    t, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    with unit_of_work(engine) as session:
        backend = session.scalar(text("SELECT pg_backend_pid()"))
        per_table = _time_copies(backend) if args.per_table else None
        server = _cpu_seconds(backend)
        result = remittance.import_file(session, args.out, actor="bench")
        server = _cpu_seconds(backend) - server  # before the commit: the commit's own work is not in it
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    s = result.sets[0]
    print(f"import + post: {s.outcome}, {s.claims_posted:,} claims, paid {s.payments}, "
          f"work items {s.work_items}, denials routed {s.denials_routed}, underpayments {s.underpayments}: "
          f"{seconds:.1f} s = {s.claims_posted / seconds:,.0f} claims/s")
    print(f"CPU: this process {cpu:.1f} s, its PostgreSQL backend {server:.1f} s; the rest of the "
          f"{seconds:.1f} s is waiting (for a core on this shared machine, or for the disk)")
    if per_table is not None:
        print(f"PostgreSQL backend CPU by COPY (the rest of its {server:.1f} s: reads, the claims' update, "
              f"the set's key, the PLB):")
        for name, (cpu_s, rows) in sorted(per_table.items(), key=lambda kv: -kv[1][0]):
            print(f"  {name:24s} {cpu_s:6.1f} s  {rows:>9,} rows  {1e6 * cpu_s / max(rows, 1):5.1f} us a row")
    with unit_of_work(engine) as session:
        print(f"ledger balanced: {ledger.is_balanced(session)}")
    engine.dispose()


if __name__ == "__main__":
    main()
