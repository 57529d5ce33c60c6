"""Claim use cases: record authorizations, build claims from unbilled charge lines, scrub them,
list them, and create corrected (frequency 7) and void (frequency 8) claims.

Services flush, never commit: the caller's use case owns the transaction. Building claims posts
nothing to the ledger: the charges were posted when the charge lines were stored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, func, select, type_coerce
from sqlalchemy.orm import Session, selectinload

import oncobill.models  # noqa: F401  (every table mapped, so a flush can order inserts across stages)
from oncobill.charges.models import ChargeLine, Encounter, EncounterStatus
from oncobill.claims import builder, lifecycle
from oncobill.claims.models import (
    Authorization,
    AuthorizationStatus,
    Claim,
    ClaimDiagnosis,
    ClaimFinding,
    ClaimForm,
    ClaimLine,
    ClaimStatus,
    FindingSeverity,
)
from oncobill.claims.records import (
    INSTITUTIONAL,
    PROFESSIONAL,
    AuthorizationInfo,
    BillableLine,
    EnrollmentInfo,
    PayerInfo,
    PersonInfo,
    ProviderInfo,
    ScrubClaim,
    ScrubLine,
    SubscriberInfo,
)
from oncobill.claims.scrub import Finding, ScrubContext, has_errors, scrub
from oncobill.claims.scrub.edits import is_radiation
from oncobill.codes import CodeSets, default_code_sets
from oncobill.errors import InvalidInput, NotFound
from oncobill.errors import require_enum as _enum
from oncobill.patients.models import Patient
from oncobill.patients.service import primary_coverage_on
from oncobill.practice.models import CareSetting, Payer, PayerEnrollment, ServiceLocation
from oncobill.practice.service import get_payer, payer_setting, settings_in_force

# Payer settings the scrubber reads (resolved as of the claim's first date of service).
SCRUB_SETTINGS = ("jw_jz_required", "prior_auth_required", "prior_auth_codes", "ndc_required", "retro_billing_days",
                  "timely_filing_days", "timely_filing_warning_days", "second_initial_modifier")


# -- authorizations ------------------------------------------------------------------------------

def add_authorization(session: Session, *, payer_code: str, patient: Patient, auth_number: str,
                      approved_units: dict[str, Decimal | int | str | None], start_date: date, end_date: date,
                      status: AuthorizationStatus | str = AuthorizationStatus.APPROVED,
                      note: str | None = None) -> Authorization:
    """Record a prior authorization: codes with their approved units (None: no unit limit) and its dates."""
    payer = get_payer(session, payer_code)
    where = f"authorization {auth_number!r} of patient {patient.account_number} with {payer_code}"
    status = _enum(AuthorizationStatus, status, where)
    if not auth_number or not auth_number.strip() or len(auth_number) > 50:
        raise InvalidInput(where, "the authorization number (REF*G1) is required, at most 50 characters")
    if end_date < start_date:
        raise InvalidInput(where, f"end date {end_date} is before start date {start_date}")
    if not approved_units:
        raise InvalidInput(where, "at least one approved code is required")
    units: dict[str, str | None] = {}
    for code, value in approved_units.items():
        if value is None:
            units[code] = None
            continue
        amount = Decimal(str(value))
        if amount <= 0:
            raise InvalidInput(f"{where}: {code}", f"approved units must be above zero, got {value}")
        units[code] = str(amount)
    if session.scalar(select(Authorization.id).where(Authorization.payer_id == payer.id,
                                                     Authorization.auth_number == auth_number)) is not None:
        raise InvalidInput(where, "this payer already has an authorization with this number")
    auth = Authorization(payer_id=payer.id, patient_id=patient.id, auth_number=auth_number.strip(), status=status,
                         approved_units=units, start_date=start_date, end_date=end_date, note=note)
    session.add(auth)
    session.flush()
    return auth


def units_used(session: Session, authorization_id: int, *, excluding_claim_id: int | None = None) -> dict[str, Decimal]:
    """Units billed under an authorization per code: a sum over claim lines, never stored.

    Voids, replaced claims and their lines do not count twice: only claims still open or paid count,
    and a void (frequency 8) takes nothing."""
    thousandths = type_coerce(ClaimLine.units, BigInteger)  # sum the stored integers, convert once
    query = (select(ClaimLine.code, func.sum(thousandths)).join(Claim)
             .where(ClaimLine.authorization_id == authorization_id, Claim.frequency_code != "8",
                    Claim.status != ClaimStatus.CLOSED)
             .group_by(ClaimLine.code))
    if excluding_claim_id is not None:
        query = query.where(Claim.id != excluding_claim_id)
    out = {}
    for code, total in session.execute(query):
        out[code] = (Decimal(int(total)) / 1000).normalize()  # Quantity stores thousandths
    return out


def authorization_for(auths: list[Authorization], code: str, on: date) -> Authorization | None:
    """The first usable authorization among *auths* (one payer's, one patient's) covering *code* on *on*."""
    for auth in auths:
        if auth.status.usable and auth.start_date <= on <= auth.end_date and code in auth.approved_units:
            return auth
    return None


# -- building ------------------------------------------------------------------------------------

@dataclass
class BuildResult:
    claims: list[Claim] = field(default_factory=list)
    lines_billed: int = 0
    lines_without_coverage: int = 0  # self-pay: they go on the patient statement, not a claim


def billable_lines(session: Session, *, through: date | None = None, codes: CodeSets | None = None
                   ) -> tuple[list[BillableLine], int]:
    """Charge lines on no claim yet (up to a date of service), each with the primary coverage in force
    on its date and the authorization that covers it; and the count of lines with no coverage."""
    codes = codes or default_code_sets()
    on_a_claim = select(ClaimLine.charge_line_id).where(ClaimLine.charge_line_id.is_not(None))
    query = (select(ChargeLine).join(Encounter).where(ChargeLine.id.not_in(on_a_claim))
             .options(selectinload(ChargeLine.encounter).selectinload(Encounter.diagnoses),
                      selectinload(ChargeLine.encounter).selectinload(Encounter.location))
             .order_by(Encounter.date_of_service, Encounter.id, ChargeLine.line_number))
    if through is not None:
        query = query.where(ChargeLine.service_date <= through)
    coverage_cache: dict[tuple[int, date], object] = {}
    auth_cache: dict[tuple[int, int], list[Authorization]] = {}
    out: list[BillableLine] = []
    self_pay = 0
    for line in session.scalars(query):
        enc = line.encounter
        key = (enc.patient_id, line.service_date)
        if key not in coverage_cache:
            coverage_cache[key] = primary_coverage_on(session, patient_id=enc.patient_id, on=line.service_date)
        coverage = coverage_cache[key]
        if coverage is None:
            self_pay += 1
            continue
        dx = tuple(enc.diagnoses[p - 1].icd10_code for p in line.dx_pointers if 1 <= p <= len(enc.diagnoses))
        location: ServiceLocation = enc.location
        form = INSTITUTIONAL if location.setting is CareSetting.HOSPITAL_OUTPATIENT else PROFESSIONAL
        auth = None
        if is_radiation(line.code) or line.code[:1] in "JQ":
            akey = (coverage.payer_id, enc.patient_id)
            if akey not in auth_cache:
                auth_cache[akey] = list(session.scalars(
                    select(Authorization).where(Authorization.payer_id == coverage.payer_id,
                                                Authorization.patient_id == enc.patient_id)
                    .order_by(Authorization.start_date, Authorization.id)))
            auth = authorization_for(auth_cache[akey], line.code, line.service_date)
        out.append(BillableLine(
            charge_line_id=line.id, encounter_id=enc.id, patient_id=enc.patient_id, coverage_id=coverage.id,
            payer_id=coverage.payer_id, billing_entity_id=location.billing_entity_id,
            rendering_provider_id=line.rendering_provider_id, location_id=location.id, form=form,
            service_date=line.service_date, code=line.code, units=line.units, charge=line.charge, diagnoses=dx,
            encounter_diagnoses=tuple(d.icd10_code for d in enc.diagnoses), modifiers=tuple(line.modifiers),
            ndc=line.ndc, ndc_quantity=line.ndc_quantity, ndc_unit=line.ndc_unit,
            authorization_id=auth.id if auth else None, authorization_number=auth.auth_number if auth else None,
            line_number=line.line_number,
        ))
    return out, self_pay


def build_claims(session: Session, *, actor: str, through: date | None = None, now: datetime | None = None,
                 codes: CodeSets | None = None) -> BuildResult:
    """Put every unbilled charge line (through a date of service) on a draft claim."""
    now = now or datetime.now().replace(microsecond=0)
    lines, self_pay = billable_lines(session, through=through, codes=codes)
    result = BuildResult(lines_without_coverage=self_pay)
    for draft in builder.build_claims(lines):
        claim = Claim(
            patient_control_number=f"TMP{id(draft)}", patient_id=draft.patient_id, coverage_id=draft.coverage_id,
            payer_id=draft.payer_id, billing_entity_id=draft.billing_entity_id,
            rendering_provider_id=draft.rendering_provider_id, location_id=draft.location_id,
            form=ClaimForm(draft.form), frequency_code="1", prior_authorization=draft.prior_authorization,
            service_from=draft.service_from, service_to=draft.service_to, created_at=now, status=ClaimStatus.DRAFT,
            diagnoses=[ClaimDiagnosis(sequence=i, icd10_code=code) for i, code in enumerate(draft.diagnoses, 1)],
        )
        _add_lines(claim, draft.lines)
        lifecycle.start(claim, actor=actor, at=now,
                        reason=f"built from {len(draft.lines)} charge line(s), {draft.service_from} to "
                               f"{draft.service_to}, total {draft.total_charge}")
        session.add(claim)
        session.flush()
        assign_control_numbers(claim)
        result.claims.append(claim)
        result.lines_billed += len(draft.lines)
    session.flush()
    _mark_encounters_billed(session, {line.encounter_id for line in lines})
    return result


def _add_lines(claim: Claim, lines) -> None:
    for line in lines:
        mods = list(line.modifiers) + [None] * (4 - len(line.modifiers))
        claim.lines.append(ClaimLine(
            charge_line_id=line.charge_line_id, line_number=line.line_number,
            line_control_number=f"TMP{id(line)}", service_date=line.service_date, code=line.code,
            modifier1=mods[0], modifier2=mods[1], modifier3=mods[2], modifier4=mods[3], units=line.units,
            charge=line.charge, ndc=line.ndc, ndc_quantity=line.ndc_quantity, ndc_unit=line.ndc_unit,
            dx_pointers=":".join(str(p) for p in line.dx_pointers), revenue_code=line.revenue_code,
            authorization_id=line.authorization_id,
        ))


def assign_control_numbers(claim: Claim) -> None:
    """Patient control number from the claim id (unique, at most 20 characters for CLM01), and a line
    control number per line (REF*6R) derived from it, so the 835 can find both."""
    claim.patient_control_number = f"OB{claim.id:08d}"
    for line in claim.lines:
        line.line_control_number = f"{claim.patient_control_number}-{line.line_number:02d}"


def _mark_encounters_billed(session: Session, encounter_ids: set[int]) -> None:
    if not encounter_ids:
        return
    on_a_claim = select(ClaimLine.charge_line_id).where(ClaimLine.charge_line_id.is_not(None))
    unbilled = set(session.scalars(select(ChargeLine.encounter_id).where(
        ChargeLine.encounter_id.in_(encounter_ids), ChargeLine.id.not_in(on_a_claim))))
    for encounter in session.scalars(select(Encounter).where(Encounter.id.in_(encounter_ids - unbilled))):
        encounter.status = EncounterStatus.BILLED


# -- scrubbing -----------------------------------------------------------------------------------

def _container(line: ClaimLine) -> str | None:
    """What the drug came in (single- or multiple-dose), as charge capture recorded it from the MAR."""
    return line.charge_line.container if line.charge_line else None


def scrub_view(session: Session, claim: Claim, cache: dict | None = None) -> ScrubClaim:
    """The plain data of a claim the edits read (``cache`` shares payer settings and enrollments
    across the claims of one scrub run)."""
    cache = {} if cache is None else cache
    payer: Payer = claim.payer
    patient = claim.patient
    coverage = claim.coverage
    entity = claim.billing_entity
    rendering = claim.rendering_provider
    key = ("enrollments", rendering.id, payer.id)
    if key not in cache:
        cache[key] = tuple(EnrollmentInfo(e.status.value, e.effective_date, e.end_date) for e in session.scalars(
            select(PayerEnrollment).where(PayerEnrollment.provider_id == rendering.id,
                                          PayerEnrollment.payer_id == payer.id)))
    enrollments = cache[key]
    key = ("settings", payer.id, claim.service_from)
    if key not in cache:
        cache[key] = settings_in_force(session, payer.id, claim.service_from)
    settings = cache[key]
    auth_ids = {line.authorization_id for line in claim.lines if line.authorization_id}
    auths = []
    for auth in session.scalars(select(Authorization).where(Authorization.id.in_(auth_ids))) if auth_ids else ():
        auths.append(AuthorizationInfo(
            auth.auth_number, auth.status.value, auth.start_date, auth.end_date,
            {code: (Decimal(v) if v is not None else None) for code, v in auth.approved_units.items()},
            units_used(session, auth.id, excluding_claim_id=claim.id)))
    numbers = {line.authorization_id: line.authorization.auth_number for line in claim.lines if line.authorization}
    self_subscriber = coverage.relationship_to_subscriber.value == "18"
    return ScrubClaim(
        patient_control_number=claim.patient_control_number, form=claim.form.value,
        place_of_service=claim.location.place_of_service,
        payer=PayerInfo(payer.code, payer.kind.value, payer.payer_id, payer.claim_filing_indicator,
                        payer.timely_filing_days, payer.name),
        billing=ProviderInfo(entity.group_npi, entity.taxonomy, entity.legal_name, entity.tin, entity.zip_code),
        rendering=ProviderInfo(rendering.npi, rendering.taxonomy, rendering.display_name),
        patient=PersonInfo(patient.last_name, patient.first_name, patient.birth_date, patient.sex,
                           patient.address_line1, patient.city, patient.state, patient.zip_code),
        subscriber=SubscriberInfo(
            coverage.member_id, coverage.relationship_to_subscriber.value,
            PersonInfo(patient.last_name, patient.first_name, patient.birth_date) if self_subscriber else
            PersonInfo(coverage.subscriber_last_name, coverage.subscriber_first_name, coverage.subscriber_birth_date),
            coverage.group_number, coverage.priority.value, coverage.effective_date, coverage.end_date),
        diagnoses=tuple(d.icd10_code for d in claim.diagnoses),
        lines=tuple(ScrubLine(
            line.line_number, line.service_date, line.code, line.units, line.charge,
            tuple(int(p) for p in line.dx_pointers.split(":") if p), tuple(line.modifiers), line.ndc,
            line.ndc_quantity, line.ndc_unit, line.revenue_code, numbers.get(line.authorization_id),
            _container(line)) for line in claim.lines),
        settings=settings, enrollments=enrollments,
        authorizations=tuple(auths), prior_authorization=claim.prior_authorization,
        frequency_code=claim.frequency_code, payer_claim_number=claim.payer_claim_number,
        facility_npi=claim.location.npi, billed_elsewhere=_billed_elsewhere(session, claim),
    )


def _billed_elsewhere(session: Session, claim: Claim) -> tuple:
    """Lines of the patient's earlier open claims to the same payer in the same dates (for OA-18)."""
    rows = session.execute(
        select(ClaimLine.service_date, ClaimLine.code, ClaimLine.modifier1, ClaimLine.modifier2, ClaimLine.modifier3,
               ClaimLine.modifier4, ClaimLine.units, Claim.patient_control_number).join(Claim)
        .where(Claim.patient_id == claim.patient_id, Claim.payer_id == claim.payer_id, Claim.id < claim.id,
               Claim.status != ClaimStatus.CLOSED, Claim.frequency_code != "8",
               ClaimLine.service_date >= claim.service_from, ClaimLine.service_date <= claim.service_to))
    return tuple((d, code, tuple(m for m in (m1, m2, m3, m4) if m), units, pcn)
                 for d, code, m1, m2, m3, m4, units, pcn in rows)


