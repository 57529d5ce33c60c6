"""835 balancing rules (domain 7.4) as pure functions over a typed remittance.

Sign convention: a positive CAS or PLB amount reduces the payment, a negative one increases it.
Each rule returns problems in billing words naming the claim and line, so a quarantined 835 says
exactly which rule it breaks; an empty list means the transaction set balances.
"""

from __future__ import annotations

from decimal import Decimal

from oncobill.x12.remit835 import Adjustment, ClaimPayment, Remittance, ServicePayment

ZERO = Decimal("0.00")

LINE_RULE = "line balancing (7.4.1: SVC02 - line CAS = SVC03)"
CLAIM_RULE = "claim balancing (7.4.2: CLP03 - claim CAS - line CAS = CLP04)"
TRANSACTION_RULE = "transaction balancing (7.4.3: sum CLP04 - sum PLB = BPR02)"


def cas_total(adjustments: list[Adjustment]) -> Decimal:
    return sum((a.amount for a in adjustments), ZERO)


def line_problems(claim: ClaimPayment, index: int, line: ServicePayment) -> list[str]:
    expected = line.charge - cas_total(line.adjustments)
    if expected == line.paid:
        return []
    return [(f"{LINE_RULE}: claim {claim.patient_control_number} line {index} {line.procedure.code or '(no code)'}: "
            f"charge {line.charge} - adjustments {cas_total(line.adjustments)} = {expected}, "
            f"but paid {line.paid}")]


def claim_problems(claim: ClaimPayment) -> list[str]:
    problems: list[str] = []
    line_cas = ZERO
    for i, line in enumerate(claim.services, start=1):
        problems += line_problems(claim, i, line)
        line_cas += cas_total(line.adjustments)
    claim_cas = cas_total(claim.adjustments)
    expected = claim.charge - claim_cas - line_cas
    if expected != claim.paid:
        problems.append(f"{CLAIM_RULE}: claim {claim.patient_control_number}: charge {claim.charge} - claim "
                        f"adjustments {claim_cas} - line adjustments {line_cas} = {expected}, "
                        f"but paid {claim.paid}")
    return problems


def provider_adjustment_total(remit: Remittance) -> Decimal:
    return sum((p.amount for p in remit.provider_adjustments), ZERO)


def transaction_problems(remit: Remittance) -> list[str]:
    paid = remit.total_paid()
    plb = provider_adjustment_total(remit)
    if paid - plb == remit.payment_amount:
        return []
    return [(f"{TRANSACTION_RULE}: trace {remit.trace_number or '?'}: claims paid {paid} - provider "
            f"adjustments {plb} = {paid - plb}, but BPR02 is {remit.payment_amount}")]


def balancing_problems(remit: Remittance) -> list[str]:
    """Every broken balancing rule of one 835 transaction set (empty: it balances)."""
    problems: list[str] = []
    for claim in remit.claims:
        problems += claim_problems(claim)
    return problems + transaction_problems(remit)


def patient_responsibility(adjustments: list[Adjustment]) -> Decimal:
    return sum((a.amount for a in adjustments if a.group == "PR"), ZERO)

