"""The speed work on the JSON -> lines path changed how, not what: the same lines, explanations,
notes and located errors as before, look-ups answered by the code sets passed, bad input reported
every time.

``fixtures/coded_before_speed_work.jsonl`` holds 180 generated encounters (70 that code, 110 that
are refused, one per distinct error) with the outcome the implementation gave before the speed
work (commit db82c06), recorded with the bundled code sets.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.charges.onc_helpers import adm, code, codes, encounter

from oncobill.charges import intake
from oncobill.charges.coding import code_encounter
from oncobill.charges.drugs import _fmt, _plain
from oncobill.charges.intake import encounter_from_json
from oncobill.charges.records import (
    AdministrationRecord,
    EncounterRecord,
    LookupMemo,
    PayerRules,
    RadiationCourse,
    Vial,
)
from oncobill.codes import load_code_sets
from oncobill.codes.importers import import_file
from oncobill.errors import InvalidInput

FIXTURE = Path(__file__).parent / "fixtures" / "coded_before_speed_work.jsonl"
CASES = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
MUE_PRACTITIONER = (Path(__file__).parent.parent / "codes" / "fixtures"
                    / "MCR_MUE_PractitionerServices_Eff_10-01-2026.csv")


def _outcome(raw: dict) -> dict:
    try:
        return code_encounter(encounter_from_json(raw), codes()).as_dict()
    except InvalidInput as exc:
        return {"error": f"InvalidInput: {exc}"}


def test_the_recorded_sample_covers_both_outcomes():
    refused = [c for c in CASES if "error" in c["expected"]]
    assert len(CASES) - len(refused) >= 60 and len(refused) >= 100


@pytest.mark.parametrize("case", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_same_lines_and_errors_as_before_the_speed_work(case):
    # Twice: the first run may fill the look-up memos, the second answers from them.
    assert _outcome(case["encounter"]) == case["expected"]
    assert _outcome(case["encounter"]) == case["expected"]


# -- times -------------------------------------------------------------------------------------

DOS = date(2026, 11, 3)


def test_every_hh_mm_reads_as_the_careful_parser_reads_it():
    assert len(intake._HHMM) == 24 * 60
    for text, clock in intake._HHMM.items():
        assert datetime.combine(DOS, clock) == intake._moment(text, DOS, "start")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet="0123456789:T- Z+.", min_size=1, max_size=19),
                 st.from_regex(r"\A[0-9]{1,2}:[0-9]{1,2}\Z"), st.integers(-10, 3000)))
def test_start_and_stop_read_as_the_careful_parser_reads_them(text):
    row = {"drug": "ondansetron", "dose": 4, "dose_unit": "mg", "route": "iv_push", "start": text,
           "purpose": "therapeutic"}
    try:
        expected = intake._moment(text, DOS, "administrations[0].start")
    except InvalidInput as exc:
        with pytest.raises(InvalidInput) as err:
            intake.administration_from_json(row, DOS, "administrations[0]")
        assert str(err.value) == str(exc)
    else:
        assert intake.administration_from_json(row, DOS, "administrations[0]").start == expected


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
       st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=3)))
def test_minutes_are_whole_minutes_floored(start, span):
    record = AdministrationRecord("x", Decimal(1), "mg", "iv_infusion", start, start + span, "therapeutic")
    assert record.minutes == int(span.total_seconds() // 60)


# -- records -----------------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [Vial, AdministrationRecord, PayerRules, RadiationCourse, EncounterRecord])
def test_records_build_like_dataclasses_and_stay_frozen(cls):
    fields = dataclasses.fields(cls)
    required = {f.name: f"value of {f.name}" for f in fields
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    built = cls(**required)
    for f in fields:
        if f.name in required:
            assert getattr(built, f.name) == required[f.name]
        elif f.default_factory is not dataclasses.MISSING:
            assert getattr(built, f.name) == f.default_factory()
        else:
            assert getattr(built, f.name) == f.default
    every = {f.name: (f.name, i) for i, f in enumerate(fields)}
    by_keyword, by_position = cls(**every), cls(*every.values())
    assert by_keyword == by_position and hash(by_keyword) == hash(by_position)
    assert dataclasses.asdict(by_keyword) == every
    assert dataclasses.replace(by_keyword, **{fields[0].name: "other"}) != by_keyword
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(by_keyword, fields[0].name, "changed")
    with pytest.raises(TypeError):
        cls(**every, not_a_field=1)


def test_each_encounter_gets_its_own_default_payer_rules():
    a = EncounterRecord("office", DOS, ("C34.11",))
    b = EncounterRecord("office", DOS, ("C34.11",))
    assert a.payer == PayerRules() and a.payer is not b.payer


def test_intake_fills_every_field_of_the_records():
    raw = encounter([adm("pembrolizumab", 200, "mg", "iv_infusion", "10:00", "10:32", "immunotherapy",
                         site="port", ndc="0006-3026-02", second_access=True, acquired_340b=True,
                         vials_opened=[{"size": 100, "unit": "mg", "count": 2, "single_dose": True}])],
                    payer={"name": "bcbs", "modifier_340b": "JG"}, reason="immunotherapy")
    record = encounter_from_json(raw)
    assert record == EncounterRecord(
        setting="office", date_of_service=DOS, diagnoses=("C34.11",), primary_reason="immunotherapy",
        payer=PayerRules(name="bcbs", modifier_340b="JG"),
        administrations=(AdministrationRecord(
            drug="pembrolizumab", dose=Decimal(200), dose_unit="mg", route="iv_infusion",
            start=datetime(2026, 11, 3, 10, 0), stop=datetime(2026, 11, 3, 10, 32), purpose="immunotherapy",
            site="port", hcpcs=None, ndc="0006-3026-02",
            vials_opened=(Vial(Decimal(100), "mg", 2, True, None),), vial_sizes=None, second_access=True,
            acquired_340b=True, billing_units=None, where="administrations[0]"),))


# -- amounts -----------------------------------------------------------------------------------

amounts = st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e30"), max_value=Decimal("1e30"))


@settings(max_examples=500, deadline=None)
@given(amounts)
def test_plain_amount_text_is_the_normalized_form(q):
    assert _plain(q) == format(q.normalize(), "f")


@settings(max_examples=500, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal(0), max_value=Decimal("1e20")))
def test_ndc_quantities_are_rounded_to_thousandths_without_exponent(q):
    reference = q.quantize(Decimal("0.001")).normalize()
    if reference.as_tuple().exponent > 0:
        reference = reference.quantize(Decimal(1))
    assert _fmt(q) == reference and str(_fmt(q)) == str(reference)


# -- look-ups ----------------------------------------------------------------------------------

def test_look_ups_are_answered_by_the_code_sets_passed(tmp_path):
    """Alternating two code sets never answers one from the other's memo."""
    tighter = tmp_path / MUE_PRACTITIONER.name
    tighter.write_text(MUE_PRACTITIONER.read_text(encoding="utf-8").replace("J9271,400,", "J9271,100,"),
                       encoding="utf-8")
    import_file("mue", tighter, root=tmp_path / "refdata")
    strict = load_code_sets(tmp_path / "refdata")
    raw = encounter([adm("pembrolizumab", 200, "mg", "iv_infusion", "10:00", "10:32", "immunotherapy")],
                    reason="immunotherapy")
    for _ in range(2):
        for code_sets, warned in ((codes(), False), (strict, True), (codes(), False)):
            drug = [line for line in code_encounter(encounter_from_json(raw), code_sets).lines
                    if line.code == "J9271"]
            assert ("above MUE 100 per day" in drug[0].explanation) == warned


