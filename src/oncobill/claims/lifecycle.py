"""The claim lifecycle as one table of allowed moves; every move is recorded with who, when and why.

draft -> held (scrubber errors) | ready; held -> ready once the findings are worked; ready ->
submitted (in an 837); submitted -> ack_accepted | ack_rejected (999); ack_accepted ->
payer_accepted | payer_rejected (277CA); payer_accepted -> paid | partial | denied (835);
rejected claims never reached adjudication, so they are fixed and sent again; adjudicated claims
are closed, or replaced (frequency 7) or voided (frequency 8) by a new claim, which closes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from oncobill.bulk import insert_rows, update_rows
from oncobill.claims.models import Claim, ClaimStatus, ClaimStatusEvent
from oncobill.errors import InvalidInput

S = ClaimStatus

TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    S.DRAFT: frozenset({S.HELD, S.READY, S.CLOSED}),
    S.HELD: frozenset({S.READY, S.CLOSED}),
    S.READY: frozenset({S.HELD, S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.ACK_ACCEPTED, S.ACK_REJECTED}),
    S.ACK_ACCEPTED: frozenset({S.PAYER_ACCEPTED, S.PAYER_REJECTED}),
    S.ACK_REJECTED: frozenset({S.HELD, S.READY, S.CLOSED}),  # fix and send again (never reached the payer)
    S.PAYER_ACCEPTED: frozenset({S.PAID, S.PARTIAL, S.DENIED}),
    S.PAYER_REJECTED: frozenset({S.HELD, S.READY, S.CLOSED}),  # 277CA A3/A6/A7/A8: no appeal, fix and resend
    S.PAID: frozenset({S.CLOSED}),
    S.PARTIAL: frozenset({S.PAID, S.CLOSED}),
    S.DENIED: frozenset({S.PAID, S.PARTIAL, S.CLOSED}),  # an appeal can overturn a denial
    S.CLOSED: frozenset(),
}

ADJUDICATED = frozenset({S.PAID, S.PARTIAL, S.DENIED})
EDITABLE = frozenset({S.DRAFT, S.HELD, S.READY, S.ACK_REJECTED, S.PAYER_REJECTED})


class IllegalTransition(InvalidInput):
    """A status move the lifecycle does not allow."""


def can_move(current: ClaimStatus | None, target: ClaimStatus) -> bool:
    if current is None:
        return target is S.DRAFT
    return target in TRANSITIONS[current]


def transition(claim: Claim, target: ClaimStatus | str, *, actor: str, reason: str,
               at: datetime | None = None) -> ClaimStatusEvent:
    """Move a claim and record the event; an illegal move raises and changes nothing."""
    target = ClaimStatus(target)
    current = claim.status
    if not actor or not reason:
        raise InvalidInput(f"claim {claim.patient_control_number}", "a status change needs who and why")
    if not can_move(current, target):
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS.get(current, ()))) or "none (closed)"
        raise IllegalTransition(
            f"claim {claim.patient_control_number}",
            f"cannot move from {current.value if current else 'nothing'} to {target.value}; allowed: {allowed}")
    event = ClaimStatusEvent(from_status=current, to_status=target, at=at or datetime.now().replace(microsecond=0),
                             actor=actor, reason=reason[:500])
    claim.status = target
    claim.events.append(event)
    return event


def start(claim: Claim, *, actor: str, reason: str, at: datetime | None = None) -> ClaimStatusEvent:
    """A new claim enters the lifecycle as a draft."""
    event = ClaimStatusEvent(from_status=None, to_status=S.DRAFT, at=at or datetime.now().replace(microsecond=0),
                             actor=actor, reason=reason[:500])
    claim.status = S.DRAFT
    claim.events.append(event)
    return event


@dataclass(frozen=True, slots=True)
class Move:
    """One claim to move in a bulk move: where it is now, where it goes, and why."""

    claim_id: int
    patient_control_number: str
    current: ClaimStatus | None
    target: ClaimStatus
    reason: str


def plan_moves(moves: list[Move], *, actor: str, at: datetime) -> tuple[dict[int, ClaimStatus], list[dict]]:
    """Check many moves against the table of allowed moves, in order (a claim may move twice): each
    claim's final status and the events :func:`transition` would record, as rows. Pure; an illegal
    move raises :class:`IllegalTransition`, as ``transition`` does."""
    if moves and not actor:
        raise InvalidInput("claim status change", "a status change needs who")
    final: dict[int, ClaimStatus] = {}
    events = []
    for m in moves:
        current = final.get(m.claim_id, m.current)
        if not m.reason:
            raise InvalidInput(f"claim {m.patient_control_number}", "a status change needs who and why")
        if not can_move(current, m.target):
            allowed = ", ".join(sorted(s.value for s in TRANSITIONS.get(current, ()))) or "none (closed)"
            raise IllegalTransition(
                f"claim {m.patient_control_number}",
                f"cannot move from {current.value if current else 'nothing'} to {m.target.value}; allowed: {allowed}")
        final[m.claim_id] = m.target
        events.append({"claim_id": m.claim_id, "from_status": current, "to_status": m.target, "at": at,
                       "actor": actor, "reason": m.reason[:500]})
    return final, events


def move_many(session, moves: list[Move], *, actor: str, at: datetime) -> None:
    """Move many claims at once (an 835 moves thousands): the same table of allowed moves and the
    same events as :func:`transition`, written with one bulk update and one bulk insert. Claims
    loaded in the session are expired so they read their new status and events. An illegal move
    raises before anything is written."""
    final, events = plan_moves(moves, actor=actor, at=at)
    if not final:
        return
    session.flush()
    update_rows(session, Claim.__table__, [{"id": i, "status": s} for i, s in final.items()])
    insert_rows(session, ClaimStatusEvent.__table__, events)
    expire_claims(session, final)


def expire_claims(session, claim_ids) -> None:
    """Claims changed in bulk and loaded in the session read their new values when next asked."""
    loaded = session.identity_map
    for claim_id in claim_ids:
        claim = loaded.get((Claim, (claim_id,), None))
        if claim is not None:
            session.expire(claim)
