"""Deposits and reconciliation on both databases: bank files (CSV and BAI2) imported once and
all-or-nothing, deposits entered by hand, trace matches stored, suggestions confirmed by a person,
unmatched on either side with the reason, and the remit work queue's money posted to nobody yet."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from oncobill.errors import InvalidInput, NotFound
from oncobill.remittance import deposits
from oncobill.remittance.models import Deposit, DepositMatch
from tests.worklists.helpers import D, billed_claim, clp, post, setup_practice, svc

NOW = datetime(2026, 11, 21, 8, 0)


@pytest.fixture
def eras(session):
    """Three posted ERAs (paid 9,000.00, 200.00 and 150.00, BPR16 2026-11-18) and one claim nobody billed."""
    p = setup_practice(session)
    out = {}
    for trace, paid in (("EFT900", "9000.00"), ("EFT200", "200.00"), ("EFT150", "150.00")):
        claim = billed_claim(session, p, [("96413", "9350.00", (), 1)])
        adj = str(D("9350.00") - D(paid))
        line = svc("96413", "9350.00", paid, [("CO", "45", adj)], control=claim.lines[0].line_control_number)
        out[trace] = post(session, [clp(claim, "1", [line], icn=f"ICN-{trace}")], trace=trace)
    stray = svc("96413", "500.00", "75.00", [("CO", "45", "425.00")])
    out["EFT075"] = post(session, [clp("OB99999999", "1", [stray], icn="NOBODY1")], trace="EFT075")
    return out


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


CSV = """date,amount,reference,description
2026-11-19,"9,000.00",EFT900,HCCLAIMPMT MEDICARE PART B
2026-11-20,200.00,,ACH CREDIT TRN*1*EFT200*1999999999
2026-11-19,150.00,DEP-77,lockbox
2026-11-19,-25.00,FEE,service fee
2026-11-22,42.00,CHK1,patient check
"""


def bai2(credits: list[tuple[str, int, str, str]]) -> str:
    """A one-account BAI2 file of credits (type code, cents, reference, text), with correct trailers."""
    details = [f"16,{t},{cents},Z,{ref},,{text}/" for t, cents, ref, text in credits]
    total = sum(c for _, c, _, _ in credits)
    lines = ["01,021000021,LAKESHORE,261121,0600,1,80,,2/", "02,LAKESHORE,021000021,1,261120,0000,USD,2/",
             "03,123456789,USD,010,0,,/", *details, f"49,{total},{len(details) + 2}/",
             f"98,{total},1,{len(details) + 4}/", f"99,{total},1,{len(details) + 6}/"]
    return "\n".join(lines) + "\n"


def test_csv_import_is_idempotent_and_reconcile_stores_trace_matches(session, eras):
    first = deposits.import_bank_text(session, "nov.csv", CSV, actor="cashier", now=NOW)
    assert (first.format, len(first.added), first.amount) == ("csv", 4, D("9392.00"))  # the debit is left out
    again = deposits.import_bank_text(session, "nov-copy.csv", CSV, actor="cashier", now=NOW)
    assert (again.added, again.already) == ([], 4) and count(session, Deposit) == 4
    report = deposits.reconcile(session, actor="cashier", now=NOW)
    matched = {tuple(m["era_ids"]) for m in report.matched_now}
    assert matched == {(eras["EFT900"].id,), (eras["EFT200"].id,)}
    assert {m.how for m in session.scalars(select(DepositMatch))} == {"trace"}
    [suggestion] = report.suggestions  # 150.00 deposited the next day without its trace
    assert (suggestion["era"]["era_id"], suggestion["deposit"]["reference"]) == (eras["EFT150"].id, "DEP-77")
    assert [u["era_id"] for u in report.unmatched_eras] == [eras["EFT075"].id]
    assert [u["reference"] for u in report.unmatched_deposits] == ["CHK1"]
    assert "without its 835" in report.unmatched_deposits[0]["reason"]
    [cash] = report.unposted_cash  # the 75.00 of a claim nobody billed: posted to nobody yet
    assert (cash["kind"], cash["amount"], cash["patient_control_number"]) == ("unmatched_claim", D("75.00"),
                                                                              "OB99999999")
    totals = report.totals()
    assert (totals["matched_now_amount"], totals["unposted_cash_amount"]) == (D("9200.00"), D("75.00"))
    # a second run sees only what is still open, and stores nothing twice
    rerun = deposits.reconcile(session, actor="cashier", now=NOW)
    assert rerun.matched_now == [] and rerun.matched_before == 2 and len(rerun.suggestions) == 1


def test_confirm_a_suggestion_and_the_refusals(session, eras):
    deposits.import_bank_text(session, "nov.csv", CSV, actor="cashier", now=NOW)
    report = deposits.reconcile(session, actor="cashier", now=NOW)
    dep_id = report.suggestions[0]["deposit"]["deposit_id"]
    big = report.matched_now[0]["deposit_id"]
    with pytest.raises(InvalidInput, match=f"deposit {dep_id} with ERA {eras['EFT075'].id}: the amounts differ"):
        deposits.confirm(session, dep_id, eras["EFT075"].id, actor="lead", now=NOW)
    with pytest.raises(InvalidInput, match=f"ERA {eras['EFT900'].id} is already matched to deposit {big}"):
        deposits.confirm(session, big, eras["EFT900"].id, actor="lead", now=NOW)
    match = deposits.confirm(session, dep_id, eras["EFT150"].id, actor="lead", now=NOW)
    assert (match.how, match.matched_by) == ("confirmed", "lead")
    with pytest.raises(InvalidInput, match="already matched"):
        deposits.confirm(session, dep_id, eras["EFT150"].id, actor="lead", now=NOW)
    with pytest.raises(NotFound):
        deposits.confirm(session, 999999, eras["EFT150"].id, actor="lead", now=NOW)
    after = deposits.reconcile(session, actor="cashier", now=NOW)
    assert after.suggestions == [] and [u["era_id"] for u in after.unmatched_eras] == [eras["EFT075"].id]


def test_bai2_import_detected_and_matched_by_addenda(session, eras):
    text = bai2([("165", 900000, "SBREF1", "HCCLAIMPMT TRN*1*EFT900*1999999999"),
                 ("169", 7500, "EFT075", "ACH CREDIT"), ("475", 3500, "FEE9", "SERVICE FEE")])
    result = deposits.import_bank_text(session, "nov.bai", text, actor="cashier", now=NOW)
    assert (result.format, len(result.added), result.amount) == ("bai2", 2, D("9075.00"))
    assert deposits.import_bank_text(session, "nov.bai", text, actor="cashier", now=NOW).already == 2
    report = deposits.reconcile(session, actor="cashier", now=NOW)
    assert sorted(tuple(m["era_ids"]) for m in report.matched_now) == sorted(
        [(eras["EFT900"].id,), (eras["EFT075"].id,)])
    assert {d.deposit_date for d in session.scalars(select(Deposit))} == {date(2026, 11, 20)}


def test_a_bad_bank_file_writes_nothing(session, eras):
    bad_csv = CSV.replace("2026-11-22,42.00", "2026-11-22,42.001")
    with pytest.raises(InvalidInput, match="nov.csv line 6: amount"):
        deposits.import_bank_text(session, "nov.csv", bad_csv, actor="cashier", now=NOW)
    truncated = "\n".join(bai2([("165", 900000, "R", "T")]).splitlines()[:4]) + "\n"
    with pytest.raises(InvalidInput, match="nov.bai"):
        deposits.import_bank_text(session, "nov.bai", truncated, actor="cashier", now=NOW)
    with pytest.raises(InvalidInput, match="format 'ofx'"):
        deposits.import_bank_text(session, "nov.ofx", CSV, actor="cashier", now=NOW, format="ofx")
    with pytest.raises(InvalidInput, match="missing column"):  # a BAI2 read as CSV, as asked
        deposits.import_bank_text(session, "nov.bai", bai2([("165", 100, "R", "T")]), actor="c", now=NOW,
                                  format="csv")
    assert count(session, Deposit) == 0


def test_deposit_entered_by_hand(session, eras):
    dep = deposits.add_deposit(session, day="2026-11-18", amount="200.00", reference="EFT200",
                               actor="cashier", now=NOW)
    assert (dep.source, dep.amount, dep.created_by) == ("entered", D("200.00"), "cashier")
    with pytest.raises(InvalidInput, match=f"deposit {dep.id} already has this date"):
        deposits.add_deposit(session, day="2026-11-18", amount="200.00", reference="EFT200", actor="c", now=NOW)
    with pytest.raises(InvalidInput, match="amount"):
        deposits.add_deposit(session, day="2026-11-18", amount="-5", actor="c", now=NOW)
    with pytest.raises(InvalidInput, match="not a date"):
        deposits.add_deposit(session, day="18/11/2026", amount="5", actor="c", now=NOW)
    report = deposits.reconcile(session, actor="cashier", now=NOW)
    assert [m["era_ids"] for m in report.matched_now] == [[eras["EFT200"].id]]


def test_format_detection():
    assert deposits.detect_format("\n01,021000021,X/\n") == "bai2"
    assert deposits.detect_format("date,amount\n") == "csv"


def test_bank_files_read_from_disk(session, eras, tmp_path):
    csv_file = tmp_path / "nov.csv"
    csv_file.write_text(CSV)
    bai_file = tmp_path / "nov.bai"
    bai_file.write_text(bai2([("165", 15000, "DEP-B", "LOCKBOX")]))
    assert len(deposits.import_bank_file(session, csv_file, actor="c", now=NOW).added) == 4
    got = deposits.import_bank_file(session, bai_file, actor="c", now=NOW)
    assert (got.format, got.amount) == ("bai2", D("150.00"))
    with pytest.raises(InvalidInput, match="cannot be read"):
        deposits.import_bank_file(session, tmp_path / "missing.csv", actor="c", now=NOW)
    rows = {(d.source, d.file_name) for d in session.scalars(select(Deposit))}
    assert rows == {("csv", "nov.csv"), ("bai2", "nov.bai")}
