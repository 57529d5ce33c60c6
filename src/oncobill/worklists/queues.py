"""The queues' use cases every stage shares: list with filters and totals, get and show, assign, due
dates and days left, the item's log, close and resolve; the remit work queue and the underpayment
queue in full. Flushes, never commits: the caller owns the transaction.

A stage's own acts (the denial acts in ``denials.service``) are built on these: they lock the item
with :func:`get_item`, refuse a done one with :func:`refuse_done`, and close it with :func:`done`.
What a stage needs to know from the remits about an item (the remit date, a later payment) is
answered here, so no stage reads another's tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oncobill.errors import InvalidInput, NotFound
from oncobill.money import ZERO
from oncobill.worklists.models import DenialWorkItem, RemitWorkItem, Role, UnderpaymentItem
from oncobill.worklists.tables import (
    claim_lines,
    claims,
    era_imports,
    modifiers,
    payers,
    remit_claims,
    remit_service_lines,
)

OPEN = ("open", "in_progress")


class Refused(InvalidInput):
    """A billing rule forbids the action asked for (the message says which rule)."""


# -- every queue ---------------------------------------------------------------------------------

def check_actor(actor: str, where: str) -> str:
    """Who acts, as recorded on the item: named, trimmed, at most 60 characters."""
    if not actor or not actor.strip():
        raise InvalidInput(where, "who acts must be named (--actor)")
    return actor.strip()[:60]


def log(item, when: datetime, actor: str, text: str) -> None:
    """The item's history, newest last; the column keeps the most recent characters it holds."""
    entry = f"{when.isoformat(sep=' ', timespec='minutes')} {actor}: {text}"
    limit = type(item).__table__.c.note.type.length
    item.note = (((item.note + "\n") if item.note else "") + entry)[-limit:]


def days_left(due: date | None, today: date) -> int | None:
    return None if due is None else (due - today).days


def is_overdue(due: date | None, status: str, today: date) -> bool:
    left = days_left(due, today)
    return bool(left is not None and left < 0 and status != "done")


def payer_id(session: Session, code: str) -> int:
    found = session.scalar(select(payers.c.id).where(payers.c.code == code))
    if found is None:
        raise NotFound("payer", code)
    return found


def _get(session: Session, model, what: str, item_id: int, for_update: bool):
    """The row; ``for_update`` locks it (read afresh) so two people cannot work it at once."""
    item = session.get(model, item_id, with_for_update=for_update or None, populate_existing=for_update)
    if item is None:
        raise NotFound(what, item_id)
    return item


# -- denial work items -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which work items to list; every field narrows (``status=None``: everything not done)."""

    queue: str | None = None
    owner: str | None = None  # the role
    assignee: str | None = None  # the person it is assigned to
    payer: str | None = None  # payer code
    status: str | None = None
    due_before: date | None = None
    overdue: bool = False


@dataclass
class QueueTotal:
    queue: str
    items: int = 0
    amount: Decimal = ZERO
    overdue: int = 0


@dataclass
class QueueListing:
    items: list[dict] = field(default_factory=list)
    totals: list[QueueTotal] = field(default_factory=list)


def get_item(session: Session, item_id: int, *, for_update: bool = False) -> DenialWorkItem:
    return _get(session, DenialWorkItem, "denial work item", item_id, for_update)


