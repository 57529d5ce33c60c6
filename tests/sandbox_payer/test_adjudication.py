"""Adjudication figures to the cent (domain 3.6, 6.3, 7.4, 9.5), and the balancing property."""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oncobill.sandbox_payer.adjudicate import Accumulator, share_cost
from oncobill.sandbox_payer.config import Benefits
from oncobill.x12.remit835 import Adjustment

from .builders import (
    ADVANTAGE,
    COMMERCIAL,
    MEDICAID,
    MEDICARE,
    MEDIGAP,
    claim,
    config,
    line,
    member,
    with_primary,
)
from .conftest import Sandbox

D = Decimal
KEYTRUDA = "00006302602"


def cas(svc) -> list[tuple[str, str, Decimal]]:
    """The line's CAS triplets, sorted (the 835 writes one CAS segment per group)."""
    return sorted((a.group, a.reason, a.amount) for a in svc.adjustments)


def test_medicare_drug_line_asp_limit_80_20_and_sequestration(sandbox):
    # Deductible met earlier in the year by a radiation management claim (77427: PFS 195.40, all deductible) and
    # a first 96413 (133.27: 87.60 deductible left, then 80/20).
    sandbox.send([claim("MD0", [line("77427", "300.00", dos=date(2026, 10, 5))], subscriber=member("MBR003"))])
    sandbox.send([claim("MD1", [line("96413", "400.00", dos=date(2026, 10, 5))], subscriber=member("MBR003"))])
    report = sandbox.send([claim("MD2", [line("J9271", "15000.00", "200", mods=("JZ",), ndc=KEYTRUDA)],
                                 subscriber=member("MBR003"))])  # fmt: skip
    c = sandbox.claim(report, "MD2")
    svc = c.services[0]
    # J9271 payment limit 62.253/mg (already 106% of ASP) x 200 = 12,450.60 allowed
    assert svc.allowed == D("12450.60")
    # coinsurance 20% = 2,490.12; program payment 9,960.48; sequestration 2% = 199.21; paid 9,761.27
    assert cas(svc) == [("CO", "253", D("199.21")), ("CO", "45", D("2549.40")), ("PR", "2", D("2490.12"))]
    assert svc.paid == D("9761.27")
    assert (c.status, c.paid, c.patient_responsibility) == ("1", D("9761.27"), D("2490.12"))
    assert svc.line_control_number == "MD2-01"
    assert c.payer_claim_control_number.startswith("SBX")


def test_pfs_service_line_with_deductible_coinsurance_and_sequestration(sandbox):
    r0 = sandbox.send([claim("PF0", [line("77427", "300.00")], subscriber=member("MBR003"))])
    first = sandbox.claim(r0, "PF0")
    # PFS non-facility 195.40, all to the 2026 Part B deductible of 283.00; paid 0 is still status 1, not denied
    assert cas(first.services[0]) == [("CO", "45", D("104.60")), ("PR", "1", D("195.40"))]
    assert (first.status, first.paid) == ("1", D("0.00"))
    report = sandbox.send([claim("PF1", [line("96413", "400.00", dos=date(2026, 11, 3))], subscriber=member("MBR003"))])
    svc = sandbox.claim(report, "PF1").services[0]
    # 133.27 allowed: 87.60 deductible left; 20% of 45.67 = 9.13; program 36.54; sequestration 0.73; paid 35.81
    assert svc.allowed == D("133.27")
    assert cas(svc) == [("CO", "253", D("0.73")), ("CO", "45", D("266.73")), ("PR", "1", D("87.60")),
                        ("PR", "2", D("9.13"))]  # fmt: skip
    assert svc.paid == D("35.81")


def test_facility_rate_for_hospital_place_of_service(sandbox):
    report = sandbox.send([claim("FAC1", [line("96405", "200.00")], subscriber=member("MBR003"), pos="22")])
    assert sandbox.claim(report, "FAC1").services[0].allowed == D("23.71")  # non-facility would be 84.50


def test_one_quarter_prices_every_date_of_service(sandbox):
    # The sandbox prices as of fees.PRICED_ON (core's October 2026 ASP quarter, CY2026 PFS), so a
    # September line gets the October limit: 62.253 x 200. Core's own schedule answers by date.
    report = sandbox.send([claim("Q3", [line("J9271", "15000.00", "200", mods=("JZ",), ndc=KEYTRUDA,
                                             dos=date(2026, 9, 28))], subscriber=member("MBR003"))])
    assert sandbox.claim(report, "Q3").services[0].allowed == D("12450.60")


