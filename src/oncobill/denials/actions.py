"""The actions a work item recommends, as pure builders: what to send or post, never the posting itself.

The claims service turns a :class:`Resubmission` into a claim (``claims.service.create_replacement``
or a new original); the ledger turns a :class:`WriteOff` or :class:`Transfer` into an entry. The
refusals live here so every caller gets them: a CO, OA or PI amount never reaches the patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from oncobill.denials.playbook import Action, PatientBillable
from oncobill.denials.rules import ClaimFacts, PayerTerms, WorkItem
from oncobill.errors import InvalidInput
from oncobill.ledger import rules as ledger_rules
from oncobill.ledger.rules import Account, EntryDraft, EntryKind, Party, Posting, Refs
from oncobill.money import ZERO, money
from oncobill.worklists.queues import Refused


@dataclass(frozen=True, slots=True)
class Resubmission:
    """How the claim goes back: frequency 7 with REF*F8, or a new original (frequency 1)."""

    patient_control_number: str
    frequency: str  # "7" replacement, "1" new original
    payer_claim_number: str | None  # REF*F8, only with frequency 7
    reason: str
    fix: str


def resubmission(item: WorkItem, claim: ClaimFacts, payer: PayerTerms) -> Resubmission:
    """Corrected claim (7 + REF*F8) or new claim (1): a new original when the playbook says so
    (no appeal rights, split claims), when the claim never reached adjudication, or when the payer
    wants a denied, never-paid claim fixed as new (setting ``correct_denied_as_original``)."""
    where = f"claim {claim.patient_control_number}: resubmission"
    allowed = {Action.CORRECTED_CLAIM, Action.NEW_CLAIM, Action.REQUEST_AUTHORIZATION, Action.FIX_ENROLLMENT}
    if item.action not in allowed:
        raise Refused(where, f"the work item says {item.action.value}, not a corrected or new claim "
                             f"({item.group}-{item.carc}: {item.fix})")
    why = f"{item.group}-{item.carc}{''.join(' ' + r for r in item.rarcs)}: {item.fix}"
    if item.action is Action.NEW_CLAIM or claim.rejected_at_front_end:
        note = "never adjudicated" if claim.rejected_at_front_end else "the playbook asks for a new claim"
        return Resubmission(claim.patient_control_number, "1", None, f"new original ({note})", why)
    if payer.correct_denied_as_original and not claim.ever_paid:
        return Resubmission(claim.patient_control_number, "1", None,
                            f"new original: {payer.name} wants a denied, never-paid claim sent as new", why)
    if not claim.payer_claim_number:
        raise InvalidInput(where, "a corrected claim (frequency 7) needs the payer's claim number (CLP07) for REF*F8")
    return Resubmission(claim.patient_control_number, "7", claim.payer_claim_number,
                        f"replacement of payer claim {claim.payer_claim_number}", why)


def appeal_letter(item: WorkItem, claim: ClaimFacts, payer: PayerTerms, *, remit_date: date, today: date,
                  attachments: tuple[str, ...] = ()) -> str:
    """A plain-text (markdown) appeal with the claim's facts, the denial in words and the argument."""
    if item.action is not Action.APPEAL:
        raise Refused(f"claim {claim.patient_control_number}: appeal letter",
                      f"the work item says {item.action.value}, not an appeal ({item.fix})")
    if item.due_date is not None and today > item.due_date:
        raise Refused(f"claim {claim.patient_control_number}: appeal letter",
                      f"the appeal window closed on {item.due_date} ({item.due_reason})")
    line = item.code or "the claim"
    lines = [
        f"# Request for reconsideration: claim {claim.payer_claim_number or claim.patient_control_number}",
        "",
        f"Date: {today.isoformat()}",
        f"To: {payer.name}, appeals",
        f"From: {claim.billing_provider or 'the billing provider'}" + (f" (NPI {claim.billing_npi})" if claim.billing_npi else ""),
        "",
        "## The claim",
        "",
        f"- Patient: {claim.patient_name or '(name)'}, member ID {claim.member_id or '(member ID)'}",
        f"- Our claim number: {claim.patient_control_number}; your claim number: {claim.payer_claim_number or '(not given)'}",
        f"- Date of service: {claim.service_from.isoformat()}",
    ]
    if claim.rendering_provider or claim.rendering_npi:
        lines.append(f"- Rendering provider: {claim.rendering_provider} (NPI {claim.rendering_npi})".replace(" (NPI )", ""))
    if item.code:
        lines.append(f"- Service: {item.code} (line {item.line_control_number or '-'}), amount denied {item.amount}")
    lines += [
        f"- Remittance dated {remit_date.isoformat()}",
        "",
        "## The denial",
        "",
        item.reason,
        "",
        "## Why it should be paid",
        "",
        item.argument,
        "",
        f"We ask you to reprocess {line} and pay it under the member's benefits.",
    ]
    if attachments:
        lines += ["", "## Attached", ""] + [f"- {a}" for a in attachments]
    if item.due_date:
        lines += ["", f"Sent within the appeal window (due {item.due_date.isoformat()})."]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class WriteOff:
    """An amount the practice absorbs: from the payer's A/R to the adjustment account of its CARC."""

    patient_control_number: str
    line_control_number: str
    amount: Decimal
    group: str
    carc: str
    reason: str


