"""An 837I billed as secondary: the payer reads each revenue line's 2430 (as on an 837P), so it
adjudicates against the primary instead of denying CO-16 / MA04 (synthetic data only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from oncobill.sandbox_payer.adjudicate import priors_from_837
from oncobill.sandbox_payer.billed import from_institutional
from oncobill.x12.claims837 import Coverage, LineAdjudication, OtherPayer, Person
from oncobill.x12.institutional837 import InstitutionalClaim, RevenueLine
from oncobill.x12.remit835 import Adjustment, Procedure

from .builders import BILLING, MEDICARE, MEDIGAP, member

D = Decimal


def test_an_837i_secondary_carries_the_primary_line_adjudications_to_the_payer():
    proc = Procedure("HC", "96413")
    prior = LineAdjudication(MEDICARE.payer_id, D("200.00"), proc, D(1), date(2026, 11, 18),
                             [Adjustment("CO", "45", D("950.00")), Adjustment("PR", "2", D("50.00"))])
    line = RevenueLine("0335", D("1200.00"), D(1), proc, date(2026, 11, 2), "I-01", adjudications=[prior])
    medicare = OtherPayer("P", MEDICARE, Person("TEST", "PAT", "MBR001"), paid=D("200.00"))
    day = date(2026, 11, 2)
    claim = InstitutionalClaim("INST2", D("1200.00"), "13", day, day, "C3411", [line], BILLING, member("MBR001"),
                               MEDIGAP, Coverage("S", "18", "", "CI"), other_payers=[medicare])
    billed = from_institutional(claim)
    assert billed.is_secondary and billed.lines[0].prior == (prior,)
    (number, found), = priors_from_837(billed).items()
    assert number == 1 and found.paid == D("200.00") and found.patient_responsibility == {"2": D("50.00")}
