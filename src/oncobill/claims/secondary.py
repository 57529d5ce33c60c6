"""Secondary (and tertiary) claims from the prior payer's posted remit (domain 6.3, 8.1).

When the primary has adjudicated a claim and left a patient share (PR) that another coverage of the
patient may pay, the practice bills that coverage: the same lines, diagnoses and providers, with the
primary's adjudication carried verbatim (2320/2330A/2330B, and per line 2430 SVD/CAS/DTP*573; written
by ``claims.submission.claim_837`` from the facts read here). Nothing is billed when the primary
forwarded the claim itself (CLP02 19 + MA18: a second claim would be a duplicate, CARC 18/N522), when
it left nothing for the next payer (paid in full, or only CO/PI/OA), or when a line of the claim has no
adjudication of its own in the remit (an unmatched SVC is a work item, never an invented 2430).

``PriorAdjudication``, ``why_not_billable`` and ``correction_for`` are pure; ``prior_adjudication`` reads
the stored remit (the latest CLP that no reversal undid); ``build_secondary_claims`` is the use case (it
flushes, the caller commits): it builds the claims, scrubs them like any other claim, and the normal
submission batches the ready ones. Before that, ``correct_secondary_claims`` looks at the claims already
built for a next payer whose prior payer has since reversed (CLP02 22): what the sent 837 carried is
compared with the adjudication that stands now, and a stale claim is replaced (frequency 7) or voided (8)
through ``claims.service.create_replacement`` / ``create_void``, withdrawn if never sent, or left waiting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from oncobill.claims import lifecycle
from oncobill.claims.models import (
    Authorization,
    Claim,
    ClaimDiagnosis,
    ClaimForm,
    ClaimLine,
    ClaimStatus,
    SubmissionBatch,
    SubmissionBatchClaim,
)
from oncobill.claims.service import (
    ScrubResult,
    assign_control_numbers,
    authorization_for,
    create_replacement,
    create_void,
    scrub_claims,
)
from oncobill.codes import CodeSets
from oncobill.errors import InvalidInput
from oncobill.patients.models import Coverage, CoveragePriority
from oncobill.remittance.models import EraImport, RemitAdjustment, RemitClaim, RemitServiceLine
from oncobill.x12.claims837 import read_837p
from oncobill.x12.institutional837 import read_837i
from oncobill.x12.reader import read
from oncobill.x12.remit835 import Adjustment, Procedure

ZERO = Decimal("0.00")


# -- the prior payer's adjudication, as facts ---------------------------------------------------------

@dataclass(frozen=True)
class PriorLine:
    """One SVC of the prior payer's remit matched to a line of the claim (by its line number)."""

    line_number: int
    procedure: Procedure  # as the payer adjudicated it (SVC01), for SVD03
    charge: Decimal
    paid: Decimal
    units: Decimal
    adjustments: tuple[Adjustment, ...]

    @property
    def balances(self) -> bool:
        """Domain 6.3 sanity rule: paid + the line's CAS = the line's charge."""
        return self.paid + sum((a.amount for a in self.adjustments), ZERO) == self.charge


@dataclass(frozen=True)
class PriorAdjudication:
    """The latest CLP a payer sent for a claim, not undone by a reversal: what goes in 2320 and 2430."""

    claim_id: int
    status: str  # CLP02
    payer_claim_number: str
    adjudication_date: date  # DTP*573: the 835's payment date
    charge: Decimal
    paid: Decimal  # CLP04 -> AMT*D
    claim_adjustments: tuple[Adjustment, ...]  # claim-level CAS -> 2320 CAS
    lines: tuple[PriorLine, ...]
    unmatched_lines: tuple[str, ...] = ()  # SVCs matched to no claim line (procedure as sent)
    crossed_over: bool = False
    next_payer_claim_number: str = ""  # the next payer's own CLP on this claim (it came by crossover)
    # The CLP's MOA (MOA01..09) and MIA (MIA01..24) elements as the 835 sent them -> 2320 MOA / MIA.
    outpatient_adjudication: tuple[str, ...] = ()
    inpatient_adjudication: tuple[str, ...] = ()

    @property
    def patient_responsibility(self) -> Decimal:
        """What the payer left to the patient (or the next payer): every PR amount -> AMT*EAF."""
        every = list(self.claim_adjustments) + [a for ln in self.lines for a in ln.adjustments]
        return sum((a.amount for a in every if a.group == "PR"), ZERO)

    def line(self, number: int) -> PriorLine | None:
        return next((ln for ln in self.lines if ln.line_number == number), None)


