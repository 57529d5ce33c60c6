"""270/271 eligibility (005010X279A1) as typed objects, both directions: the practice
asks (270), the payer answers with benefits (271)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from oncobill.x12.model import Loop, Transaction
from oncobill.x12.segments import (
    Party,
    Person,
    name_segments,
    party_segments,
    read_address,
    read_party,
    segment,
)
from oncobill.x12.specs.x270 import SPEC_270, SPEC_271
from oncobill.x12.tokenizer import Segment
from oncobill.x12.values import fmt_amount, fmt_date, optional_amount, parse_date


@dataclass(slots=True)
class Rejection:
    """AAA: the request could not be answered (AAA03 reason, AAA04 what to do next)."""

    valid: str
    reason: str
    follow_up: str
    level: str  # loop where it was reported (2000A, 2100A, 2100B, 2100C, 2100D ...)


@dataclass(slots=True)
class Benefit:
    """EB: one benefit fact (1 active coverage, 6 inactive, A coinsurance, B copay,
    C deductible, G out-of-pocket ...)."""

    information: str  # EB01
    coverage_level: str = ""  # EB02 (IND, FAM ...)
    service_types: tuple[str, ...] = ()  # EB03, repeated (30 plan coverage, 78 chemotherapy ...)
    insurance_type: str = ""  # EB04
    plan: str = ""  # EB05
    time_period: str = ""  # EB06
    amount: Decimal | None = None  # EB07
    percent: Decimal | None = None  # EB08
    quantity_qualifier: str = ""  # EB09
    quantity: Decimal | None = None  # EB10
    authorization_required: str = ""  # EB11
    in_network: str = ""  # EB12
    messages: list[str] = field(default_factory=list)  # MSG01
    dates: list[tuple[str, str]] = field(default_factory=list)  # (DTP01, DTP03)
    related: list[Segment] = field(default_factory=list)  # LS..LE entity segments verbatim


@dataclass(slots=True)
class EligibilityMember:
    """The subscriber (2000C) or a dependent (2000D) and what is asked or answered for them."""

    person: Person
    trace: str = ""  # TRN02
    relationship: str = ""  # INS02 on a dependent
    service_types: list[str] = field(default_factory=list)  # 270 EQ01
    service_date: date | None = None  # DTP*291 (plan) or DTP*472
    benefits: list[Benefit] = field(default_factory=list)  # 271 EB
    dates: list[tuple[str, str]] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


@dataclass(slots=True)
class Eligibility:
    """One 270 (inquiry) or 271 (response)."""

    payer: Party
    provider: Party
    subscriber: EligibilityMember
    dependent: EligibilityMember | None = None
    reference: str = ""  # BHT03
    created: datetime = field(default_factory=lambda: datetime(2026, 1, 1, 12, 0))
    purpose: str = "13"  # BHT02: 13 request, 11 response
    rejections: list[Rejection] = field(default_factory=list)


# -- writing ----------------------------------------------------------------------------------


def _member_segments(m: EligibilityMember, code: str, response: bool, rep: str) -> list[Segment]:
    out = []
    if m.trace:
        out.append(segment("TRN", "2" if response else "1", m.trace, "9877281234"))
    p = m.person
    out += name_segments(code, "1", p.last_name, p.first_name, "MI", p.member_id, p.address)
    for r in m.rejections:
        out.append(segment("AAA", r.valid, "", r.reason, r.follow_up))
    if p.birth_date:
        out.append(segment("DMG", "D8", fmt_date(p.birth_date), p.gender if p.gender != "U" else ""))
    if m.relationship:
        out.append(segment("INS", "N", m.relationship))
    if not response and m.service_date:
        out.append(segment("DTP", "291", "D8", fmt_date(m.service_date)))
    for qual, value in m.dates:
        out.append(segment("DTP", qual, "RD8" if "-" in value else "D8", value))
    for st in m.service_types:
        out.append(segment("EQ", st))
    for b in m.benefits:
        out.append(segment("EB", b.information, b.coverage_level, rep.join(b.service_types), b.insurance_type, b.plan,
                        b.time_period, fmt_amount(b.amount), _pct(b.percent), b.quantity_qualifier,
                        _pct(b.quantity), b.authorization_required, b.in_network))  # fmt: skip
        for qual, value in b.dates:
            out.append(segment("DTP", qual, "RD8" if "-" in value else "D8", value))
        for text in b.messages:
            out.append(segment("MSG", text))
        if b.related:
            out.append(segment("LS", "2120"))
            out.extend(b.related)
            out.append(segment("LE", "2120"))
    return out


def _pct(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def eligibility_segments(doc: Eligibility, response: bool, rep: str = "^") -> list[Segment]:
    out = [
        segment(
            "BHT",
            "0022",
            doc.purpose,
            doc.reference,
            doc.created.strftime("%Y%m%d"),
            doc.created.strftime("%H%M"),
        )
    ]
    out.append(segment("HL", 1, "", "20", "1"))
    out += party_segments("", doc.payer)
    out += [segment("AAA", r.valid, "", r.reason, r.follow_up) for r in doc.rejections if r.level == "2100A"]
    has_subscriber = bool(doc.subscriber.person.last_name or doc.subscriber.person.member_id)
    out.append(segment("HL", 2, 1, "21", "1" if has_subscriber else "0"))
    out += party_segments("", doc.provider)
    out += [segment("AAA", r.valid, "", r.reason, r.follow_up) for r in doc.rejections if r.level == "2100B"]
    if not has_subscriber:
        return out
    out.append(segment("HL", 3, 2, "22", "1" if doc.dependent else "0"))
    out += _member_segments(doc.subscriber, "IL", response, rep)
    if doc.dependent is not None:
        out.append(segment("HL", 4, 3, "23", "0"))
        out += _member_segments(doc.dependent, "03", response, rep)
    return out


def build_270(doc: Eligibility, control_number: int | str = 1) -> Transaction:
    from oncobill.x12.writer import build_transaction

    return build_transaction(SPEC_270, control_number, eligibility_segments(doc, response=False))


def build_271(doc: Eligibility, control_number: int | str = 1) -> Transaction:
    from oncobill.x12.writer import build_transaction

    return build_transaction(SPEC_271, control_number, eligibility_segments(doc, response=True))


# -- reading ----------------------------------------------------------------------------------


def _rejections(loop: Loop, level: str) -> list[Rejection]:
    return [Rejection(a.get(1), a.get(3), a.get(4), level) for a in loop.all("AAA")]


def _member(hl: Loop, name_loop_id: str, rep: str) -> EligibilityMember:
    name = hl.child(name_loop_id)
    nm1 = name.segments[0]
    person = Person(nm1.get(3), nm1.get(4), nm1.get(9), read_address(name))
    dmg = name.segment("DMG")
    if dmg is not None:
        person.birth_date = parse_date(dmg.get(2), dmg, "DMG02")
        person.gender = dmg.get(3) or "U"
    trn = hl.segment("TRN")
    ins = name.segment("INS")
    member = EligibilityMember(person, trn.get(2) if trn else "", ins.get(2) if ins else "")
    member.rejections = _rejections(name, name_loop_id)
    for dtp in name.all("DTP"):
        if dtp.get(1) == "291" and dtp.get(2) == "D8":
            member.service_date = parse_date(dtp.get(3), dtp, "DTP03")
        else:
            member.dates.append((dtp.get(1), dtp.get(3)))
    for lp in name.loops:
        first = lp.segments[0]
        if first[0] == "EQ":
            member.service_types.append(first.get(1))
        elif first[0] == "EB":
            b = Benefit(
                first.get(1), first.get(2), tuple(x for x in first.get(3).split(rep) if x), first.get(4), first.get(5),
                first.get(6), optional_amount(first.get(7), first, "EB07"), _dec(first.get(8)), first.get(9),
                _dec(first.get(10)), first.get(11), first.get(12),
            )  # fmt: skip
            b.messages = [m.get(1) for m in lp.all("MSG")]
            b.dates = [(d.get(1), d.get(3)) for d in lp.all("DTP")]
            for rel in lp.children("2120" + name_loop_id[-1]):
                b.related.extend(rel.segments)
            member.benefits.append(b)
    return member


def _dec(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def read_eligibility(txn: Transaction) -> Eligibility:
    """The typed view of a 270 or 271."""
    rep = txn.delimiters.repetition
    body = txn.body
    bht = body.segment("BHT")
    a = body.child("2000A")
    b = a.child("2000B") if a else None
    c = b.child("2000C") if b else None
    doc = Eligibility(
        read_party(a.child("2100A")),
        read_party(b.child("2100B")) if b else Party("", "", "", ""),
        _member(c, "2100C", rep) if c else EligibilityMember(Person("", "")),
        reference=bht.get(3),
        purpose=bht.get(2),
    )
    if bht.get(4):
        d = parse_date(bht.get(4), bht, "BHT04")
        t = bht.get(5)[:4].ljust(4, "0")
        doc.created = datetime(d.year, d.month, d.day, int(t[:2]) % 24, int(t[2:]) % 60)
    doc.rejections = _rejections(a, "2000A") + _rejections(a.child("2100A"), "2100A")
    if b is not None:
        doc.rejections += _rejections(b.child("2100B"), "2100B")
    if c is not None:
        d_loop = c.child("2000D")
        if d_loop is not None:
            doc.dependent = _member(d_loop, "2100D", rep)
    return doc
