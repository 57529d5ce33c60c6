"""Adjudication: price a line, share its cost, and assemble a claim payment that balances.

Pure functions over plain data. Every line is built so that
``charge - sum(CAS) = paid`` holds by construction (domain 7.4): the allowed amount splits
into patient shares (PR-1/2/3), sequestration (CO-253) and the payment, and the rest of the
charge is the contractual write-down (CO-45) or, for a denied line, the denial itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from oncobill.money import ZERO, money
from oncobill.sandbox_payer.billed import BilledClaim, BilledLine
from oncobill.sandbox_payer.config import Benefits, Member, PayerConfig
from oncobill.sandbox_payer.fees import FeeSchedule
from oncobill.sandbox_payer.rules import Denial, Review, review_line
from oncobill.x12.remit835 import Adjustment, ClaimPayment, ServicePayment
from oncobill.x12.tokenizer import make_segment

HUNDRED = Decimal(100)


@dataclass
class Accumulator:
    """A member's plan-year totals: deductible met and out-of-pocket spent."""

    deductible_met: Decimal = ZERO
    oop_met: Decimal = ZERO


@dataclass(frozen=True)
class CostShare:
    deductible: Decimal
    copay: Decimal
    coinsurance: Decimal
    sequestration: Decimal
    paid: Decimal

    @property
    def patient(self) -> Decimal:
        return self.deductible + self.copay + self.coinsurance


@dataclass
class LineResult:
    line: BilledLine
    allowed: Decimal
    paid: Decimal
    adjustments: list[Adjustment]
    remarks: list[str] = field(default_factory=list)
    denial: Denial | None = None
    note: str = ""  # how the allowed amount was found, in billing words

    @property
    def patient_responsibility(self) -> Decimal:
        return sum((a.amount for a in self.adjustments if a.group == "PR"), ZERO)


@dataclass
class ClaimResult:
    claim: BilledClaim
    payer: PayerConfig
    payer_claim_number: str
    status: str  # CLP02: 1, 2, 4, 19
    lines: list[LineResult]
    claim_remarks: list[str] = field(default_factory=list)  # MOA (MA18 on a crossover)
    crossover_to: str = ""  # payer ID of the supplemental payer the claim was forwarded to
    crossover_name: str = ""

    @property
    def paid(self) -> Decimal:
        return sum((x.paid for x in self.lines), ZERO)

    @property
    def patient_responsibility(self) -> Decimal:
        return sum((x.patient_responsibility for x in self.lines), ZERO)


# -- pricing and cost sharing -----------------------------------------------------------------


def category(code: str, fees: FeeSchedule) -> str:
    """The benefit category a copay is set by: drug, administration, radiation, em or other."""
    if fees.is_drug(code) or code[:1] in ("J", "Q"):
        return "drug"
    if code.isdigit() and "96360" <= code <= "96549":
        return "administration"
    if code.startswith(("77", "G60")):
        return "radiation"
    if code.isdigit() and "99202" <= code <= "99499":
        return "em"
    return "other"


def allowed_amount(line: BilledLine, claim: BilledClaim, payer: PayerConfig, fees: FeeSchedule) -> tuple[Decimal, str, Decimal | None]:
    """The allowed amount (lesser of the charge and the contract rate), how it was found, and the
    drug coinsurance the ASP file sets (IRA-reduced for some drugs)."""
    institutional = claim.form == "837I"
    fee = None
    if not institutional or fees.is_drug(line.code):
        fee = fees.medicare_fee(line.code, line.modifiers, claim.place_of_service)
    if fee is None or fee.per_unit is None:
        pct = payer.pricing.unlisted_percent_of_charge
        return money(line.charge * pct / HUNDRED), f"no Medicare fee: {pct.normalize()}% of charge", None
    drug = fees.is_drug(line.code)
    pct = payer.pricing.drug_percent_of_medicare if drug and payer.pricing.drug_percent_of_medicare is not None \
        else payer.pricing.percent_of_medicare  # fmt: skip
    contract = money(fee.per_unit * line.units * pct / HUNDRED)
    note = f"{fee.source} x {line.units.normalize()} units x {pct.normalize()}% = {contract}"
    return min(line.charge, contract), note, fee.coinsurance_percent


