"""The denial acts, as use cases: show an item with the claim's facts and clocks, work it (corrected or
new claim, appeal letter, write-off, transfer, no action) and close paid appeals. Built on the
queues' shared operations (``worklists.queues``: list, get, assign, log, close). Flushes, never
commits: the caller owns the transaction.

Each act runs in a savepoint, so a refusal or a failure half-way leaves nothing behind even when the
caller goes on. The pure parts stay in ``denials.rules`` / ``denials.actions``: this module reads the
rows, asks the builders, and stores what they return (a claim through ``claims.service``, an entry
through ``ledger.service``).

Where a denied amount sits in the ledger: 835 posting (``remittance.posting``) takes a CO/OA/PI
denial off the payer's A/R as an adjustment under its CARC and moves a PR amount to the next party.
The acts find it by the item's reason code (``CO-197``, ``PR-96``) on its claim line, so a
write-off makes the posted adjustment final and a transfer moves the amount from whoever holds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import BigInteger, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from oncobill.claims import lifecycle
from oncobill.claims import service as claims_service
from oncobill.claims.models import Claim, ClaimLine, ClaimStatus
from oncobill.denials import actions
from oncobill.denials.playbook import Action, PatientBillable, default_playbook
from oncobill.denials.rules import ClaimFacts, Clock, PayerTerms, WorkItem, clocks_for
from oncobill.errors import InvalidInput
from oncobill.fileio import write_atomic
from oncobill.ledger import service as ledger_service
from oncobill.ledger.models import JournalLine
from oncobill.ledger.rules import AR_ACCOUNTS, Account, Party, Refs
from oncobill.money import ZERO, MoneyError, from_cents, money
from oncobill.patients.models import Coverage, Patient
from oncobill.practice.models import BillingEntity, Payer, Provider
from oncobill.practice.service import settings_in_force
from oncobill.worklists import queues
from oncobill.worklists.models import DenialWorkItem, Role
from oncobill.worklists.queues import Refused

ACTS = ("corrected_claim", "new_claim", "appeal", "write_off", "transfer_to_patient", "transfer_to_secondary",
        "no_action")
_CENTS = type_coerce(JournalLine.amount, BigInteger)
# Recommended actions after which sending the claim again is refused: a duplicate is never resent,
# a timely-filing write-off has no filing time left, and postings need no claim.
_NEVER_RESENT = {Action.CHECK_ORIGINAL, Action.WRITE_OFF, Action.POST_ONLY, Action.TRANSFER_TO_PATIENT}


# -- the claim as the rules read it -------------------------------------------------------------------------------------

def payer_terms(session: Session, payer: Payer, on: date) -> PayerTerms:
    """The payer's clocks from its payer settings in force on the date of service."""
    return PayerTerms.from_settings(payer.name, payer.timely_filing_days, settings_in_force(session, payer.id, on))


def _secondary_payer(session: Session, claim: Claim) -> Payer | None:
    """The next payer for a PR amount: the patient's next coverage on the date of service."""
    covs = sorted((c for c in session.scalars(select(Coverage).where(Coverage.patient_id == claim.patient_id))
                   if c.active_on(claim.service_from)), key=lambda c: c.priority.rank)
    ids = [c.id for c in covs]
    after = covs[ids.index(claim.coverage_id) + 1:] if claim.coverage_id in ids else []
    for cov in after:
        if cov.payer_id != claim.payer_id:
            return session.get(Payer, cov.payer_id)
    return None


def claim_facts(session: Session, claim: Claim, *, notice_on_file: bool = False) -> ClaimFacts:
    """The claim as the pure rules read it: names, numbers, whether it was ever paid, first acceptance."""
    patient: Patient = claim.patient
    entity: BillingEntity = claim.billing_entity
    doctor: Provider = claim.rendering_provider
    accepted = min((e.at.date() for e in claim.events if e.to_status is ClaimStatus.PAYER_ACCEPTED), default=None)
    secondary = _secondary_payer(session, claim)
    return ClaimFacts(
        patient_control_number=claim.patient_control_number, service_from=claim.service_from,
        payer_claim_number=claim.payer_claim_number or "", patient_name=f"{patient.first_name} {patient.last_name}",
        member_id=claim.coverage.member_id, billing_provider=entity.legal_name, billing_npi=entity.group_npi,
        rendering_provider=doctor.display_name, rendering_npi=doctor.npi, total_charge=claim.total_charge,
        ever_paid=queues.ever_paid(session, claim.id), payer_accepted_on=accepted,
        rejected_at_front_end=claim.status in (ClaimStatus.ACK_REJECTED, ClaimStatus.PAYER_REJECTED),
        secondary_payer=secondary.name if secondary else "", notice_on_file=notice_on_file)


