"""837 Professional claims (005010X222A1) as typed objects, both directions.

The typed model is flat, as billing thinks of it: a list of claims, each naming its
billing provider, subscriber, payer and (when not the subscriber) patient. The writer
builds the HL hierarchy (2000A > 2000B > 2000C) from that, grouping claims that share
a billing provider and a subscriber, and numbers the HLs itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from oncobill.x12.model import Loop, Transaction
from oncobill.x12.segments import (
    Adjustment,
    Payer,
    Person,
    Procedure,
    Provider,
    cas_segments,
    name_segments,
    read_cas,
    read_payer,
    read_person,
    read_provider,
    segment,
)
from oncobill.x12.specs.x837p import SPEC as SPEC_837P
from oncobill.x12.tokenizer import DEFAULT_DELIMITERS, Delimiters, Segment
from oncobill.x12.values import amount, fmt_amount, fmt_date, fmt_quantity, parse_date, quantity


@dataclass(slots=True)
class Coverage:
    """2000B SBR: the destination payer's position and the plan."""

    responsibility: str = "P"  # SBR01: P primary, S secondary, T tertiary
    relationship: str = "18"  # SBR02 18 = patient is the subscriber (blank otherwise)
    group_number: str = ""
    filing_indicator: str = "CI"  # SBR09


@dataclass(slots=True)
class DrugIdentification:
    """2410: the NDC given and its quantity (CTP04) and unit (CTP05-1: UN, ML, GR, F2, ME)."""

    ndc: str
    quantity: Decimal
    unit: str = "UN"


@dataclass(slots=True)
class LineAdjudication:
    """2430: how a prior payer adjudicated this line, carried verbatim for the next payer."""

    payer_id: str
    paid: Decimal
    procedure: Procedure
    units: Decimal
    adjudication_date: date
    adjustments: list[Adjustment] = field(default_factory=list)


@dataclass(slots=True)
class ServiceLine:
    """2400: one professional service (SV1) on a date of service."""

    procedure: Procedure
    charge: Decimal
    units: Decimal
    service_date: date
    diagnosis_pointers: tuple[int, ...] = (1,)
    unit_basis: str = "UN"
    place_of_service: str = ""
    service_end: date | None = None
    line_control_number: str = ""  # REF*6R, echoed in the 835
    drug: DrugIdentification | None = None
    adjudications: list[LineAdjudication] = field(default_factory=list)
    other: list[Segment] = field(default_factory=list)


@dataclass(slots=True)
class OtherPayer:
    """2320/2330A/2330B: another payer on the claim (coordination of benefits)."""

    responsibility: str  # SBR01 of the *other* payer (P when billing the secondary)
    payer: Payer
    subscriber: Person
    relationship: str = "18"
    group_number: str = ""
    filing_indicator: str = "CI"
    paid: Decimal | None = None  # AMT*D
    remaining_patient_liability: Decimal | None = None  # AMT*EAF
    adjustments: list[Adjustment] = field(default_factory=list)  # claim-level CAS
    benefits_assigned: str = "Y"  # OI03
    release: str = "Y"  # OI06
    adjudication_date: date | None = None  # DTP*573 in 2330B
    claim_control_number: str = ""  # 2330B REF*F8: this payer's claim number (its CLP07)
    # AMT*A8: only when the destination payer lets the provider bypass this payer (cost avoidance): then it
    # equals CLM02, and neither AMT*D nor CAS is sent, since this payer never adjudicated the claim (TR3).
    non_covered: Decimal | None = None
    # 2320 MOA (MOA01..MOA09) and, on the 837I only, MIA (MIA01..MIA24): this payer's claim-level
    # adjudication information (remark codes MA.., N.., amounts), element for element as its 835 sent them.
    outpatient_adjudication: tuple[str, ...] = ()
    inpatient_adjudication: tuple[str, ...] = ()


