"""Any claim the data model can hold (random shapes: 1-50 lines, modifiers, NDCs, dependents, 837P or 837I,
frequency 1/7/8) is written by our 837 writer and read back by the X12 engine as the same claim."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.claims.submission_helpers import (
    CLINIC,
    COMMERCIAL,
    HOPD,
    KEYTRUDA,
    MEDICARE,
    claim,
    coverage,
    line,
    patient,
    write,
)

from oncobill.patients.models import SubscriberRelationship
from oncobill.x12 import read
from oncobill.x12.claims837 import read_837p
from oncobill.x12.institutional837 import read_837i

CODES = [("96413", None), ("96415", None), ("96367", None), ("99214", None), ("J9271", KEYTRUDA),
         ("J2469", "62756025904"), ("77386", None), ("G6015", None)]
MODS = ["25", "JZ", "JW", "59", "XU", "26", "TC"]

lines = st.lists(st.builds(
    lambda code, mods, units, cents, day, with_ndc: line(
        code[0], str(Decimal(cents) / 100), units, mods=tuple(mods), ndc=code[1] if with_ndc else None,
        on=date(2026, 10, 1) + timedelta(days=day), pointers="1:2", revenue="0636" if code[1] else "0335"),
    st.sampled_from(CODES), st.lists(st.sampled_from(MODS), max_size=4, unique=True), st.integers(1, 400),
    st.integers(0, 5_000_000), st.integers(0, 30), st.booleans()), min_size=1, max_size=50)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=lines, institutional=st.booleans(), dependent=st.booleans(), frequency=st.sampled_from("178"),
       medicare=st.booleans(), auth=st.sampled_from(["", "PA-1"]))
def test_written_claims_read_back_the_same(lines, institutional, dependent, frequency, medicare, auth):
    person = patient("Testkid" if dependent else "Testpatient")
    extra = {"relationship_to_subscriber": SubscriberRelationship.CHILD, "subscriber_first_name": "Pat",
             "subscriber_last_name": "Testholder", "subscriber_birth_date": date(1960, 1, 2)} if dependent else {}
    cov = coverage(person, MEDICARE if medicare else COMMERCIAL, "MEM12345", **extra)
    c = claim(lines, cov=cov, location=HOPD if institutional else CLINIC, frequency=frequency,
              payer_claim_number="SBX1" if frequency != "1" else None, prior_authorization=auth or None)
    (txn,) = list(read(write([c])).transactions())
    doc = read_837i(txn) if institutional else read_837p(txn)
    (back,) = doc.claims
    assert back.patient_control_number == c.patient_control_number and back.charge == c.total_charge
    assert back.frequency == frequency
    assert back.payer_claim_control_number == ("SBX1" if frequency != "1" else "")
    assert back.subscriber.member_id == "MEM12345" and (back.patient is not None) == dependent
    assert back.payer.payer_id == cov.payer.payer_id
    read_lines = [(ln.procedure.code, ln.procedure.modifiers, ln.units, ln.charge, ln.service_date,
                   ln.line_control_number, ln.drug.ndc if ln.drug else None) for ln in back.lines]
    assert read_lines == [(x.code, tuple(x.modifiers), x.units, x.charge, x.service_date, x.line_control_number,
                           x.ndc) for x in c.lines]
    if institutional:
        assert [back.principal_diagnosis, *back.other_diagnoses] == ["Z5112", "C3411"]
        assert (back.statement_start, back.statement_end) == (c.service_from, c.service_to)
    else:
        assert back.diagnoses == ["Z5112", "C3411"] and back.prior_authorization == auth
        assert back.place_of_service == "11"
