"""The claim lifecycle: one table of moves, every move recorded, illegal moves refused."""

from datetime import date, datetime

import pytest

from oncobill.claims import lifecycle
from oncobill.claims.lifecycle import TRANSITIONS, IllegalTransition, can_move, transition
from oncobill.claims.models import Claim, ClaimForm, ClaimStatus

S = ClaimStatus


def new_claim() -> Claim:
    claim = Claim(patient_control_number="OBTEST0001", form=ClaimForm.PROFESSIONAL, frequency_code="1",
                  service_from=date(2026, 10, 5), service_to=date(2026, 10, 5), created_at=datetime(2026, 11, 2))
    claim.events = []
    lifecycle.start(claim, actor="test", reason="built", at=datetime(2026, 11, 2, 8))
    return claim


def test_every_status_has_a_row_and_closed_is_final():
    assert set(TRANSITIONS) == set(ClaimStatus)
    assert TRANSITIONS[S.CLOSED] == frozenset()
    reachable, todo = {S.DRAFT}, [S.DRAFT]
    while todo:
        for nxt in TRANSITIONS[todo.pop()]:
            if nxt not in reachable:
                reachable.add(nxt)
                todo.append(nxt)
    assert reachable == set(ClaimStatus)  # every status can be reached from a draft


def test_the_happy_path_is_recorded_move_by_move():
    claim = new_claim()
    path = [S.READY, S.SUBMITTED, S.ACK_ACCEPTED, S.PAYER_ACCEPTED, S.PAID, S.CLOSED]
    for target in path:
        transition(claim, target, actor="biller1", reason=f"to {target.value}")
    assert claim.status is S.CLOSED
    assert [(e.from_status, e.to_status) for e in claim.events] == list(zip([None, S.DRAFT, *path[:-1]],
                                                                            [S.DRAFT, *path]))
    assert all(e.actor and e.reason and e.at for e in claim.events)


@pytest.mark.parametrize("start, target", [
    (S.DRAFT, S.SUBMITTED),  # never send an unscrubbed claim
    (S.HELD, S.SUBMITTED),  # a held claim must be worked first
    (S.SUBMITTED, S.PAID),  # no payment without acknowledgment and adjudication
    (S.ACK_REJECTED, S.PAYER_ACCEPTED),
    (S.PAYER_REJECTED, S.DENIED),  # a 277CA rejection is not a denial: no appeal rights
    (S.PAID, S.DRAFT),
    (S.CLOSED, S.READY),
])
def test_illegal_moves_raise_and_change_nothing(start, target):
    claim = new_claim()
    claim.status = start
    before = len(claim.events)
    with pytest.raises(IllegalTransition, match=f"cannot move from {start.value} to {target.value}"):
        transition(claim, target, actor="biller1", reason="try")
    assert claim.status is start and len(claim.events) == before
    assert not can_move(start, target)


def test_rejections_go_back_to_work_and_a_move_needs_who_and_why():
    claim = new_claim()
    for target in (S.READY, S.SUBMITTED, S.ACK_ACCEPTED, S.PAYER_REJECTED, S.HELD, S.READY):
        transition(claim, target, actor="biller1", reason="277CA A7: invalid member ID, corrected")
    assert claim.status is S.READY
    with pytest.raises(Exception, match="who and why"):
        transition(claim, S.SUBMITTED, actor="", reason="")
