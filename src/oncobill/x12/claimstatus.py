"""276/277 claim status (005010X212) as typed objects, both directions: the practice asks
where its claims are (276); the payer answers with STC statuses (277)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from oncobill.x12.model import Loop, Transaction
from oncobill.x12.segments import (
    ClaimStatus,
    Party,
    Person,
    name_segments,
    party_segments,
    read_party,
    read_statuses,
    segment,
    status_segment,
)
from oncobill.x12.specs.x276 import SPEC_276, SPEC_277
from oncobill.x12.tokenizer import Segment
from oncobill.x12.values import fmt_amount, fmt_date, optional_amount, parse_date


@dataclass(slots=True)
class StatusLine:
    """2210/2220: one service line asked about or answered."""

    procedure: str  # SVC01 composite as sent, e.g. HC:99203
    charge: Decimal | None
    paid: Decimal | None = None
    units: str = ""
    line_control_number: str = ""  # REF*FJ
    service_date: str = ""  # DTP03 (D8 or RD8 text)
    statuses: list[ClaimStatus] = field(default_factory=list)


@dataclass(slots=True)
class StatusClaim:
    """2200D/2200E: one claim, keyed by its trace (the practice's claim number)."""

    trace: str  # TRN02
    references: dict[str, str] = field(
        default_factory=dict
    )  # REF: 1K payer claim #, EJ account, BLT bill type
    billed: Decimal | None = None  # AMT*T3 on the 276
    service_dates: str = ""  # DTP*472 text
    statuses: list[ClaimStatus] = field(default_factory=list)  # 277 STC
    lines: list[StatusLine] = field(default_factory=list)


@dataclass(slots=True)
class StatusMember:
    """2000D subscriber (or 2000E dependent) and the claims asked about for them."""

    person: Person
    claims: list[StatusClaim] = field(default_factory=list)
    dependents: list[StatusMember] = field(default_factory=list)


@dataclass(slots=True)
class StatusProvider:
    """2000C: the provider of service."""

    party: Party
    members: list[StatusMember] = field(default_factory=list)
    trace: str = ""
    statuses: list[ClaimStatus] = field(default_factory=list)


@dataclass(slots=True)
class ClaimStatusDocument:
    """One 276 (request) or 277 (response)."""

    payer: Party
    receiver: Party
    providers: list[StatusProvider]
    reference: str = ""
    created: datetime = field(default_factory=lambda: datetime(2026, 1, 1, 12, 0))
    receiver_trace: str = ""
    receiver_statuses: list[ClaimStatus] = field(default_factory=list)


# -- writing ----------------------------------------------------------------------------------


def _claim_segments(c: StatusClaim, response: bool, comp: str) -> list[Segment]:
    out = [segment("TRN", "2" if response else "1", c.trace)]
    if response:
        out += [status_segment(s, comp) for s in c.statuses]
    for qual, value in c.references.items():
        out.append(segment("REF", qual, value))
    if not response and c.billed is not None:
        out.append(segment("AMT", "T3", fmt_amount(c.billed)))
    if c.service_dates:
        out.append(segment("DTP", "472", "RD8" if "-" in c.service_dates else "D8", c.service_dates))
    for ln in c.lines:
        out.append(
            segment("SVC", ln.procedure, fmt_amount(ln.charge), fmt_amount(ln.paid), "", "", "", ln.units)
        )
        if response:
            out += [status_segment(s, comp) for s in ln.statuses]
        if ln.line_control_number:
            out.append(segment("REF", "FJ", ln.line_control_number))
        if ln.service_date:
            out.append(segment("DTP", "472", "RD8" if "-" in ln.service_date else "D8", ln.service_date))
    return out


def claim_status_segments(doc: ClaimStatusDocument, response: bool, comp: str = ":") -> list[Segment]:
    bht = ["BHT", "0010", "08" if response else "13", doc.reference, doc.created.strftime("%Y%m%d"),
           doc.created.strftime("%H%M")] + (["DG"] if response else [])  # fmt: skip
    out = [segment(*bht), segment("HL", 1, "", "20", "1")]
    out += party_segments("PR", doc.payer)
    out.append(segment("HL", 2, 1, "21", "1" if doc.providers else "0"))
    out += party_segments("41", doc.receiver)
    if response and doc.receiver_trace:
        out.append(segment("TRN", "2", doc.receiver_trace))
        out += [status_segment(s, comp) for s in doc.receiver_statuses]
    hl = 2
    for prov in doc.providers:
        hl += 1
        prov_hl = hl
        out.append(segment("HL", hl, 2, "19", "1" if prov.members else "0"))
        out += party_segments("1P", prov.party)
        if response and prov.trace:
            out.append(segment("TRN", "1", prov.trace))
            out += [status_segment(s, comp) for s in prov.statuses]
        for m in prov.members:
            hl += 1
            sub_hl = hl
            out.append(segment("HL", hl, prov_hl, "22", "1" if m.dependents else "0"))
            out += _person_segments(m.person, "IL", response)
            for c in m.claims:
                out += _claim_segments(c, response, comp)
            for d in m.dependents:
                hl += 1
                out.append(segment("HL", hl, sub_hl, "23"))
                out += _person_segments(d.person, "QC", response)
                for c in d.claims:
                    out += _claim_segments(c, response, comp)
    return out


def _person_segments(p: Person, code: str, response: bool) -> list[Segment]:
    out = []
    if not response and p.birth_date:
        out.append(segment("DMG", "D8", fmt_date(p.birth_date), p.gender if p.gender != "U" else ""))
    out += name_segments(code, "1", p.last_name, p.first_name, "MI", p.member_id, None)
    return out


def build_276(doc: ClaimStatusDocument, control_number: int | str = 1) -> Transaction:
    from oncobill.x12.writer import build_transaction

    return build_transaction(SPEC_276, control_number, claim_status_segments(doc, response=False))


def build_277(doc: ClaimStatusDocument, control_number: int | str = 1) -> Transaction:
    from oncobill.x12.writer import build_transaction

    return build_transaction(SPEC_277, control_number, claim_status_segments(doc, response=True))


# -- reading ----------------------------------------------------------------------------------


def _read_claims(hl: Loop, tracking: str, line_loop: str, comp: str) -> list[StatusClaim]:
    out = []
    for lp in hl.children(tracking):
        c = StatusClaim(lp.segments[0].get(2))
        c.statuses = read_statuses(lp, comp)
        for ref in lp.all("REF"):
            c.references[ref.get(1)] = ref.get(2)
        amt = lp.segment("AMT", "T3")
        if amt is not None:
            c.billed = optional_amount(amt.get(2), amt, "AMT02")
        dtp = lp.segment("DTP", "472")
        if dtp is not None:
            c.service_dates = dtp.get(3)
        for sl in lp.children(line_loop):
            svc = sl.segments[0]
            ref = sl.segment("REF", "FJ")
            d = sl.segment("DTP", "472")
            c.lines.append(StatusLine(svc.get(1), optional_amount(svc.get(2), svc, "SVC02"),
                                      optional_amount(svc.get(3), svc, "SVC03"), svc.get(7),
                                      ref.get(2) if ref else "", d.get(3) if d else "", read_statuses(sl, comp)))  # fmt: skip
        out.append(c)
    return out


def _person(hl: Loop, name_loop: str) -> Person:
    nm1 = hl.child(name_loop).segments[0]
    person = Person(nm1.get(3), nm1.get(4), nm1.get(9))
    dmg = hl.segment("DMG")
    if dmg is not None:
        person.birth_date = parse_date(dmg.get(2), dmg, "DMG02")
        person.gender = dmg.get(3) or "U"
    return person


def read_claim_status(txn: Transaction) -> ClaimStatusDocument:
    """The typed view of a 276 or a 277 (005010X212)."""
    comp = txn.delimiters.component
    response = txn.code == "277"
    line_loop = "222" if response else "221"
    body = txn.body
    bht = body.segment("BHT")
    a = body.child("2000A")
    b = a.child("2000B")
    doc = ClaimStatusDocument(read_party(a.child("2100A")), read_party(b.child("2100B")), [], bht.get(3))
    if bht.get(4):
        d = parse_date(bht.get(4), bht, "BHT04")
        t = bht.get(5)[:4].ljust(4, "0")
        doc.created = datetime(d.year, d.month, d.day, int(t[:2]) % 24, int(t[2:]) % 60)
    rb = b.child("2200B")
    if rb is not None:
        doc.receiver_trace = rb.segments[0].get(2)
        doc.receiver_statuses = read_statuses(rb, comp)
    for c in b.children("2000C"):
        prov = StatusProvider(read_party(c.child("2100C")))
        pc = c.child("2200C")
        if pc is not None:
            prov.trace = pc.segments[0].get(2)
            prov.statuses = read_statuses(pc, comp)
        for d_loop in c.children("2000D"):
            member = StatusMember(
                _person(d_loop, "2100D"), _read_claims(d_loop, "2200D", line_loop + "0D", comp)
            )
            for e_loop in d_loop.children("2000E"):
                member.dependents.append(
                    StatusMember(
                        _person(e_loop, "2100E"), _read_claims(e_loop, "2200E", line_loop + "0E", comp)
                    )
                )
            prov.members.append(member)
        doc.providers.append(prov)
    return doc
