"""Each denial rule, end to end: a synthetic 837 sent unscrubbed comes back in the 835 denied with
the rule's CARC (and RARC), the whole line adjusted and nothing paid."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from oncobill.x12.claims837 import Coverage, ProfessionalClaims
from oncobill.x12.remit835 import Adjustment

from ..x12.oracle import pyx12_errors
from .builders import COMMERCIAL, MEDICARE, MEDIGAP, OTHER_DOC, claim, config, line, member, with_primary

KEYTRUDA = "00006302602"
AVASTIN = "50242006001"


def assert_denied(c, line_no: int, group: str, carc: str, rarcs: list[str]):
    svc = c.services[line_no - 1]
    assert svc.paid == 0
    assert [(a.group, a.reason, a.amount) for a in svc.adjustments] == [(group, carc, svc.charge)]
    assert svc.remarks == rarcs


def test_coverage_not_active_on_the_date_of_service_is_co27(sandbox):
    report = sandbox.send([claim("COV1", [line("96413", "400.00")], subscriber=member("MBR002"))])
    c = sandbox.claim(report, "COV1")
    assert c.status == "4"
    assert_denied(c, 1, "CO", "27", [])


def test_coverage_not_yet_begun_is_co26(sandbox):
    report = sandbox.send([claim("COV2", [line("96413", "400.00", dos=date(2025, 12, 1))], subscriber=member("MBR002"))])
    assert_denied(sandbox.claim(report, "COV2"), 1, "CO", "26", [])


def test_timely_filing_passed_is_co29(sandbox):
    old = line("96413", "400.00", dos=date(2026, 8, 1))  # 111 days before receipt; COM01 allows 90
    report = sandbox.send([claim("TF1", [old], payer=COMMERCIAL, subscriber=member("C100"), filing="CI")])
    assert_denied(sandbox.claim(report, "TF1"), 1, "CO", "29", [])


def test_rendering_provider_not_enrolled_is_b7(sandbox):
    report = sandbox.send([claim("B71", [line("96413", "400.00")], rendering=OTHER_DOC)])
    assert_denied(sandbox.claim(report, "B71"), 1, "CO", "B7", [])


def test_missing_authorization_is_co197(sandbox):
    drug = line("J9271", "15000.00", "200", mods=("JZ",), ndc=KEYTRUDA)
    report = sandbox.send([claim("AUTH1", [drug, line("96413", "400.00")], payer=COMMERCIAL,
                                 subscriber=member("C100"), filing="CI")])  # fmt: skip
    c = sandbox.claim(report, "AUTH1")
    assert c.status == "1"  # the administration is paid; only the drug needed the authorization
    assert_denied(c, 1, "CO", "197", [])
    assert c.services[1].paid > 0 or any(a.group == "PR" for a in c.services[1].adjustments)


def test_units_beyond_the_authorization_are_co198(sandbox):
    first = claim("AUTH2", [line("J9271", "15000.00", "200", mods=("JZ",), ndc=KEYTRUDA)], payer=COMMERCIAL,
                  subscriber=member("C100"), filing="CI", auth="AUTH77")  # fmt: skip
    sandbox.send([first])
    again = claim("AUTH3", [line("J9271", "22500.00", "300", mods=("JZ",), ndc=KEYTRUDA, dos=date(2026, 11, 9))],
                  payer=COMMERCIAL, subscriber=member("C100"), filing="CI", auth="AUTH77")  # fmt: skip
    report = sandbox.send([again])  # 200 + 300 > the 400 approved
    assert_denied(sandbox.claim(report, "AUTH3"), 1, "CO", "198", ["N54"])


def test_single_dose_drug_without_jw_or_jz_is_co4_n822(sandbox):
    report = sandbox.send([claim("JZ1", [line("J9271", "15000.00", "200", ndc=KEYTRUDA)])])
    assert_denied(sandbox.claim(report, "JZ1"), 1, "CO", "4", ["N822"])


def test_jw_and_jz_on_one_line_is_co4_n519(sandbox):
    report = sandbox.send([claim("JZ2", [line("J9271", "15000.00", "200", mods=("JW", "JZ"), ndc=KEYTRUDA)])])
    assert_denied(sandbox.claim(report, "JZ2"), 1, "CO", "4", ["N519"])


def test_ndc_of_another_drug_is_co16_m119(sandbox):
    drug = line("J9271", "15000.00", "200", mods=("JZ",), ndc=AVASTIN)
    report = sandbox.send([claim("NDC1", [drug], payer=COMMERCIAL, subscriber=member("C100"), filing="CI",
                                 auth="AUTH77")])  # fmt: skip
    assert_denied(sandbox.claim(report, "NDC1"), 1, "CO", "16", ["M119"])


def test_missing_ndc_where_the_payer_requires_it_is_co16_m119(sandbox):
    drug = line("J9271", "15000.00", "200", mods=("JZ",))
    report = sandbox.send([claim("NDC2", [drug], payer=COMMERCIAL, subscriber=member("C100"), filing="CI",
                                 auth="AUTH77")])  # fmt: skip
    assert_denied(sandbox.claim(report, "NDC2"), 1, "CO", "16", ["M119"])


def test_ncci_pair_without_a_bypass_modifier_is_co236(sandbox):
    report = sandbox.send([claim("NCCI1", [line("96413", "400.00"), line("96360", "150.00")],
                                 subscriber=member("MBR003"))])  # fmt: skip
    c = sandbox.claim(report, "NCCI1")
    assert_denied(c, 2, "CO", "236", ["N20"])
    assert c.services[0].adjustments[0].reason == "45"  # column 1 is priced normally


def test_ncci_pair_with_a_distinct_service_modifier_is_not_denied(sandbox):
    report = sandbox.send([claim("NCCI2", [line("96413", "400.00"), line("96360", "150.00", mods=("XU",))],
                                 subscriber=member("MBR003"))])  # fmt: skip
    assert all(a.reason != "236" for s in sandbox.claim(report, "NCCI2").services for a in s.adjustments)


def test_units_over_mue_are_co151_n362(sandbox):
    report = sandbox.send([claim("MUE1", [line("J9271", "37500.00", "500", mods=("JZ",), ndc=KEYTRUDA)],
                                 subscriber=member("MBR003"))])  # fmt: skip (J9271 MUE is 400)
    assert_denied(sandbox.claim(report, "MUE1"), 1, "CO", "151", ["N362"])


def test_exact_duplicate_is_oa18(sandbox):
    sandbox.send([claim("DUP1", [line("96413", "400.00")], subscriber=member("MBR003"))])
    report = sandbox.send([claim("DUP2", [line("96413", "400.00")], subscriber=member("MBR003"))])
    assert_denied(sandbox.claim(report, "DUP2"), 1, "OA", "18", [])


def test_secondary_claim_for_a_crossed_over_claim_is_oa18_n522(sandbox):
    sandbox.send([claim("XO1", [line("96413", "400.00")])])  # MBR001 crosses over to MGAP1
    secondary = with_primary(claim("XO1", [line("96413", "400.00")], payer=MEDIGAP),
                             MEDICARE, [("0", [Adjustment("CO", "45", Decimal("266.73")),
                                               Adjustment("PR", "1", Decimal("133.27"))])])  # fmt: skip
    report = sandbox.send([secondary])
    assert_denied(sandbox.claim(report, "XO1", "MGAP1"), 1, "OA", "18", ["N522"])


def test_secondary_claim_without_the_primary_adjudication_is_rejected_at_the_front_end(sandbox):
    """The 837's own situational rule (2320/2330B on a secondary claim) stops it at the 999/277CA,
    so it never reaches adjudication; a secondary claim that does (an 837I, whose typed model has no
    2320 CAS yet) is denied CO-16 + MA04 by the payer rule (tests/sandbox_payer/test_rules.py)."""
    c = claim("SEC0", [line("96413", "400.00")], payer=MEDIGAP, subscriber=member("MBR003"), responsibility="S")
    report = sandbox.send([c])
    (outcome,) = [x for x in report.claims if x.patient_control_number == "SEC0"]
    assert (outcome.accepted, outcome.status) == (False, "rejected")
    assert "cob-missing" in outcome.reasons[0] and "2320" in outcome.reasons[0]
    assert report.files[0].ack_999_status == "E" and report.files[0].remittance is None or not sandbox.remits(report)


def test_drug_administration_billed_by_the_physician_in_the_hospital_is_co5(sandbox):
    report = sandbox.send([claim("POS1", [line("96413", "400.00")], subscriber=member("MBR003"), pos="22")])
    assert_denied(sandbox.claim(report, "POS1"), 1, "CO", "5", ["M77"])


def test_a_payer_can_turn_a_rule_off_and_recode_another(make_sandbox):
    cfg = config(MCR01__rules=["coverage_active", "ncci_ptp"],
                 MCR01__denial_codes={"ncci_ptp": {"group": "CO", "carc": "97", "rarcs": ["M15"]}})  # fmt: skip
    sandbox = make_sandbox(cfg)
    report = sandbox.send([claim("CFG1", [line("96413", "400.00"), line("96360", "150.00"),
                                          line("J9271", "15000.00", "200", ndc=KEYTRUDA)],
                                 subscriber=member("MBR003"))])  # fmt: skip
    c = sandbox.claim(report, "CFG1")
    assert_denied(c, 2, "CO", "97", ["M15"])
    assert c.services[2].paid > 0  # jw_jz is off for this payer


def test_ncci_and_mue_look_across_claims_of_the_same_day(sandbox):
    sandbox.send([claim("DAY1", [line("96413", "400.00")], subscriber=member("MBR003"))])
    report = sandbox.send([claim("DAY2", [line("96360", "150.00")], subscriber=member("MBR003"))])
    assert_denied(sandbox.claim(report, "DAY2"), 1, "CO", "236", ["N20"])  # 96413 was allowed earlier that day
    sandbox.send([claim("DAY3", [line("77427", "300.00")], subscriber=member("MBR003"))])
    report = sandbox.send([claim("DAY4", [line("77427", "310.00")], subscriber=member("MBR003"))])
    assert_denied(sandbox.claim(report, "DAY4"), 1, "CO", "151", ["N362"])  # MUE 1 per day, MAI 2


def test_hospital_claim_authorization_is_read_from_the_837i(make_sandbox):
    """2300 REF*G1 on an 837I covers its drug lines: with it the drug is paid, without it CO-197."""
    from oncobill.sandbox_payer import process_inbox
    from oncobill.x12.institutional837 import InstitutionalClaim, RevenueLine, write_837i

    from .builders import BILLING, TODAY, drop
    from .builders import claim as professional

    sandbox = make_sandbox(config())

    def hospital(pcn: str, auth: str, dos: date) -> InstitutionalClaim:
        drug = professional(pcn, [line("J9271", "15000.00", "200", mods=("JZ",), ndc=KEYTRUDA, dos=dos)]).lines[0]
        rev = RevenueLine("0636", drug.charge, drug.units, drug.procedure, drug.service_date, f"{pcn}-01", drug.drug)
        return InstitutionalClaim(pcn, drug.charge, "13", drug.service_date, drug.service_date, "C3411", [rev],
                                  BILLING, member("C100"), COMMERCIAL, Coverage("P", "18", "GRP1", "CI"),
                                  prior_authorization=auth)  # fmt: skip

    doc = ProfessionalClaims("TEST HOSPITAL", "HOSP0001", "BILLING OFFICE", "2175550100", "SANDBOX CLEARINGHOUSE",
                             "SANDBOXCH", [hospital("HA1", "AUTH77", date(2026, 11, 2)), hospital("HA2", "", date(2026, 11, 9))], reference="BATCH901",
                             created=datetime(2026, 11, 19, 9, 30))  # fmt: skip
    drop(sandbox.box, "batch901.837", write_837i(doc, control_number=901))
    report = process_inbox(sandbox.box, today=TODAY)
    assert pyx12_errors(report.files[0].remittance.read_text()) == []
    authorized = sandbox.claim(report, "HA1")
    assert authorized.services[0].paid > 0
    assert not any(a.reason == "197" for a in authorized.services[0].adjustments)
    assert_denied(sandbox.claim(report, "HA2"), 1, "CO", "197", [])
