"""Mutation tests: single faults planted in clean files each give a located finding;
clean files give none. The 999 built from the findings is itself valid X12."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from oncobill.practice.npi import npi_is_valid
from oncobill.x12 import read, write
from oncobill.x12.acks import build_999
from oncobill.x12.claims837 import (
    Coverage,
    DrugIdentification,
    ProfessionalClaim,
    ProfessionalClaims,
    ServiceLine,
    write_837p,
)
from oncobill.x12.codesets import CodeSetsLookup
from oncobill.x12.remit835 import (
    ClaimPayment,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
    build_remittance,
)
from oncobill.x12.segments import Address, Adjustment, Payer, Person, Procedure, Provider
from oncobill.x12.specs.x999 import SPEC as SPEC_999
from oncobill.x12.tokenizer import Delimiters
from oncobill.x12.validate import validate
from oncobill.x12.writer import build_interchange

from .oracle import pyx12_errors

WHEN = datetime(2026, 11, 2, 9, 30)
DOS = date(2026, 10, 6)


@pytest.fixture(scope="module")
def lookup():
    return CodeSetsLookup(npi_valid=npi_is_valid)


def clean_837p() -> str:
    group = Provider("TEST ONCOLOGY GROUP", "1234567893", "2", address=Address("100 MAIN ST", "SPRINGFIELD", "IL",
                     "627010001"), tax_id="990000001", taxonomy="207RX0202X")  # fmt: skip
    payer = Payer("SYNTHETIC HEALTH PLAN", "99999", Address("1 PAYER WAY", "SPRINGFIELD", "IL", "62701"))
    sub = Person(
        "TESTPATIENT",
        "ALPHA",
        "MEM0001",
        Address("1 ELM ST", "SPRINGFIELD", "IL", "62704"),
        date(1960, 5, 1),
        "F",
    )
    lines = [
        ServiceLine(Procedure("HC", "96413"), Decimal("412.00"), Decimal(1), DOS, (1, 2), line_control_number="L1"),
        ServiceLine(Procedure("HC", "J9271"), Decimal("2100.00"), Decimal(200), DOS, (1,), line_control_number="L2",
                    drug=DrugIdentification("00006302602", Decimal(8), "ML")),
        ServiceLine(Procedure("HC", "96367"), Decimal("95.00"), Decimal(1), DOS, (2,), line_control_number="L3"),
    ]  # fmt: skip
    claim = ProfessionalClaim("PCN0001", Decimal("2607.00"), "11", ["C50911", "Z5111"], lines, group, sub, payer,
                              Coverage("P", "18", "GRP1", "CI"))  # fmt: skip
    doc = ProfessionalClaims("TEST ONCOLOGY GROUP", "TOG0001", "BILLING OFFICE", "2175550100", "SYNTHETIC CLEARINGHOUSE",
                             "CLEAR01", [claim], reference="BATCH1", created=WHEN)  # fmt: skip
    return write_837p(doc, control_number=7).replace("~", "~\n")


def clean_835() -> str:
    line = ServicePayment(Procedure("HC", "96413"), Decimal("412.00"), Decimal("250.00"), units_paid=Decimal(1),
                          service_date=DOS, adjustments=[Adjustment("CO", "45", Decimal("100.00")),
                                                         Adjustment("PR", "2", Decimal("62.00"))],
                          line_control_number="L1", allowed=Decimal("312.00"), remarks=["N362"])  # fmt: skip
    claim = ClaimPayment("PCN0001", "1", Decimal("412.00"), Decimal("250.00"), Decimal("62.00"), "12", "ICN0001", "11", "1",
                         patient_last_name="TESTPATIENT", patient_first_name="ALPHA", patient_id_qualifier="MI",
                         patient_id="MEM0001", services=[line])  # fmt: skip
    remit = Remittance(Decimal("240.00"), "C", "I", "ACH", date(2026, 11, 2), "EFT0001", "1512345678",
                       "SYNTHETIC HEALTH PLAN", "99999", ("1 PAYER WAY", "SPRINGFIELD", "IL", "62701"), "8005550100",
                       "TEST ONCOLOGY GROUP", "XX", "1234567893", claims=[claim],
                       provider_adjustments=[ProviderAdjustment("1234567893", date(2026, 12, 31), "WO", "ICN0000",
                                                                Decimal("10.00"))])  # fmt: skip
    txn = build_remittance(remit)
    ic = build_interchange(
        [(txn.spec, [txn])], sender_id="SYNTHPAYER", receiver_id="TOG0001", control_number=9, when=WHEN
    )
    return write(ic).replace("~", "~\n")


def _mutate(text: str, old: str, new: str) -> tuple[str, int]:
    """Replace the first *old* and return the text and the 1-based number of the segment changed."""
    assert old in text, old
    index = text.index(old)
    return text.replace(old, new, 1), text[:index].count("~") + 1


def _codes(result) -> set[str]:
    return {f.code for f in result.findings}


def test_clean_files_give_no_findings(lookup):
    for text in (clean_837p(), clean_835()):
        assert pyx12_errors(text) == []
        result = validate(text, lookup)
        assert result.findings == [], [f.located() for f in result.findings]
        assert result.ok


def test_odd_but_valid_delimiters_give_no_findings(lookup):
    text = write(read(clean_837p()), delimiters=Delimiters("|", "!", "}", "\x1c"))
    assert validate(text, lookup).findings == []


MUTATIONS_837 = [
    # (name, old, new, expected finding code, SNIP level)
    ("missing required segment", "DTP*472*D8*20261006~\nREF*6R*L2", "REF*6R*L2", "missing-segment", 2),
    (
        "missing required loop",
        "NM1*PR*2*SYNTHETIC HEALTH PLAN*****PI*99999~\nN3*1 PAYER WAY~\nN4*SPRINGFIELD*IL*62701~\n",
        "",
        "missing-loop",
        2,
    ),
    ("wrong SE count", "SE*", "SE*9", "count", 1),
    ("wrong SE control number", "SE*", "SE*", "control-number", 1),
    ("wrong GE count", "GE*1*", "GE*2*", "count", 1),
    ("wrong IEA control number", "IEA*1*000000007", "IEA*1*000000008", "control-number", 1),
    ("wrong GS08", "*X*005010X222A1~", "*X*005010X222A2~", "gs08", 1),
    ("element too long", "NM1*IL*1*TESTPATIENT*", "NM1*IL*1*" + "T" * 61 + "*", "too-long", 1),
    ("bad service date", "DTP*472*D8*20261006", "DTP*472*D8*20261306", "bad-date", 2),
    ("bad birth date", "DMG*D8*19600501", "DMG*D8*19600231", "bad-date", 2),
    ("unbalanced claim", "CLM*PCN0001*2607*", "CLM*PCN0001*2608*", "claim-unbalanced", 3),
    ("HCPCS/CPT not valid on the date of service", "SV1*HC:96367*", "SV1*HC:77385*", "hcpcs", 5),
    ("unknown HCPCS Level II code", "SV1*HC:96367*", "SV1*HC:J9X99*", "hcpcs", 5),
    ("non-billable ICD-10-CM", "HI*ABK:C50911", "HI*ABK:C501", "icd10", 5),
    ("NPI failing its check digit", "XX*1234567893", "XX*1234567890", "npi", 5),
    ("10-digit NDC", "LIN**N4*00006302602", "LIN**N4*0006302602", "ndc-format", 4),
    ("three-decimal money", "SV1*HC:96367*95*", "SV1*HC:96367*95.005*", "money-decimals", 4),
    ("zero units", "SV1*HC:96413*412*UN*1*", "SV1*HC:96413*412*UN*0*", "units", 4),
    ("diagnosis pointer past the last HI code", "*UN*1***2~", "*UN*1***3~", "dx-pointer", 4),
    (
        "5-digit billing provider ZIP",
        "N4*SPRINGFIELD*IL*627010001",
        "N4*SPRINGFIELD*IL*62701",
        "billing-zip",
        4,
    ),
    ("subscriber address missing", "N3*1 ELM ST~\n", "", "subscriber-address", 4),
    (
        "secondary claim without the primary's adjudication",
        "SBR*P*18*GRP1",
        "SBR*S*18*GRP1",
        "cob-missing",
        4,
    ),
    ("service after the file was created", "DTP*472*D8*20261006", "DTP*472*D8*20261206", "future-service", 4),
    ("paired elements broken (NM108 without NM109)", "****MI*MEM0001~", "****MI~", "relational", 1),
]


@pytest.mark.parametrize("name,old,new,code,snip", MUTATIONS_837, ids=[m[0] for m in MUTATIONS_837])
def test_837p_mutation_gives_located_finding(lookup, name, old, new, code, snip):
    text = clean_837p()
    if name == "wrong SE control number":
        mutated = text.replace("SE*", "SE*X", 1)  # placeholder replaced below
        se_line = next(line for line in text.splitlines() if line.startswith("SE*"))
        count, _ = se_line[3:-1].split("*")
        mutated, number = _mutate(text, se_line, f"SE*{count}*0099~")
    elif name == "wrong SE count":
        se_line = next(line for line in text.splitlines() if line.startswith("SE*"))
        mutated, number = _mutate(text, se_line, "SE*9*" + se_line.split("*")[2])
    else:
        mutated, number = _mutate(text, old, new)
    result = validate(mutated, lookup)
    hits = [f for f in result.findings if f.code == code]
    assert hits, (name, [f.located() for f in result.findings])
    assert all(f.snip == snip for f in hits)
    located = [f for f in hits if f.segment_number is not None]
    assert located, "finding has no segment number"
    if code not in ("missing-loop", "missing-segment", "subscriber-address", "cob-missing"):
        assert any(f.segment_number == number for f in located), (number, [f.located() for f in hits])
    assert not result.ok


def test_odd_delimiters_isa_repetition_equal_to_component(lookup):
    text = clean_837p()
    bad = text[:82] + ":" + text[83:]  # ISA11 repetition separator = ISA16 component separator
    result = validate(bad, lookup)
    assert [f for f in result.findings if f.segment_id == "ISA"], [f.located() for f in result.findings]


def test_truncated_file_gives_located_finding(lookup):
    text = clean_837p()
    result = validate(text[: len(text) // 2], lookup)
    assert result.findings and not result.ok
    assert result.findings[-1].segment_number is not None


MUTATIONS_835 = [
    ("unbalanced remit line", "SVC*HC:96413*412*250*", "SVC*HC:96413*412*251*", "line-unbalanced", 3),
    ("unbalanced remit claim", "CLP*PCN0001*1*412*250*", "CLP*PCN0001*1*412*249*", "claim-unbalanced", 3),
    ("unbalanced remit transaction", "BPR*I*240*", "BPR*I*250*", "transaction-unbalanced", 3),
    ("unknown CARC", "CAS*CO*45*", "CAS*CO*ZZ9*", "carc", 5),
    ("unknown RARC", "LQ*HE*N362", "LQ*HE*ZZ999", "rarc", 5),
    (
        "three-decimal money in a remit",
        "CLP*PCN0001*1*412*250*",
        "CLP*PCN0001*1*412.001*250*",
        "money-decimals",
        4,
    ),
    (
        "reversal with a positive payment",
        "CLP*PCN0001*1*412*250*",
        "CLP*PCN0001*22*412*250*",
        "reversal-sign",
        3,
    ),
    ("missing PER*BL", "PER*BL*PROVIDER SERVICES*TE*8005550100~\n", "", "missing-segment", 2),
]


@pytest.mark.parametrize("name,old,new,code,snip", MUTATIONS_835, ids=[m[0] for m in MUTATIONS_835])
def test_835_mutation_gives_located_finding(lookup, name, old, new, code, snip):
    mutated, number = _mutate(clean_835(), old, new)
    result = validate(mutated, lookup)
    hits = [f for f in result.findings if f.code == code]
    assert hits, (name, [f.located() for f in result.findings])
    assert all(f.snip == snip for f in hits)
    if code != "missing-segment":
        assert any(f.segment_number == number for f in hits), (number, [f.located() for f in hits])


def test_findings_map_onto_a_valid_999(lookup):
    text, _ = _mutate(clean_837p(), "NM1*IL*1*TESTPATIENT*", "NM1*IL*1*" + "T" * 61 + "*")
    result = validate(text, lookup)
    [ack] = result.to_999()
    assert ack.status == "R" and ack.responses[0].status == "R"
    err = ack.responses[0].segment_errors[0]
    assert err.segment_id == "NM1" and err.elements[0].position == 3 and err.elements[0].code == "5"
    txn = build_999(ack)
    ic = build_interchange(
        [(SPEC_999, [txn])], sender_id="CLEAR01", receiver_id="TOG0001", control_number=11, when=WHEN
    )
    assert pyx12_errors(write(ic)) == []
    [clean] = validate(clean_837p(), lookup).to_999()
    assert clean.status == "A" and clean.responses[0].status == "A"


def test_pyx12_misses_what_we_find(lookup):
    """Balancing, code sets, NPI check digits and situational rules: pyx12 passes these files."""
    for old, new, code in [("CLM*PCN0001*2607*", "CLM*PCN0001*2608*", "claim-unbalanced"),
                           ("XX*1234567893", "XX*1234567890", "npi"),
                           ("*UN*1***2~", "*UN*1***3~", "dx-pointer")]:  # fmt: skip
        text, _ = _mutate(clean_837p(), old, new)
        assert pyx12_errors(text) == []
        assert code in _codes(validate(text, lookup))
