"""835 posting on both databases: the domain 7 posting examples to the cent, matching, reversals,
crossovers, PLB, quarantine and idempotency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from oncobill.claims.models import ClaimStatus
from oncobill.ledger import service as ledger
from oncobill.ledger.models import JournalEntry, JournalLine
from oncobill.ledger.rules import Account
from oncobill.remittance import service
from oncobill.remittance.models import (
    EraImport,
    ProviderAdjustmentPosting,
    QuarantinedEra,
    RemitClaim,
)
from oncobill.worklists import queues
from oncobill.worklists.models import RemitWorkItem
from tests.remittance.helpers import NOW, billed_claim, clp, era_text, practice, svc

D = Decimal
CHEMO = [("96413", "350.00", (), 1), ("J9271", "12000.00", ("JZ",), 200)]


@pytest.fixture
def p(session):
    return practice(session)


def imp(session, text: str, name: str = "remit.835"):
    return service.import_era(session, name, text.encode(), actor="poster", now=NOW)


def by_reason(session, claim_id: int) -> dict[str, int]:
    """How many entries of the claim carry postings under each reason (or, without one, of each kind):
    a remit line is one entry whose posting pairs keep their CARCs apart."""
    rows = session.execute(select(JournalLine.reason_code, JournalEntry.kind, func.count(func.distinct(JournalEntry.id)))
                           .join(JournalEntry).where(JournalLine.claim_id == claim_id)
                           .group_by(JournalLine.reason_code, JournalEntry.kind))
    return {(r or k.value): n for r, k, n in rows}


def line_balance(session, claim, i: int) -> Decimal:
    return ledger.claim_line_balance(session, claim.lines[i].id)


def patient_owes(session, claim) -> Decimal:
    return ledger.patient_balance(session, claim.patient_id)


def test_7_3_co_contractual_pr_deductible_and_coinsurance_to_the_patient(session, p):
    claim = billed_claim(session, p, CHEMO)
    result = imp(session, era_text([clp(claim, "1", [
        svc("96413", "350.00", "200.00", [("CO", "45", "100.00"), ("PR", "2", "50.00")]),
        svc("J9271", "12000.00", "9000.00", [("CO", "45", "800.00"), ("PR", "1", "2200.00")], mods=("JZ",)),
    ])]))
    s = result.sets[0]
    assert (s.outcome, s.payments, s.adjustments, s.patient_responsibility) == (
        "posted", D("9200.00"), D("900.00"), D("2250.00"))
    assert line_balance(session, claim, 0) == D("50.00")  # 350 - 200 paid - 100 CO; the 50 moved to the patient
    assert line_balance(session, claim, 1) == D("2200.00")
    assert patient_owes(session, claim) == D("2250.00")
    assert ledger.payer_balance(session, claim.payer_id) == D("0.00")
    tb = ledger.trial_balance(session)
    assert tb[Account.CASH] == D("9200.00") and tb[Account.CONTRACTUAL_ADJUSTMENTS] == D("900.00")
    reasons = by_reason(session, claim.id)
    assert reasons["PR-1"] == 1 and reasons["PR-2"] == 1 and reasons["CO-45"] == 2  # kept apart by CARC
    assert claim.status is ClaimStatus.PAID and claim.events[-1].actor == "poster"
    assert ledger.is_balanced(session)


def test_8_1_pr_goes_to_the_secondary_when_there_is_one(session, p):
    claim = billed_claim(session, p, CHEMO[:1], secondary="COMM")
    imp(session, era_text([clp(claim, "1", [
        svc("96413", "350.00", "200.00", [("CO", "45", "100.00"), ("PR", "3", "20.00"), ("PR", "2", "30.00")])])]))
    assert patient_owes(session, claim) == D("0.00")
    assert ledger.payer_balance(session, p["commercial"].id) == D("50.00")
    assert by_reason(session, claim.id)["PR-3"] == 1  # copay apart from coinsurance
    assert line_balance(session, claim, 0) == D("50.00")


def test_7_3_oa_23_on_a_secondary_moves_nothing(session, p):
    primary = billed_claim(session, p, CHEMO[:1], secondary="COMM")
    imp(session, era_text([clp(primary, "1", [svc("96413", "350.00", "200.00", [("CO", "45", "100.00"),
                                                                                   ("PR", "2", "50.00")])])]))
    # The secondary's claim: built by the secondary-claim stage later; here one billed to COMM directly.
    secondary = billed_claim(session, p, CHEMO[:1])
    secondary.payer_id, secondary.coverage.priority = p["commercial"].id, "secondary"
    session.flush()
    session.expire(secondary, ["coverage"])
    from oncobill.patients.models import CoveragePriority
    secondary.coverage.priority = CoveragePriority.SECONDARY
    result = imp(session, era_text([clp(secondary, "2", [
        svc("96413", "350.00", "50.00", [("OA", "23", "300.00")])])], trace="EFT0002", payer_id="60054"))
    assert result.sets[0].adjustments == D("0.00") and result.sets[0].payments == D("50.00")
    assert "OA-23" not in by_reason(session, secondary.id)


def test_7_3_pi_and_denied_line_is_partial(session, p):
    claim = billed_claim(session, p, CHEMO)
    result = imp(session, era_text([clp(claim, "1", [
        svc("96413", "350.00", "0.00", [("CO", "50", "350.00")], remarks=("N115",)),
        svc("J9271", "12000.00", "9500.00", [("PI", "45", "2500.00")], mods=("JZ",)),
    ])]))
    assert result.sets[0].denials == 0 and claim.status is ClaimStatus.PARTIAL
    assert line_balance(session, claim, 0) == D("0.00") and line_balance(session, claim, 1) == D("0.00")
    assert by_reason(session, claim.id)["PI-45"] == 1


def test_7_2_denied_claim_moves_to_denied(session, p):
    claim = billed_claim(session, p, CHEMO[:1])
    result = imp(session, era_text([clp(claim, "4", [svc("96413", "350.00", "0.00", [("CO", "197", "350.00")])])]))
    assert claim.status is ClaimStatus.DENIED and result.sets[0].denials == 1
    assert "CLP02 4" in claim.events[-1].reason


def test_7_5_reversal_undoes_the_earlier_posting_before_the_new_one(session, p):
    claim = billed_claim(session, p, CHEMO[:1])
    imp(session, era_text([clp(claim, "1", [svc("96413", "350.00", "200.00", [("CO", "45", "100.00"),
                                                                                ("PR", "2", "50.00")])])]))
    first = session.scalar(select(RemitClaim).where(RemitClaim.claim_id == claim.id))
    n_first = len(first.entries)
    result = imp(session, era_text([
        clp(claim, "22", [svc("96413", "-350.00", "-200.00", [("CO", "45", "-100.00"), ("PR", "2", "-50.00")])]),
        clp(claim, "1", [svc("96413", "350.00", "230.00", [("CO", "45", "100.00"), ("PR", "2", "20.00")])]),
    ], trace="EFT0002"))
    s = result.sets[0]
    assert s.reversals == 1 and s.outcome == "posted"
    assert first.reversed_by_id is not None
    reversals = session.scalar(select(func.count()).select_from(JournalEntry)
                               .where(JournalEntry.reverses_entry_id.in_([e.journal_entry_id for e in first.entries])))
    assert reversals == n_first
    assert patient_owes(session, claim) == D("20.00")
    assert ledger.trial_balance(session)[Account.CASH] == D("230.00")
    assert line_balance(session, claim, 0) == D("20.00")
    assert ledger.is_balanced(session)


def test_reversal_of_nothing_goes_to_the_work_queue(session, p):
    claim = billed_claim(session, p, CHEMO[:1])
    imp(session, era_text([clp(claim, "22", [svc("96413", "-350.00", "-200.00", [("CO", "45", "-150.00")])])]))
    assert [w.kind for w in queues.open_work_items(session)] == ["nothing_to_reverse"]


def test_7_2_crossover_19_with_ma18_is_marked(session, p):
    claim = billed_claim(session, p, CHEMO[:1], secondary="COMM")
    result = imp(session, era_text([clp(claim, "19", [
        svc("96413", "350.00", "200.00", [("CO", "45", "100.00"), ("PR", "2", "50.00")], remarks=("MA18",))])]))
    assert result.sets[0].crossovers == 1 and service.crossed_over(session, claim.id)
    assert ledger.payer_balance(session, p["commercial"].id) == D("50.00")


def test_7_4_plb_posted_at_provider_level_and_linked(session, p):
    claim = billed_claim(session, p, CHEMO[:1])
    other = billed_claim(session, p, CHEMO[:1])
    result = imp(session, era_text([clp(claim, "1", [svc("96413", "350.00", "250.00", [("CO", "45", "100.00")])])],
                                   plb=[("WO", other.patient_control_number, "40.00"), ("L6", "", "-1.27")]))
    assert result.sets[0].provider_adjustments == D("38.73")
    tb = ledger.trial_balance(session)
    assert tb[Account.CASH] == D("211.27")  # BPR02: 250 paid - 40 recouped + 1.27 interest
    assert tb[Account.PROVIDER_ADJUSTMENTS] == D("38.73")
    links = session.scalars(select(ProviderAdjustmentPosting).order_by(ProviderAdjustmentPosting.id)).all()
    assert [(x.reason, x.claim_id) for x in links] == [("WO", other.id), ("L6", None)]
    assert ledger.is_balanced(session)


def test_lines_match_when_the_payer_drops_and_reorders_modifiers(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", ("25", "59"), 1), ("96415", "80.00", (), 1)])
    imp(session, era_text([clp(claim, "1", [
        svc("96415", "80.00", "60.00", [("CO", "45", "20.00")]),
        svc("96413", "350.00", "250.00", [("CO", "45", "100.00")], mods=("59",)),
    ])]))
    assert line_balance(session, claim, 0) == D("0.00") and line_balance(session, claim, 1) == D("0.00")
    assert queues.open_work_items(session) == []


def test_ref_6r_wins_and_unmatched_lines_and_claims_go_to_the_work_queue(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1), ("96413", "350.00", (), 1)])
    second = claim.lines[1].line_control_number
    imp(session, era_text([
        clp(claim, "1", [svc("96413", "350.00", "250.00", [("CO", "45", "100.00")], control=second),
                         svc("96417", "90.00", "0.00", [("CO", "45", "90.00")])]),
        clp("NOSUCHCLAIM", "1", [svc("96413", "350.00", "250.00", [("CO", "45", "100.00")])], icn="ICN9"),
    ]))
    assert line_balance(session, claim, 1) == D("0.00") and line_balance(session, claim, 0) == D("350.00")
    kinds = sorted((w.kind, str(w.amount)) for w in queues.open_work_items(session))
    assert kinds == [("unmatched_claim", "250.00"), ("unmatched_line", "0.00")]


def test_claim_found_by_the_payer_claim_number_history(session, p):
    claim = billed_claim(session, p, CHEMO[:1])
    imp(session, era_text([clp(claim, "1", [svc("96413", "350.00", "250.00", [("CO", "45", "100.00")])],
                               icn="OLDICN")]))
    result = imp(session, era_text([
        clp("RENUMBERED", "22", [svc("96413", "-350.00", "-250.00", [("CO", "45", "-100.00")])], icn="OLDICN")],
        trace="EFT0003"))
    assert result.sets[0].reversals == 1


def test_claim_level_adjustment_spread_over_lines_to_the_cent(session, p):
    claim = billed_claim(session, p, [("96413", "100.00", (), 1), ("96415", "200.00", (), 1)])
    imp(session, era_text([clp(claim, "1", [svc("96413", "100.00", "100.00"), svc("96415", "200.00", "200.00")],
                               adjustments=[("CO", "A2", "10.00")])]))
    assert line_balance(session, claim, 0) == D("-3.33") and line_balance(session, claim, 1) == D("-6.67")
    assert ledger.is_balanced(session)


def test_the_same_835_twice_posts_once(session, p):
    claim = billed_claim(session, p, CHEMO[:1])
    text = era_text([clp(claim, "1", [svc("96413", "350.00", "250.00", [("CO", "45", "100.00")])])])
    imp(session, text)
    entries = session.scalar(select(func.count()).select_from(JournalEntry))
    again = imp(session, text, name="copy.835")
    assert again.sets[0].outcome == "already imported"
    assert session.scalar(select(func.count()).select_from(JournalEntry)) == entries
    assert session.scalar(select(func.count()).select_from(EraImport)) == 1


def test_an_835_that_does_not_balance_is_quarantined_and_nothing_posted(session, p):
    claim = billed_claim(session, p, CHEMO[:1])
    entries = session.scalar(select(func.count()).select_from(JournalEntry))
    text = era_text([clp(claim, "1", [svc("96413", "350.00", "250.00", [("CO", "45", "100.00")])])],
                    payment="260.00")
    result = imp(session, text)
    assert result.sets[0].outcome == "quarantined" and "transaction balancing" in result.sets[0].reason
    imp(session, text)  # quarantined once
    q = session.scalars(select(QuarantinedEra)).all()
    assert len(q) == 1 and "BPR02 is 260.00" in q[0].reason
    assert session.scalar(select(func.count()).select_from(JournalEntry)) == entries
    assert session.scalar(select(func.count()).select_from(EraImport)) == 0
    assert session.scalar(select(func.count()).select_from(RemitWorkItem)) == 0
    assert claim.status is ClaimStatus.PAYER_ACCEPTED