@pytest.mark.parametrize(("bad", "message"), [
    (adm("x", 1, "mg", "iv_push", "09:00", hcpcs="J2505"),
     "administrations[0].hcpcs: J2505 is not valid on 2026-11-03"),
    (adm("notadrug", 1, "mg", "iv_push", "09:00"), "administrations[0].drug: no HCPCS code valid on 2026-11-03"),
    (adm("pembrolizumab", 200, "mg", "iv_push", "09:00", ndc="0006302602"),
     "administrations[0].ndc: 10-digit NDC '0006302602' without hyphens is ambiguous"),
    (adm("carboplatin", 100, "mg", "iv_push", "09:00", ndc="0006-3026-02", purpose="chemotherapy"),
     "administrations[0].ndc: NDC 00006302602 is crosswalked to J9271"),
])
def test_bad_input_is_reported_every_time_not_remembered(bad, message):
    good = encounter([adm("ondansetron", 4, "mg", "iv_push", "09:00")], reason="supportive")
    for _ in range(3):
        with pytest.raises(InvalidInput) as err:
            code(encounter([bad], reason="supportive"))
        assert message in str(err.value)
        assert code(good).lines


def test_bad_diagnosis_is_reported_every_time_not_remembered():
    for _ in range(3):
        with pytest.raises(InvalidInput, match=r"diagnoses\[1\]: C34.1 is a category"):
            code(encounter([adm("ondansetron", 4, "mg", "iv_push", "09:00")], diagnoses=("C34.11", "C34.1")))
        assert code(encounter([adm("ondansetron", 4, "mg", "iv_push", "09:00")], diagnoses=("C34.11",))).lines


