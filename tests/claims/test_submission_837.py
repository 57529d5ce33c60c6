"""The 837 writer from claims: what a payer needs is in the file, and the X12 reader gives back the same
claims (837P and 837I); NDC lines carry LIN/CTP; corrected claims carry frequency 7 and REF*F8."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.claims.submission_helpers import (
    COMMERCIAL,
    DOCTOR,
    HOPD,
    KEYTRUDA,
    MEDICARE,
    claim,
    coverage,
    line,
    patient,
    write,
)

from oncobill.claims.models import ClaimForm
from oncobill.claims.submission import ControlNumbers
from oncobill.errors import InvalidInput
from oncobill.patients.models import SubscriberRelationship
from oncobill.x12 import read
from oncobill.x12.claims837 import professional_claims
from oncobill.x12.institutional837 import read_837i


def segments(text: str) -> list[list[str]]:
    return [s.split("*") for s in text.split("~") if s.strip()]


def find(text: str, sid: str, first: str | None = None) -> list[list[str]]:
    return [s for s in segments(text) if s[0] == sid and (first is None or s[1] == first)]


def office_claim(**kw):
    return claim([line("96413", "400.00"), line("J9271", "15000.00", 200, mods=("JZ",), ndc=KEYTRUDA, pointers="2"),
                  line("99214", "180.00", mods=("25",), pointers="2")],
                 cov=coverage(patient(), MEDICARE, "1EG4TE5MK73", group_number="GRP9"), **kw)


def test_837p_carries_the_payer_view_and_reads_back_the_same_claim():
    c = office_claim(prior_authorization="PA-55")
    text = write([c], interchange=42)
    (doc,) = professional_claims(read(text))
    (back,) = doc.claims
    assert back.patient_control_number == c.patient_control_number
    assert back.charge == c.total_charge == Decimal("15580.00")
    assert (back.place_of_service, back.frequency) == ("11", "1")
    assert back.diagnoses == ["Z5112", "C3411"]
    assert back.prior_authorization == "PA-55" and back.payer_claim_control_number == ""
    assert (back.billing_provider.npi, back.billing_provider.tax_id, back.billing_provider.taxonomy) == (
        "1234567893", "123456789", "207RX0202X")
    assert back.billing_provider.address.postal_code == "627010001"
    assert back.subscriber.member_id == "1EG4TE5MK73" and back.patient is None  # the patient is the subscriber
    assert (back.payer.payer_id, back.coverage.filing_indicator, back.coverage.group_number) == ("SBMCR", "MB", "GRP9")
    assert back.rendering_provider.npi == DOCTOR.npi and back.rendering_provider.taxonomy == "207RX0202X"
    assert [(ln.procedure.code, ln.procedure.modifiers, ln.units, ln.charge, ln.service_date, ln.diagnosis_pointers,
             ln.line_control_number) for ln in back.lines] == [
        (x.code, tuple(x.modifiers), x.units, x.charge, x.service_date,
         tuple(int(p) for p in x.dx_pointers.split(":")), x.line_control_number) for x in c.lines]
    # Envelope: control numbers from the counter, the professional guide; segment-level facts.
    assert find(text, "ISA")[0][13] == "000000042" and find(text, "GS")[0][6] == "42"
    assert find(text, "GS")[0][8] == "005010X222A1" and find(text, "ST")[0][2] == "0042"
    assert find(text, "CLM")[0][5] == "11:B:1"
    assert find(text, "PRV", "BI") == [["PRV", "BI", "PXC", "207RX0202X"]]
    assert find(text, "REF", "6R")[0][2] == f"{c.patient_control_number}-01"
    assert find(text, "DTP", "472")[0] == ["DTP", "472", "D8", "20261014"]


def test_a_drug_line_carries_its_ndc_in_lin_and_ctp():
    text = write([office_claim()])
    assert find(text, "LIN") == [["LIN", "", "N4", KEYTRUDA]]
    assert find(text, "CTP") == [["CTP", "", "", "", "2", "UN"]]
    (doc,) = professional_claims(read(text))
    drug = doc.claims[0].lines[1].drug
    assert (drug.ndc, drug.quantity, drug.unit) == (KEYTRUDA, Decimal(2), "UN")
    assert doc.claims[0].lines[0].drug is None


def test_a_corrected_claim_carries_frequency_7_and_ref_f8():
    c = office_claim(frequency="7", payer_claim_number="SBX26300000042")
    text = write([c])
    assert find(text, "CLM")[0][5] == "11:B:7"
    assert find(text, "REF", "F8") == [["REF", "F8", "SBX26300000042"]]
    (doc,) = professional_claims(read(text))
    assert (doc.claims[0].frequency, doc.claims[0].payer_claim_control_number) == ("7", "SBX26300000042")
    void = office_claim(frequency="8", payer_claim_number="SBX26300000043")
    assert find(write([void]), "CLM")[0][5] == "11:B:8"


def test_an_original_never_carries_ref_f8():
    c = office_claim(payer_claim_number="SBX26300000042")  # known from an earlier 277CA, not a correction
    assert find(write([c]), "REF", "F8") == []


def test_a_dependent_gets_the_patient_loop_and_the_subscriber_is_the_policyholder():
    child = patient("Testkid", "Robin")
    cov = coverage(child, COMMERCIAL, "W123456789", relationship_to_subscriber=SubscriberRelationship.SPOUSE,
                   subscriber_first_name="Pat", subscriber_last_name="Testholder",
                   subscriber_birth_date=date(1960, 1, 2))
    c = claim([line("96413", "400.00")], cov=cov)
    text = write([c])
    hls = find(text, "HL")
    assert [h[3] for h in hls] == ["20", "22", "23"]
    assert find(text, "PAT") == [["PAT", "01"]]
    assert find(text, "NM1", "QC")[0][3:5] == ["TESTKID", "ROBIN"]
    (doc,) = professional_claims(read(text))
    back = doc.claims[0]
    assert (back.subscriber.last_name, back.subscriber.member_id) == ("TESTHOLDER", "W123456789")
    assert back.patient.last_name == "TESTKID" and back.patient_relationship == "01"
    assert find(text, "SBR")[0][2] == ""  # SBR02 only when the patient is the subscriber


def test_837i_hospital_outpatient_reads_back_the_same_claim():
    c = claim([line("96413", "400.00", revenue="0335"),
               line("J9271", "15000.00", 200, mods=("JZ",), ndc=KEYTRUDA, pointers="2", revenue="0636")],
              cov=coverage(patient(), MEDICARE, "1EG4TE5MK73"), location=HOPD, prior_authorization="PA-9")
    assert c.form is ClaimForm.INSTITUTIONAL
    text = write([c], interchange=7)
    assert find(text, "GS")[0][8] == "005010X223A2"
    assert find(text, "CLM")[0][5] == "13:A:1"
    assert find(text, "REF", "G1") == [["REF", "G1", "PA-9"]]
    doc = read(text)
    (txn,) = list(doc.transactions())
    back = read_837i(txn).claims[0]
    assert (back.patient_control_number, back.charge, back.facility_type, back.frequency) == (
        c.patient_control_number, Decimal("15400.00"), "13", "1")
    assert (back.statement_start, back.statement_end) == (c.service_from, c.service_to)
    assert back.principal_diagnosis == "Z5112" and back.other_diagnoses == ["C3411"]
    assert back.attending_provider.npi == DOCTOR.npi
    assert [(ln.revenue_code, ln.procedure.code, ln.procedure.modifiers, ln.units, ln.charge, ln.line_control_number)
            for ln in back.lines] == [("0335", "96413", (), Decimal(1), Decimal("400.00"), f"{c.patient_control_number}-01"),
                                      ("0636", "J9271", ("JZ",), Decimal(200), Decimal("15000.00"),
                                       f"{c.patient_control_number}-02")]
    assert back.lines[1].drug.ndc == KEYTRUDA


def test_a_batch_holds_one_form_only():
    office = office_claim()
    hospital = claim([line("96413", "400.00", revenue="0335")], cov=coverage(patient(), MEDICARE, "1EG4TE5MK73"),
                     location=HOPD)
    from oncobill.claims.submission import Receiver, billing_provider, write_batch

    with pytest.raises(InvalidInput, match="separate batches"):
        write_batch([office, hospital], ControlNumbers(1, 1, 1), submitter=billing_provider(office),
                    contact_phone="2175550100", receiver=Receiver(), when=office.created_at)


def test_a_line_under_another_authorization_carries_its_own_ref_g1_and_passes_pyx12():
    from tests.x12.oracle import pyx12_errors

    c = claim([line("J9271", "15000.00", 200, mods=("JZ",), ndc=KEYTRUDA, auth="PA-1"),
               line("J9271", "15000.00", 200, mods=("JZ",), ndc=KEYTRUDA, auth="PA-2", on=date(2026, 10, 28))],
              cov=coverage(patient(), MEDICARE, "1EG4TE5MK73"), prior_authorization="PA-1")
    text = write([c])
    assert find(text, "REF", "G1") == [["REF", "G1", "PA-1"], ["REF", "G1", "PA-2"]]  # claim, then line 2
    body = segments(text)
    line2 = body.index(["REF", "6R", f"{c.patient_control_number}-02"])
    assert body[line2 - 1] == ["REF", "G1", "PA-2"]  # before the line's REF*6R, as the guide orders them
    (doc,) = professional_claims(read(text))
    assert ["REF", "G1", "PA-2"] in [list(s) for s in doc.claims[0].lines[1].other]
    assert pyx12_errors(text) == []


def test_names_are_written_in_x12_characters():
    c = claim([line("96413", "400.00")], cov=coverage(patient("Núñez-O'Brien", "José"), MEDICARE, "1EG4TE5MK73"))
    assert find(write([c]), "NM1", "IL")[0][3:5] == ["NUNEZ-O'BRIEN", "JOSE"]
