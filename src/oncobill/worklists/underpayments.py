"""Underpayments: each paid line's allowed amount against what the contract says it should be.

Expected allowed = the lesser of the charge and ``fee per unit x units x contract %``, rounded to the
cent once (how Medicare and the sandbox payer price). The fee per unit comes through :class:`FeeSource`:
Medicare's by date of service (``oncobill.codes.fees.MedicareFees``: drugs at the ASP payment limit,
services at the PFS non-facility or facility amount by place of service) or a practice's own contract
table, as ``codes.fees.FeeSources`` chooses from the payer's settings (docs/fees.md). The contract
percentage comes from payer settings (``contract_percent_of_medicare``, else 100). A line allowed
more than ``tolerance`` below the expectation becomes a finding for the underpayment queue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from oncobill.codes.fees import FeeSource
from oncobill.errors import InvalidInput
from oncobill.money import ZERO, MoneyError, money

HUNDRED = Decimal(100)
FACILITY_POS = frozenset({"19", "21", "22", "23", "24"})  # PFS facility rate (domain 6.2)
QUEUE = "underpayments"
# Statuses whose allowed amount is this payer's own (not secondaries, reversals or denials).
PRIMARY_STATUSES = frozenset({"1", "19"})


@dataclass(frozen=True, slots=True)
class ContractTerms:
    """How a payer should price, from its payer settings on the date of service."""

    payer: str
    percent_of_medicare: Decimal = HUNDRED
    drug_percent_of_medicare: Decimal | None = None
    unlisted_percent_of_charge: Decimal | None = None  # codes with no fee: checked only when the contract says
    tolerance: Decimal = Decimal("1.00")  # a shortfall up to this is rounding, not an underpayment

    @classmethod
    def from_settings(cls, payer: str, settings: Mapping[str, Any]) -> ContractTerms:
        def pct(key: str) -> Decimal | None:
            value = settings.get(key)
            if value is None:
                return None
            try:
                number = Decimal(str(value)) if not isinstance(value, (float, bool)) else None
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite() or number <= 0:
                raise InvalidInput(f"payer {payer}: setting {key}", f"{value!r} is not a positive percentage (string)")
            return number

        tolerance = settings.get("underpayment_tolerance", "1.00")
        try:
            tol = money(tolerance, exact=True)
        except MoneyError as exc:
            raise InvalidInput(f"payer {payer}: setting underpayment_tolerance", str(exc)) from None
        return cls(payer, pct("contract_percent_of_medicare") or HUNDRED, pct("drug_percent_of_medicare"),
                   pct("unlisted_percent_of_charge"), tol)


@dataclass(frozen=True, slots=True)
class PaidLine:
    """One paid remit line with what pricing needs."""

    patient_control_number: str
    line_control_number: str
    code: str
    modifiers: tuple[str, ...]
    units: Decimal
    charge: Decimal
    allowed: Decimal
    paid: Decimal
    place_of_service: str
    service_date: date
    institutional: bool = False  # 837I: only separately payable drugs are priced by fee
    allowed_basis: str = "AMT*B6"


@dataclass(frozen=True, slots=True)
class Expected:
    """What the contract allows and how that was worked out. The words are written only when asked
    for (a finding, a report): an 835's paid lines are priced by the hundred thousand, few fall short."""

    amount: Decimal
    explain: Callable[[], str]

    @property
    def explanation(self) -> str:
        return self.explain()


@dataclass(frozen=True, slots=True)
class UnderpaymentFinding:
    patient_control_number: str
    line_control_number: str
    code: str
    units: Decimal
    expected_allowed: Decimal
    actual_allowed: Decimal
    difference: Decimal  # expected - actual, positive
    explanation: str
    queue: str = QUEUE
    line: PaidLine | None = None  # the line reviewed, so a poster can link the finding to its remit line


@dataclass(frozen=True, slots=True)
class UnderpaymentReview:
    findings: tuple[UnderpaymentFinding, ...]
    checked: int
    not_checked: tuple[tuple[PaidLine, str], ...] = field(default_factory=tuple)

    @property
    def total_short(self) -> Decimal:
        return sum((f.difference for f in self.findings), ZERO)


