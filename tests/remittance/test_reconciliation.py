"""Deposits against ERAs: matched by trace and amount, suggested by amount and date, the rest reported."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncobill.errors import InvalidInput
from oncobill.remittance.reconciliation import (
    Deposit,
    EraSummary,
    normalize_trace,
    parse_bai2,
    parse_deposits_csv,
    reconcile,
)
from oncobill.x12.remit835 import Remittance

PAID = date(2026, 11, 20)


def era(trace, amount, paid=PAID, payer="MEDICARE PART B", source=None):
    return EraSummary(payer, trace, paid, Decimal(amount), source or f"era-{trace}-{amount}")


def dep(amount, day=PAID, reference="", description="", source=None):
    return Deposit(day, Decimal(amount), reference, description, source or f"dep-{reference}-{amount}-{day}")


def test_trace_and_amount_match_from_reference_or_ccd_addenda():
    eras = [era("SBMCR000000123", "9761.27"), era("SBPBP000000456", "1200.00")]
    deposits = [dep("9761.27", reference="SBMCR000000123"),
                dep("1200.00", PAID + timedelta(days=2), description="HCCLAIMPMT PRAIRIE TRN*1*SBPBP000000456*1999999999\\")]
    result = reconcile(eras, deposits)
    assert [m.eras[0].trace_number for m in result.matches] == ["SBMCR000000123", "SBPBP000000456"]
    assert all(m.basis.startswith("trace number and amount") for m in result.matches)
    assert not (result.suggestions or result.unmatched_eras or result.unmatched_deposits)


def test_several_eras_under_one_trace_add_up_to_one_deposit():
    eras = [era("EFT777", "100.00", source="a"), era("EFT777", "250.50", source="b")]
    result = reconcile(eras, [dep("350.50", reference="eft-777")])
    assert len(result.matches) == 1 and len(result.matches[0].eras) == 2
    assert "2 ERAs adding up" in result.matches[0].basis


def test_trace_with_a_different_amount_is_reported_not_matched_nor_suggested():
    result = reconcile([era("CHK10045", "500.00")], [dep("450.00", reference="CHK10045"), dep("500.00")])
    assert not result.matches
    assert not result.suggestions  # the ERA with a trace discrepancy is left for a person
    (u,) = result.unmatched_eras
    assert "amounts differ" in u.reason
    reasons = sorted(d.reason for d in result.unmatched_deposits)
    assert any("trace CHK10045 names ERA(s) of 500.00, but the deposit is 450.00" in r for r in reasons)


def test_amount_and_date_window_give_a_suggestion_closest_first():
    eras = [era("X1", "812.40", PAID)]
    deposits = [dep("812.40", PAID + timedelta(days=4), source="late"), dep("812.40", PAID + timedelta(days=1),
                                                                           source="near")]
    result = reconcile(eras, deposits)
    (s,) = result.suggestions
    assert s.deposit.source == "near" and "1 day(s) after the payment date" in s.basis
    assert [u.deposit.source for u in result.unmatched_deposits] == ["late"]


def test_outside_the_window_stays_unmatched_with_reasons():
    result = reconcile([era("X1", "812.40", PAID)], [dep("812.40", PAID + timedelta(days=6))])
    assert not result.suggestions
    assert "within 1 day(s) before to 5 after 2026-11-20" in result.unmatched_eras[0].reason
    assert "a payment without its 835" in result.unmatched_deposits[0].reason


def test_zero_payment_era_expects_no_deposit():
    result = reconcile([era("X0", "0.00")], [])
    assert "no deposit expected" in result.unmatched_eras[0].reason


def test_bad_amounts_are_refused_naming_the_deposit():
    with pytest.raises(InvalidInput, match="deposit bank.csv line 3.*positive"):
        reconcile([], [dep("-5.00", source="bank.csv line 3")])


def test_era_summary_from_a_typed_835():
    remit = Remittance(payment_amount=Decimal("9761.27"), payment_date=PAID, trace_number="SBMCR1", payer_name="MCR")
    assert EraSummary.from_remittance(remit, "inbound/000000001.835") == EraSummary(
        "MCR", "SBMCR1", PAID, Decimal("9761.27"), "inbound/000000001.835")


def test_trace_normalization():
    assert normalize_trace(" 000123-45 ") == "12345" and normalize_trace("000") == "000"


# -- property: every item lands once --------------------------------------------------------

amounts = st.integers(min_value=0, max_value=5000).map(lambda c: (Decimal(c) / 100 + Decimal("1.00")).quantize(Decimal("0.01")))
traces = st.sampled_from(["T1", "T2", "T3", "00T3", "", "T4"])
days = st.integers(min_value=-3, max_value=8).map(lambda n: PAID + timedelta(days=n))


@st.composite
def books(draw):
    n_eras = draw(st.integers(0, 8))
    eras = [EraSummary("P", draw(traces), draw(st.one_of(st.none(), days)),
                       draw(st.one_of(amounts, st.just(Decimal("0.00")))), f"E{i}") for i in range(n_eras)]
    deposits = []
    for i in range(draw(st.integers(0, 8))):
        if eras and draw(st.booleans()):  # often a real deposit of an ERA, sometimes with its trace
            e = draw(st.sampled_from(eras))
            amount = e.amount if e.amount > 0 else Decimal("1.00")
            ref = e.trace_number if draw(st.booleans()) else ""
        else:
            amount, ref = draw(amounts), draw(traces)
        deposits.append(Deposit(draw(days), amount, ref, draw(st.sampled_from(["", "TRN*1*T2*1\\", "ACH"])), f"D{i}"))
    return eras, deposits


@settings(max_examples=300, deadline=None)
@given(books())
def test_every_era_and_deposit_is_matched_suggested_or_unmatched_exactly_once(book):
    eras, deposits = book
    result = reconcile(eras, deposits)
    era_seen = Counter(e.source for m in result.matches for e in m.eras)
    era_seen.update(s.era.source for s in result.suggestions)
    era_seen.update(u.era.source for u in result.unmatched_eras)
    dep_seen = Counter(m.deposit.source for m in result.matches)
    dep_seen.update(s.deposit.source for s in result.suggestions)
    dep_seen.update(u.deposit.source for u in result.unmatched_deposits)
    assert era_seen == Counter(e.source for e in eras)
    assert dep_seen == Counter(d.source for d in deposits)
    for m in result.matches:  # a match always balances to the cent
        assert sum(e.amount for e in m.eras) == m.deposit.amount
    for s in result.suggestions:
        assert s.era.amount == s.deposit.amount


# -- bank files -----------------------------------------------------------------------------

def test_csv_layout_reads_credits_and_leaves_debits_out():
    text = ("date,amount,reference,description\n"
            "2026-11-20,9761.27,SBMCR000000123,HCCLAIMPMT MEDICARE\n"
            "2026-11-21,-35.00,,MONTHLY FEE\n"
            '2026-11-23,"1,200.00",,TRN*1*SBPBP000000456*1999999999\\\n')
    got = parse_deposits_csv(text, source="nov.csv")
    assert [(d.date, d.amount, d.reference) for d in got] == [
        (date(2026, 11, 20), Decimal("9761.27"), "SBMCR000000123"), (date(2026, 11, 23), Decimal("1200.00"), "")]
    assert got[1].source == "nov.csv line 4"


@pytest.mark.parametrize("row, message", [
    ("11/20/2026,10.00,,", "nov.csv line 2: date: '11/20/2026' is not a date YYYY-MM-DD"),
    ("2026-11-20,10.001,,", "nov.csv line 2: amount: .*more than two decimals"),
    ("2026-11-20,ten,,", "nov.csv line 2: amount: not an amount"),
])
def test_csv_errors_name_the_line(row, message):
    with pytest.raises(InvalidInput, match=message):
        parse_deposits_csv("date,amount,reference,description\n" + row + "\n", source="nov.csv")
    with pytest.raises(InvalidInput, match="missing column"):
        parse_deposits_csv("day,sum\n", source="nov.csv")


BAI2 = """01,021000021,LAKESHORE,261121,0600,1,80,,2/
02,LAKESHORE,021000021,1,261120,0000,USD,2/
03,123456789,USD,010,5000000,,,015,5200000,,/
16,165,976127,Z,SBMCR000000123,,HCCLAIMPMT MEDICARE PART B
88,TRN*1*SBMCR000000123*1999999999\\
16,475,3500,0,BANKREF77,,SERVICE FEE/
16,169,120000,S,100000,20000,0,9988,,ACH CREDIT PRAIRIE, TRN*1*SBPBP000000456*1999999999\\
16,301,45000,V,261120,1200,CHK55,10045/
49,11344627,7/
98,11344627,1,9/
99,11344627,1,11/
"""


def test_bai2_credits_with_continuations_funds_types_and_trailer_check():
    got = parse_bai2(BAI2, source="nov.bai")
    assert [(d.amount, d.reference) for d in got] == [
        (Decimal("9761.27"), "SBMCR000000123"), (Decimal("1200.00"), "9988"), (Decimal("450.00"), "10045")]
    assert all(d.date == date(2026, 11, 20) for d in got)
    assert "TRN*1*SBMCR000000123*1999999999" in got[0].description
    assert got[1].description == "ACH CREDIT PRAIRIE, TRN*1*SBPBP000000456*1999999999\\"
    eras = [era("SBMCR000000123", "9761.27"), era("SBPBP000000456", "1200.00")]
    assert len(reconcile(eras, got).matches) == 2


def test_bai2_refuses_a_wrong_control_total_or_a_missing_trailer():
    with pytest.raises(InvalidInput, match="nov.bai line 9: account 123456789 control total"):
        parse_bai2(BAI2.replace("49,11344627,7/", "49,11344628,7/"), source="nov.bai")
    with pytest.raises(InvalidInput, match="says 8 records, found 7"):
        parse_bai2(BAI2.replace("49,11344627,7/", "49,11344627,8/"), source="nov.bai")
    truncated = "\n".join(BAI2.splitlines()[:6]) + "\n"
    with pytest.raises(InvalidInput, match="no trailer \\(49\\)"):
        parse_bai2(truncated, source="nov.bai")
    with pytest.raises(InvalidInput, match="nov.bai line 4 field 3: amount '97612x'"):
        parse_bai2(BAI2.replace("976127", "97612x"), source="nov.bai")


def test_a_number_loosely_in_the_text_matches_only_with_the_amount():
    eras = [era("778899", "300.00")]
    loose_same = reconcile(eras, [dep("300.00", PAID + timedelta(days=30), description="PAYER REMIT 778899")])
    assert len(loose_same.matches) == 1
    loose_other = reconcile(eras, [dep("310.00", description="INVOICE 778899"), dep("300.00")])
    assert not loose_other.matches and len(loose_other.suggestions) == 1


def test_an_entered_deposit_is_checked_like_a_file_row():
    from oncobill.remittance.reconciliation import entered_deposit

    d = entered_deposit("2026-11-21", "1200.00", reference="CHK10045", entered_by="jdoe")
    assert (d.date, d.amount, d.reference) == (date(2026, 11, 21), Decimal("1200.00"), "CHK10045")
    assert len(reconcile([era("CHK10045", "1200.00")], [d]).matches) == 1
    with pytest.raises(InvalidInput, match="deposit entered by jdoe: amount.*more than two decimals"):
        entered_deposit("2026-11-21", "12.345", entered_by="jdoe")
    with pytest.raises(InvalidInput, match="must be more than 0"):
        entered_deposit("2026-11-21", "0", entered_by="jdoe")
    with pytest.raises(InvalidInput, match="not a date"):
        entered_deposit("21/11/2026", "5.00")
