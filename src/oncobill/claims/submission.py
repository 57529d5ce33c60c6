"""Claims out: READY claims become 837P (office) or 837I (hospital outpatient) batch files, one
per payer and form, written with the X12 engine's typed objects (counts and control numbers are
computed, never hand-counted), stored, and sent through a clearinghouse adapter exactly once.

``claim_837`` maps one claim to the engine's typed claim (pure, works on claims not yet stored:
the benchmark uses that); ``write_batch`` writes a whole interchange; ``create_batches`` and
``send_batches`` are the use cases (they flush, the caller commits).
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from oncobill.claims import lifecycle
from oncobill.claims.models import (
    Claim,
    ClaimForm,
    ClaimLine,
    ClaimStatus,
    ControlCounter,
    SubmissionBatch,
)
from oncobill.errors import InvalidInput
from oncobill.patients.models import Coverage as StoredCoverage
from oncobill.x12.claims837 import (
    Coverage,
    DrugIdentification,
    LineAdjudication,
    OtherPayer,
    ProfessionalClaim,
    ProfessionalClaims,
    ServiceLine,
    professional_claim_segments,
)
from oncobill.x12.institutional837 import InstitutionalClaim, RevenueLine, institutional_claim_segments
from oncobill.x12.reader import gc_paused
from oncobill.x12.remit835 import Procedure
from oncobill.x12.segments import Address, Payer, Person, Provider
from oncobill.x12.specs.x837i import SPEC as SPEC_837I
from oncobill.x12.specs.x837p import SPEC as SPEC_837P
from oncobill.x12.tokenizer import make_segment
from oncobill.x12.writer import build_interchange, build_transaction, write

MAX_CLAIMS_PER_BATCH = 5000  # the 837 guides recommend at most 5,000 claims per transaction set
FACILITY_TYPE_HOSPITAL_OUTPATIENT = "13"  # type of bill 13x
RECEIVER_NAME_ENV, RECEIVER_ID_ENV = "ONCOBILL_CLEARINGHOUSE_NAME", "ONCOBILL_CLEARINGHOUSE_ID"


@dataclass(frozen=True)
class Receiver:
    """Who the 837 goes to (1000B NM1*40, ISA08): the clearinghouse."""

    name: str = "ONCOBILL SANDBOX CLEARINGHOUSE"
    id: str = "SANDBOXCH"

    @classmethod
    def from_env(cls) -> Receiver:
        return cls(os.environ.get(RECEIVER_NAME_ENV, cls.name), os.environ.get(RECEIVER_ID_ENV, cls.id))


def _x12(text: str | None) -> str:
    """Names and addresses as X12 characters: upper case, accents dropped (JOSE for José), no separators."""
    if not text:
        return ""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.upper() if ch not in "*~:^").strip()


# -- one claim ------------------------------------------------------------------------------------

def billing_provider(claim: Claim) -> Provider:
    entity = claim.billing_entity
    return Provider(_x12(entity.legal_name), entity.group_npi, "2",
                    address=Address(_x12(entity.address_line1), _x12(entity.city), entity.state, entity.zip_code,
                                    _x12(entity.address_line2)),
                    tax_id=entity.tin, taxonomy=entity.taxonomy)


def _subscriber(coverage: StoredCoverage, patient) -> tuple[Person, Person | None]:
    """The coverage's subscriber, and the patient when the patient is not the subscriber."""
    address = Address(_x12(patient.address_line1), _x12(patient.city), patient.state or "", patient.zip_code or "")
    own = Person(_x12(patient.last_name), _x12(patient.first_name), coverage.member_id, address,
                 patient.birth_date, patient.sex or "U")
    if coverage.relationship_to_subscriber.value == "18":
        return own, None
    subscriber = Person(_x12(coverage.subscriber_last_name), _x12(coverage.subscriber_first_name),
                        coverage.member_id, address, coverage.subscriber_birth_date, "U")
    return subscriber, Person(own.last_name, own.first_name, "", address, own.birth_date, own.gender)


def _payer(payer) -> Payer:
    payer_address = None
    if payer.address_line1 and payer.city:
        payer_address = Address(_x12(payer.address_line1), _x12(payer.city), payer.state or "", payer.zip_code or "")
    return Payer(_x12(payer.name), payer.payer_id, payer_address)