def expected_allowed(line: PaidLine, terms: ContractTerms, fees: FeeSource) -> Expected | None:
    """What the contract allows for the line, explained; None when nothing says."""
    fee = fees.fee(line.code, tuple(line.modifiers), line.place_of_service, line.service_date)
    if fee is not None and line.institutional and not fee.drug:
        fee = None  # the hospital's non-drug lines are not priced by the physician fee schedule
    if fee is None:
        if terms.unlisted_percent_of_charge is None:
            return None
        pct = terms.unlisted_percent_of_charge
        amount = money(line.charge * pct / HUNDRED)
        return Expected(amount, lambda: f"no fee: {pct.normalize():f}% of charge {line.charge} = {amount}")
    if fee.contracted:
        pct = HUNDRED
    elif fee.drug and terms.drug_percent_of_medicare is not None:
        pct = terms.drug_percent_of_medicare
    else:
        pct = terms.percent_of_medicare
    contract = money(fee.per_unit * line.units * pct / HUNDRED)

    def explain() -> str:
        text = f"{fee.basis} x {line.units.normalize():f} units"
        if not fee.contracted:
            text += f" x {pct.normalize():f}% ({terms.payer})"
        text += f" = {contract}"
        return f"{text}; the charge {line.charge} is less, so the charge" if line.charge < contract else text

    return Expected(min(line.charge, contract), explain)


def review_underpayments(lines: list[PaidLine], terms: ContractTerms, fees: FeeSource) -> UnderpaymentReview:
    """Findings for every line allowed below the contract by more than the tolerance."""
    findings, skipped, checked = [], [], 0
    for line in lines:
        where = f"claim {line.patient_control_number} line {line.line_control_number or line.code}"
        if line.units <= 0:
            raise InvalidInput(where, f"units {line.units} must be more than 0")
        expected = expected_allowed(line, terms, fees)
        if expected is None:
            why = (f"no fee for {line.code} at POS {line.place_of_service} and no percentage of charge "
                   "in the contract: not checked")
            skipped.append((line, why))
            continue
        checked += 1
        short = expected.amount - line.allowed
        if short > terms.tolerance:
            findings.append(UnderpaymentFinding(
                line.patient_control_number, line.line_control_number, line.code, line.units, expected.amount,
                line.allowed, short,
                f"{where} {line.code}: allowed {line.allowed} ({line.allowed_basis}), expected {expected.amount} "
                f"({expected.explanation}); short {short}. Ask {terms.payer} to reprocess at the contract rate.",
                line=line))
    return UnderpaymentReview(tuple(findings), checked, tuple(skipped))


def paid_lines(claim_payment, *, place_of_service: str | None = None,
               institutional: bool | None = None) -> list[PaidLine]:
    """The lines of an 835 claim (``x12.remit835.ClaimPayment``) whose allowed amount is this payer's:
    primary claims only (not secondaries, reversals or denials), lines with a payment or a patient share.
    Allowed is AMT*B6, else paid + PR + CO-253 (what the payer allowed before sequestration).
    An 837I claim is recognised by the revenue codes on its lines (SVC04) unless *institutional* says;
    its CLP08 is then a type of bill, not a place of service."""
    return [line for _, line in indexed_paid_lines(claim_payment, place_of_service=place_of_service,
                                                   institutional=institutional)]


def indexed_paid_lines(claim_payment, *, place_of_service: str | None = None,
                       institutional: bool | None = None) -> list[tuple[int, PaidLine]]:
    """:func:`paid_lines` with each line's position among the claim's SVCs (from 0), so a poster can
    tie a finding to the remit service line it stored."""
    if claim_payment.status not in PRIMARY_STATUSES:
        return []
    if institutional is None:
        institutional = any(svc.revenue_code for svc in claim_payment.services)
    pos = place_of_service or ("22" if institutional else claim_payment.facility_code)
    out = []
    for index, svc in enumerate(claim_payment.services):
        pr = sum((a.amount for a in svc.adjustments if a.group == "PR"), ZERO)
        if svc.paid <= ZERO and pr <= ZERO:
            continue  # denied: the denial work item covers it
        if svc.allowed is not None:
            allowed, basis = svc.allowed, "AMT*B6"
        else:
            seq = sum((a.amount for a in svc.adjustments if a.group == "CO" and a.reason == "253"), ZERO)
            allowed, basis = svc.paid + pr + seq, "paid + PR + CO-253, no AMT*B6"
        day = svc.service_date or svc.service_start or claim_payment.statement_start
        if day is None:
            raise InvalidInput(f"claim {claim_payment.patient_control_number} line {svc.line_control_number or svc.procedure.code}",
                               "no date of service (DTM*472 or the claim's DTM*232)")
        units = svc.units_paid if svc.units_paid is not None else (svc.units_billed or Decimal(1))
        out.append((index, PaidLine(claim_payment.patient_control_number, svc.line_control_number, svc.procedure.code,
                                    tuple(svc.procedure.modifiers), units, svc.charge, allowed, svc.paid, pos, day,
                                    institutional, basis)))
    return out
