"""835 import: check, key, match and post each transaction set (domain 7.5). Flushes, never commits.

Each set is keyed by (payer, TRN02, ST02) in ``era_imports``; the key row is written first, in a
savepoint, so a second import of the same set (even a concurrent one: PostgreSQL makes it wait
for the first and then fail the unique constraint) posts nothing. A set that does not balance is
quarantined with the rule it breaks. The caller's transaction makes the whole file all-or-nothing.
"""

from __future__ import annotations

import gc
import hashlib
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oncobill.bulk import BackgroundCopies, insert_rows, next_ids, row_copy, update_job, update_rows
from oncobill.claims import lifecycle
from oncobill.claims.models import Claim, ClaimLine, ClaimStatus, ClaimStatusEvent
from oncobill.db import among
from oncobill.errors import InvalidInput
from oncobill.fileio import read_input
from oncobill.ledger import rules as ledger
from oncobill.ledger.models import JournalEntry
from oncobill.ledger.service import entry_copies, post, post_many, reverse
from oncobill.patients.models import Coverage, CoveragePriority
from oncobill.practice.models import Payer
from oncobill.practice.service import PayerSettingsBook
from oncobill.remittance import posting
from oncobill.remittance.matching import BilledLine, match_lines
from oncobill.remittance.models import (
    EraImport,
    PayerClaimNumber,
    ProviderAdjustmentPosting,
    QuarantinedEra,
    RemitAdjustment,
    RemitClaim,
    RemitClaimEntry,
    RemitServiceLine,
)
from oncobill.remittance.rules import balancing_problems
from oncobill.worklists.feed import WorklistFeed
from oncobill.worklists.models import DenialWorkItem, RemitWorkItem, UnderpaymentItem
from oncobill.x12 import X12Error, read
from oncobill.x12.fast835 import fast_remittances
from oncobill.x12.remit835 import ClaimPayment, Remittance, read_remittance
from oncobill.x12.tokenizer import make_segment

ZERO = Decimal("0.00")
S = ClaimStatus
CHUNK = 1000  # claims posted per flush
BACKGROUND_COPIES = True  # PostgreSQL: a chunk's rows are sent on a worker thread while the next is built


@dataclass
class SetResult:
    """What one 835 transaction set did."""

    control_number: str
    trace_number: str
    payer: str
    outcome: str = "posted"  # posted | already imported | quarantined
    reason: str = ""
    claims_posted: int = 0
    payments: Decimal = ZERO
    adjustments: Decimal = ZERO  # CO/PI/OA written off by contract
    patient_responsibility: Decimal = ZERO  # PR moved to the patient or the next payer
    provider_adjustments: Decimal = ZERO
    denials: int = 0
    reversals: int = 0
    crossovers: int = 0
    work_items: int = 0  # remit work queue: what could not be matched or posted
    denials_routed: int = 0  # denial work items put in a queue by the playbook
    underpayments: int = 0  # lines allowed below the contract


@dataclass
class EraImportResult:
    file_name: str
    sets: list[SetResult] = field(default_factory=list)

    def total(self, name: str):
        return sum((getattr(s, name) for s in self.sets if s.outcome == "posted"), ZERO if name in (
            "payments", "adjustments", "patient_responsibility", "provider_adjustments") else 0)

    def summary(self) -> str:
        lines = []
        for s in self.sets:
            head = f"{self.file_name} set {s.control_number} (trace {s.trace_number}, {s.payer}): {s.outcome}"
            if s.outcome == "posted":
                head += (f": {s.claims_posted} claims, paid {s.payments}, adjustments {s.adjustments}, "
                         f"patient responsibility {s.patient_responsibility}, denials {s.denials}, "
                         f"reversals {s.reversals}, provider adjustments {s.provider_adjustments}, "
                         f"work items {s.work_items}, denials routed {s.denials_routed}, "
                         f"underpayments {s.underpayments}")
            elif s.reason:
                head += f": {s.reason}"
            lines.append(head)
        return "\n".join(lines)


def import_file(session: Session, path: str | Path, *, actor: str, now: datetime | None = None) -> EraImportResult:
    path = Path(path)
    return import_era(session, path.name, read_input(path, "835 file"), actor=actor, now=now)