def test_memo_starts_afresh_for_another_code_set_object_and_past_its_limit():
    memo = LookupMemo(limit=2)
    first, second = codes(), load_code_sets(Path("/nonexistent-oncobill-refdata"))
    table = memo.table(first)
    table.update(a=1, b=2)
    assert memo.table(first) is table
    assert memo.table(second) == {}
    table = memo.table(second)
    table.update(a=1, b=2, c=3)
    assert memo.table(second) == {}


def test_a_clock_time_becomes_the_date_of_service_at_that_time():
    record = encounter_from_json(encounter([adm("ondansetron", 4, "mg", "iv_push", "23:59", "00:04")]))
    assert record.administrations[0].start == datetime.combine(DOS, time(23, 59))
    assert record.administrations[0].stop == datetime(2026, 11, 4, 0, 4)


# -- bad input that used to escape as a bare Python error -----------------------------------------

@pytest.mark.parametrize(("course", "message"), [
    ({"basic_dosimetry": "x"}, "radiation_course.basic_dosimetry: must be a whole number, got 'x'"),
    ({"special_dosimetry": [2]}, "radiation_course.special_dosimetry: must be a whole number, got [2]"),
    ({"devices": {"complex": "a"}}, "radiation_course.devices.complex: must be a whole number, got 'a'"),
    ({"fraction_dates": 5}, "radiation_course.fraction_dates: expected a list of ISO dates, got 5"),
    ({"isodose": ["simple"]}, "radiation_course.isodose: isodose must be 'simple' or 'complex'"),
])
def test_bad_course_fields_are_named(course, message):
    raw = encounter(reason="radiation", diagnoses=("C61",),
                    course={"technique": "3d", "fractions": 10, "plan": "3d", **course})
    with pytest.raises(InvalidInput) as err:
        code(raw)
    assert str(err.value) == message


def test_counts_int_could_read_are_still_read():
    raw = encounter(reason="radiation", diagnoses=("C61",),
                    course={"technique": "3d", "fractions": 10, "basic_dosimetry": "2", "devices": {"complex": "1"}})
    summary = {line.code: line.units for line in code(raw).lines}
    assert summary["77300"] == 2 and summary["77334"] == 1


def test_hcpcs_that_is_not_text_is_named():
    with pytest.raises(InvalidInput) as err:
        code(encounter([adm("ondansetron", 4, "mg", "iv_push", "09:00", hcpcs=2405)], reason="supportive"))
    assert str(err.value) == "administrations[0].hcpcs: must be a HCPCS code such as 'J9271', got 2405"


def test_a_clock_time_with_an_offset_keeps_its_clock_reading():
    """"10:00Z" used to give an offset-aware time that could not be compared with a plain stop."""
    raw = encounter([adm("ondansetron", 4, "mg", "iv_infusion", "10:00Z", "10:40", "therapeutic")],
                    reason="supportive")
    record = encounter_from_json(raw)
    assert record.administrations[0].start == datetime(2026, 11, 3, 10, 0)
    assert [line.code for line in code(raw).lines][:1] == ["96365"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("route", ["iv_push"], "administrations[0].route: ['iv_push'] is not one of: iv_infusion"),
    ("purpose", {"a": 1}, "administrations[0].purpose: {'a': 1} is not one of: chemotherapy"),
])
def test_a_route_or_purpose_that_is_not_text_is_named(field, value, message):
    row = adm("ondansetron", 4, "mg", "iv_push", "09:00")
    row[field] = value
    with pytest.raises(InvalidInput) as err:
        encounter_from_json(encounter([row], reason="supportive"))
    assert str(err.value).startswith(message)


def test_a_primary_reason_that_is_not_text_is_named():
    with pytest.raises(InvalidInput) as err:
        encounter_from_json(encounter([adm("ondansetron", 4, "mg", "iv_push", "09:00")], reason=5))
    assert str(err.value) == "primary_reason: must be text (a kind of therapy or a drug name), got 5"
