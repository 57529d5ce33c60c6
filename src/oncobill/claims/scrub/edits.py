"""The scrubber's edits: each a small pure function ``(claim, ctx) -> list[Finding]``.

Every finding says, in billing words, what a payer would deny and what the biller should do.
They are registered in ``EDITS`` at the bottom and run in that order. Payer-specific behaviour
comes from the claim's payer settings (in force on its first date of service), never from code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache

from oncobill.charges.diagnoses import is_malignancy
from oncobill.claims.records import PROFESSIONAL, ScrubClaim, ScrubLine
from oncobill.claims.scrub.core import ERROR, WARNING, Finding, ScrubContext
from oncobill.claims.scrub.reference import (
    ANTINEOPLASTIC_Q_CODES,
    ERROR_FACTOR,
    SINGLE_DOSE_ONLY,
    USUAL_DOSE_MG,
)
from oncobill.codes.policy import EM_CODES, jw_line_covers, ncci_bypassed
from oncobill.practice.rules import enrollment_covers

_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_ZIP = re.compile(r"^[0-9]{5}([0-9]{4})?$")
# Medicare Beneficiary Identifier: 11 characters, no S L O I B Z letters.
_MBI = re.compile(r"^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9]"
                  r"[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y][0-9][0-9]$")
_MASS = {"MG": Decimal(1), "MCG": Decimal("0.001"), "G": Decimal(1000), "GM": Decimal(1000)}
NDC_UNITS = frozenset({"UN", "ML", "GR", "F2", "ME"})
INITIAL_ADMINISTRATION = frozenset({"96360", "96365", "96374", "96409", "96413"})
_UNKNOWN = object()
Z_THERAPY = {"Z51.11": "chemotherapy", "Z51.12": "immunotherapy", "Z51.0": "radiation"}


# -- small helpers ------------------------------------------------------------------------------

def _e(edit: str, message: str, fix: str, line: int | None = None) -> Finding:
    return Finding(edit, ERROR, message, fix, line)


def _w(edit: str, message: str, fix: str, line: int | None = None) -> Finding:
    return Finding(edit, WARNING, message, fix, line)


def is_drug_line(line: ScrubLine, ctx: ScrubContext) -> bool:
    """A HCPCS drug (J or Q code with a measurable billing unit)."""
    return ctx.is_drug(line.code, line.service_date)


@lru_cache(maxsize=4096)
def is_antineoplastic(code: str) -> bool:
    return code.startswith("J9") or code in ANTINEOPLASTIC_Q_CODES


@lru_cache(maxsize=4096)
def is_radiation(code: str) -> bool:
    return (code.startswith("77") and "77261" <= code <= "77799") or ("G6001" <= code <= "G6017")


@lru_cache(maxsize=4096)
def is_drug_administration(code: str) -> bool:
    return "96360" <= code <= "96549" and code.isdigit()


@lru_cache(maxsize=4096)
def is_chemo_administration(code: str) -> bool:
    return "96401" <= code <= "96549" and code.isdigit()


def _by_date(claim: ScrubClaim) -> dict[date, list[ScrubLine]]:
    return claim.by_date


def _pointed(claim: ScrubClaim, line: ScrubLine) -> list[str]:
    return [claim.diagnoses[p - 1] for p in line.dx_pointers if 1 <= p <= len(claim.diagnoses)]


def _label(line: ScrubLine) -> str:
    mods = "-".join(line.modifiers)
    return f"{line.code}{'-' + mods if mods else ''} x{_plain(line.units)} on {line.service_date}"


def _plain(q: Decimal) -> str:
    return format(q.normalize(), "f") if isinstance(q, Decimal) else str(q)


# -- claim shape and identities -----------------------------------------------------------------

def claim_shape(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """Limits of the 837 and the frequency code's companions."""
    edit = "claim_shape"
    out = []
    if not claim.lines:
        return [_e(edit, "The claim has no service lines.", "Delete the claim or add the charge lines it bills.")]
    if len(claim.lines) > 50:
        out.append(_e(edit, f"{len(claim.lines)} service lines; an 837 claim holds at most 50.",
                      "Rebuild the claim: the builder splits at 50 lines."))
    if not 1 <= len(claim.diagnoses) <= 12:
        out.append(_e(edit, f"{len(claim.diagnoses)} diagnoses; the HI segment holds 1 to 12.",
                      "Keep the diagnoses the lines point to, at most 12, or split the claim."))
    if claim.frequency_code in ("7", "8") and not claim.payer_claim_number:
        kind = "replacement" if claim.frequency_code == "7" else "void"
        out.append(_e(edit, f"A {kind} claim (frequency {claim.frequency_code}) needs the payer's claim number "
                      "for REF*F8.", "Enter the payer's ICN/DCN from the remittance of the original claim."))
    if claim.form == PROFESSIONAL:
        months = {(line.service_date.year, line.service_date.month) for line in claim.lines}
        if len(months) > 1:
            out.append(_e(edit, "The claim's dates of service cross a calendar month.",
                          "Split the claim at the month boundary."))
    for line in claim.lines:
        if line.units <= 0 or line.charge < 0:
            out.append(_e(edit, f"Line {line.line_number} {_label(line)} has units {line.units} and charge "
                          f"{line.charge}; units must be above zero and the charge not negative.",
                          "Correct the charge line.", line.line_number))
        if len(line.modifiers) > 4 or any(not _MODIFIER.match(m) for m in line.modifiers):
            out.append(_e(edit, f"Line {line.line_number} modifiers {list(line.modifiers)} are not up to four "
                          "two-character modifiers.", "Correct the modifiers.", line.line_number))
    return out


