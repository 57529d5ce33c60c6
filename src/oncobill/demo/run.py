"""`oncobill demo`: a fresh demo database, the demo practice, and one month of its revenue cycle."""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import MetaData, func, inspect, select, text
from sqlalchemy.engine import Engine

from oncobill.claims.models import Claim
from oncobill.clearinghouse.settings import state_root
from oncobill.codes import default_code_sets
from oncobill.db import make_engine, unit_of_work
from oncobill.demo.month import (
    MonthResult,
    authorize_plans,
    bill_month,
    bill_secondaries,
    post_remittances,
    run_month,
    submit_month,
    work_denials,
)
from oncobill.demo.payer_facts import choose_crossover_files, choose_payer_facts
from oncobill.demo.population import build_population
from oncobill.demo.practice import build_practice
from oncobill.errors import OncoBillError
from oncobill.ledger import service as ledger
from oncobill.migrations.runner import upgrade
from oncobill.models import BillingEntity, Coverage, Patient, Payer, PayerEnrollment, Provider, TreatmentPlan
from oncobill.reports.kpis import kpis

DEFAULT_SEED = 20261001
KPI_PERIOD_DAYS = 90  # days in A/R and net collection over the 90 days ending on the billing day
DEFAULT_MONTH = date(2026, 10, 1)


@dataclass
class DemoRun:
    database: str
    seed: int
    month: MonthResult
    summary: dict
    seconds: float


def reset_database(url: str) -> Engine:
    """Drop the demo schema and migrate from empty; refuses a database holding a non-demo practice."""
    engine = make_engine(url)
    if "billing_entities" in inspect(engine).get_table_names():
        with engine.connect() as conn:
            names = conn.scalars(select(BillingEntity.legal_name)).all()
        if any("(demo)" not in name for name in names):
            raise OncoBillError(f"refusing to reset {engine.url.render_as_string(hide_password=True)}: it holds "
                                f"a practice that is not the demo ({', '.join(names)})")
        _drop_everything(engine)
    upgrade(url=url)
    return engine


def _drop_everything(engine: Engine) -> None:
    """Empty the demo's database. Not a downgrade: migration 0007 refuses to go back over the remittance
    entries a demo month posts (they cannot be split again), so a second ``make demo`` failed there."""
    schema = MetaData()
    schema.reflect(engine)
    with engine.begin() as conn:
        schema.drop_all(conn)  # every table, alembic_version included, in foreign-key order
        if conn.dialect.name == "postgresql":  # the per-statement reference checks' functions (migration 0008)
            for function in ("oncobill_check_references", "oncobill_keep_referenced", "oncobill_keep_id"):
                conn.execute(text(f"DROP FUNCTION IF EXISTS {function}() CASCADE"))


