"""`oncobill demo`: a fresh demo database, the demo practice, and one month of its revenue cycle."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Engine

from oncobill.codes import default_code_sets
from oncobill.db import make_engine, unit_of_work
from oncobill.demo.month import MonthResult, authorize_plans, bill_month, run_month
from oncobill.demo.population import build_population
from oncobill.demo.practice import build_practice
from oncobill.errors import OncoBillError
from oncobill.ledger import service as ledger
from oncobill.migrations.runner import alembic_config, upgrade
from oncobill.models import BillingEntity, Coverage, Patient, Payer, PayerEnrollment, Provider, TreatmentPlan

DEFAULT_SEED = 20261001
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
    from alembic import command

    engine = make_engine(url)
    if "billing_entities" in inspect(engine).get_table_names():
        with engine.connect() as conn:
            names = conn.scalars(select(BillingEntity.legal_name)).all()
        if any("(demo)" not in name for name in names):
            raise OncoBillError(f"refusing to reset {engine.url.render_as_string(hide_password=True)}: it holds "
                                f"a practice that is not the demo ({', '.join(names)})")
        command.downgrade(alembic_config(url), "base")
    upgrade(url=url)
    return engine


def month_end(month_start: date) -> date:
    nxt = date(month_start.year + (month_start.month == 12), month_start.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def run_demo(url: str, *, seed: int = DEFAULT_SEED, month_start: date = DEFAULT_MONTH,
             progress_factory=None) -> DemoRun:
    """Build the demo practice and run one month; one transaction, so a failure leaves nothing behind."""
    started = time.perf_counter()
    engine = reset_database(url)
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
        summary = summarize(session, month, people)
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


def summarize(session, month: MonthResult, people) -> dict:
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
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
    }