def npi_check_digits(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """Billing, rendering and facility NPIs: ten digits with a valid Luhn check digit (prefix 80840)."""
    out = []
    for role, npi in (("billing provider", claim.billing.npi), ("rendering provider", claim.rendering.npi),
                      ("service facility", claim.facility_npi)):
        if role == "service facility" and not npi:
            continue
        problem = ctx.npi_problem(npi or "")
        if problem:
            out.append(_e("npi", f"The {role} NPI {npi!r} is not valid: {problem}.",
                          f"Correct the {role}'s NPI from NPPES (practice setup), then rebuild the claim."))
    return out


def taxonomy_codes(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """PRV*BI and PRV*PE taxonomies must be NUCC codes; payers match them to the enrolled taxonomy."""
    out = []
    for role, taxonomy in (("billing provider", claim.billing.taxonomy),
                           ("rendering provider", claim.rendering.taxonomy)):
        if not taxonomy:
            out.append(_e("taxonomy", f"The {role} has no taxonomy code.",
                          f"Enter the {role}'s NUCC taxonomy as enrolled with the payer (e.g. 207RX0202X)."))
        elif ctx.codes.taxonomy(taxonomy) is None:
            out.append(_e("taxonomy", f"The {role} taxonomy {taxonomy} is not in the NUCC code set.",
                          f"Correct the {role}'s taxonomy to the code the payer has on file."))
    return out


def subscriber_and_member(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """2010BA/2010CA data a payer needs to find the member: ID, names, birth date, sex, address."""
    edit = "subscriber"
    out = []
    sub = claim.subscriber
    member = (sub.member_id or "").strip()
    if not member:
        out.append(_e(edit, "The member ID is missing.", "Copy the member ID from the insurance card or the 271."))
    elif claim.payer.kind == "medicare" and not _MBI.match(member):
        out.append(_e(edit, f"Member ID {member!r} is not a Medicare Beneficiary Identifier (11 characters, "
                      "e.g. 1EG4TE5MK73).", "Use the MBI from the Medicare card or the MAC eligibility check."))
    if sub.relationship != "18":
        person = sub.person
        missing = [name for name, value in (("last name", person.last_name), ("first name", person.first_name),
                                            ("birth date", person.birth_date)) if not value]
        if missing:
            out.append(_e(edit, f"The patient is not the subscriber, and the subscriber's {', '.join(missing)} "
                          "is missing.", "Enter the policyholder's name and birth date on the coverage."))
    patient = claim.patient
    missing = [name for name, value in (("last name", patient.last_name), ("first name", patient.first_name),
                                        ("birth date", patient.birth_date), ("address", patient.address_line1),
                                        ("city", patient.city), ("state", patient.state)) if not value]
    if patient.sex not in ("F", "M", "U"):
        missing.append("sex")
    if not (patient.zip_code and _ZIP.match(patient.zip_code)):
        missing.append("5- or 9-digit ZIP")
    if missing:
        out.append(_e(edit, f"Patient {', '.join(missing)} missing or malformed.",
                      "Complete the patient's demographics in registration."))
    if patient.birth_date and claim.lines and patient.birth_date > claim.service_from:
        out.append(_e(edit, f"Patient birth date {patient.birth_date} is after the date of service.",
                      "Correct the birth date in registration."))
    return out


def coverage_active(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """Every date of service inside the coverage's dates (a coverage ended or started later is CO-27)."""
    start, end = claim.subscriber.coverage_from, claim.subscriber.coverage_to
    outside = sorted({line.service_date for line in claim.lines
                      if (start and line.service_date < start) or (end and line.service_date > end)})
    if not outside:
        return []
    span = f"{start or 'open'} to {end or 'open'}"
    carc = "CO-26" if start and outside[0] < start else "CO-27"  # before coverage began, or after it ended
    return [_e("coverage_active", f"The {claim.payer.name or claim.payer.code} coverage ({span}) is not in force on "
               f"{', '.join(map(str, outside))}; the payer denies those services ({carc}).",
               "Check eligibility (270/271) for those dates, then rebuild the claim: the builder bills each date "
               "to the coverage in force that day.")]


def duplicates(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """A line already billed on another open claim is an exact duplicate (OA-18); the same service twice
    on one claim should be one line with the units summed."""
    out = []
    elsewhere = {(d, code, mods, units): pcn for d, code, mods, units, pcn in claim.billed_elsewhere}
    seen: dict[tuple, int] = {}
    for line in claim.lines:
        key = (line.service_date, line.code, tuple(line.modifiers), line.units)
        if key in elsewhere:
            out.append(_e("duplicate", f"Line {line.line_number} {_label(line)} is already billed on claim "
                          f"{elsewhere[key]}; the payer denies exact duplicates (OA-18).",
                          "Remove the line (or void/replace the other claim if this one is the correction).",
                          line.line_number))
        first = seen.setdefault(key[:3], line.line_number)
        if first != line.line_number:
            out.append(_w("duplicate", f"Line {line.line_number} {_label(line)} repeats line {first} (same date, "
                          "code and modifiers).", "Bill the service once with the units summed, or add the modifier "
                          "that shows it was distinct (76, XU, XS...).", line.line_number))
    return out


def place_of_service(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """A CMS place-of-service code; on a professional claim at a hospital outpatient POS (19, 22) the
    hospital bills the drugs and their administration on its 837I, so the physician cannot (CO-5, M77)."""
    if ctx.codes.pos(claim.place_of_service) is None:
        return [_e("place_of_service", f"Place of service {claim.place_of_service!r} is not a CMS POS code.",
                   "Correct the service location's place of service (11 office, 19/22 hospital outpatient).")]
    if claim.form != PROFESSIONAL or claim.place_of_service not in ("19", "22"):
        return []
    out = []
    for line in claim.lines:
        if is_drug_line(line, ctx) or is_drug_administration(line.code):
            what = "the drug" if is_drug_line(line, ctx) else "the drug administration"
            out.append(_e("place_of_service", f"Line {line.line_number} {_label(line)}: at place of service "
                          f"{claim.place_of_service} the hospital bills {what}, not the physician (CO-5, M77).",
                          "Remove the line from the professional claim; it belongs on the hospital's 837I.",
                          line.line_number))
    return out


# -- codes --------------------------------------------------------------------------------------

def codes_valid_on_date(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """Every CPT/HCPCS valid on its date of service; every diagnosis a billable ICD-10-CM code."""
    out = []
    for line in claim.lines:
        if ctx.hcpcs(line.code, line.service_date) is None:
            rec = ctx.codes.hcpcs_record(line.code)
            if rec is None:
                why = "is not a CPT or HCPCS code we know"
            elif rec.valid_to and rec.valid_to < line.service_date:
                why = f"ended on {rec.valid_to}"
            else:
                why = f"is only valid from {rec.valid_from}"
            out.append(_e("code_valid_on_dos", f"Line {line.line_number}: {line.code} {why}, so it is invalid "
                          f"on {line.service_date}.", "Recode the service with the code in force on the date of "
                          "service (e.g. J2505 ended: pegfilgrastim is J2506 per 0.5 mg).", line.line_number))
    for position, code in enumerate(claim.diagnoses, start=1):
        if not ctx.billable(code):
            out.append(_e("dx_billable", f"Diagnosis {position} {code} is not a billable ICD-10-CM code "
                          "(missing characters, or not in ICD-10-CM).",
                          "Code the diagnosis to its highest specificity from the chart."))
    return out


def diagnosis_pointers(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """One to four pointers per line, each to a diagnosis on the claim, none repeated (SV107)."""
    out = []
    for line in claim.lines:
        ptrs = line.dx_pointers
        bad = [p for p in ptrs if not 1 <= p <= len(claim.diagnoses)]
        if not ptrs or len(ptrs) > 4 or bad or len(set(ptrs)) != len(ptrs):
            out.append(_e("dx_pointers", f"Line {line.line_number} {_label(line)} points to diagnoses {list(ptrs)}; "
                          f"a line needs 1 to 4 distinct pointers among the claim's {len(claim.diagnoses)}.",
                          "Point the line to the diagnoses that justify it.", line.line_number))
    return out


def diagnosis_sequencing(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """Z51.x needs the malignancy on the claim and the therapy it names; antineoplastic drug and
    chemotherapy administration lines must point to the malignancy (LCDs look for it there)."""
    edit = "dx_sequencing"
    out = []
    malignancies = [d for d in claim.diagnoses if is_malignancy(d)]
    therapy_z = [d for d in claim.diagnoses if d in Z_THERAPY]
    if therapy_z and not malignancies:
        out.append(_e(edit, f"{', '.join(therapy_z)} is on the claim without the malignancy being treated.",
                      "Add the cancer diagnosis (C00-C96, D00-D09) right after the Z51 code."))
    codes = {line.code for line in claim.lines}
    has_chemo = any(is_chemo_administration(code) or is_antineoplastic(code) for code in codes)
    has_radiation = any(is_radiation(code) for code in codes)
    for z in therapy_z:
        if Z_THERAPY[z] == "radiation" and not has_radiation:
            out.append(_w(edit, f"{z} (radiation therapy encounter) but no radiation service is billed.",
                          "Remove Z51.0, or add the radiation services of the encounter."))
        if Z_THERAPY[z] != "radiation" and not has_chemo:
            out.append(_w(edit, f"{z} (antineoplastic {Z_THERAPY[z]} encounter) but no antineoplastic drug or "
                          "chemotherapy administration is billed.",
                          "Remove the Z51.1- code: sequence the condition treated first."))
    for line in claim.lines:
        antineoplastic = is_antineoplastic(line.code) or is_chemo_administration(line.code)
        if antineoplastic and not any(is_malignancy(d) for d in _pointed(claim, line)):
            kind = "drug" if is_antineoplastic(line.code) else "chemotherapy administration"
            out.append(_e(edit, f"Line {line.line_number} {_label(line)}: the antineoplastic {kind} line does "
                          "not point to a malignancy; coverage edits (LCD/NCD) look for the cancer on it.",
                          "Point the line to the cancer diagnosis (keep Z51.11/Z51.12 first on the claim).",
                          line.line_number))
    return out


# -- NCCI and MUE -------------------------------------------------------------------------------

def ncci_ptp(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """NCCI procedure-to-procedure pairs on the same date: indicator 0 is never bypassable, 1 only with
    59 or XE/XS/XP/XU (25 on an E/M column 2), 9 is not applied."""
    out = []
    for day, lines in _by_date(claim).items():
        if len(lines) < 2:
            continue
        by_code: dict[str, list[ScrubLine]] = {}
        for line in lines:
            by_code.setdefault(line.code, []).append(line)
        if len(by_code) < 2:
            continue
        for code1, code2, indicator in _ncci_pairs_among(frozenset(by_code), claim, ctx, day):
            lines1 = by_code[code1]
            for col2 in by_code[code2]:
                out.extend(_ncci_finding(indicator, lines1[0], lines1, col2))
    out.sort(key=lambda f: f.line_number or 0)
    return out


def _ncci_pairs_among(codes: frozenset[str], claim: ScrubClaim, ctx: ScrubContext, day: date) -> list[tuple]:
    """The PTP edits (column 1, column 2, indicator 0 or 1) among one day's codes, remembered per code set:
    the same regimen day recurs across a batch."""
    table = ctx.ncci_table(claim, day)
    known = table.get(codes)
    if known is not None:
        return known
    found = []
    for code1 in codes:
        for code2 in codes:
            if code1 == code2:
                continue
            edit = table.get((code1, code2), _UNKNOWN)
            if edit is _UNKNOWN:
                edit = ctx.ncci(code1, code2, claim, day, table)
            if edit is not None and edit.modifier_indicator != 9:
                found.append((code1, code2, edit.modifier_indicator))
    found.sort()
    table[codes] = found
    return found


def _ncci_finding(indicator: int, col1: ScrubLine, lines1: list[ScrubLine], col2: ScrubLine) -> list[Finding]:
    if indicator == 0:
        return [_e("ncci_ptp", f"Line {col2.line_number} {_label(col2)} is bundled into {col1.code} (line "
                   f"{col1.line_number}) by NCCI, modifier indicator 0: no modifier can bypass it; the payer denies "
                   "it (CO-236/CO-97).", f"Remove {col2.code} from this date, or move it to the date it was really "
                   "performed.", col2.line_number)]
    if any(ncci_bypassed(indicator, x.modifiers, col2.code, col2.modifiers) for x in lines1):
        return []
    return [_e("ncci_ptp", f"Line {col2.line_number} {_label(col2)} is bundled into {col1.code} (line "
               f"{col1.line_number}) by NCCI (modifier indicator 1).",
               f"If the chart documents a distinct service (separate site, encounter or practitioner), add "
               f"XU/XS/XE/XP (or 59) to {col2.code}; otherwise remove it.", col2.line_number)]


def mue_units(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """Medically Unlikely Edits: MAI 1 limits each line; MAI 2 and 3 limit the day's units of the code."""
    out = []
    for day, lines in _by_date(claim).items():
        by_code: dict[str, list[ScrubLine]] = defaultdict(list)
        for line in lines:
            by_code[line.code].append(line)
        for code, group in by_code.items():
            mue = ctx.mue(code, claim, day)
            if mue is None:
                continue
            if mue.mai == 1:
                for line in group:
                    if line.units > mue.max_units:
                        out.append(_e("mue", f"Line {line.line_number} {_label(line)} is above the MUE of "
                                      f"{mue.max_units} per line (MAI 1); the payer denies the line (CO-151, N362).",
                                      "Check the units; if more were truly given, split them on lines with the "
                                      "anatomic or 76/77/59 modifier the chart supports.", line.line_number))
                continue
            total = sum((line.units for line in group), Decimal(0))
            if total > mue.max_units:
                kind = ("an absolute limit (MAI 2), never payable above it" if mue.mai == 2
                        else "a clinical limit (MAI 3), payable above it only on appeal with records")
                out.append(_e("mue", f"{code} on {day}: {_plain(total)} units across {len(group)} line(s) exceed the "
                              f"MUE of {mue.max_units} per day, {kind} (CO-151, N362).",
                              "Check for a unit error (10x, or a course billed on one day); bill only the units "
                              "given that day.", group[0].line_number))
    return out


# -- drugs --------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _unit_mg(text: str | None) -> Decimal | None:
    """Billing unit in mg ('0.5 MG' -> 0.5, '25 MCG' -> 0.025), None when not a mass."""
    if not text or " " not in text:
        return None
    amount, unit = text.split(" ", 1)
    factor = _MASS.get(unit.strip().upper())
    return Decimal(amount) * factor if factor is not None else None


def drug_units(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """Units against what the NDC says was given or opened, and against the usual dose for the
    drugs whose billing unit is a trap (oxaliplatin 0.5 mg, bortezomib 0.1 mg, palonosetron 25 mcg,
    pegfilgrastim 0.5 mg...): a 10x unit error is caught here before MUE or the payer sees it."""
    out = []
    for line in claim.lines:
        if not is_drug_line(line, ctx):
            continue
        rec = ctx.hcpcs(line.code, line.service_date)
        unit_mg = _unit_mg(rec.billing_unit)
        implied: Decimal | None = None
        basis = ""
        if line.ndc and line.ndc_quantity and line.ndc_unit == "ME" and unit_mg:
            implied = (line.ndc_quantity / unit_mg).to_integral_value(rounding=ROUND_CEILING)
            basis = f"the NDC quantity {_plain(line.ndc_quantity)} mg / {rec.billing_unit} per unit"
        elif line.ndc and line.ndc_quantity and line.ndc_unit == "UN":
            row = ctx.codes.ndc_to_hcpcs(line.ndc, line.service_date)
            if row is not None and row.hcpcs == line.code:
                try:
                    per_item = Decimal(row.billing_units_per_item)
                except ArithmeticError:
                    per_item = None
                if per_item:
                    implied = line.ndc_quantity * per_item
                    basis = (f"{_plain(line.ndc_quantity)} container(s) of NDC {line.ndc} x {_plain(per_item)} "
                             "billing units each")
        if implied and implied > 0:
            ratio = line.units / implied
            if ratio >= 5 or ratio <= Decimal("0.2"):
                out.append(_e("drug_units", f"Line {line.line_number} {_label(line)}: {basis} gives {_plain(implied)} "
                              f"units, about {_plain(ratio.quantize(Decimal('0.1')))}x off: a probable unit error "
                              f"({line.code} is billed per {rec.billing_unit}).",
                              f"Recompute the units: dose / {rec.billing_unit}, rounded up.", line.line_number))
                continue
            if line.ndc_unit == "UN" and line.units > implied:
                out.append(_e("drug_units", f"Line {line.line_number} {_label(line)} bills more units than {basis} "
                              f"hold ({_plain(implied)}).", "Bill at most the labelled content opened (overfill is "
                              "never billable); check the NDC quantity.", line.line_number))
                continue
        usual = USUAL_DOSE_MG.get(line.code)
        if usual and unit_mg and "JW" not in line.modifiers:
            day_units = sum((x.units for x in claim.lines if x.code == line.code and x.service_date ==
                             line.service_date and "JW" not in x.modifiers), Decimal(0))
            dose = day_units * unit_mg
            low, high = usual
            if dose > high * ERROR_FACTOR or dose * ERROR_FACTOR < low:
                out.append(_e("drug_units", f"Line {line.line_number} {_label(line)} = {_plain(dose)} mg of drug "
                              f"({line.code} is per {rec.billing_unit}); a usual dose is {_plain(low)}-{_plain(high)} "
                              "mg: a probable 10x unit error.",
                              f"Recompute the units from the dose given: dose in mg / {_plain(unit_mg)} mg, rounded "
                              "up.", line.line_number))
            elif dose > high or dose < low:
                out.append(_w("drug_units", f"Line {line.line_number} {_label(line)} = {_plain(dose)} mg, outside the "
                              f"usual {_plain(low)}-{_plain(high)} mg for {line.code}.",
                              "Confirm the dose on the MAR.", line.line_number))
    return out


def jw_jz(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """JW (discarded) or JZ (nothing discarded) on single-dose drug lines where the payer requires them
    (setting jw_jz_required); never both; never on multi-dose or non-drug lines."""
    edit = "jw_jz"
    out = []
    required = bool(claim.setting("jw_jz_required", False))
    undecided: list[ScrubLine] = []
    for line in claim.lines:
        mods = set(line.modifiers)
        drug = is_drug_line(line, ctx)
        if {"JW", "JZ"} <= mods:
            out.append(_e(edit, f"Line {line.line_number} {_label(line)} carries both JW and JZ.",
                          "Keep JZ on the given amount when nothing was discarded, or bill the discarded units on "
                          "their own JW line.", line.line_number))
            continue
        if mods & {"JW", "JZ"} and not drug:
            out.append(_e(edit, f"Line {line.line_number} {_label(line)}: JW/JZ belong on drug lines only, never on "
                          "an administration or other service.", "Remove the modifier.", line.line_number))
            continue
        if not drug:
            continue
        if claim.form == "837I" and (rec := ctx.hcpcs(line.code, line.service_date)) and rec.packaged_under_opps:
            continue  # packaged under OPPS: no JW/JZ is reported on the hospital claim
        container = line.container or ("single_dose" if line.code in SINGLE_DOSE_ONLY else None)
        if mods & {"JW", "JZ"} and container == "multi_dose":
            out.append(_e(edit, f"Line {line.line_number} {_label(line)}: JW/JZ on a drug drawn from a multiple-dose "
                          "vial.", "Remove JW/JZ (and any JW line): waste is not reported from multi-dose vials.",
                          line.line_number))
            continue
        if "JW" in mods:
            given = [x for x in claim.lines if x.code == line.code and x.service_date == line.service_date
                     and "JW" not in x.modifiers]
            if not given:
                out.append(_e(edit, f"Line {line.line_number} {_label(line)}: a JW (discarded) line without the line "
                              "for the amount given.", f"Add the {line.code} line for the dose given.",
                              line.line_number))
            elif any("JZ" in x.modifiers for x in given):
                out.append(_e(edit, f"Line {line.line_number} {_label(line)}: JW reports waste but the given line "
                              "says JZ (nothing discarded).", "Remove JZ from the given line, or remove the JW line.",
                              line.line_number))
            continue
        if not required or "JZ" in mods:
            continue
        if jw_line_covers(line.code, line.service_date, claim.lines):
            continue
        if container == "single_dose":
            out.append(_e(edit, f"Line {line.line_number} {_label(line)}: a single-dose drug without JW or JZ; "
                          f"{claim.payer.name or claim.payer.code} requires one and returns the claim without it "
                          "(CO-16 with N365/M67, or CO-4).",
                          "Add JZ if nothing was discarded, or bill the discarded units on a JW line "
                          "(record the vials opened).", line.line_number))
        elif container is None:
            undecided.append(line)
    if undecided:
        codes = ", ".join(dict.fromkeys(line.code for line in undecided))
        out.append(_w(edit, f"{len(undecided)} drug line(s) ({codes}) have no JW/JZ and the chart does not say "
                      "whether their containers were single-dose.",
                      "Record the vials opened; add JZ, or a JW line for the discarded units, on single-dose "
                      "containers.", undecided[0].line_number))
    return out


def ndc_on_drug_lines(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """A well-formed 11-digit NDC with quantity and unit, crosswalked to the line's HCPCS, on drug
    lines (required where the payer setting ndc_required says so; Medicaid by default)."""
    edit = "ndc"
    out = []
    required = bool(claim.setting("ndc_required", claim.payer.kind == "medicaid"))
    for line in claim.lines:
        if not is_drug_line(line, ctx):
            if line.ndc:
                out.append(_w(edit, f"Line {line.line_number} {_label(line)} carries NDC {line.ndc} but is not a "
                              "drug line.", "Remove the NDC from this line.", line.line_number))
            continue
        if not line.ndc:
            if required:
                out.append(_e(edit, f"Line {line.line_number} {_label(line)} has no NDC; "
                              f"{claim.payer.name or claim.payer.code} requires the NDC on every drug line "
                              "(denied CO-16 with M119).", "Add the 11-digit NDC of the product given, with its "
                              "quantity and unit (2410 LIN/CTP).", line.line_number))
            continue
        if not (len(line.ndc) == 11 and line.ndc.isdigit()):
            out.append(_e(edit, f"Line {line.line_number}: NDC {line.ndc!r} is not 11 digits (5-4-2) (M119).",
                          "Convert the label NDC to 11 digits by padding the short segment with a zero.",
                          line.line_number))
            continue
        if not line.ndc_quantity or line.ndc_quantity <= 0 or line.ndc_unit not in NDC_UNITS:
            out.append(_e(edit, f"Line {line.line_number}: NDC {line.ndc} needs a quantity above zero and a unit "
                          "(UN, ML, GR, F2, ME).", "Enter the NDC quantity and unit given (CTP04/CTP05).",
                          line.line_number))
        row = ctx.codes.ndc_to_hcpcs(line.ndc, line.service_date)
        if row is not None and row.hcpcs != line.code:
            out.append(_e(edit, f"Line {line.line_number}: NDC {line.ndc} ({row.drug_name}) is crosswalked to "
                          f"{row.hcpcs}, not {line.code} (denied CO-16 with M119).",
                          "Use the NDC of the product actually given, or the HCPCS that matches it.",
                          line.line_number))
    return out


# -- administration-day rules -------------------------------------------------------------------

def em_with_drug_administration(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """On a drug-administration day 99211 is never paid; a higher E/M needs modifier 25."""
    out = []
    for day, lines in _by_date(claim).items():
        if not any(is_drug_administration(line.code) for line in lines):
            continue
        for line in lines:
            if line.code == "99211":
                out.append(_e("em_drug_admin", f"Line {line.line_number}: 99211 on {day} with drug administration "
                              "is never paid, with or without 25 (the nurse visit is part of the administration).",
                              "Remove 99211.", line.line_number))
            elif line.code in EM_CODES and "25" not in line.modifiers:
                out.append(_e("em_drug_admin", f"Line {line.line_number}: {line.code} on {day} with drug "
                              "administration needs modifier 25 (significant, separately identifiable visit).",
                              f"Add 25 to {line.code} if the note supports a separate visit; otherwise remove it.",
                              line.line_number))
    return out


def one_initial_administration(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """One initial service (96360, 96365, 96374, 96409, 96413) per encounter, unless a second IV site
    or encounter is shown with 59/XU/XE/XS."""
    out = []
    for day, lines in _by_date(claim).items():
        initials = [line for line in lines if line.code in INITIAL_ADMINISTRATION]
        for line in initials[1:]:
            if set(line.modifiers) & {"59", "XU", "XE", "XS"}:
                continue
            out.append(_e("one_initial", f"Line {line.line_number} {_label(line)}: a second initial "
                          f"administration on {day} (line {initials[0].line_number} {initials[0].code} is the "
                          "initial service).",
                          f"Recode it as sequential/concurrent (e.g. 96375, 96367, 96417), or add "
                          f"{claim.setting('second_initial_modifier', 'XU')} if a separate IV site was required.",
                          line.line_number))
    return out


# -- payer relationship -------------------------------------------------------------------------

def timely_filing(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """Days since the earliest date of service against the payer's filing limit."""
    if claim.frequency_code != "1" or not claim.lines:
        return []
    limit = int(claim.setting("timely_filing_days", claim.payer.timely_filing_days))
    warn = int(claim.setting("timely_filing_warning_days", 14))
    age = (ctx.today - claim.service_from).days
    if age > limit:
        return [_e("timely_filing", f"The earliest date of service {claim.service_from} is {age} days ago; "
                   f"{claim.payer.name or claim.payer.code} allows {limit} days (CO-29).",
                   "If proof of timely filing exists (an earlier rejection or acceptance report), appeal with it; "
                   "otherwise write the balance off (CO-29 is never billed to the patient).")]
    if limit - age <= warn:
        return [_w("timely_filing", f"{limit - age} days left to file with {claim.payer.name or claim.payer.code} "
                   f"(limit {limit} days from {claim.service_from}).", "Work this claim first.")]
    return []


def rendering_enrollment(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """The rendering provider must be enrolled with the payer on every date of service (retro window
    from the payer setting retro_billing_days)."""
    retro = int(claim.setting("retro_billing_days", 0))
    days = sorted({line.service_date for line in claim.lines})
    missing = [d for d in days if not any(enrollment_covers(e.status, e.effective_date, e.end_date, d, retro_days=retro)
                                          for e in claim.enrollments)]
    if not missing:
        return []
    states = ", ".join(sorted({e.status for e in claim.enrollments})) or "no enrollment on file"
    left = int(claim.setting("timely_filing_days", claim.payer.timely_filing_days)) - (ctx.today - days[0]).days
    return [_e("enrollment", f"{claim.rendering.name or claim.rendering.npi} (NPI {claim.rendering.npi}) is not "
               f"enrolled with {claim.payer.name or claim.payer.code} on {', '.join(map(str, missing))} ({states}); "
               "the payer denies the claim (B7).",
               f"Hold the claim until the enrollment is approved with an effective date on or before the date of "
               f"service; never bill it under another provider's NPI; {left} days of timely filing left.")]


def _needs_auth(line: ScrubLine, claim: ScrubClaim, ctx: ScrubContext) -> bool:
    extra = claim.setting("prior_auth_codes") or ()
    return line.code in extra or is_radiation(line.code) or (is_antineoplastic(line.code) and is_drug_line(line, ctx))


def prior_authorization(claim: ScrubClaim, ctx: ScrubContext) -> list[Finding]:
    """Where the payer requires prior authorization (setting prior_auth_required), every antineoplastic
    drug and radiation line needs an approved authorization covering its code, date and units (CO-197)."""
    if not claim.setting("prior_auth_required", False):
        return []
    out = []
    by_number = {a.auth_number: a for a in claim.authorizations}
    used: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in claim.lines:
        if not _needs_auth(line, claim, ctx):
            continue
        number = line.authorization_number or claim.prior_authorization
        auth = by_number.get(number) if number else None
        payer = claim.payer.name or claim.payer.code
        if auth is None:
            out.append(_e("prior_auth", f"Line {line.line_number} {_label(line)}: {payer} requires prior "
                          "authorization and none is on file for this code and date (CO-197).",
                          "Obtain the authorization (or a retro-authorization) and record it, then rebuild; "
                          "after a coverage change the new payer needs its own.", line.line_number))
            continue
        problem = None
        if auth.status not in ("approved", "partial"):
            problem = f"authorization {auth.auth_number} is {auth.status}"
        elif not auth.start_date <= line.service_date <= auth.end_date:
            problem = (f"authorization {auth.auth_number} covers {auth.start_date} to {auth.end_date}, not "
                       f"{line.service_date}")
        elif line.code not in auth.approved_units:
            problem = f"authorization {auth.auth_number} does not approve {line.code}"
        else:
            approved = auth.approved_units[line.code]
            key = (auth.auth_number, line.code)
            used[key] += line.units
            if approved is not None:
                total = used[key] + auth.used_elsewhere.get(line.code, Decimal(0))
                if total > approved:
                    problem = (f"authorization {auth.auth_number} approves {_plain(approved)} units of {line.code}; "
                               f"{_plain(total)} would be used with this line")
        if problem:
            out.append(_e("prior_auth", f"Line {line.line_number} {_label(line)}: {problem} (CO-197/CO-198).",
                          "Ask the payer to extend or amend the authorization before billing.", line.line_number))
    return out


# The scrubber: every edit, in the order a biller would want to read the findings.
EDITS = [
    claim_shape,
    npi_check_digits,
    taxonomy_codes,
    subscriber_and_member,
    rendering_enrollment,
    coverage_active,
    place_of_service,
    timely_filing,
    codes_valid_on_date,
    diagnosis_pointers,
    diagnosis_sequencing,
    ncci_ptp,
    mue_units,
    drug_units,
    jw_jz,
    ndc_on_drug_lines,
    em_with_drug_administration,
    one_initial_administration,
    prior_authorization,
    duplicates,
]

# Edit ids each function may report (for documentation and the CLI).
EDIT_IDS = ["claim_shape", "npi", "taxonomy", "subscriber", "enrollment", "coverage_active", "place_of_service",
            "timely_filing", "code_valid_on_dos", "dx_billable", "dx_pointers", "dx_sequencing", "ncci_ptp", "mue",
            "drug_units", "jw_jz", "ndc", "em_drug_admin", "one_initial", "prior_auth", "duplicate"]


def scrub(claim: ScrubClaim, ctx: ScrubContext, edits=None) -> list[Finding]:
    """Run every edit in order; a void (frequency 8) repeats the original, so only its shape is checked."""
    chosen = [claim_shape] if claim.frequency_code == "8" else (EDITS if edits is None else edits)
    findings: list[Finding] = []
    for edit in chosen:
        findings.extend(edit(claim, ctx))
    return findings
