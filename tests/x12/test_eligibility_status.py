"""270/271 and 276/277 typed objects: corpus files read typed and write back equal; documents
we generate pass our own validator (pyx12 4.0.0 has no maps for 005010X279A1 or X212) and
read back equal."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from oncobill.x12 import read, write
from oncobill.x12.claimstatus import (
    ClaimStatusDocument,
    StatusClaim,
    StatusLine,
    StatusMember,
    StatusProvider,
    build_276,
    build_277,
    read_claim_status,
)
from oncobill.x12.eligibility import (
    Benefit,
    Eligibility,
    EligibilityMember,
    build_270,
    build_271,
    read_eligibility,
)
from oncobill.x12.segments import Address, ClaimStatus, Party, Person
from oncobill.x12.validate import validate
from oncobill.x12.writer import build_interchange

from . import strategies as s
from .conftest import CORPUS

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                phases=[Phase.explicit, Phase.generate])  # fmt: skip
WHEN = datetime(2026, 11, 2, 9, 30)


@pytest.mark.parametrize("kind", ["270", "271"])
def test_corpus_eligibility_round_trips_typed(kind):
    for path in sorted((CORPUS / kind).iterdir()):
        txn = next(read(path).transactions())
        doc = read_eligibility(txn)
        again = read_eligibility((build_271 if kind == "271" else build_270)(doc))
        assert again == doc, path.name


def test_271_benefits_are_typed():
    txn = next(read(CORPUS / "271" / "linuxforhealth__dependent-health-benefit-check.271").transactions())
    doc = read_eligibility(txn)
    copays = [b for b in doc.dependent.benefits if b.information == "B"]
    assert [b.amount for b in copays] == [Decimal("10.00"), Decimal("30.00")]
    assert copays[0].service_types[:3] == ("1", "33", "35") and copays[0].in_network == "Y"


@pytest.mark.parametrize("kind", ["276", "277"])
def test_corpus_claim_status_round_trips_typed(kind):
    for path in sorted((CORPUS / kind).iterdir()):
        txn = next(read(path).transactions())
        doc = read_claim_status(txn)
        assert read_claim_status((build_277 if kind == "277" else build_276)(doc)) == doc, path.name


def _text(txn) -> str:
    return write(build_interchange([(txn.spec, [txn])], sender_id="SENDER01", receiver_id="RECEIVER01",
                                   control_number=5, when=WHEN))  # fmt: skip


@st.composite
def eligibility(draw, response: bool):
    sub = draw(s.persons())
    dependent = draw(st.booleans())
    benefits = [
        Benefit(draw(st.sampled_from(["1", "A", "B", "C", "G"])), "IND", tuple(draw(st.lists(st.sampled_from(["30", "78", "82", "1"]), min_size=1, max_size=3, unique=True))),
                "", "", "", draw(s.cents), None, "", None, "", draw(st.sampled_from(["Y", "N", ""])))
        for _ in range(draw(st.integers(0 if not response else 1, 4)))
    ] if response else []  # fmt: skip
    member = EligibilityMember(Person(sub.last_name, sub.first_name, sub.member_id, Address("1 ELM ST", "SPRINGFIELD", "IL", "62704"), sub.birth_date, sub.gender),
                               trace=draw(s.ids), service_types=[] if (dependent or response) else ["30"],
                               service_date=None if response or dependent else draw(s.dates), benefits=[] if dependent else benefits)  # fmt: skip
    dep = None
    if dependent:
        d = draw(s.persons())
        dep = EligibilityMember(Person(d.last_name, d.first_name, "", None, d.birth_date, d.gender), trace=draw(s.ids),
                                relationship="19", service_types=[] if response else ["30"],
                                service_date=None if response else draw(s.dates), benefits=benefits)  # fmt: skip
        member.trace = ""
    return Eligibility(Party("PR", "SYNTHETIC HEALTH PLAN", "PI", draw(s.ids)),
                       Party("1P", "TEST ONCOLOGY GROUP", "XX", draw(s.npis())), member, dep, draw(s.ids), WHEN,
                       "11" if response else "13")  # fmt: skip


@FAST
@given(eligibility(response=False), eligibility(response=True))
def test_270_and_271_we_write_validate_clean_and_read_back(inquiry, answer):
    for doc, build in ((inquiry, build_270), (answer, build_271)):
        text = _text(build(doc))
        result = validate(text)
        assert result.findings == [], [f.located() for f in result.findings]
        assert read_eligibility(next(read(text).transactions())) == doc


@st.composite
def claim_status(draw, response: bool):
    def status():
        cat, code = draw(st.sampled_from([("F1", "65"), ("P1", "20"), ("F2", "88"), ("A1", "19")]))
        return ClaimStatus(cat, code, draw(s.dates), "", "", draw(s.cents))

    providers = []
    for _ in range(draw(st.integers(1, 2))):
        members = []
        for _ in range(draw(st.integers(1, 2))):
            p = draw(s.persons())
            claims = [
                StatusClaim(draw(s.ids), {"1K": draw(s.ids)} if response else {"EJ": draw(s.ids)},
                            None if response else draw(s.cents), "20261001-20261003",
                            [status()] if response else [],
                            [StatusLine("HC:96413", draw(s.cents), draw(s.cents) if response else None, "1", "L1",
                                        "20261001", [status()] if response else [])])
                for _ in range(draw(st.integers(1, 2)))
            ]  # fmt: skip
            members.append(StatusMember(Person(p.last_name, p.first_name, p.member_id, None,
                                               None if response else p.birth_date, "U" if response else p.gender),
                                        claims))  # fmt: skip
        providers.append(StatusProvider(Party("1P", "TEST ONCOLOGY GROUP", "XX", draw(s.npis())), members))
    return ClaimStatusDocument(Party("PR", "SYNTHETIC HEALTH PLAN", "PI", draw(s.ids)),
                               Party("41", "TEST ONCOLOGY GROUP", "46", draw(s.ids)), providers, draw(s.ids), WHEN)  # fmt: skip


@FAST
@given(claim_status(response=False), claim_status(response=True))
def test_276_and_277_we_write_validate_clean_and_read_back(request_doc, response_doc):
    for doc, build in ((request_doc, build_276), (response_doc, build_277)):
        text = _text(build(doc))
        result = validate(text)
        assert result.findings == [], [f.located() for f in result.findings]
        assert read_claim_status(next(read(text).transactions())) == doc


@st.composite
def reviews(draw, response: bool):
    from oncobill.x12.review278 import Decision, ServiceReview, ServicesReview

    def decision():
        if not response:
            return None
        action = draw(st.sampled_from(["A1", "A3", "A4", "A6"]))
        return Decision(action, draw(s.ids) if action in ("A1", "A6") else "", "" if action != "A3" else "0V")

    def service():
        if draw(st.booleans()):  # institutional: revenue code + HCPCS (SV2)
            svc = ServiceReview(draw(st.sampled_from(["HC:J9271", "HC:J9045", "HC:96413"])), draw(s.cents),
                                Decimal(draw(st.integers(1, 200))), "20261001-20261231", decision(), draw(s.ids),
                                revenue_code=draw(st.sampled_from(["0335", "0636", "0260"])))  # fmt: skip
        else:  # professional (SV1)
            svc = ServiceReview(draw(st.sampled_from(["HC:J9271", "HC:96413", "HC:77427"])), draw(s.cents),
                                Decimal(draw(st.integers(1, 200))), "20261001-20261231", decision(), draw(s.ids))  # fmt: skip
        svc.service_type = draw(st.sampled_from(["", "78", "1"]))
        svc.certification_type = draw(st.sampled_from(["", "R"]))  # "" = the event's (I)
        if draw(st.booleans()):
            svc.references["NT"] = draw(s.ids)
        if response and svc.decision is not None and svc.decision.certification_number:
            svc.references["BB"] = svc.decision.certification_number
        return svc

    services = [service() for _ in range(draw(st.integers(1, 4)))]
    sub = draw(s.persons())
    return ServicesReview(Party("X3", "SYNTHETIC HEALTH PLAN", "PI", draw(s.ids)),
                          Party("1P", "TEST ONCOLOGY GROUP", "XX", draw(s.npis())),
                          Person(sub.last_name, sub.first_name, sub.member_id, None, sub.birth_date, sub.gender),
                          "HS", "I", "78", "11", "20261001-20261231", ["C50911", "Z5111"], decision(), services,
                          draw(s.ids), draw(s.ids), WHEN, response)  # fmt: skip


@FAST
@given(reviews(response=False), reviews(response=True))
def test_278_request_and_response_we_write_validate_clean_and_read_back(request_doc, response_doc):
    from oncobill.x12.review278 import build_278, read_278

    for doc in (request_doc, response_doc):
        text = _text(build_278(doc))
        result = validate(text)
        assert result.findings == [], [f.located() for f in result.findings]
        assert read_278(next(read(text).transactions())) == doc
