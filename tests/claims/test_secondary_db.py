"""Secondary claims from the primary's posted remit, end to end on both databases: which claims get one
and why the others do not, the 837 written from the stored remit (pyx12-clean), the sandbox payer
adjudicating it as a secondary, and its 835 posted so every line balances (synthetic data only)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from tests.claims.submission_helpers import payer_config
from tests.remittance.helpers import NOW, billed_claim, clp, era_text, practice, svc
from tests.x12.oracle import pyx12_errors

from oncobill.claims import lifecycle
from oncobill.claims.models import Claim, ClaimStatus
from oncobill.claims.secondary import build_secondary_claims, prior_adjudication
from oncobill.claims.submission import Receiver, create_batches
from oncobill.ledger import service as ledger
from oncobill.ledger.models import JournalLine
from oncobill.ledger.rules import Account
from oncobill.remittance import service as remittance
from oncobill.sandbox_payer import process_inbox
from oncobill.x12 import read
from oncobill.x12.claims837 import professional_claims
from oncobill.x12.remit835 import remittances
from oncobill.x12.tokenizer import make_segment

D = Decimal
TODAY = date(2026, 11, 20)
LATER = datetime(2026, 11, 20, 10, 0)


@pytest.fixture
def p(session):
    return practice(session)


def post(session, text: str, name: str = "remit.835"):
    return remittance.import_era(session, name, text.encode(), actor="poster", now=NOW)


def paid_with_pr(session, p, **kw):
    """Medicare paid 96413 and J9271 leaving deductible and coinsurance; a commercial plan is secondary."""
    claim = billed_claim(session, p, [("96413", "350.00", (), 1), ("J9271", "12000.00", ("JZ",), 200)],
                         secondary="COMM", **kw)
    cp = clp(claim, "1", [
        svc("96413", "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")],
            control=claim.lines[0].line_control_number, units="1"),
        svc("J9271", "12000.00", "8000.00", [("CO", "45", "1717.00"), ("PR", "1", "283.00"), ("PR", "2", "2000.00")],
            mods=("JZ",), control=claim.lines[1].line_control_number, units="200"),
    ], icn="MCR0001")
    post(session, era_text([cp]))
    return claim


def test_a_paid_claim_with_patient_share_gets_a_secondary_claim_with_its_own_numbers(session, p):
    primary = paid_with_pr(session, p)
    result = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY)
    (sec,) = result.built
    assert result.skipped == []
    assert sec.primary_claim_id == primary.id and sec.payer.code == "COMM"
    assert sec.coverage.priority.value == "secondary" and sec.status is ClaimStatus.READY, [
        (f.edit_id, f.message) for f in sec.findings]
    assert [(ln.code, ln.modifiers, ln.units, ln.charge, ln.service_date, ln.dx_pointers, ln.charge_line_id)
            for ln in sec.lines] == [(ln.code, ln.modifiers, ln.units, ln.charge, ln.service_date, ln.dx_pointers,
                                      ln.charge_line_id) for ln in primary.lines]
    assert [d.icd10_code for d in sec.diagnoses] == [d.icd10_code for d in primary.diagnoses]
    assert sec.rendering_provider_id == primary.rendering_provider_id
    own = {ln.line_control_number for ln in sec.lines}
    assert own.isdisjoint(ln.line_control_number for ln in primary.lines)
    assert all(n.startswith(sec.patient_control_number) for n in own)
    # Idempotent: a second run builds nothing more.
    again = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY)
    assert again.built == [] and again.skipped == []
    assert len(session.scalars(select(Claim).where(Claim.primary_claim_id == primary.id)).all()) == 1


def test_the_837_carries_the_primary_remit_verbatim_and_passes_pyx12(session, p):
    primary = paid_with_pr(session, p)
    (sec,) = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY).built
    (batch,) = create_batches(session, actor="biller", now=LATER, claims=[sec], receiver=Receiver()).batches
    text = batch.content
    assert pyx12_errors(text) == []
    sbr = [s.split("*") for s in text.split("~") if s.startswith("SBR")]
    assert [s[1] for s in sbr] == ["S", "P"]  # 2000B: destination is the secondary; 2320: the other is primary
    (doc,) = professional_claims(read(text))
    (back,) = doc.claims
    (op,) = back.other_payers
    assert (op.payer.payer_id, op.subscriber.member_id, op.filing_indicator) == (
        "00952", primary.coverage.member_id, "MB")
    assert op.paid == D("8120.00") and op.remaining_patient_liability == D("2313.00")
    assert op.adjudication_date == date(2026, 11, 18) and op.adjustments == []
    line1, line2 = back.lines
    (a1,), (a2,) = line1.adjudications, line2.adjudications
    assert (a1.payer_id, a1.paid, a1.units, a1.procedure.code) == ("00952", D("120.00"), D(1), "96413")
    assert [(a.group, a.reason, a.amount) for a in a1.adjustments] == [("CO", "45", D("200.00")),
                                                                       ("PR", "2", D("30.00"))]
    assert (a2.paid, a2.units, a2.procedure.modifiers) == (D("8000.00"), D(200), ("JZ",))
    assert [(a.group, a.reason, a.amount) for a in a2.adjustments] == [
        ("CO", "45", D("1717.00")), ("PR", "1", D("283.00")), ("PR", "2", D("2000.00"))]
    for line, adj in ((line1, a1), (line2, a2)):  # SNIP 3 / COB: paid + CAS = line charge
        assert adj.paid + sum(a.amount for a in adj.adjustments) == line.charge
    assert back.charge - sum(a.amount for ln in back.lines for a in ln.adjudications[0].adjustments) == op.paid


def test_the_sandbox_pays_it_as_secondary_and_its_835_posts_with_every_line_balanced(session, p, tmp_path):
    primary = paid_with_pr(session, p)
    (sec,) = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY).built
    (batch,) = create_batches(session, actor="biller", now=LATER, claims=[sec], receiver=Receiver()).batches
    for status in (ClaimStatus.ACK_ACCEPTED, ClaimStatus.PAYER_ACCEPTED):
        lifecycle.transition(sec, status, actor="test", reason="test", at=LATER)
    mailbox = tmp_path / "mailbox"
    (mailbox / "outbound").mkdir(parents=True)
    comm = payer_config(p["commercial"], members=[{"member_id": sec.coverage.member_id,
                                                   "coverage_from": "2026-01-01"}], covers=["1", "2"])
    (mailbox / "sandbox_config.json").write_text(json.dumps({"payers": {"60054": comm}}))
    (mailbox / "outbound" / batch.file_name).write_text(batch.content)
    (answer,) = process_inbox(mailbox, today=TODAY).files
    assert answer.ack_999_status == "A", answer.problems
    text = answer.remittance.read_text()
    (remit,) = remittances(read(text))
    (cp,) = remit.claims
    assert cp.status == "2" and cp.patient_control_number == sec.patient_control_number
    # The secondary paid against the primary's patient share; the primary's part is OA-23.
    assert all(any(a.group == "OA" and a.reason == "23" for a in s.adjustments) for s in cp.services)
    assert cp.paid > 0
    post(session, text, "secondary.835")
    session.flush()
    assert ledger.is_balanced(session)
    assert sec.status is ClaimStatus.PAID
    # Each line: charge - payments - adjustments (both payers) = what is left, all with the patient.
    left_to_patient = D("0.00")
    for line in primary.lines:
        paid, adjusted = _money(session, line.charge_line_id)
        assert paid > 0 and adjusted > 0
        assert ledger.charge_line_balance(session, line.charge_line_id) == line.charge - paid - adjusted
    for s in cp.services:
        left_to_patient += sum((a.amount for a in s.adjustments if a.group == "PR"), D("0.00"))
    assert ledger.patient_balance(session, primary.patient_id) == left_to_patient
    assert ledger.payer_balance(session, primary.payer_id) == 0
    assert ledger.payer_balance(session, sec.payer_id) == 0
    assert ledger.claim_balance(session, primary.id) == left_to_patient


def _money(session, charge_line_id: int) -> tuple[Decimal, Decimal]:
    """Payments (cash debited) and contractual adjustments posted on a charge line, from the journal."""
    rows = session.execute(select(JournalLine.account, JournalLine.amount)
                           .where(JournalLine.charge_line_id == charge_line_id)).all()
    paid = sum((amount for account, amount in rows if Account(account) is Account.CASH), D("0.00"))
    adjusted = sum((amount for account, amount in rows if Account(account) is Account.CONTRACTUAL_ADJUSTMENTS),
                   D("0.00"))
    return paid, adjusted


def test_a_crossover_produces_no_secondary_claim_and_says_why(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
    cp = clp(claim, "19", [svc("96413", "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")],
                               control=claim.lines[0].line_control_number)])
    cp.other = [make_segment(["MOA", "", "", "MA18"])]
    post(session, era_text([cp]))
    result = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY)
    assert result.built == []
    (skip,) = result.skipped
    assert skip.patient_control_number == claim.patient_control_number and skip.next_payer == "COMM"
    assert "crossed over" in skip.reason and "duplicate" in skip.reason


def test_nothing_left_for_the_secondary_builds_nothing(session, p):
    paid_in_full = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
    all_co = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
    no_secondary = billed_claim(session, p, [("96413", "350.00", (), 1)])
    post(session, era_text([
        clp(paid_in_full, "1", [svc("96413", "350.00", "300.00", [("CO", "45", "50.00")])], icn="A1"),
        clp(all_co, "4", [svc("96413", "350.00", "0.00", [("CO", "97", "350.00")])], icn="A2"),
        clp(no_secondary, "1", [svc("96413", "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")])],
            icn="A3"),
    ]))
    result = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY)
    assert result.built == [] and result.no_next_payer == 1
    reasons = {s.patient_control_number: s.reason for s in result.skipped}
    assert set(reasons) == {paid_in_full.patient_control_number, all_co.patient_control_number}
    assert all("nothing left for the next payer" in r for r in reasons.values())


def test_a_reversed_then_repaid_primary_is_billed_from_the_latest_adjudication(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
    first = clp(claim, "1", [svc("96413", "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")])],
                icn="ICN1")
    post(session, era_text([first], trace="T1"))
    undo = clp(claim, "22", [svc("96413", "-350.00", "-120.00", [("CO", "45", "-200.00"), ("PR", "2", "-30.00")])],
               icn="ICN1")
    again = clp(claim, "1", [svc("96413", "350.00", "100.00", [("CO", "45", "150.00"), ("PR", "1", "100.00")])],
                icn="ICN2")
    post(session, era_text([undo, again], trace="T2", control=2))
    facts = prior_adjudication(session, claim)
    assert facts.payer_claim_number == "ICN2" and facts.paid == D("100.00")
    (sec,) = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY).built
    (batch,) = create_batches(session, actor="biller", now=LATER, claims=[sec], receiver=Receiver()).batches
    (doc,) = professional_claims(read(batch.content))
    (adj,) = doc.claims[0].lines[0].adjudications
    assert adj.paid == D("100.00")
    assert [(a.group, a.reason, a.amount) for a in adj.adjustments] == [("CO", "45", D("150.00")),
                                                                      ("PR", "1", D("100.00"))]
    assert doc.claims[0].other_payers[0].remaining_patient_liability == D("100.00")


def test_an_unmatched_remit_line_invents_no_adjudication(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1), ("J9271", "12000.00", ("JZ",), 200)],
                         secondary="COMM")
    post(session, era_text([clp(claim, "1", [
        svc("96413", "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")]),
        svc("J9999", "12000.00", "8000.00", [("CO", "45", "2000.00"), ("PR", "2", "2000.00")], units="200"),
    ])]))
    result = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY)
    assert result.built == []
    (skip,) = result.skipped
    assert "matched to no claim line" in skip.reason and "J9999" in skip.reason


def test_a_claim_not_yet_remitted_waits(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
    assert claim.status is ClaimStatus.PAYER_ACCEPTED
    assert build_secondary_claims(session, actor="biller", now=LATER, today=TODAY).built == []


def test_a_tertiary_claim_carries_both_prior_payers(session, p):
    """Medicare, then the commercial plan as secondary, then a third plan: the tertiary 837 has a 2320
    per prior payer (SBR01 P and S) and a 2430 per prior payer on every line, and passes pyx12."""
    from oncobill.patients import service as patients
    from oncobill.practice import service as practice_service

    third = practice_service.add_payer(session, code="TRI", name="Tertiary Test Plan", payer_id="77777",
                                       kind="commercial", claim_filing_indicator="CI", timely_filing_days=180)
    practice_service.enroll(session, provider=p["doctor"], payer=third, status="enrolled",
                            effective_date=date(2020, 1, 1))
    primary = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
    patients.add_coverage(session, patient=primary.patient, payer_code="TRI", priority="tertiary",
                          member_id="T000000009", effective_date=date(2026, 1, 1))
    post(session, era_text([clp(primary, "1", [svc("96413", "350.00", "120.00",
                                                   [("CO", "45", "200.00"), ("PR", "2", "30.00")])], icn="P1")]))
    (sec,) = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY).built
    for status in (ClaimStatus.SUBMITTED, ClaimStatus.ACK_ACCEPTED, ClaimStatus.PAYER_ACCEPTED):
        lifecycle.transition(sec, status, actor="test", reason="test", at=LATER)
    post(session, era_text([clp(sec, "2", [svc("96413", "350.00", "20.00", [("OA", "23", "320.00"),
                                                                           ("PR", "2", "10.00")])], icn="S1")],
                           trace="SEC1", control=2, payer_id="60054"), "secondary.835")
    result = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY)
    (tertiary,) = result.built
    assert tertiary.status is ClaimStatus.READY, [(f.edit_id, f.message) for f in tertiary.findings]
    assert tertiary.primary_claim_id == sec.id and tertiary.payer_id == third.id
    assert tertiary.coverage.priority.value == "tertiary"
    (batch,) = create_batches(session, actor="biller", now=LATER, claims=[tertiary], receiver=Receiver()).batches
    assert pyx12_errors(batch.content) == []
    (doc,) = professional_claims(read(batch.content))
    (back,) = doc.claims
    assert back.coverage.responsibility == "T"
    assert [(op.responsibility, op.payer.payer_id, op.paid, op.remaining_patient_liability)
            for op in back.other_payers] == [("P", "00952", D("120.00"), D("30.00")),
                                             ("S", "60054", D("20.00"), D("10.00"))]
    assert [(a.payer_id, a.paid) for a in back.lines[0].adjudications] == [("00952", D("120.00")),
                                                                          ("60054", D("20.00"))]
    # Medicare's patient share went to the commercial plan, its remainder to the tertiary plan.
    assert ledger.payer_balance(session, third.id) == D("10.00")


def test_a_crossover_reversed_and_paid_again_without_forwarding_is_billed_by_us(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
    crossed = clp(claim, "19", [svc("96413", "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")])],
                  icn="C1")
    crossed.other = [make_segment(["MOA", "", "", "MA18"])]
    post(session, era_text([crossed], trace="X1"))
    assert "crossed over" in build_secondary_claims(session, actor="b", now=LATER, today=TODAY).skipped[0].reason
    undo = clp(claim, "22", [svc("96413", "-350.00", "-120.00", [("CO", "45", "-200.00"), ("PR", "2", "-30.00")])],
               icn="C1")
    again = clp(claim, "1", [svc("96413", "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")])],
                icn="C2")
    post(session, era_text([undo, again], trace="X2", control=2))
    (sec,) = build_secondary_claims(session, actor="b", now=LATER, today=TODAY).built
    assert sec.primary_claim_id == claim.id


def test_the_crossover_partner_s_own_clp_on_the_claim_is_not_the_primary_s_adjudication(session, p):
    """Medicare forwarded the claim (CLP02 19 + MA18) and the Medigap plan's 835 answers the same CLP01
    (CLP02 2): the later CLP is not Medicare's adjudication, and the claim is not billed again; nor is
    one whose Medicare remit forgot the MA18 alert while the next payer has already answered it."""
    alerted = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
    silent = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
    forwarded = clp(alerted, "19", [svc("96413", "350.00", "120.00", [("CO", "45", "200.00"),
                                                                       ("PR", "2", "30.00")])], icn="M1")
    forwarded.other = [make_segment(["MOA", "", "", "MA18"])]
    plain = clp(silent, "1", [svc("96413", "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")])],
                icn="M2")
    post(session, era_text([forwarded, plain], trace="MCR1"))
    partner = [clp(c, "2", [svc("96413", "350.00", "30.00", [("OA", "23", "320.00")])], icn=f"G{n}")
               for n, c in enumerate((alerted, silent))]
    post(session, era_text(partner, trace="GAP1", control=2, payer_id="60054"), "medigap.835")
    facts = prior_adjudication(session, alerted)
    assert (facts.status, facts.payer_claim_number, facts.paid) == ("19", "M1", D("120.00"))
    result = build_secondary_claims(session, actor="b", now=LATER, today=TODAY)
    assert result.built == []
    reasons = {s.patient_control_number: s.reason for s in result.skipped}
    assert "crossed over" in reasons[alerted.patient_control_number]
    assert "already adjudicated this claim (its claim G1)" in reasons[silent.patient_control_number]