def _parties(claim: Claim) -> dict:
    """Subscriber, patient (only when not the subscriber), payer and SBR of the claim's coverage."""
    coverage, patient, payer = claim.coverage, claim.patient, claim.payer
    relationship = coverage.relationship_to_subscriber.value
    subscriber, dependent = _subscriber(coverage, patient)
    return {
        "billing_provider": billing_provider(claim),
        "subscriber": subscriber,
        "payer": _payer(payer),
        "coverage": Coverage(coverage.priority.sbr01, "18" if dependent is None else "", coverage.group_number or "",
                             payer.claim_filing_indicator),
        "patient": dependent,
        "patient_relationship": relationship if dependent is not None else "",
        "frequency": claim.frequency_code,
        "payer_claim_control_number": claim.payer_claim_number if claim.frequency_code in ("7", "8") else "",
    }


def _rendering(claim: Claim) -> Provider:
    r = claim.rendering_provider
    return Provider(_x12(r.last_name), r.npi, "1", _x12(r.first_name), taxonomy=r.taxonomy)


def _drug(line: ClaimLine) -> DrugIdentification | None:
    if not line.ndc:
        return None
    return DrugIdentification(line.ndc, line.ndc_quantity or Decimal(1), line.ndc_unit or "UN")


_PROCEDURES: dict[tuple, Procedure] = {}


def _procedure(line: ClaimLine) -> Procedure:
    """SV101/SV202 HC:code:modifiers; one shared object per code and modifiers (a batch repeats them)."""
    key = (line.code, line.modifier1, line.modifier2, line.modifier3, line.modifier4)
    found = _PROCEDURES.get(key)
    if found is None:
        if len(_PROCEDURES) > 50_000:
            _PROCEDURES.clear()
        found = _PROCEDURES[key] = Procedure("HC", line.code, tuple(m for m in key[1:] if m))
    return found


_POINTERS: dict[str, tuple[int, ...]] = {}


def _pointers(text: str) -> tuple[int, ...]:
    found = _POINTERS.get(text)
    if found is None:
        found = _POINTERS[text] = tuple(int(p) for p in text.split(":") if p)
    return found


def _shared(memo: dict | None, key: tuple, make):
    """The parties of a batch repeat (one entity, a few providers, each patient's coverage): map each once."""
    if memo is None:
        return make()
    found = memo.get(key)
    if found is None:
        found = memo[key] = make()
    return found


def _facility(claim: Claim) -> Provider | None:
    location, entity = claim.location, claim.billing_entity
    if (location.address_line1, location.zip_code) == (entity.address_line1, entity.zip_code):
        return None
    return Provider(_x12(location.name), location.npi or "", "2",
                    address=Address(_x12(location.address_line1), _x12(location.city), location.state,
                                    location.zip_code))


def _common(claim: Claim, memo: dict | None) -> tuple[dict, Provider]:
    parties = dict(_shared(memo, ("coverage", id(claim.coverage), id(claim.billing_entity)),
                           lambda: _parties(claim)))
    parties["frequency"] = claim.frequency_code
    parties["payer_claim_control_number"] = claim.payer_claim_number if claim.frequency_code in ("7", "8") else ""
    return parties, _shared(memo, ("rendering", id(claim.rendering_provider)), lambda: _rendering(claim))


# -- coordination of benefits: the prior payers' adjudication, from their stored remits -------------

def _priors(claim: Claim, priors: list | None) -> list:
    """(prior claim, PriorAdjudication) per payer before this one, primary first: given, or read from the
    stored remits when the claim follows another (``primary_claim_id``)."""
    if priors is not None or claim.primary_claim_id is None:
        return priors or []
    from oncobill.claims.secondary import prior_chain

    session = object_session(claim)
    if session is None:
        raise InvalidInput(f"claim {claim.patient_control_number}",
                           "a secondary claim is written from its primary's stored remit: the claim must be stored")
    return prior_chain(session, claim)