def why_not_billable(prior: PriorAdjudication | None, lines: list[tuple[int, Decimal]]) -> str | None:
    """Why the next payer must not be billed from this adjudication (None: bill it). *lines* are the
    claim's (line number, charge)."""
    refusal = _refusal(prior, lines)
    return refusal[1] if refusal is not None else None


def _refusal(prior: PriorAdjudication | None, lines: list[tuple[int, Decimal]]) -> tuple[str, str] | None:
    """(kind, why) the next payer must not be billed: kind is no_remit, crossed_over, unmatched, line or
    nothing_left."""
    if prior is None:
        return "no_remit", "no posted remit for it yet: the next payer is billed after the primary's 835 is posted"
    if prior.crossed_over and prior.next_payer_claim_number:
        return "crossed_over", (
            f"crossed over: the next payer already adjudicated this claim (its claim "
            f"{prior.next_payer_claim_number}); a claim from us would be a duplicate (CARC 18, N522)")
    if prior.crossed_over:
        return "crossed_over", (
            f"crossed over (CLP02 {prior.status} + MA18): the payer forwarded the claim to the next payer "
            "itself; a claim from us would be a duplicate (CARC 18, N522)")
    if prior.unmatched_lines:
        return "unmatched", (
            f"the remit has {len(prior.unmatched_lines)} service line(s) matched to no claim line "
            f"({', '.join(prior.unmatched_lines)}): work them in the remit queue first; no adjudication "
            "is invented for the 2430")
    for number, charge in lines:
        found = prior.line(number)
        if found is None:
            return "line", f"line {number} has no adjudication in the remit {prior.payer_claim_number}"
        if found.charge != charge:
            return "line", (f"line {number}: the remit's charge {found.charge} is not the billed {charge}, so the "
                            "2430 cannot balance")
        if not found.balances:
            return "line", (f"line {number}: paid + adjustments is not the charge in the remit "
                            f"{prior.payer_claim_number}")
    if prior.patient_responsibility <= ZERO:
        return "nothing_left", (
            f"nothing left for the next payer: the remit {prior.payer_claim_number} paid {prior.paid} and "
            "left no patient responsibility (paid in full, or only CO/PI/OA adjustments)")
    return None


# -- reading the stored remit --------------------------------------------------------------------------

# CLP02 codes that say the claim was processed in *another* position than the one it was billed in
# (domain 7.2): on a claim to the primary, a CLP02 2 is the secondary payer's answer to a crossover.
OTHER_POSITION = {
    CoveragePriority.PRIMARY: frozenset({"2", "3", "20", "21"}),
    CoveragePriority.SECONDARY: frozenset({"1", "19", "3", "21"}),
    CoveragePriority.TERTIARY: frozenset({"1", "19", "2", "20"}),
}


def _standing_remits(session: Session, claim_id: int) -> list[RemitClaim]:
    """The claim's posted CLPs that are not reversals and that no reversal undid, latest first."""
    return list(session.scalars(select(RemitClaim).where(
        RemitClaim.claim_id == claim_id, RemitClaim.claim_status_code != "22", RemitClaim.reversed_by_id.is_(None))
        .order_by(RemitClaim.id.desc())))


