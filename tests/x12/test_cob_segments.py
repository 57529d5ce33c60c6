"""The COB segments added to 2320/2330B (837P and 837I): MOA and MIA carried element for element, AMT*A8
only for a bypassed payer, 2330B REF*F8 the prior payer's claim number; where the guides put them,
pyx12-clean, clean for our validator, and read back equal (synthetic data only)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from oncobill.x12 import read, write
from oncobill.x12.claims837 import (
    Coverage,
    LineAdjudication,
    OtherPayer,
    ProfessionalClaim,
    ProfessionalClaims,
    ServiceLine,
    build_837p,
    read_837p,
)
from oncobill.x12.institutional837 import InstitutionalClaim, RevenueLine, build_837i, read_837i
from oncobill.x12.segments import Address, Adjustment, Payer, Person, Procedure, Provider
from oncobill.x12.validate import validate
from oncobill.x12.writer import build_interchange

from .oracle import pyx12_errors

D = Decimal
DOS = date(2026, 10, 6)
PAID_ON = date(2026, 11, 18)
BILLING = Provider("TEST ONCOLOGY GROUP", "1234567893", "2", address=Address("100 MAIN ST", "SPRINGFIELD", "IL",
                   "627010001"), tax_id="990000001", taxonomy="207RX0202X")  # fmt: skip
SUBSCRIBER = Person("TESTPATIENT", "SYNTH", "W000000001", Address("1 ELM ST", "SPRINGFIELD", "IL", "62704"),
                    date(1950, 1, 1), "F")  # fmt: skip
SECONDARY = Payer("COMMERCIAL TEST PLAN", "60054")
MEDICARE = Payer("MEDICARE TEST", "00952")
MOA = ("", "", "MA01", "N130")  # MOA03/04: remark codes; MOA01/02 empty as Medicare often sends them
MIA = ("0", "", "", "1204.5", "MA01")  # MIA01 covered days, MIA04 DRG amount, MIA05 remark


def _primary(**kw) -> OtherPayer:
    base = {"paid": D("120.00"), "remaining_patient_liability": D("30.00"), "adjudication_date": PAID_ON,
            "claim_control_number": "MCR000123", "outpatient_adjudication": MOA} | kw
    return OtherPayer("P", MEDICARE, Person("TESTPATIENT", "SYNTH", "1EG4TE5MK73"), "18", "", "MB", **base)


def _line_adjudication() -> LineAdjudication:
    return LineAdjudication("00952", D("120.00"), Procedure("HC", "96413"), D(1), PAID_ON,
                            [Adjustment("CO", "45", D("200.00")), Adjustment("PR", "2", D("30.00"))])


def _doc(claim) -> ProfessionalClaims:
    return ProfessionalClaims("TEST ONCOLOGY GROUP", "TOG0001", "BILLING OFFICE", "2175550100",
                              "SYNTHETIC CLEARINGHOUSE", "CLEAR01", [claim], reference="COB1",
                              created=datetime(2026, 11, 20, 9, 0))  # fmt: skip


def _professional(other: OtherPayer, adjudicated: bool = True) -> ProfessionalClaims:
    line = ServiceLine(Procedure("HC", "96413"), D("350.00"), D(1), DOS, (1,), line_control_number="L1",
                       adjudications=[_line_adjudication()] if adjudicated else [])
    return _doc(ProfessionalClaim("PCN1", D("350.00"), "11", ["C3411"], [line], BILLING, SUBSCRIBER, SECONDARY,
                                  Coverage("S", "18", "GRP77", "CI"), other_payers=[other]))


def _institutional(other: OtherPayer) -> ProfessionalClaims:
    line = RevenueLine("0335", D("350.00"), D(1), Procedure("HC", "96413"), DOS, "L1",
                       adjudications=[_line_adjudication()])
    return _doc(InstitutionalClaim("IPCN1", D("350.00"), "13", DOS, DOS, "C3411", [line], BILLING, SUBSCRIBER,
                                   SECONDARY, Coverage("S", "18", "GRP77", "CI"), other_payers=[other]))


def _text(txn) -> str:
    return write(build_interchange([(txn.spec, [txn])], sender_id="TOG0001", receiver_id="CLEAR01",
                                   control_number=7, when=datetime(2026, 11, 20, 9, 0)))


def _cob(text: str) -> list[str]:
    """The segments from the 2320 SBR*P to the first line (LX)."""
    segs = text.split("~")
    start = next(i for i, s in enumerate(segs) if s.startswith("SBR*P"))
    end = next(i for i, s in enumerate(segs) if s.startswith("LX"))
    return segs[start:end]


def _clean(text: str) -> None:
    assert pyx12_errors(text) == []
    assert validate(text).errors() == []
    assert write(read(text)) == text  # parse, write, parse: nothing lost or reordered


def test_837p_carries_moa_and_the_prior_claim_number_where_the_guide_puts_them():
    doc = _professional(_primary())
    text = _text(build_837p(doc))
    _clean(text)
    assert _cob(text) == [
        "SBR*P*18*******MB", "AMT*D*120", "AMT*EAF*30", "OI***Y***Y", "MOA***MA01*N130",
        "NM1*IL*1*TESTPATIENT*SYNTH****MI*1EG4TE5MK73", "NM1*PR*2*MEDICARE TEST*****PI*00952",
        "DTP*573*D8*20261118", "REF*F8*MCR000123"]
    (back,) = read_837p(next(iter(read(text).transactions()))).claims
    assert back.other_payers == doc.claims[0].other_payers


def test_837i_carries_mia_then_moa_and_orders_its_amounts_d_eaf_a8():
    doc = _institutional(_primary(inpatient_adjudication=MIA))
    text = _text(build_837i(doc))
    _clean(text)
    cob = _cob(text)
    assert cob[:6] == ["SBR*P*18*******MB", "AMT*D*120", "AMT*EAF*30", "OI***Y***Y", "MIA*0***1204.5*MA01",
                       "MOA***MA01*N130"]
    assert cob[-1] == "REF*F8*MCR000123"
    (back,) = read_837i(next(iter(read(text).transactions()))).claims
    assert back.other_payers == doc.claims[0].other_payers


def test_an_inpatient_adjudication_is_never_written_on_an_837p():
    """The 837P 2320 has no MIA segment: writing one would be a syntax error for the payer."""
    text = _text(build_837p(_professional(_primary(inpatient_adjudication=MIA))))
    _clean(text)
    assert not any(s.startswith("MIA") for s in text.split("~"))


def test_a_bypassed_payer_is_reported_by_amt_a8_alone_equal_to_the_claim_charge():
    """TR3: AMT*A8 only when the destination's cost-avoidance policy lets the provider bypass that payer;
    it equals CLM02 and neither AMT*D nor CAS is sent (that payer never adjudicated the claim)."""
    bypassed = OtherPayer("P", MEDICARE, Person("TESTPATIENT", "SYNTH", "1EG4TE5MK73"), "18", "", "MB",
                          non_covered=D("350.00"))
    text = _text(build_837p(_professional(bypassed, adjudicated=False)))
    _clean(text)
    assert _cob(text)[:3] == ["SBR*P*18*******MB", "AMT*A8*350", "OI***Y***Y"]
    (back,) = read_837p(next(iter(read(text).transactions()))).claims
    assert back.other_payers == [bypassed] and back.other_payers[0].paid is None

