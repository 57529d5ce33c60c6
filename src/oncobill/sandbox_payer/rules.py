"""Denial rules a real payer applies, each a small pure function over one claim line.

A rule returns a :class:`Denial` (group, CARC, RARCs and the reason in billing words) or None.
``RULES`` lists them in the order a payer checks: eligibility and filing first, then the
provider, duplicates, authorization, then the coding edits. The first rule that fires denies the
line in full. A payer picks its rules and may change a rule's codes in the sandbox config
(``rules``, ``denial_codes``).

Codes chosen (docs/sandbox-payer.md explains each):
coverage CO-27 (CO-26 before coverage began); timely filing CO-29; rendering provider not
enrolled CO-B7; secondary claim without the primary's adjudication CO-16 + MA04; exact duplicate
OA-18 (+ N522 when the claim already crossed over); no authorization CO-197, units beyond it
CO-198 + N54; missing JW/JZ CO-4 + N822 (both on one line: CO-4 + N519); NDC missing, malformed
or for another drug CO-16 + M119; NCCI PTP CO-236 + N20; MUE CO-151 + N362; a code not payable
in the billed setting CO-5 + M77.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from oncobill.codes.policy import SINGLE_DOSE_ONLY, jw_line_covers, ncci_bypassed
from oncobill.sandbox_payer.billed import BilledClaim, BilledLine
from oncobill.sandbox_payer.config import Member, PayerConfig
from oncobill.sandbox_payer.fees import FeeSchedule


@dataclass(frozen=True)
class Denial:
    """Why a line is not paid: the rule, the CAS group and CARC, the RARCs (LQ*HE) and a reason a biller reads."""

    rule: str
    group: str
    carc: str
    rarcs: tuple[str, ...]
    reason: str


@dataclass
class PayerHistory:
    """What the payer remembers between files (loaded from and saved to the sandbox state)."""

    lines: dict[str, dict] = field(default_factory=dict)  # duplicate key -> {icn, crossover}
    auth_used: dict[str, Decimal] = field(default_factory=dict)  # "AUTH|code" -> units used
    days: dict[str, list] = field(default_factory=dict)  # day key -> [[code, "MOD:MOD", units]] allowed earlier


def day_key(claim: BilledClaim, day: date) -> str:
    """Same member, billing provider and date: where NCCI and per-day MUE look across claims."""
    return f"{claim.member_id}|{claim.billing_npi}|{day.isoformat()}"


def earlier_services(r: Review, day: date) -> list[tuple[str, tuple[str, ...], Decimal]]:
    """Services allowed on earlier claims for this member, provider and date: (code, modifiers, units)."""
    return [(code, tuple(m for m in mods.split(":") if m), Decimal(units))
            for code, mods, units in r.history.days.get(day_key(r.claim, day), [])]  # fmt: skip


@dataclass
class Review:
    """Everything a rule may look at besides the line itself."""

    claim: BilledClaim
    payer: PayerConfig
    member: Member | None
    today: date
    codes: object  # oncobill.codes.CodeSets
    fees: FeeSchedule
    history: PayerHistory
    priors: dict[int, object] = field(default_factory=dict)  # line number -> prior payer's adjudication


def duplicate_key(claim: BilledClaim, line: BilledLine) -> str:
    """Same member, billing provider, date, code, modifiers, units and charge: an exact duplicate."""
    return "|".join((claim.member_id, claim.billing_npi, line.service_date.isoformat(), line.code,
                     ":".join(line.modifiers), str(line.units.normalize()), str(line.charge)))  # fmt: skip


def _deny(rule: str, group: str, carc: str, rarcs: tuple[str, ...], reason: str) -> Denial:
    return Denial(rule, group, carc, rarcs, reason)


def coverage_active(line: BilledLine, r: Review) -> Denial | None:
    """The member's coverage must be in force on the date of service."""
    m = r.member
    if m is None or m.covered_on(line.service_date):
        return None
    if line.service_date < m.coverage_from:
        return _deny("coverage_active", "CO", "26", (), f"{line.label()}: coverage begins {m.coverage_from}, after "
                     f"the date of service {line.service_date}")  # fmt: skip
    return _deny("coverage_active", "CO", "27", (), f"{line.label()}: coverage ended {m.coverage_to}, before the "
                 f"date of service {line.service_date}")  # fmt: skip