def test_commercial_contract_line_with_deductible_coinsurance_and_out_of_pocket_maximum(sandbox):
    drug = line("J9271", "15000.00", "200", mods=("JZ",), ndc=KEYTRUDA)
    report = sandbox.send([claim("COM1", [drug], payer=COMMERCIAL, subscriber=member("C100"), filing="CI",
                                 auth="AUTH77")])  # fmt: skip
    c = sandbox.claim(report, "COM1")
    svc = c.services[0]
    # drugs at 110% of Medicare: 12,450.60 x 1.10 = 13,695.66; deductible 1,500; 20% of the rest is 2,439.13 but
    # the out-of-pocket maximum of 3,000 stops it at 1,500; no sequestration outside Medicare
    assert svc.allowed == D("13695.66")
    assert cas(svc) == [("CO", "45", D("1304.34")), ("PR", "1", D("1500.00")), ("PR", "2", D("1500.00"))]
    assert svc.paid == D("10695.66")
    assert c.filing_indicator == "12"
    # The out-of-pocket maximum is met for the plan year (from July 1): the next service is paid in full.
    report = sandbox.send([claim("COM2", [line("96413", "400.00", dos=date(2026, 11, 9))], payer=COMMERCIAL,
                                 subscriber=member("C100"), filing="CI")])  # fmt: skip
    svc = sandbox.claim(report, "COM2").services[0]
    assert (svc.allowed, svc.paid, cas(svc)) == (D("166.59"), D("166.59"), [("CO", "45", D("233.41"))])


def test_medicare_crossover_to_medigap(sandbox):
    report = sandbox.send([claim("XO", [line("96413", "400.00"), line("J9271", "15000.00", "200", mods=("JZ",),
                                                                     ndc=KEYTRUDA)])])  # fmt: skip
    mcr, gap = sandbox.claim(report, "XO", "MCR01"), sandbox.claim(report, "XO", "MGAP1")
    assert mcr.status == "19" and any(s[0] == "MOA" and "MA18" in s for s in mcr.other)
    assert any(list(s[:2]) == ["NM1", "TT"] and s[-1] == "MGAP1" for s in mcr.other)  # the crossover carrier
    assert (mcr.paid, mcr.patient_responsibility) == (D("9643.89"), D("2743.17"))
    # Plan G pays the Part B coinsurance, not the deductible; what Medicare paid or wrote off is OA-23
    assert gap.status == "2"
    assert cas(gap.services[0]) == [("OA", "23", D("266.73")), ("PR", "1", D("133.27"))]
    assert cas(gap.services[1]) == [("OA", "23", D("12390.10")), ("PR", "1", D("149.73"))]
    assert (gap.services[1].paid, gap.paid, gap.patient_responsibility) == (D("2460.17"), D("2460.17"), D("283.00"))


def test_secondary_claim_to_medigap_carrying_the_primary_adjudication(sandbox):
    c = with_primary(
        claim("SEC1", [line("J9271", "15000.00", "200", mods=("JZ",), ndc=KEYTRUDA), line("96413", "400.00")],
              payer=MEDIGAP, subscriber=member("MBR003")),
        MEDICARE,
        [("9761.27", [Adjustment("CO", "45", D("2549.40")), Adjustment("PR", "2", D("2490.12")),
                      Adjustment("CO", "253", D("199.21"))]),
         ("0", [Adjustment("CO", "45", D("266.73")), Adjustment("PR", "1", D("133.27"))])],
    )  # fmt: skip
    report = sandbox.send([c])
    got = sandbox.claim(report, "SEC1", "MGAP1")
    assert got.status == "2"
    assert cas(got.services[0]) == [("OA", "23", D("12509.88"))]
    assert got.services[0].paid == D("2490.12")
    assert cas(got.services[1]) == [("OA", "23", D("266.73")), ("PR", "1", D("133.27"))]
    assert (got.paid, got.patient_responsibility) == (D("2490.12"), D("133.27"))