def list_items(session: Session, filters: QueueFilter = QueueFilter(), *, today: date) -> QueueListing:
    """Work items by due date (the most urgent first, items without a deadline last), with totals per queue."""
    f = filters
    query = select(DenialWorkItem, claims.c.patient_control_number, payers.c.code).join(
        claims, claims.c.id == DenialWorkItem.claim_id).join(payers, payers.c.id == DenialWorkItem.payer_id)
    if f.status is None:
        query = query.where(DenialWorkItem.status.in_(OPEN))
    elif f.status not in ("open", "in_progress", "done"):
        raise InvalidInput("status", f"{f.status!r} is not open, in_progress or done")
    else:
        query = query.where(DenialWorkItem.status == f.status)
    if f.queue:
        query = query.where(DenialWorkItem.queue == f.queue)
    if f.owner:
        if f.owner not in {r.value for r in Role}:
            raise InvalidInput("owner", f"{f.owner!r} is not a role: {', '.join(r.value for r in Role)}")
        query = query.where(DenialWorkItem.owner == f.owner)
    if f.assignee:
        query = query.where(DenialWorkItem.assigned_to == f.assignee)
    if f.payer:
        query = query.where(DenialWorkItem.payer_id == payer_id(session, f.payer))
    if f.due_before:
        query = query.where(DenialWorkItem.due_date < f.due_before)
    if f.overdue:
        query = query.where(DenialWorkItem.due_date < today, DenialWorkItem.status != "done")
    query = query.order_by(DenialWorkItem.due_date.is_(None), DenialWorkItem.due_date, DenialWorkItem.id)
    out = QueueListing()
    totals: dict[str, QueueTotal] = {}
    for item, pcn, payer_code in session.execute(query):
        row = summary(item, pcn, payer_code, today)
        out.items.append(row)
        t = totals.setdefault(item.queue, QueueTotal(item.queue))
        t.items += 1
        t.amount += item.amount
        t.overdue += row["overdue"]
    out.totals = sorted(totals.values(), key=lambda t: t.queue)
    return out


def summary(item: DenialWorkItem, pcn: str, payer_code: str, today: date) -> dict:
    """The item as a queue lists it: what, for whom, by when and how many days are left."""
    return {"id": item.id, "claim": pcn, "payer": payer_code, "procedure": item.procedure,
            "denial": f"{item.group_code}-{item.carc}" + "".join(f" {r}" for r in item.rarcs or []),
            "amount": item.amount, "partial": item.partial, "queue": item.queue, "action": item.action,
            "owner": item.owner, "assigned_to": item.assigned_to, "due_date": item.due_date,
            "days_left": days_left(item.due_date, today), "overdue": is_overdue(item.due_date, item.status, today),
            "status": item.status, "resolution": item.resolution}


def show(session: Session, item: DenialWorkItem, *, today: date, facts: dict, clocks: dict) -> dict:
    """One item as a person reads it: the listing's row, then the stage's *facts* about the claim,
    what the queue knows (the denial in words, the fix, the due reason), the stage's *clocks*, and
    the item's outcome and history."""
    pcn = session.scalar(select(claims.c.patient_control_number).where(claims.c.id == item.claim_id))
    payer_code = session.scalar(select(payers.c.code).where(payers.c.id == item.payer_id))
    out = summary(item, pcn, payer_code, today)
    out.update(facts)
    out.update({"reason": item.reason, "fix": item.fix, "route": item.route,
                "patient_billable": item.patient_billable, "due_reason": item.due_reason})
    out.update(clocks)
    out.update({"created_at": item.created_at, "resolved_at": item.resolved_at, "resolved_by": item.resolved_by,
                "result_claim": _pcn(session, item.result_claim_id), "journal_entry_id": item.journal_entry_id,
                "note": item.note, "document": item.document})
    return out


def _pcn(session: Session, claim_id: int | None) -> str | None:
    return None if claim_id is None else session.scalar(
        select(claims.c.patient_control_number).where(claims.c.id == claim_id))


def refuse_done(item: DenialWorkItem, where: str) -> None:
    if item.status == "done":
        raise Refused(where, f"the item is done ({item.resolution}, by {item.resolved_by} on "
                             f"{item.resolved_at:%Y-%m-%d %H:%M}); a done item is not worked again")


def done(item: DenialWorkItem, resolution: str, actor: str, now: datetime, text: str) -> None:
    """Close the item with its resolution, who and when, and the words in its log."""
    item.status, item.resolution, item.resolved_at, item.resolved_by = "done", resolution, now, actor
    log(item, now, actor, text)