def other_payers(priors: list) -> list[OtherPayer]:
    """2320/2330A/2330B per prior payer: its SBR01 (P for the primary), subscriber and member ID, payer
    ID, AMT*D (CLP04), AMT*EAF (what it left the patient), claim-level CAS verbatim, its MOA/MIA as its
    835 sent them, DTP*573 and REF*F8 (its claim number, CLP07). No AMT*A8: that is only for a payer
    the destination lets the provider bypass, and every prior payer here adjudicated the claim."""
    out = []
    for prior_claim, facts in priors:
        cov = prior_claim.coverage
        subscriber, dependent = _subscriber(cov, prior_claim.patient)
        out.append(OtherPayer(
            cov.priority.sbr01, _payer(prior_claim.payer), subscriber,
            relationship="18" if dependent is None else cov.relationship_to_subscriber.value,
            group_number=cov.group_number or "", filing_indicator=prior_claim.payer.claim_filing_indicator,
            paid=facts.paid, remaining_patient_liability=facts.patient_responsibility,
            adjustments=list(facts.claim_adjustments), adjudication_date=facts.adjudication_date,
            claim_control_number=facts.payer_claim_number, outpatient_adjudication=facts.outpatient_adjudication,
            inpatient_adjudication=facts.inpatient_adjudication))
    return out


def line_adjudications(line: ClaimLine, priors: list) -> list[LineAdjudication]:
    """2430 per prior payer for one line: SVD with the procedure as that payer adjudicated it, what it
    paid and the units, the line's CAS verbatim, DTP*573."""
    out = []
    for prior_claim, facts in priors:
        found = facts.line(line.line_number)
        if found is None:
            raise InvalidInput(f"claim {line.claim.patient_control_number if line.claim else ''} line "
                               f"{line.line_number}", f"no adjudication of it in the remit of "
                                                      f"{prior_claim.patient_control_number}")
        out.append(LineAdjudication(prior_claim.payer.payer_id, found.paid, found.procedure, found.units,
                                    facts.adjudication_date, list(found.adjustments)))
    return out


def professional_claim(claim: Claim, memo: dict | None = None, priors: list | None = None) -> ProfessionalClaim:
    """2300/2400 of an 837P: CLM05 = POS:B:frequency, HI, REF*G1/F8, rendering provider, SV1 lines
    with DTP*472, REF*6R and the NDC (LIN/CTP) on drug lines; on a claim to a later payer, 2320/2430."""
    priors = _priors(claim, priors)
    lines = [ServiceLine(_procedure(line), line.charge, line.units, line.service_date, _pointers(line.dx_pointers),
                         line_control_number=line.line_control_number, drug=_drug(line),
                         adjudications=line_adjudications(line, priors)) for line in claim.lines]
    parties, rendering = _common(claim, memo)
    facility = _shared(memo, ("facility", id(claim.location), id(claim.billing_entity)), lambda: _facility(claim))
    return ProfessionalClaim(
        claim.patient_control_number, sum((ln.charge for ln in lines), Decimal("0.00")),
        claim.location.place_of_service, [d.icd10_code for d in claim.diagnoses], lines,
        prior_authorization=claim.prior_authorization or "", rendering_provider=rendering, service_facility=facility,
        other_payers=other_payers(priors), **parties)


def institutional_claim(claim: Claim, memo: dict | None = None, priors: list | None = None) -> InstitutionalClaim:
    """2300/2400 of an 837I: type of bill 13x (CLM05 = 13:A:frequency), statement dates, SV2 lines with
    revenue code and HCPCS; the rendering physician is the attending (2310A); 2320/2430 as on the 837P."""
    priors = _priors(claim, priors)
    parties, rendering = _common(claim, memo)
    lines = [RevenueLine(line.revenue_code or "0940", line.charge, line.units, _procedure(line), line.service_date,
                         line.line_control_number, _drug(line), line_adjudications(line, priors))
             for line in claim.lines]
    codes = [d.icd10_code for d in claim.diagnoses]
    return InstitutionalClaim(
        claim.patient_control_number, sum((ln.charge for ln in lines), Decimal("0.00")),
        FACILITY_TYPE_HOSPITAL_OUTPATIENT, claim.service_from, claim.service_to, codes[0], lines,
        other_diagnoses=codes[1:], admission_type="", admission_source="", patient_status="01",
        attending_provider=rendering, prior_authorization=claim.prior_authorization or "",
        other_payers=other_payers(priors), **parties)