def prior_adjudication(session: Session, claim: Claim) -> PriorAdjudication | None:
    """The facts of the latest adjudication of *claim*, verbatim from remit_service_lines/adjustments."""
    standing = _standing_remits(session, claim.id)
    other = OTHER_POSITION[claim.coverage.priority]
    remit = next((r for r in standing if r.claim_status_code not in other), None)
    if remit is None:
        return None
    # The next payer already answered this very claim (it came to it by crossover): billing it is a duplicate.
    forwarded = next((r for r in standing if r.claim_status_code in other), None)
    era = session.get(EraImport, remit.era_import_id)
    when = era.payment_date or era.imported_at.date()
    numbers = {line.id: line.line_number for line in claim.lines}
    svcs = session.scalars(select(RemitServiceLine).where(RemitServiceLine.remit_claim_id == remit.id)
                           .order_by(RemitServiceLine.sequence)).all()
    adjustments = session.scalars(select(RemitAdjustment).where(RemitAdjustment.remit_claim_id == remit.id)
                                  .order_by(RemitAdjustment.id)).all()
    by_line: dict[int | None, list[Adjustment]] = {}
    for a in adjustments:
        by_line.setdefault(a.remit_service_line_id, []).append(Adjustment(a.group_code, a.reason, a.amount, a.quantity))
    lines, unmatched = [], []
    for svc in svcs:
        proc = Procedure(svc.procedure_qualifier, svc.procedure, tuple(svc.modifiers or ()))
        if svc.claim_line_id is None or svc.claim_line_id not in numbers:
            unmatched.append(":".join((proc.code, *proc.modifiers)))
            continue
        lines.append(PriorLine(numbers[svc.claim_line_id], proc, svc.charge, svc.paid, svc.units,
                               tuple(by_line.get(svc.id, ()))))
    moa, mia = stored_claim_adjudication(remit)
    return PriorAdjudication(claim.id, remit.claim_status_code, remit.payer_claim_number, when, remit.charge,
                             remit.paid, tuple(by_line.get(None, ())), tuple(lines), tuple(unmatched),
                             bool(remit.crossed_over) or forwarded is not None,
                             forwarded.payer_claim_number if forwarded is not None else "", moa, mia)


