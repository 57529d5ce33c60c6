"""Drug lines: dose to HCPCS units, vials and waste (JW/JZ), NDC for the 2410 loop.

Domain reference section 3: round up to the billing unit, at least one unit, the same HCPCS on
the same day summed once; JW units = units in the opened single-dose containers - units billed
(never rounded on their own); JZ when nothing was discarded; never on multi-dose vials.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from itertools import product
from math import ceil, floor

from oncobill.charges.records import (
    AdministrationRecord,
    CodedLine,
    EncounterRecord,
    LookupMemo,
    PayerRules,
    Vial,
)
from oncobill.codes import CodeSets
from oncobill.codes.ndc import normalize_ndc
from oncobill.errors import InvalidInput

# Each unit word -> (dimension, factor to the dimension's base: mg, mL, units).
_UNITS = {
    "mg": ("mass", Decimal(1)), "mcg": ("mass", Decimal("0.001")), "ug": ("mass", Decimal("0.001")),
    "microgram": ("mass", Decimal("0.001")), "g": ("mass", Decimal(1000)), "gm": ("mass", Decimal(1000)),
    "gram": ("mass", Decimal(1000)),
    "ml": ("volume", Decimal(1)), "cc": ("volume", Decimal(1)), "l": ("volume", Decimal(1000)),
    "units": ("units", Decimal(1)), "unit": ("units", Decimal(1)), "iu": ("units", Decimal(1)),
    "mci": ("mci", Decimal(1)), "uci": ("mci", Decimal("0.001")),
}
# 2410 CTP05 unit when we fall back to the measured amount.
_NDC_UNIT_BY_DIMENSION = {"mass": "ME", "volume": "ML", "units": "F2"}
# Not-otherwise-classified drug codes: one line per drug, never summed with another drug.
NOT_OTHERWISE_CLASSIFIED = frozenset(("J3490", "J3590", "J7999", "J8499", "J8597", "J8999", "J9999", "C9399",
                                      "A9699"))

# A dose above the labeled content opened by up to 10% is overfill; beyond that, a recording error.
OVERFILL_TOLERANCE = Decimal("1.10")
_SALINE_BAGS = (("J7030", Decimal(1000)), ("J7040", Decimal(500)), ("J7050", Decimal(250)))


def to_base(amount: Decimal, unit: str, where: str) -> tuple[str, Decimal]:
    """(dimension, amount in mg / mL / units)."""
    key = unit.strip().lower()
    if key not in _UNITS:
        raise InvalidInput(where, f"unknown unit {unit!r}; use one of mg, mcg, g, mL, L, units")
    dim, factor = _UNITS[key]
    return dim, amount * factor


_UNIT_CACHE: dict[str, tuple[str, Decimal]] = {}


def billing_unit(code: str, text: str | None, where: str) -> tuple[str, Decimal]:
    """'0.5 MG' -> ('mass', Decimal('0.5'))."""
    cached = _UNIT_CACHE.get(text) if text else None
    if cached is not None:
        return cached
    if not text:
        raise InvalidInput(where, f"{code} has no measurable billing unit in the code sets; it cannot be "
                           "converted from a dose: give 'billing_units'")
    amount, unit = text.split(" ", 1)
    result = _UNIT_CACHE[text] = to_base(Decimal(amount), unit, where)
    return result


def units_for_dose(dose_base: Decimal, unit_base: Decimal) -> int:
    """Round up to whole billing units, at least one."""
    return max(1, int((dose_base / unit_base).to_integral_value(rounding=ROUND_CEILING)))


def smallest_waste_vials(dose_base: Decimal, sizes: list[Decimal], max_each: int = 40) -> dict[Decimal, int]:
    """The vial combination covering the dose with the least left over, then the fewest vials.

    Counts of the larger sizes are enumerated; the smallest size fills what remains (rounded up).
    """
    sizes = sorted(set(sizes), reverse=True)
    if not sizes:
        return {}
    smallest, larger = sizes[-1], sizes[:-1]
    limits = [min(max_each, int((dose_base / s).to_integral_value(rounding=ROUND_CEILING))) for s in larger]
    best = None
    for counts in product(*(range(lim + 1) for lim in limits)):
        part = sum((c * s for c, s in zip(counts, larger)), Decimal(0))
        rest = dose_base - part
        fill = max(0, int((rest / smallest).to_integral_value(rounding=ROUND_CEILING))) if rest > 0 else 0
        total = part + fill * smallest
        key = (total - dose_base, sum(counts) + fill)
        if best is None or key < best[0]:
            best = (key, counts + (fill,))
    return {s: c for s, c in zip(sizes, best[1]) if c}


@dataclass(slots=True)
class _Group:
    hcpcs: str
    ndc: str | None
    day: date
    administrations: list[AdministrationRecord]


def resolve_hcpcs(adm: AdministrationRecord, codes: CodeSets, dos: date) -> str:
    """The HCPCS for an administration: the recorded code (checked on the date) or the drug's code."""
    if adm.hcpcs:
        code = adm.hcpcs.strip().upper()
        rec = codes.hcpcs_record(code)
        if rec is None:
            raise InvalidInput(f"{adm.where}.hcpcs", f"unknown HCPCS code {code!r}")
        if not rec.valid_on(dos):
            when = f"ended {rec.valid_to}" if rec.valid_to and rec.valid_to < dos else f"starts {rec.valid_from}"
            raise InvalidInput(f"{adm.where}.hcpcs", f"{code} is not valid on {dos} ({when})")
        return code
    found = codes.drug_codes(adm.drug, dos)
    if not found:
        raise InvalidInput(f"{adm.where}.drug", f"no HCPCS code valid on {dos} for drug {adm.drug!r}; give 'hcpcs'")
    if len(found) > 1:
        if adm.drug.lower().strip() == "normal saline":
            return _saline_code(adm)
        raise InvalidInput(f"{adm.where}.drug", f"drug {adm.drug!r} matches several HCPCS codes on {dos} "
                           f"({', '.join(found)}); give 'hcpcs'")
    return found[0]