@dataclass(slots=True)
class ProfessionalClaim:
    """2300 with its lines, and the parties it is billed between."""

    patient_control_number: str
    charge: Decimal
    place_of_service: str
    diagnoses: list[str]
    lines: list[ServiceLine]
    billing_provider: Provider
    subscriber: Person
    payer: Payer
    coverage: Coverage = field(default_factory=Coverage)
    patient: Person | None = None  # None when the patient is the subscriber
    patient_relationship: str = ""  # PAT01 when a patient is given (01 spouse, 19 child, ...)
    frequency: str = "1"  # CLM05-3: 1 original, 7 replacement, 8 void
    provider_signature: str = "Y"
    assignment: str = "A"
    benefits_assigned: str = "Y"
    release_of_information: str = "Y"
    payer_claim_control_number: str = ""  # REF*F8 (required for 7/8)
    prior_authorization: str = ""  # REF*G1
    referral_number: str = ""  # REF*9F
    rendering_provider: Provider | None = None  # 2310B
    service_facility: Provider | None = None  # 2310C
    other_payers: list[OtherPayer] = field(default_factory=list)
    other: list[Segment] = field(default_factory=list)


@dataclass(slots=True)
class ProfessionalClaims:
    """One 837P transaction: who sends it to whom, and the claims."""

    submitter_name: str
    submitter_id: str
    contact_name: str
    contact_phone: str
    receiver_name: str
    receiver_id: str
    claims: list[ProfessionalClaim]
    reference: str = "0001"  # BHT03
    created: datetime = field(default_factory=lambda: datetime(2026, 1, 1, 12, 0))
    purpose: str = "00"  # BHT02: 00 original, 18 reissue
    transaction_type: str = "CH"  # BHT06: CH chargeable, RP reporting


# -- writing ----------------------------------------------------------------------------------


def _line_segments(n: int, line: ServiceLine, comp: str) -> list[Segment]:
    out = [segment("LX", n)]
    pointers = comp.join(str(p) for p in line.diagnosis_pointers)
    out.append(
        segment(
            "SV1", line.procedure.format(comp), fmt_amount(line.charge), line.unit_basis, fmt_quantity(line.units),
            line.place_of_service, "", pointers,
        )
    )  # fmt: skip
    if line.service_end and line.service_end != line.service_date:
        out.append(segment("DTP", "472", "RD8", f"{fmt_date(line.service_date)}-{fmt_date(line.service_end)}"))
    else:
        out.append(segment("DTP", "472", "D8", fmt_date(line.service_date)))
    if line.line_control_number:
        out.append(segment("REF", "6R", line.line_control_number))
    out.extend(line.other)
    if line.drug is not None:
        out.append(segment("LIN", "", "N4", line.drug.ndc))
        out.append(segment("CTP", "", "", "", fmt_quantity(line.drug.quantity), line.drug.unit))
    out.extend(line_adjudication_segments(line.adjudications, comp))
    return out


# -- coordination of benefits (2320/2330A/2330B and 2430), shared by the 837P and 837I ---------


def other_payer_segments(other_payers: list[OtherPayer], institutional: bool = False) -> list[Segment]:
    """2320 (SBR of the other payer, its claim-level CAS verbatim, AMT*D paid, AMT*A8 non-covered, AMT*EAF
    remaining patient liability, OI, on the 837I MIA, then MOA), 2330A (its subscriber) and 2330B (the payer,
    DTP*573 its adjudication date, REF*F8 its claim number). The guides order the AMTs D, A8, EAF (837P)
    and D, EAF, A8 (837I); the 837P has no MIA, so an inpatient adjudication is never written on it."""
    out: list[Segment] = []
    for op in other_payers:
        out.append(segment("SBR", op.responsibility, op.relationship, op.group_number, "", "", "", "", "",
                        op.filing_indicator))  # fmt: skip
        out.extend(cas_segments(op.adjustments))
        amounts = [("D", op.paid), ("A8", op.non_covered), ("EAF", op.remaining_patient_liability)]
        if institutional:
            amounts[1], amounts[2] = amounts[2], amounts[1]
        for qualifier, value in amounts:
            if value is not None:
                out.append(segment("AMT", qualifier, fmt_amount(value)))
        out.append(segment("OI", "", "", op.benefits_assigned, "", "", op.release))
        if institutional and op.inpatient_adjudication:
            out.append(segment("MIA", *op.inpatient_adjudication))
        if op.outpatient_adjudication:
            out.append(segment("MOA", *op.outpatient_adjudication))
        s = op.subscriber
        out += name_segments("IL", "1", s.last_name, s.first_name, "MI", s.member_id, s.address)
        out += name_segments("PR", "2", op.payer.name, "", "PI", op.payer.payer_id, op.payer.address)
        if op.adjudication_date:
            out.append(segment("DTP", "573", "D8", fmt_date(op.adjudication_date)))
        if op.claim_control_number:
            out.append(segment("REF", "F8", op.claim_control_number))
    return out