def _read_sets(name: str, data: bytes) -> list[tuple[Remittance, list[str]]]:
    """Typed sets with the problems that stop posting them (a BPR16 that is not a date is one).

    The in-memory 835 reader types a well-formed file without building its segment tree; anything
    it does not take exactly as the general reader would (another transaction set, an error, an odd
    layout) is read again here by the general reader, which reports it."""
    text = data.decode("ascii", errors="replace")
    fast = fast_remittances(text)
    if fast:
        return [(remit, []) for remit in fast]
    try:
        doc = read(text)
    except X12Error as exc:
        raise X12Error(f"{name}: {exc.reason}", position=exc.position, segment_number=exc.segment_number,
                       segment_id=exc.segment_id, element=exc.element) from None
    out = []
    for txn in doc.transactions():
        if txn.code != "835":
            raise InvalidInput(f"835 file {name}", f"holds a {txn.code} (set {txn.st[2]}); only 835s are posted")
        try:
            out.append((read_remittance(txn), []))
        except X12Error as exc:
            if exc.element != "BPR16":
                raise X12Error(f"{name}: {exc.reason}", position=exc.position, segment_number=exc.segment_number,
                               segment_id=exc.segment_id, element=exc.element) from None
            bpr = txn.body.segments[0]
            txn.body.segments[0] = make_segment(list(bpr[:16]), bpr.number, bpr.position)
            out.append((read_remittance(txn), [str(exc)]))
    if not out:
        raise InvalidInput(f"835 file {name}", "holds no 835 transaction set")
    return out


def payer_key(remit: Remittance) -> str:
    return (remit.payer_id or remit.originator_id or remit.payer_name)[:80]


def import_era(session: Session, name: str, data: bytes, *, actor: str,
               now: datetime | None = None) -> EraImportResult:
    """Import every 835 set of one file: balanced sets are posted once, the others quarantined."""
    with _no_cycle_collection():
        return _import_era(session, name, data, actor=actor, now=now)


