"""Adjudicated claims as the payer files them, and the reversal of one (CLP02 22).

A replacement (frequency 7) or void (8) names the original by its payer claim number (REF*F8).
The payer reverses the original in full, every amount negated (domain 7.4 rule 4), gives back
what it had put on the member's deductible and out-of-pocket totals and on the authorization,
forgets its services for duplicate detection, and then, for a replacement, adjudicates the new
claim as if it were the first.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal

from oncobill.money import ZERO
from oncobill.sandbox_payer.adjudicate import Accumulator, ClaimResult, LineResult
from oncobill.sandbox_payer.billed import BilledClaim, BilledLine
from oncobill.sandbox_payer.config import PayerConfig
from oncobill.sandbox_payer.rules import PayerHistory, day_key, duplicate_key
from oncobill.x12.remit835 import Adjustment, Procedure


def claim_record(result: ClaimResult, deltas: dict[date, Accumulator], crossover: tuple[str, str] | None) -> dict:
    """JSON-ready record of an adjudicated claim: enough to reverse it later."""
    c = result.claim
    return {
        "claim": {k: v for k, v in asdict(c).items() if k not in ("lines", "other_payers", "diagnoses")}
        | {"charge": str(c.charge)},
        "status": result.status,
        "lines": [
            {
                "number": x.line.number, "code": x.line.code, "modifiers": list(x.line.modifiers),
                "units": str(x.line.units), "charge": str(x.line.charge), "service_date": x.line.service_date.isoformat(),
                "qualifier": x.line.procedure.qualifier, "line_control_number": x.line.line_control_number,
                "revenue_code": x.line.revenue_code, "authorization": x.line.authorization,
                "paid": str(x.paid), "denied": x.denial is not None,
                "adjustments": [[a.group, a.reason, str(a.amount)] for a in x.adjustments],
            }
            for x in result.lines
        ],
        "accumulators": {d.isoformat(): [str(a.deductible_met), str(a.oop_met)] for d, a in deltas.items()},
        "crossover": list(crossover) if crossover else None,
        "reversed": False,
    }  # fmt: skip


def _line(d: dict, sign: int) -> BilledLine:
    return BilledLine(
        d["number"], d["code"], tuple(d["modifiers"]), Decimal(d["units"]), sign * Decimal(d["charge"]),
        date.fromisoformat(d["service_date"]), Procedure(d["qualifier"], d["code"], tuple(d["modifiers"])),
        d["line_control_number"], d["revenue_code"], "", d["authorization"],
    )  # fmt: skip


def reversal(record: dict, payer: PayerConfig, payer_claim_number: str) -> ClaimResult:
    """The original claim's payment with every amount negated: charge, payment and each CAS."""
    fields = dict(record["claim"])
    fields["charge"] = -Decimal(fields["charge"])
    claim = BilledClaim(**{**fields, "lines": tuple(_line(x, -1) for x in record["lines"])})
    lines = [
        LineResult(_line(x, -1), ZERO, -Decimal(x["paid"]),
                   [Adjustment(g, r, -Decimal(a)) for g, r, a in x["adjustments"]])
        for x in record["lines"]
    ]  # fmt: skip
    return ClaimResult(claim, payer, payer_claim_number, "22", lines)


def undo(record: dict, accumulators: dict[date, Accumulator], history: PayerHistory, payer: PayerConfig) -> None:
    """Give back what the original claim took: accumulator amounts, duplicate keys, authorized units."""
    for day, (ded, oop) in record["accumulators"].items():
        acc = accumulators.get(date.fromisoformat(day), Accumulator())
        accumulators[date.fromisoformat(day)] = Accumulator(acc.deductible_met - Decimal(ded), acc.oop_met - Decimal(oop))
    claim = BilledClaim(**{**record["claim"], "charge": Decimal(record["claim"]["charge"]), "lines": ()})
    for x in record["lines"]:
        if x["denied"]:
            continue
        line = _line(x, 1)
        history.lines.pop(duplicate_key(claim, line), None)
        entry = _day_entry(line)
        day = history.days.get(day_key(claim, line.service_date), [])
        if entry in day:
            day.remove(entry)
        if line.authorization and payer.needs_authorization(line.code):
            key = f"{line.authorization}|{line.code}"
            history.auth_used[key] = history.auth_used.get(key, Decimal(0)) - line.units
    record["reversed"] = True


def _day_entry(line: BilledLine) -> list:
    return [line.code, ":".join(line.modifiers), str(line.units)]


def remember(result: ClaimResult, history: PayerHistory, *, crossover: bool) -> None:
    """Record the allowed services: for duplicate detection, edits across claims of the same day,
    and the authorization units they used."""
    for x in result.lines:
        if x.denial is not None:
            continue
        history.lines[duplicate_key(result.claim, x.line)] = {"icn": result.payer_claim_number, "crossover": crossover}
        history.days.setdefault(day_key(result.claim, x.line.service_date), []).append(_day_entry(x.line))
        if x.line.authorization and result.payer.needs_authorization(x.line.code):
            key = f"{x.line.authorization}|{x.line.code}"
            history.auth_used[key] = history.auth_used.get(key, Decimal(0)) + x.line.units


def accumulator_deltas(before: dict[date, Accumulator], after: dict[date, Accumulator]) -> dict[date, Accumulator]:
    out = {}
    for day, acc in after.items():
        old = before.get(day, Accumulator())
        delta = Accumulator(acc.deductible_met - old.deductible_met, acc.oop_met - old.oop_met)
        if delta.deductible_met or delta.oop_met:
            out[day] = delta
    return out