def line_adjudication_segments(adjudications: list[LineAdjudication], comp: str,
                               revenue_code: str = "") -> list[Segment]:
    """2430 per prior payer: SVD (payer, paid, procedure as it adjudicated it, SVD04 the revenue code on
    an 837I, units), the line's CAS verbatim and DTP*573."""
    out: list[Segment] = []
    for adj in adjudications:
        out.append(segment("SVD", adj.payer_id, fmt_amount(adj.paid), adj.procedure.format(comp), revenue_code,
                        fmt_quantity(adj.units)))  # fmt: skip
        out.extend(cas_segments(adj.adjustments))
        out.append(segment("DTP", "573", "D8", fmt_date(adj.adjudication_date)))
    return out


def _claim_segments(claim: ProfessionalClaim, comp: str) -> list[Segment]:
    out = [
        segment(
            "CLM", claim.patient_control_number, fmt_amount(claim.charge), "", "",
            comp.join((claim.place_of_service, "B", claim.frequency)), claim.provider_signature, claim.assignment,
            claim.benefits_assigned, claim.release_of_information,
        )
    ]  # fmt: skip
    for qual, value in (("F8", claim.payer_claim_control_number), ("9F", claim.referral_number),
                        ("G1", claim.prior_authorization)):  # fmt: skip
        if value:
            out.append(segment("REF", qual, value))
    out.extend(claim.other)
    if claim.diagnoses:
        hi = ["HI"]
        for n, code in enumerate(claim.diagnoses[:12]):
            hi.append(comp.join(("ABK" if n == 0 else "ABF", code.replace(".", ""))))
        out.append(segment(*hi))
    if claim.rendering_provider is not None:
        r = claim.rendering_provider
        out += name_segments("82", r.entity, r.name, r.first_name, "XX", r.npi, None)
        if r.taxonomy:
            out.append(segment("PRV", "PE", "PXC", r.taxonomy))
    if claim.service_facility is not None:
        f = claim.service_facility
        out += name_segments("77", "2", f.name, "", "XX", f.npi, f.address)
    out.extend(other_payer_segments(claim.other_payers))
    for n, line in enumerate(claim.lines, 1):
        out.extend(_line_segments(n, line, comp))
    return out


def professional_claim_segments(
    doc: ProfessionalClaims, delimiters: Delimiters = DEFAULT_DELIMITERS
) -> list[Segment]:
    """Body segments (between ST and SE) of an 837P, HL hierarchy numbered here."""
    return hierarchy_segments(doc, _claim_segments, delimiters.component, professional=True)