def work_item(item: DenialWorkItem, claim: Claim) -> WorkItem:
    """The stored row as the pure ``WorkItem`` the action builders take (the argument from the playbook)."""
    line = _claim_line(claim, item)
    rule = default_playbook().rule_for(item.group_code, item.carc, tuple(item.rarcs or ()))
    return WorkItem(
        patient_control_number=claim.patient_control_number,
        line_control_number=line.line_control_number if line else "",
        code=(item.procedure or "").split(":")[0], group=item.group_code, carc=item.carc,
        rarcs=tuple(item.rarcs or ()), amount=item.amount, queue=item.queue, action=Action(item.action),
        owner=Role(item.owner), patient_billable=PatientBillable(item.patient_billable), fix=item.fix,
        reason=item.reason, route=item.route, argument=rule.argument, due_date=item.due_date, partial=item.partial)


def _claim_line(claim: Claim, item: DenialWorkItem) -> ClaimLine | None:
    return next((cl for cl in claim.lines if cl.id == item.claim_line_id), None)


def show_item(session: Session, item_id: int, *, today: date) -> dict:
    """One item with the claim's facts, the clocks and the recommended action."""
    item = queues.get_item(session, item_id)
    claim = session.get(Claim, item.claim_id)
    payer = session.get(Payer, item.payer_id)
    facts = claim_facts(session, claim)
    line = _claim_line(claim, item)
    remit_date = queues.remit_date(session, item)
    clocks: list[Clock] = []
    clock_note = ""
    try:
        terms = payer_terms(session, payer, claim.service_from)
        clocks = list(clocks_for(Action(item.action), payer=terms, service_date=line.service_date if line else
                                 claim.service_from, remit_date=remit_date,
                                 appeal_window_days=default_playbook().rule_for(
                                     item.group_code, item.carc, tuple(item.rarcs or ())).appeal_window_days,
                                 rejected_at_front_end=facts.rejected_at_front_end))
    except InvalidInput as exc:
        clock_note = str(exc)
    facts_shown = {
        "claim_status": claim.status.value, "payer_name": payer.name,
        "payer_claim_number": facts.payer_claim_number, "patient": facts.patient_name, "member_id": facts.member_id,
        "date_of_service": line.service_date if line else claim.service_from,
        "line_control_number": line.line_control_number if line else "",
        "line_charge": line.charge if line else claim.total_charge,
        "rendering_provider": facts.rendering_provider, "secondary_payer": facts.secondary_payer,
        "ever_paid": facts.ever_paid, "payer_accepted_on": facts.payer_accepted_on, "remit_date": remit_date}
    clocks_shown = {"clocks": [{"name": c.name, "starts": c.starts, "days": c.days, "deadline": c.deadline,
                                "days_left": (c.deadline - today).days} for c in clocks],
                    "clock_note": clock_note}
    return queues.show(session, item, today=today, facts=facts_shown, clocks=clocks_shown)


@dataclass
class ActResult:
    item_id: int
    action: str
    status: str
    resolution: str | None
    message: str
    result_claim: str | None = None
    journal_entry_ids: list[int] = field(default_factory=list)
    letter_file: str | None = None


def act(session: Session, item_id: int, action: str, *, actor: str, now: datetime,
        amount: Decimal | str | None = None, note: str = "", letter: Path | str | None = None,
        notice_on_file: bool = False, attachments: tuple[str, ...] = ()) -> ActResult:
    """Do the work an item asks for. All-or-nothing (a savepoint), records who and when, refuses a
    done item, and keeps the ledger balanced; the builders' refusals name the billing rule."""
    where = f"denial work item {item_id}: {action}"
    actor = queues.check_actor(actor, where)
    if action not in ACTS:
        raise InvalidInput(where, f"unknown action; one of {', '.join(ACTS)}")
    value = None
    if amount is not None and str(amount).strip() != "":
        try:
            value = money(amount, exact=True)
        except MoneyError as exc:
            raise InvalidInput(f"{where}: amount", str(exc)) from None
    with session.begin_nested():
        item = queues.get_item(session, item_id, for_update=True)
        queues.refuse_done(item, where)
        claim = session.get(Claim, item.claim_id)
        facts = claim_facts(session, claim, notice_on_file=notice_on_file)
        work = work_item(item, claim)
        handler = _HANDLERS[action]
        result = handler(session, item, claim, facts, work, where=where, actor=actor, now=now, amount=value,
                         note=note.strip(), letter=Path(letter) if letter else None, attachments=attachments)
        if item.assigned_to is None:
            item.assigned_to = actor
        session.flush()
    return result


