"""A/R KPIs as of a date (domain 10; definitions and the choices made: docs/kpis.md).

Every figure comes from the ledger (journal lines, by effective date) and the claim and remit tables,
never from a stored balance. The formulas are pure functions over plain figures (``days_in_ar``,
``ratio``, ``aging``, ``first_pass_and_denials``); ``kpis(session, as_of=...)`` gathers the figures
with SQL and applies them. Money is Decimal; rates are Decimal fractions (0 to 1, four places).

Choices, in one place:
- the period is the *period_days* (default 90) days ending on *as_of*, inclusive, by effective date;
- days in A/R = A/R (payer + patient, net of credit balances) as of *as_of* / (gross charges of the
  period / period days);
- first-pass resolution and the initial denial rate look at each claim's *first* adjudication (its
  first CLP that is not a reversal, with an 835 payment date up to *as_of*);
- a denied line is an SVC paid 0 on a positive charge with no PR and an adjustment other than OA-23
  (a secondary paying nothing because the primary covered it is not a denial);
- net collection rate = payments on service lines (payer and patient cash, net of refunds and
  reversals) / (gross charges - contractual adjustments), all over the period;
- aging by date of service, payer and patient A/R apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import BigInteger, func, select, type_coerce
from sqlalchemy.orm import Session

from oncobill.charges.models import ChargeLine
from oncobill.claims.models import Claim, ClaimStatus, ClaimStatusEvent
from oncobill.ledger.models import JournalEntry, JournalLine
from oncobill.ledger.rules import Account
from oncobill.money import ZERO, from_cents
from oncobill.remittance.models import EraImport, RemitAdjustment, RemitClaim, RemitServiceLine

RATE = Decimal("0.0001")
DAYS = Decimal("0.1")
BUCKETS = ("0-30", "31-60", "61-90", "91-120", "over 120")
_CENTS = type_coerce(JournalLine.amount, BigInteger)


# -- pure formulas -----------------------------------------------------------------------------------

def ratio(part: Decimal | int, whole: Decimal | int) -> Decimal:
    """part / whole as a fraction with four places; 0 when there is nothing to divide by."""
    if not whole:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(RATE)


def days_in_ar(ar: Decimal, gross_charges: Decimal, period_days: int) -> Decimal:
    """A/R / average daily gross charges of the period, one decimal; 0 when nothing was charged."""
    if gross_charges <= ZERO or period_days <= 0:
        return Decimal("0.0")
    return (ar / (gross_charges / Decimal(period_days))).quantize(DAYS)


def bucket(age_days: int) -> str:
    if age_days <= 30:
        return BUCKETS[0]
    if age_days <= 60:
        return BUCKETS[1]
    if age_days <= 90:
        return BUCKETS[2]
    if age_days <= 120:
        return BUCKETS[3]
    return BUCKETS[4]


def aging(balances: Iterable[tuple[date, Decimal]], as_of: date) -> dict[str, Decimal]:
    """Open balances by age of their date of service on *as_of* (a balance dated after it is 0 days old)."""
    out = dict.fromkeys(BUCKETS, ZERO)
    for day, amount in balances:
        out[bucket(max(0, (as_of - day).days))] += amount
    return out


@dataclass(frozen=True)
class FirstLine:
    """One SVC of a claim's first adjudication."""

    charge: Decimal
    paid: Decimal
    adjustments: tuple[tuple[str, str], ...]  # (group, reason)

    @property
    def denied(self) -> bool:
        if self.paid != ZERO or self.charge <= ZERO or any(g == "PR" for g, _ in self.adjustments):
            return False
        return any((g, r) != ("OA", "23") for g, r in self.adjustments)


@dataclass(frozen=True)
class FirstAdjudication:
    """A claim's first adjudication and whether it went out once and clean (never rejected, not a correction)."""

    claim_id: int
    status: str  # CLP02
    lines: tuple[FirstLine, ...]
    first_submission: bool

    @property
    def denied_lines(self) -> int:
        return sum(ln.denied for ln in self.lines)

    @property
    def resolved(self) -> bool:
        """Finalized with payment or patient responsibility on the first pass, no line denied."""
        return self.first_submission and self.status != "4" and self.denied_lines == 0 and bool(self.lines)