def hierarchy_segments(doc, claim_segments, comp: str, professional: bool) -> list[Segment]:
    """Header and HL hierarchy shared by 837P and 837I; *claim_segments* writes one 2300."""
    out = [segment("BHT", "0019", doc.purpose, doc.reference, doc.created.strftime("%Y%m%d"),
                doc.created.strftime("%H%M"), doc.transaction_type)]  # fmt: skip
    out.append(segment("NM1", "41", "2", doc.submitter_name, "", "", "", "", "46", doc.submitter_id))
    out.append(segment("PER", "IC", doc.contact_name, "TE", doc.contact_phone))
    out.append(segment("NM1", "40", "2", doc.receiver_name, "", "", "", "", "46", doc.receiver_id))
    # Group claims: billing provider > (subscriber, payer, coverage) > patient.
    by_provider: dict[str, dict] = {}
    providers: dict[str, Provider] = {}
    for claim in doc.claims:
        bp = claim.billing_provider
        providers.setdefault(bp.npi, bp)
        key = (claim.subscriber.member_id, claim.payer.payer_id, claim.coverage.responsibility)
        subs = by_provider.setdefault(bp.npi, {})
        subs.setdefault(key, []).append(claim)
    hl = 0
    for npi, subs in by_provider.items():
        bp = providers[npi]
        hl += 1
        provider_hl = hl
        out.append(segment("HL", provider_hl, "", "20", "1"))
        if bp.taxonomy:
            out.append(segment("PRV", "BI", "PXC", bp.taxonomy))
        out += name_segments("85", bp.entity, bp.name, bp.first_name, "XX", bp.npi, bp.address)
        out.append(segment("REF", "EI", bp.tax_id))
        for claims in subs.values():
            first = claims[0]
            own = [c for c in claims if c.patient is None]
            dependents: dict[str, list[ProfessionalClaim]] = {}
            for c in claims:
                if c.patient is not None:
                    dependents.setdefault(c.patient.last_name + "|" + c.patient.first_name, []).append(c)
            hl += 1
            subscriber_hl = hl
            cov = first.coverage
            out.append(segment("HL", subscriber_hl, provider_hl, "22", "1" if dependents else "0"))
            out.append(
                segment("SBR", cov.responsibility, "18" if own and not dependents else "", cov.group_number, "", "", "",
                     "", "", cov.filing_indicator)
            )  # fmt: skip
            s = first.subscriber
            out += name_segments("IL", "1", s.last_name, s.first_name, "MI", s.member_id, s.address)
            if s.birth_date and (professional or own):
                out.append(segment("DMG", "D8", fmt_date(s.birth_date), s.gender))
            p = first.payer
            out += name_segments("PR", "2", p.name, "", "PI", p.payer_id, p.address)
            for c in own:
                out.extend(claim_segments(c, comp))
            for group in dependents.values():
                hl += 1
                pt = group[0].patient
                out.append(segment("HL", hl, subscriber_hl, "23", "0"))
                out.append(segment("PAT", group[0].patient_relationship or "19"))
                out += name_segments("QC", "1", pt.last_name, pt.first_name, "", "", pt.address)
                out.append(segment("DMG", "D8", fmt_date(pt.birth_date), pt.gender))
                for c in group:
                    out.extend(claim_segments(c, comp))
    return out


def build_837p(doc: ProfessionalClaims, control_number: int | str = 1) -> Transaction:
    from oncobill.x12.writer import build_transaction

    return build_transaction(SPEC_837P, control_number, professional_claim_segments(doc))


def write_837p(
    doc: ProfessionalClaims,
    *,
    control_number: int = 1,
    when: datetime | None = None,
    sender_id: str | None = None,
    receiver_id: str | None = None,
) -> str:
    """A complete 837P interchange as text: ISA/GS/ST..SE/GE/IEA, every count computed."""
    from oncobill.x12.reader import gc_paused
    from oncobill.x12.writer import build_interchange, write

    with gc_paused():  # building millions of segments: keep the collector out (see reader.gc_paused)
        txn = build_837p(doc, control_number)
    ic = build_interchange(
        [(SPEC_837P, [txn])],
        sender_id=sender_id or doc.submitter_id,
        receiver_id=receiver_id or doc.receiver_id,
        control_number=control_number,
        when=when or doc.created,
    )
    return write(ic)


# -- reading ----------------------------------------------------------------------------------


