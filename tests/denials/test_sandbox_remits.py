"""End to end: claims the sandbox payer denies come back as 835 lines that route to the right queue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.sandbox_payer.builders import (
    COMMERCIAL,
    DOS,
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

from oncobill.denials import Action, ClaimFacts, PayerTerms, denied_lines, resubmission, route
from oncobill.sandbox_payer import process_inbox

KEYTRUDA = "00006302602"
TERMS = {"MCR01": PayerTerms("SANDBOX MEDICARE PART B", 365, 120),
         "COM01": PayerTerms("SANDBOX COMMERCIAL PPO", 90, 180)}


def test_sandbox_denials_route_to_their_queues(tmp_path):
    box = mailbox(tmp_path, config())
    drop(box, "b1.837", batch([
        claim("DN1", [billed("J9271", "15000.00", "200", ndc=KEYTRUDA)], subscriber=member("MBR003")),  # no JW/JZ
        claim("DN2", [billed("J9271", "15000.00", "200", mods=("JZ",), ndc=KEYTRUDA)], payer=COMMERCIAL,
              subscriber=member("C100"), filing="CI"),  # no authorization number
        claim("DN3", [billed("96413", "400.00")], subscriber=member("MBR002")),  # coverage ended 2026-10-31
    ]))
    report = process_inbox(box, today=TODAY)
    routed = {}
    for remit in remits(report.files[0].remittance):
        for cp in remit.claims:
            facts = ClaimFacts(cp.patient_control_number, DOS, payer_claim_number=cp.payer_claim_control_number,
                               payer_accepted_on=TODAY)
            for denied in denied_lines(cp):
                item = route(denied, facts, TERMS[remit.payer_id], remit_date=remit.payment_date or TODAY)
                routed[cp.patient_control_number] = (item, facts)
    dn1, facts1 = routed["DN1"]
    assert (dn1.group, dn1.carc, dn1.rarcs, dn1.queue, dn1.action) == ("CO", "4", ("N822",), "modifiers",
                                                                        Action.CORRECTED_CLAIM)
    assert dn1.amount == Decimal("15000.00") and dn1.line_control_number == "DN1-01"
    plan = resubmission(dn1, facts1, TERMS["MCR01"])
    assert plan.frequency == "7" and plan.payer_claim_number.startswith("SBX")
    dn2, _ = routed["DN2"]
    assert (dn2.carc, dn2.queue, dn2.owner.value) == ("197", "authorization", "authorization_coordinator")
    assert dn2.due_date == date(2027, 1, 31)  # DOS 2026-11-02 + 90 days of timely filing, before the appeal window
    dn3, _ = routed["DN3"]
    assert (dn3.carc, dn3.queue, dn3.action) == ("27", "eligibility", Action.BILL_OTHER_PAYER)