def timely_filing(line: BilledLine, r: Review) -> Denial | None:
    """Received more than the payer's filing limit after the date of service (never billable to the patient)."""
    age = (r.today - line.service_date).days
    if age <= r.payer.timely_filing_days:
        return None
    return _deny("timely_filing", "CO", "29", (), f"{line.label()}: received {age} days after the date of service; "
                 f"the limit is {r.payer.timely_filing_days} days")  # fmt: skip


def rendering_enrolled(line: BilledLine, r: Review) -> Denial | None:
    """The rendering provider must be enrolled with the payer on the date of service."""
    if r.payer.enrollments is None:
        return None
    npi = r.claim.rendering_npi
    if any(e.npi == npi and e.covers(line.service_date) for e in r.payer.enrollments):
        return None
    return _deny("rendering_enrolled", "CO", "B7", (), f"{line.label()}: rendering provider NPI {npi} is not "
                 f"enrolled with {r.payer.name} on {line.service_date}")  # fmt: skip


def prior_payer_information(line: BilledLine, r: Review) -> Denial | None:
    """A secondary payer pays only against the primary's adjudication of the line (2430 SVD/CAS)."""
    if not r.claim.is_secondary or line.number in r.priors:
        return None
    return _deny("prior_payer_information", "CO", "16", ("MA04",), f"{line.label()}: billed to us as secondary "
                 "without the primary payer's adjudication of the line")  # fmt: skip


def duplicate(line: BilledLine, r: Review) -> Denial | None:
    """The same service already adjudicated (allowed) for this member: OA-18, N522 when it crossed over."""
    seen = r.history.lines.get(duplicate_key(r.claim, line))
    if seen is None:
        return None
    how = "received as a Medicare crossover" if seen.get("crossover") else "already processed"
    return _deny("duplicate", "OA", "18", ("N522",) if seen.get("crossover") else (),
                 f"{line.label()}: exact duplicate of claim {seen['icn']} ({how})")  # fmt: skip


def prior_authorization(line: BilledLine, r: Review) -> Denial | None:
    """Codes the payer authorizes need an approved authorization for this member, code, date and units."""
    if not r.payer.needs_authorization(line.code):
        return None
    number = line.authorization
    auth = next((a for a in r.payer.authorizations if a.number == number and a.member_id == r.claim.member_id), None)
    if not number or auth is None:
        return _deny("prior_authorization", "CO", "197", (), f"{line.label()}: {r.payer.name} requires prior "
                     f"authorization and {'none was sent' if not number else f'{number} is not on file for this member'}")  # fmt: skip
    if not auth.start <= line.service_date <= auth.end:
        return _deny("prior_authorization", "CO", "197", (), f"{line.label()}: authorization {number} covers "
                     f"{auth.start} to {auth.end}, not {line.service_date}")  # fmt: skip
    if line.code not in auth.units:
        return _deny("prior_authorization", "CO", "197", (), f"{line.label()}: authorization {number} does not "
                     f"approve {line.code}")  # fmt: skip
    earlier = sum((x.units for x in r.claim.lines if x.number < line.number and x.code == line.code
                   and x.authorization == number), Decimal(0))  # fmt: skip
    used = r.history.auth_used.get(f"{number}|{line.code}", Decimal(0)) + earlier + line.units
    if used > auth.units[line.code]:
        return _deny("prior_authorization", "CO", "198", ("N54",), f"{line.label()}: authorization {number} "
                     f"approves {auth.units[line.code].normalize()} units of {line.code}; {used.normalize()} "
                     "would be used")  # fmt: skip
    return None


def jw_jz(line: BilledLine, r: Review) -> Denial | None:
    """Single-dose drug lines need JW (discarded) or JZ (nothing discarded), never both (domain 3.4)."""
    if not r.payer.jw_jz_required or line.code not in SINGLE_DOSE_ONLY:
        return None
    mods = set(line.modifiers)
    if {"JW", "JZ"} <= mods:
        return _deny("jw_jz", "CO", "4", ("N519",), f"{line.label()}: JW and JZ on the same line")
    if mods & {"JW", "JZ"} or jw_line_covers(line.code, line.service_date, r.claim.lines):
        return None  # the given amount carries no modifier when its waste is on a JW line
    if r.claim.form == "837I" and (rec := r.codes.hcpcs(line.code, line.service_date)) and rec.packaged_under_opps:
        return None  # packaged under OPPS: not separately paid, no JW/JZ on the hospital claim
    return _deny("jw_jz", "CO", "4", ("N822",), f"{line.label()}: single-dose drug without JW or JZ")


