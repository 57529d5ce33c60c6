"""Pure ledger rules: every event is one balanced entry, amounts are checked."""

from decimal import Decimal

import pytest

from oncobill.errors import InvalidInput
from oncobill.ledger import rules as L


def test_charge_debits_the_responsible_party_and_credits_gross_charges():
    entry = L.charge(L.Refs(patient_id=1, charge_line_id=7), "1250.00", L.Party.payer(3))
    assert entry.kind is L.EntryKind.CHARGE
    assert [(p.account, p.amount, p.payer_id) for p in entry.postings] == [
        (L.Account.AR_PAYER, Decimal("1250.00"), 3),
        (L.Account.GROSS_CHARGES, Decimal("-1250.00"), None),
    ]


def test_transfer_to_patient_moves_responsibility_only():
    entry = L.transfer(L.Refs(patient_id=1, charge_line_id=7), L.Party.payer(3), L.Party.patient(), "40.00",
                       reason_code="PR-2")
    assert entry.kind is L.EntryKind.TRANSFER_TO_PATIENT
    balances = L.derive_balances(entry.postings)
    assert balances.accounts_receivable == Decimal("0.00")
    assert balances.by_patient == {1: Decimal("40.00")}
    assert balances.by_payer == {3: Decimal("-40.00")}


@pytest.mark.parametrize("amount", ["-5.00", "0", "0.00", "1.234", "abc"])
def test_bad_amounts_are_refused(amount):
    with pytest.raises(InvalidInput):
        L.charge(L.Refs(patient_id=1), amount, L.Party.patient())


def test_float_amount_is_refused():
    with pytest.raises(InvalidInput, match="float"):
        L.payer_payment(L.Refs(), 3, 10.5)


def test_unbalanced_draft_cannot_be_built():
    with pytest.raises(InvalidInput, match="differ by"):
        L.EntryDraft(L.EntryKind.CHARGE, (L.Posting(L.Account.CASH, Decimal("1.00")),
                                          L.Posting(L.Account.GROSS_CHARGES, Decimal("-0.99"))))


def test_reversal_mirrors_and_cannot_itself_be_reversed():
    original = L.payer_payment(L.Refs(patient_id=1, charge_line_id=2), 3, "80.00")
    undo = L.reversal(original, 11)
    assert undo.reverses_entry_id == 11
    assert L.derive_balances(original.postings + undo.postings).by_account == {
        L.Account.CASH: Decimal("0.00"), L.Account.AR_PAYER: Decimal("0.00")}
    with pytest.raises(InvalidInput):
        L.reversal(undo, 12)


def test_transfer_to_same_party_is_refused():
    with pytest.raises(InvalidInput, match="both"):
        L.transfer(L.Refs(), L.Party.payer(1), L.Party.payer(1), "5.00")


def test_write_off_needs_a_reason():
    with pytest.raises(InvalidInput, match="reason"):
        L.write_off(L.Refs(), L.Party.payer(1), "5.00", reason_code="")