@dataclass
class DenialFigures:
    claims_adjudicated: int = 0
    claims_resolved_first_pass: int = 0
    claims_with_denial: int = 0
    lines_adjudicated: int = 0
    lines_denied: int = 0
    charge_adjudicated: Decimal = ZERO
    charge_denied: Decimal = ZERO


def first_pass_and_denials(first: Iterable[FirstAdjudication]) -> DenialFigures:
    out = DenialFigures()
    for adj in first:
        out.claims_adjudicated += 1
        out.claims_resolved_first_pass += adj.resolved
        out.claims_with_denial += adj.status == "4" or adj.denied_lines > 0
        for ln in adj.lines:
            out.lines_adjudicated += 1
            out.charge_adjudicated += ln.charge
            if ln.denied:
                out.lines_denied += 1
                out.charge_denied += ln.charge
    return out


# -- the figures, from the database ------------------------------------------------------------------

@dataclass
class Kpis:
    as_of: date
    period_days: int
    period_start: date
    accounts_receivable: Decimal
    gross_charges: Decimal  # of the period
    payments: Decimal  # of the period
    contractual_adjustments: Decimal  # of the period
    days_in_ar: Decimal
    denials: DenialFigures
    aging_payer: dict[str, Decimal] = field(default_factory=dict)
    aging_patient: dict[str, Decimal] = field(default_factory=dict)

    @property
    def first_pass_resolution_rate(self) -> Decimal:
        return ratio(self.denials.claims_resolved_first_pass, self.denials.claims_adjudicated)

    @property
    def denial_rate_claims(self) -> Decimal:
        return ratio(self.denials.claims_with_denial, self.denials.claims_adjudicated)

    @property
    def denial_rate_lines(self) -> Decimal:
        return ratio(self.denials.lines_denied, self.denials.lines_adjudicated)

    @property
    def denial_rate_amount(self) -> Decimal:
        return ratio(self.denials.charge_denied, self.denials.charge_adjudicated)

    @property
    def net_collection_rate(self) -> Decimal:
        return ratio(self.payments, self.gross_charges - self.contractual_adjustments)

    def as_dict(self) -> dict:
        """Decimal strings, for the demo summary and ``--json``."""
        d = self.denials
        return {
            "as_of": self.as_of.isoformat(),
            "period": f"{self.period_start.isoformat()} to {self.as_of.isoformat()} ({self.period_days} days)",
            "accounts_receivable": str(self.accounts_receivable),
            "gross_charges": str(self.gross_charges),
            "days_in_ar": str(self.days_in_ar),
            "first_pass_resolution_rate": str(self.first_pass_resolution_rate),
            "claims_adjudicated": d.claims_adjudicated,
            "claims_resolved_first_pass": d.claims_resolved_first_pass,
            "denial_rate_claims": str(self.denial_rate_claims),
            "denial_rate_lines": str(self.denial_rate_lines),
            "denial_rate_amount": str(self.denial_rate_amount),
            "claims_with_denial": d.claims_with_denial,
            "lines_denied": d.lines_denied,
            "lines_adjudicated": d.lines_adjudicated,
            "charge_denied": str(d.charge_denied),
            "charge_adjudicated": str(d.charge_adjudicated),
            "payments": str(self.payments),
            "contractual_adjustments": str(self.contractual_adjustments),
            "net_collection_rate": str(self.net_collection_rate),
            "aging_basis": "date of service",
            "aging_payer": {k: str(v) for k, v in self.aging_payer.items()},
            "aging_patient": {k: str(v) for k, v in self.aging_patient.items()},
        }


def _sum(session: Session, *conditions) -> Decimal:
    return from_cents(session.scalar(select(func.coalesce(func.sum(_CENTS), 0)).join(JournalEntry)
                                     .where(*conditions)))


def _aging_rows(session: Session, account: Account, as_of: date) -> list[tuple[date, Decimal]]:
    rows = session.execute(
        select(ChargeLine.service_date, func.sum(_CENTS)).select_from(JournalLine).join(JournalEntry)
        .join(ChargeLine, ChargeLine.id == JournalLine.charge_line_id)
        .where(JournalLine.account == account, JournalEntry.effective_date <= as_of)
        .group_by(ChargeLine.service_date))
    return [(day, from_cents(cents)) for day, cents in rows]


