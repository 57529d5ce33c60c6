"""Denial routing: one denied or partly denied remit line -> a work item with its queue, next action,
owner, the fix in billing words and a due date from the payer's clocks. Pure: no database.

Clocks (docs/denials.md):
- appeal window: the remit date + the payer's ``appeal_window_days`` (a playbook row may override);
  applies to appeals and to anything that disputes or corrects the payer's decision;
- timely filing: the date of service + ``timely_filing_days``; applies to every action that sends
  the claim again. A rejection at 999/277CA never stops it (the claim never reached the payer).
The earlier clock wins. Actions with no payer clock (write-off, duplicates, review) get the
practice's own target, ``work_target_days`` after the remit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from oncobill.codes import CodeSets, default_code_sets
from oncobill.denials.playbook import (
    DISPUTING,
    NO_WORK,
    RESUBMITTING,
    Action,
    Condition,
    PatientBillable,
    Playbook,
    Role,
    default_playbook,
)
from oncobill.errors import InvalidInput
from oncobill.money import ZERO, money

DEFAULT_WORK_TARGET_DAYS = 30


@dataclass(frozen=True, slots=True)
class PayerTerms:
    """The payer's clocks and resubmission habits, from its payer settings on the date of service."""

    name: str
    timely_filing_days: int
    appeal_window_days: int | None = None
    corrected_claim_days: int | None = None  # a separate window for corrected claims, from the remit date
    correct_denied_as_original: bool = False  # wants a denied, never-paid claim fixed as a new original
    work_target_days: int = DEFAULT_WORK_TARGET_DAYS

    @classmethod
    def from_settings(cls, name: str, timely_filing_days: int, settings: Mapping[str, Any]) -> PayerTerms:
        """From ``payers.timely_filing_days`` and the ``payer_settings`` in force (a setting overrides)."""
        def days(key: str) -> int | None:
            value = settings.get(key)
            if value is None:
                return None
            if isinstance(value, bool) or not str(value).isdigit() or int(value) <= 0:
                raise InvalidInput(f"payer {name}: setting {key}", f"{value!r} is not a positive number of days")
            return int(value)

        return cls(name=name, timely_filing_days=days("timely_filing_days") or timely_filing_days,
                   appeal_window_days=days("appeal_window_days"),
                   corrected_claim_days=days("corrected_claim_days"),
                   correct_denied_as_original=bool(settings.get("correct_denied_as_original", False)),
                   work_target_days=days("denial_work_target_days") or DEFAULT_WORK_TARGET_DAYS)


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What the routing and the actions need to know about the claim (plain values, no rows)."""

    patient_control_number: str
    service_from: date
    payer_claim_number: str = ""  # CLP07, the REF*F8 of a corrected claim
    patient_name: str = ""
    member_id: str = ""
    billing_provider: str = ""
    billing_npi: str = ""
    rendering_provider: str = ""
    rendering_npi: str = ""
    total_charge: Decimal | None = None
    ever_paid: bool = False  # any payment on this claim so far
    payer_accepted_on: date | None = None  # first 277CA A1/A2 (proof of timely filing)
    rejected_at_front_end: bool = False  # the last answer was a 999/277CA rejection: no adjudication
    secondary_payer: str = ""  # name of the next payer for PR amounts, if any
    notice_on_file: bool = False  # signed ABN / waiver: PR-96/PR-204 may go to the patient


@dataclass(frozen=True, slots=True)
class DeniedLine:
    """One adjustment on a remit line (or claim level when ``code`` is empty) to be worked."""

    group: str
    carc: str
    amount: Decimal
    rarcs: tuple[str, ...] = ()
    code: str = ""
    modifiers: tuple[str, ...] = ()
    units: Decimal | None = None
    charge: Decimal | None = None
    paid: Decimal = ZERO
    service_date: date | None = None
    line_control_number: str = ""


@dataclass(frozen=True, slots=True)
class Clock:
    name: str  # "appeal window", "timely filing", "corrected-claim window", "practice target"
    starts: date
    days: int
    deadline: date

    def explain(self) -> str:
        return f"{self.name}: {self.days} days from {self.starts} = {self.deadline}"


@dataclass(frozen=True, slots=True)
class WorkItem:
    """A denial as a piece of work: where it goes, what to do, by whom, by when, and why."""

    patient_control_number: str
    line_control_number: str
    code: str
    group: str
    carc: str
    rarcs: tuple[str, ...]
    amount: Decimal
    queue: str
    action: Action
    owner: Role
    patient_billable: PatientBillable
    fix: str
    reason: str  # the denial in words, from the CARC/RARC texts
    route: str  # which playbook row decided, and why
    argument: str  # for an appeal letter
    due_date: date | None
    clocks: tuple[Clock, ...] = field(default_factory=tuple)
    partial: bool = False  # part of the line was paid

    @property
    def needs_work(self) -> bool:
        return self.action not in NO_WORK

    @property
    def due_reason(self) -> str:
        if not self.clocks:
            return "no deadline"
        winner = min(self.clocks, key=lambda c: c.deadline)
        if len(self.clocks) == 1:
            return winner.explain()
        others = "; ".join(c.explain() for c in self.clocks if c is not winner)
        return f"{winner.explain()} (earlier than {others})"

    def days_left(self, today: date) -> int | None:
        return None if self.due_date is None else (self.due_date - today).days


def denial_reason(group: str, carc: str, rarcs: tuple[str, ...], on: date, codes: CodeSets) -> str:
    """The denial in words: ``CO-197 Precertification/authorization absent. N54: ...``."""
    carc_text = codes.carc(carc, on=on) or codes.carc(carc)
    parts = [f"{group}-{carc} {carc_text.description if carc_text else '(CARC not in the CARC list)'}"]
    for rarc in rarcs:
        text = codes.rarc(rarc, on=on) or codes.rarc(rarc)
        parts.append(f"{rarc}: {text.description if text else '(RARC not in the RARC list)'}")
    return " ".join(parts)


def _clock(name: str, starts: date, days: int) -> Clock:
    return Clock(name, starts, days, starts + timedelta(days=days))


def clocks_for(action: Action, *, payer: PayerTerms, service_date: date, remit_date: date | None,
               appeal_window_days: int | None, rejected_at_front_end: bool = False) -> tuple[Clock, ...]:
    """The payer deadlines that bind an action. A claim rejected at 999/277CA has no appeal window
    (nothing was adjudicated) and its timely-filing clock has kept running from the date of service."""
    out: list[Clock] = []
    if action in RESUBMITTING or rejected_at_front_end:
        out.append(_clock("timely filing", service_date, payer.timely_filing_days))
    if not rejected_at_front_end and remit_date is not None and action in DISPUTING:
        window = appeal_window_days or payer.appeal_window_days
        if window is None:
            raise InvalidInput(f"payer {payer.name}", "no appeal_window_days setting (and the playbook row sets none): "
                                                      "the appeal deadline cannot be computed")
        out.append(_clock("appeal window", remit_date, window))
        if action in RESUBMITTING and payer.corrected_claim_days:
            out.append(_clock("corrected-claim window", remit_date, payer.corrected_claim_days))
    if not out and action not in NO_WORK:
        start = remit_date or service_date
        out.append(_clock("practice target", start, payer.work_target_days))
    return tuple(out)


def _check(line: DeniedLine, where: str) -> None:
    if line.group not in ("CO", "PR", "OA", "PI"):
        raise InvalidInput(where, f"group {line.group!r} is not CO, PR, OA or PI")
    if not line.carc:
        raise InvalidInput(where, "no CARC")
    if money(line.amount) != line.amount or line.amount <= ZERO:
        raise InvalidInput(where, f"{line.group}-{line.carc} amount {line.amount} must be a positive amount in cents "
                                  "(a negative CAS is a reversal, not a denial)")


def route(line: DeniedLine, claim: ClaimFacts, payer: PayerTerms, *, remit_date: date,
          playbook: Playbook | None = None, codes: CodeSets | None = None) -> WorkItem:
    """Turn one denied (or partly denied) remit adjustment into a work item."""
    playbook = playbook or default_playbook()
    codes = codes or default_code_sets()
    where = f"claim {claim.patient_control_number} line {line.line_control_number or line.code or '(claim level)'}"
    _check(line, where)
    dos = line.service_date or claim.service_from
    rule = playbook.rule_for(line.group, line.carc, line.rarcs)
    action, why = rule.action, f"{rule.describe()}: {rule.action.value}"
    if rule.condition is Condition.TIMELY_FILING_PROOF:
        deadline = dos + timedelta(days=payer.timely_filing_days)
        if claim.payer_accepted_on is not None and claim.payer_accepted_on <= deadline:
            why += f" (the payer accepted the claim on {claim.payer_accepted_on}, inside the limit {deadline})"
        else:
            action = rule.otherwise
            seen = f"first accepted {claim.payer_accepted_on}" if claim.payer_accepted_on else "no payer acceptance on file"
            why += f"; no proof of timely filing ({seen}, limit {deadline}): {action.value}"
    if action is Action.CORRECTED_CLAIM and claim.rejected_at_front_end:
        action, why = Action.NEW_CLAIM, why + "; the claim never reached adjudication: new original"
    clocks = clocks_for(action, payer=payer, service_date=dos, remit_date=remit_date,
                        appeal_window_days=rule.appeal_window_days,
                        rejected_at_front_end=claim.rejected_at_front_end)
    due = min((c.deadline for c in clocks), default=None)
    # Only PR is ever the patient's, whatever a row says (the loader refuses such rows too).
    billable = rule.patient_billable if line.group == "PR" else PatientBillable.NEVER
    fix = rule.fix
    if action is not rule.action and action is Action.WRITE_OFF:
        fix = (f"Write the {line.group}-{line.carc} amount off to the practice; it is never billed to the patient. "
               f"(With proof of timely submission it could be appealed: {rule.fix})")
    return WorkItem(
        patient_control_number=claim.patient_control_number, line_control_number=line.line_control_number,
        code=line.code, group=line.group, carc=line.carc, rarcs=tuple(line.rarcs), amount=money(line.amount),
        queue=rule.queue, action=action, owner=rule.owner, patient_billable=billable, fix=fix,
        reason=denial_reason(line.group, line.carc, tuple(line.rarcs), dos, codes), route=why,
        argument=rule.argument, due_date=due, clocks=clocks, partial=line.paid > ZERO)


def denied_lines(claim_payment, *, playbook: Playbook | None = None) -> list[DeniedLine]:
    """The adjustments of an 835 claim (``x12.remit835.ClaimPayment``) that need work: every CAS
    whose playbook route is more than posting (CO-45, CO-253, OA-23 and PR-1/2/3 are postings)."""
    playbook = playbook or default_playbook()
    out: list[DeniedLine] = []
    for adj in claim_payment.adjustments:
        if playbook.rule_for(adj.group, adj.reason).action not in NO_WORK and adj.amount > ZERO:
            out.append(DeniedLine(adj.group, adj.reason, adj.amount, service_date=claim_payment.statement_start))
    for svc in claim_payment.services:
        rarcs = tuple(svc.remarks)
        for adj in svc.adjustments:
            if adj.amount <= ZERO or playbook.rule_for(adj.group, adj.reason, rarcs).action in NO_WORK:
                continue
            out.append(DeniedLine(adj.group, adj.reason, adj.amount, rarcs, svc.procedure.code,
                                  tuple(svc.procedure.modifiers), svc.units_paid or svc.units_billed, svc.charge,
                                  svc.paid, svc.service_date or svc.service_start, svc.line_control_number))
    return out


def front_end_rejection(claim: ClaimFacts, payer: PayerTerms, *, rejected_on: date, reason: str) -> WorkItem:
    """A claim rejected at 999/277CA: no appeal rights, fix it and send a new original before the
    timely-filing clock (still running from the date of service) runs out."""
    if not reason:
        raise InvalidInput(f"claim {claim.patient_control_number}", "a front-end rejection needs its reason")
    clocks = clocks_for(Action.NEW_CLAIM, payer=payer, service_date=claim.service_from, remit_date=None,
                        appeal_window_days=None, rejected_at_front_end=True)
    return WorkItem(
        patient_control_number=claim.patient_control_number, line_control_number="", code="", group="", carc="",
        rarcs=(), amount=money(claim.total_charge or ZERO), queue="front_end_rejections", action=Action.NEW_CLAIM,
        owner=Role.BILLING_SPECIALIST, patient_billable=PatientBillable.NEVER,
        fix="Fix what the acknowledgment names and send the claim again as a new original (frequency 1); "
            "a rejected claim has no appeal rights and the filing limit keeps counting from the date of service.",
        reason=reason, route=f"rejected at the front end on {rejected_on}: never adjudicated", argument="",
        due_date=min(c.deadline for c in clocks), clocks=clocks)