def _resubmit(session, item, claim, facts, work, *, where, actor, now, action: str, note: str) -> ActResult:
    if work.action in _NEVER_RESENT:
        raise Refused(where, f"the playbook says {work.action.value} for {item.group_code}-{item.carc} "
                             f"({item.fix}); the claim is not sent again")
    existing = session.scalar(select(Claim).where(Claim.original_claim_id == claim.id,
                                                  Claim.frequency_code.in_(("1", "7"))).order_by(Claim.id).limit(1))
    if existing is not None:  # another item of this claim already produced the corrected claim
        resolution = "corrected_claim" if existing.frequency_code == "7" else "new_claim"
        queues.done(item, resolution, actor, now, f"{resolution}: covered by {existing.patient_control_number} "
                                            f"(frequency {existing.frequency_code}), already made for this claim"
                                            + (f"; {note}" if note else ""))
        item.result_claim_id = existing.id
        return ActResult(item.id, action, item.status, item.resolution,
                         f"claim {claim.patient_control_number} was already replaced by "
                         f"{existing.patient_control_number}", existing.patient_control_number)
    wanted = Action.NEW_CLAIM if action == "new_claim" or work.action is Action.NEW_CLAIM else Action.CORRECTED_CLAIM
    payer = session.get(Payer, claim.payer_id)
    plan = actions.resubmission(replace(work, action=wanted), facts, payer_terms(session, payer, claim.service_from))
    reason = f"denial work item {item.id}: {plan.reason}; {plan.fix}" + (f" ({note})" if note else "")
    if claim.status not in lifecycle.ADJUDICATED:
        raise Refused(where, f"claim {claim.patient_control_number} is {claim.status.value}: only an adjudicated "
                             "claim (paid, partial or denied) is corrected or sent again from a denial")
    if plan.frequency == "7":
        new = claims_service.create_replacement(session, claim, actor=actor, reason=reason,
                                                payer_claim_number=plan.payer_claim_number, now=now)
    else:
        new = claims_service.create_new_original(session, claim, actor=actor, reason=reason, now=now)
    item.result_claim_id = new.id
    resolution = "corrected_claim" if new.frequency_code == "7" else "new_claim"
    f8 = f", REF*F8 {new.payer_claim_number}" if new.frequency_code == "7" else ""
    queues.done(item, resolution, actor, now, f"{resolution}: {new.patient_control_number} (frequency "
                                        f"{new.frequency_code}{f8}), {plan.reason}" + (f"; {note}" if note else ""))
    return ActResult(item.id, action, item.status, item.resolution,
                     f"{new.patient_control_number} created as a draft (frequency {new.frequency_code}): "
                     f"{plan.reason}; scrub and submit it", new.patient_control_number)


def _act_corrected(session, item, claim, facts, work, **kw) -> ActResult:
    return _resubmit(session, item, claim, facts, work, where=kw["where"], actor=kw["actor"], now=kw["now"],
                     action="corrected_claim", note=kw["note"])


def _act_new(session, item, claim, facts, work, **kw) -> ActResult:
    return _resubmit(session, item, claim, facts, work, where=kw["where"], actor=kw["actor"], now=kw["now"],
                     action="new_claim", note=kw["note"])


def _act_appeal(session, item, claim, facts, work, *, where, actor, now, letter, attachments, note, **_) -> ActResult:
    if item.status == "in_progress" and item.document:
        raise Refused(where, "already appealed: the letter is on the item and the payer's answer is awaited "
                             "(a paying remit closes it as paid_on_appeal)")
    if not work.argument:
        raise Refused(where, f"the playbook has no appeal argument for {item.group_code}-{item.carc}: "
                             f"{item.fix}")
    payer = session.get(Payer, claim.payer_id)
    text = actions.appeal_letter(replace(work, action=Action.APPEAL), facts,
                                 payer_terms(session, payer, claim.service_from),
                                 remit_date=queues.remit_date(session, item), today=now.date(), attachments=attachments)
    item.document = text
    item.status = "in_progress"
    queues.log(item, now, actor, "appeal letter written; awaiting the payer" + (f"; {note}" if note else ""))
    written = None
    if letter is not None:
        try:
            write_atomic(letter, text)
        except OSError as exc:
            raise InvalidInput(f"{where}: letter file {letter}", f"cannot be written ({exc.strerror or exc})") from None
        written = str(letter)
    return ActResult(item.id, "appeal", item.status, None,
                     f"appeal letter for claim {claim.patient_control_number} stored on the item"
                     + (f" and written to {written}" if written else ""), letter_file=written)


