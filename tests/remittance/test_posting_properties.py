"""Properties of posting, without a database: random remits against random claims keep the ledger
balanced, and each line's balance is its charge minus payments minus adjustments (PR transfers
move who owes, not how much); matching survives reordered lines and dropped or reordered modifiers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from oncobill.ledger import rules as ledger
from oncobill.ledger.rules import Account, Party, Refs
from oncobill.remittance import posting
from oncobill.remittance.matching import BilledLine, match_lines
from oncobill.x12.remit835 import Adjustment, Procedure, ServicePayment

ZERO = Decimal("0.00")
PAYER, SECONDARY = 1, 2
cents = st.integers(min_value=1, max_value=2_000_000).map(lambda c: Decimal(c).scaleb(-2))
signed_cents = st.integers(min_value=-50_000, max_value=2_000_000).map(lambda c: Decimal(c).scaleb(-2))
CODES = ["96413", "96415", "96417", "96375", "J9271", "J9045", "J2505", "96367"]
MODS = ["25", "59", "JZ", "JW", "XU", "GA"]
adjustment = st.builds(Adjustment, st.sampled_from(["CO", "PI", "OA", "PR"]),
                       st.sampled_from(["1", "2", "3", "45", "23", "50", "97", "253"]), signed_cents)


@st.composite
def claim_and_remit(draw):
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=6, unique=True))
    billed, remit = [], []
    for i, code in enumerate(codes):
        mods = tuple(draw(st.lists(st.sampled_from(MODS), max_size=3, unique=True)))
        charge = draw(cents)
        day = date(2026, 10, 1) + timedelta(days=draw(st.integers(0, 3)))
        billed.append(BilledLine(i + 1, 100 + i, f"PCN-{i + 1:02d}", code, mods, day, Decimal(1), charge))
        sent = tuple(draw(st.permutations(mods)))[: draw(st.integers(0, len(mods)))]  # dropped, reordered
        remit.append(ServicePayment(Procedure("HC", code, sent), charge, draw(signed_cents), service_date=day,
                                    line_control_number=draw(st.sampled_from(["", f"PCN-{i + 1:02d}"])),
                                    adjustments=draw(st.lists(adjustment, max_size=5))))
    order = draw(st.permutations(range(len(remit))))
    return billed, [remit[i] for i in order], draw(st.booleans()), draw(st.booleans())


@settings(max_examples=200, deadline=None)
@given(claim_and_remit())
def test_random_remits_keep_the_ledger_balanced_and_line_balances_exact(case):
    billed, remit, has_secondary, secondary_remit = case
    next_party = Party.payer(SECONDARY) if has_secondary else Party.patient()
    drafts = [ledger.charge(Refs(patient_id=7, charge_line_id=b.charge_line_id), b.charge, Party.payer(PAYER))
              for b in billed]
    matches = match_lines(remit, billed)
    assert all(m.billed is not None for m in matches)  # every remit line found its billed line
    assert {m.billed.claim_line_id for m in matches} == {b.claim_line_id for b in billed}
    expected: dict[int, Decimal] = {}
    moved = ZERO
    for m in matches:
        assert m.billed.code == m.remit_line.procedure.code
        target = posting.LinePosting(Refs(patient_id=7, charge_line_id=m.billed.charge_line_id,
                                          claim_line_id=m.billed.claim_line_id), PAYER, next_party, secondary_remit)
        entry = posting.line_entry(target, m.remit_line.paid, m.remit_line.adjustments, "test")
        drafts += [entry] if entry is not None else []
        written_off = sum((a.amount for a in m.remit_line.adjustments if a.group != "PR"
                           and not (a.group == "OA" and a.reason == "23" and secondary_remit)), ZERO)
        moved += sum((a.amount for a in m.remit_line.adjustments if a.group == "PR"), ZERO)
        expected[m.billed.charge_line_id] = m.billed.charge - m.remit_line.paid - written_off
    postings = [p for d in drafts for p in d.postings]
    assert all(sum((p.amount for p in d.postings), ZERO) == ZERO for d in drafts)
    balances = ledger.derive_balances(postings)
    assert sum(balances.by_account.values(), ZERO) == ZERO
    for line_id, owed in expected.items():
        assert balances.by_charge_line.get(line_id, ZERO) == owed
    next_owes = balances.by_payer.get(SECONDARY, ZERO) if has_secondary else balances.by_patient.get(7, ZERO)
    assert next_owes == moved  # PR moved responsibility, no more and no less
    assert balances.by_account.get(Account.CASH, ZERO) == sum((r.paid for r in remit), ZERO)


@given(st.integers(min_value=-10_000_000, max_value=10_000_000),
       st.lists(st.integers(min_value=0, max_value=1_000_000), min_size=1, max_size=8))
def test_claim_level_adjustment_is_spread_to_the_cent(amount_cents, weights):
    amount = Decimal(amount_cents).scaleb(-2)
    shares = posting.allocate(amount, [Decimal(w).scaleb(-2) for w in weights])
    assert sum(shares, ZERO) == amount and all(s == s.quantize(Decimal("0.01")) for s in shares)


def test_a_remit_line_is_one_entry_relieving_the_payer_once():
    """Payment, CO and PR of one line: one entry, each debit under its reason, one credit to the payer's
    A/R for everything the line adjudicated (the 835 poster's 4 postings a line instead of 6)."""
    refs = Refs(patient_id=7, charge_line_id=11, claim_line_id=12, claim_id=13)
    target = posting.LinePosting(refs, PAYER, Party.payer(SECONDARY), False)
    entry = posting.line_entry(target, Decimal("200.00"), [Adjustment("CO", "45", Decimal("100.00")),
                                                            Adjustment("PR", "2", Decimal("50.00")),
                                                            Adjustment("CO", "253", Decimal("-4.00"))], "m")
    assert entry.kind is ledger.EntryKind.REMITTANCE and "given back" in entry.memo
    shape = [(p.account, p.amount, p.payer_id, p.reason_code) for p in entry.postings]
    assert shape == [(Account.CASH, Decimal("200.00"), PAYER, None),
                     (Account.CONTRACTUAL_ADJUSTMENTS, Decimal("100.00"), None, "CO-45"),
                     (Account.AR_PAYER, Decimal("50.00"), SECONDARY, "PR-2"),
                     (Account.CONTRACTUAL_ADJUSTMENTS, Decimal("-4.00"), None, "CO-253"),
                     (Account.AR_PAYER, Decimal("-346.00"), PAYER, None)]
    assert all((p.patient_id, p.charge_line_id, p.claim_line_id, p.claim_id) == (7, 11, 12, 13) for p in entry.postings)
    assert posting.line_entry(target, Decimal("0.00"), [Adjustment("CO", "45", Decimal("0.00"))], "m") is None
    secondary = posting.LinePosting(refs, SECONDARY, Party.patient(), True)
    only_oa23 = posting.line_entry(secondary, Decimal("0.00"), [Adjustment("OA", "23", Decimal("80.00"))], "m")
    assert only_oa23 is None  # the prior payer's share moves nothing on a secondary's remit