def read_other_payer(lp: Loop) -> OtherPayer:
    """One 2320 loop with its 2330A/2330B (837P and 837I alike)."""
    sbr = lp.segments[0]
    sub = lp.child("2330A")
    pay = lp.child("2330B")
    amt_d, amt_eaf, amt_a8 = lp.segment("AMT", "D"), lp.segment("AMT", "EAF"), lp.segment("AMT", "A8")
    oi, moa, mia = lp.segment("OI"), lp.segment("MOA"), lp.segment("MIA")
    op = OtherPayer(
        sbr.get(1),
        read_payer(pay) if pay else Payer("", ""),
        read_person(sub) if sub else Person("", ""),
        sbr.get(2),
        sbr.get(3),
        sbr.get(9),
        amount(amt_d[2], amt_d, "AMT02") if amt_d else None,
        amount(amt_eaf[2], amt_eaf, "AMT02") if amt_eaf else None,
        benefits_assigned=oi.get(3) if oi else "",
        release=oi.get(6) if oi else "",
        non_covered=amount(amt_a8[2], amt_a8, "AMT02") if amt_a8 else None,
        outpatient_adjudication=tuple(moa[1:]) if moa is not None else (),
        inpatient_adjudication=tuple(mia[1:]) if mia is not None else (),
    )
    for seg in lp.all("CAS"):
        read_cas(seg, op.adjustments)
    if pay is not None:
        d = pay.segment("DTP", "573")
        if d is not None:
            op.adjudication_date = parse_date(d.get(3), d, "DTP03")
        f8 = pay.segment("REF", "F8")
        if f8 is not None:
            op.claim_control_number = f8.get(2)
    return op


def read_line_adjudication(lp: Loop, comp: str) -> LineAdjudication:
    """One 2430 loop (837P and 837I alike)."""
    svd = lp.segments[0]
    adj = LineAdjudication(
        svd.get(1),
        amount(svd.get(2), svd, "SVD02"),
        Procedure.parse(svd.get(3), comp),
        quantity(svd.get(5), svd, "SVD05") or Decimal(0),
        parse_date((lp.segment("DTP", "573") or ["", "", "", ""])[3], svd, "DTP03"),
    )
    for seg in lp.all("CAS"):
        read_cas(seg, adj.adjustments)
    return adj


def _read_line(loop: Loop, comp: str) -> ServiceLine:
    # One pass over the line's segments (hot path: one call per service line).
    sv1 = dtp = None
    control = None
    other: list[Segment] = []
    for seg in loop.segments:
        sid = seg[0]
        if sid == "SV1":
            if sv1 is None:
                sv1 = seg
        elif sid == "DTP":
            if len(seg) > 1 and seg[1] == "472":
                if dtp is None:
                    dtp = seg
            else:
                other.append(seg)
        elif sid == "REF" and len(seg) > 1 and seg[1] == "6R":
            control = seg[2] if len(seg) > 2 else ""
        elif sid != "LX":
            other.append(seg)
    start = end = None
    if dtp is not None:
        if dtp.get(2) == "RD8":
            a, _, b = dtp.get(3).partition("-")
            start, end = parse_date(a, dtp, "DTP03"), parse_date(b, dtp, "DTP03")
        else:
            start = parse_date(dtp.get(3), dtp, "DTP03")
    n = len(sv1)
    pointers = tuple(int(p) for p in sv1[7].split(comp) if p.isdigit()) if n > 7 else ()
    line = ServiceLine(
        Procedure.parse(sv1[1], comp),
        amount(sv1[2] if n > 2 else "", sv1, "SV102"),
        quantity(sv1[4], sv1, "SV104") or Decimal(0) if n > 4 else Decimal(0),
        start,
        pointers,
        sv1[3] if n > 3 else "",
        sv1[5] if n > 5 else "",
        end,
    )
    if control is not None:
        line.line_control_number = control
    line.other = other
    for lp in loop.loops:
        if lp.spec.id == "2410":
            ctp = lp.segment("CTP")
            line.drug = DrugIdentification(
                lp.segments[0].get(3),
                quantity(ctp.get(4), ctp, "CTP04") if ctp else Decimal(0),
                ctp.get(5).split(comp)[0] if ctp else "",
            )
        elif lp.spec.id == "2430":
            line.adjudications.append(read_line_adjudication(lp, comp))
    return line


