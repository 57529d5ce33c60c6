"""The feed the 835 poster calls: each posted claim of a chunk goes to every queue's router, and what
they route is stored in bulk (one insert per chunk and queue).

A stage with a queue fed at posting declares its router in the ``oncobill.worklists`` entry-point
group (``pyproject.toml``), e.g. ``denials = "oncobill.denials.routing:router"``: the feed finds the
routers there, so neither the poster nor worklists imports the stage. Each is a factory called
once per set with the :class:`PostingSet`, giving a :class:`Router` (its caches live for the set).
The underpayment router is worklists' own and runs after the discovered ones (in name order).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib.metadata import entry_points
from typing import Any, Protocol

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from oncobill.worklists.models import UnderpaymentItem
from oncobill.worklists.tables import payers
from oncobill.codes.fees import FeeSource, FeeSources
from oncobill.worklists.underpayments import ContractTerms, indexed_paid_lines, review_underpayments
from oncobill.x12.remit835 import ClaimPayment

ENTRY_POINTS = "oncobill.worklists"


@dataclass(frozen=True, slots=True)
class PayerFacts:
    """The payer as a router reads it on the claim's date of service."""

    name: str
    timely_filing_days: int
    settings: Mapping[str, Any]  # the payer settings in force on the date of service


@dataclass(frozen=True, slots=True)
class PostedClaim:
    """The facts of one posted CLP against one claim: what every router is given."""

    remit_claim_id: int
    payment: ClaimPayment
    claim_id: int
    patient_control_number: str
    service_from: date
    payer_id: int  # the payer this 835 posted it for
    payer_claim_number: str  # the claim's, as posting left it
    stored: Sequence[tuple[int, int | None]]  # per SVC: (remit service line id, matched claim line id or None)
    payer: PayerFacts


@dataclass(frozen=True, slots=True)
class PostingSet:
    """The 835 set being posted."""

    session: Session
    era_import_id: int
    remit_date: date
    now: datetime


class Router(Protocol):
    """One queue's routing at posting: rows for its table from a chunk's posted claims."""

    table: Table
    counter: str  # the set result's count of the rows routed (``denials_routed``, ``underpayments``)

    def route(self, chunk: Sequence[PostedClaim]) -> list[dict]: ...


@lru_cache(maxsize=1)
def discovered() -> tuple[Callable[[PostingSet], Router], ...]:
    """The stages' router factories from the entry-point group, in name order, loaded once."""
    return tuple(ep.load() for ep in sorted(entry_points(group=ENTRY_POINTS), key=lambda ep: ep.name))


class UnderpaymentRouter:
    """Paid lines of a primary's answer judged against the contract; a short one becomes an item."""

    table = UnderpaymentItem.__table__
    counter = "underpayments"

    def __init__(self, posting: PostingSet):
        self.now = posting.now
        self.terms: dict[tuple[int, date], tuple[ContractTerms, FeeSource]] = {}
        self.fee_sources = FeeSources()  # the one owner of which schedule judges a payer

    def terms_for(self, claim: PostedClaim) -> tuple[ContractTerms, FeeSource]:
        key = (claim.payer_id, claim.service_from)
        if key not in self.terms:
            payer = claim.payer
            self.terms[key] = (ContractTerms.from_settings(payer.name, payer.settings),
                               self.fee_sources.for_payer(payer.name, payer.settings))
        return self.terms[key]

    def route(self, chunk: Sequence[PostedClaim]) -> list[dict]:
        rows = []
        for claim in chunk:
            paid = [(i, pl) for i, pl in indexed_paid_lines(claim.payment) if claim.stored[i][1] is not None]
            if not paid:
                continue
            contract, fees = self.terms_for(claim)
            where = {id(pl): claim.stored[i] for i, pl in paid}
            for finding in review_underpayments([pl for _, pl in paid], contract, fees).findings:
                line_id, claim_line_id = where[id(finding.line)]
                rows.append({
                    "remit_service_line_id": line_id, "claim_id": claim.claim_id, "claim_line_id": claim_line_id,
                    "payer_id": claim.payer_id, "allowed": finding.actual_allowed,
                    "expected": finding.expected_allowed, "shortfall": finding.difference,
                    "basis": finding.explanation[:300], "status": "open", "created_at": self.now, "note": ""})
        return rows


class WorklistFeed:
    """The queues' rows for the claims of one set, routed as they are posted and stored in bulk (one
    insert per chunk and queue). *settings_in_force(payer_id, on)* answers the payer settings on a
    date of service (the poster passes ``practice.service.PayerSettingsBook(session).in_force``);
    each payer's facts are read once per set and date."""

    def __init__(self, session: Session, era_import_id: int, out, *, remit_date: date, now: datetime,
                 settings_in_force: Callable[[int, date], Mapping[str, Any]]):
        self.session, self.out, self.settings_in_force = session, out, settings_in_force
        posting = PostingSet(session, era_import_id, remit_date, now)
        self.routers: list[Router] = [make(posting) for make in discovered()] + [UnderpaymentRouter(posting)]
        self.payers: dict[int, tuple[str, int]] = {}
        self.facts: dict[tuple[int, date], PayerFacts] = {}

    def payer_facts(self, payer_id: int, on: date) -> PayerFacts:
        key = (payer_id, on)
        if key not in self.facts:
            if payer_id not in self.payers:
                self.payers[payer_id] = tuple(self.session.execute(
                    select(payers.c.name, payers.c.timely_filing_days).where(payers.c.id == payer_id)).one())
            name, filing = self.payers[payer_id]
            self.facts[key] = PayerFacts(name, filing, self.settings_in_force(payer_id, on))
        return self.facts[key]

    def store(self, routed: list[tuple[int, ClaimPayment, Any, list[tuple[int, int | None]]]], bulk) -> None:
        """Route the chunk's CLPs (remit claim id, payment, the claim as posted, its stored lines) through
        every queue's router; *bulk(table, rows)* inserts what needs work."""
        chunk = [PostedClaim(rc, cp, claim.id, claim.patient_control_number, claim.service_from, claim.payer_id,
                             claim.payer_claim_number, stored, self.payer_facts(claim.payer_id, claim.service_from))
                 for rc, cp, claim, stored in routed]
        for router in self.routers:
            rows = router.route(chunk)
            bulk(router.table, rows)
            setattr(self.out, router.counter, getattr(self.out, router.counter) + len(rows))