# Where an item's amount sits: postings under its reason code on its claim line (claim-level items:
# every line of the claim), per line and per account/party.
@dataclass(frozen=True, slots=True)
class _Held:
    refs: Refs
    account: Account
    payer_id: int | None
    amount: Decimal

    @property
    def party(self) -> Party:
        return Party.patient() if self.account is Account.AR_PATIENT else Party.payer(self.payer_id)


def _held(session: Session, item: DenialWorkItem, claim: Claim, accounts: set[Account], *,
          reason_code: str | None) -> list[_Held]:
    """Positive sums per charge line and party: of the postings under *reason_code* on the item's line
    (claim-level item: the claim's lines), or, without a code, everything on the line's charge line
    (its A/R, charge included: the charge was posted before the claim existed)."""
    lines = [cl for cl in claim.lines if item.claim_line_id in (None, cl.id) and cl.charge_line_id is not None]
    by_charge = {cl.charge_line_id: cl for cl in lines}
    conditions = [JournalLine.charge_line_id.in_(list(by_charge)), JournalLine.account.in_([a.value for a in accounts])]
    if reason_code is not None:
        conditions.append(JournalLine.reason_code == reason_code)
        conditions.append(JournalLine.claim_line_id == item.claim_line_id if item.claim_line_id
                          else JournalLine.claim_id == item.claim_id)
    rows = session.execute(
        select(JournalLine.account, JournalLine.payer_id, JournalLine.charge_line_id, func.sum(_CENTS))
        .where(and_(*conditions))
        .group_by(JournalLine.account, JournalLine.payer_id, JournalLine.charge_line_id))
    out = []
    for account, payer_id, charge_line_id, cents in sorted(rows, key=lambda r: (
            by_charge[r[2]].line_number, str(r[0]), r[1] or 0)):
        account, value, cl = Account(account), from_cents(cents), by_charge[charge_line_id]
        if value > ZERO:
            refs = Refs(claim.patient_id, charge_line_id, cl.id, claim.id)
            out.append(_Held(refs, account, payer_id if account is Account.AR_PAYER else None, value))
    return out


def _allocate(held: list[_Held], amount: Decimal) -> list[tuple[_Held, Decimal]]:
    """Take *amount* from the holdings in order (a claim-level item may span lines)."""
    out, left = [], amount
    for h in held:
        if left <= ZERO:
            break
        take = min(h.amount, left)
        out.append((h, take))
        left -= take
    return out


def _post(session, draft, *, actor, now, item) -> int:
    entry = ledger_service.post(session, draft, effective_date=now.date(), actor=actor,
                                source=f"denial work item {item.id}", posted_at=now)
    return entry.id


def _act_write_off(session, item, claim, facts, work, *, where, actor, now, amount, note, **_) -> ActResult:
    plan = actions.write_off(work, amount=amount, reason=note)
    code = f"{item.group_code}-{item.carc}"
    adjusted = _held(session, item, claim, {Account.CONTRACTUAL_ADJUSTMENTS}, reason_code=code)
    from_adjustment = sum((h.amount for h in adjusted), ZERO) >= plan.amount
    if from_adjustment:
        sources = adjusted
    else:
        sources = [h for h in _held(session, item, claim, {Account.AR_PAYER}, reason_code=None) if h.payer_id == item.payer_id]
        if sum((h.amount for h in sources), ZERO) < plan.amount:
            raise Refused(where, f"{plan.amount} of {code} cannot be written off: the ledger holds "
                                 f"{sum((h.amount for h in adjusted), ZERO)} as a {code} adjustment and "
                                 f"{sum((h.amount for h in sources), ZERO)} in the payer's A/R on this line")
    ids = []
    for h, part in _allocate(sources, plan.amount):
        draft = actions.write_off_entry(replace(plan, amount=part), h.refs, item.payer_id,
                                        from_adjustment=from_adjustment)
        ids.append(_post(session, draft, actor=actor, now=now, item=item))
    item.journal_entry_id = ids[0]
    queues.done(item, "write_off", actor, now, f"written off {plan.amount} ({plan.reason}); entries "
                                       + ", ".join(map(str, ids)))
    return ActResult(item.id, "write_off", item.status, item.resolution,
                     f"{plan.amount} written off, never billed to the patient", journal_entry_ids=ids)