def test_medicare_advantage_at_100_percent_of_medicare_with_copays(sandbox):
    lines = [line("96413", "400.00"), line("96415", "90.00"), line("J9271", "15000.00", "200", mods=("JZ",), ndc=KEYTRUDA)]
    report = sandbox.send([claim("MA1", lines, payer=ADVANTAGE, subscriber=member("MA100"), filing="16")])
    c = sandbox.claim(report, "MA1")
    # one administration copay per visit; the drug at 20% coinsurance; no deductible, no sequestration in this contract
    assert cas(c.services[0]) == [("CO", "45", D("266.73")), ("PR", "3", D("25.00"))]
    assert c.services[0].paid == D("108.27")
    assert cas(c.services[1]) == [("CO", "45", D("61.61"))] and c.services[1].paid == D("28.39")
    assert cas(c.services[2]) == [("CO", "45", D("2549.40")), ("PR", "2", D("2490.12"))]
    assert (c.paid, c.patient_responsibility, c.filing_indicator) == (D("10097.14"), D("2515.12"), "16")


def test_medicaid_at_a_percentage_of_medicare(sandbox):
    lines = [line("96413", "400.00"), line("J9271", "15000.00", "200", mods=("JZ",), ndc=KEYTRUDA)]
    report = sandbox.send([claim("MCD1", lines, payer=MEDICAID, subscriber=member("MCD100"), filing="MC")])
    c = sandbox.claim(report, "MCD1")
    assert [s.paid for s in c.services] == [D("106.62"), D("9960.48")]  # 80% of 133.27 and of 12,450.60
    assert c.patient_responsibility == 0


def test_medicaid_as_secondary_pays_up_to_its_own_allowed_amount(sandbox):
    c = with_primary(
        claim("DUAL1", [line("96413", "400.00")], payer=MEDICAID, subscriber=member("MCD100"), filing="MC"),
        MEDICARE,
        [("104.49", [Adjustment("CO", "45", D("266.73")), Adjustment("PR", "2", D("26.65")),
                     Adjustment("CO", "253", D("2.13"))])],
    )  # fmt: skip
    got = sandbox.claim(sandbox.send([c]), "DUAL1", "MCD01")
    # Medicaid allows 106.62 and Medicare paid 104.49: it pays 2.13 of the 26.65 coinsurance
    assert got.status == "2"
    assert cas(got.services[0]) == [("OA", "23", D("373.35")), ("PR", "2", D("24.52"))]
    assert got.services[0].paid == D("2.13")


def test_cost_share_copay_then_out_of_pocket_cap():
    benefits = Benefits({0: D("500.00")}, D(20), {"em": D("40.00")}, D("600.00"))
    share, after = share_cost(D("150.00"), benefits, Accumulator(D("500.00"), D("580.00")),
                              plan_year=date(2026, 1, 1), coinsurance_percent=D(20), copay=D("40.00"))  # fmt: skip
    assert (share.deductible, share.copay, share.coinsurance, share.paid) == (D(0), D("20.00"), D(0), D("130.00"))
    assert after == Accumulator(D("500.00"), D("600.00"))


def test_sequestration_does_not_reduce_the_patient_share():
    benefits = Benefits({0: D("0.00")}, D(20), sequestration_percent=D(2))
    share, _ = share_cost(D("100.00"), benefits, Accumulator(), plan_year=date(2026, 1, 1),
                          coinsurance_percent=D(20))  # fmt: skip
    assert (share.coinsurance, share.sequestration, share.paid) == (D("20.00"), D("1.60"), D("78.40"))


PAYER_OF = {"MBR001": MEDICARE, "MBR002": MEDICARE, "MBR003": MEDICARE, "C100": COMMERCIAL, "MA100": ADVANTAGE,
            "MCD100": MEDICAID}
CODES = [("96413", None), ("96415", None), ("96360", None), ("96375", None), ("77427", None), ("99214", None),
         ("J9271", KEYTRUDA), ("J9035", "50242006001"), ("J2506", None)]  # fmt: skip


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.tuples(st.sampled_from(CODES), st.integers(1, 500_00), st.integers(1, 40),
                                   st.sampled_from([(), ("JZ",), ("XU",), ("JW", "JZ")]),
                                   st.sampled_from(list(PAYER_OF))),
                         min_size=1, max_size=5), min_size=1, max_size=4))  # fmt: skip
