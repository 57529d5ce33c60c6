"""278 services review (005010X217, prior authorization) as typed objects, both
directions: the practice requests (BHT02 13), the payer answers (BHT02 11) with HCR
decisions (A1 certified in total, A3 not certified, A4 pended, A6 modified, ...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from oncobill.x12.model import Loop, Transaction
from oncobill.x12.segments import Party, Person, party_segments, read_party, segment
from oncobill.x12.specs.x278 import SPEC
from oncobill.x12.tokenizer import Segment
from oncobill.x12.values import fmt_amount, fmt_date, fmt_quantity, optional_amount, parse_date, quantity


@dataclass(slots=True)
class Decision:
    """HCR: action code, certification (authorization) number, reason."""

    action: str  # A1 certified, A3 not certified, A4 pended, A6 modified, C cancelled ...
    certification_number: str = ""
    reason: str = ""


@dataclass(slots=True)
class ServiceReview:
    """2000F: one requested service, its dates and the decision on it.

    Professional (SV1: procedure, charge, units) or, when ``revenue_code`` is set,
    institutional (SV2: revenue code with the HCPCS as SV202, charge, units): a hospital
    outpatient infusion is authorized by revenue code (0335 chemotherapy IV, 0636 drugs with
    detailed coding) and drug code together.
    """

    procedure: str  # SV101 (or SV202) composite as sent, e.g. HC:J9271
    charge: Decimal | None
    units: Decimal | None
    service_dates: str = ""  # DTP*472 text (D8 or RD8)
    decision: Decision | None = None
    trace: str = ""
    revenue_code: str = ""  # SV201: set for an institutional (SV2) service line
    # 2000F UM: request category and certification type ("" = the patient event's), service type.
    request_category: str = ""
    certification_type: str = ""
    service_type: str = ""  # UM03 for this service (e.g. 78 chemotherapy), "" when not sent
    references: dict[str, str] = field(default_factory=dict)  # 2000F REF by qualifier (BB authorization, NT ...)


@dataclass(slots=True)
class ServicesReview:
    """One 278: who asks whom about which patient event (2000E) and its services (2000F)."""

    umo: Party  # utilization management organization (payer)
    requester: Party  # provider asking
    subscriber: Person
    request_category: str = "HS"  # UM01: HS health services review, AR admission, SC specialty care
    certification_type: str = "I"  # UM02: I initial, R renewal, S revised ...
    service_type: str = "1"  # UM03: 1 medical care, 78 chemotherapy ...
    place_of_service: str = "11"  # UM04-1
    event_dates: str = ""  # DTP*AAH (D8/RD8 text)
    diagnoses: list[str] = field(default_factory=list)  # HI ABK/ABF
    decision: Decision | None = None  # event-level HCR (response)
    services: list[ServiceReview] = field(default_factory=list)
    trace: str = ""  # event TRN02
    reference: str = ""
    created: datetime = field(default_factory=lambda: datetime(2026, 1, 1, 12, 0))
    response: bool = False


# -- writing ----------------------------------------------------------------------------------


def review_segments(doc: ServicesReview, comp: str = ":") -> list[Segment]:
    out = [segment("BHT", "0007", "11" if doc.response else "13", doc.reference, doc.created.strftime("%Y%m%d"),
                doc.created.strftime("%H%M"))]  # fmt: skip
    out.append(segment("HL", 1, "", "20", "1"))
    out += party_segments("X3", doc.umo)
    out.append(segment("HL", 2, 1, "21", "1"))
    out += party_segments("1P", doc.requester)
    out.append(segment("HL", 3, 2, "22", "1"))
    s = doc.subscriber
    out.append(segment("NM1", "IL", "1", s.last_name, s.first_name, "", "", "", "MI", s.member_id))
    if s.birth_date:
        out.append(segment("DMG", "D8", fmt_date(s.birth_date), s.gender if s.gender != "U" else ""))
    out.append(segment("HL", 4, 3, "EV", "1" if doc.services else "0"))
    if doc.trace:
        out.append(segment("TRN", "2" if doc.response else "1", doc.trace, "9012345678"))
    out.append(segment("UM", doc.request_category, doc.certification_type, doc.service_type,
                    comp.join((doc.place_of_service, "B"))))  # fmt: skip
    if doc.decision is not None:
        out.append(segment("HCR", doc.decision.action, doc.decision.certification_number, doc.decision.reason))
    if doc.event_dates:
        out.append(segment("DTP", "AAH", "RD8" if "-" in doc.event_dates else "D8", doc.event_dates))
    if doc.diagnoses:
        out.append(
            segment(
                "HI", *[comp.join(("ABK" if n == 0 else "ABF", d)) for n, d in enumerate(doc.diagnoses[:12])]
            )
        )
    for n, svc in enumerate(doc.services):
        out.append(segment("HL", 5 + n, 4, "SS", "0"))
        if svc.trace:
            out.append(segment("TRN", "2" if doc.response else "1", svc.trace, "9012345678"))
        out.append(segment("UM", svc.request_category or doc.request_category,
                        svc.certification_type or doc.certification_type, svc.service_type))  # fmt: skip
        if svc.decision is not None:
            out.append(
                segment("HCR", svc.decision.action, svc.decision.certification_number, svc.decision.reason)
            )
        for qualifier, value in svc.references.items():
            out.append(segment("REF", qualifier, value))
        if svc.service_dates:
            out.append(segment("DTP", "472", "RD8" if "-" in svc.service_dates else "D8", svc.service_dates))
        units = fmt_quantity(svc.units)
        if svc.revenue_code:
            out.append(segment("SV2", svc.revenue_code, svc.procedure, fmt_amount(svc.charge), "UN" if units else "",
                            units))  # fmt: skip
        else:
            out.append(segment("SV1", svc.procedure, fmt_amount(svc.charge), "UN", units))
    return out


def build_278(doc: ServicesReview, control_number: int | str = 1) -> Transaction:
    from oncobill.x12.writer import build_transaction

    return build_transaction(SPEC, control_number, review_segments(doc))


# -- reading ----------------------------------------------------------------------------------


def _decision(loop: Loop) -> Decision | None:
    hcr = loop.segment("HCR")
    return Decision(hcr.get(1), hcr.get(2), hcr.get(3)) if hcr is not None else None


def read_278(txn: Transaction) -> ServicesReview:
    comp = txn.delimiters.component
    body = txn.body
    bht = body.segment("BHT")
    a = body.child("2000A")
    b = a.child("2000B")
    c = b.child("2000C")
    nm1 = c.child("2010C").segments[0]
    person = Person(nm1.get(3), nm1.get(4), nm1.get(9))
    dmg = c.child("2010C").segment("DMG")
    if dmg is not None:
        person.birth_date = parse_date(dmg.get(2), dmg, "DMG02")
        person.gender = dmg.get(3) or "U"
    event = c.child("2000E") or (c.child("2000D").child("2000E") if c.child("2000D") else None)
    doc = ServicesReview(read_party(a.child("2010A")), read_party(b.child("2010B")), person, reference=bht.get(3),
                         response=bht.get(2) == "11")  # fmt: skip
    if bht.get(4):
        d = parse_date(bht.get(4), bht, "BHT04")
        t = bht.get(5)[:4].ljust(4, "0")
        doc.created = datetime(d.year, d.month, d.day, int(t[:2]) % 24, int(t[2:]) % 60)
    if event is not None:
        um = event.segment("UM")
        doc.request_category, doc.certification_type, doc.service_type = um.get(1), um.get(2), um.get(3)
        doc.place_of_service = um.get(4).split(comp)[0]
        trn = event.segment("TRN")
        doc.trace = trn.get(2) if trn else ""
        doc.decision = _decision(event)
        dtp = event.segment("DTP", "AAH")
        doc.event_dates = dtp.get(3) if dtp else ""
        for hi in event.all("HI"):
            doc.diagnoses += [el.split(comp)[1] for el in hi[1:] if comp in el]
        for f in event.children("2000F"):
            doc.services.append(_service(f, doc))
    return doc


def _service(f: Loop, doc: ServicesReview) -> ServiceReview:
    dtp = f.segment("DTP", "472")
    trn = f.segment("TRN")
    sv1, sv2 = f.segment("SV1"), f.segment("SV2")
    if sv2 is not None and sv1 is None:
        svc = ServiceReview(sv2.get(2), optional_amount(sv2.get(3), sv2, "SV203"), quantity(sv2.get(5), sv2, "SV205"),
                            revenue_code=sv2.get(1))  # fmt: skip
    elif sv1 is not None:
        svc = ServiceReview(sv1.get(1), optional_amount(sv1.get(2), sv1, "SV102"), quantity(sv1.get(4), sv1, "SV104"))
    else:
        svc = ServiceReview("", None, None)
    svc.service_dates = dtp.get(3) if dtp else ""
    svc.decision = _decision(f)
    svc.trace = trn.get(2) if trn else ""
    um = f.segment("UM")
    if um is not None:
        # The event's request category and certification type are the default: "" keeps them so.
        svc.request_category = "" if um.get(1) == doc.request_category else um.get(1)
        svc.certification_type = "" if um.get(2) == doc.certification_type else um.get(2)
        svc.service_type = um.get(3)
    for ref in f.all("REF"):
        svc.references[ref.get(1)] = ref.get(2)
    return svc