@dataclass
class ScrubResult:
    scrubbed: int = 0
    held: int = 0
    ready: int = 0
    findings_by_edit: Counter = field(default_factory=Counter)  # errors and warnings, by edit id
    errors_by_edit: Counter = field(default_factory=Counter)
    claims_by_edit: Counter = field(default_factory=Counter)  # claims held by each edit

    @property
    def clean_claim_rate(self) -> Decimal:
        """Claims with no error finding / claims scrubbed (0 to 1, four places)."""
        if not self.scrubbed:
            return Decimal(0)
        return (Decimal(self.ready) / Decimal(self.scrubbed)).quantize(Decimal("0.0001"))


def scrub_claims(session: Session, *, actor: str, today: date | None = None, claims: list[Claim] | None = None,
                 codes: CodeSets | None = None, now: datetime | None = None) -> ScrubResult:
    """Scrub draft and held claims (or the ones given): store the findings, hold claims with errors,
    move the clean ones to ready."""
    today = today or date.today()
    now = now or datetime.now().replace(microsecond=0)
    ctx = ScrubContext(codes=codes or default_code_sets(), today=today)
    if claims is None:
        claims = list(session.scalars(select(Claim).where(Claim.status.in_([ClaimStatus.DRAFT, ClaimStatus.HELD]))
                                      .order_by(Claim.id)))
    result = ScrubResult()
    cache: dict = {}
    charge_lines = _preload_charge_lines(session, claims)
    for claim in claims:
        if claim.status not in (ClaimStatus.DRAFT, ClaimStatus.HELD, ClaimStatus.READY):
            raise InvalidInput(f"claim {claim.patient_control_number}",
                               f"only draft, held or ready claims are scrubbed; this one is {claim.status.value}")
        findings = scrub(scrub_view(session, claim, cache), ctx)
        _store_findings(claim, findings, now)
        result.scrubbed += 1
        held_by = sorted({f.edit_id for f in findings if f.severity == "error"})
        for f in findings:
            result.findings_by_edit[f.edit_id] += 1
            if f.severity == "error":
                result.errors_by_edit[f.edit_id] += 1
        for edit in held_by:
            result.claims_by_edit[edit] += 1
        if has_errors(findings):
            result.held += 1
            if claim.status is not ClaimStatus.HELD:
                lifecycle.transition(claim, ClaimStatus.HELD, actor=actor, at=now,
                                     reason=f"scrubber: {sum(f.severity == 'error' for f in findings)} error(s) "
                                            f"({', '.join(held_by)})")
        else:
            result.ready += 1
            if claim.status is not ClaimStatus.READY:
                warnings = len(findings)
                lifecycle.transition(claim, ClaimStatus.READY, actor=actor, at=now,
                                     reason="scrubber: no errors" + (f", {warnings} warning(s)" if warnings else ""))
    del charge_lines  # held through the loop, so lazy loads hit the identity map
    session.flush()
    return result


