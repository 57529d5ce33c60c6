"""The denial router the 835 poster's worklist feed finds (entry point ``oncobill.worklists``:
``denials``): the denials of each posted claim routed by the playbook into denial work items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import func, select

from oncobill.claims.models import ClaimStatus, ClaimStatusEvent
from oncobill.db import among
from oncobill.denials.playbook import NO_WORK, default_playbook
from oncobill.denials.rules import ClaimFacts, DeniedLine, PayerTerms, WorkItem, route
from oncobill.errors import InvalidInput
from oncobill.money import ZERO
from oncobill.worklists.feed import PostedClaim, PostingSet
from oncobill.worklists.models import DenialWorkItem
from oncobill.x12.remit835 import ClaimPayment

ROUTED_GROUPS = frozenset({"CO", "PR", "OA", "PI"})  # CR (a correction of an earlier remit) is not a denial


def claim_denials(claim: ClaimPayment, needs_work) -> list[tuple[int | None, DeniedLine]]:
    """The adjustments of one CLP that are denials to work, each with the position of its SVC (from 0;
    None for a claim-level CAS). *needs_work(group, carc, rarcs)* is the playbook's say (CO-45,
    CO-253, OA-23 and PR-1/2/3 are postings, not denials); a zero or negative amount gives back an
    earlier reduction and is no denial. Same choice as ``denials.denied_lines``, kept with the SVC."""
    out: list[tuple[int | None, DeniedLine]] = []
    for adj in claim.adjustments:
        if adj.group in ROUTED_GROUPS and adj.amount > ZERO and needs_work(adj.group, adj.reason, ()):
            out.append((None, DeniedLine(adj.group, adj.reason, adj.amount, service_date=claim.statement_start)))
    for index, svc in enumerate(claim.services):
        rarcs = tuple(svc.remarks)
        for adj in svc.adjustments:
            if adj.group not in ROUTED_GROUPS or adj.amount <= ZERO or not needs_work(adj.group, adj.reason, rarcs):
                continue
            out.append((index, DeniedLine(adj.group, adj.reason, adj.amount, rarcs, svc.procedure.code,
                                          tuple(svc.procedure.modifiers), svc.units_paid or svc.units_billed,
                                          svc.charge, svc.paid, svc.service_date or svc.service_start,
                                          svc.line_control_number)))
    return out


class DenialRouter:
    """Routes a set's denials as the poster stores each chunk. Payer terms are the settings in force on
    the date of service (``PostedClaim.payer``), parsed once per payer and date."""

    table = DenialWorkItem.__table__
    counter = "denials_routed"

    def __init__(self, posting: PostingSet):
        self.session, self.era_import_id = posting.session, posting.era_import_id
        self.remit_date, self.now = posting.remit_date, posting.now
        self.playbook = default_playbook()
        self.terms: dict[tuple[int, date], PayerTerms] = {}
        self.work_rules: dict[tuple[str, str, tuple[str, ...]], bool] = {}

    def needs_work(self, group: str, carc: str, rarcs: tuple[str, ...]) -> bool:
        key = (group, carc, rarcs)
        if key not in self.work_rules:
            self.work_rules[key] = self.playbook.rule_for(group, carc, rarcs).action not in NO_WORK
        return self.work_rules[key]

    def terms_for(self, claim: PostedClaim) -> PayerTerms:
        key = (claim.payer_id, claim.service_from)
        if key not in self.terms:
            payer = claim.payer
            self.terms[key] = PayerTerms.from_settings(payer.name, payer.timely_filing_days, payer.settings)
        return self.terms[key]

    def route_line(self, line: DeniedLine, facts: ClaimFacts, terms: PayerTerms) -> tuple[WorkItem, str]:
        """The playbook's work item and the words for its due date. A payer without an appeal window
        setting still gets its item (queue, action, owner): the due date is then the other clocks'
        (or none), and the reason says which setting is missing."""
        try:
            item = route(line, facts, terms, remit_date=self.remit_date, playbook=self.playbook)
            return item, item.due_reason
        except InvalidInput as exc:
            if terms.appeal_window_days is not None or "appeal_window_days" not in exc.reason:
                raise
        item = route(line, facts, replace(terms, appeal_window_days=36500), remit_date=self.remit_date,
                     playbook=self.playbook)
        clocks = tuple(c for c in item.clocks if c.name != "appeal window")
        item = replace(item, clocks=clocks, due_date=min((c.deadline for c in clocks), default=None))
        missing = f"appeal window unknown: payer {terms.name} has no appeal_window_days setting"
        return item, (f"{item.due_reason}; {missing}" if clocks else missing)

    def accepted_on(self, claim_ids: list[int]) -> dict[int, date]:
        """The day each claim was first accepted by the payer (277CA): CO-29's proof of timely filing."""
        if not claim_ids:
            return {}
        rows = self.session.execute(
            select(ClaimStatusEvent.claim_id, func.min(ClaimStatusEvent.at))
            .where(among(self.session, ClaimStatusEvent.claim_id, claim_ids),
                   ClaimStatusEvent.to_status == ClaimStatus.PAYER_ACCEPTED)
            .group_by(ClaimStatusEvent.claim_id))
        return {claim_id: at.date() for claim_id, at in rows}

    def route(self, chunk: Sequence[PostedClaim]) -> list[dict]:
        """The denial work items of the chunk's CLPs (a line not matched to the claim is skipped: it is in
        the remit work queue, matched first, then worked)."""
        rows = []
        found = [claim_denials(c.payment, self.needs_work) for c in chunk]
        accepted = self.accepted_on(list({c.claim_id for c, f in zip(chunk, found) if f}))
        for claim, denied in zip(chunk, found):
            if denied:
                payer_terms = self.terms_for(claim)
                facts = ClaimFacts(claim.patient_control_number, claim.service_from,
                                   payer_claim_number=claim.payment.payer_claim_control_number
                                   or claim.payer_claim_number,
                                   payer_accepted_on=accepted.get(claim.claim_id))
            for index, line in denied:
                line_id, claim_line_id = claim.stored[index] if index is not None else (None, None)
                if index is not None and claim_line_id is None:
                    continue
                item, due_reason = self.route_line(line, facts, payer_terms)
                if not item.needs_work:
                    continue
                procedure = ":".join((line.code, *line.modifiers)) if line.code else ""
                rows.append({
                    "era_import_id": self.era_import_id, "remit_claim_id": claim.remit_claim_id,
                    "remit_service_line_id": line_id, "claim_id": claim.claim_id, "claim_line_id": claim_line_id,
                    "payer_id": claim.payer_id, "group_code": item.group, "carc": item.carc[:5],
                    "rarcs": list(item.rarcs), "amount": item.amount, "procedure": procedure[:60],
                    "partial": item.partial, "queue": item.queue[:40], "action": item.action.value,
                    "owner": item.owner.value, "patient_billable": item.patient_billable.value,
                    "due_date": item.due_date, "due_reason": due_reason[:300], "reason": item.reason[:1000],
                    "fix": item.fix[:1000], "route": item.route[:300], "status": "open", "created_at": self.now,
                    "note": ""})
        return rows
