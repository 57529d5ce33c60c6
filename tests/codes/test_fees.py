"""Fee schedules on the real CMS tables: Medicare's ASP limits and PFS amounts by date of service,
a practice's contract CSV, and the one choice between them per payer."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from itertools import product
from pathlib import Path

import pytest

from oncobill.codes import load_code_sets
from oncobill.codes.fees import (
    CachedFees,
    ContractFeeTable,
    Fee,
    FeeSources,
    MedicareFees,
    conversion_factor,
)
from oncobill.codes.importers import import_file
from oncobill.errors import InvalidInput

EMPTY = Path("/nonexistent-oncobill-refdata")
ASP_OCTOBER = Path(__file__).parent / "fixtures" / "October 2026 ASP Pricing File.csv"
DOS = date(2026, 10, 15)
REFDATA = Path(__file__).resolve().parents[3] / "shared" / "refdata"


@pytest.fixture(scope="module")
def medicare():
    return MedicareFees(load_code_sets(EMPTY))


def test_drugs_at_the_asp_limit_of_the_quarter_without_another_six_percent(medicare):
    fee = medicare.fee("J9271", (), "11", DOS)
    assert fee == Fee(Decimal("62.253"), "ASP limit 62.253/1 MG", drug=True, coinsurance_percent=Decimal(20))
    assert medicare.fee("J9271", (), "22", DOS) == fee  # the ASP limit is the same in every setting
    assert medicare.fee("J9271", (), "11", date(2026, 9, 30)) is None  # before the bundled quarter
    assert medicare.fee("J9271", (), "11", date(2027, 1, 1)) is None  # after it
    assert medicare.is_drug("J9045", DOS) and not medicare.is_drug("96413", DOS)


def test_an_imported_quarter_answers_from_its_effective_date(tmp_path):
    january = tmp_path / "January 2027 ASP Pricing File.csv"
    january.write_text(ASP_OCTOBER.read_text(encoding="utf-8")
                       .replace("October 2026", "January 2027")
                       .replace("J9271,Inj pembrolizumab,1 MG,62.253", "J9271,Inj pembrolizumab,1 MG,63.118"),
                       encoding="utf-8")
    for path in (ASP_OCTOBER, january):
        import_file("asp", path, root=tmp_path / "rd")
    fees = MedicareFees(load_code_sets(tmp_path / "rd"))
    assert fees.fee("J9271", (), "11", date(2026, 12, 31)).per_unit == Decimal("62.253")
    jan = fees.fee("J9271", (), "11", date(2027, 1, 4))
    assert (jan.per_unit, jan.basis) == (Decimal("63.118"), "ASP limit 63.118/1 MG")


def test_pfs_office_is_non_facility_and_hospital_is_facility(medicare):
    # 96440: total RVU 22.98 non-facility, 3.48 facility, x 33.4009 (CY2026)
    assert medicare.fee("96440", (), "11", DOS) == Fee(Decimal("767.55"), "PFS non-facility")
    for pos in ("19", "21", "22", "23", "24"):
        assert medicare.fee("96440", (), pos, DOS) == Fee(Decimal("116.24"), "PFS facility")
    assert conversion_factor(DOS) == Decimal("33.4009")


def test_na_in_a_setting_is_no_fee_there(medicare):
    assert medicare.fee("96413", (), "11", DOS).per_unit == Decimal("133.27")
    assert medicare.fee("96413", (), "22", DOS) is None  # CMS: NA in the facility setting
    assert medicare.not_payable("96413", (), "22", DOS) == "PFS facility"
    assert medicare.not_payable("96413", (), "11", DOS) is None
    assert medicare.not_payable("J9271", (), "22", DOS) is None and medicare.not_payable("99999", (), "22", DOS) is None


def test_professional_and_technical_components_price_by_their_own_row(medicare):
    assert medicare.fee("77301", (), "11", DOS).per_unit == Decimal("1960.30")
    assert medicare.fee("77301", ("26",), "11", DOS).per_unit == Decimal("419.18")
    assert medicare.fee("77301", ("GT", "TC"), "11", DOS).per_unit == Decimal("1541.12")
    assert medicare.fee("77301", ("26",), "22", DOS).per_unit == Decimal("419.18")
    assert medicare.fee("77301", ("TC",), "22", DOS) is None  # the hospital bills the technical side
    assert medicare.fee("77427", ("26",), "11", DOS).per_unit == Decimal("195.40")  # no 26 row: the code's own


def test_codes_without_a_fee_and_years_without_rvus(medicare):
    assert medicare.fee("99999", (), "11", DOS) is None
    assert medicare.fee("99214", (), "11", DOS) is None  # E/M: not in the bundled PFS extract
    assert medicare.fee("96413", (), "11", date(2027, 3, 1)) is None  # RVU26D answers for CY2026 only
    with pytest.raises(InvalidInput, match="CY2031"):
        conversion_factor(date(2031, 1, 1))


def test_medicare_fees_match_the_cms_amounts_and_the_sandbox_payer_for_every_code(medicare):
    """For every code of the CMS files the sandbox payer's schedule was derived from, office and
    hospital: the ASP limit, and the PFS national amount CMS's own column gives (CF 33.4009)."""
    from oncobill.sandbox_payer.fees import medicare_fee_schedule

    if not REFDATA.is_dir():
        pytest.skip(f"{REFDATA} (the project's reference tables) is not on this machine")
    expected = {}
    with (REFDATA / "cms_asp_payment_limits_2026q4_J_Q.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            for modifiers, pos in product(((), ("26",), ("TC",)), ("11", "22")):
                expected[row["hcpcs"], modifiers, pos] = Decimal(row["payment_limit_usd"])
    with (REFDATA / "cms_pfs_rvu26d_2026_96360-96549_77261-77799.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            modifiers = (row["modifier"],) if row["modifier"] else ()
            for pos, column in (("11", "national_pay_nonfacility_nonQPP(CF 33.4009)"),
                                ("22", "national_pay_facility_nonQPP")):
                expected[row["hcpcs_cpt"], modifiers, pos] = Decimal(row[column]) if row[column] else None
    sandbox = medicare_fee_schedule()
    for (code, modifiers, pos), amount in expected.items():
        ours = medicare.fee(code, modifiers, pos, DOS)
        assert (ours.per_unit if ours else None) == amount, (code, modifiers, pos)
        theirs = sandbox.medicare_fee(code, modifiers, pos)
        assert theirs.per_unit == amount and theirs.source == (ours.basis if ours else theirs.source)
    assert len(expected) == 872 * 6 + 195 * 2


CONTRACT = """code,modifier,setting,per_unit,effective_from,effective_to
77301,26,,450.00,2026-01-01,
77301,,,2100.00,2026-01-01,2026-06-30
77301,,,2150.00,2026-07-01,
96413,,facility,0,2026-01-01,
"""


def test_contract_table_rates_by_modifier_setting_and_date():
    table = ContractFeeTable.from_csv(CONTRACT, source="acme-2026.csv")
    assert table.fee("77301", (), "11", date(2026, 6, 30)) == Fee(Decimal("2100.00"), "acme-2026.csv row 3",
                                                                  contracted=True)
    assert table.fee("77301", (), "11", DOS).per_unit == Decimal("2150.00")
    assert table.fee("77301", ("26",), "22", DOS).basis == "acme-2026.csv row 2"
    assert table.fee("96413", (), "22", DOS).per_unit == Decimal(0)
    assert table.fee("96413", (), "11", DOS) is None and table.fee("77301", (), "11", date(2025, 12, 31)) is None


@pytest.mark.parametrize("text, where", [
    ("code,per_unit\n96413,1\n", "acme.csv header: missing column(s): effective_from"),
    ("code,per_unit,effective_from\n96413,12.5O,2026-01-01\n", "acme.csv row 2: per_unit: '12.5O' is not an amount"),
    ("code,per_unit,effective_from\n96413,1,2026-01-01\n96413,-1,2026-01-01\n", "acme.csv row 3: per_unit"),
    ("code,setting,per_unit,effective_from\n96413,hospital,1,2026-01-01\n", "acme.csv row 2: setting"),
    ("code,per_unit,effective_from\n96413,1,01/01/2026\n", "acme.csv row 2: dates: not YYYY-MM-DD"),
    ("code,per_unit,effective_from\n,1,2026-01-01\n", "acme.csv row 2: code is empty"),
])
def test_contract_table_errors_name_the_row_and_column(text, where):
    with pytest.raises(InvalidInput) as err:
        ContractFeeTable.from_csv(text, source="acme.csv")
    assert str(err.value).startswith(where)


def test_the_payer_settings_choose_the_schedule_once_per_use(tmp_path):
    contract = tmp_path / "acme-2026.csv"
    contract.write_text(CONTRACT, encoding="utf-8")
    sources = FeeSources(load_code_sets(EMPTY))
    medicare = sources.for_payer("Medicare Part B", {"contract_percent_of_medicare": "100"})
    assert isinstance(medicare, CachedFees) and isinstance(medicare.source, MedicareFees)
    assert sources.for_payer("Prairie Blue", {"contract_fee_table": None}) is medicare
    acme = sources.for_payer("Acme Health", {"contract_fee_table": str(contract)})
    assert isinstance(acme.source, ContractFeeTable)
    assert sources.for_payer("Acme Two", {"contract_fee_table": str(contract)}) is acme
    assert acme.fee("77301", (), "11", DOS).basis == "acme-2026.csv row 4"
    assert acme.fee("77301", (), "11", DOS) is acme.fee("77301", (), "11", DOS)  # asked once
    with pytest.raises(InvalidInput, match="payer Gone: setting contract_fee_table: .*missing.csv cannot be read"):
        sources.for_payer("Gone", {"contract_fee_table": str(tmp_path / "missing.csv")})
