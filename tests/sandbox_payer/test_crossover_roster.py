"""A supplemental plan lists its members under its own member IDs; its crossover (COBA) eligibility
file gives Medicare each member's Medicare ID, and that is how a forwarded claim finds the member."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oncobill.sandbox_payer.config import ConfigError, parse_config
from oncobill.x12.remit835 import Adjustment

from .builders import MEDICARE, MEDIGAP, claim, config, line, member, with_primary

D = Decimal


def _roster(*gap_members: dict) -> dict:
    cfg = config()
    cfg["payers"]["MCR01"]["members"].append(
        {"member_id": "1EG4TE5MK72", "coverage_from": "2020-01-01", "crossover_to": "MGAP1"})
    cfg["payers"]["MGAP1"]["members"].extend(gap_members)
    return cfg


def test_medicare_forwards_to_the_member_found_by_the_medicare_id(make_sandbox):
    sandbox = make_sandbox(_roster({"member_id": "KMG123456789", "coverage_from": "2020-01-01",
                                    "medicare_id": "1EG4TE5MK72"}))
    report = sandbox.send([claim("XOM", [line("96413", "400.00")], subscriber=member("1EG4TE5MK72"))])
    mcr, gap = sandbox.claim(report, "XOM", "MCR01"), sandbox.claim(report, "XOM", "MGAP1")
    assert mcr.status == "19" and any(s[0] == "MOA" and "MA18" in s for s in mcr.other)
    assert mcr.patient_id == "1EG4TE5MK72"
    # The plan's own 835 names the member by the plan's member ID.
    assert gap.status == "2" and gap.patient_id == "KMG123456789"
    assert gap.patient_responsibility == D("133.27")  # Plan G leaves the Part B deductible
    # The practice billing the plan itself afterwards, under the plan's ID, is a duplicate of the crossover.
    secondary = with_primary(claim("XOM", [line("96413", "400.00")], payer=MEDIGAP, subscriber=member("KMG123456789")),
                             MEDICARE, [("0", [Adjustment("CO", "45", D("266.73")),
                                               Adjustment("PR", "1", D("133.27"))])])  # fmt: skip
    again = sandbox.send([secondary])
    dup = sandbox.claim(again, "XOM", "MGAP1")
    assert dup.paid == 0 and {(a.group, a.reason) for s in dup.services for a in s.adjustments} == {("OA", "18")}
    assert "N522" in dup.services[0].remarks


def test_no_crossover_when_the_plan_has_not_given_medicare_the_member(make_sandbox):
    """Listed only under the plan's own ID, without the Medicare ID: the claim is not forwarded (CLP02 1)
    and the plan answers the practice's own secondary claim."""
    sandbox = make_sandbox(_roster({"member_id": "KMG123456789", "coverage_from": "2020-01-01"}))
    report = sandbox.send([claim("NXO", [line("96413", "400.00")], subscriber=member("1EG4TE5MK72"))])
    mcr = sandbox.claim(report, "NXO", "MCR01")
    assert mcr.status == "1" and not any(s[0] in ("MOA", "NM1") and "MA18" in s for s in mcr.other)
    assert all(r.payer_id != "MGAP1" for r in sandbox.remits(report))


def test_a_medicare_id_listed_twice_in_one_plan_is_a_config_error():
    cfg = _roster({"member_id": "KMG1", "coverage_from": "2020-01-01", "medicare_id": "1EG4TE5MK72"},
                  {"member_id": "KMG2", "coverage_from": "2020-01-01", "medicare_id": "1EG4TE5MK72"})
    with pytest.raises(ConfigError, match=r"payers\.MGAP1\.members\[3\]\.medicare_id: 1EG4TE5MK72 is listed twice"):
        parse_config(cfg)