def month_end(month_start: date) -> date:
    nxt = date(month_start.year + (month_start.month == 12), month_start.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def reset_mailbox(mailbox: Path) -> Path:
    """Start the sandbox clearinghouse afresh with the database (its journal and the payer's memory
    would otherwise remember batches of an earlier run under the same control numbers)."""
    mailbox = Path(mailbox)
    if mailbox.exists():
        if not (mailbox / "outbound").is_dir() and any(mailbox.iterdir()):
            raise OncoBillError(f"refusing to reset {mailbox}: it is not a sandbox clearinghouse mailbox")
        shutil.rmtree(mailbox)
    mailbox.mkdir(parents=True)
    return mailbox


def default_mailbox() -> Path:
    return Path(os.environ.get("ONCOBILL_SANDBOX_MAILBOX") or state_root() / "sandbox")


def run_demo(url: str, *, seed: int = DEFAULT_SEED, month_start: date = DEFAULT_MONTH,
             progress_factory=None, mailbox: Path | None = None) -> DemoRun:
    """Build the demo practice and run one month; one transaction, so a failure leaves nothing behind
    in the database (the mailbox is reset at the start of every run)."""
    started = time.perf_counter()
    engine = reset_database(url)
    mailbox = reset_mailbox(mailbox or default_mailbox())
    codes = default_code_sets()
    end = month_end(month_start)
    with unit_of_work(engine) as session:
        demo = build_practice(session)
        people = build_population(session, demo, seed=seed, month_start=month_start)
        advance = progress_factory(len(people)) if progress_factory else None
        authorize_plans(session, people)
        month = run_month(session, demo, people, month_start=month_start, month_end=end, codes=codes,
                          progress=advance)
        bill_month(session, month, billed_on=billing_day(end), codes=codes)
        facts = choose_payer_facts(session, seed=seed, month_start=month_start)
        crossovers = choose_crossover_files(session, month_start=month_start)
        submit_month(session, month, mailbox=mailbox, billed_on=billing_day(end), facts=facts, crossovers=crossovers)
        post_remittances(session, month, posted_on=billing_day(end))
        bill_secondaries(session, month, mailbox=mailbox, billed_on=billing_day(end), codes=codes)
        work_denials(session, month, worked_on=billing_day(end))
        summary = summarize(session, month, people, as_of=billing_day(end))
    engine.dispose()
    return DemoRun(engine.url.render_as_string(hide_password=True), seed, month, summary,
                   time.perf_counter() - started)


def billing_day(month_last_day: date) -> date:
    """The first weekday after the month: claims are built and scrubbed then (fixed, so runs compare)."""
    day = date.fromordinal(month_last_day.toordinal() + 1)
    while day.weekday() >= 5:
        day = date.fromordinal(day.toordinal() + 1)
    return day


def _claims_summary(month: MonthResult) -> dict:
    scrub = month.scrub
    by_payer = Counter(c.payer.code for c in month.claims)
    by_form = Counter(c.form.value for c in month.claims)
    held_for_enrollment = sorted(
        f"{c.patient_control_number} {c.rendering_provider.display_name} with {c.payer.code}"
        for c in month.claims if any(f.edit_id == "enrollment" for f in c.findings))
    return {
        "built": len(month.claims),
        "lines": month.claim_lines,
        "total_charge": str(sum((c.total_charge for c in month.claims), Decimal("0.00"))),
        "by_form": dict(sorted(by_form.items())),
        "by_payer": dict(sorted(by_payer.items())),
        "ready": scrub.ready if scrub else 0,
        "held": scrub.held if scrub else 0,
        "clean_claim_rate": str(scrub.clean_claim_rate) if scrub else "0",
        "findings_by_edit": dict(sorted(scrub.findings_by_edit.items())) if scrub else {},
        "claims_held_by_edit": dict(sorted(scrub.claims_by_edit.items())) if scrub else {},
        "held_for_enrollment": held_for_enrollment,
    }


def _rate(part: int, whole: int) -> str:
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))) if whole else "0"


def _submission_summary(month: MonthResult) -> dict:
    """Claims out and acknowledgments in: the 999 rate is claims in accepted sets / claims submitted,
    the 277CA rate claims accepted into adjudication / claims the 999 accepted."""
    sub, rec = month.submission, month.received
    if sub is None:
        return {}
    statuses = Counter(c.status.value for c in month.claims)
    ack_accepted = sum(n for s, n in statuses.items() if s not in ("submitted", "ack_rejected", "ready", "held",
                                                                   "draft"))
    # Accepted into adjudication: still waiting, or already paid, partly paid or denied by its 835.
    payer_accepted = sum(statuses.get(k, 0) for k in ("payer_accepted", "paid", "partial", "denied"))
    rejected = [r for f in (rec.imported if rec else []) for r in f.rejections]
    mailbox = month.mailbox
    return {
        "submitted": sub.claims,
        "batches": len(sub.batches),
        "submitted_charge": str(sub.total_charge),
        "batch_files": [b.file_name for b in sub.batches],
        "ack_999_accepted": ack_accepted,
        "ack_999_rejected": statuses.get("ack_rejected", 0),
        "ack_999_acceptance_rate": _rate(ack_accepted, sub.claims),
        "payer_accepted": payer_accepted,
        "payer_rejected": statuses.get("payer_rejected", 0),
        "ack_277ca_acceptance_rate": _rate(payer_accepted, ack_accepted),
        "rejections": rejected,
        "claims_by_status": dict(sorted(statuses.items())),
        "acknowledgments_imported": [f.file_name for f in rec.imported] if rec else [],
        "import_failures": [f"{p.name}: {why}" for p, why in rec.failed] if rec else [],
        "remittances_waiting": [p.name for p in rec.remittances] if rec else [],
        "mailbox": str(mailbox) if mailbox else "",
        "outbound": str(mailbox / "outbound") if mailbox else "",
        "inbound": str(mailbox / "inbound") if mailbox else "",
    }


