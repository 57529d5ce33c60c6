"""278 service lines: professional (SV1) and institutional (SV2) both ways, with the 2000F
UM, HCR, REF and DTP read into the typed model."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from oncobill.x12 import read, write
from oncobill.x12.review278 import Decision, ServiceReview, ServicesReview, build_278, read_278
from oncobill.x12.segments import Party, Person
from oncobill.x12.validate import validate
from oncobill.x12.writer import build_interchange

WHEN = datetime(2026, 11, 2, 9, 30)


def _text(doc: ServicesReview) -> str:
    txn = build_278(doc)
    return write(build_interchange([(txn.spec, [txn])], sender_id="CLINIC01", receiver_id="PAYER01",
                                   control_number=9, when=WHEN))  # fmt: skip


def _review(services: list[ServiceReview], response: bool = False) -> ServicesReview:
    return ServicesReview(Party("X3", "SYNTHETIC HEALTH PLAN", "PI", "99999"),
                          Party("1P", "TEST ONCOLOGY GROUP", "XX", "1234567893"),
                          Person("TESTPATIENT", "ALPHA", "MEM000001"), "HS", "I", "78", "22",
                          "20261001-20261231", ["C50911", "Z5111"], None, services, "TRACE1", "REF1", WHEN,
                          response)  # fmt: skip


def _segments(text: str, sid: str) -> list[list[str]]:
    return [s.split("*") for s in text.split("~") if s.startswith(sid + "*")]


def test_institutional_line_is_written_as_sv2_revenue_code_then_hcpcs_and_reads_back():
    line = ServiceReview("HC:J9271", Decimal("9850.00"), Decimal("200"), "20261001-20261231", trace="SVC1",
                         revenue_code="0636", service_type="78", references={"NT": "ADMIN7"})  # fmt: skip
    doc = _review([line, ServiceReview("HC:96413", Decimal("412.00"), Decimal("1"), "20261001")])
    text = _text(doc)
    (sv2,) = _segments(text, "SV2")
    assert sv2[:6] == ["SV2", "0636", "HC:J9271", "9850", "UN", "200"]
    (sv1,) = _segments(text, "SV1")
    assert sv1[:5] == ["SV1", "HC:96413", "412", "UN", "1"]
    assert ["REF", "NT", "ADMIN7"] in _segments(text, "REF")
    ums = _segments(text, "UM")
    assert ums[1][:4] == ["UM", "HS", "I", "78"]  # the service's UM carries its service type
    assert validate(text).findings == []
    back = read_278(next(read(text).transactions()))
    assert back == doc
    assert back.services[0].revenue_code == "0636" and back.services[0].procedure == "HC:J9271"
    assert back.services[1].revenue_code == ""


def test_payer_response_reads_service_level_um_hcr_ref_and_dtp_from_their_elements():
    # A response as a payer writes it (not by our writer): renewal certification on one line,
    # the authorization number in REF*BB, a hospital line by revenue code with no HCPCS.
    text = _text(_review([ServiceReview("HC:J9271", Decimal("1"), Decimal("1"))], response=True))
    body = text[text.index("HL*5*4*SS*0~") :]
    new = (
        "HL*5*4*SS*0~TRN*2*T1*9012345678~UM*HS*R*78~HCR*A1*AUTH123~REF*BB*AUTH123~REF*NT*ADM9~"
        "DTP*472*RD8*20261101-20261130~SV2*0335**1200*UN*6~"
    )
    text = text.replace(body[: body.index("SE*")], new)
    se = text[text.index("SE*") :].split("~")[0]
    count = text[text.index("ST*") : text.index("SE*")].count("~") + 1
    text = text.replace(se, f"SE*{count}*{se.split('*')[2]}")
    (svc,) = read_278(next(read(text).transactions())).services
    assert svc.revenue_code == "0335" and svc.procedure == ""
    assert (svc.charge, svc.units) == (Decimal("1200.00"), Decimal("6"))
    assert svc.certification_type == "R" and svc.request_category == "" and svc.service_type == "78"
    assert svc.decision == Decision("A1", "AUTH123", "")
    assert svc.references == {"BB": "AUTH123", "NT": "ADM9"}
    assert svc.service_dates == "20261101-20261130" and svc.trace == "T1"
