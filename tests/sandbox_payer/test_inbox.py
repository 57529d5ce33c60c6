"""The mailbox end to end: 999, 277CA and 835 pass pyx12, malformed files are rejected with the
located error, claims rejected at the front end never reach adjudication, files are processed once."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from decimal import Decimal

import pytest

from oncobill.sandbox_payer import ConfigError, load_config, parse_config, process_inbox
from oncobill.sandbox_payer.inbox import npi_valid
from oncobill.x12.claims837 import Coverage, DrugIdentification, ProfessionalClaims
from oncobill.x12.institutional837 import InstitutionalClaim, RevenueLine, write_837i
from oncobill.x12.remit835 import Adjustment, Procedure

from ..x12.oracle import pyx12_errors
from .builders import (
    BILLING,
    COMMERCIAL,
    MEDICARE,
    MEDIGAP,
    OTHER_DOC,
    TODAY,
    Payer,
    acks_277,
    acks_999,
    batch,
    claim,
    config,
    drop,
    line,
    member,
    remits,
    with_primary,
)

KEYTRUDA = "00006302602"


def test_every_response_passes_pyx12(sandbox):
    """One batch exercising every path: payments, each denial, a crossover, a secondary claim, a claim
    rejected at the 277CA (unknown member) and one at the 999/277CA level (invalid diagnosis)."""
    bad_dx = claim("DX1", [line("96413", "400.00")], subscriber=member("MBR003"))
    bad_dx.diagnoses = ["C341"]  # a category, not a billable code: SNIP 5, accepted with errors, claim rejected
    claims = [
        claim("ALL1", [line("96413", "400.00"), line("96360", "150.00"),
                       line("J9271", "15000.00", "200", mods=("JZ",), ndc=KEYTRUDA)]),
        claim("ALL2", [line("J9271", "15000.00", "200", ndc=KEYTRUDA)], subscriber=member("MBR002")),
        claim("ALL3", [line("96413", "400.00")], rendering=OTHER_DOC, subscriber=member("MBR003")),
        claim("ALL4", [line("J9035", "900.00", "50", mods=("JZ",), ndc="50242006001")], payer=COMMERCIAL,
              subscriber=member("C100"), filing="CI"),
        with_primary(claim("ALL5", [line("96413", "400.00")], payer=MEDIGAP, subscriber=member("MBR003")), MEDICARE,
                     [("100.00", [Adjustment("CO", "45", Decimal("266.73")), Adjustment("PR", "2", Decimal("33.27"))])]),
        claim("ALL6", [line("96413", "400.00")], subscriber=member("NOBODY")),
        bad_dx,
    ]  # fmt: skip
    report = sandbox.send(claims)
    f = report.files[0]
    for path in (f.ack_999, f.ack_277ca, f.remittance):
        assert pyx12_errors(path.read_text()) == [], path.name
    assert [p.name for p in (f.ack_999, f.ack_277ca, f.remittance)] == ["000000101.999", "000000101.277ca",
                                                                       "000000101.835"]  # fmt: skip
    assert acks_999(f.ack_999)[0].status == "E"  # accepted with errors: the invalid diagnosis
    statuses = {c.patient_control_number: [(s.category, s.code) for s in c.statuses]
                for p in acks_277(f.ack_277ca)[0].providers for c in p.claims}  # fmt: skip
    assert statuses["ALL6"] == [("A3", "33")]
    assert statuses["DX1"] == [("A7", "255")]
    assert statuses["ALL1"] == [("A2", "20")]
    paid = {c.patient_control_number for r in remits(f.remittance) for c in r.claims}
    assert paid == {"ALL1", "ALL2", "ALL3", "ALL4", "ALL5"}  # rejected claims never reach adjudication
    outcome = {(c.patient_control_number, c.payer_id): c.status for c in report.claims}
    assert outcome[("ALL6", "MCR01")] == "rejected" and outcome[("ALL1", "MGAP1")] == "2"


def test_a_malformed_837_gets_a_rejecting_999_with_the_located_error_and_nothing_else(tmp_path):
    from .builders import mailbox

    box = mailbox(tmp_path)
    text = batch([claim("BAD1", [line("96413", "400.00")])]).replace("SV1*HC:96413*400*", "SV1*HC:96413*4X0*")
    drop(box, "bad.837", text)
    report = process_inbox(box, today=TODAY)
    f = report.files[0]
    assert f.ack_277ca is None and f.remittance is None and f.claims == []
    assert pyx12_errors(f.ack_999.read_text()) == []
    ack = acks_999(f.ack_999)[0]
    assert ack.status == "R"
    resp = ack.responses[0]
    assert (resp.status, resp.control_number) == ("R", "0101")
    sv1 = next(e for e in resp.segment_errors if e.segment_id == "SV1")
    assert [(e.position, e.code, e.bad_value) for e in sv1.elements] == [(2, "6", "4X0")]
    assert any("SV102" in p and "4X0" in p for p in f.problems)
    assert sorted(p.name for p in (box / "inbound").iterdir()) == ["000000101.999"]


def test_a_file_that_is_not_x12_is_reported_not_answered(tmp_path):
    from .builders import mailbox

    box = mailbox(tmp_path)
    drop(box, "junk.837", "hello")
    f = process_inbox(box, today=TODAY).files[0]
    assert f.ack_999_status == "R" and "must start with ISA" in f.problems[0]
    assert (box / "inbound" / "junk.rejected.txt").exists()


def test_a_file_dropped_twice_is_processed_once(sandbox):
    report = sandbox.send([claim("ONCE", [line("96413", "400.00")], subscriber=member("MBR003"))])
    state_before = (sandbox.box / "sandbox_state" / "state.json").read_text()
    answer = report.files[0].remittance.read_text()
    shutil.copy(report.files[0].source, sandbox.box / "outbound" / "copy-of-batch.837")  # same bytes, new name
    again = process_inbox(sandbox.box, today=TODAY)
    assert again.files == [] and sorted(p.name for p in again.skipped) == ["batch101.837", "copy-of-batch.837"]
    assert (sandbox.box / "sandbox_state" / "state.json").read_text() == state_before
    assert report.files[0].remittance.read_text() == answer


def test_in_progress_files_are_left_alone(sandbox):
    drop(sandbox.box, "upload.837.part", "ISA*partial")
    assert process_inbox(sandbox.box, today=TODAY).files == []


def test_control_numbers_and_claim_numbers_continue_across_runs(sandbox):
    r1 = sandbox.send([claim("RUN1", [line("96413", "400.00")], subscriber=member("MBR003"))])
    r2 = sandbox.send([claim("RUN2", [line("96415", "90.00")], subscriber=member("MBR003"))])
    from oncobill.x12 import read

    isa = [read(f.remittance.read_text()).interchanges[0].control_number for f in (r1.files[0], r2.files[0])]
    assert isa[0] != isa[1]
    icns = [sandbox.claim(r, pcn).payer_claim_control_number for r, pcn in ((r1, "RUN1"), (r2, "RUN2"))]
    assert icns[0] != icns[1]


def test_institutional_claim_is_adjudicated(sandbox):
    lines = [RevenueLine("0636", Decimal("15000.00"), Decimal(200), Procedure("HC", "J9271", ("JZ",)), date(2026, 11, 2),
                         "I-01", DrugIdentification(KEYTRUDA, Decimal(4), "ML")),
             RevenueLine("0335", Decimal("1200.00"), Decimal(1), Procedure("HC", "96413"), date(2026, 11, 2), "I-02")]  # fmt: skip
    hosp = InstitutionalClaim("INST1", Decimal("16200.00"), "13", date(2026, 11, 2), date(2026, 11, 2), "C3411",
                              lines, BILLING, member("MBR003"), MEDICARE, Coverage("P", "18", "", "MB"))  # fmt: skip
    doc = ProfessionalClaims("TEST HOSPITAL", "HOSP0001", "PATIENT ACCOUNTS", "2175550199", "SANDBOX CLEARINGHOUSE",
                             "SANDBOXCH", [hosp], reference="IBATCH1", created=datetime(2026, 11, 19, 9, 0))  # fmt: skip
    drop(sandbox.box, "inst.837", write_837i(doc, control_number=555))
    report = process_inbox(sandbox.box, today=TODAY)
    c = sandbox.claim(report, "INST1")
    assert c.services[0].allowed == Decimal("12450.60")  # separately payable drug at the ASP limit
    assert c.services[1].allowed == Decimal("600.00")  # no OPPS rates loaded: the payer's % of charge
    assert c.services[0].revenue_code == "0636"
    f = report.files[0]
    for path in (f.ack_999, f.ack_277ca, f.remittance):
        assert pyx12_errors(path.read_text()) == [], path.name
    assert acks_277(f.ack_277ca)[0].providers[0].claims[0].billing_type == "131"


def test_config_errors_name_the_place():
    with pytest.raises(ConfigError, match=r"payers\.MCR01\.members\[0\]\.coverage_from"):
        parse_config({"payers": {"MCR01": {"members": [{"member_id": "A", "coverage_from": "2026-13-01"}]}}})
    with pytest.raises(ConfigError, match=r"payers\.X\.benefits\.deductible: write amounts"):
        parse_config({"payers": {"X": {"benefits": {"deductible": 283.0}}}})
    with pytest.raises(ConfigError, match="crosses over to NOPE"):
        parse_config({"payers": {"M": {"members": [{"member_id": "A", "coverage_from": "2026-01-01",
                                                    "crossover_to": "NOPE"}]}}})  # fmt: skip
    with pytest.raises(ConfigError, match="unknown rule"):
        parse_config({"payers": {"M": {"rules": ["coverage_active", "mind_reading"]}}})


def test_config_file_errors_name_the_file_and_line(tmp_path):
    path = tmp_path / "sandbox_config.json"
    path.write_text('{"payers": {,}}')
    with pytest.raises(ConfigError, match=r"sandbox_config.json: line 1"):
        load_config(path)
    path.write_text(json.dumps(config()))
    assert set(load_config(path).payers) == {"MCR01", "MGAP1", "COM01", "MA001", "MCD01"}


def test_unknown_payer_is_rejected_at_the_277ca(sandbox):
    report = sandbox.send([claim("NOPAY", [line("96413", "400.00")], payer=Payer("SOMEONE ELSE", "ZZZ99"))])
    ack = acks_277(report.files[0].ack_277ca)[0]
    assert [(s.category, s.code, s.entity) for s in ack.providers[0].claims[0].statuses] == [("A3", "26", "PR")]
    assert report.files[0].remittance is None


def test_npi_check_digit():
    assert npi_valid("1234567893") and npi_valid("1558598797")
    assert not npi_valid("1234567890") and not npi_valid("12345")


def test_a_file_the_sandbox_fails_on_changes_nothing_and_is_retried(sandbox, monkeypatch):
    from oncobill.sandbox_payer import inbox

    sandbox.send([claim("OK1", [line("96413", "400.00")], subscriber=member("MBR003"))])
    state = (sandbox.box / "sandbox_state" / "state.json").read_text()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(inbox, "_remittances", broken)
    drop(sandbox.box, "next.837", batch([claim("OK2", [line("96415", "90.00")], subscriber=member("MBR003"))],
                                        control_number=777))  # fmt: skip
    report = process_inbox(sandbox.box, today=TODAY)
    assert "disk on fire" in report.files[0].problems[0]
    assert (sandbox.box / "sandbox_state" / "state.json").read_text() == state
    assert not (sandbox.box / "inbound" / "000000777.999").exists()
    monkeypatch.undo()
    again = process_inbox(sandbox.box, today=TODAY)
    assert [f.interchange_control_number for f in again.files] == ["000000777"]


def test_a_reused_interchange_control_number_never_overwrites_earlier_answers(sandbox):
    first = sandbox.send([claim("SAME1", [line("96413", "400.00")], subscriber=member("MBR003"))], control_number=300)
    second = sandbox.send([claim("SAME2", [line("96415", "90.00")], subscriber=member("MBR003"))], control_number=300)
    assert first.files[0].remittance.name == "000000300.835"
    assert second.files[0].remittance.name.startswith("000000300.") and second.files[0].remittance.name.endswith(".835")
    assert second.files[0].remittance != first.files[0].remittance
    assert "SAME1" in first.files[0].remittance.read_text() and "SAME2" in second.files[0].remittance.read_text()


def test_a_test_interchange_is_answered_as_test_and_the_summary_counts(sandbox):
    text = batch([claim("T1", [line("96413", "400.00")], subscriber=member("MBR003")),
                  claim("T2", [line("96413", "400.00")], subscriber=member("NOBODY"))], control_number=901)  # fmt: skip
    drop(sandbox.box, "test.837", text.replace("*0*P*:~", "*0*T*:~", 1))
    report = process_inbox(sandbox.box, today=TODAY)
    from oncobill.x12 import read

    for path in (report.files[0].ack_999, report.files[0].ack_277ca, report.files[0].remittance):
        assert read(path.read_text()).interchanges[0].isa[15] == "T"
    assert report.summary() == {"files": 1, "skipped": 0, "accepted": 1, "rejected": 1,
                                "claims_by_status": {"1": 1, "rejected": 1}, "paid": "0.00"}  # fmt: skip


MUTATIONS = [
    ("drop a required segment", lambda segs: [s for s in segs if not s.startswith("DTP*472")]),
    ("bad amount", lambda segs: [s.replace("SV1*HC:96413*400*", "SV1*HC:96413*4O0*") for s in segs]),
    ("bad date", lambda segs: [s.replace("DTP*472*D8*20261102", "DTP*472*D8*20261342") for s in segs]),
    ("unknown segment", lambda segs: segs[:12] + ["ZZZ*1"] + segs[12:]),
    ("segment count", lambda segs: [("SE*99*" + s.split("*")[2]) if s.startswith("SE*") else s for s in segs]),
    ("bad qualifier", lambda segs: [s.replace("NM1*IL*1*", "NM1*IL*9*") for s in segs]),
]


@pytest.mark.parametrize("name,mutate", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_a_broken_837_is_rejected_in_the_999_and_goes_no_further(tmp_path, name, mutate):
    from .builders import mailbox

    box = mailbox(tmp_path)
    text = batch([claim("MUT1", [line("96413", "400.00")], subscriber=member("MBR003"))])
    segs = [s for s in text.split("~") if s]
    drop(box, "mut.837", "~".join(mutate(segs)) + "~")
    f = process_inbox(box, today=TODAY).files[0]
    assert f.ack_999_status == "R", name
    assert pyx12_errors(f.ack_999.read_text()) == []
    resp = acks_999(f.ack_999)[0].responses[0]
    assert resp.status == "R" and (resp.segment_errors or resp.set_errors)
    assert f.ack_277ca is None and f.remittance is None and f.problems


@pytest.mark.parametrize("name,edit,status", [
    ("claim charge not the sum of its lines", ("CLM*EDIT1*400*", "CLM*EDIT1*450*"), ("A7", "400", "")),
    ("rendering NPI check digit", ("NM1*82*1*TESTDOC*ALPHA****XX*1558598797", "NM1*82*1*TESTDOC*ALPHA****XX*1558598798"),
     ("A7", "562", "82")),
])  # fmt: skip
def test_claim_level_errors_reject_only_that_claim_with_the_status_naming_it(sandbox, name, edit, status):
    text = batch([claim("EDIT1", [line("96413", "400.00")], subscriber=member("MBR003")),
                  claim("FINE1", [line("96415", "90.00")], subscriber=member("MBR003"))], control_number=600)  # fmt: skip
    assert edit[0] in text
    drop(sandbox.box, "edit.837", text.replace(edit[0], edit[1], 1))
    f = process_inbox(sandbox.box, today=TODAY).files[0]
    assert f.ack_999_status == "E", name
    claims = {c.patient_control_number: c for p in acks_277(f.ack_277ca)[0].providers for c in p.claims}
    assert [(s.category, s.code, s.entity) for s in claims["EDIT1"].statuses] == [status]
    assert [(s.category, s.code) for s in claims["FINE1"].statuses] == [("A2", "20")]
    assert {c.patient_control_number for r in remits(f.remittance) for c in r.claims} == {"FINE1"}
    for path in (f.ack_999, f.ack_277ca, f.remittance):
        assert pyx12_errors(path.read_text()) == [], path.name


def test_an_amount_the_typed_reader_refuses_rejects_the_set_in_the_999(sandbox):
    """400.001 is only a SNIP 4 finding for the validator, but the X12 engine's typed 837 reader refuses the
    whole transaction, so the payer cannot read it: the set is rejected with the located element."""
    text = batch([claim("FRAC1", [line("96413", "400.00")], subscriber=member("MBR003"))], control_number=610)
    drop(sandbox.box, "frac.837", text.replace("SV1*HC:96413*400*", "SV1*HC:96413*400.001*", 1))
    f = process_inbox(sandbox.box, today=TODAY).files[0]
    assert f.ack_999_status == "R" and f.ack_277ca is None and f.remittance is None
    assert pyx12_errors(f.ack_999.read_text()) == []
    sv1 = next(e for e in acks_999(f.ack_999)[0].responses[0].segment_errors if e.segment_id == "SV1")
    assert any(el.position == 2 and el.bad_value == "400.001" for el in sv1.elements)
    assert any("cannot read this claim" in p for p in f.problems)


def test_a_subscriber_level_error_rejects_that_subscribers_claims_only(sandbox):
    no_dob = member("MBR003")
    no_dob.birth_date = None  # 2010BA DMG missing: SNIP 4, found in the 2000B, above the claims
    report = sandbox.send([claim("SUB1", [line("96413", "400.00")], subscriber=no_dob),
                           claim("SUB2", [line("96415", "90.00", dos=date(2026, 11, 3))], subscriber=no_dob),
                           claim("SUB3", [line("96413", "400.00")], subscriber=member("MBR001"))])  # fmt: skip
    claims = {c.patient_control_number: [(s.category, s.code, s.entity) for s in c.statuses]
              for p in acks_277(report.files[0].ack_277ca)[0].providers for c in p.claims}  # fmt: skip
    assert claims == {"SUB1": [("A6", "158", "IL")], "SUB2": [("A6", "158", "IL")], "SUB3": [("A2", "20", "")]}