def test_every_835_balances_by_construction(batches):
    """Line: charge - CAS = paid; claim: CLP03 - CAS = CLP04 and CLP05 = PR; transaction: BPR02 = sum CLP04."""
    with tempfile.TemporaryDirectory() as tmp:
        sandbox = Sandbox(Path(tmp), config())
        for n, lines in enumerate(batches):
            claims = []
            for k, ((code, ndc), cents, units, mods, who) in enumerate(lines):
                payer = PAYER_OF[who]
                ln = line(code, str(D(cents) / 100), str(units), mods=mods, ndc=ndc)
                claims.append(claim(f"P{n}X{k}", [ln], payer=payer, subscriber=member(who), auth="AUTH77"))
            report = sandbox.send(claims)
            for remit in sandbox.remits(report):
                assert remit.payment_amount == sum((c.paid for c in remit.claims), D(0))
                for c in remit.claims:
                    line_cas = sum((a.amount for s in c.services for a in s.adjustments), D(0))
                    assert c.charge - line_cas == c.paid
                    pr = sum((a.amount for s in c.services for a in s.adjustments if a.group == "PR"), D(0))
                    assert c.patient_responsibility == pr
                    for s in c.services:
                        assert s.charge - sum((a.amount for a in s.adjustments), D(0)) == s.paid
                        assert s.paid >= 0 and all(a.amount >= 0 for a in s.adjustments)


def test_deductible_by_plan_year_falls_back_to_the_latest_published():
    benefits = Benefits({2025: D("257.00"), 2026: D("283.00")})
    assert [benefits.deductible_for(date(y, 1, 1)) for y in (2024, 2025, 2026, 2027)] == \
        [D("257.00"), D("257.00"), D("283.00"), D("283.00")]  # fmt: skip
    assert Benefits({0: D("1500.00")}).deductible_for(date(2027, 7, 1)) == D("1500.00")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["MGAP1", "MCD01"]),
       st.lists(st.tuples(st.integers(1, 2_000_000), st.integers(0, 100), st.integers(0, 100), st.integers(0, 100),
                          st.integers(0, 100)), min_size=1, max_size=4))  # fmt: skip
def test_a_secondary_payment_balances_and_never_exceeds_the_patient_share(payer_id, splits):
    """Random primary adjudications (paid + CO-45 + PR-1/2/3 = charge): the secondary's line balances,
    pays no more than the primary's patient share, and adjusts nothing negative."""
    from oncobill.codes import default_code_sets
    from oncobill.sandbox_payer.adjudicate import PriorLine, adjudicate_secondary
    from oncobill.sandbox_payer.billed import from_professional
    from oncobill.sandbox_payer.config import parse_config
    from oncobill.sandbox_payer.fees import medicare_fee_schedule
    from oncobill.sandbox_payer.rules import PayerHistory, Review

    lines, priors = [], {}
    for n, (cents, paid_pct, ded_pct, coins_pct, copay_pct) in enumerate(splits, 1):
        charge = D(cents) / 100
        paid = (charge * paid_pct / 100).quantize(D("0.01"))
        rest = charge - paid
        # Rounded down, so the patient's parts never add up to more than what the primary left.
        parts = [(rest * p / 300).quantize(D("0.01"), rounding=ROUND_DOWN) for p in (ded_pct, coins_pct, copay_pct)]
        adjs = [Adjustment("PR", r, a) for r, a in zip(("1", "2", "3"), parts) if a]
        adjs.append(Adjustment("CO", "45", rest - sum(parts)))
        lines.append(line("96413", str(charge), dos=date(2026, 11, 2 + n)))
        priors[n] = PriorLine(paid, tuple(a for a in adjs if a.amount))
    who = "MBR003" if payer_id == "MGAP1" else "MCD100"
    billed = from_professional(claim("SECP", lines, payer=MEDIGAP, subscriber=member(who), responsibility="S"))
    payer = parse_config(config()).payers[payer_id]
    review = Review(billed, payer, payer.members[who], date(2026, 11, 20), default_code_sets(),
                    medicare_fee_schedule(), PayerHistory(), priors)  # fmt: skip
    result = adjudicate_secondary(review, "SBX1")
    for x in result.lines:
        assert x.line.charge - sum((a.amount for a in x.adjustments), D(0)) == x.paid
        assert all(a.amount > 0 for a in x.adjustments) and x.paid >= 0
        owed = sum((a.amount for a in priors[x.line.number].adjustments if a.group == "PR"), D(0))
        assert x.paid <= owed