def claim_837(claim: Claim, memo: dict | None = None, priors: list | None = None
              ) -> ProfessionalClaim | InstitutionalClaim:
    """The X12 engine's typed claim (*memo* shares the parties' objects across the claims of one batch).

    A claim to a later payer (``primary_claim_id``) carries each prior payer's adjudication from its
    stored remit; *priors* (list of (prior claim, ``secondary.PriorAdjudication``), primary first) gives
    them directly for a claim that is not stored."""
    if claim.form is ClaimForm.INSTITUTIONAL:
        return institutional_claim(claim, memo, priors)
    return professional_claim(claim, memo, priors)


# -- one batch file ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ControlNumbers:
    interchange: int  # ISA13
    group: int  # GS06
    set: int  # ST02

    @property
    def reference(self) -> str:
        """BHT03: the 277CA echoes it (2200A TRN02), so it names the batch."""
        return f"OB{self.interchange:09d}"


def _line_authorizations(segments: list, claims: list[Claim]) -> list:
    """837P 2400 REF*G1 on a line billed under another authorization than the claim's REF*G1 (it goes
    before the line's REF*6R, as the guide orders them); the typed line has no field for it."""
    numbers = {}
    for claim in claims:
        for line in claim.lines:
            auth = line.authorization
            if auth is not None and auth.auth_number != claim.prior_authorization:
                numbers[line.line_control_number] = auth.auth_number
    if not numbers:
        return segments
    out = []
    for seg in segments:
        if seg[0] == "REF" and seg[1] == "6R" and seg[2] in numbers:
            out.append(make_segment(["REF", "G1", numbers[seg[2]]]))
        out.append(seg)
    return out


def write_batch(claims: list[Claim], numbers: ControlNumbers, *, submitter: Provider, contact_phone: str,
                receiver: Receiver, when: datetime, usage: str = "P", priors: dict | None = None) -> str:
    """One interchange (ISA/GS/ST) holding the claims, all of one form; every count computed. *priors*
    (claim id -> prior payers' adjudications) serves claims not stored; stored ones read their remits."""
    if not claims:
        raise InvalidInput("837 batch", "no claims to write")
    forms = {c.form for c in claims}
    if len(forms) != 1:
        raise InvalidInput("837 batch", "837P and 837I claims go in separate batches")
    form = forms.pop()
    with gc_paused():  # millions of small acyclic objects: keep the cyclic collector out (x12 reader notes)
        return _write(claims, form, numbers, submitter, contact_phone, receiver, when, usage, priors or {})


def _write(claims, form, numbers, submitter, contact_phone, receiver, when, usage, priors) -> str:
    memo: dict = {}
    doc = ProfessionalClaims(submitter.name, submitter.tax_id, "BILLING OFFICE", contact_phone, receiver.name,
                             receiver.id, [claim_837(c, memo, priors.get(c.id)) for c in claims],
                             reference=numbers.reference, created=when)
    if form is ClaimForm.INSTITUTIONAL:
        spec = SPEC_837I
        txn = build_transaction(spec, numbers.set, institutional_claim_segments(doc))
    else:
        spec = SPEC_837P
        txn = build_transaction(spec, numbers.set, _line_authorizations(professional_claim_segments(doc), claims))
    ic = build_interchange([(spec, [txn])], sender_id=submitter.tax_id, receiver_id=receiver.id,
                           control_number=numbers.interchange, group_control_start=numbers.group, when=when,
                           usage=usage)
    return write(ic)


# -- use cases ----------------------------------------------------------------------------------------

def next_control_number(session: Session, name: str) -> int:
    """The next number of a durable counter (interchange, group, set); wraps after 999,999,999."""
    counter = session.get(ControlCounter, name, with_for_update=True)
    if counter is None:
        counter = ControlCounter(name=name, value=0)
        session.add(counter)
    counter.value = counter.value % 999_999_999 + 1
    session.flush()
    return counter.value


def _allocate(session: Session) -> ControlNumbers:
    return ControlNumbers(next_control_number(session, "interchange"), next_control_number(session, "group"),
                          next_control_number(session, "set"))


@dataclass
class SubmissionResult:
    batches: list[SubmissionBatch] = field(default_factory=list)
    claims: int = 0

    @property
    def total_charge(self) -> Decimal:
        return sum((b.total_charge for b in self.batches), Decimal("0.00"))