def _preload_charge_lines(session: Session, claims: list[Claim]) -> list[ChargeLine]:
    """One query per 500 charge lines the claims bill (they say what containers the drugs came in);
    the caller keeps the list so the session's weak identity map keeps them."""
    ids = [line.charge_line_id for claim in claims for line in claim.lines if line.charge_line_id]
    loaded: list[ChargeLine] = []
    for start in range(0, len(ids), 500):
        loaded.extend(session.scalars(select(ChargeLine).where(ChargeLine.id.in_(ids[start:start + 500]))))
    return loaded


def _store_findings(claim: Claim, findings: list[Finding], now: datetime) -> None:
    claim.findings.clear()
    for f in findings:
        claim.findings.append(ClaimFinding(edit_id=f.edit_id, severity=FindingSeverity(f.severity),
                                           line_number=f.line_number, message=f.message[:500], fix=f.fix[:500],
                                           found_at=now))


# -- queries -------------------------------------------------------------------------------------

def get_claim(session: Session, patient_control_number: str) -> Claim:
    claim = session.scalar(select(Claim).where(Claim.patient_control_number == patient_control_number))
    if claim is None:
        raise NotFound("claim", patient_control_number)
    return claim


def list_claims(session: Session, *, status: ClaimStatus | str | None = None) -> list[Claim]:
    query = select(Claim).order_by(Claim.id)
    if status is not None:
        query = query.where(Claim.status == _enum(ClaimStatus, status, "claim status"))
    return list(session.scalars(query))