def _saline_code(adm: AdministrationRecord) -> str:
    _dim, ml = to_base(adm.dose, adm.dose_unit, f"{adm.where}.dose_unit")
    for code, size in _SALINE_BAGS:
        if ml % size == 0:
            return code
    return "J7050"


_THOUSANDTH, _ONE = Decimal("0.001"), Decimal(1)


def _fmt(q: Decimal) -> Decimal:
    """To 0.001, trailing zeros dropped, and never in exponent form (10, not 1E+1)."""
    q = q.quantize(_THOUSANDTH).normalize()
    # A positive exponent is exactly when str() shows "E+" (cheaper than reading as_tuple()).
    return q.quantize(_ONE) if "E+" in str(q) else q


def _plain(q: Decimal) -> str:
    """The amount as people write it: no exponent, no trailing zeros ("0.25", "100")."""
    text = str(q)
    # str() already reads that way for short values without an exponent or trailing zeros after
    # a point; only the others need normalize() (which rounds past 28 digits, hence the length).
    if len(text) < 28 and "E" not in text and not (text[-1] == "0" and "." in text):
        return text
    return format(q.normalize(), "f")


_LOOKUPS = LookupMemo()  # HCPCS for a recorded code or drug name, NDC rows, code facts: per date


def _hcpcs_of(adm: AdministrationRecord, codes: CodeSets, dos: date, memo: dict) -> str:
    """resolve_hcpcs, answered from the memo when this code or drug name resolved before on *dos*."""
    recorded = adm.hcpcs
    if recorded:
        if type(recorded) is not str:
            return resolve_hcpcs(adm, codes, dos)
        key = ("hcpcs", recorded, dos)
        code = memo.get(key)
        if code is None:
            code = memo[key] = resolve_hcpcs(adm, codes, dos)
        return code
    if type(adm.drug) is not str:
        return resolve_hcpcs(adm, codes, dos)
    key = ("drug", adm.drug, dos)
    found = memo.get(key)
    if found is None:
        found = memo[key] = tuple(codes.drug_codes(adm.drug, dos))
    if len(found) == 1:
        return found[0]
    return resolve_hcpcs(adm, codes, dos)  # no code, several codes (saline bag sizes): decided there


def _ndc_of(adm: AdministrationRecord, code: str, codes: CodeSets, dos: date, memo: dict) -> str:
    """The 11-digit NDC of an administration, refused when the crosswalk puts it under another code."""
    recorded = adm.ndc
    hit = memo.get(("ndc", recorded, dos)) if type(recorded) is str else None
    if hit is None:
        ndc = normalize_ndc(recorded, f"{adm.where}.ndc")
        hit = (ndc, codes.ndc_to_hcpcs(ndc, dos))
        if type(recorded) is str:
            memo[("ndc", recorded, dos)] = hit
    ndc, row = hit
    if row is not None and row.hcpcs != code:
        raise InvalidInput(f"{adm.where}.ndc", f"NDC {ndc} is crosswalked to {row.hcpcs} ({row.drug_name}), "
                           f"not {code}")
    return ndc