def share_cost(
    allowed: Decimal,
    benefits: Benefits,
    acc: Accumulator,
    *,
    plan_year: date,
    coinsurance_percent: Decimal,
    copay: Decimal | None = None,
) -> tuple[CostShare, Accumulator]:
    """Deductible first, then a copay or coinsurance, all capped by the out-of-pocket maximum;
    sequestration comes off the payer's part only, after coinsurance (the patient share is not reduced)."""
    ded_left = max(ZERO, benefits.deductible_for(plan_year) - acc.deductible_met)
    deductible = min(allowed, ded_left)
    rest = allowed - deductible
    if copay is not None:
        cp, coins = min(copay, rest), ZERO
    else:
        cp, coins = ZERO, money(rest * coinsurance_percent / HUNDRED)
    if benefits.oop_max is not None:
        left = max(ZERO, benefits.oop_max - acc.oop_met)
        deductible = min(deductible, left)
        left -= deductible
        cp = min(cp, left)
        left -= cp
        coins = min(coins, left)
    program = allowed - deductible - cp - coins
    seq = money(program * benefits.sequestration_percent / HUNDRED)
    share = CostShare(deductible, cp, coins, seq, program - seq)
    after = Accumulator(acc.deductible_met + deductible, acc.oop_met + share.patient)
    return share, after


def _nonzero(adjs: list[Adjustment]) -> list[Adjustment]:
    return [a for a in adjs if a.amount != 0]


def denied_line(line: BilledLine, denial: Denial) -> LineResult:
    """The whole charge adjusted with the denial's CARC: nothing allowed, nothing paid."""
    return LineResult(line, ZERO, ZERO, [Adjustment(denial.group, denial.carc, line.charge)], list(denial.rarcs),
                      denial, denial.reason)  # fmt: skip


# -- primary ----------------------------------------------------------------------------------


def adjudicate_primary(
    review: Review, accumulators: dict[date, Accumulator], payer_claim_number: str
) -> ClaimResult:
    """Adjudicate a claim as the primary payer. *accumulators* (plan year start -> totals) is
    updated in place as lines apply to the deductible and out-of-pocket maximum."""
    claim, payer, fees = review.claim, review.payer, review.fees
    member: Member = review.member
    results: list[LineResult] = []
    copay_used: set[str] = set()
    for line in claim.lines:
        denial = review_line(line, review)
        if denial is not None:
            results.append(denied_line(line, denial))
            continue
        allowed, note, asp_coins = allowed_amount(line, claim, payer, fees)
        benefits = payer.benefits
        coins_pct = asp_coins if benefits.asp_coinsurance and asp_coins is not None else benefits.coinsurance_percent
        cat = category(line.code, fees)
        copay = None
        if cat in benefits.copays:
            copay = ZERO if cat in copay_used else benefits.copays[cat]
            copay_used.add(cat)
        plan_year = member.plan_year(line.service_date)
        acc = accumulators.setdefault(plan_year, Accumulator())
        share, accumulators[plan_year] = share_cost(allowed, benefits, acc, plan_year=plan_year,
                                                    coinsurance_percent=coins_pct, copay=copay)  # fmt: skip
        adjs = _nonzero([
            Adjustment("CO", "45", line.charge - allowed),
            Adjustment("PR", "1", share.deductible),
            Adjustment("PR", "3", share.copay),
            Adjustment("PR", "2", share.coinsurance),
            Adjustment("CO", "253", share.sequestration),
        ])  # fmt: skip
        results.append(LineResult(line, allowed, share.paid, adjs, note=note))
    status = "4" if all(r.denial for r in results) else "1"
    result = ClaimResult(claim, payer, payer_claim_number, status, results)
    if status == "1" and member.crossover_to and payer.kind == "medicare":
        result.status = "19"
        result.claim_remarks.append("MA18")
        result.crossover_to = member.crossover_to
    return result


