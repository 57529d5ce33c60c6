"""One month of the demo practice's revenue cycle: every treatment day of every plan that falls in
the month is documented, coded by the charge-capture rules, priced from the charge master and
posted to the ledger against the coverage in force on that day; then the month's charge lines are
built into claims and scrubbed, and the ready claims go out as 837 batches through the sandbox
clearinghouse, whose 999 and 277CA answers are imported."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from oncobill.charges import service as charges
from oncobill.charges.coding import code_encounter
from oncobill.charges.models import Encounter
from oncobill.charges.records import AdministrationRecord, EncounterRecord, RadiationCourse, Vial
from oncobill.claims import service as claims
from oncobill.claims.acknowledgments import ReceiveResult, receive
from oncobill.claims.models import Claim, ClaimStatus
from oncobill.claims.secondary import SecondaryResult, build_secondary_claims
from oncobill.claims.submission import Receiver, SubmissionResult, create_batches, send_batches
from oncobill.codes import CodeSets
from oncobill.demo.population import DemoPatient
from oncobill.demo.practice import DemoPractice
from oncobill.demo.regimens import REGIMENS, administrations_for_day, treatment_days
from oncobill.demo.sandbox_config import write_sandbox_config
from oncobill.money import ZERO
from oncobill.patients.service import coverages_on, primary_coverage_on
from oncobill.practice.models import CareSetting
from oncobill.practice.service import payer_setting

ACTOR = "demo"
PLANNING_LEAD_WEEKDAYS = 8  # clinical treatment planning happens this many weekdays before fraction 1
VISIT_CODE = "99214"


@dataclass
class MonthResult:
    month_start: date
    month_end: date
    encounters: int = 0
    charge_lines: int = 0
    gross_charges: Decimal = ZERO
    lines_by_code: Counter = field(default_factory=Counter)
    encounters_by_regimen: Counter = field(default_factory=Counter)
    encounters_by_payer: Counter = field(default_factory=Counter)
    new_coverage_encounters: int = 0  # treatment days billed to a coverage that began this month
    self_pay_encounters: int = 0
    claims: list[Claim] = field(default_factory=list)
    claim_lines: int = 0
    scrub: claims.ScrubResult | None = None
    submission: SubmissionResult | None = None
    received: ReceiveResult | None = None
    mailbox: Path | None = None
    remittances: list = field(default_factory=list)  # EraImportResult per 835 file posted
    secondary: SecondaryResult | None = None  # claims to the next payer, built after the 835s are posted
    secondary_submission: SubmissionResult | None = None
    secondary_received: ReceiveResult | None = None
    secondary_remittances: list = field(default_factory=list)
    payer_facts: list = field(default_factory=list)  # PayerFact: what the sandbox payers know and we do not
    crossover_files: list = field(default_factory=list)  # CrossoverFile: whom Medicare forwards claims for
    worked: list = field(default_factory=list)  # denials.service.ActResult of the work items the demo worked


def run_month(session: Session, demo: DemoPractice, people: list[DemoPatient], *, month_start: date,
              month_end: date, codes: CodeSets, progress=None) -> MonthResult:
    result = MonthResult(month_start, month_end)
    for person in people:
        regimen = REGIMENS[person.plan.regimen]
        if regimen.kind == "radiation":
            _radiation_month(session, demo, person, result, codes)
        else:
            for cycle, day, followup in treatment_days(regimen, person.plan.start_date):
                if month_start <= day <= month_end:
                    _chemo_day(session, demo, person, result, codes, cycle=cycle, day=day, followup=followup)
        if progress:
            progress()
    return result


def _payer_rules(session: Session, person: DemoPatient, day: date):
    coverage = primary_coverage_on(session, patient_id=person.patient.id, on=day)
    return charges.payer_rules_for(session, payer_id=coverage.payer_id if coverage else None, on=day), coverage


def _chemo_day(session, demo, person, result, codes, *, cycle, day, followup) -> None:
    plan = person.plan
    regimen = REGIMENS[plan.regimen]
    location = next(loc for loc in demo.locations.values() if loc.id == plan.location_id)
    rules, coverage = _payer_rules(session, person, day)
    mar = administrations_for_day(regimen, cycle=cycle, day=day, start=time(9, 0) if not followup else time(14, 0),
                                  bsa_m2=plan.body_surface_area_m2, weight_kg=plan.weight_kg, gfr=Decimal(80),
                                  followup=followup)
    record = EncounterRecord(
        setting="office" if location.setting is CareSetting.OFFICE else "facility",
        date_of_service=day,
        diagnoses=(plan.diagnosis_code,),
        administrations=tuple(_administration(row) for row in mar),
        primary_reason="supportive" if followup else regimen.primary_reason,
        payer=rules,
    )
    coded = code_encounter(record, codes)
    encounter = charges.record_encounter(
        session, patient=person.patient, location=location, provider=_provider(demo, plan.provider_id),
        date_of_service=day, diagnoses=coded.diagnoses, primary_reason=record.primary_reason,
        treatment_plan_id=plan.id, cycle_number=cycle,
    )
    for row in mar:
        charges.record_administration(
            session, encounter=encounter, drug=row["drug"], dose=Decimal(row["dose"]), dose_unit=row["dose_unit"],
            route=row["route"], purpose=row["purpose"], start_at=datetime.fromisoformat(row["start"]),
            stop_at=datetime.fromisoformat(row["stop"]), hcpcs=row.get("hcpcs"), site=row.get("site"),
            ndc=row.get("ndc"))
    lines = list(coded.lines)
    for line in lines:
        _store_line(session, encounter, line, result)
    if not followup:
        # The oncologist sees the patient before each cycle: a separately identifiable visit, so 25.
        malignancy = coded.diagnoses.index(plan.diagnosis_code) + 1
        visit = charges.add_charge_line(
            session, encounter=encounter, code=VISIT_CODE, units=1, modifiers=["25"], dx_pointers=[malignancy],
            actor=ACTOR,
            explanation=(f"{VISIT_CODE}-25: visit before cycle {cycle} documented as significant and separately "
                         "identifiable from the drug administration, so modifier 25 is appended"))
        _count_line(visit, result)
    _count_encounter(encounter, regimen.key, coverage, result)


def _radiation_month(session, demo, person, result, codes) -> None:
    """A course's planning steps on their own days before the first fraction, then a line per
    fraction day and per completed 5-fraction block; the month bills the days that fall in it."""
    plan = person.plan
    regimen = REGIMENS[plan.regimen]
    dates = tuple(day for _, day, _ in treatment_days(regimen, plan.start_date))
    location = next(loc for loc in demo.locations.values() if loc.id == plan.location_id)
    rules, _ = _payer_rules(session, person, dates[0])
    steps = [
        # Clinical planning, then simulation with its custom immobilization devices, then the IMRT plan.
        (_weekdays_before(dates[0], PLANNING_LEAD_WEEKDAYS),
         RadiationCourse(technique="imrt", fractions=0, course_complete=False, planning="complex")),
        (_weekdays_before(dates[0], 6), RadiationCourse(technique="imrt", fractions=0, course_complete=False,
                                                        simulation="complex", devices=(("complex", 1),))),
        (_weekdays_before(dates[0], 2), RadiationCourse(technique="imrt", fractions=0, course_complete=False,
                                                        plan="imrt", mlc_device=True, basic_dosimetry=2)),
        (dates[0], RadiationCourse(technique="imrt", fractions=len(dates), complexity="complex",
                                   course_complete=True, image_guidance=True, fraction_dates=dates)),
    ]
    by_date: dict[date, tuple[list[str], list]] = {}
    for day, course in steps:
        coded = code_encounter(EncounterRecord(setting="office", date_of_service=day, diagnoses=(plan.diagnosis_code,),
                                               primary_reason="radiation" if course.fractions else None,
                                               payer=rules, radiation_course=course), codes)
        for line in coded.lines:
            on = line.date_of_service or day
            if result.month_start <= on <= result.month_end:
                by_date.setdefault(on, (coded.diagnoses, []))[1].append(line)
    for day in sorted(by_date):
        diagnoses, lines = by_date[day]
        fraction = dates.index(day) + 1 if day in dates else None
        _, coverage = _payer_rules(session, person, day)
        encounter = charges.record_encounter(
            session, patient=person.patient, location=location, provider=_provider(demo, plan.provider_id),
            date_of_service=day, diagnoses=diagnoses, primary_reason="radiation" if fraction else "planning",
            treatment_plan_id=plan.id, fraction_from=fraction, fraction_to=fraction)
        for line in lines:
            _store_line(session, encounter, line, result)
        _count_encounter(encounter, regimen.key, coverage, result)


def _weekdays_before(day: date, n: int) -> date:
    while n:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _store_line(session, encounter: Encounter, line, result: MonthResult) -> None:
    stored = charges.add_charge_line(
        session, encounter=encounter, code=line.code, units=line.units, modifiers=list(line.modifiers),
        dx_pointers=list(line.dx_pointers) or [1], ndc=line.ndc, ndc_quantity=line.ndc_quantity,
        ndc_unit=line.ndc_unit, container=line.container, explanation=line.explanation[:500], actor=ACTOR)
    _count_line(stored, result)


def _count_line(line, result: MonthResult) -> None:
    result.charge_lines += 1
    result.gross_charges += line.charge
    result.lines_by_code[line.code] += 1


def _count_encounter(encounter: Encounter, regimen: str, coverage, result: MonthResult) -> None:
    result.encounters += 1
    result.encounters_by_regimen[regimen] += 1
    if coverage is None:
        result.self_pay_encounters += 1
        return
    result.encounters_by_payer[coverage.payer.code] += 1
    if result.month_start <= coverage.effective_date <= result.month_end:
        result.new_coverage_encounters += 1


def _administration(row: dict) -> AdministrationRecord:
    return AdministrationRecord(
        drug=row["drug"], dose=Decimal(row["dose"]), dose_unit=row["dose_unit"], route=row["route"],
        start=datetime.fromisoformat(row["start"]), stop=datetime.fromisoformat(row["stop"]),
        purpose=row["purpose"], site=row.get("site"), hcpcs=row.get("hcpcs"), ndc=row.get("ndc"),
        vial_sizes=tuple(Vial(Decimal(v["size"]), v["unit"], single_dose=v["single_dose"])
                         for v in row.get("vial_sizes", ())) or None,
        where=f"{row['drug']} at {row['start']}",
    )


def _provider(demo: DemoPractice, provider_id: int):
    return next(p for p in demo.providers.values() if p.id == provider_id)


# Radiation course services a radiation benefit manager authorizes with the course (CPT family).
RADIATION_AUTH_CODES = ("77263", "77290", "77295", "77300", "77301", "77334", "77336", "77338", "77385", "77386",
                        "77387", "77402", "77407", "77412", "77427", "G6015", "G6016", "G6017")


def authorize_plans(session: Session, people: list[DemoPatient]) -> int:
    """The practice obtained a prior authorization for each plan from the payers that covered the
    patient when the plan started, where a payer requires one: the regimen's antineoplastic drugs, or
    the radiation course. A secondary payer that reviews the same services (Medicaid behind Medicare)
    authorizes them too, or it would deny its share later (CO-197). After a coverage change the new
    payer has none yet (domain 9.4), so those claims are held by the scrubber's authorization edit."""
    count = 0
    for person in people:
        plan = person.plan
        primary = primary_coverage_on(session, patient_id=person.patient.id, on=plan.start_date)
        if primary is None:
            continue
        regimen = REGIMENS[plan.regimen]
        if regimen.kind == "radiation":
            codes = dict.fromkeys(RADIATION_AUTH_CODES)
        else:
            codes = {step.hcpcs: None for step in regimen.steps if step.hcpcs and step.hcpcs.startswith("J9")}
        if not codes:
            continue
        payers = {}
        for coverage in coverages_on(session, patient_id=person.patient.id, on=plan.start_date):
            payers.setdefault(coverage.payer_id, coverage)
        for coverage in payers.values():
            if not payer_setting(session, payer_id=coverage.payer_id, key="prior_auth_required", on=plan.start_date,
                                 default=False):
                continue
            claims.add_authorization(
                session, payer_code=coverage.payer.code, patient=person.patient,
                auth_number=f"{coverage.payer.code}{plan.id:05d}{person.patient.account_number[-4:]}",
                approved_units=codes, start_date=_authorized_from(plan),
                end_date=plan.start_date + timedelta(days=182),
                note=f"{regimen.name}, approved with the treatment plan"
                     + ("" if coverage is primary else f" (as {coverage.priority.value} payer)"))
            count += 1
    return count