def assign(session: Session, item_id: int, person: str, *, actor: str, now: datetime) -> DenialWorkItem:
    """Give an item to a person (a done item is not reassigned)."""
    where = f"denial work item {item_id}: assign"
    actor = check_actor(actor, where)
    if not person or not person.strip():
        raise InvalidInput(where, "the person to assign to is empty")
    item = get_item(session, item_id, for_update=True)
    refuse_done(item, where)
    item.assigned_to = person.strip()[:60]
    log(item, now, actor, f"assigned to {item.assigned_to}")
    session.flush()
    return item


def remit_date(session: Session, item: DenialWorkItem) -> date:
    """The date of the remit that denied the item (its payment date, else the day it was imported)."""
    era = session.execute(select(era_imports.c.payment_date, era_imports.c.imported_at)
                          .where(era_imports.c.id == item.era_import_id)).first() if item.era_import_id else None
    if era is None:
        return item.created_at.date()
    return era.payment_date or era.imported_at.date()


def ever_paid(session: Session, claim_id: int) -> bool:
    """Whether any unreversed remit paid something on the claim."""
    return bool(session.scalar(select(func.count()).select_from(remit_claims).where(
        remit_claims.c.claim_id == claim_id, remit_claims.c.paid > 0, remit_claims.c.reversed_by_id.is_(None))))


def later_payment(session: Session, item: DenialWorkItem):
    """The first payment on the item's line (claim-level item: on any line of its claim) by an
    unreversed remit after the one that denied it, as (paid, trace_number); None if none."""
    rsl, rc, era = remit_service_lines.c, remit_claims.c, era_imports.c
    query = select(rsl.paid, era.trace_number).select_from(remit_service_lines).join(
        remit_claims, rc.id == rsl.remit_claim_id).join(era_imports, era.id == rc.era_import_id).where(
        rc.claim_id == item.claim_id, rc.reversed_by_id.is_(None), rc.claim_status_code != "22", rsl.paid > 0)
    if item.remit_claim_id is not None:
        query = query.where(rc.id > item.remit_claim_id)
    if item.claim_line_id is not None:
        query = query.where(rsl.claim_line_id == item.claim_line_id)
    return session.execute(query.order_by(rc.id).limit(1)).first()


# -- the remit work queue ------------------------------------------------------------------------

def open_work_items(session: Session) -> list[RemitWorkItem]:
    return list(session.scalars(select(RemitWorkItem).where(RemitWorkItem.status == "open")
                                .order_by(RemitWorkItem.id)))


# -- the underpayment queue ----------------------------------------------------------------------

UNDERPAYMENT_MOVES = {"open": ("disputed", "accepted"), "disputed": ("recovered", "accepted")}


@dataclass
class PayerTotal:
    payer: str
    items: int = 0
    shortfall: Decimal = ZERO


@dataclass
class UnderpaymentListing:
    items: list[dict] = field(default_factory=list)
    totals: list[PayerTotal] = field(default_factory=list)


_LINE = (claim_lines.c.code, claim_lines.c.modifier1, claim_lines.c.modifier2, claim_lines.c.modifier3,
         claim_lines.c.modifier4, claim_lines.c.service_date, claim_lines.c.units)


def _underpayment_row(u: UnderpaymentItem, pcn: str, payer_code: str, line) -> dict:
    return {"id": u.id, "claim": pcn, "payer": payer_code,
            "procedure": ":".join([line.code, *modifiers(line)]) if line else "",
            "date_of_service": line.service_date if line else None, "units": line.units if line else None,
            "allowed": u.allowed, "expected": u.expected, "shortfall": u.shortfall, "basis": u.basis,
            "status": u.status, "created_at": u.created_at, "resolved_at": u.resolved_at,
            "resolved_by": u.resolved_by, "note": u.note}