def stored_claim_adjudication(remit: RemitClaim) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The CLP's MOA and MIA elements (claim-level remark codes and amounts).

    They are kept in ``remit_claims.outpatient_adjudication`` / ``inpatient_adjudication`` (JSON lists of
    the segment's elements after its ID, verbatim, trailing empties dropped; migration 0007, filled at
    posting by ``remittance.service``). A remit row that
    has none carries nothing and no 2320 MOA/MIA is written (the lines' LQ*HE remarks are not the
    claim's, and the 837 has no place for them)."""
    return tuple(remit.outpatient_adjudication or ()), tuple(remit.inpatient_adjudication or ())


def prior_chain(session: Session, claim: Claim) -> list[tuple[Claim, PriorAdjudication]]:
    """Every payer before *claim* (primary first) with its adjudication: what the 837's 2320/2430 carry.
    Raises when a prior payer's remit is not posted (the claim cannot be written without it)."""
    out: list[tuple[Claim, PriorAdjudication]] = []
    current = claim
    seen = {claim.id}
    while current.primary_claim_id is not None:
        prior_claim = session.get(Claim, current.primary_claim_id)
        if prior_claim is None or prior_claim.id in seen:
            raise InvalidInput(f"claim {claim.patient_control_number}", "its prior payer's claim is missing")
        seen.add(prior_claim.id)
        facts = prior_adjudication(session, prior_claim)
        if facts is None:
            raise InvalidInput(f"claim {claim.patient_control_number}",
                               f"the prior payer's claim {prior_claim.patient_control_number} has no posted remit")
        out.append((prior_claim, facts))
        current = prior_claim
    out.reverse()
    return out


# -- the use case --------------------------------------------------------------------------------------

@dataclass
class Skipped:
    patient_control_number: str
    next_payer: str
    reason: str


@dataclass
class SecondaryResult:
    built: list[Claim] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    no_next_payer: int = 0  # adjudicated claims whose patient has no other coverage on the dates
    scrub: ScrubResult | None = None
    corrections: list[Correction] = field(default_factory=list)  # after a prior payer's reversal

    def _made(self, action: str) -> list[Claim]:
        return [c.new if c.new is not None else c.claim for c in self.corrections if c.action == action]

    @property
    def replaced(self) -> list[Claim]:
        """The replacements (frequency 7) built."""
        return self._made(REPLACE)

    @property
    def voided(self) -> list[Claim]:
        """The voids (frequency 8) built."""
        return self._made(VOID)

    @property
    def withdrawn(self) -> list[Claim]:
        """Claims never sent that the new adjudication left nothing to bill: closed."""
        return self._made(WITHDRAW)


def next_coverage(coverages: list[Coverage], claim: Claim, payers_before: set[int]) -> Coverage | None:
    """The coverage after the claim's in payment order, in force on every date of service, with a payer
    that has not adjudicated this service yet."""
    rank = claim.coverage.priority.rank
    later = sorted((c for c in coverages if c.priority.rank > rank and c.active_on(claim.service_from)
                    and c.active_on(claim.service_to) and c.payer_id not in payers_before),
                   key=lambda c: c.priority.rank)
    return later[0] if later else None


def _candidates(session: Session, claims: list[Claim] | None) -> list[Claim]:
    followed = select(Claim.primary_claim_id).where(Claim.primary_claim_id.is_not(None))
    query = (select(Claim).where(Claim.status.in_(list(lifecycle.ADJUDICATED)), Claim.frequency_code != "8",
                                 Claim.id.not_in(followed))
             .options(selectinload(Claim.lines), selectinload(Claim.diagnoses), selectinload(Claim.coverage))
             .order_by(Claim.id))
    if claims is not None:
        query = query.where(Claim.id.in_([c.id for c in claims]))
    return list(session.scalars(query))


def build_secondary_claims(session: Session, *, actor: str, now: datetime | None = None, today: date | None = None,
                           codes: CodeSets | None = None, claims: list[Claim] | None = None) -> SecondaryResult:
    """Bill the next payer of every adjudicated claim (or the ones given) that one is owed: a new claim
    naming the claim it follows (``primary_claim_id``), scrubbed. Without *claims*, first correct the
    claims a prior payer's reversal made stale (``correct_secondary_claims``). Running it again builds
    nothing twice."""
    now = now or datetime.now().replace(microsecond=0)
    result = SecondaryResult()
    if claims is None:
        result.corrections = correct_secondary_claims(session, actor=actor, now=now, codes=codes, today=today)
    candidates = _candidates(session, claims)
    coverages: dict[int, list[Coverage]] = {}
    patients = list({c.patient_id for c in candidates})
    for start in range(0, len(patients), 1000):
        for cov in session.scalars(select(Coverage).where(Coverage.patient_id.in_(patients[start:start + 1000]))
                                   .options(selectinload(Coverage.payer))):
            coverages.setdefault(cov.patient_id, []).append(cov)
    for claim in candidates:
        before = {claim.payer_id} | {c.payer_id for c in _prior_claims(session, claim)}
        nxt = next_coverage(coverages.get(claim.patient_id, []), claim, before)
        if nxt is None:
            result.no_next_payer += 1
            continue
        # One secondary claim per claim, also when two runs race: the primary claim's row is the lock.
        session.scalar(select(Claim.id).where(Claim.id == claim.id).with_for_update())
        if session.scalar(select(Claim.id).where(Claim.primary_claim_id == claim.id).limit(1)) is not None:
            continue
        facts = prior_adjudication(session, claim)
        why = why_not_billable(facts, [(ln.line_number, ln.charge) for ln in claim.lines])
        if why is not None:
            result.skipped.append(Skipped(claim.patient_control_number, nxt.payer.code, why))
            continue
        result.built.append(_secondary(session, claim, nxt, facts, actor=actor, now=now))
    session.flush()
    if result.built:
        result.scrub = scrub_claims(session, actor=actor, today=today or now.date(), claims=result.built,
                                    codes=codes, now=now)
    return result


def _prior_claims(session: Session, claim: Claim) -> list[Claim]:
    """The claims this one follows (its primary, and the primary's primary for a tertiary)."""
    out, current = [], claim
    while current.primary_claim_id is not None and len(out) < 3:
        current = session.get(Claim, current.primary_claim_id)
        out.append(current)
    return out


def _secondary(session: Session, claim: Claim, coverage: Coverage, facts: PriorAdjudication, *, actor: str,
               now: datetime) -> Claim:
    auths = list(session.scalars(select(Authorization).where(Authorization.payer_id == coverage.payer_id,
                                                             Authorization.patient_id == claim.patient_id)
                                 .order_by(Authorization.start_date, Authorization.id)))
    new = Claim(
        patient_control_number=f"TMP{id(claim)}S", patient_id=claim.patient_id, coverage_id=coverage.id,
        payer_id=coverage.payer_id, billing_entity_id=claim.billing_entity_id,
        rendering_provider_id=claim.rendering_provider_id, location_id=claim.location_id, form=claim.form,
        frequency_code="1", primary_claim_id=claim.id, service_from=claim.service_from,
        service_to=claim.service_to, created_at=now, status=ClaimStatus.DRAFT,
        diagnoses=[ClaimDiagnosis(sequence=d.sequence, icd10_code=d.icd10_code) for d in claim.diagnoses],
    )
    for line in claim.lines:
        auth = authorization_for(auths, line.code, line.service_date)  # the next payer's own, if it gave one
        new.lines.append(ClaimLine(
            charge_line_id=line.charge_line_id, line_number=line.line_number, line_control_number=f"TMP{id(line)}S",
            service_date=line.service_date, code=line.code, modifier1=line.modifier1, modifier2=line.modifier2,
            modifier3=line.modifier3, modifier4=line.modifier4, units=line.units, charge=line.charge, ndc=line.ndc,
            ndc_quantity=line.ndc_quantity, ndc_unit=line.ndc_unit, dx_pointers=line.dx_pointers,
            revenue_code=line.revenue_code, authorization_id=auth.id if auth else None))
        if auth is not None and new.prior_authorization is None:
            new.prior_authorization = auth.auth_number
    lifecycle.start(new, actor=actor, at=now,
                    reason=f"{coverage.priority.value} claim to {coverage.payer.name} after "
                           f"{claim.patient_control_number} (payer claim {facts.payer_claim_number}, CLP02 "
                           f"{facts.status}): paid {facts.paid}, patient responsibility {facts.patient_responsibility}")
    session.add(new)
    session.flush()
    assign_control_numbers(new)
    return new


# -- the prior payer changed its mind: a corrected claim to the next payer -----------------------------

# What a claim told the next payer about one prior payer's adjudication: AMT*D, the claim-level CAS, and per
# line (by line number) the SVD paid, procedure, units and the line's CAS. The adjudication date and the
# prior payer's claim number are left out: a payer that reverses and pays again the same amounts changes
# nothing the next payer adjudicated on.
Carried = tuple


def _triplets(adjustments) -> tuple:
    return tuple((a.group, a.reason, a.amount) for a in adjustments)


def carried_from_facts(facts: PriorAdjudication) -> Carried:
    lines = tuple(sorted((ln.line_number, ln.paid, ln.procedure.code, tuple(ln.procedure.modifiers), ln.units,
                          _triplets(ln.adjustments)) for ln in facts.lines))
    return (facts.paid, _triplets(facts.claim_adjustments), lines)


def carried_from_837(sent, payer_id: str, line_numbers: list[int]) -> Carried | None:
    """The same facts read back from the typed claim we sent (837P or 837I): the 2320 of the payer whose
    2330B NM109 is *payer_id* and its 2430 on each line. None when the claim carried no such payer."""
    op = next((o for o in sent.other_payers if o.payer.payer_id == payer_id), None)
    if op is None or op.paid is None or len(sent.lines) != len(line_numbers):
        return None
    lines = []
    for number, line in zip(line_numbers, sent.lines):
        adj = next((a for a in line.adjudications if a.payer_id == payer_id), None)
        if adj is None:
            return None
        lines.append((number, adj.paid, adj.procedure.code, tuple(adj.procedure.modifiers), adj.units,
                      _triplets(adj.adjustments)))
    return (op.paid, _triplets(op.adjustments), tuple(sorted(lines)))


REPLACE, VOID, WITHDRAW, WAIT = "replacement", "void", "withdrawn", "waiting"


def correction_for(status: ClaimStatus, sent: Carried | None, current: Carried | None,
                   refusal: tuple[str, str] | None) -> tuple[str, str] | None:
    """What a claim already built for the next payer needs after its prior payer reversed (CLP02 22): None
    (nothing), or (action, why). *sent* is what its last 837 carried of that payer's adjudication (None:
    not sent, or not stored); *current* the standing adjudication now (None: none stands); *refusal* why
    the next payer could not be billed from it now (``_refusal``). Pure.

    - Not at the payer yet (draft, held, ready, or rejected at 999/277CA): its 837 is written from the
      standing adjudication when it goes out, so nothing unless that now leaves nothing: withdrawn.
    - At the payer, not adjudicated yet: a replacement or void needs REF*F8 = the next payer's claim
      number of a claim it adjudicated (TR3 2300 REF*F8), so it waits for that payer's 835.
    - Adjudicated on what no longer stands: a replacement (frequency 7) carrying the new adjudication, or,
      when that leaves the next payer nothing, a void (frequency 8); any other refusal (no adjudication
      stands yet, crossover, an unmatched line) waits for a person or the next 835."""
    if status in lifecycle.EDITABLE:
        if refusal is None:
            return None
        return (WITHDRAW, refusal[1]) if refusal[0] == "nothing_left" else (WAIT, refusal[1])
    if current is not None and sent == current:
        return None
    if status not in lifecycle.ADJUDICATED:
        return WAIT, ("the prior payer's adjudication changed and the next payer has not adjudicated this claim "
                      "yet: its replacement or void (REF*F8 = that payer's claim number) follows that payer's 835")
    if sent is None:
        return WAIT, ("the 837 this claim went out in is not stored, so what the next payer was told cannot be "
                      "compared with the prior payer's new adjudication")
    if refusal is None:
        return (REPLACE, "the prior payer reversed the adjudication this claim carried and adjudicated again")
    if refusal[0] == "nothing_left":
        return (VOID, f"the prior payer reversed the adjudication this claim carried; {refusal[1]}")
    return (WAIT, f"the prior payer reversed the adjudication this claim carried; {refusal[1]}")


@dataclass
class Correction:
    """A claim to the next payer that a prior payer's reversal made stale, and what was done about it."""

    claim: Claim  # the claim as built (and perhaps sent and adjudicated)
    action: str  # replacement | void | withdrawn | waiting
    reason: str
    new: Claim | None = None  # the replacement (7) or void (8)


def _sent_837(session: Session, claim: Claim, cache: dict) -> object | None:
    """The typed claim as it went out in its latest stored batch (None if never batched)."""
    batch_id = session.scalar(select(SubmissionBatchClaim.batch_id).where(SubmissionBatchClaim.claim_id == claim.id)
                              .order_by(SubmissionBatchClaim.batch_id.desc()).limit(1))
    if batch_id is None:
        return None
    if batch_id not in cache:
        batch = session.get(SubmissionBatch, batch_id)
        typed = read_837i if batch.form is ClaimForm.INSTITUTIONAL else read_837p
        cache[batch_id] = {c.patient_control_number: c for txn in read(batch.content).transactions()
                           for c in typed(txn).claims}
    return cache[batch_id].get(claim.patient_control_number)


def correct_secondary_claims(session: Session, *, actor: str, now: datetime, codes: CodeSets | None = None,
                             today: date | None = None) -> list[Correction]:
    """Every claim to a next payer whose prior payer has reversed an adjudication (a ``remit_claims`` row
    with ``reversed_by_id``) is checked against the adjudication that stands now, and replaced, voided,
    withdrawn or left waiting (``correction_for``). Replacements and voids are made by
    ``claims.service.create_replacement`` / ``create_void`` (REF*F8 = the next payer's claim number, the
    stale claim closed), follow the same prior claim (``primary_claim_id``), so their 837 carries the new
    2320/2430, and are scrubbed. Running it again changes nothing."""
    reversed_priors = select(RemitClaim.claim_id).where(RemitClaim.reversed_by_id.is_not(None))
    latest: dict[int, Claim] = {}
    for follower in session.scalars(select(Claim).where(Claim.primary_claim_id.in_(reversed_priors))
                                    .order_by(Claim.id)):
        latest[follower.primary_claim_id] = follower  # a replacement follows the same prior claim
    out: list[Correction] = []
    cache: dict = {}
    for prior_id, claim in latest.items():
        # The claim's row is the lock: two runs at once correct it once.
        claim = session.scalars(select(Claim).where(Claim.id == claim.id).with_for_update()
                                .execution_options(populate_existing=True)).one()
        if claim.status is ClaimStatus.CLOSED or claim.frequency_code == "8":
            continue
        prior_claim = session.get(Claim, prior_id)
        facts = prior_adjudication(session, prior_claim)
        refusal = _refusal(facts, [(ln.line_number, ln.charge) for ln in prior_claim.lines])
        sent_claim = _sent_837(session, claim, cache) if claim.status not in lifecycle.EDITABLE else None
        sent = (carried_from_837(sent_claim, prior_claim.payer.payer_id, [ln.line_number for ln in claim.lines])
                if sent_claim is not None else None)
        decision = correction_for(claim.status, sent, carried_from_facts(facts) if facts else None, refusal)
        if decision is None:
            continue
        action, why = decision
        if action in (REPLACE, VOID) and not claim.payer_claim_number:
            action, why = WAIT, f"{why}; but the next payer's claim number (for REF*F8) is not known"
        out.append(_correct(session, claim, prior_claim, facts, action, why, actor=actor, now=now))
    made = [c.new for c in out if c.new is not None]
    if made:
        scrub_claims(session, actor=actor, today=today or now.date(), claims=made, codes=codes, now=now)
    return out


def _correct(session: Session, claim: Claim, prior_claim: Claim, facts: PriorAdjudication | None, action: str,
             why: str, *, actor: str, now: datetime) -> Correction:
    done = Correction(claim, action, why)
    if action == WAIT:
        return done
    stands = (f"{prior_claim.patient_control_number} now stands as payer claim {facts.payer_claim_number} "
              f"(CLP02 {facts.status}): paid {facts.paid}, patient responsibility {facts.patient_responsibility}"
              if facts else "")
    reason = f"{why}; {stands}" if stands else why
    if action == WITHDRAW:
        if claim.status is ClaimStatus.READY:
            lifecycle.transition(claim, ClaimStatus.HELD, actor=actor, at=now, reason=f"withdrawn before sending: {reason}")
        lifecycle.transition(claim, ClaimStatus.CLOSED, actor=actor, at=now, reason=f"withdrawn before sending: {reason}")
        session.flush()
        return done
    make = create_replacement if action == REPLACE else create_void
    done.new = make(session, claim, actor=actor, reason=reason, now=now)  # follows the same prior claim
    return done
