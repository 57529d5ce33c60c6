"""The other half of each denial rule: the scrubber catches the problem before submission
(tests/claims/test_scrub_edits.py); here the same claim goes out unscrubbed, through our 837 writer,
into the real sandbox payer, and its 835 (read with the X12 engine) denies it with that CARC."""

from __future__ import annotations

from datetime import date

import pytest
from tests.claims.submission_helpers import (
    COMMERCIAL,
    KEYTRUDA,
    MEDICARE,
    OTHER_DOCTOR,
    Sandbox,
    claim,
    coverage,
    line,
    patient,
    payer_config,
)

MBR = "1EG4TE5MK73"
PPO_MBR = "XPB000111"


@pytest.fixture
def sandbox(tmp_path):
    medicare = payer_config(MEDICARE, members=[{"member_id": MBR, "coverage_from": "2026-01-01"}],
                            jw_jz_required=True)
    ppo = payer_config(COMMERCIAL, members=[{"member_id": PPO_MBR, "coverage_from": "2026-01-01",
                                             "coverage_to": "2026-10-10"}],
                       jw_jz_required=True, ndc_required=True, auth_required_codes=["J9*", "77*"],
                       authorizations=[{"number": "PA123", "member_id": PPO_MBR, "from": "2026-09-01",
                                        "to": "2027-03-31", "units": {"J9271": "400"}}])
    return Sandbox(tmp_path / "mailbox", {"SBMCR": medicare, "SBPPO": ppo})


def medicare_claim(*lines, **kw):
    return claim(list(lines), cov=coverage(patient(), MEDICARE, MBR), **kw)


def ppo_claim(*lines, **kw):
    return claim(list(lines), cov=coverage(patient(), COMMERCIAL, PPO_MBR), **kw)


def carcs(paid_claim) -> list[list[tuple[str, str]]]:
    """(group, CARC) of each service line's adjustments."""
    return [[(a.group, a.reason) for a in svc.adjustments] for svc in paid_claim.services]


def remarks(paid_claim) -> list[list[str]]:
    return [svc.remarks for svc in paid_claim.services]


def denied(paid_claim, line_no: int, group: str, carc: str) -> bool:
    svc = paid_claim.services[line_no - 1]
    return svc.paid == 0 and [(a.group, a.reason, a.amount) for a in svc.adjustments] == [(group, carc, svc.charge)]


def test_no_authorization_where_required_is_co197(sandbox):
    c = ppo_claim(line("J9271", "15000.00", 200, mods=("JZ",), ndc=KEYTRUDA, on=date(2026, 10, 5)))
    paid = sandbox.paid_claim(sandbox.send([c]), c.patient_control_number)
    assert denied(paid, 1, "CO", "197")


def test_the_authorization_on_the_claim_reaches_the_payer(sandbox):
    """Control: the same drug with REF*G1 on the claim is not denied for authorization."""
    c = ppo_claim(line("J9271", "15000.00", 200, mods=("JZ",), ndc=KEYTRUDA, on=date(2026, 10, 5)),
                  prior_authorization="PA123")
    paid = sandbox.paid_claim(sandbox.send([c]), c.patient_control_number)
    assert ("CO", "197") not in carcs(paid)[0] and paid.paid > 0


def test_rendering_provider_not_enrolled_is_b7(sandbox):
    c = medicare_claim(line("96413", "400.00"), rendering=OTHER_DOCTOR)
    paid = sandbox.paid_claim(sandbox.send([c]), c.patient_control_number)
    assert denied(paid, 1, "CO", "B7")


def test_single_dose_drug_without_jw_or_jz_is_co4(sandbox):
    c = medicare_claim(line("J9271", "15000.00", 200, ndc=KEYTRUDA))
    paid = sandbox.paid_claim(sandbox.send([c]), c.patient_control_number)
    assert denied(paid, 1, "CO", "4") and remarks(paid)[0] == ["N822"]


def test_ncci_pair_without_a_bypass_modifier_is_co236(sandbox):
    c = medicare_claim(line("96413", "400.00"), line("96360", "150.00"))
    paid = sandbox.paid_claim(sandbox.send([c]), c.patient_control_number)
    assert denied(paid, 2, "CO", "236") and not denied(paid, 1, "CO", "236")


def test_units_over_mue_are_co151(sandbox):
    c = medicare_claim(line("J9271", "37500.00", 500, mods=("JZ",), ndc=KEYTRUDA))  # J9271 MUE is 400
    paid = sandbox.paid_claim(sandbox.send([c]), c.patient_control_number)
    assert denied(paid, 1, "CO", "151") and remarks(paid)[0] == ["N362"]


def test_missing_ndc_where_the_payer_requires_it_is_co16_m119(sandbox):
    c = ppo_claim(line("J9271", "15000.00", 200, mods=("JZ",), on=date(2026, 10, 5)), prior_authorization="PA123")
    paid = sandbox.paid_claim(sandbox.send([c]), c.patient_control_number)
    assert denied(paid, 1, "CO", "16") and remarks(paid)[0] == ["M119"]


def test_exact_duplicate_is_oa18(sandbox):
    first = medicare_claim(line("96413", "400.00"))
    sandbox.send([first])
    again = medicare_claim(line("96413", "400.00"))  # the same service, on a new claim
    paid = sandbox.paid_claim(sandbox.send([again]), again.patient_control_number)
    assert denied(paid, 1, "OA", "18")


def test_timely_filing_passed_is_co29(sandbox):
    c = ppo_claim(line("96413", "400.00", on=date(2026, 7, 1)))  # 124 days before receipt; the PPO allows 90
    paid = sandbox.paid_claim(sandbox.send([c]), c.patient_control_number)
    assert denied(paid, 1, "CO", "29")


def test_coverage_not_active_is_co27(sandbox):
    c = ppo_claim(line("96413", "400.00", on=date(2026, 10, 20)))  # the PPO coverage ended on Oct 10
    paid = sandbox.paid_claim(sandbox.send([c]), c.patient_control_number)
    assert denied(paid, 1, "CO", "27")


def test_a_line_level_authorization_reaches_the_payer(sandbox):
    """The drug line cites its own authorization (2400 REF*G1), not the claim's."""
    c = ppo_claim(line("96413", "400.00", on=date(2026, 10, 5)),
                  line("J9271", "15000.00", 200, mods=("JZ",), ndc=KEYTRUDA, on=date(2026, 10, 5), auth="PA123"),
                  prior_authorization="PA-OTHER")
    paid = sandbox.paid_claim(sandbox.send([c]), c.patient_control_number)
    assert ("CO", "197") not in carcs(paid)[1] and paid.services[1].paid > 0
