"""The secondary 837 written from the stored primary remit carries the primary's claim number (2330B
REF*F8) and its claim-level MOA (remark codes, amounts) element for element; no AMT*A8, since the primary
adjudicated the claim (synthetic data only)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from tests.remittance.helpers import NOW, billed_claim, clp, era_text, practice, svc
from tests.x12.oracle import pyx12_errors

from oncobill.claims.secondary import build_secondary_claims, prior_adjudication
from oncobill.claims.submission import Receiver, create_batches
from oncobill.remittance import service as remittance
from oncobill.x12 import read, write
from oncobill.x12.claims837 import professional_claims
from oncobill.x12.tokenizer import make_segment
from oncobill.x12.validate import validate

TODAY = date(2026, 11, 20)
LATER = datetime(2026, 11, 20, 10, 0)


@pytest.fixture
def p(session):
    return practice(session)


def _secondary_837(session, p, moa: list[str] | None) -> tuple[str, object]:
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)], secondary="COMM")
    cp = clp(claim, "1", [svc("96413", "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")],
                              control=claim.lines[0].line_control_number)], icn="MCR7701")
    if moa is not None:
        cp.other = [make_segment(["MOA", *moa])]
    remittance.import_era(session, "moa.835", era_text([cp]).encode(), actor="poster", now=NOW)
    (sec,) = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY).built
    (batch,) = create_batches(session, actor="biller", now=LATER, claims=[sec], receiver=Receiver()).batches
    return batch.content, claim


def test_2330b_names_the_primary_s_claim_number_and_no_amt_a8_is_sent(session, p):
    text, _ = _secondary_837(session, p, None)
    assert pyx12_errors(text) == [] and validate(text).errors() == [] and write(read(text)) == text
    ((back,),) = [d.claims for d in professional_claims(read(text))]
    (op,) = back.other_payers
    assert op.claim_control_number == "MCR7701" and op.non_covered is None
    assert "REF*F8*MCR7701" in text.split("~")
    assert not any(s.startswith("AMT*A8") for s in text.split("~"))
    assert op.outpatient_adjudication == ()  # the 835 had no MOA: none is invented


def test_the_primary_s_moa_is_carried_element_for_element(session, p):
    text, primary = _secondary_837(session, p, ["", "", "MA01", "N130"])
    assert prior_adjudication(session, primary).outpatient_adjudication == ("", "", "MA01", "N130")
    assert pyx12_errors(text) == [] and validate(text).errors() == [] and write(read(text)) == text
    segs = text.split("~")
    assert "MOA***MA01*N130" in segs
    assert segs.index("MOA***MA01*N130") == segs.index("OI***Y***Y") + 1  # 2320: after OI, before 2330A
    ((back,),) = [d.claims for d in professional_claims(read(text))]
    assert back.other_payers[0].outpatient_adjudication == ("", "", "MA01", "N130")
