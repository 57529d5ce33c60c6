"""Work items of one 835 set: denials routed by the playbook and paid lines judged for underpayment as
the poster stores each chunk (one insert per chunk and queue)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oncobill.claims.models import ClaimStatus, ClaimStatusEvent
from oncobill.db import among
from oncobill.denials.models import DenialWorkItem
from oncobill.denials.playbook import NO_WORK, default_playbook
from oncobill.denials.rules import ClaimFacts, DeniedLine, PayerTerms, WorkItem, route
from oncobill.errors import InvalidInput
from oncobill.practice.models import Payer
from oncobill.practice.service import PayerSettingsBook
from oncobill.remittance.models import EraImport, UnderpaymentItem
from oncobill.remittance.rules import claim_denials
from oncobill.remittance.underpayments import (
    ContractFeeTable,
    ContractTerms,
    Fee,
    FeeSource,
    SandboxMedicareFees,
    indexed_paid_lines,
    review_underpayments,
)
from oncobill.x12.remit835 import ClaimPayment

S = ClaimStatus


class _CachedFees:
    """A fee source asked once per code, modifiers, setting and day (an 835 repeats them thousands of times)."""

    def __init__(self, source: FeeSource):
        self.source, self.seen = source, {}

    def fee(self, code: str, modifiers: tuple[str, ...], place_of_service: str, on: date) -> Fee | None:
        key = (code, modifiers, place_of_service, on)
        if key not in self.seen:
            self.seen[key] = self.source.fee(code, modifiers, place_of_service, on)
        return self.seen[key]


class WorklistFeed:
    """Denial work items and underpayment findings of the claims of one set, routed as they are posted
    and stored in bulk (one insert per chunk). Payer terms are the settings in force on the date of
    service (as ``practice.service.payer_setting`` reads them), read once per payer and set."""

    def __init__(self, session: Session, era: EraImport, out, *, remit_date: date, now: datetime):
        self.session, self.era, self.out, self.remit_date, self.now = session, era, out, remit_date, now
        self.playbook = default_playbook()
        self.payers: dict[int, tuple[str, int]] = {}
        self.settings_book = PayerSettingsBook(session)
        self.terms: dict[tuple[int, date], tuple[PayerTerms, ContractTerms, FeeSource]] = {}
        self.work_rules: dict[tuple[str, str, tuple[str, ...]], bool] = {}
        self.fee_sources: dict[str, FeeSource] = {}

    def needs_work(self, group: str, carc: str, rarcs: tuple[str, ...]) -> bool:
        key = (group, carc, rarcs)
        if key not in self.work_rules:
            self.work_rules[key] = self.playbook.rule_for(group, carc, rarcs).action not in NO_WORK
        return self.work_rules[key]

    def settings(self, payer_id: int, on: date) -> tuple[str, int, dict]:
        if payer_id not in self.payers:
            self.payers[payer_id] = self.session.execute(select(Payer.name, Payer.timely_filing_days)
                                                         .where(Payer.id == payer_id)).one()
        name, filing = self.payers[payer_id]
        return name, filing, self.settings_book.in_force(payer_id, on)

    def fee_source(self, payer: str, settings: dict) -> FeeSource:
        """The practice's contract table when the payer's ``contract_fee_table`` setting names one (a CSV
        path), else the bundled Medicare schedule (times ``contract_percent_of_medicare``)."""
        table = settings.get("contract_fee_table")
        key = str(table) if table else ""
        if key not in self.fee_sources:
            if not table:
                self.fee_sources[key] = _CachedFees(SandboxMedicareFees())
            else:
                path = Path(str(table))
                try:
                    text = path.read_text(encoding="utf-8")
                except OSError as exc:
                    raise InvalidInput(f"payer {payer}: setting contract_fee_table",
                                       f"{path} cannot be read ({exc.strerror or exc})") from None
                self.fee_sources[key] = _CachedFees(ContractFeeTable.from_csv(text, source=path.name))
        return self.fee_sources[key]

    def terms_for(self, payer_id: int, on: date) -> tuple[PayerTerms, ContractTerms, FeeSource]:
        key = (payer_id, on)
        if key not in self.terms:
            name, filing, settings = self.settings(payer_id, on)
            self.terms[key] = (PayerTerms.from_settings(name, filing, settings),
                               ContractTerms.from_settings(name, settings), None)
        payer_terms, contract, fees = self.terms[key]
        if fees is None:  # the fee schedule is loaded only when a paid line needs it
            name, _, settings = self.settings(payer_id, on)
            fees = self.fee_source(name, settings)
            self.terms[key] = (payer_terms, contract, fees)
        return payer_terms, contract, fees

    def route(self, line: DeniedLine, facts: ClaimFacts, terms: PayerTerms) -> tuple[WorkItem, str]:
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
                   ClaimStatusEvent.to_status == S.PAYER_ACCEPTED)
            .group_by(ClaimStatusEvent.claim_id))
        return {claim_id: at.date() for claim_id, at in rows}

    def store(self, routed: list[tuple[int, ClaimPayment, object, list[tuple[int, int | None]]]], bulk) -> None:
        """Route the denials and review the paid lines of the chunk's CLPs; insert what needs work."""
        denials, short = [], []
        found = [claim_denials(cp, self.needs_work) for _, cp, _, _ in routed]
        accepted = self.accepted_on(list({claim.id for (_, _, claim, _), f in zip(routed, found) if f}))
        for (remit_claim_id, cp, claim, stored), denied in zip(routed, found):
            if denied:
                payer_terms = self.terms_for(claim.payer_id, claim.service_from)[0]
                facts = ClaimFacts(claim.patient_control_number, claim.service_from,
                                   payer_claim_number=cp.payer_claim_control_number or claim.payer_claim_number,
                                   payer_accepted_on=accepted.get(claim.id))
            for index, line in denied:
                line_id, claim_line_id = stored[index] if index is not None else (None, None)
                if index is not None and claim_line_id is None:
                    continue  # an unmatched line is in the remit work queue: matched first, then worked
                item, due_reason = self.route(line, facts, payer_terms)
                if not item.needs_work:
                    continue
                procedure = ":".join((line.code, *line.modifiers)) if line.code else ""
                denials.append({
                    "era_import_id": self.era.id, "remit_claim_id": remit_claim_id, "remit_service_line_id": line_id,
                    "claim_id": claim.id, "claim_line_id": claim_line_id, "payer_id": claim.payer_id,
                    "group_code": item.group, "carc": item.carc[:5], "rarcs": list(item.rarcs),
                    "amount": item.amount, "procedure": procedure[:60], "partial": item.partial,
                    "queue": item.queue[:40], "action": item.action.value, "owner": item.owner.value,
                    "patient_billable": item.patient_billable.value, "due_date": item.due_date,
                    "due_reason": due_reason[:300], "reason": item.reason[:1000], "fix": item.fix[:1000],
                    "route": item.route[:300], "status": "open", "created_at": self.now, "note": ""})
            paid = [(i, pl) for i, pl in indexed_paid_lines(cp) if stored[i][1] is not None]
            if not paid:
                continue
            _, contract, fees = self.terms_for(claim.payer_id, claim.service_from)
            where = {id(pl): stored[i] for i, pl in paid}
            for finding in review_underpayments([pl for _, pl in paid], contract, fees).findings:
                line_id, claim_line_id = where[id(finding.line)]
                short.append({
                    "remit_service_line_id": line_id, "claim_id": claim.id, "claim_line_id": claim_line_id,
                    "payer_id": claim.payer_id, "allowed": finding.actual_allowed,
                    "expected": finding.expected_allowed, "shortfall": finding.difference,
                    "basis": finding.explanation[:300], "status": "open", "created_at": self.now, "note": ""})
        bulk(DenialWorkItem.__table__, denials)
        bulk(UnderpaymentItem.__table__, short)
        self.out.denials_routed += len(denials)
        self.out.underpayments += len(short)