@contextmanager
def _no_cycle_collection():
    """Python's cycle collector paused while an 835 is posted: the parsed file and the rows of a
    chunk are hundreds of thousands of live objects that every full collection would walk again
    (posting makes almost no cycles; refcounting frees the rest as usual)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_era(session: Session, name: str, data: bytes, *, actor: str,
                now: datetime | None = None) -> EraImportResult:
    now = now or datetime.now().replace(microsecond=0)
    digest = hashlib.sha256(data).hexdigest()
    result = EraImportResult(name)
    for remit, problems in _read_sets(name, data):
        problems = problems + balancing_problems(remit)
        key = payer_key(remit)
        outcome = SetResult(remit.control_number, remit.trace_number, remit.payer_name or key)
        result.sets.append(outcome)
        if problems:
            _quarantine(session, remit, name, digest, key, problems, actor, now)
            outcome.outcome, outcome.reason = "quarantined", "; ".join(problems)
            continue
        era = EraImport(payer_key=key, trace_number=remit.trace_number[:50], control_number=remit.control_number,
                        file_name=name[:300], content_sha256=digest, payer_name=(remit.payer_name or "")[:60],
                        payment_amount=remit.payment_amount, payment_date=remit.payment_date, imported_at=now,
                        imported_by=actor, claims_posted=0, work_items=0)
        try:
            with session.begin_nested():  # waits for a concurrent import of the same set, then fails
                session.add(era)
                session.flush()
        except IntegrityError:
            outcome.outcome = "already imported"
            continue
        _post_set(session, era, remit, outcome, actor=actor, now=now)
        era.claims_posted, era.work_items = outcome.claims_posted, outcome.work_items
    session.flush()
    return result


def _quarantine(session, remit, name, digest, key, problems, actor, now) -> None:
    known = session.scalar(select(QuarantinedEra.id).where(QuarantinedEra.content_sha256 == digest,
                                                           QuarantinedEra.control_number == remit.control_number))
    if known is None:
        try:
            with session.begin_nested():  # a concurrent import may quarantine the same set first
                session.add(QuarantinedEra(file_name=name[:300], content_sha256=digest, payer_key=key,
                                           trace_number=remit.trace_number[:50],
                                           control_number=remit.control_number, reason="; ".join(problems)[:2000],
                                           quarantined_at=now, quarantined_by=actor))
                session.flush()
        except IntegrityError:
            pass


@dataclass(slots=True)
class _ClaimRow:
    """A claim as posting reads it: plain values, one query per chunk (no ORM object per claim)."""

    id: int
    patient_control_number: str
    patient_id: int
    coverage_id: int
    payer_id: int
    status: ClaimStatus
    service_from: date
    payer_claim_number: str
    primary: bool  # billed to the patient's primary coverage
    lines: list[BilledLine] = field(default_factory=list)
    # True on the view of a claim posted for another payer than the one billed: the primary
    # forwarded it (crossover) and the next payer answers under our CLP01 (see _Poster.for_remit_payer).
    forwarded: bool = False


@dataclass(frozen=True, slots=True)
class _CoverageRow:
    id: int
    payer_id: int
    priority: CoveragePriority
    effective_date: date
    end_date: date | None

    def active_on(self, day: date) -> bool:
        return self.effective_date <= day and (self.end_date is None or day <= self.end_date)


class _Poster:
    """Posts the claims of one set. Claims, lines and coverages are read as rows, one query per chunk;
    what posting writes (remit claims, payer claim numbers, status moves and events, entries, remit
    detail, work items) is kept as rows and stored in bulk per chunk, with ids taken beforehand."""

    def __init__(self, session: Session, era: EraImport, remit: Remittance, out: SetResult, actor: str,
                 now: datetime) -> None:
        self.session, self.era, self.remit, self.out, self.actor, self.now = session, era, remit, out, actor, now
        self.effective = remit.payment_date or now.date()
        self.source = f"835 trace {remit.trace_number} set {remit.control_number}"[:120]
        self.known_numbers: set[tuple[int, int, str]] = set()
        self.coverages: dict[int, list[_CoverageRow]] = {}
        self.next_parties: dict[tuple, tuple[ledger.Party, bool]] = {}
        self.claims_by_id: dict[int, _ClaimRow] = {}  # what posting changed on them is kept here
        self.remit_ids: list[int] = []  # ids taken for this chunk's remit claims, in order
        self.remit_claims: list[dict] = []
        self.numbers: list[dict] = []
        self.number_updates: dict[int, str] = {}
        self.moves: list[lifecycle.Move] = []
        self.pending: list[tuple[int, ledger.EntryDraft]] = []
        # What each CLP said, kept verbatim (remit_service_lines, remit_adjustments): per remit claim id,
        # its payment, the claim line each SVC was matched to (None: unmatched or a reversal) and the claim.
        self.details: list[tuple[int, ClaimPayment, list[tuple[int | None, str]], _ClaimRow | None]] = []
        self.worklists = WorklistFeed(session, era.id, out, remit_date=self.effective, now=now,
                                      settings_in_force=PayerSettingsBook(session).in_force)
        self.remit_payer_id: int | None = session.scalar(
            select(Payer.id).where(Payer.payer_id == payer_key(remit)).order_by(Payer.id).limit(1))
        self.copies: BackgroundCopies | None = None  # PostgreSQL: COPYs on a worker thread
        self.prefetched: dict[str, _ClaimRow] | None = None  # with it: every claim of the set, read first
        self.pools: dict[str, list[int]] = {}  # with it: ids reserved per table (see reserve_ids)
        self.jobs: list[tuple] = []  # COPY jobs of the chunk, in the order of their foreign keys

    def work(self, kind: str, claim: ClaimPayment, detail: str, *, claim_id: int | None = None,
             procedure: str = "", control: str = "", amount: Decimal | None = None) -> None:
        self.session.add(RemitWorkItem(
            era_import_id=self.era.id, kind=kind, patient_control_number=claim.patient_control_number[:38],
            payer_claim_number=claim.payer_claim_control_number[:50], claim_id=claim_id, procedure=procedure[:60],
            line_control_number=control[:50], amount=claim.paid if amount is None else amount, detail=detail[:500],
            status="open", created_at=self.now))
        self.out.work_items += 1

    def find_claims(self, numbers: list[str] | None = None, *, ids: list[int] | None = None) -> dict[str, _ClaimRow]:
        """The claims of a chunk (by CLP01, or by id) with their lines, payer claim numbers and their
        patients' coverages, each in one query."""
        session = self.session
        where = among(session, Claim.patient_control_number, numbers) if ids is None else among(session, Claim.id, ids)
        found: dict[str, _ClaimRow] = {}
        by_id: dict[int, _ClaimRow] = {}
        for row in session.execute(
                select(Claim.id, Claim.patient_control_number, Claim.patient_id, Claim.coverage_id, Claim.payer_id,
                       Claim.status, Claim.service_from, Claim.payer_claim_number, Coverage.priority)
                .join(Coverage, Coverage.id == Claim.coverage_id).where(where)):
            claim = _ClaimRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7] or "",
                              row[8] is CoveragePriority.PRIMARY)
            found[claim.patient_control_number] = by_id[claim.id] = self.claims_by_id[claim.id] = claim
        if not by_id:
            return found
        claim_ids = list(by_id)
        for r in session.connection().execute(  # plain rows (no ORM loading): 200k of them at 100k claims
                select(ClaimLine.id, ClaimLine.claim_id, ClaimLine.charge_line_id, ClaimLine.line_control_number,
                       ClaimLine.code, ClaimLine.modifier1, ClaimLine.modifier2, ClaimLine.modifier3,
                       ClaimLine.modifier4, ClaimLine.service_date, ClaimLine.units, ClaimLine.charge)
                .where(among(session, ClaimLine.claim_id, claim_ids)).order_by(ClaimLine.claim_id, ClaimLine.line_number)):
            by_id[r[1]].lines.append(BilledLine(r[0], r[2], r[3], r[4], tuple(filter(None, r[5:9])), r[9], r[10],
                                                r[11]))
        self.known_numbers.update(tuple(row) for row in session.execute(
            select(PayerClaimNumber.claim_id, PayerClaimNumber.payer_id, PayerClaimNumber.payer_claim_number)
            .where(among(session, PayerClaimNumber.claim_id, claim_ids))))
        patients = list({c.patient_id for c in by_id.values()} - self.coverages.keys())
        if patients:
            for p in patients:
                self.coverages[p] = []
            for r in session.execute(select(Coverage.patient_id, Coverage.id, Coverage.payer_id, Coverage.priority,
                                            Coverage.effective_date, Coverage.end_date)
                                     .where(among(session, Coverage.patient_id, patients)).order_by(Coverage.id)):
                self.coverages[r[0]].append(_CoverageRow(*r[1:]))
        return found

    def by_payer_number(self, number: str) -> int | None:
        if not number:
            return None
        return self.session.scalar(select(PayerClaimNumber.claim_id)
                                   .where(PayerClaimNumber.payer_claim_number == number)
                                   .order_by(PayerClaimNumber.id.desc()).limit(1))

    def take_remit_ids(self, n: int) -> None:
        """Ids for the chunk's remit claims, taken right after a store (SQLite counts from the highest)."""
        self.remit_ids = next_ids(self.session, RemitClaim.__table__, n)
        self.remit_ids.reverse()  # popped from the end, in order

    def post_all(self) -> None:
        if BACKGROUND_COPIES and self.session.get_bind().dialect.name == "postgresql":
            self.copies = BackgroundCopies(self.session)
        try:
            self._post_all()
        except BaseException:
            if self.copies is not None:  # never leave a COPY running behind an error: the one raised is reported
                with suppress(Exception):
                    self.copies.wait()
            raise
        finally:
            if self.copies is not None:
                self.copies.close()

    def reserve_ids(self) -> None:
        """PostgreSQL, writes on the worker thread: the ids of every remit claim, remit line and line
        entry the set can make, taken from their sequences before posting starts (one query each;
        ids left unused are gaps, as sequences leave), so no chunk waits for the worker to ask."""
        clps = len(self.remit.claims)
        svcs = sum(len(cp.services) for cp in self.remit.claims)
        for table, n in ((RemitClaim.__table__, clps), (RemitServiceLine.__table__, svcs),
                         (JournalEntry.__table__, svcs)):
            self.pools[table.name] = next_ids(self.session, table, n)[::-1]  # popped from the end, in order
        self.remit_ids = self.pools.pop(RemitClaim.__table__.name)

    def take(self, table, n: int) -> list[int]:
        """*n* ids for rows written in bulk: from the reserved pool, else from the table (in line)."""
        pool = self.pools.get(table.name)
        if pool is not None and len(pool) >= n:
            return [pool.pop() for _ in range(n)]
        if self.copies is not None:
            self.copies.wait()
        return next_ids(self.session, table, n)

    def prefetch(self) -> dict[str, _ClaimRow]:
        """Every claim the set names by CLP01, read before posting starts (PostgreSQL, writes on the
        worker thread): no chunk then waits for the worker to read its claims."""
        numbers = _numbers(self.remit.claims)
        claims: dict[str, _ClaimRow] = {}
        for start in range(0, len(numbers), 5 * CHUNK):
            claims.update(self.find_claims(numbers[start:start + 5 * CHUNK]))
        return claims

    def _post_all(self) -> None:
        every: dict[str, _ClaimRow] = {}
        payments = self.remit.claims
        chunks = [payments[start:start + CHUNK] for start in range(0, len(payments), CHUNK)]
        if self.copies is not None:
            claims = self.prefetched = every = self.prefetch()  # every claim at once: nothing to gather
            self.reserve_ids()
        else:
            claims = self.find_claims(_numbers(chunks[0])) if chunks else {}
            if chunks:
                self.take_remit_ids(len(chunks[0]))
        for k, chunk in enumerate(chunks):
            if claims is not every:
                every.update(claims)
            for cp in chunk:
                claim = claims.get(cp.patient_control_number)
                if claim is None:
                    self.store_pending()
                    claim_id = self.by_payer_number(cp.payer_claim_control_number)
                    if claim_id is not None:
                        claim = next(iter(self.find_claims(ids=[claim_id]).values()))
                        claims[cp.patient_control_number] = claim
                if claim is None:
                    self.work("unmatched_claim", cp, f"no claim {cp.patient_control_number} and no claim with "
                                                     f"payer claim number {cp.payer_claim_control_number or '(none)'}")
                    continue
                claim = self.for_remit_payer(claim, cp)
                if claim is not None:
                    self.post_claim(claim, cp)
            if k + 1 < len(chunks):  # the next chunk's claims are read before this one's rows are sent
                claims = self.store_pending(next_chunk=chunks[k + 1])
            else:
                self.store_pending()
        self.post_provider_adjustments(every)

    def store_pending(self, next_chunk: list[ClaimPayment] | None = None) -> dict[str, _ClaimRow]:
        """Everything the chunk posted so far, in bulk: remit claims, payer claim numbers, status moves
        and their events, the entries with their links to the remit claims, the remit detail and the
        work items routed from it. On PostgreSQL all of it is queued, in this order, for the writer
        thread (``self.copies``), and with *next_chunk* the caller goes on building the next chunk
        from the claims read at the start; elsewhere each is written in line and *next_chunk*'s claims
        are read here. Without *next_chunk*, everything is written before returning."""
        session = self.session
        session.flush()
        self.bulk(RemitClaim.__table__, self.remit_claims)
        self.bulk(PayerClaimNumber.__table__, self.numbers)
        # The claims' new status (lifecycle.plan_moves: the table of allowed moves, the same events as
        # transition) and payer claim number, in one update.
        final, events = lifecycle.plan_moves(self.moves, actor=self.actor, at=self.now)
        changed = {**self.number_updates, **{i: None for i in final}}
        updates = [{"id": i, "status": self.claims_by_id[i].status, "payer_claim_number":
                    self.claims_by_id[i].payer_claim_number or None} for i in changed]
        if self.copies is None:
            update_rows(session, Claim.__table__, updates)
        elif updates:
            self.jobs.append(update_job(session, Claim.__table__, updates))
        self.bulk(ClaimStatusEvent.__table__, events)
        lifecycle.expire_claims(session, changed)
        self.remit_claims, self.numbers, self.number_updates, self.moves = [], [], {}, []
        drafts = [d for _, d in self.pending]
        if self.copies is None:
            ids = post_many(session, drafts, effective_date=self.effective, actor=self.actor,
                            source=self.source, posted_at=self.now)
        else:
            ids = self.take(JournalEntry.__table__, len(drafts))
            self.jobs.extend(entry_copies(ids, drafts, effective_date=self.effective, actor=self.actor,
                                          source=self.source, posted_at=self.now))
        self.bulk(RemitClaimEntry.__table__,
                  [{"remit_claim_id": rc, "journal_entry_id": i} for (rc, _), i in zip(self.pending, ids)])
        self.pending.clear()
        self.store_details()
        claims = {}
        if next_chunk is not None and self.prefetched is not None:
            claims = self.prefetched
        elif next_chunk is not None:
            claims = self.find_claims(_numbers(next_chunk))
            self.take_remit_ids(len(next_chunk))  # one per CLP: a claim may have several in a chunk
        jobs, self.jobs = self.jobs, []
        if self.copies is not None:
            self.copies.submit(jobs)
            if next_chunk is None:
                self.copies.wait()
        return claims

    def bulk(self, table, rows: list[dict]) -> None:
        """Rows in bulk: queued for the writer thread on PostgreSQL (a step that reads them back waits
        for the queue first), inserted now elsewhere."""
        if not rows:
            return
        if self.copies is None:
            insert_rows(self.session, table, rows)
        else:
            self.jobs.append(row_copy(self.session, table, rows))

    def store_details(self) -> None:
        """Every SVC and CAS triplet of the chunk's CLPs as the payer sent them, in bulk."""
        if not self.details:
            return
        line_ids = iter(self.take(RemitServiceLine.__table__, sum(len(d[1].services) for d in self.details)))
        lines, adjustments, routed = [], [], []
        for rc, cp, matched, claim in self.details:
            adjustments.extend(_adjustment_row(rc, None, a) for a in cp.adjustments)
            stored: list[tuple[int, int | None]] = []
            for seq, (svc, (claim_line_id, how)) in enumerate(zip(cp.services, matched), start=1):
                line_id = next(line_ids)
                stored.append((line_id, claim_line_id))
                proc, submitted = svc.procedure, svc.submitted_procedure
                lines.append({
                    "id": line_id, "remit_claim_id": rc, "claim_line_id": claim_line_id, "sequence": seq,
                    "procedure_qualifier": proc.qualifier[:2], "procedure": proc.code[:48],
                    "modifiers": list(proc.modifiers), "billed_procedure": submitted.code[:48] if submitted else "",
                    "charge": svc.charge, "paid": svc.paid, "revenue_code": svc.revenue_code[:4],
                    "units": svc.units_paid if svc.units_paid is not None else Decimal(1), "allowed": svc.allowed,
                    "service_date": svc.service_date or svc.service_start,
                    "line_control_number": svc.line_control_number[:50], "remarks": list(svc.remarks),
                    "matched_by": how[:60]})
                adjustments.extend(_adjustment_row(rc, line_id, a) for a in svc.adjustments)
            if claim is not None:
                routed.append((rc, cp, claim, stored))
        self.bulk(RemitServiceLine.__table__, lines)
        self.bulk(RemitAdjustment.__table__, adjustments)
        self.details.clear()
        self.worklists.store(routed, self.bulk)

    def for_remit_payer(self, claim: _ClaimRow, cp: ClaimPayment) -> _ClaimRow | None:
        """The claim as this 835's payer holds it. A claim the primary forwarded (crossover, CLP02 19
        + MA18) comes back in the next payer's own 835 under our CLP01: it is posted against that
        payer's coverage and A/R as a secondary's answer (OA-23 moves nothing, PR goes on to the
        next party), while the claim itself, the primary's, keeps its status and payer claim number.
        A payer the patient has no coverage with on the date of service is left to a person."""
        payer = self.remit_payer_id
        if payer is None or payer == claim.payer_id:
            return claim
        on = claim.service_from
        cov = next((c for c in sorted(self.coverages.get(claim.patient_id, []), key=lambda c: c.priority.rank)
                    if c.payer_id == payer and c.active_on(on)), None)
        if cov is None:
            self.work("not_postable", cp, f"this 835's payer ({self.remit.payer_name or payer_key(self.remit)}) is "
                                          f"not the payer claim {claim.patient_control_number} was billed to, and the "
                                          f"patient has no coverage with it on {on}", claim_id=claim.id)
            return None
        return replace(claim, payer_id=payer, coverage_id=cov.id, primary=cov.priority is CoveragePriority.PRIMARY,
                       forwarded=True)

    def remember_payer_number(self, claim: _ClaimRow, number: str) -> None:
        if not number:
            return
        number = number[:50]
        if claim.payer_claim_number != number and not claim.forwarded:
            claim.payer_claim_number = number
            self.number_updates[claim.id] = number
        key = (claim.id, claim.payer_id, number)
        if key not in self.known_numbers:
            self.known_numbers.add(key)
            self.numbers.append({"claim_id": claim.id, "payer_id": claim.payer_id, "payer_claim_number": number})

    def next_party(self, claim: _ClaimRow) -> tuple[ledger.Party, bool]:
        """Who the PR share goes to (the next coverage that day, else the patient), and whether
        this payer is itself a secondary. Asked once per patient, day, coverage and payer: a patient's
        coverages are read whole and do not change while a set posts."""
        key = (claim.patient_id, claim.service_from, claim.coverage_id, claim.payer_id, claim.primary)
        if key not in self.next_parties:
            self.next_parties[key] = self._next_party(claim)
        return self.next_parties[key]

    def _next_party(self, claim: _ClaimRow) -> tuple[ledger.Party, bool]:
        on = claim.service_from
        active = sorted((c for c in self.coverages.get(claim.patient_id, []) if c.active_on(on)),
                        key=lambda c: c.priority.rank)
        ids = [c.id for c in active]
        after = active[ids.index(claim.coverage_id) + 1:] if claim.coverage_id in ids else []
        for cov in after:
            if cov.payer_id != claim.payer_id:
                return ledger.Party.payer(cov.payer_id), not claim.primary
        return ledger.Party.patient(), not claim.primary

    def new_remit_claim(self, claim: _ClaimRow, cp: ClaimPayment, crossed_over: bool) -> int:
        rc = self.remit_ids.pop()
        every = list(cp.adjustments) + [a for s in cp.services for a in s.adjustments]
        self.remit_claims.append({
            "id": rc, "era_import_id": self.era.id, "claim_id": claim.id, "claim_status_code": cp.status[:2],
            "payer_claim_number": cp.payer_claim_control_number[:50], "charge": cp.charge, "paid": cp.paid,
            "patient_responsibility": sum((a.amount for a in every if a.group == "PR"), ZERO),
            "crossed_over": crossed_over, "reversed_by_id": None,
            "outpatient_adjudication": _verbatim(cp, "MOA"), "inpatient_adjudication": _verbatim(cp, "MIA")})
        return rc

    def post_claim(self, claim: _ClaimRow, cp: ClaimPayment) -> None:
        self.remember_payer_number(claim, cp.payer_claim_control_number)
        if cp.is_reversal:
            rc = self.new_remit_claim(claim, cp, False)
            self.details.append((rc, cp, [(None, "reversal (CLP02 22)")] * len(cp.services), None))
            self.reverse_earlier(claim, cp, rc)
            return
        remarks = [r for s in cp.services for r in s.remarks] + [
            e for seg in cp.other if seg[0] in ("MOA", "MIA") for e in seg[1:] if e[:2] in ("MA", "M1", "N1")]
        crossed = posting.is_crossover(cp.status, remarks)
        rc = self.new_remit_claim(claim, cp, crossed)
        self.out.crossovers += crossed
        matches = match_lines(cp.services, claim.lines)
        self.details.append((rc, cp, [(m.billed.claim_line_id if m.billed else None, m.how) for m in matches],
                             claim))
        matched = [m for m in matches if m.billed is not None]
        claim_level = posting.claim_level_adjustments(cp.adjustments, [m.billed.charge for m in matched])
        if cp.adjustments and not matched:
            self.work("not_postable", cp, "claim-level adjustments with no matched line to carry them",
                      claim_id=claim.id, amount=sum((a.amount for a in cp.adjustments), ZERO))
        if not cp.services and cp.paid != ZERO:
            self.work("not_postable", cp, "a claim paid without service lines (SVC) cannot be posted by line",
                      claim_id=claim.id)
        target_party, secondary_remit = self.next_party(claim)
        denied_lines = 0
        k = 0
        for m in matches:
            line = m.remit_line
            if m.billed is None:
                proc = ":".join((line.procedure.code, *line.procedure.modifiers))
                self.work("unmatched_line", cp, f"{proc}: {m.how}", claim_id=claim.id, procedure=proc,
                          control=line.line_control_number, amount=line.paid)
                continue
            adjustments = list(line.adjustments) + claim_level[k]
            k += 1
            refs = ledger.Refs(patient_id=claim.patient_id, charge_line_id=m.billed.charge_line_id,
                               claim_line_id=m.billed.claim_line_id, claim_id=claim.id)
            target = posting.LinePosting(refs, claim.payer_id, target_party, secondary_remit)
            proc = ":".join((line.procedure.code, *line.procedure.modifiers))
            memo = f"{self.source} claim {cp.patient_control_number} line {proc} ({m.how})"[:500]
            draft = posting.line_entry(target, line.paid, adjustments, memo)
            if draft is not None:
                self.pending.append((rc, draft))
            self.out.payments += line.paid
            has_pr = False
            for a in adjustments:
                if a.group == "PR":
                    self.out.patient_responsibility += a.amount
                    has_pr = True
                elif not (a.group == "OA" and a.reason == "23" and secondary_remit):
                    self.out.adjustments += a.amount
            if line.paid == ZERO and line.charge > ZERO and not has_pr:
                denied_lines += 1
        self.out.claims_posted += 1
        self.move(claim, cp, denied_lines, len(matches))

    def move(self, claim: _ClaimRow, cp: ClaimPayment, denied_lines: int, lines: int) -> None:
        pr = sum((a.amount for a in cp.adjustments if a.group == "PR"), ZERO) + sum(
            (a.amount for s in cp.services for a in s.adjustments if a.group == "PR"), ZERO)
        if cp.status == "4" or (cp.paid == ZERO and pr == ZERO) or (lines and denied_lines == lines):
            target, why = S.DENIED, "denied"
        elif denied_lines:
            target, why = S.PARTIAL, f"{denied_lines} of {lines} lines denied"
        else:
            target, why = S.PAID, f"paid {cp.paid}, patient responsibility {pr}"
        if target is S.DENIED:
            self.out.denials += 1
        if claim.forwarded:  # the next payer's answer: the claim's status is the primary's decision
            return
        if lifecycle.can_move(claim.status, target):
            self.moves.append(lifecycle.Move(claim.id, claim.patient_control_number, claim.status, target,
                                             f"{self.source}: CLP02 {cp.status}, {why}"))
            claim.status = target

    def reverse_earlier(self, claim: _ClaimRow, cp: ClaimPayment, remit_claim_id: int) -> None:
        """CLP02 22: undo the earlier posting entry by entry; the corrected payment follows as its own CLP."""
        self.store_pending()
        earlier = self.session.execute(
            select(RemitClaim.id, RemitClaim.paid)
            .join(EraImport, EraImport.id == RemitClaim.era_import_id)
            .where(RemitClaim.claim_id == claim.id, RemitClaim.reversed_by_id.is_(None),
                   RemitClaim.claim_status_code != "22", RemitClaim.id != remit_claim_id,
                   EraImport.payer_key == self.era.payer_key)  # a payer reverses only its own payment
            .order_by(RemitClaim.id.desc()).limit(1)).first()
        if earlier is None:
            self.work("nothing_to_reverse", cp, "reversal of a payment we never posted", claim_id=claim.id)
            return
        earlier_id, earlier_paid = earlier
        entry_ids = self.session.scalars(select(RemitClaimEntry.journal_entry_id)
                                         .where(RemitClaimEntry.remit_claim_id == earlier_id)
                                         .order_by(RemitClaimEntry.journal_entry_id)).all()
        links = []
        for entry_id in entry_ids:
            entry = reverse(self.session, entry_id, effective_date=self.effective, actor=self.actor,
                            memo=f"{self.source}: reversal (CLP02 22) of claim {cp.patient_control_number}",
                            source=self.source)
            links.append({"remit_claim_id": remit_claim_id, "journal_entry_id": entry.id})
        insert_rows(self.session, RemitClaimEntry.__table__, links)
        self.session.execute(update(RemitClaim).where(RemitClaim.id == earlier_id)
                             .values(reversed_by_id=remit_claim_id))
        self.session.execute(
            update(DenialWorkItem)
            .where(DenialWorkItem.remit_claim_id == earlier_id, DenialWorkItem.status == "open")
            .values(status="done", resolution="no_action", resolved_at=self.now, resolved_by=self.actor[:60],
                    note=self.void_note(DenialWorkItem.note, "the corrected remit routes its own denials", 2000)))
        self.session.execute(  # a short payment the payer took back is no longer owed as such
            update(UnderpaymentItem)
            .where(UnderpaymentItem.remit_service_line_id.in_(
                select(RemitServiceLine.id).where(RemitServiceLine.remit_claim_id == earlier_id)),
                UnderpaymentItem.status.in_(("open", "disputed")))
            .values(status="void", resolved_at=self.now, resolved_by=self.actor[:60],
                    note=self.void_note(UnderpaymentItem.note, "the corrected remit is priced again", 1000)))
        for obj in list(self.session.identity_map.values()):  # loaded remit claims read the reversal anew
            if isinstance(obj, RemitClaim) and obj.id == earlier_id:
                self.session.expire(obj)
        self.out.reversals += 1
        self.out.payments -= earlier_paid
        self.out.claims_posted += 1

    def void_note(self, note, then: str, length: int):
        """SQL for a work row's note with why the reversal voided it appended (within *length*)."""
        return func.substr(case((note == "", ""), else_=note + "; ")
                           + f"void: {self.source} reversed this payment (CLP02 22); {then}", 1, length)

    def post_provider_adjustments(self, claims: dict[str, _ClaimRow]) -> None:
        payer_id = next((c.payer_id for c in claims.values()), None)
        if payer_id is None and self.remit.provider_adjustments:
            payer_id = self.session.scalar(select(Payer.id).where(Payer.payer_id == payer_key(self.remit)).limit(1))
        for plb in self.remit.provider_adjustments:
            if plb.amount == ZERO:
                continue
            draft = ledger.provider_adjustment(payer_id, plb.amount, reason_code=f"PLB-{plb.reason}"[:30],
                                               memo=f"{self.source} PLB {plb.reason} {plb.reference}"[:500])
            entry = post(self.session, draft, effective_date=self.effective, actor=self.actor, source=self.source,
                         posted_at=self.now)
            ref = plb.reference.split(" ")[0]
            linked = claims[ref].id if ref in claims else self.by_payer_number(ref)
            if linked is None and ref:
                linked = self.session.scalar(select(Claim.id).where(Claim.patient_control_number == ref))
            self.session.add(ProviderAdjustmentPosting(
                era_import_id=self.era.id, reason=plb.reason[:2], reference=plb.reference[:50], amount=plb.amount,
                journal_entry_id=entry.id, claim_id=linked))
            self.out.provider_adjustments += plb.amount