def summarize(session, month: MonthResult, people, *, as_of: date | None = None) -> dict:
    count = lambda model: session.scalar(select(func.count()).select_from(model))
    payers = {p.id: p for p in session.scalars(select(Payer))}
    ar_by_payer = ledger.ar_by_payer(session)
    pending = session.scalars(select(PayerEnrollment).where(PayerEnrollment.status != "enrolled")).all()
    changes = [p for p in people if "then" in p.coverage_story]
    return {
        "practice": {
            "providers": count(Provider),
            "payers": count(Payer),
            "patients": count(Patient),
            "coverages": count(Coverage),
            "treatment_plans": count(TreatmentPlan),
            "enrollments_pending": [f"{e.provider.display_name} with {e.payer.name}" for e in pending],
            "patients_with_secondary": session.scalar(
                select(func.count(func.distinct(Coverage.patient_id))).where(Coverage.priority == "secondary")),
            "patients_with_coverage_change": len(changes),
        },
        "month": {
            "from": month.month_start.isoformat(),
            "to": month.month_end.isoformat(),
            "encounters": month.encounters,
            "encounters_by_regimen": dict(sorted(month.encounters_by_regimen.items())),
            "encounters_by_payer": dict(sorted(month.encounters_by_payer.items())),
            "encounters_on_coverage_new_this_month": month.new_coverage_encounters,
            "charge_lines": month.charge_lines,
            "top_codes": dict(month.lines_by_code.most_common(12)),
            "gross_charges": str(month.gross_charges),
        },
        "ledger": {
            "balanced": ledger.is_balanced(session),
            "accounts_receivable": str(ledger.accounts_receivable(session)),
            "ar_by_payer": {payers[k].code if k else "?": str(v) for k, v in sorted(ar_by_payer.items())},
            "trial_balance": {k.value: str(v) for k, v in ledger.trial_balance(session).items()},
        },
        "claims": _claims_summary(month),
        "submission": _submission_summary(month),
        "remittance": _remittance_summary(session, month),
        "secondary": _secondary_summary(session, month),
        "crossover": _crossover_summary(session, month),
        "denials": _denials_summary(session, month),
        "kpis": kpis(session, as_of=as_of or billing_day(month.month_end), period_days=KPI_PERIOD_DAYS).as_dict(),
    }


def _posted_totals(results) -> dict:
    sets = [s for r in results for s in r.sets if s.outcome == "posted"]
    total = lambda name: str(sum((getattr(s, name) for s in sets), Decimal("0.00")))
    return {"files": len(results), "sets_posted": len(sets), "claims_posted": sum(s.claims_posted for s in sets),
            "payments": total("payments"), "adjustments": total("adjustments"),
            "patient_responsibility": total("patient_responsibility"), "denials": sum(s.denials for s in sets)}


