"""Domain reference section 4: radiation course coding and the 5-fraction rules (4.3)."""

from __future__ import annotations

import pytest
from tests.charges.onc_helpers import code, encounter, summary

from oncobill.charges.radiation import explain_77427, units_77336, units_77427
from oncobill.errors import InvalidInput


# 4.3 table: fractions -> 77427 units.
@pytest.mark.parametrize(("fractions", "units"), [(5, 1), (6, 1), (8, 2), (9, 2), (18, 4), (25, 5), (27, 5),
                                                  (28, 6), (62, 12)])
def test_77427_units_table(fractions, units):
    assert units_77427(fractions) == units


def test_77427_explanation_in_billing_words_28_fractions():
    assert explain_77427(28, True) == ("77427 x6: 28 fractions = 5 full blocks of 5 + 3 left over, "
                                       "which counts as one more")


def test_77427_open_course_leaves_the_remainder_waiting():
    assert units_77427(28, course_complete=False) == 5
    assert "waiting" in explain_77427(28, False)


def test_77336_strict_by_default_and_three_or_four_when_configured():
    assert units_77336(28) == 5
    assert units_77336(28, "three_or_four") == 6
    assert units_77336(27, "three_or_four") == 5


def _course(**kw):
    course = {"technique": "imrt", "fractions": 28, "complexity": "intermediate"}
    course.update(kw)
    return encounter([], reason="radiation", diagnoses=["C61"], course=course)


def test_imrt_course_of_28_fractions_in_2026():
    result = code(_course(planning="complex", simulation="complex", plan="imrt", mlc_device=True,
                          basic_dosimetry=2, devices={"complex": 1}, image_guidance=True))
    assert summary(result) == [("77263", 1), ("77290", 1), ("77301", 1), ("77338", 1), ("77300", 2), ("77334", 1),
                               ("77407", 28), ("77387", 28), ("77336", 5), ("77427", 6)]
    assert result.diagnoses == ["Z51.0", "C61"]
    assert all(line.dx_pointers == (1, 2) for line in result.lines)


def test_medicare_pfs_before_2026_used_g6015_for_imrt():
    result = code(_course(fractions=25) | {"date_of_service": "2025-06-02"})
    assert ("G6015", 25) in summary(result)


def test_opps_before_2026_used_77386_for_imrt():
    raw = _course(fractions=25) | {"date_of_service": "2025-06-02", "setting": "facility"}
    assert ("77386", 25) in summary(code(raw))


def test_conventional_g_code_needs_energy_before_2026():
    raw = _course(technique="3d", fractions=10) | {"date_of_service": "2025-06-02"}
    with pytest.raises(InvalidInput, match="energy_mev"):
        code(raw)
    raw["radiation_course"]["energy_mev"] = 6
    assert ("G6008", 10) in summary(code(raw))


@pytest.mark.parametrize("fractions", [1, 2])
def test_77431_only_for_a_whole_course_of_one_or_two(fractions):
    result = code(_course(technique="3d", fractions=fractions))
    assert ("77431", 1) in summary(result)
    assert "77427" not in [line.code for line in result.lines]


def test_77431_never_fills_in_leftovers():
    result = code(_course(technique="3d", fractions=7))
    assert ("77427", 1) in summary(result) and "77431" not in [line.code for line in result.lines]


def test_sbrt_course_uses_77373_and_77435_not_77427():
    result = code(_course(technique="sbrt", fractions=5))
    assert summary(result) == [("77373", 5), ("77336", 1), ("77435", 1)]


def test_unknown_technique_is_refused():
    with pytest.raises(InvalidInput, match=r"radiation_course.technique"):
        code(_course(technique="proton-magic"))


def _weekdays(start, n):
    from datetime import date, timedelta

    day, out = date.fromisoformat(start), []
    while len(out) < n:
        if day.weekday() < 5:
            out.append(day.isoformat())
        day += timedelta(days=1)
    return out


def test_course_with_fraction_dates_posts_delivery_daily_and_77427_per_block():
    dates = _weekdays("2026-10-05", 28)
    result = code(_course(fraction_dates=dates, image_guidance=True) | {"date_of_service": dates[0]})
    delivery = [l for l in result.lines if l.code == "77407"]
    assert len(delivery) == 28 and all(l.units == 1 for l in delivery)
    mgmt = [l for l in result.lines if l.code == "77427"]
    assert [l.units for l in mgmt] == [1] * 6
    # Block lines are dated on the block's fifth fraction; the leftover block on the course's last.
    assert [l.date_of_service.isoformat() for l in mgmt] == [dates[4], dates[9], dates[14], dates[19], dates[24],
                                                              dates[27]]
    assert "3 left over at course end count as one more" in mgmt[-1].explanation
    assert len([l for l in result.lines if l.code == "77336"]) == 5  # strict physics: no leftover unit


def test_block_lines_dated_on_the_first_fraction_when_the_payer_wants():
    dates = _weekdays("2026-10-05", 10)
    raw = _course(fractions=10, fraction_dates=dates) | {"date_of_service": dates[0], "payer": {"block_date": "first"}}
    mgmt = [l for l in code(raw).lines if l.code == "77427"]
    assert [l.date_of_service.isoformat() for l in mgmt] == [dates[0], dates[5]]


def test_two_sessions_on_one_day_are_two_fractions():
    dates = _weekdays("2026-10-05", 4)
    dates.insert(1, dates[0])
    lines = code(_course(technique="3d", fractions=5, fraction_dates=dates) | {"date_of_service": dates[0]}).lines
    assert [l.units for l in lines if l.code == "77407"] == [2, 1, 1, 1]
    assert [l.units for l in lines if l.code == "77427"] == [1]


def test_delivery_code_follows_each_fractions_date_across_new_year():
    dates = ["2025-12-29", "2025-12-30", "2025-12-31", "2026-01-02", "2026-01-05"]
    raw = _course(fractions=5, fraction_dates=dates) | {"date_of_service": dates[0]}
    codes = [(l.code, l.date_of_service.isoformat()) for l in code(raw).lines if l.code in ("G6015", "77407")]
    assert codes == [("G6015", "2025-12-29"), ("G6015", "2025-12-30"), ("G6015", "2025-12-31"),
                     ("77407", "2026-01-02"), ("77407", "2026-01-05")]


def test_fraction_dates_must_match_the_fraction_count():
    with pytest.raises(InvalidInput, match="radiation_course.fraction_dates: 3 dates for 28 fractions"):
        code(_course(fraction_dates=_weekdays("2026-10-05", 3)))