def code_drugs(enc: EncounterRecord, codes: CodeSets) -> list[CodedLine]:
    """Drug lines for every administration (oral and injectable alike), grouped per HCPCS and day."""
    payer = enc.payer
    dos = enc.date_of_service
    memo = _LOOKUPS.table(codes)
    groups: dict[tuple, _Group] = {}  # in the order the codes first appear
    for i, adm in enumerate(enc.administrations):
        code = _hcpcs_of(adm, codes, dos, memo)
        ndc = _ndc_of(adm, code, codes, dos, memo) if adm.ndc else None
        if not payer.sum_same_hcpcs:
            key = (code, ndc, dos, i)
        elif code in NOT_OTHERWISE_CLASSIFIED:
            key = (code, ndc, dos, adm.drug.lower())  # each unlisted drug is its own line
        else:
            key = (code, ndc, dos)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(code, ndc, dos, [])
        group.administrations.append(adm)
    lines: list[CodedLine] = []
    for group in groups.values():
        lines.extend(_drug_lines(group, codes, enc, payer, memo))
    return lines


_ANTINEOPLASTIC = ("chemotherapy", "immunotherapy", "hormonal")
_NO_CONTAINERS = "; containers not recorded, so JW/JZ cannot be decided (record vials_opened)"
MODULATORS = ("leucovorin", "levoleucovorin")  # given with chemo, but not antineoplastic themselves
_ZERO = Decimal(0)


def _code_facts(code: str, enc: EncounterRecord, codes: CodeSets, memo: dict) -> list:
    """[HCPCS record, MUE for the encounter's setting, billing unit once parsed] on the encounter's date."""
    key = ("facts", code, enc.setting, enc.date_of_service)
    facts = memo.get(key)
    if facts is None:
        setting = "facility" if enc.setting == "facility" else "practitioner"
        facts = memo[key] = [codes.hcpcs_record(code), codes.mue(code, setting, enc.date_of_service), None]
    return facts


def _drug_lines(group: _Group, codes: CodeSets, enc: EncounterRecord, payer: PayerRules,
                memo: dict | None = None) -> list[CodedLine]:
    """The given line (and its JW line) for one HCPCS on one day."""
    code = group.hcpcs
    facts = _code_facts(code, enc, codes, _LOOKUPS.table(codes) if memo is None else memo)
    rec = facts[0]
    adms = group.administrations
    antineoplastic = False
    for a in adms:
        if a.purpose in _ANTINEOPLASTIC:  # unless a modulator (leucovorin) shares the code
            antineoplastic = True
            for b in adms:
                if b.drug.lower().startswith(MODULATORS):
                    antineoplastic = False
                    break
            break
    if rec.billing_unit is None and all(a.billing_units for a in adms):
        return [_per_item_line(group, antineoplastic)]
    unit = facts[2]
    if unit is None:
        unit = facts[2] = billing_unit(code, rec.billing_unit, f"{adms[0].where}.hcpcs")
    unit_dim, unit_base = unit
    total, units, why = _dose_units(group, rec.billing_unit, unit_dim, unit_base)
    vials, chosen = _containers(group, total)
    if vials:
        waste_units, modifier, content, opened_units, units, why_waste = _waste(
            group, vials, chosen, rec, unit_dim, unit_base, total, units, enc, payer)
        why += why_waste
    else:  # nothing recorded: no JW/JZ, and a reminder to record containers (as _waste says)
        waste_units, modifier, content, opened_units = 0, None, _ZERO, 0
        if payer.jw_jz:
            for a in adms:
                if a.route != "oral" and a.purpose != "hydration":
                    why += _NO_CONTAINERS
                    break
    extra_mod: tuple[str, ...] = ()
    if payer.modifier_340b and any(a.acquired_340b for a in adms):
        extra_mod = (payer.modifier_340b,)
        why += f"; 340B-acquired, {payer.modifier_340b} as the payer asks"
    mue = facts[1]
    if mue and units + waste_units > mue.max_units:
        why += f"; WARNING above MUE {mue.max_units} per day (MAI {mue.mai})"
    ndc_unit = ndc_given = ndc_waste = None
    if group.ndc:
        ndc_unit, ndc_given, ndc_waste = _ndc_quantities(group, vials, content, total, units, waste_units,
                                                         unit_dim, payer)
    container = None if not vials else "multi_dose" if any(not v.single_dose for v in vials) else "single_dose"
    # CodedLine fields in order (positional: keywords cost more than the line's arithmetic):
    # code, units, explanation, modifiers, dx_pointers, ndc, ndc_quantity, ndc_unit, date_of_service,
    # role, antineoplastic, container.
    lines = [CodedLine(code, units, f"{code} x{units}: {why}", ((modifier,) if modifier else ()) + extra_mod, (),
                       group.ndc, ndc_given, ndc_unit, group.day, "drug", antineoplastic, container)]
    if waste_units:
        lines.append(CodedLine(code, waste_units,
                               f"{code}-JW x{waste_units}: discarded from single-dose containers "
                               f"({opened_units} opened - {units} given)",
                               ("JW",) + extra_mod, (), group.ndc, ndc_waste, ndc_unit, group.day, "drug",
                               antineoplastic, container))
    return lines


