"""Replacement (frequency 7) and void (8) claims: the payer reverses the original (CLP02 22, every
amount negated), gives back the member's deductible, and adjudicates the replacement afresh."""

from __future__ import annotations

from decimal import Decimal

from ..x12.oracle import pyx12_errors
from .builders import acks_277, claim, line, member, remits

D = Decimal
KEYTRUDA = "00006302602"


def _original(sandbox, pcn="ORIG1", who="MBR003", mods=()):
    report = sandbox.send([claim(pcn, [line("96413", "400.00"), line("J9271", "15000.00", "200", mods=mods,
                                                                     ndc=KEYTRUDA)], subscriber=member(who))])  # fmt: skip
    return sandbox.claim(report, pcn, "MCR01")


def _follow_up(pcn, icn, frequency, who="MBR003", mods=("JZ",)):
    c = claim(pcn, [line("96413", "400.00"), line("J9271", "15000.00", "200", mods=mods, ndc=KEYTRUDA)],
              subscriber=member(who))  # fmt: skip
    c.frequency, c.payer_claim_control_number = frequency, icn
    return c


def test_replacement_reverses_the_original_and_adjudicates_the_corrected_claim(sandbox):
    first = _original(sandbox)
    assert first.status == "1" and first.services[1].adjustments[0].reason == "4"  # JZ missing
    report = sandbox.send([_follow_up("ORIG1", first.payer_claim_control_number, "7")])
    assert pyx12_errors(report.files[0].remittance.read_text()) == []
    (remit,) = remits(report.files[0].remittance)
    reversal, new = remit.claims
    assert (reversal.status, reversal.payer_claim_control_number) == ("22", first.payer_claim_control_number)
    assert (reversal.charge, reversal.paid) == (-first.charge, -first.paid)
    assert [a.amount for s in reversal.services for a in s.adjustments] == \
        [-a.amount for s in first.services for a in s.adjustments]  # fmt: skip
    assert new.status == "1" and new.frequency == "7"
    assert new.payer_claim_control_number != first.payer_claim_control_number
    # The deductible the original took was given back: the administration line adjudicates the same way again.
    assert new.services[0].adjustments == first.services[0].adjustments
    assert new.services[1].paid > 0  # now with JZ
    assert remit.payment_amount == reversal.paid + new.paid
    outcome = report.claims[0]
    assert (outcome.reverses, outcome.status) == (first.payer_claim_control_number, "1")


def test_void_takes_the_payment_back_through_a_forwarding_balance(sandbox):
    first = _original(sandbox, "PAID1", mods=("JZ",))
    assert first.paid > 0
    report = sandbox.send([_follow_up("PAID1", first.payer_claim_control_number, "8", mods=())])
    assert pyx12_errors(report.files[0].remittance.read_text()) == []
    (remit,) = remits(report.files[0].remittance)
    assert [c.status for c in remit.claims] == ["22"]
    assert remit.payment_amount == 0
    (fb,) = remit.provider_adjustments
    assert (fb.reason, fb.amount) == ("FB", -first.paid)  # owed to the payer, carried forward
    # The next remittance to the same payee recovers it (a positive FB reduces that payment).
    later = sandbox.send([claim("NEXT1", [line("J9271", "15000.00", "200", mods=("JZ",), ndc=KEYTRUDA)],
                                subscriber=member("MBR003"))])  # fmt: skip
    (remit2,) = remits(later.files[0].remittance)
    (recovered,) = remit2.provider_adjustments
    # (the deductible the void gave back makes this payment 104.49 smaller than the debt: the rest stays owed)
    assert (recovered.reason, recovered.amount) == ("FB", min(first.paid, remit2.claims[0].paid))
    assert remit2.payment_amount == remit2.claims[0].paid - recovered.amount >= 0
    assert pyx12_errors(later.files[0].remittance.read_text()) == []


def test_replacement_of_a_crossed_over_claim_reverses_the_supplemental_payment_too(sandbox):
    first = _original(sandbox, "XO7", who="MBR001")
    assert first.status == "19"
    report = sandbox.send([_follow_up("XO7", first.payer_claim_control_number, "7", who="MBR001")])
    got = {(r.payer_id, c.status) for r in remits(report.files[0].remittance) for c in r.claims}
    assert got == {("MCR01", "22"), ("MCR01", "19"), ("MGAP1", "22"), ("MGAP1", "2")}


def test_unknown_or_already_reversed_claim_number_is_rejected_at_the_277ca(sandbox):
    first = _original(sandbox, "ONE1")
    sandbox.send([_follow_up("ONE1", first.payer_claim_control_number, "8")])
    report = sandbox.send([_follow_up("ONE1", first.payer_claim_control_number, "7"),
                           _follow_up("ONE2", "NOSUCHICN", "7")])  # fmt: skip
    statuses = [[(s.category, s.code) for s in c.statuses]
                for p in acks_277(report.files[0].ack_277ca)[0].providers for c in p.claims]  # fmt: skip
    assert statuses == [[("A7", "464")], [("A7", "464")]]
    assert report.files[0].remittance is None


def test_two_corrections_of_one_claim_in_one_file_reverse_it_once(sandbox):
    first = _original(sandbox, "TWICE", mods=("JZ",))
    icn = first.payer_claim_control_number
    report = sandbox.send([_follow_up("TWICE", icn, "7"), _follow_up("TWICE", icn, "8")])
    statuses = [[(s.category, s.code) for s in c.statuses]
                for p in acks_277(report.files[0].ack_277ca)[0].providers for c in p.claims]  # fmt: skip
    assert statuses == [[("A2", "20")], [("A7", "464")]]
    assert [c.status for r in remits(report.files[0].remittance) for c in r.claims] == ["22", "1"]
