"""The demo's payer-side facts: what the sandbox payers know and the practice does not.

A real payer denies what the front desk could not see: a plan that ended coverage retroactively, an
authorization approved for fewer units than the practice recorded. The sandbox configuration is
written from the practice's own data (``demo/sandbox_config.py``), so without these facts the payer
would pay every clean claim. After the month's claims are built and scrubbed, a few of the claims
going out are picked (seeded, from the claims sorted by claim number, so the same seed picks the
same claims on any database) and the payer's copy of the record is changed for them:

- ``coverage_ended_before_month``: a Medicare Advantage member disenrolled retroactively to the end of
  the previous month; every line of the month's claim is denied CO-27.
- ``coverage_ended_mid_month``: a commercial member whose employer ended the coverage during the month
  and told the plan afterwards; the lines on and after the first date past the end are denied CO-27.
- ``authorization_fewer_units``: the payer approved one dose of a drug the practice recorded as
  approved for the whole plan; the second dose in the month is denied CO-198 with N54.
- ``enrollment_ended``: Medicare deactivated a rendering provider's billing privileges before the
  provider's last treatment day of the month (the revalidation request never reached the practice,
  whose credentialing record says enrolled); that day's lines are denied CO-B7, on (at most two)
  claims of patients with a secondary, whose other lines go on to the secondary payer.

Documented in docs/sandbox-payer.md ("The demo's payer-side facts"). Pure except for reading the
claims; nothing here writes to the database.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from oncobill.claims.models import Claim, ClaimStatus
from oncobill.errors import OncoBillError
from oncobill.patients.models import Coverage
from oncobill.practice.models import PayerKind


@dataclass(frozen=True)
class PayerFact:
    """One thing a payer knows that the practice's records do not, and the denial it should produce."""

    kind: str  # coverage_ended_before_month | coverage_ended_mid_month | authorization_fewer_units | enrollment_ended
    payer_id: str  # the payer's ID (2010BB NM109), the sandbox config key
    payer: str  # the practice's payer code
    account: str  # the patients' account numbers, comma-separated
    claims: tuple[str, ...]  # the claims it bites (patient control numbers)
    member_id: str
    expected: str  # the denial the payer should send: "CO-27", "CO-198 N54"
    what: str  # the fact in words
    coverage_to: date | None = None  # coverage facts: the payer's last day of coverage
    authorization: str = ""  # authorization fact: its number
    code: str = ""  # ... the code whose units the payer approved
    units: Decimal | None = None  # ... and how many
    npi: str = ""  # enrollment fact: the rendering provider's NPI
    enrollment_to: date | None = None  # ... and the payer's last day of the enrollment

    def as_dict(self) -> dict:
        return {"kind": self.kind, "payer": self.payer, "patients": self.account, "claims": list(self.claims),
                "expected": self.expected, "what": self.what}


def _single_coverage_patients(session: Session) -> set[int]:
    """Patients with one coverage all year: a retroactive end there changes nothing else in the story."""
    counts: dict[int, int] = defaultdict(int)
    for patient_id in session.scalars(select(Coverage.patient_id)):
        counts[patient_id] += 1
    return {p for p, n in counts.items() if n == 1}


def _patients_with_secondary(session: Session) -> set[int]:
    return set(session.scalars(select(Coverage.patient_id).where(Coverage.priority == "secondary")))