def _transfer(session, item, claim, plan: actions.Transfer, target: Party, *, where, actor, now) -> list[int]:
    """Move a PR amount to *target* from whoever holds it now; nothing to post when it is there already."""
    code = f"PR-{item.carc}"
    coded = _held(session, item, claim, set(AR_ACCOUNTS), reason_code=code)
    elsewhere = [h for h in coded if h.party != target]
    there = sum((h.amount for h in coded if h.party == target), ZERO)
    if sum((h.amount for h in elsewhere), ZERO) >= plan.amount:
        sources = elsewhere
    elif there >= plan.amount:
        return []
    elif not coded:
        sources = [h for h in _held(session, item, claim, {Account.AR_PAYER}, reason_code=None) if h.payer_id == item.payer_id]
        if sum((h.amount for h in sources), ZERO) < plan.amount:
            raise Refused(where, f"{plan.amount} of {code} is not in the payer's A/R on this line "
                                 f"({sum((h.amount for h in sources), ZERO)} is)")
    else:
        raise Refused(where, f"the ledger holds {sum((h.amount for h in coded), ZERO)} of {code} on this line, "
                             f"less than {plan.amount}")
    ids = []
    for h, part in _allocate(sources, plan.amount):
        draft = actions.transfer_entry(replace(plan, amount=part), h.refs, h.party, target)
        ids.append(_post(session, draft, actor=actor, now=now, item=item))
    return ids


def _act_to_patient(session, item, claim, facts, work, *, where, actor, now, amount, note, **_) -> ActResult:
    plan = actions.transfer_to_patient(work, facts, amount=amount)
    ids = _transfer(session, item, claim, plan, Party.patient(), where=where, actor=actor, now=now)
    item.journal_entry_id = ids[0] if ids else None
    notice = "; signed notice (ABN/waiver) on file, attested" if facts.notice_on_file else ""
    moved = (f"moved {plan.amount} to the patient (entries {', '.join(map(str, ids))})" if ids else
             f"{plan.amount} was already on the patient's account since the remit was posted")
    queues.done(item, "transfer_to_patient", actor, now, moved + notice + (f"; {note}" if note else ""))
    return ActResult(item.id, "transfer_to_patient", item.status, item.resolution, moved, journal_entry_ids=ids)


def _act_to_secondary(session, item, claim, facts, work, *, where, actor, now, amount, note, **_) -> ActResult:
    plan = actions.transfer_to_secondary(work, facts, amount=amount)
    secondary = _secondary_payer(session, claim)
    ids = _transfer(session, item, claim, plan, Party.payer(secondary.id), where=where, actor=actor, now=now)
    item.journal_entry_id = ids[0] if ids else None
    moved = (f"moved {plan.amount} to {secondary.name} (entries {', '.join(map(str, ids))})" if ids else
             f"{plan.amount} was already with {secondary.name} since the remit was posted")
    queues.done(item, "transfer_to_secondary", actor, now, moved + (f"; {note}" if note else ""))
    return ActResult(item.id, "transfer_to_secondary", item.status, item.resolution, moved, journal_entry_ids=ids)


def _act_no_action(session, item, claim, facts, work, *, where, actor, now, note, **_) -> ActResult:
    if not note:
        raise InvalidInput(where, "say why nothing is done (--note)")
    queues.done(item, "no_action", actor, now, f"no action: {note}")
    return ActResult(item.id, "no_action", item.status, item.resolution, f"closed without action: {note}")


_HANDLERS = {"corrected_claim": _act_corrected, "new_claim": _act_new, "appeal": _act_appeal,
             "write_off": _act_write_off, "transfer_to_patient": _act_to_patient,
             "transfer_to_secondary": _act_to_secondary, "no_action": _act_no_action}


def close_paid_appeals(session: Session, *, actor: str, now: datetime) -> list[int]:
    """Appealed items whose line a later, unreversed remit paid: done as paid_on_appeal.

    Also an appealed item closed without action since: a payer answers a won appeal with a reversal
    (CLP02 22, which closes the reversed CLP's items as no_action at posting) and a new, paying CLP.
    An item closed with money moved (write-off, transfer) or a claim sent again is left as it is."""
    closed = []
    appealed = session.scalars(select(DenialWorkItem).where(
        DenialWorkItem.document.is_not(None),
        or_(DenialWorkItem.status == "in_progress", DenialWorkItem.resolution == "no_action"))
        .order_by(DenialWorkItem.id).with_for_update()).all()
    for item in appealed:
        row = queues.later_payment(session, item)
        if row is None:
            continue
        before = f" (it had been closed: {item.resolution}, by {item.resolved_by})" if item.status == "done" else ""
        queues.done(item, "paid_on_appeal", actor, now, f"paid {row.paid} on appeal (835 trace {row.trace_number}){before}")
        closed.append(item.id)
    session.flush()
    return closed