def _authorized_from(plan) -> date:
    """A radiation course is authorized with its planning, which starts before the first fraction."""
    if REGIMENS[plan.regimen].kind == "radiation":
        return _weekdays_before(plan.start_date, PLANNING_LEAD_WEEKDAYS)
    return plan.start_date


def bill_month(session: Session, result: MonthResult, *, billed_on: date, codes: CodeSets) -> None:
    """Build the month's charge lines into claims and scrub them, as of the first billing day after it."""
    when = datetime.combine(billed_on, time(8, 0))
    built = claims.build_claims(session, actor=ACTOR, through=result.month_end, now=when, codes=codes)
    result.claims = built.claims
    result.claim_lines = built.lines_billed
    result.scrub = claims.scrub_claims(session, actor=ACTOR, today=billed_on, claims=built.claims, codes=codes,
                                       now=when)


SANDBOX = Receiver("ONCOBILL SANDBOX CLEARINGHOUSE", "SANDBOXCH")


def submit_month(session: Session, result: MonthResult, *, mailbox: Path, billed_on: date, facts=(),
                 crossovers=()) -> None:
    """Send the ready claims as 837 batches into the sandbox mailbox, let the sandbox payer answer, and
    import its 999s and 277CAs; the 835s stay in the mailbox for remittance posting. The sandbox's
    configuration is written first from the practice's own payers, coverages, enrollments and
    authorizations, then changed by the payer-side *facts* (what the payers know and the practice does not)
    and given Medicare's crossover eligibility files (*crossovers*: the Medigap members whose claims
    Medicare forwards to the plan, which then sends its own 835)."""
    from oncobill.clearinghouse.sandbox import SandboxAdapter

    when = datetime.combine(billed_on, time(9, 0))
    result.payer_facts = list(facts)
    result.crossover_files = list(crossovers)
    write_sandbox_config(session, mailbox, on=billed_on, facts=result.payer_facts,
                         crossovers=result.crossover_files)
    adapter = SandboxAdapter(mailbox, today=billed_on)
    result.mailbox = mailbox
    result.submission = create_batches(session, actor=ACTOR, now=when, receiver=SANDBOX)
    send_batches(session, adapter, now=when, batches=result.submission.batches)
    result.received = receive(session, adapter, actor=ACTOR, now=datetime.combine(billed_on, time(10, 0)))


