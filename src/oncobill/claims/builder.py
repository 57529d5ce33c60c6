"""Claim building rules: which charge lines may share a claim, and in what order.

Pure functions over ``BillableLine``s. A claim has one patient, one coverage (so it never spans two
coverages: lines after a coverage change carry the new coverage and land on another claim), one
billing entity, one rendering provider, one location and one form (837P office, 837I hospital
outpatient). Its dates stay inside one calendar month; it holds at most 50 lines and 12
diagnoses, in the order the encounters sequenced them, with each line's pointers re-mapped to
the claim's HI positions.
"""

from __future__ import annotations

from collections.abc import Iterable

from oncobill.claims.records import INSTITUTIONAL, BillableLine, ClaimDraft, DraftLine

MAX_LINES = 50  # 837P 2400 loop repeat
MAX_DIAGNOSES = 12  # HI segment


def build_claims(lines: Iterable[BillableLine], *, max_lines: int = MAX_LINES,
                 max_diagnoses: int = MAX_DIAGNOSES) -> list[ClaimDraft]:
    """Group lines into claims; every line lands on exactly one claim."""
    groups: dict[tuple, list[BillableLine]] = {}
    for line in lines:
        key = line.group_key + (line.service_date.year, line.service_date.month)
        groups.setdefault(key, []).append(line)
    claims: list[ClaimDraft] = []
    for key in sorted(groups, key=lambda k: (k[0], k[-2], k[-1], k[1:-2])):
        ordered = sorted(groups[key], key=lambda b: (b.service_date, b.encounter_id, b.line_number,
                                                     b.charge_line_id))
        claims.extend(_chunks(ordered, max_lines, max_diagnoses))
    return claims


def _chunks(ordered: list[BillableLine], max_lines: int, max_diagnoses: int) -> list[ClaimDraft]:
    chunks: list[list[BillableLine]] = []
    current: list[BillableLine] = []
    seen: set[str] = set()
    for line in ordered:
        new = [d for d in dict.fromkeys(line.diagnoses) if d not in seen]
        if current and (len(current) >= max_lines or len(seen) + len(new) > max_diagnoses):
            chunks.append(current)
            current, seen = [], set()
            new = list(dict.fromkeys(line.diagnoses))
        current.append(line)
        seen.update(new)
    if current:
        chunks.append(current)
    return [_draft(chunk) for chunk in chunks]


def claim_diagnoses(lines: list[BillableLine]) -> list[str]:
    """HI order: encounter by encounter, each encounter's own sequence (Z51.x first where coded so),
    keeping only the diagnoses some line of the claim points to."""
    pointed: dict[int, set[str]] = {}
    for line in lines:
        pointed.setdefault(line.encounter_id, set()).update(line.diagnoses)
    order: list[str] = []
    done: set[int] = set()
    for line in lines:
        if line.encounter_id in done:
            continue
        done.add(line.encounter_id)
        wanted = pointed[line.encounter_id]
        sequence = list(line.encounter_diagnoses) + [d for d in line.diagnoses if d not in line.encounter_diagnoses]
        for code in sequence:
            if code in wanted and code not in order:
                order.append(code)
    return order


def _draft(lines: list[BillableLine]) -> ClaimDraft:
    first = lines[0]
    diagnoses = claim_diagnoses(lines)
    position = {code: i for i, code in enumerate(diagnoses, start=1)}
    draft = ClaimDraft(first.patient_id, first.coverage_id, first.payer_id, first.billing_entity_id,
                       first.rendering_provider_id, first.location_id, first.form, diagnoses=diagnoses)
    for number, line in enumerate(lines, start=1):
        draft.lines.append(DraftLine(
            line_number=number, charge_line_id=line.charge_line_id, service_date=line.service_date,
            code=line.code, units=line.units, charge=line.charge,
            dx_pointers=tuple(position[d] for d in dict.fromkeys(line.diagnoses))[:4],
            modifiers=line.modifiers, ndc=line.ndc, ndc_quantity=line.ndc_quantity, ndc_unit=line.ndc_unit,
            revenue_code=line.revenue_code or (revenue_code_for(line.code) if line.form == INSTITUTIONAL else None),
            authorization_id=line.authorization_id, authorization_number=line.authorization_number,
        ))
    return draft


def revenue_code_for(code: str) -> str:
    """UB-04 revenue code of a hospital outpatient line (837I SV201)."""
    if code[:1] in "JQ" and code not in ("J7030", "J7040", "J7050"):
        return "0636"  # drugs requiring detailed coding
    if code in ("J7030", "J7040", "J7050"):
        return "0258"  # IV solutions
    if code.startswith(("9640", "9641", "9642", "9644", "9645", "9654")):
        return "0335"  # chemotherapy administration, IV
    if code.startswith(("9636", "9637")):
        return "0260"  # IV therapy
    if "77371" <= code <= "77499" or code.startswith(("G60", "G62")):
        return "0333"  # radiation therapy: delivery, guidance, management
    if "77261" <= code <= "77370":
        return "0330"  # therapeutic radiology: planning, dosimetry, physics
    if code.startswith(("992", "G0463")):
        return "0510"  # clinic visit
    return "0940"  # other therapeutic services
