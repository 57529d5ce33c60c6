"""The stored ledger: random sequences of money events keep every entry balanced and every
balance equal to the sum of its entries (on SQLite and PostgreSQL)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from oncobill.charges import service as charges
from oncobill.errors import InvalidInput
from oncobill.ledger import rules as L
from oncobill.ledger import service as ledger
from oncobill.ledger.models import JournalEntry, JournalLine
from oncobill.patients import service as patients
from oncobill.reports.ledger_check import broken_references
from tests.factories import small_practice

DOS = date(2026, 10, 6)


def _setup(session):
    entity, doctor, clinic, medicare, commercial = small_practice(session)
    lines = []
    for n in range(2):
        patient = patients.add_patient(
            session, account_number=f"PT{n}", first_name="Test", last_name=f"Patient{n}",
            birth_date=date(1950, 1, 1), sex="F", address_line1="2 Elm", city="Springfield", state="IL",
            zip_code="62701",
        )
        patients.add_coverage(session, patient=patient, payer_code="MCR", priority="primary",
                              member_id=f"1EG4TE5MK7{n}", effective_date=date(2026, 1, 1))
        encounter = charges.record_encounter(session, patient=patient, location=clinic, provider=doctor,
                                             date_of_service=DOS, diagnoses=["C50.911"])
        for code, amount in (("96413", "450.00"), ("J9271", "12000.00")):
            lines.append(charges.add_charge_line(session, encounter=encounter, code=code, units=1,
                                                 charge=amount, dx_pointers=[1], actor="test"))
    return lines, [medicare.id, commercial.id]


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000.00"), places=2)
events = st.lists(
    st.tuples(
        st.sampled_from(["payer_payment", "contractual", "to_secondary", "to_patient", "patient_payment",
                         "write_off", "refund", "reverse"]),
        st.integers(min_value=0, max_value=3),  # which line
        st.integers(min_value=0, max_value=1),  # which payer
        amounts,
        st.integers(min_value=0, max_value=50),  # which earlier entry to reverse
    ),
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events)
def test_random_events_keep_ledger_balanced(session, event_list):
    nested = session.begin_nested()
    try:
        lines, payer_ids = _setup(session)
        posted = list(session.scalars(select(JournalEntry)))
        for kind, line_index, payer_index, amount, target in event_list:
            line = lines[line_index]
            refs = L.Refs(patient_id=line.encounter.patient_id, charge_line_id=line.id)
            payer_id = payer_ids[payer_index]
            other = payer_ids[1 - payer_index]
            draft = {
                "payer_payment": lambda: L.payer_payment(refs, payer_id, amount),
                "contractual": lambda: L.contractual_adjustment(refs, payer_id, amount),
                "to_secondary": lambda: L.transfer(refs, L.Party.payer(payer_id), L.Party.payer(other), amount),
                "to_patient": lambda: L.transfer(refs, L.Party.payer(payer_id), L.Party.patient(), amount,
                                                 reason_code="PR-2"),
                "patient_payment": lambda: L.patient_payment(refs, amount),
                "write_off": lambda: L.write_off(refs, L.Party.payer(payer_id), amount, reason_code="CO-29"),
                "refund": lambda: L.refund(refs, L.Party.patient(), amount),
                "reverse": lambda: None,
            }[kind]()
            if draft is None:
                candidates = [e for e in posted if e.kind is not L.EntryKind.REVERSAL]
                original = candidates[target % len(candidates)]
                try:
                    posted.append(ledger.reverse(session, original.id, effective_date=DOS, actor="test"))
                except InvalidInput as exc:
                    assert "already reversed" in str(exc)
                continue
            posted.append(ledger.post(session, draft, effective_date=DOS, actor="test"))

        assert ledger.unbalanced_entries(session) == []
        assert sum(ledger.trial_balance(session).values(), Decimal("0.00")) == Decimal("0.00")
        assert ledger.is_balanced(session)

        # Every balance equals the sum of its entries, computed independently in Python.
        postings = [
            L.Posting(row.account, row.amount, row.payer_id, row.patient_id, row.charge_line_id, row.claim_line_id,
                      row.claim_id)
            for row in session.scalars(select(JournalLine))
        ]
        expected = L.derive_balances(postings)
        assert ledger.accounts_receivable(session) == expected.accounts_receivable
        for payer_id in payer_ids:
            assert ledger.payer_balance(session, payer_id) == expected.by_payer.get(payer_id, Decimal("0.00"))
        for line in lines:
            assert ledger.charge_line_balance(session, line.id) == expected.by_charge_line[line.id]
            patient_id = line.encounter.patient_id
            assert ledger.patient_balance(session, patient_id) == expected.by_patient.get(patient_id, Decimal("0.00"))
        assert ledger.ar_by_payer(session) == {k: v for k, v in expected.by_payer.items()}
    finally:
        nested.rollback()


def test_entry_can_be_reversed_only_once(session):
    lines, payer_ids = _setup(session)
    refs = L.Refs(patient_id=lines[0].encounter.patient_id, charge_line_id=lines[0].id)
    payment = ledger.post(session, L.payer_payment(refs, payer_ids[0], "100.00"), effective_date=DOS, actor="t")
    ledger.reverse(session, payment.id, effective_date=DOS, actor="t")
    with pytest.raises(InvalidInput, match="already reversed"):
        ledger.reverse(session, payment.id, effective_date=DOS, actor="t")
    assert ledger.charge_line_balance(session, lines[0].id) == Decimal("450.00")


def test_charge_goes_to_primary_payer_on_date_of_service(session):
    lines, payer_ids = _setup(session)
    assert ledger.payer_balance(session, payer_ids[0]) == Decimal("24900.00")
    assert ledger.accounts_receivable(session) == Decimal("24900.00")
    assert ledger.trial_balance(session)[L.Account.GROSS_CHARGES] == Decimal("-24900.00")


def test_ledger_check_finds_postings_whose_references_are_wrong(session):
    """Payer, patient, claim and claim line carry no foreign key on a posting: the check is their audit."""
    lines, payer_ids = _setup(session)
    refs = L.Refs(patient_id=lines[0].encounter.patient_id, charge_line_id=lines[0].id)
    entry = ledger.post(session, L.payer_payment(refs, payer_ids[0], "100.00"), effective_date=DOS, actor="t")
    assert broken_references(session) == []
    other_patient = lines[2].encounter.patient_id
    cash, ar = entry.lines
    nested = session.begin_nested()
    try:
        ar.patient_id = other_patient  # names another patient than its charge line's
        cash.payer_id = 987654  # a payer that does not exist
        session.flush()
        found = {(b["posting"], b["problem"]) for b in broken_references(session)}
        assert found == {(ar.id, "patient differs from the charge line's"), (cash.id, "no such payer")}
        ar.payer_id = None
        cash.payer_id, ar.patient_id, ar.claim_id, ar.claim_line_id = payer_ids[0], lines[0].encounter.patient_id, 424242, 434343
        session.flush()
        found = {(b["posting"], b["problem"]) for b in broken_references(session)}
        assert found == {(ar.id, "no such claim"), (ar.id, "no such claim line"),
                         (ar.id, "an A/R-with-payer posting names no payer")}
    finally:
        nested.rollback()
    assert broken_references(session) == []


def test_every_posting_keeps_its_reason(session):
    """A reason given to an event is on both of its postings (the query by CARC reads postings)."""
    lines, payer_ids = _setup(session)
    refs = L.Refs(patient_id=lines[0].encounter.patient_id, charge_line_id=lines[0].id)
    entry = ledger.post(session, L.transfer(refs, L.Party.payer(payer_ids[0]), L.Party.patient(), "30.00",
                                            reason_code="PR-1"), effective_date=DOS, actor="t")
    assert [line.reason_code for line in entry.lines] == ["PR-1", "PR-1"]
    back = ledger.reverse(session, entry.id, effective_date=DOS, actor="t")
    assert [line.reason_code for line in back.lines] == ["PR-1", "PR-1"]
