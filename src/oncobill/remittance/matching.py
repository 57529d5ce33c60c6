"""Which billed line a remit line pays, as a pure function.

REF*6R (our line control number) decides when present. Otherwise the line is found by the code
we billed (SVC06 when the payer changed it, else SVC01), date of service and units, with
modifiers compared as a set because payers drop or reorder them. A remit line that fits no
billed line is returned unmatched: the caller puts it in the work queue, never drops it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from oncobill.x12.remit835 import ServicePayment


@dataclass(frozen=True, slots=True)
class BilledLine:
    """What we billed on one claim line (plain data from ClaimLine)."""

    claim_line_id: int
    charge_line_id: int | None
    line_control_number: str
    code: str
    modifiers: tuple[str, ...]
    service_date: date
    units: Decimal
    charge: Decimal


@dataclass(frozen=True, slots=True)
class LineMatch:
    remit_line: ServicePayment
    billed: BilledLine | None
    how: str  # "REF*6R", "code+modifiers+date+units", ... or why nothing fit


def _billed_code(line: ServicePayment) -> tuple[str, tuple[str, ...]]:
    proc = line.submitted_procedure or line.procedure
    return proc.code, proc.modifiers


def _score(line: ServicePayment, billed: BilledLine) -> tuple[int, list[str]] | None:
    code, mods = _billed_code(line)
    if code != billed.code:
        return None
    served = line.service_date or line.service_start
    if served is not None and served != billed.service_date:
        return None
    score, how = 0, ["code"]
    if set(mods) == set(billed.modifiers):
        score, how = score + 4, how + ["modifiers"]
    elif set(mods) <= set(billed.modifiers):
        score, how = score + 2, how + ["modifiers (some dropped by the payer)"]
    else:
        return None  # a modifier we never billed: not this line
    if served is not None:
        score, how = score + 2, how + ["date"]
    units = line.units_billed if line.units_billed is not None else line.units_paid
    if units is None or units == billed.units:
        score, how = score + 1, how + ["units"]
    if line.charge == billed.charge:
        score, how = score + 1, how + ["charge"]
    return score, how


def match_lines(remit_lines: list[ServicePayment], billed: list[BilledLine]) -> list[LineMatch]:
    """Pair each remit line with at most one billed line; each billed line is paid at most once."""
    by_control = {b.line_control_number: b for b in billed if b.line_control_number}
    used: set[int] = set()
    out: list[LineMatch] = []
    pending: list[int] = []
    for i, line in enumerate(remit_lines):
        hit = by_control.get(line.line_control_number) if line.line_control_number else None
        if hit is not None and hit.claim_line_id not in used:
            used.add(hit.claim_line_id)
            out.append(LineMatch(line, hit, "REF*6R"))
        else:
            out.append(LineMatch(line, None, ""))
            pending.append(i)
    for i in pending:
        line = remit_lines[i]
        best: tuple[int, BilledLine, list[str]] | None = None
        for b in billed:
            if b.claim_line_id in used:
                continue
            scored = _score(line, b)
            if scored is not None and (best is None or scored[0] > best[0]):
                best = (scored[0], b, scored[1])
        if best is None:
            code, mods = _billed_code(line)
            why = f"no billed line fits {code}{':' + ':'.join(mods) if mods else ''}"
            if line.line_control_number:
                why += f" (REF*6R {line.line_control_number} is not one of this claim's lines)"
            out[i] = LineMatch(line, None, why)
        else:
            used.add(best[1].claim_line_id)
            out[i] = LineMatch(line, best[1], "+".join(best[2]))
    return out