def create_batches(session: Session, *, actor: str, now: datetime | None = None, claims: list[Claim] | None = None,
                   receiver: Receiver | None = None, max_claims: int = MAX_CLAIMS_PER_BATCH) -> SubmissionResult:
    """Write every READY claim (or the ones given) into 837 batches, one file per payer and form (split
    at *max_claims*), store each batch and move its claims to SUBMITTED, recording who, when and why."""
    now = now or datetime.now().replace(microsecond=0)
    receiver = receiver or Receiver.from_env()
    if claims is None:
        claims = list(session.scalars(
            select(Claim).where(Claim.status == ClaimStatus.READY).order_by(Claim.id)
            .options(selectinload(Claim.lines).selectinload(ClaimLine.authorization),
                     selectinload(Claim.diagnoses))))
    for claim in claims:
        if claim.status is not ClaimStatus.READY:
            raise InvalidInput(f"claim {claim.patient_control_number}",
                               f"only ready claims are submitted; this one is {claim.status.value}")
    groups: dict[tuple, list[Claim]] = {}
    for claim in claims:
        groups.setdefault((claim.payer_id, claim.form.value, claim.billing_entity_id), []).append(claim)
    result = SubmissionResult()
    for key in sorted(groups):
        group = groups[key]
        for start in range(0, len(group), max_claims):
            result.batches.append(_store_batch(session, group[start:start + max_claims], actor, now, receiver))
            result.claims += len(group[start:start + max_claims])
    session.flush()
    return result


def _store_batch(session: Session, claims: list[Claim], actor: str, now: datetime,
                 receiver: Receiver) -> SubmissionBatch:
    numbers = _allocate(session)
    first = claims[0]
    entity = first.billing_entity
    text = write_batch(claims, numbers, submitter=billing_provider(first), contact_phone=entity.phone or "0000000000",
                       receiver=receiver, when=now)
    data = text.encode("ascii", errors="strict")
    name = f"OB{now:%Y%m%d}-{numbers.interchange:09d}-{first.payer.payer_id}-{first.form.value}.837"
    batch = SubmissionBatch(
        file_name=name, payer_id=first.payer_id, form=first.form, interchange_control_number=numbers.interchange,
        group_control_number=numbers.group, set_control_number=numbers.set, reference=numbers.reference,
        claim_count=len(claims), total_charge=sum((c.total_charge for c in claims), Decimal("0.00")),
        content_sha256=hashlib.sha256(data).hexdigest(), content=text, created_at=now, created_by=actor[:60])
    batch.claims = list(claims)
    session.add(batch)
    for claim in claims:
        lifecycle.transition(claim, ClaimStatus.SUBMITTED, actor=actor, at=now,
                             reason=f"in 837 batch {name} (ISA13 {numbers.interchange:09d}, GS06 {numbers.group}, "
                                    f"ST02 {numbers.set:04d}) to {first.payer.name}")
    session.flush()
    return batch


@dataclass
class SentBatch:
    file_name: str
    claims: int
    already_sent: bool
    destination: str


def unsent_batches(session: Session) -> list[SubmissionBatch]:
    return list(session.scalars(select(SubmissionBatch).where(SubmissionBatch.sent_at.is_(None))
                                .order_by(SubmissionBatch.id)))


def send_batches(session: Session, adapter, *, now: datetime | None = None,
                 batches: list[SubmissionBatch] | None = None) -> list[SentBatch]:
    """Send each batch not yet sent through the clearinghouse adapter and record when and where.

    The adapter journals what it sent, so a batch whose send was confirmed but not recorded here (a
    crash in between) is answered 'already sent' on the next call: never sent twice."""
    out = []
    for batch in unsent_batches(session) if batches is None else batches:
        if batch.sent_at is not None:
            continue
        result = adapter.send(batch.file_name, batch.content.encode("ascii"))
        if result.sha256 != batch.content_sha256:
            raise InvalidInput(f"batch {batch.file_name}", "the adapter reports other content than the stored batch")
        batch.sent_at = now or result.sent_at.replace(microsecond=0)
        batch.sent_via = adapter.name
        batch.destination = str(result.destination)[:300]
        out.append(SentBatch(batch.file_name, batch.claim_count, result.already_sent, batch.destination))
        session.flush()
    return out


def batch_for_set(session: Session, group_control_number: int, set_control_number: int) -> SubmissionBatch | None:
    return session.scalar(select(SubmissionBatch).where(
        SubmissionBatch.group_control_number == group_control_number,
        SubmissionBatch.set_control_number == set_control_number))
