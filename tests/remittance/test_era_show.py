"""`era show`: every corpus 835 renders, and either balances or names the rule it breaks."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oncobill.cli.main import app
from oncobill.remittance.rules import (
    CLAIM_RULE,
    LINE_RULE,
    TRANSACTION_RULE,
    balancing_problems,
)
from oncobill.x12.remit835 import (
    Adjustment,
    ClaimPayment,
    Procedure,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
)

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "x12-corpus" / "835"
FILES = sorted(CORPUS.glob("*")) if CORPUS.is_dir() else sorted(Path("/work/shared/x12-corpus/835").glob("*"))
RULES = (LINE_RULE, CLAIM_RULE, TRANSACTION_RULE)
D = Decimal


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_corpus_835_renders_and_balances_or_names_the_rule(path):
    result = CliRunner().invoke(app, ["era", "show", "--json", str(path)])
    assert result.exit_code == 0, result.output
    view = json.loads(result.output)
    assert set(view) >= {"balanced", "problems", "claims", "provider_adjustments", "payment_total"}
    assert view["claims"], "every corpus 835 pays or denies at least one claim"
    for claim in view["claims"]:
        assert set(claim) >= {"patient_control_number", "status", "charge", "paid", "patient_responsibility",
                              "payer_claim_number", "adjustments", "lines"}
        D(claim["charge"]), D(claim["paid"])  # decimal strings
        for line in claim["lines"]:
            assert set(line) >= {"code", "modifiers", "units", "charge", "allowed", "paid", "adjustments", "remarks"}
            for a in line["adjustments"]:
                assert set(a) == {"group", "reason", "amount"}
    if not view["balanced"]:
        assert any(rule in p for p in view["problems"] for rule in RULES), view["problems"]
    text = CliRunner().invoke(app, ["era", "show", str(path)])
    assert text.exit_code == 0, text.output
    assert "payment total" in text.output


def test_corpus_tertiary_breaks_the_line_rule_and_bad_bpr16_is_reported():
    views = {p.name: json.loads(CliRunner().invoke(app, ["era", "show", "--json", str(p)]).output) for p in FILES}
    tertiary = views["linuxforhealth__tertiary-payment.835"]
    assert not tertiary["balanced"] and LINE_RULE in tertiary["problems"][0]
    managed = views["linuxforhealth__managed-care.835"]
    assert managed["balanced"] and "BPR16" in managed["problems"][0]
    assert views["linuxforhealth__cob-contractural-adjustment.835"]["balanced"]


def _remit(paid_line: str, plb: str | None = None, bpr: str = "80.00") -> Remittance:
    line = ServicePayment(Procedure("HC", "96413"), D("100.00"), D(paid_line),
                          adjustments=[Adjustment("CO", "45", D("20.00"))])
    claim = ClaimPayment("PCN1", "1", D("100.00"), D(paid_line), services=[line])
    remit = Remittance(D(bpr), claims=[claim], trace_number="T1")
    if plb:
        remit.provider_adjustments.append(ProviderAdjustment("123", None, "WO", "X", D(plb)))
    return remit


def test_balancing_rules_use_positive_reduces_payment():
    assert balancing_problems(_remit("80.00")) == []
    assert balancing_problems(_remit("80.00", plb="10.00", bpr="70.00")) == []
    assert balancing_problems(_remit("80.00", plb="-5.00", bpr="85.00")) == []  # L6 interest adds money
    broken = balancing_problems(_remit("81.00", bpr="81.00"))
    assert [p.split(":")[0] for p in broken] == [LINE_RULE.split(":")[0], CLAIM_RULE.split(":")[0]]
    assert TRANSACTION_RULE in balancing_problems(_remit("80.00", plb="10.00", bpr="80.00"))[0]


def test_show_refuses_a_file_that_is_not_x12(tmp_path):
    bad = tmp_path / "bad.835"
    bad.write_text("hello")
    result = CliRunner().invoke(app, ["era", "show", str(bad)])
    assert result.exit_code == 1 and "bad.835" in result.output