def _read_claim(loop: Loop, comp: str, base: dict) -> ProfessionalClaim:
    clm = loop.segments[0]
    facility = clm.get(5).split(comp)
    diagnoses: list[str] = []
    for hi in loop.all("HI"):
        for el in hi[1:]:
            if el:
                diagnoses.append(el.split(comp)[1] if comp in el else el)
    claim = ProfessionalClaim(
        clm.get(1),
        amount(clm.get(2), clm, "CLM02"),
        facility[0],
        diagnoses,
        [],
        frequency=facility[2] if len(facility) > 2 else "",
        provider_signature=clm.get(6),
        assignment=clm.get(7),
        benefits_assigned=clm.get(8),
        release_of_information=clm.get(9),
        **base,
    )
    for seg in loop.segments[1:]:
        sid = seg[0]
        if sid == "REF" and seg.get(1) in ("F8", "9F", "G1"):
            value = seg.get(2)
            if seg[1] == "F8":
                claim.payer_claim_control_number = value
            elif seg[1] == "9F":
                claim.referral_number = value
            else:
                claim.prior_authorization = value
        elif sid != "HI":
            claim.other.append(seg)
    for lp in loop.loops:
        lid = lp.spec.id
        if lid == "2400":
            claim.lines.append(_read_line(lp, comp))
        elif lid == "2310B":
            claim.rendering_provider = read_provider(lp)
            prv = lp.segment("PRV")
            if prv is not None:
                claim.rendering_provider.taxonomy = prv.get(3)
        elif lid == "2310C":
            claim.service_facility = read_provider(lp)
        elif lid == "2320":
            claim.other_payers.append(read_other_payer(lp))
    return claim


def read_837p(txn: Transaction) -> ProfessionalClaims:
    """The typed view of one 837 professional transaction."""
    comp = txn.delimiters.component
    body = txn.body
    bht = body.segment("BHT")
    sub = body.child("1000A")
    rec = body.child("1000B")
    per = sub.segment("PER") if sub else None
    created = datetime(2000, 1, 1)
    if bht is not None and bht.get(4):
        d = parse_date(bht.get(4), bht, "BHT04")
        t = bht.get(5)[:4].ljust(4, "0")
        created = datetime(d.year, d.month, d.day, int(t[:2]) % 24, int(t[2:]) % 60)
    doc = ProfessionalClaims(
        sub.segments[0].get(3) if sub else "",
        sub.segments[0].get(9) if sub else "",
        per.get(2) if per else "",
        per.get(4) if per else "",
        rec.segments[0].get(3) if rec else "",
        rec.segments[0].get(9) if rec else "",
        [],
        bht.get(3) if bht else "",
        created,
        bht.get(2) if bht else "",
        bht.get(6) if bht else "",
    )
    for a in body.children("2000A"):
        bp_loop = a.child("2010AA")
        bp = read_provider(bp_loop) if bp_loop else Provider("", "")
        prv = a.segment("PRV")
        if prv is not None:
            bp.taxonomy = prv.get(3)
        for b in a.children("2000B"):
            sbr = b.segment("SBR")
            coverage = Coverage(sbr.get(1), sbr.get(2), sbr.get(3), sbr.get(9))
            subscriber = read_person(b.child("2010BA"))
            payer = read_payer(b.child("2010BB"))
            base = {"billing_provider": bp, "subscriber": subscriber, "payer": payer, "coverage": coverage}
            for claim_loop in b.children("2300"):
                doc.claims.append(_read_claim(claim_loop, comp, base))
            for c in b.children("2000C"):
                pat = c.segment("PAT")
                patient = read_person(c.child("2010CA"))
                for claim_loop in c.children("2300"):
                    claim = _read_claim(claim_loop, comp, base)
                    claim.patient = patient
                    claim.patient_relationship = pat.get(1) if pat else ""
                    doc.claims.append(claim)
    return doc


def professional_claims(doc) -> list[ProfessionalClaims]:
    from oncobill.x12.reader import gc_paused

    with gc_paused():
        return [
            read_837p(t)
            for t in doc.transactions()
            if t.code == "837" and t.spec.version.startswith("005010X222")
        ]