# -- corrections ---------------------------------------------------------------------------------

FOLLOW_UP_KINDS = {"1": "new original", "7": "replacement", "8": "void"}


def _follow_up(session: Session, claim: Claim, *, frequency: str, actor: str, reason: str,
               payer_claim_number: str | None, now: datetime | None) -> Claim:
    now = now or datetime.now().replace(microsecond=0)
    kind = FOLLOW_UP_KINDS[frequency]
    where = f"{kind} of claim {claim.patient_control_number}"
    if claim.status not in lifecycle.ADJUDICATED:
        raise InvalidInput(where, f"only an adjudicated claim (paid, partial or denied) can be corrected or voided; "
                                  f"this one is {claim.status.value}. A claim rejected at 999/277CA is fixed and "
                                  "sent again as an original.")
    number = payer_claim_number or claim.payer_claim_number
    if not number and frequency != "1":
        raise InvalidInput(where, "the payer's claim number (ICN/DCN, for REF*F8) is required")
    if not reason:
        raise InvalidInput(where, "a reason is required")
    if frequency == "7" and claim.status is ClaimStatus.DENIED and payer_setting(
            session, payer_id=claim.payer_id, key="correct_denied_as_original", on=claim.service_from, default=False):
        frequency, kind = "1", "new original"  # this payer wants a denied claim fixed and sent as new (domain 6.2)
    new = Claim(
        patient_control_number=f"TMP{id(claim)}{frequency}", patient_id=claim.patient_id,
        coverage_id=claim.coverage_id, payer_id=claim.payer_id, billing_entity_id=claim.billing_entity_id,
        rendering_provider_id=claim.rendering_provider_id, location_id=claim.location_id, form=claim.form,
        frequency_code=frequency, original_claim_id=claim.id,
        primary_claim_id=claim.primary_claim_id,  # a secondary's correction still carries the prior payer's 2320/2430
        payer_claim_number=number if frequency != "1" else None,
        prior_authorization=claim.prior_authorization, service_from=claim.service_from, service_to=claim.service_to,
        created_at=now, status=ClaimStatus.DRAFT,
        diagnoses=[ClaimDiagnosis(sequence=d.sequence, icd10_code=d.icd10_code) for d in claim.diagnoses],
    )
    _add_lines(new, claim.lines)
    for copy, line in zip(new.lines, claim.lines):
        copy.dx_pointers = line.dx_pointers
    of = f"of {claim.patient_control_number}, payer claim {number}" if number else f"in place of {claim.patient_control_number}"
    lifecycle.start(new, actor=actor, at=now, reason=f"{kind} (frequency {frequency}) {of}: {reason}")
    replaced = {"8": "voided by", "7": "replaced by"}.get(frequency, "sent again as new original")
    session.add(new)
    session.flush()
    assign_control_numbers(new)
    if number:
        claim.payer_claim_number = number
    lifecycle.transition(claim, ClaimStatus.CLOSED, actor=actor, at=now,
                         reason=f"{replaced} {new.patient_control_number}: {reason}")
    session.flush()
    return new


