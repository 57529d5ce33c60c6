"""An 835 the way a biller reads it (``oncobill era show``): claims, lines, adjustments, remarks,
provider-level adjustments and whether each balancing rule holds. No database.

An 835 whose payment date (BPR16) is not a date is still shown, without the date, with the
located problem listed: a biller must be able to read a remit the importer will refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from oncobill.errors import InvalidInput
from oncobill.remittance.rules import ZERO, balancing_problems, patient_responsibility
from oncobill.x12 import X12Error, read
from oncobill.x12.remit835 import Adjustment, ClaimPayment, Remittance, read_remittance
from oncobill.x12.tokenizer import make_segment

CLAIM_STATUS_WORDS = {
    "1": "processed as primary", "2": "processed as secondary", "3": "processed as tertiary", "4": "denied",
    "19": "primary, forwarded to additional payer", "20": "secondary, forwarded", "21": "tertiary, forwarded",
    "22": "reversal of previous payment", "23": "not our claim, forwarded", "25": "predetermination pricing only",
}


@dataclass
class EraFile:
    """The transaction sets of one 835 file with the problems found reading them."""

    remittances: list[Remittance]
    problems: list[str]


def load(source: str | Path | bytes) -> EraFile:
    """Read every 835 set of a file; a bad BPR16 becomes a problem instead of stopping the view."""
    try:
        doc = read(source)
    except X12Error as exc:
        raise InvalidInput(f"835 {source if not isinstance(source, bytes) else ''}".strip(), str(exc)) from None
    remits: list[Remittance] = []
    problems: list[str] = []
    for txn in doc.transactions():
        if txn.code != "835":
            problems.append(f"set {txn.st[2]}: transaction set {txn.code} is not an 835; not shown")
            continue
        try:
            remits.append(read_remittance(txn))
        except X12Error as exc:
            if exc.element != "BPR16":
                raise InvalidInput(f"835 set {txn.st[2]}", str(exc)) from None
            bpr = txn.body.segments[0]
            problems.append(f"set {txn.st[2]}: {exc}")
            txn.body.segments[0] = make_segment(list(bpr[:16]), bpr.number, bpr.position)
            remits.append(read_remittance(txn))
    if not remits:
        raise InvalidInput("835", "the file holds no 835 transaction set")
    return EraFile(remits, problems)


def _adjustments(items: list[Adjustment]) -> list[dict]:
    return [{"group": a.group, "reason": a.reason, "amount": str(a.amount)} for a in items]


def claim_view(claim: ClaimPayment) -> dict:
    every = list(claim.adjustments) + [a for s in claim.services for a in s.adjustments]
    responsibility = claim.patient_responsibility
    if responsibility is None:
        responsibility = patient_responsibility(every)
    return {
        "patient_control_number": claim.patient_control_number,
        "status": claim.status,
        "status_words": CLAIM_STATUS_WORDS.get(claim.status, "unknown status"),
        "patient": " ".join(p for p in (claim.patient_first_name, claim.patient_last_name) if p),
        "charge": str(claim.charge),
        "paid": str(claim.paid),
        "patient_responsibility": str(responsibility),
        "payer_claim_number": claim.payer_claim_control_number,
        "adjustments": _adjustments(claim.adjustments),
        "lines": [
            {
                "code": s.procedure.code,
                "modifiers": list(s.procedure.modifiers),
                "units": str(s.units_paid if s.units_paid is not None else (s.units_billed or 1)),
                "service_date": (s.service_date or s.service_start).isoformat()
                if (s.service_date or s.service_start) else None,
                "line_control_number": s.line_control_number,
                "charge": str(s.charge),
                "allowed": None if s.allowed is None else str(s.allowed),
                "paid": str(s.paid),
                "adjustments": _adjustments(s.adjustments),
                "remarks": list(s.remarks),
            }
            for s in claim.services
        ],
    }


def remittance_view(remit: Remittance) -> dict:
    problems = balancing_problems(remit)
    return {
        "control_number": remit.control_number,
        "payer": remit.payer_name,
        "payer_id": remit.payer_id or remit.originator_id,
        "trace_number": remit.trace_number,
        "payment_date": remit.payment_date.isoformat() if remit.payment_date else None,
        "payment_total": str(remit.payment_amount),
        "balanced": not problems,
        "problems": problems,
        "claims": [claim_view(c) for c in remit.claims],
        "provider_adjustments": [
            {"reason": p.reason, "reference": p.reference, "amount": str(p.amount)}
            for p in remit.provider_adjustments
        ],
    }


def era_view(source: str | Path | bytes) -> dict:
    """The whole file: one view per set, and the file-level summary with the issue's names.

    The top-level ``claims``, ``provider_adjustments`` and ``payment_total`` gather every set
    (most files hold one); ``balanced`` is true only when every set balances.
    """
    era = load(source)
    sets = [remittance_view(r) for r in era.remittances]
    problems = list(era.problems) + [p for s in sets for p in s["problems"]]
    total = sum((r.payment_amount for r in era.remittances), ZERO)
    return {
        "balanced": all(s["balanced"] for s in sets),
        "problems": problems,
        "payment_total": str(total),
        "claims": [c for s in sets for c in s["claims"]],
        "provider_adjustments": [p for s in sets for p in s["provider_adjustments"]],
        "transaction_sets": [{k: v for k, v in s.items() if k not in ("claims", "provider_adjustments")}
                             for s in sets],
    }
