"""Allowed amounts against the contract, to the cent, through both fee sources."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from oncobill.codes.fees import ContractFeeTable, MedicareFees
from oncobill.errors import InvalidInput
from oncobill.worklists.underpayments import (
    ContractTerms,
    PaidLine,
    expected_allowed,
    paid_lines,
    review_underpayments,
)
from oncobill.x12.remit835 import Adjustment, ClaimPayment, Procedure, ServicePayment

DOS = date(2026, 10, 6)
MEDICARE_FEES = MedicareFees()
MEDICARE = ContractTerms.from_settings("Medicare Part B", {"sequestration_percent": "2"})
PRAIRIE = ContractTerms.from_settings("Prairie Blue PPO", {"contract_percent_of_medicare": "145"})


def line(code, units, charge, allowed, *, pos="11", modifiers=(), institutional=False, lcn="OB5-01"):
    return PaidLine("OB5", lcn, code, tuple(modifiers), Decimal(units), Decimal(charge), Decimal(allowed),
                    Decimal("0.00"), pos, DOS, institutional)


def test_medicare_drug_at_the_asp_limit_per_unit():
    # J9271 ASP limit 62.253/mg x 200 = 12,450.60 (docs/sandbox-payer.md worked example)
    assert review_underpayments([line("J9271", 200, "15000.00", "12450.60")], MEDICARE, MEDICARE_FEES).findings == ()
    (f,) = review_underpayments([line("J9271", 200, "15000.00", "11945.20")], MEDICARE, MEDICARE_FEES).findings
    assert (f.expected_allowed, f.actual_allowed, f.difference) == (
        Decimal("12450.60"), Decimal("11945.20"), Decimal("505.40"))
    assert "ASP limit 62.253/1 MG x 200 units x 100% (Medicare Part B) = 12450.60" in f.explanation
    assert f.queue == "underpayments"


def test_commercial_at_its_percentage_of_medicare():
    got = expected_allowed(line("96413", 1, "400.00", "0"), PRAIRIE, MEDICARE_FEES)
    assert got.amount == Decimal("193.24")  # 133.27 x 145% = 193.2415
    (f,) = review_underpayments([line("96413", 1, "400.00", "180.00")], PRAIRIE, MEDICARE_FEES).findings
    assert f.difference == Decimal("13.24")


def test_drug_percentage_overrides_for_drugs_only():
    terms = ContractTerms.from_settings("PPO", {"contract_percent_of_medicare": "125", "drug_percent_of_medicare": "110"})
    assert expected_allowed(line("J9045", 11, "500.00", "0"), terms, MEDICARE_FEES).amount == Decimal("37.52")  # 34.111 x 1.1
    assert expected_allowed(line("96413", 1, "400.00", "0"), terms, MEDICARE_FEES).amount == Decimal("166.59")  # 166.5875


def test_place_of_service_picks_non_facility_or_facility():
    assert expected_allowed(line("96405", 1, "200.00", "0", pos="11"), MEDICARE, MEDICARE_FEES).amount == Decimal("84.50")
    assert expected_allowed(line("96405", 1, "200.00", "0", pos="22"), MEDICARE, MEDICARE_FEES).amount == Decimal("23.71")
    assert expected_allowed(line("77300", 1, "200.00", "0", modifiers=("26",)), MEDICARE, MEDICARE_FEES).amount == \
        Decimal("32.73")


def test_a_charge_below_the_contract_is_the_expectation():
    got = expected_allowed(line("96413", 1, "120.00", "0"), PRAIRIE, MEDICARE_FEES)
    assert got.amount == Decimal("120.00") and "the charge 120.00 is less" in got.explanation


def test_tolerance_boundary_to_the_cent():
    assert review_underpayments([line("96413", 1, "400.00", "192.24")], PRAIRIE, MEDICARE_FEES).findings == ()  # 1.00 short
    (f,) = review_underpayments([line("96413", 1, "400.00", "192.23")], PRAIRIE, MEDICARE_FEES).findings
    assert f.difference == Decimal("1.01")
    exact = ContractTerms.from_settings("Prairie", {"contract_percent_of_medicare": "145",
                                                    "underpayment_tolerance": "0.00"})
    assert review_underpayments([line("96413", 1, "400.00", "193.23")], exact, MEDICARE_FEES).findings[0].difference == \
        Decimal("0.01")


def test_overpayment_is_not_a_finding_and_no_fee_is_reported_not_guessed():
    review = review_underpayments([line("96413", 1, "400.00", "250.00"), line("99214", 1, "250.00", "100.00")],
                                  PRAIRIE, MEDICARE_FEES)
    assert review.findings == () and review.checked == 1
    (skipped, why), = review.not_checked
    assert skipped.code == "99214" and "not checked" in why
    with_unlisted = ContractTerms("Sandbox PPO", unlisted_percent_of_charge=Decimal(50))
    (f,) = review_underpayments([line("99214", 1, "250.00", "100.00")], with_unlisted, MEDICARE_FEES).findings
    assert (f.expected_allowed, f.difference) == (Decimal("125.00"), Decimal("25.00"))


def test_institutional_non_drug_lines_are_not_priced_by_the_pfs():
    assert expected_allowed(line("96413", 1, "900.00", "0", institutional=True), MEDICARE, MEDICARE_FEES) is None
    assert expected_allowed(line("J9271", 200, "15000.00", "0", institutional=True), MEDICARE, MEDICARE_FEES).amount == \
        Decimal("12450.60")


CONTRACT = """code,modifier,setting,per_unit,effective_from,effective_to
96413,,,180.00,2026-01-01,2026-09-30
96413,,,190.00,2026-10-01,
96413,,facility,95.00,2026-10-01,
J9271,,,64.10,2026-01-01,
"""


def test_a_practice_contract_table_answers_by_date_and_setting():
    table = ContractFeeTable.from_csv(CONTRACT, source="prairie-2026.csv")
    terms = ContractTerms("Prairie", percent_of_medicare=Decimal(145))  # not applied to contract rows
    got = expected_allowed(line("96413", 1, "400.00", "0"), terms, table)
    assert got.amount == Decimal("190.00") and "prairie-2026.csv row 3 x 1 units = 190.00" == got.explanation
    assert expected_allowed(line("96413", 1, "400.00", "0", pos="22"), terms, table).amount == Decimal("95.00")
    (f,) = review_underpayments([line("J9271", 200, "15000.00", "12450.60")], terms, table).findings
    assert (f.expected_allowed, f.difference) == (Decimal("12820.00"), Decimal("369.40"))


@pytest.mark.parametrize("row, message", [
    ("96413,,,abc,2026-01-01,", "row 2: per_unit: 'abc' is not an amount"),
    ("96413,,home,1.00,2026-01-01,", "row 2: setting: 'home'"),
    ("96413,,,1.00,2026-13-01,", "row 2: dates"),
    ("96413,,,1.00,2026-02-01,2026-01-01", "effective_to 2026-01-01 is before"),
    (",,,1.00,2026-01-01,", "row 2: code is empty"),
])
def test_contract_table_errors_name_the_row(row, message):
    with pytest.raises(InvalidInput, match=message):
        ContractFeeTable.from_csv("code,modifier,setting,per_unit,effective_from,effective_to\n" + row + "\n",
                                  source="c.csv")


def test_settings_are_checked():
    with pytest.raises(InvalidInput, match="payer X: setting contract_percent_of_medicare.*positive percentage"):
        ContractTerms.from_settings("X", {"contract_percent_of_medicare": 1.45})
    with pytest.raises(InvalidInput, match="underpayment_tolerance"):
        ContractTerms.from_settings("X", {"underpayment_tolerance": "0.001"})


def _svc(code, charge, paid, adjustments, *, allowed=None, units="1", lcn=""):
    return ServicePayment(Procedure("HC", code), Decimal(charge), Decimal(paid), units_paid=Decimal(units),
                          service_date=DOS, adjustments=adjustments, allowed=allowed, line_control_number=lcn)


def test_paid_lines_from_an_835_claim():
    drug = _svc("J9271", "15000.00", "9761.27", [Adjustment("CO", "45", Decimal("2549.40")),
                                                  Adjustment("PR", "2", Decimal("2490.12")),
                                                  Adjustment("CO", "253", Decimal("199.21"))], units="200", lcn="OB5-01")
    admin = _svc("96413", "400.00", "104.48", [Adjustment("CO", "45", Decimal("266.73")),
                                              Adjustment("PR", "2", Decimal("26.65")),
                                              Adjustment("CO", "253", Decimal("2.14"))], allowed=Decimal("133.27"),
                 lcn="OB5-02")
    denied = _svc("96375", "90.00", "0.00", [Adjustment("CO", "236", Decimal("90.00"))], lcn="OB5-03")
    claim = ClaimPayment("OB5", "1", Decimal("15490.00"), Decimal("9865.75"), facility_code="11",
                         services=[drug, admin, denied])
    got = paid_lines(claim)
    assert [(p.code, p.allowed, p.allowed_basis) for p in got] == [
        ("J9271", Decimal("12450.60"), "paid + PR + CO-253, no AMT*B6"), ("96413", Decimal("133.27"), "AMT*B6")]
    assert review_underpayments(got, MEDICARE, MEDICARE_FEES).findings == ()
    secondary = ClaimPayment("OB5", "2", Decimal("15490.00"), Decimal("0.00"), services=[drug])
    assert paid_lines(secondary) == []


def test_the_sandbox_payer_pays_its_own_schedule_so_nothing_is_short(tmp_path):
    """End to end: 837 -> sandbox 835 -> paid lines -> review with the same contract: no findings."""
    from oncobill.sandbox_payer import process_inbox
    from tests.sandbox_payer.builders import (
        COMMERCIAL,
        TODAY,
        batch,
        claim,
        config,
        drop,
        mailbox,
        member,
        remits,
    )
    from tests.sandbox_payer.builders import line as billed

    box = mailbox(tmp_path, config())
    keytruda = "00006302602"
    drop(box, "b1.837", batch([
        claim("UP1", [billed("96413", "400.00"), billed("J9271", "15000.00", "200", mods=("JZ",), ndc=keytruda)],
              subscriber=member("MBR003")),
        claim("UP2", [billed("96413", "400.00"), billed("J9271", "15000.00", "200", mods=("JZ",), ndc=keytruda)],
              payer=COMMERCIAL, subscriber=member("C100"), auth="AUTH77", filing="CI"),
    ]))
    report = process_inbox(box, today=TODAY)
    terms = {"MCR01": ContractTerms.from_settings("MCR01", {}),
             "COM01": ContractTerms.from_settings("COM01", {"contract_percent_of_medicare": "125",
                                                            "drug_percent_of_medicare": "110"})}
    checked = 0
    for remit in remits(report.files[0].remittance):
        for cp in remit.claims:
            review = review_underpayments(paid_lines(cp), terms[remit.payer_id], MEDICARE_FEES)
            assert review.findings == (), review.findings
            checked += review.checked
    assert checked == 4
    # the same lines allowed 5% less are found, to the cent
    (remit,) = [r for r in remits(report.files[0].remittance) if r.payer_id == "COM01"]
    lines = paid_lines(remit.claims[0])
    short = [PaidLine(p.patient_control_number, p.line_control_number, p.code, p.modifiers, p.units, p.charge,
                      (p.allowed * Decimal("0.95")).quantize(Decimal("0.01")), p.paid, p.place_of_service,
                      p.service_date) for p in lines]
    found = review_underpayments(short, terms["COM01"], MEDICARE_FEES).findings
    assert [(f.code, f.expected_allowed, f.difference) for f in found] == [
        ("96413", Decimal("166.59"), Decimal("8.33")), ("J9271", Decimal("13695.66"), Decimal("684.78"))]


def test_an_837i_remit_is_recognised_by_its_revenue_codes():
    admin = ServicePayment(Procedure("HC", "96413"), Decimal("334.00"), Decimal("0.00"), revenue_code="0335",
                           units_paid=Decimal(1), service_date=DOS, allowed=Decimal("167.00"),
                           adjustments=[Adjustment("CO", "45", Decimal("167.00")), Adjustment("PR", "1", Decimal("167.00"))])
    claim = ClaimPayment("OB9", "1", Decimal("334.00"), Decimal("0.00"), facility_code="13", services=[admin])
    (got,) = paid_lines(claim)
    assert got.institutional and got.place_of_service == "22"
    review = review_underpayments([got], PRAIRIE, MEDICARE_FEES)  # hospital non-drug lines: not priced by the PFS
    assert review.findings == () and review.checked == 0 and len(review.not_checked) == 1