def create_new_original(session: Session, claim: Claim, *, actor: str, reason: str,
                        now: datetime | None = None) -> Claim:
    """A denied, never-paid claim fixed and sent again as a new original (frequency 1, no REF*F8), as
    payers that do not take a corrected claim for a denial want; the denied claim is closed."""
    return _follow_up(session, claim, frequency="1", actor=actor, reason=reason, payer_claim_number=None, now=now)


def create_replacement(session: Session, claim: Claim, *, actor: str, reason: str,
                       payer_claim_number: str | None = None, now: datetime | None = None) -> Claim:
    """A corrected claim (frequency 7, REF*F8 = the payer's claim number) as a draft copy to edit and
    scrub; the original is closed as replaced. A payer with the setting correct_denied_as_original
    gets a denied claim back as a new original (frequency 1) instead."""
    return _follow_up(session, claim, frequency="7", actor=actor, reason=reason,
                      payer_claim_number=payer_claim_number, now=now)


def create_void(session: Session, claim: Claim, *, actor: str, reason: str, payer_claim_number: str | None = None,
                now: datetime | None = None) -> Claim:
    """A void (frequency 8) repeating the original as billed; the original is closed as voided."""
    return _follow_up(session, claim, frequency="8", actor=actor, reason=reason,
                      payer_claim_number=payer_claim_number, now=now)


def move(session: Session, claim: Claim, target: ClaimStatus | str, *, actor: str, reason: str,
         at: datetime | None = None):
    """Move a claim along its lifecycle (submission and acknowledgment imports call this)."""
    event = lifecycle.transition(claim, target, actor=actor, reason=reason, at=at)
    session.flush()
    return event