def write_off(item: WorkItem, *, amount: Decimal | None = None, reason: str = "") -> WriteOff:
    """The practice absorbs a denied amount. CO/PI/OA stay off the patient's account; a PR amount is
    the patient's balance and is refused here (adjust it as a patient balance, with its own policy)."""
    where = f"claim {item.patient_control_number} line {item.line_control_number or item.code}: write-off"
    if item.group == "PR":
        raise Refused(where, f"PR-{item.carc} is the patient's responsibility: transfer it to the secondary payer or "
                             "the patient; a patient-balance adjustment is a separate, policy-driven decision")
    value = money(item.amount if amount is None else amount)
    if value <= ZERO or value > item.amount:
        raise InvalidInput(where, f"amount {value} must be more than 0 and at most the denied {item.amount}")
    text = reason or item.fix
    return WriteOff(item.patient_control_number, item.line_control_number, value, item.group, item.carc,
                    f"{item.group}-{item.carc} written off, never billed to the patient: {text}")


@dataclass(frozen=True, slots=True)
class Transfer:
    """Move a PR amount to the next party: the secondary payer first, else the patient."""

    patient_control_number: str
    line_control_number: str
    amount: Decimal
    carc: str
    to: str  # "secondary" or "patient"
    reason: str


def transfer_to_patient(item: WorkItem, claim: ClaimFacts, *, amount: Decimal | None = None) -> Transfer:
    """Only PR goes to the patient; and a PR amount goes to a secondary payer first (domain 8.1)."""
    where = f"claim {item.patient_control_number} line {item.line_control_number or item.code}: transfer to patient"
    if item.group != "PR":
        raise Refused(where, f"{item.group}-{item.carc} is not patient responsibility: only PR amounts may be billed "
                             "to the patient (CO is the practice's contractual obligation; OA and PI are not the "
                             "patient's either)")
    if item.patient_billable is PatientBillable.NEVER:
        raise Refused(where, f"the playbook never bills PR-{item.carc} to the patient ({item.route})")
    if item.patient_billable is PatientBillable.WITH_NOTICE and not claim.notice_on_file:
        raise Refused(where, f"PR-{item.carc} may be billed to the patient only with a signed notice (ABN or "
                             "waiver) on file; none is recorded")
    if claim.secondary_payer:
        raise Refused(where, f"{claim.secondary_payer} is the secondary payer: send the PR amount there first "
                             "(transfer_to_secondary); only its PR remainder goes to the patient")
    value = _amount(item, amount, where)
    return Transfer(item.patient_control_number, item.line_control_number, value, item.carc, "patient",
                    f"PR-{item.carc} to the patient's statement: {item.fix}")


def transfer_to_secondary(item: WorkItem, claim: ClaimFacts, *, amount: Decimal | None = None) -> Transfer:
    where = f"claim {item.patient_control_number} line {item.line_control_number or item.code}: transfer to secondary"
    if item.group != "PR":
        raise Refused(where, f"{item.group}-{item.carc} is not patient responsibility: a secondary payer pays only "
                             "the primary's PR amounts")
    if not claim.secondary_payer:
        raise Refused(where, "the patient has no secondary coverage on file")
    value = _amount(item, amount, where)
    return Transfer(item.patient_control_number, item.line_control_number, value, item.carc, "secondary",
                    f"PR-{item.carc} to {claim.secondary_payer} (secondary claim)")


def _amount(item: WorkItem, amount: Decimal | None, where: str) -> Decimal:
    value = money(item.amount if amount is None else amount)
    if value <= ZERO or value > item.amount:
        raise InvalidInput(where, f"amount {value} must be more than 0 and at most {item.amount}")
    return value


def write_off_entry(w: WriteOff, refs: Refs, payer_id: int, *, from_adjustment: bool) -> EntryDraft:
    """The write-off as one balanced entry, never touching the patient's account.

    835 posting already took a CO/OA/PI denial off the payer's A/R as an adjustment under its CARC;
    writing it off makes that loss final: write-offs debited, the adjustment of the same CARC
    credited back (``from_adjustment``). An amount still in the payer's A/R is written off from it.
    """
    code = f"{w.group}-{w.carc}"
    if from_adjustment:
        common = {"payer_id": payer_id, "patient_id": refs.patient_id, "charge_line_id": refs.charge_line_id,
                  "claim_line_id": refs.claim_line_id, "claim_id": refs.claim_id, "reason_code": code}
        return EntryDraft(kind=EntryKind.WRITE_OFF,
                          postings=(Posting(Account.WRITE_OFFS, w.amount, **common),
                                    Posting(Account.CONTRACTUAL_ADJUSTMENTS, -w.amount, **common)),
                          memo=w.reason[:500], reason_code=code)
    return ledger_rules.write_off(refs, Party.payer(payer_id), w.amount, reason_code=code, memo=w.reason[:500])


def transfer_entry(t: Transfer, refs: Refs, source: Party, target: Party) -> EntryDraft:
    """A PR transfer as one balanced entry; the reason code keeps the CARC (PR-1, PR-96...)."""
    if target.is_patient != (t.to == "patient"):
        raise Refused(f"claim {t.patient_control_number}: transfer", f"a transfer to the {t.to} cannot go to {target}")
    return ledger_rules.transfer(refs, source, target, t.amount, reason_code=f"PR-{t.carc}", memo=t.reason[:500])
