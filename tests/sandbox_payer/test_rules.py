"""The denial rules as pure functions over one claim line (no files, no state)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from oncobill.codes import Mue, default_code_sets
from oncobill.sandbox_payer.billed import from_professional
from oncobill.sandbox_payer.config import parse_config
from oncobill.sandbox_payer.fees import medicare_fee_schedule
from oncobill.sandbox_payer.rules import PayerHistory, Review, duplicate_key, mue, ncci_ptp, review_line

from .builders import TODAY, claim, config, line, member


def review(lines, who="MBR003", codes=None, history=None, **kw) -> Review:
    billed = from_professional(claim("R1", lines, subscriber=member(who), **kw))
    payer = parse_config(config()).payers["MCR01"]
    return Review(billed, payer, payer.members[who], TODAY, codes or default_code_sets(), medicare_fee_schedule(),
                  history or PayerHistory())  # fmt: skip


class FakeMue:
    """Code sets answering one MUE, for the MAI semantics the bundled table does not exercise."""

    def __init__(self, mai: int, max_units: int) -> None:
        self.answer = Mue("96372", "practitioner", max_units, mai, date(2026, 10, 1))

    def mue(self, code, setting, on=None):
        return self.answer if code == "96372" else None


def test_mue_mai_1_limits_each_line_so_split_lines_pass():
    r = review([line("96372", "50.00", "2"), line("96372", "50.00", "2", mods=("XS",))], codes=FakeMue(1, 3))
    assert [mue(x, r) for x in r.claim.lines] == [None, None]


def test_mue_mai_2_and_3_limit_the_days_units_across_lines():
    for mai in (2, 3):
        r = review([line("96372", "50.00", "2"), line("96372", "50.00", "2", mods=("XS",))], codes=FakeMue(mai, 3))
        denials = [mue(x, r) for x in r.claim.lines]
        assert all(d is not None and (d.carc, d.rarcs) == ("151", ("N362",)) for d in denials)
        assert f"MAI {mai}" in denials[0].reason


def test_ncci_indicator_0_is_never_bypassed():
    r = review([line("96413", "400.00"), line("96523", "60.00", mods=("XU",))])
    denial = ncci_ptp(r.claim.lines[1], r)
    assert denial is not None and "modifier indicator 0" in denial.reason
    assert ncci_ptp(r.claim.lines[0], r) is None  # column 1 stands


def test_ncci_pair_on_different_days_is_not_an_edit():
    r = review([line("96413", "400.00"), line("96360", "150.00", dos=date(2026, 11, 3))])
    assert ncci_ptp(r.claim.lines[1], r) is None


def test_the_first_rule_that_fires_wins_and_rules_run_in_payer_order():
    # Coverage ended and JZ missing: eligibility is checked before coding edits.
    r = review([line("J9271", "15000.00", "200", ndc="00006302602")], who="MBR002")
    assert review_line(r.claim.lines[0], r).carc == "27"


def test_duplicate_key_is_exact():
    r = review([line("96413", "400.00")])
    key = duplicate_key(r.claim, r.claim.lines[0])
    history = PayerHistory({key: {"icn": "SBX1", "crossover": False}})
    assert review_line(r.claim.lines[0], review([line("96413", "400.00")], history=history)).carc == "18"
    other_units = review([line("96413", "400.00", "2")], history=history)
    assert review_line(other_units.claim.lines[0], other_units) is None or \
        review_line(other_units.claim.lines[0], other_units).carc != "18"  # fmt: skip


def test_authorization_window_and_codes():
    cfg = parse_config(config())
    payer = cfg.payers["COM01"]
    assert payer.needs_authorization("J9271") and payer.needs_authorization("77427")
    assert not payer.needs_authorization("96413")
    assert payer.authorizations[0].units["J9271"] == Decimal(400)


def test_secondary_line_without_the_primary_adjudication_is_co16_ma04():
    from oncobill.sandbox_payer.adjudicate import PriorLine
    from oncobill.sandbox_payer.rules import prior_payer_information

    r = review([line("96413", "400.00"), line("96375", "80.00")], responsibility="S")
    r.priors = {1: PriorLine(Decimal("200.00"), ())}
    first, second = r.claim.lines
    assert prior_payer_information(first, r) is None
    denial = prior_payer_information(second, r)
    assert (denial.group, denial.carc, denial.rarcs) == ("CO", "16", ("MA04",))


def test_ncci_bypass_reads_the_shared_policy_with_25_on_an_em():
    """99214-25 with 96413 is allowed through as the scrubber allows it; without 25 it is denied."""
    codes = default_code_sets()
    pair = codes.ncci_pair("96413", "99214", on=TODAY)
    if pair is None:  # the bundled I/OCE table lists the pair the other way round
        pair = codes.ncci_pair("99214", "96413", on=TODAY)
    assert pair is not None and pair.modifier_indicator == 1
    with_25 = review([line("96413", "300.00"), line("99214", "200.00", mods=("25",))])
    assert ncci_ptp(with_25.claim.lines[1], with_25) is None
    without = review([line("96413", "300.00"), line("99214", "200.00")])
    assert ncci_ptp(without.claim.lines[1], without).carc == "236"


def test_given_line_with_its_waste_on_a_jw_line_needs_no_modifier():
    from oncobill.sandbox_payer.rules import jw_jz

    r = review([line("J9312", "7200.00", "72"), line("J9312", "800.00", "8", mods=("JW",))])
    assert [jw_jz(x, r) for x in r.claim.lines] == [None, None]
    alone = review([line("J9312", "7200.00", "72")])
    assert (jw_jz(alone.claim.lines[0], alone).carc, jw_jz(alone.claim.lines[0], alone).rarcs) == ("4", ("N822",))
