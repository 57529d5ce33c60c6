"""Properties the issue names: waste never negative, JW only on single-dose containers, units never
decrease as the dose grows, 77427 follows the rule for every course of 1 to 80 fractions."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.charges.onc_helpers import adm, code, encounter, summary

from oncobill.charges.drugs import units_for_dose

# (drug, HCPCS, billing unit in mg): a spread of unit sizes including the traps.
DRUGS = [("rituximab", "J9312", 10), ("oxaliplatin", "J9263", Decimal("0.5")), ("bortezomib", "J9041",
         Decimal("0.1")), ("carboplatin", "J9045", 50), ("fluorouracil", "J9190", 500), ("pembrolizumab", "J9271", 1)]

doses = st.decimals(min_value=Decimal("0.1"), max_value=Decimal(3000), places=1)
vial_sizes = st.lists(st.sampled_from([Decimal(v) for v in ("1", "2.5", "10", "50", "100", "150", "500")]),
                      min_size=1, max_size=3, unique=True)


def _drug_lines(drug, hcpcs, dose, vials):
    raw = encounter([adm(drug, str(dose), "mg", "iv_infusion", "09:00", "10:00", "chemotherapy", hcpcs=hcpcs,
                         vials_opened=vials)], diagnoses=["C18.7"])
    return [line for line in code(raw).lines if line.role == "drug"]


def _covering(dose, sizes, single):
    """Vials of the given sizes opened to cover the dose (one of each, the largest repeated)."""
    vials = [{"size": str(s), "unit": "mg", "count": 1, "single_dose": single[i % len(single)]}
             for i, s in enumerate(sizes)]
    total = sum(sizes)
    if total < dose:
        extra = int((dose - total) / sizes[0]) + 1
        vials.append({"size": str(sizes[0]), "unit": "mg", "count": extra, "single_dose": single[0]})
    return vials


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DRUGS), doses, vial_sizes, st.lists(st.booleans(), min_size=1, max_size=3))
def test_waste_never_negative_and_jw_only_on_single_dose(drug, dose, sizes, single):
    name, hcpcs, _unit = drug
    vials = _covering(dose, sizes, single)
    lines = _drug_lines(name, hcpcs, dose, vials)
    all_single = all(v["single_dose"] for v in vials)
    for line in lines:
        assert line.units > 0
        assert not ({"JW", "JZ"} <= set(line.modifiers))  # never both on one line
        if "JW" in line.modifiers or "JZ" in line.modifiers:
            assert all_single
    jw = [line for line in lines if "JW" in line.modifiers]
    assert len(jw) <= 1
    if not all_single:
        assert not jw and not any("JZ" in line.modifiers for line in lines)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DRUGS), doses, doses)
def test_units_never_decrease_as_the_dose_grows(drug, a, b):
    name, hcpcs, unit = drug
    low, high = sorted((a, b))
    assert units_for_dose(low, Decimal(unit)) <= units_for_dose(high, Decimal(unit))
    [(_, units_low)] = [(c, u) for c, u in ((l.code, l.units) for l in _drug_lines(name, hcpcs, low, None))]
    [(_, units_high)] = [(c, u) for c, u in ((l.code, l.units) for l in _drug_lines(name, hcpcs, high, None))]
    assert 1 <= units_low <= units_high


def test_77427_follows_the_rule_for_every_course_of_1_to_80_fractions():
    for n in range(1, 81):
        raw = encounter([], reason="radiation", diagnoses=["C61"],
                        course={"technique": "3d", "fractions": n, "complexity": "intermediate"})
        lines = dict(summary(code(raw)))
        if n in (1, 2):
            assert lines.get("77431") == 1 and "77427" not in lines, n
        else:
            expected = n // 5 + (1 if n % 5 in (3, 4) else 0)
            assert lines["77427"] == expected and "77431" not in lines, n


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=80), st.booleans())
def test_77427_block_lines_sum_to_the_rule_for_dated_courses(n, complete):
    from datetime import date, timedelta

    dates = [(date(2026, 1, 5) + timedelta(days=i)).isoformat() for i in range(n)]
    raw = encounter([], reason="radiation", diagnoses=["C61"], dos=dates[0],
                    course={"technique": "3d", "fractions": n, "complexity": "intermediate",
                            "fraction_dates": dates, "course_complete": complete})
    lines = code(raw).lines
    units = sum(line.units for line in lines if line.code == "77427")
    if complete and n in (1, 2):
        assert units == 0 and [line.code for line in lines].count("77431") == 1
    else:
        assert units == n // 5 + (1 if complete and n % 5 in (3, 4) else 0)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DRUGS), doses, vial_sizes)
def test_given_plus_discarded_units_equal_the_opened_single_dose_content(drug, dose, sizes):
    name, hcpcs, unit = drug
    vials = _covering(dose, sizes, [True])
    lines = _drug_lines(name, hcpcs, dose, vials)
    content = sum(Decimal(v["size"]) * v["count"] for v in vials)
    opened_units = int(content / Decimal(unit))
    billed = sum(line.units for line in lines)
    given = next(line.units for line in lines if "JW" not in line.modifiers)
    assert given == units_for_dose(dose, Decimal(unit))
    assert billed == max(opened_units, given)  # no waste line when rounding consumed the containers


_times = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
_vial = st.fixed_dictionaries({"size": st.sampled_from([1, 10, 100, 500, 2.5]), "unit": st.sampled_from(["mg", "mL"]),
                               "count": st.integers(1, 4), "single_dose": st.booleans()})
_adm = st.fixed_dictionaries({
    "drug": st.sampled_from(["pembrolizumab", "normal saline", "rituximab", "ondansetron", "leucovorin",
                             "fluorouracil", "oxaliplatin", "fulvestrant", "Truxima", "carboplatin"]),
    "dose": st.one_of(st.integers(1, 3000), st.sampled_from([0.25, 712.5, 161.5])),
    "dose_unit": st.sampled_from(["mg", "mL", "mcg"]),
    "route": st.sampled_from(["iv_infusion", "iv_push", "sc", "im", "iv_pump"]),
    "start": _times, "stop": _times,
    "purpose": st.sampled_from(["chemotherapy", "therapeutic", "hydration", "immunotherapy"]),
}, optional={"vials_opened": st.lists(_vial, min_size=1, max_size=2), "ndc": st.sampled_from(["0006-3026-02"]),
             "site": st.sampled_from(["port", "arm"]), "second_access": st.booleans()})


@settings(max_examples=150, deadline=None)
@given(st.lists(_adm, min_size=1, max_size=5), st.sampled_from(["office", "facility"]),
       st.sampled_from(["chemotherapy", "hydration", "supportive"]), st.booleans())
def test_any_record_codes_cleanly_or_is_refused_with_a_located_error(adms, setting, reason, combine):
    from oncobill.errors import InvalidInput

    raw = encounter(adms, setting=setting, reason=reason, diagnoses=["C34.11", "D70.1"],
                    payer={"combine_split_hydration": combine})
    try:
        result = code(raw)
    except InvalidInput as err:
        assert err.where and err.reason
        return
    for line in result.lines:
        assert line.units > 0 and len(line.explanation) <= 500
        assert not {"JW", "JZ"} <= set(line.modifiers)
        assert all(1 <= p <= len(result.diagnoses) for p in line.dx_pointers)
    assert [line.code for line in result.lines].count("96368") <= 1
    initials = [line for line in result.lines if line.code in ("96360", "96365", "96374", "96409", "96413")]
    assert len([line for line in initials if not line.modifiers]) <= 1  # one initial unless a second site