def _per_item_line(group: _Group, antineoplastic: bool) -> CodedLine:
    """Codes billed per vial or per dose take the units the record gives."""
    code = group.hcpcs
    units = sum(a.billing_units for a in group.administrations)
    why = f"{code} x{units}: units as recorded ({code} is billed per item, not by measured dose); JW/JZ not computed"
    return CodedLine(code, units, why, ndc=group.ndc, ndc_quantity=Decimal(units) if group.ndc else None,
                     ndc_unit="UN" if group.ndc else None, date_of_service=group.day, role="drug",
                     antineoplastic=antineoplastic)


def _dose_units(group: _Group, unit_text: str, unit_dim: str, unit_base: Decimal) -> tuple[Decimal, int, str]:
    """(total dose in base units, HCPCS units, why): summed first, then rounded up once, at least one."""
    code = group.hcpcs
    adms = group.administrations
    total = _ZERO
    for adm in adms:
        known = _UNITS.get(adm.dose_unit)  # recorded as written in the table ("mg"): no clean-up needed
        if known is None:
            dim, amount = to_base(adm.dose, adm.dose_unit, f"{adm.where}.dose_unit")
        else:
            dim, amount = known[0], adm.dose * known[1]
        if dim != unit_dim:
            raise InvalidInput(f"{adm.where}.dose_unit", f"dose in {adm.dose_unit} cannot be converted to {code}'s "
                               f"billing unit ({unit_text})")
        total += amount
    exact = total / unit_base
    units = max(1, ceil(exact))  # units_for_dose, sharing the division
    if len(adms) == 1:
        adm = adms[0]
        why = f"{_plain(adm.dose)} {adm.dose_unit} / {unit_text} per unit = {_plain(exact)}"
    else:
        why = (" + ".join(f"{_plain(a.dose)} {a.dose_unit}" for a in adms)
               + f" = {_plain(total)} {_BASE_NAME[unit_dim]} / {unit_text} per unit = {_plain(exact)}")
    if exact != units:
        why += f", rounded up to {units}" if units > exact else ", minimum 1 unit"
    if code.startswith("Q51"):
        why += " (biosimilar Q-code)"
    return total, units, why


def _containers(group: _Group, total: Decimal) -> tuple[list[Vial], bool]:
    """(containers, chosen by us): as recorded opened, else the smallest-waste combination on the shelf."""
    adms = group.administrations
    if len(adms) == 1:
        opened, shelf = adms[0].vials_opened, adms[0].vial_sizes
        if opened:
            return list(opened), False
        if not shelf:
            return [], False
        shelf = list(shelf)
    else:
        vials = [v for adm in adms for v in (adm.vials_opened or ())]
        if vials:
            return vials, False
        shelf = [v for adm in adms for v in (adm.vial_sizes or ())]
        if not shelf:
            return [], False
    where = f"{adms[0].where}.vial_sizes"
    sizes = {to_base(v.size, v.unit, where)[1]: v for v in shelf}
    combo = smallest_waste_vials(total, list(sizes))
    return [Vial(sizes[s].size, sizes[s].unit, c, sizes[s].single_dose, sizes[s].volume_ml)
            for s, c in combo.items()], True