def post_remittances(session: Session, result: MonthResult, *, posted_on: date) -> None:
    """Import and post the 835s the sandbox payer left in the mailbox (in file order, so a reversal
    finds the payment it undoes; within a file a crossover partner's set follows Medicare's, so the
    patient share Medicare's posting moved to the partner is there when the partner's payment posts)."""
    from oncobill.remittance import service as remittance

    when = datetime.combine(posted_on, time(11, 0))
    for path in sorted(result.received.remittances if result.received else []):
        result.remittances.append(remittance.import_file(session, path, actor=ACTOR, now=when))


def bill_secondaries(session: Session, result: MonthResult, *, mailbox: Path, billed_on: date,
                     codes: CodeSets) -> None:
    """Once the primaries' 835s are posted: bill the next payer where the primary left a patient share
    and did not cross the claim over, send the ready claims through the sandbox, import its 999s and
    277CAs, and post the 835s it answers as secondary payer."""
    from oncobill.clearinghouse.sandbox import SandboxAdapter
    from oncobill.remittance import service as remittance

    when = datetime.combine(billed_on, time(12, 0))
    result.secondary = build_secondary_claims(session, actor=ACTOR, now=when, today=billed_on, codes=codes)
    ready = [c for c in result.secondary.built if c.status is ClaimStatus.READY]
    if not ready:
        return
    adapter = SandboxAdapter(mailbox, today=billed_on)
    result.secondary_submission = create_batches(session, actor=ACTOR, now=when, claims=ready, receiver=SANDBOX)
    send_batches(session, adapter, now=when, batches=result.secondary_submission.batches)
    result.secondary_received = receive(session, adapter, actor=ACTOR, now=datetime.combine(billed_on, time(13, 0)))
    posted = datetime.combine(billed_on, time(14, 0))
    for path in sorted(result.secondary_received.remittances):
        result.secondary_remittances.append(remittance.import_file(session, path, actor=ACTOR, now=posted))


def work_denials(session: Session, result: MonthResult, *, worked_on: date) -> None:
    """The authorization coordinator works the CO-198 denial the way the playbook says: the payer
    extended the authorization, so the appeal letter goes out with it (``denials.service.act``, the
    same use case as ``oncobill denials act``). The item stays in progress until the payer answers."""
    from sqlalchemy import select

    from oncobill.denials import service as denials
    from oncobill.worklists.models import DenialWorkItem

    when = datetime.combine(worked_on, time(15, 0))
    for fact in result.payer_facts:
        if fact.kind != "authorization_fewer_units":
            continue
        claim_id = next(c.id for c in result.claims if c.patient_control_number in fact.claims)
        items = session.scalars(select(DenialWorkItem).where(
            DenialWorkItem.claim_id == claim_id, DenialWorkItem.carc == "198", DenialWorkItem.status == "open")
            .order_by(DenialWorkItem.id)).all()
        for item in items:
            result.worked.append(denials.act(
                session, item.id, "appeal", actor=ACTOR, now=when,
                attachments=(f"extended authorization {fact.authorization} for {fact.code}",
                             "medication administration record"),
                note=f"{fact.payer} extended authorization {fact.authorization}; appealed with the extension"))