def _verbatim(cp: ClaimPayment, segment_id: str) -> list[str] | None:
    """The elements of the CLP's MOA or MIA (after the segment ID) as sent, trailing empties dropped."""
    for seg in cp.other:
        if seg[0] == segment_id:
            elements = [str(e) for e in seg[1:]]
            while elements and not elements[-1]:
                elements.pop()
            return elements
    return None


def _numbers(chunk: list[ClaimPayment]) -> list[str]:
    return list({c.patient_control_number for c in chunk})


def _adjustment_row(remit_claim_id: int, line_id: int | None, adj) -> dict:
    return {"remit_claim_id": remit_claim_id, "remit_service_line_id": line_id, "group_code": adj.group[:2],
            "reason": adj.reason[:5], "amount": adj.amount, "quantity": adj.quantity}


def _post_set(session: Session, era: EraImport, remit: Remittance, out: SetResult, *, actor: str,
              now: datetime) -> None:
    _Poster(session, era, remit, out, actor, now).post_all()
    session.flush()


def crossed_over(session: Session, claim_id: int) -> bool:
    """The payer forwarded this claim to the secondary (CLP02 19 + MA18): do not bill the secondary."""
    return session.scalar(select(RemitClaim.id).where(RemitClaim.claim_id == claim_id,
                                                      RemitClaim.crossed_over.is_(True)).limit(1)) is not None


def posted_on(session: Session, day: date) -> list[EraImport]:
    return list(session.scalars(select(EraImport).where(EraImport.payment_date == day)))
