"""The payer-side facts change the sandbox payers' own records, and nothing else; a fact that does not
match the configuration stops the demo instead of silently losing the denial it promises."""

import copy
from datetime import date
from decimal import Decimal

import pytest

from oncobill.demo.payer_facts import PayerFact, apply_payer_facts
from oncobill.errors import OncoBillError
from oncobill.sandbox_payer.config import parse_config


def _config() -> dict:
    return {"payers": {
        "SBMAP": {"kind": "medicare_advantage",
                  "members": [{"member_id": "HMA1", "coverage_from": "2026-01-01", "coverage_to": None},
                              {"member_id": "HMA2", "coverage_from": "2026-01-01", "coverage_to": None}],
                  "enrollments": [{"npi": "1234567893", "from": "2020-01-01", "to": None},
                                  {"npi": "1245319599", "from": "2020-01-01", "to": None}],
                  "authorizations": [{"number": "PA1", "member_id": "HMA2", "from": "2026-09-01",
                                      "to": "2027-02-28", "units": {"J9271": "999999", "J9045": "999999"}}]},
    }}


def _fact(**kw) -> PayerFact:
    base = {"kind": "coverage_ended_before_month", "payer_id": "SBMAP", "payer": "MAPLAN", "account": "DEMO0001",
            "claims": ("OB00000001",), "member_id": "HMA1", "expected": "CO-27", "what": "test"}
    return PayerFact(**{**base, **kw})


def test_each_fact_changes_only_its_record():
    config = _config()
    untouched = copy.deepcopy(config)
    apply_payer_facts(config, [
        _fact(coverage_to=date(2026, 9, 30)),
        _fact(kind="authorization_fewer_units", member_id="HMA2", authorization="PA1", code="J9271",
              units=Decimal("200.000")),
        _fact(kind="enrollment_ended", npi="1245319599", enrollment_to=date(2026, 10, 15)),
    ])
    payer = config["payers"]["SBMAP"]
    assert [m["coverage_to"] for m in payer["members"]] == ["2026-09-30", None]
    assert payer["authorizations"][0]["units"] == {"J9271": "200", "J9045": "999999"}  # never "2E+2"
    assert [e["to"] for e in payer["enrollments"]] == [None, "2026-10-15"]
    for key in ("members", "authorizations", "enrollments"):  # same shape, same other fields
        assert len(payer[key]) == len(untouched["payers"]["SBMAP"][key])
    # The sandbox reads what the facts wrote.
    parsed = parse_config(config).payers["SBMAP"]
    assert parsed.members["HMA1"].coverage_to == date(2026, 9, 30)
    assert parsed.authorizations[0].units["J9271"] == Decimal(200)
    assert [e.end for e in parsed.enrollments] == [None, date(2026, 10, 15)]


@pytest.mark.parametrize("fact, words", [
    (_fact(member_id="NOPE", coverage_to=date(2026, 9, 30)), "member NOPE is not on SBMAP's roster"),
    (_fact(payer_id="SBXXX", coverage_to=date(2026, 9, 30)), "payer SBXXX is not in the sandbox config"),
    (_fact(authorization="PA1", code="J9999", units=Decimal(1)), "authorization PA1 for J9999 is not on file"),
    (_fact(npi="1999999984", enrollment_to=date(2026, 10, 1)), "NPI 1999999984 is not enrolled with SBMAP"),
])
def test_a_fact_that_does_not_match_is_an_error(fact, words):
    with pytest.raises(OncoBillError, match="payer-side fact for OB00000001") as err:
        apply_payer_facts(_config(), [fact])
    assert words in str(err.value)