def ndc(line: BilledLine, r: Review) -> Denial | None:
    """Drug lines carry an 11-digit NDC of the product the HCPCS code describes."""
    if not r.fees.is_drug(line.code):
        return None
    if not line.ndc:
        if not r.payer.ndc_required:
            return None
        return _deny("ndc", "CO", "16", ("M119",), f"{line.label()}: no NDC on a drug line")
    if not (len(line.ndc) == 11 and line.ndc.isdigit()):
        return _deny("ndc", "CO", "16", ("M119",), f"{line.label()}: NDC {line.ndc!r} is not 11 digits")
    row = r.codes.ndc_to_hcpcs(line.ndc, line.service_date)
    if row is not None and row.hcpcs != line.code:
        return _deny("ndc", "CO", "16", ("M119",), f"{line.label()}: NDC {line.ndc} ({row.drug_name}) is "
                     f"billed as {row.hcpcs}, not {line.code}")  # fmt: skip
    return None


def ncci_ptp(line: BilledLine, r: Review) -> Denial | None:
    """Column-2 code billed with its column-1 code the same day (on this claim or one allowed earlier):
    indicator 0 always denied, 1 unless a distinct-service modifier (59, XE, XS, XP, XU) is on either
    line, 9 never applied."""
    setting = "practitioner" if r.claim.form == "837P" else "hospital"
    others = [(x.code, x.modifiers, f"line {x.number}") for x in r.claim.lines
              if x.number != line.number and x.service_date == line.service_date]
    others += [(code, mods, "an earlier claim") for code, mods, _ in earlier_services(r, line.service_date)]  # fmt: skip
    for code, mods, where in others:
        if code == line.code:
            continue
        edit = r.codes.ncci_pair(code, line.code, on=line.service_date, setting=setting)
        if edit is None or ncci_bypassed(edit.modifier_indicator, mods, line.code, line.modifiers):
            continue
        return _deny("ncci_ptp", "CO", "236", ("N20",), f"{line.label()}: bundled into {code} ({where}) by NCCI, "
                     f"modifier indicator {edit.modifier_indicator}")  # fmt: skip
    return None


def mue(line: BilledLine, r: Review) -> Denial | None:
    """Medically Unlikely Edits: MAI 1 limits the line, MAI 2 and 3 the day's units of the code (this
    claim's lines and the units allowed on earlier claims that day)."""
    found = r.codes.mue(line.code, "practitioner" if r.claim.form == "837P" else "facility", on=line.service_date)
    if found is None:
        return None
    if found.mai == 1:
        units = line.units
    else:
        units = sum((x.units for x in r.claim.lines if x.code == line.code and x.service_date == line.service_date),
                    Decimal(0))  # fmt: skip
        units += sum((u for code, _, u in earlier_services(r, line.service_date) if code == line.code), Decimal(0))
    if units <= found.max_units:
        return None
    return _deny("mue", "CO", "151", ("N362",), f"{line.label()}: {units.normalize()} units exceed the MUE of "
                 f"{found.max_units} (MAI {found.mai})")  # fmt: skip


def place_of_service(line: BilledLine, r: Review) -> Denial | None:
    """A professional service CMS marks not payable in the billed setting (e.g. drug administration
    at POS 19/22, which the hospital bills)."""
    if r.claim.form != "837P":
        return None
    fee = r.fees.medicare_fee(line.code, line.modifiers, r.claim.place_of_service)
    if fee is None or fee.per_unit is not None:
        return None
    return _deny("place_of_service", "CO", "5", ("M77",), f"{line.label()}: not payable to the physician at "
                 f"place of service {r.claim.place_of_service} ({fee.source} is not applicable)")  # fmt: skip


RULES: dict[str, Callable[[BilledLine, Review], Denial | None]] = {
    "coverage_active": coverage_active,
    "timely_filing": timely_filing,
    "rendering_enrolled": rendering_enrolled,
    "prior_payer_information": prior_payer_information,
    "duplicate": duplicate,
    "prior_authorization": prior_authorization,
    "jw_jz": jw_jz,
    "ndc": ndc,
    "ncci_ptp": ncci_ptp,
    "mue": mue,
    "place_of_service": place_of_service,
}


def review_line(line: BilledLine, r: Review) -> Denial | None:
    """The first denial among the payer's rules, with the payer's own codes where it set them."""
    for name, rule in RULES.items():
        if name not in r.payer.rules:
            continue
        denial = rule(line, r)
        if denial is not None:
            override = r.payer.denial_codes.get(name)
            if override is not None:
                denial = replace(denial, group=override.group, carc=override.carc, rarcs=override.rarcs)
            return denial
    return None
