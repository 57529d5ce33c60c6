"""Claim building rules: grouping, splitting at a coverage change, month, line and diagnosis limits."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from oncobill.claims.builder import build_claims, claim_diagnoses, revenue_code_for
from oncobill.claims.records import BillableLine


def bl(n: int, *, day: date = date(2026, 10, 5), coverage: int = 1, payer: int = 1, code: str = "96413",
       dx=("Z51.11", "C34.11"), enc_dx=("Z51.11", "C34.11"), encounter: int | None = None, patient: int = 1,
       rendering: int = 1, location: int = 1, form: str = "837P", charge: str = "100.00", **kw) -> BillableLine:
    return BillableLine(
        charge_line_id=n, encounter_id=encounter if encounter is not None else day.toordinal(), patient_id=patient,
        coverage_id=coverage, payer_id=payer, billing_entity_id=1, rendering_provider_id=rendering,
        location_id=location, form=form, service_date=day, code=code, units=Decimal(1), charge=Decimal(charge),
        diagnoses=tuple(dx), encounter_diagnoses=tuple(enc_dx), line_number=n, **kw)


def test_one_patient_one_coverage_one_month_is_one_claim():
    lines = [bl(1), bl(2, code="J9271", dx=("C34.11",)), bl(3, day=date(2026, 10, 26))]
    [claim] = build_claims(lines)
    assert [line.charge_line_id for line in claim.lines] == [1, 2, 3]
    assert claim.diagnoses == ["Z51.11", "C34.11"]
    assert [line.dx_pointers for line in claim.lines] == [(1, 2), (2,), (1, 2)]
    assert (claim.service_from, claim.service_to) == (date(2026, 10, 5), date(2026, 10, 26))
    assert claim.total_charge == Decimal("300.00")


def test_split_where_the_coverage_changes():
    """Prairie Blue until Oct 14, Summit from Oct 15: the lines after the change go on another claim."""
    before = [bl(1, day=date(2026, 10, 1), coverage=10, payer=3), bl(2, day=date(2026, 10, 8), coverage=10, payer=3)]
    after = [bl(3, day=date(2026, 10, 15), coverage=11, payer=4), bl(4, day=date(2026, 10, 22), coverage=11, payer=4)]
    claims = build_claims(after + before)
    assert [(c.coverage_id, c.payer_id, [x.charge_line_id for x in c.lines]) for c in claims] == [
        (10, 3, [1, 2]), (11, 4, [3, 4])]
    assert claims[0].service_to < claims[1].service_from


def test_split_by_rendering_provider_location_and_form():
    lines = [bl(1), bl(2, rendering=2), bl(3, location=2, form="837I", code="J9271", dx=("C34.11",))]
    claims = build_claims(lines)
    assert len(claims) == 3
    institutional = next(c for c in claims if c.form == "837I")
    assert institutional.lines[0].revenue_code == "0636"
    assert all(line.revenue_code is None for c in claims if c.form == "837P" for line in c.lines)


def test_a_professional_claim_never_crosses_a_calendar_month():
    claims = build_claims([bl(1, day=date(2026, 10, 30)), bl(2, day=date(2026, 11, 2))])
    assert [(c.service_from, c.service_to) for c in claims] == [(date(2026, 10, 30), date(2026, 10, 30)),
                                                                (date(2026, 11, 2), date(2026, 11, 2))]


def test_at_most_50_lines():
    claims = build_claims([bl(n, day=date(2026, 10, 1) + timedelta(days=n % 28)) for n in range(1, 121)])
    assert [len(c.lines) for c in claims] == [50, 50, 20]
    assert [line.line_number for line in claims[2].lines] == list(range(1, 21))


def test_at_most_12_diagnoses_and_pointers_remapped():
    lines = [bl(n, day=date(2026, 10, n), dx=(f"C{n:02d}.9",) if n != 7 else ("C07",), enc_dx=(f"C{n:02d}.9",))
             for n in range(1, 16)]
    claims = build_claims(lines)
    assert [len(c.diagnoses) for c in claims] == [12, 3]
    second = claims[1]
    assert second.diagnoses == ["C13.9", "C14.9", "C15.9"]
    assert [line.dx_pointers for line in second.lines] == [(1,), (2,), (3,)]


def test_claim_diagnoses_keep_each_encounters_sequence():
    lines = [bl(1, code="J9271", dx=("C34.11",), enc_dx=("Z51.12", "C34.11"), encounter=1),
             bl(2, code="96413", dx=("Z51.12", "C34.11"), enc_dx=("Z51.12", "C34.11"), encounter=1)]
    assert claim_diagnoses(lines) == ["Z51.12", "C34.11"]  # Z51.12 first even though the drug line came first


def test_authorization_on_the_claim_and_on_lines():
    lines = [bl(1, code="J9271", dx=("C34.11",), authorization_id=5, authorization_number="PA-5"),
             bl(2, code="J9271", dx=("C34.11",), day=date(2026, 10, 26), authorization_id=5,
                authorization_number="PA-5"),
             bl(3, code="J9299", dx=("C34.11",), day=date(2026, 10, 27), authorization_id=6,
                authorization_number="PA-6")]
    [claim] = build_claims(lines)
    assert claim.prior_authorization == "PA-5"
    assert [line.authorization_number for line in claim.lines] == ["PA-5", "PA-5", "PA-6"]


def test_revenue_codes():
    assert [revenue_code_for(c) for c in ("J9271", "J7030", "96413", "96365", "77412", "77301", "99214")] == [
        "0636", "0258", "0335", "0260", "0333", "0330", "0510"]


_day = st.dates(min_value=date(2026, 9, 1), max_value=date(2026, 12, 31))
_line = st.tuples(st.integers(1, 3), st.integers(1, 2), st.integers(1, 2), _day, st.sampled_from(["96413", "J9271"]),
                  st.lists(st.sampled_from(["Z51.11", "C34.11", "C18.7", "D63.0", "C77.0", "C79.51", "Z51.12",
                                            "C50.211", "C61", "C20", "C83.38", "C43.59", "C64.1", "C56.9"]),
                           min_size=1, max_size=4, unique=True),
                  st.integers(0, 99999))


@settings(max_examples=60, deadline=None)
@given(st.lists(_line, min_size=1, max_size=140))
def test_building_never_loses_or_duplicates_a_line(specs):
    lines = [bl(n, patient=p, coverage=cov, payer=cov, day=day, code=code, dx=tuple(dx), enc_dx=tuple(dx),
                encounter=n, charge=f"{cents // 100}.{cents % 100:02d}")
             for n, (p, cov, _r, day, code, dx, cents) in enumerate(specs, start=1)]
    claims = build_claims(lines)
    billed = [line.charge_line_id for c in claims for line in c.lines]
    assert sorted(billed) == [line.charge_line_id for line in lines]
    by_id = {line.charge_line_id: line for line in lines}
    for c in claims:
        assert 1 <= len(c.lines) <= 50 and 1 <= len(c.diagnoses) <= 12
        assert c.total_charge == sum((line.charge for line in c.lines), Decimal("0.00"))
        sources = [by_id[line.charge_line_id] for line in c.lines]
        assert len({(s.patient_id, s.coverage_id) for s in sources}) == 1  # never two coverages
        assert len({(s.service_date.year, s.service_date.month) for s in sources}) == 1
        for line, source in zip(c.lines, sources):
            assert [c.diagnoses[p - 1] for p in line.dx_pointers] == list(dict.fromkeys(source.diagnoses))[:4]
    assert sum((c.total_charge for c in claims), Decimal("0.00")) == sum((x.charge for x in lines), Decimal("0.00"))