def list_underpayments(session: Session, *, payer: str | None = None, status: str | None = None
                       ) -> UnderpaymentListing:
    """Short payments (default: open and disputed), largest first, with totals per payer."""
    query = select(UnderpaymentItem, claims.c.patient_control_number, payers.c.code.label("payer_code"), *_LINE).join(
        claims, claims.c.id == UnderpaymentItem.claim_id).join(payers, payers.c.id == UnderpaymentItem.payer_id).join(
        claim_lines, claim_lines.c.id == UnderpaymentItem.claim_line_id)
    if status is None:
        query = query.where(UnderpaymentItem.status.in_(("open", "disputed")))
    elif status not in ("open", "disputed", "recovered", "accepted", "void"):
        raise InvalidInput("status", f"{status!r} is not open, disputed, recovered, accepted or void")
    else:
        query = query.where(UnderpaymentItem.status == status)
    if payer:
        query = query.where(UnderpaymentItem.payer_id == payer_id(session, payer))
    out = UnderpaymentListing()
    totals: dict[str, PayerTotal] = defaultdict(lambda: PayerTotal(""))
    for row in session.execute(query.order_by(UnderpaymentItem.shortfall.desc(), UnderpaymentItem.id)):
        u, pcn, code = row[0], row[1], row[2]
        out.items.append(_underpayment_row(u, pcn, code, row))
        t = totals[code]
        t.payer, t.items, t.shortfall = code, t.items + 1, t.shortfall + u.shortfall
    out.totals = sorted(totals.values(), key=lambda t: t.payer)
    return out


def get_underpayment(session: Session, item_id: int, *, for_update: bool = False) -> UnderpaymentItem:
    return _get(session, UnderpaymentItem, "underpayment item", item_id, for_update)


def show_underpayment(session: Session, item_id: int) -> dict:
    u = get_underpayment(session, item_id)
    row = session.execute(
        select(claims.c.patient_control_number, claims.c.payer_claim_number, claims.c.status.label("claim_status"),
               payers.c.code.label("payer_code"), payers.c.name, *_LINE, claim_lines.c.line_control_number, claim_lines.c.charge)
        .select_from(claims).join(payers, payers.c.id == u.payer_id).join(claim_lines, claim_lines.c.id == u.claim_line_id)
        .where(claims.c.id == u.claim_id)).one()
    paid = session.scalar(select(remit_service_lines.c.paid).where(remit_service_lines.c.id == u.remit_service_line_id))
    out = _underpayment_row(u, row.patient_control_number, row.payer_code, row)
    out.update({"payer_name": row.name, "payer_claim_number": row.payer_claim_number,
                "line_control_number": row.line_control_number, "charge": row.charge,
                "paid": paid, "claim_status": row.claim_status,
                "next": list(UNDERPAYMENT_MOVES.get(u.status, ()))})
    return out


def resolve_underpayment(session: Session, item_id: int, status: str, *, actor: str, now: datetime,
                         note: str = "") -> UnderpaymentItem:
    """open -> disputed | accepted; disputed -> recovered | accepted. Nothing is posted: the shortfall was
    posted as the payer's adjustment with the remit, and accepting it never bills the patient."""
    where = f"underpayment item {item_id}: {status}"
    actor = check_actor(actor, where)
    u = get_underpayment(session, item_id, for_update=True)
    allowed = UNDERPAYMENT_MOVES.get(u.status, ())
    if status not in allowed:
        raise Refused(where, f"the item is {u.status}; allowed: {', '.join(allowed) or 'none (resolved)'}")
    if status in ("recovered", "accepted") and not note.strip():
        raise InvalidInput(where, "say what was recovered or why the short payment is accepted (--note)")
    u.status = status
    if status in ("recovered", "accepted"):
        u.resolved_at, u.resolved_by = now, actor
    log(u, now, actor, status + (f": {note.strip()}" if note.strip() else ""))
    session.flush()
    return u