def choose_payer_facts(session: Session, *, seed: int, month_start: date) -> list[PayerFact]:
    """Pick the claims the payer-side facts bite, among the primary claims ready to go out."""
    rng = random.Random(f"payer-side facts {seed}")
    ready = session.scalars(select(Claim).where(Claim.status == ClaimStatus.READY, Claim.primary_claim_id.is_(None))
                            .order_by(Claim.patient_control_number)).all()
    alone = _single_coverage_patients(session)
    facts: list[PayerFact] = []
    used: set[int] = set()

    def pick(candidates: list[Claim]) -> Claim | None:
        candidates = [c for c in candidates if c.patient_id not in used]
        if not candidates:
            return None
        claim = rng.choice(candidates)
        used.add(claim.patient_id)
        return claim

    claim = pick([c for c in ready if c.payer.kind is PayerKind.MEDICARE_ADVANTAGE and c.patient_id in alone])
    if claim is not None:
        end = month_start - timedelta(days=1)
        facts.append(PayerFact(
            "coverage_ended_before_month", claim.payer.payer_id, claim.payer.code, claim.patient.account_number,
            (claim.patient_control_number,), claim.coverage.member_id, "CO-27",
            f"{claim.payer.name} disenrolled the member retroactively as of {end} (moved out of the service "
            f"area); the practice's coverage record has no end date", coverage_to=end))

    def spans_days(c: Claim) -> bool:
        return len({ln.service_date for ln in c.lines}) >= 2

    claim = pick([c for c in ready if c.payer.kind is PayerKind.COMMERCIAL and c.patient_id in alone
                  and spans_days(c)])
    if claim is not None:
        days = sorted({ln.service_date for ln in claim.lines})
        end = days[len(days) // 2] - timedelta(days=1)
        facts.append(PayerFact(
            "coverage_ended_mid_month", claim.payer.payer_id, claim.payer.code, claim.patient.account_number,
            (claim.patient_control_number,), claim.coverage.member_id, "CO-27",
            f"the employer ended the coverage on {end} and told {claim.payer.name} after the month; the "
            f"practice's coverage record has no end date", coverage_to=end))

    found = [(c, code) for c in ready for code in _repeated_authorized_codes(c)]
    claim = pick([c for c, _ in found])
    if claim is not None:
        code = next(code for c, code in found if c is claim)
        lines = sorted((ln for ln in claim.lines if ln.code == code), key=lambda ln: (ln.service_date, ln.line_number))
        first = lines[0].service_date
        units = sum((ln.units for ln in lines if ln.service_date == first), Decimal(0))
        number = lines[0].authorization.auth_number
        facts.append(PayerFact(
            "authorization_fewer_units", claim.payer.payer_id, claim.payer.code, claim.patient.account_number,
            (claim.patient_control_number,), claim.coverage.member_id, "CO-198 N54",
            f"{claim.payer.name} approved authorization {number} for {_plain(units)} units of {code} (one "
            "dose); the practice recorded it as approved for the whole plan", authorization=number, code=code,
            units=units))

    # Medicare deactivates a provider's billing privileges the day before the provider's last treatment
    # day of the month. Picked where the claims with lines that day (at most two) are all of patients
    # with a secondary and have earlier lines too: partly denied CO-B7, their paid lines go on to the
    # secondary payer, which must never be billed the CO-B7 lines' money.
    with_secondary = _patients_with_secondary(session)
    by_doctor: dict[int, list[Claim]] = defaultdict(list)
    for c in ready:
        if c.payer.kind is PayerKind.MEDICARE:  # every claim the deactivation could reach
            by_doctor[c.rendering_provider_id].append(c)
    candidates = []
    for doctor_id, claims in sorted(by_doctor.items()):
        days = sorted({ln.service_date for c in claims for ln in c.lines})
        hit = [c for c in claims if any(ln.service_date == days[-1] for ln in c.lines)]
        if len(days) >= 2 and len(hit) <= 2 and all(
                c.patient_id in with_secondary and c.patient_id not in used and c.service_from < days[-1]
                for c in hit):
            candidates.append((doctor_id, days[-2], hit))
    if candidates:
        doctor_id, end, hit = rng.choice(candidates)
        used.update(c.patient_id for c in hit)
        first = hit[0]
        doctor = first.rendering_provider
        facts.append(PayerFact(
            "enrollment_ended", first.payer.payer_id, first.payer.code,
            ", ".join(c.patient.account_number for c in hit), tuple(c.patient_control_number for c in hit), "",
            "CO-B7", f"{first.payer.name} deactivated {doctor.display_name}'s billing privileges after {end} (the "
            "revalidation request went to an old address); the practice's credentialing record says enrolled",
            npi=doctor.npi, enrollment_to=end))
    return facts


def _repeated_authorized_codes(claim: Claim) -> list[str]:
    """Antineoplastic drug codes billed under an authorization on two or more dates of the claim."""
    days: dict[str, set[date]] = defaultdict(set)
    for ln in claim.lines:
        if ln.authorization is not None and ln.code.startswith("J9"):
            days[ln.code].add(ln.service_date)
    return sorted(code for code, d in days.items() if len(d) >= 2)


def apply_payer_facts(config: dict, facts: list[PayerFact]) -> dict:
    """The sandbox configuration with the payers' own records changed by *facts* (in place, returned).

    A fact that no longer matches the configuration (member, authorization or enrollment absent) is an
    error: the demo would silently lose a denial it promises."""
    for fact in facts:
        payer = config["payers"].get(fact.payer_id)
        if payer is None:
            raise OncoBillError(f"payer-side fact for {', '.join(fact.claims)}: payer {fact.payer_id} is not in the sandbox config")
        if fact.coverage_to is not None:
            member = next((m for m in payer["members"] if m["member_id"] == fact.member_id), None)
            if member is None:
                raise OncoBillError(f"payer-side fact for {', '.join(fact.claims)}: member {fact.member_id} is not on "
                                 f"{fact.payer_id}'s roster")
            member["coverage_to"] = fact.coverage_to.isoformat()
        if fact.authorization:
            auth = next((a for a in payer["authorizations"] if a["number"] == fact.authorization), None)
            if auth is None or fact.code not in auth["units"]:
                raise OncoBillError(f"payer-side fact for {', '.join(fact.claims)}: authorization {fact.authorization} for "
                                 f"{fact.code} is not on file with {fact.payer_id}")
            auth["units"][fact.code] = _plain(fact.units)
        if fact.npi:
            rows = [e for e in payer.get("enrollments") or [] if e["npi"] == fact.npi]
            if not rows:
                raise OncoBillError(f"payer-side fact for {', '.join(fact.claims)}: NPI {fact.npi} is not enrolled with "
                                    f"{fact.payer_id}")
            for row in rows:
                row["to"] = fact.enrollment_to.isoformat()
    return config


def _plain(units: Decimal) -> str:
    """Units as written in the config and in words: 10, 2.5 (never 1E+1)."""
    return format(units.normalize(), "f")


# -- crossovers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrossoverFile:
    """Medicare's copy of a supplemental plan's crossover (COBA) eligibility file: the plan's members
    for whom Medicare forwards each claim to the plan itself (CLP02 19 + MA18 in Medicare's 835, then
    the plan's own 835), by Medicare ID. A payer-side fact: the practice sees that a claim crossed over
    in Medicare's 835, not beforehand. Members who joined the plan after the file Medicare last loaded
    are not on it; for them Medicare answers CLP02 1 and the practice bills the plan itself."""

    medicare_payer_id: str  # the Medicare payer's ID (SBMCR)
    partner_payer_id: str  # the supplemental plan's payer ID (SBKMG)
    partner: str  # its practice payer code
    partner_name: str
    as_of: date  # the file Medicare last loaded: members who joined on or after this date are not on it
    members: tuple[tuple[str, str, str], ...]  # (account, Medicare ID, the plan's member ID) on the file
    not_on_file: tuple[tuple[str, str, date], ...]  # (account, the plan's member ID, joined the plan)

    def as_dict(self) -> dict:
        return {"partner": self.partner, "partner_name": self.partner_name, "as_of": self.as_of.isoformat(),
                "members_on_file": len(self.members), "patients_on_file": [a for a, _, _ in self.members],
                "not_on_file": [{"patient": a, "joined": joined.isoformat()} for a, _, joined in self.not_on_file]}


def crossover_file_date(month_start: date) -> date:
    """The demo's crossover file date: the first of the third month before the demo month (July 1 for October)."""
    index = month_start.year * 12 + month_start.month - 1 - 3
    return date(index // 12, index % 12 + 1, 1)


def choose_crossover_files(session: Session, *, month_start: date) -> list[CrossoverFile]:
    """One file per supplemental plan set up as Medicare's crossover partner (payer setting
    ``crossover_from`` naming a Medicare payer whose setting ``crossover`` is on): its members whose
    coverage began before the file date, each with the Medicare ID of the patient's Medicare coverage."""
    from oncobill.practice.models import Payer
    from oncobill.practice.service import payer_setting

    as_of = crossover_file_date(month_start)
    payers = session.scalars(select(Payer).order_by(Payer.id)).all()
    by_code = {p.code: p for p in payers}
    files = []
    for partner in payers:
        code = payer_setting(session, payer_id=partner.id, key="crossover_from", on=month_start)
        medicare = by_code.get(code) if code else None
        if medicare is None or medicare.kind is not PayerKind.MEDICARE or not payer_setting(
                session, payer_id=medicare.id, key="crossover", on=month_start, default=False):
            continue
        members, missing = [], []
        for cov in session.scalars(select(Coverage).where(Coverage.payer_id == partner.id)
                                   .order_by(Coverage.patient_id, Coverage.effective_date)):
            mcr = next((c for c in cov.patient.coverages if c.payer_id == medicare.id and _overlap(c, cov)), None)
            if mcr is None:
                continue
            if cov.effective_date < as_of:
                members.append((cov.patient.account_number, mcr.member_id, cov.member_id))
            else:
                missing.append((cov.patient.account_number, cov.member_id, cov.effective_date))
        files.append(CrossoverFile(medicare.payer_id, partner.payer_id, partner.code, partner.name, as_of,
                                   tuple(members), tuple(missing)))
    return files


def _overlap(a: Coverage, b: Coverage) -> bool:
    return (a.end_date is None or a.end_date >= b.effective_date) and (b.end_date is None or b.end_date >= a.effective_date)


def apply_crossover_files(config: dict, files: list[CrossoverFile]) -> dict:
    """The sandbox configuration with each crossover file loaded (in place, returned): the plan's member
    carries the Medicare ID (``medicare_id``), Medicare's member the partner (``crossover_to``). A member
    missing from either roster is an error: the demo would silently lose a crossover it promises."""
    for f in files:
        medicare = {m["member_id"]: m for m in config["payers"].get(f.medicare_payer_id, {}).get("members", [])}
        partner = {m["member_id"]: m for m in config["payers"].get(f.partner_payer_id, {}).get("members", [])}
        for account, medicare_id, member_id in f.members:
            if medicare_id not in medicare or member_id not in partner:
                raise OncoBillError(f"crossover file of {f.partner_payer_id} for {account}: member {medicare_id} or "
                                    f"{member_id} is not on the sandbox rosters")
            partner[member_id]["medicare_id"] = medicare_id
            medicare[medicare_id]["crossover_to"] = f.partner_payer_id
    return config