def _secondary_summary(session, month: MonthResult) -> dict:
    """Claims to the next payer after the primaries' 835s: built (held by which edit), why the others
    were not billed, and what the secondary payers answered and paid."""
    sec = month.secondary
    if sec is None:
        return {}
    built = sec.built
    statuses = Counter(c.status.value for c in built)
    skipped = Counter(s.reason.split(":")[0] for s in sec.skipped)
    sub = month.secondary_submission
    return {
        "built": len(built),
        "by_payer": dict(sorted(Counter(c.payer.code for c in built).items())),
        "by_form": dict(sorted(Counter(c.form.value for c in built).items())),
        "charge": str(sum((c.total_charge for c in built), Decimal("0.00"))),
        "held": statuses.get("held", 0),
        "claims_held_by_edit": dict(sorted(sec.scrub.claims_by_edit.items())) if sec.scrub else {},
        "not_billed": dict(sorted(skipped.items())),
        "without_another_payer": sec.no_next_payer,
        "sent": sub.claims if sub else 0,
        "batches": len(sub.batches) if sub else 0,
        "paid": statuses.get("paid", 0),
        "partial": statuses.get("partial", 0),
        "denied": statuses.get("denied", 0),
        "claims_by_status": dict(sorted(statuses.items())),
        "remittance": _posted_totals(month.secondary_remittances),
    }


def _crossover_summary(session, month: MonthResult) -> dict:
    """The month's claims Medicare forwarded to the patient's Medigap plan (CLP02 19 + MA18 in Medicare's
    835): how many, what the plan's own 835s paid on them, that none was billed to the plan again by us
    (a secondary claim following a crossed-over claim would be a duplicate, CARC 18 + N522), and what the
    plan still owes on them in the ledger (nothing once it has paid; the deductible it does not cover goes
    on to the patient). Counted from the posted remit rows and the ledger, not from the sandbox."""
    from oncobill.claims.models import ClaimLine
    from oncobill.ledger.models import JournalLine
    from oncobill.ledger.rules import Account
    from oncobill.remittance.models import EraImport, RemitClaim

    files = month.crossover_files
    if not files:
        return {}
    partners = {p.payer_id: p for p in session.scalars(select(Payer).where(
        Payer.payer_id.in_([f.partner_payer_id for f in files])))}
    month_claims = {c.id for c in month.claims}
    crossed = sorted({cid for cid in session.scalars(select(RemitClaim.claim_id).where(
        RemitClaim.crossed_over.is_(True), RemitClaim.reversed_by_id.is_(None))) if cid in month_claims})
    answers = session.execute(
        select(RemitClaim.claim_id, RemitClaim.claim_status_code, RemitClaim.paid, RemitClaim.patient_responsibility,
               EraImport.payer_key)
        .join(EraImport, EraImport.id == RemitClaim.era_import_id)
        .where(RemitClaim.claim_id.in_(crossed), EraImport.payer_key.in_(list(partners)),
               RemitClaim.claim_status_code != "22", RemitClaim.reversed_by_id.is_(None))).all() if crossed else []
    answered = {a.claim_id for a in answers}
    files_posted = [r.file_name for r in month.remittances]
    partner_sets = session.scalar(select(func.count()).select_from(EraImport).where(
        EraImport.payer_key.in_(list(partners)), EraImport.file_name.in_(files_posted))) if files_posted else 0
    billed_again = session.scalars(select(Claim.patient_control_number).where(
        Claim.primary_claim_id.in_(crossed))).all() if crossed else []
    charge_lines = select(ClaimLine.charge_line_id).where(ClaimLine.claim_id.in_(crossed))
    open_rows = session.execute(select(JournalLine.account, JournalLine.payer_id, JournalLine.amount).where(
        JournalLine.charge_line_id.in_(charge_lines))).all() if crossed else []
    partner_ids = {p.id for p in partners.values()}

    def owed(account: Account, ids: set[int] | None = None) -> str:
        return str(sum((amount for acc, payer, amount in open_rows
                        if Account(acc) is account and (ids is None or payer in ids)), Decimal("0.00")))

    return {
        "files": [f.as_dict() for f in files],
        "partners": sorted(p.code for p in partners.values()),
        "crossed_over": len(crossed),
        "partner_sets": partner_sets,
        "partner_answered": len(answered),
        "partner_paid": len({a.claim_id for a in answers if a.paid > 0}),
        "partner_payments": str(sum((a.paid for a in answers), Decimal("0.00"))),
        "left_to_patient": str(sum((a.patient_responsibility for a in answers), Decimal("0.00"))),
        "waiting_for_partner": len(set(crossed) - answered),
        "secondary_claims_billed": len(billed_again),
        "duplicates": sorted(billed_again),
        "partner_ar": owed(Account.AR_PAYER, partner_ids),
        "patient_ar": owed(Account.AR_PATIENT),
    }