def first_adjudications(session: Session, as_of: date) -> list[FirstAdjudication]:
    """Each claim's first CLP (not a reversal) paid up to *as_of*, with its lines and their CAS."""
    first_ids = (select(func.min(RemitClaim.id)).join(EraImport, EraImport.id == RemitClaim.era_import_id)
                 .where(RemitClaim.claim_status_code != "22",
                        (EraImport.payment_date <= as_of) | (EraImport.payment_date.is_(None)
                                                             & (EraImport.imported_at < as_of + timedelta(days=1))))
                 .group_by(RemitClaim.claim_id))
    remits = session.execute(select(RemitClaim.id, RemitClaim.claim_id, RemitClaim.claim_status_code)
                             .where(RemitClaim.id.in_(first_ids)).order_by(RemitClaim.id)).all()
    if not remits:
        return []
    remit_ids = [r.id for r in remits]
    lines: dict[int, list] = {}
    adjustments: dict[int, list[tuple[str, str]]] = {}
    for start in range(0, len(remit_ids), 1000):
        chunk = remit_ids[start:start + 1000]
        for row in session.execute(select(RemitServiceLine.id, RemitServiceLine.remit_claim_id,
                                          RemitServiceLine.charge, RemitServiceLine.paid)
                                   .where(RemitServiceLine.remit_claim_id.in_(chunk))
                                   .order_by(RemitServiceLine.id)):
            lines.setdefault(row.remit_claim_id, []).append(row)
        for line_id, group, reason in session.execute(
                select(RemitAdjustment.remit_service_line_id, RemitAdjustment.group_code, RemitAdjustment.reason)
                .where(RemitAdjustment.remit_claim_id.in_(chunk), RemitAdjustment.remit_service_line_id.is_not(None))):
            adjustments.setdefault(line_id, []).append((group, reason))
    rejected = set(session.scalars(select(ClaimStatusEvent.claim_id).where(
        ClaimStatusEvent.to_status.in_([ClaimStatus.ACK_REJECTED, ClaimStatus.PAYER_REJECTED]))))
    corrections = set(session.scalars(select(Claim.id).where(
        (Claim.frequency_code != "1") | Claim.original_claim_id.is_not(None))))
    out = []
    for r in remits:
        first_lines = tuple(FirstLine(x.charge, x.paid, tuple(adjustments.get(x.id, ())))
                            for x in lines.get(r.id, ()))
        out.append(FirstAdjudication(r.claim_id, r.claim_status_code, first_lines,
                                     r.claim_id not in rejected and r.claim_id not in corrections))
    return out


def kpis(session: Session, *, as_of: date, period_days: int = 90) -> Kpis:
    """The A/R KPIs as of *as_of*, over the *period_days* days ending on it."""
    start = as_of - timedelta(days=period_days - 1)
    in_period = (JournalEntry.effective_date >= start, JournalEntry.effective_date <= as_of)
    ar = _sum(session, JournalLine.account.in_([Account.AR_PAYER, Account.AR_PATIENT]),
              JournalEntry.effective_date <= as_of)
    gross = -_sum(session, JournalLine.account == Account.GROSS_CHARGES, *in_period)
    contractual = _sum(session, JournalLine.account == Account.CONTRACTUAL_ADJUSTMENTS, *in_period)
    payments = _sum(session, JournalLine.account == Account.CASH, JournalLine.charge_line_id.is_not(None), *in_period)
    return Kpis(
        as_of=as_of, period_days=period_days, period_start=start, accounts_receivable=ar, gross_charges=gross,
        payments=payments, contractual_adjustments=contractual, days_in_ar=days_in_ar(ar, gross, period_days),
        denials=first_pass_and_denials(first_adjudications(session, as_of)),
        aging_payer=aging(_aging_rows(session, Account.AR_PAYER, as_of), as_of),
        aging_patient=aging(_aging_rows(session, Account.AR_PATIENT, as_of), as_of),
    )