def _waste(group, vials, chosen, rec, unit_dim, unit_base, total, units, enc, payer):
    """(JW units, JZ or None, content opened, units opened, units billed, why).

    JW units = units in the opened single-dose containers - units billed; JZ when none were
    discarded; neither on multiple-dose vials, for payers that do not use them, or for drugs
    packaged under OPPS. A dose slightly above the labeled content is overfill: never billable.
    """
    if not vials:
        reminder = payer.jw_jz and not all(a.route == "oral" or a.purpose == "hydration"
                                           for a in group.administrations)
        why = _NO_CONTAINERS if reminder else ""
        return 0, None, _ZERO, 0, units, why
    where = f"{group.administrations[0].where}.vials_opened"
    content = Decimal(0)
    single_dose = True
    for v in vials:
        known = _UNITS.get(v.unit)  # written as in the table ("mg"): no clean-up needed
        dim, amount = to_base(v.size, v.unit, where) if known is None else (known[0], v.size * known[1])
        if dim != unit_dim:
            raise InvalidInput(where, f"vial size in {v.unit} does not match {group.hcpcs}'s billing unit "
                               f"({rec.billing_unit})")
        content += amount * v.count
        single_dose = single_dose and v.single_dose
    opened_units = floor(content / unit_base)
    if len(vials) == 1:
        desc = f"{vials[0].count} x {_plain(vials[0].size)} {vials[0].unit}"
    else:
        desc = " + ".join(f"{v.count} x {_plain(v.size)} {v.unit}" for v in vials)
    note = " (smallest-waste combination of the vial sizes)" if chosen else ""
    why = ""
    if content < total:
        if total > content * OVERFILL_TOLERANCE:
            raise InvalidInput(where, f"{_plain(content)} {_BASE_NAME[unit_dim]} opened is less than the "
                               f"{_plain(total)} given; record every container opened")
        if units > opened_units:
            why += f"; capped at {opened_units} units, the labeled content opened (overfill is never billable)"
            units = max(1, opened_units)
    if not single_dose:
        return 0, None, content, opened_units, units, why + f"; vials {desc} include a multiple-dose vial, so no JW/JZ"
    if not payer.jw_jz:
        return 0, None, content, opened_units, units, why + f"; payer {payer.name} does not use JW/JZ"
    if enc.setting == "facility" and rec.packaged_under_opps:
        return 0, None, content, opened_units, units, why + "; packaged drug under OPPS (status N), no JW/JZ"
    waste_units = max(0, opened_units - units)
    if waste_units:
        why += (f"; opened {desc}{note} = {opened_units} units, {opened_units} - {units} billed = {waste_units} "
                "discarded, reported on a JW line")
        return waste_units, None, content, opened_units, units, why
    why += f"; opened {desc}{note} = {opened_units} units, nothing discarded: JZ"
    return 0, "JZ", content, opened_units, units, why


_BASE_NAME = {"mass": "mg", "volume": "mL", "units": "units", "mci": "mCi"}


def _ndc_quantities(group, vials, content, total, units, waste_units, unit_dim, payer):
    """(CTP05 unit, quantity on the given line, quantity on the JW line).

    Containers (UN) or millilitres (ML) are split between the given and JW lines in proportion to
    their HCPCS units; measured amounts (ME milligrams, GR grams, F2 international units, ML for
    fluids) are the amount given and the amount discarded.
    """
    billed = units + waste_units
    pref = payer.ndc_unit
    if pref == "UN" and vials:
        count = Decimal(vials[0].count if len(vials) == 1 else sum(v.count for v in vials))
        return "UN", _fmt(count * units / billed), (_fmt(count * waste_units / billed) if waste_units else None)
    if pref == "ML" and vials and all(v.volume_ml for v in vials):
        ml = sum(v.volume_ml * v.count for v in vials)
        return "ML", _fmt(ml * units / billed), (_fmt(ml * waste_units / billed) if waste_units else None)
    waste = content - total if waste_units else None
    scale = Decimal(1)
    if pref == "GR" and unit_dim == "mass":
        unit, scale = "GR", Decimal("0.001")
    else:
        unit = _NDC_UNIT_BY_DIMENSION.get(unit_dim, "UN")
    return unit, _fmt(total * scale), (_fmt(waste * scale) if waste is not None else None)