def _denials_summary(session, month: MonthResult) -> dict:
    """Denied or partly denied lines routed to the work queues at posting time (denial_work_items):
    counts per queue, then one row per claim and denial (its lines together) with the queue, the next
    action, its owner and the earliest due date; and the payer-side facts that caused them."""
    from oncobill.worklists.models import DenialWorkItem

    rows = session.execute(
        select(DenialWorkItem, Claim.patient_control_number, Payer.code)
        .join(Claim, Claim.id == DenialWorkItem.claim_id).join(Payer, Payer.id == DenialWorkItem.payer_id)
        .order_by(Claim.patient_control_number, DenialWorkItem.id)).all()
    by_queue = Counter(item.queue for item, _, _ in rows)
    groups: dict[tuple, dict] = {}
    for item, pcn, payer in rows:
        denial = f"{item.group_code}-{item.carc}" + "".join(f" {r}" for r in item.rarcs or [])
        key = (pcn, denial, item.queue, item.action, item.owner, item.status)
        g = groups.setdefault(key, {"claim": pcn, "payer": payer, "denial": denial, "queue": item.queue,
                                    "action": item.action, "owner": item.owner, "lines": 0,
                                    "amount": Decimal("0.00"), "due_date": item.due_date, "status": item.status})
        g["lines"] += 1
        g["amount"] += item.amount
        if item.due_date and (g["due_date"] is None or item.due_date < g["due_date"]):
            g["due_date"] = item.due_date
    items = [{**g, "amount": str(g["amount"]), "due_date": g["due_date"].isoformat() if g["due_date"] else None}
             for g in groups.values()]
    return {"work_items": len(rows), "by_queue": dict(sorted(by_queue.items())),
            "amount": str(sum((item.amount for item, _, _ in rows), Decimal("0.00"))),
            "by_status": dict(sorted(Counter(item.status for item, _, _ in rows).items())),
            "items": items, "payer_side_facts": [f.as_dict() for f in month.payer_facts],
            "worked": [{"item": r.item_id, "action": r.action, "status": r.status, "message": r.message}
                       for r in month.worked]}


def _remittance_summary(session, month: MonthResult) -> dict:
    """What the month's 835s posted: payments, contractual adjustments, patient responsibility
    (PR moved to the patient or the next payer), denials, and what waits in a queue."""
    from oncobill.remittance.models import QuarantinedEra
    from oncobill.worklists.models import RemitWorkItem

    sets = [s for r in month.remittances for s in r.sets]
    posted = [s for s in sets if s.outcome == "posted"]
    total = lambda name: str(sum((getattr(s, name) for s in posted), Decimal("0.00")))
    work = Counter(session.scalars(select(RemitWorkItem.kind)).all())
    return {
        "files": len(month.remittances),
        "sets_posted": len(posted),
        "sets_quarantined": session.scalar(select(func.count()).select_from(QuarantinedEra)),
        "claims_posted": sum(s.claims_posted for s in posted),
        "payments": total("payments"),
        "adjustments": total("adjustments"),
        "patient_responsibility": total("patient_responsibility"),
        "provider_adjustments": total("provider_adjustments"),
        "denials": sum(s.denials for s in posted),
        "reversals": sum(s.reversals for s in posted),
        "crossovers": sum(s.crossovers for s in posted),
        "work_items": dict(sorted(work.items())),
    }