# -- secondary --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorLine:
    """The primary payer's adjudication of one line: what it paid and its adjustments."""

    paid: Decimal
    adjustments: tuple[Adjustment, ...]

    @property
    def patient_responsibility(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for a in self.adjustments:
            if a.group == "PR":
                out[a.reason] = out.get(a.reason, ZERO) + a.amount
        return out


def adjudicate_secondary(review: Review, payer_claim_number: str) -> ClaimResult:
    """Adjudicate as a secondary payer against the primary's line adjudications (``review.priors``).

    A Medigap plan pays the primary's patient shares it covers (coinsurance; the deductible too
    for plans that cover it); another secondary pays those shares up to its own allowed amount
    less the primary payment. What the primary paid and wrote off is OA-23 (domain 6.3)."""
    claim, payer = review.claim, review.payer
    results: list[LineResult] = []
    for line in claim.lines:
        denial = review_line(line, review)
        if denial is not None:
            results.append(denied_line(line, denial))
            continue
        prior: PriorLine = review.priors[line.number]
        owed = prior.patient_responsibility
        limit = None
        if payer.kind != "medigap":
            own, _, _ = allowed_amount(line, claim, payer, review.fees)
            limit = max(ZERO, own - prior.paid)
        pays: dict[str, Decimal] = {}
        for reason in payer.benefits.covers:
            amount = owed.get(reason, ZERO)
            if limit is not None:
                amount = min(amount, limit - sum(pays.values(), ZERO))
            if amount > 0:
                pays[reason] = amount
        paid = sum(pays.values(), ZERO)
        left = [Adjustment("PR", reason, amount - pays.get(reason, ZERO)) for reason, amount in owed.items()]
        left = _nonzero(left)
        prior_impact = line.charge - paid - sum((a.amount for a in left), ZERO)
        adjs = _nonzero([Adjustment("OA", "23", prior_impact), *left])
        note = f"pays {paid} of the primary's patient share {sum(owed.values(), ZERO)}"
        # No AMT*B6: the allowed amount is the primary's; this payer only coordinates.
        results.append(LineResult(line, ZERO, paid, adjs, note=note))
    status = "4" if all(r.denial for r in results) else "2"
    return ClaimResult(claim, payer, payer_claim_number, status, results)


def priors_from_837(claim: BilledClaim) -> dict[int, PriorLine]:
    """The primary's adjudication per line, as the secondary 837 carries it (2430 SVD/CAS)."""
    primary_ids = {op.payer.payer_id for op in claim.other_payers if op.responsibility == "P"}
    out = {}
    for line in claim.lines:
        for adj in line.prior:
            if not primary_ids or adj.payer_id in primary_ids:
                out[line.number] = PriorLine(adj.paid, tuple(adj.adjustments))
                break
    return out


def priors_from_result(result: ClaimResult) -> dict[int, PriorLine]:
    return {x.line.number: PriorLine(x.paid, tuple(x.adjustments)) for x in result.lines}


# -- to the 835 -------------------------------------------------------------------------------


def claim_payment(result: ClaimResult, *, received: date) -> ClaimPayment:
    """The CLP loop for a result; its amounts are sums of the lines, so it balances."""
    claim = result.claim
    services = []
    for x in result.lines:
        ln = x.line
        services.append(
            ServicePayment(
                ln.procedure, ln.charge, x.paid, revenue_code=ln.revenue_code if claim.form == "837I" else "",
                units_paid=ln.units, service_date=ln.service_date, adjustments=list(x.adjustments),
                line_control_number=ln.line_control_number, allowed=x.allowed if x.allowed else None,
                remarks=list(x.remarks),
            )
        )  # fmt: skip
    other = []
    if result.crossover_to:  # NM1*TT: the crossover carrier the claim was forwarded to
        other.append(make_segment(["NM1", "TT", "2", result.crossover_name or result.crossover_to, "", "", "", "",
                                   "PI", result.crossover_to]))  # fmt: skip
    if result.claim_remarks:
        other.append(make_segment(["MOA", "", "", *result.claim_remarks]))
    return ClaimPayment(
        claim.patient_control_number, result.status, claim.charge, result.paid, result.patient_responsibility,
        result.payer.filing_indicator_835, result.payer_claim_number, claim.place_of_service, claim.frequency,
        patient_last_name=claim.patient_last, patient_first_name=claim.patient_first, patient_id_qualifier="MI",
        patient_id=claim.member_id, received_date=received, services=services, other=other,
    )  # fmt: skip
