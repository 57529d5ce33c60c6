"""Acknowledgments as typed objects, both directions: the 999 (was each transaction set
accepted?) and the 277CA (was each claim accepted into adjudication?)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from oncobill.x12.model import Transaction
from oncobill.x12.segments import ClaimStatus, read_statuses, segment, status_segment
from oncobill.x12.specs.x277ca import SPEC as SPEC_277CA
from oncobill.x12.specs.x999 import SPEC as SPEC_999
from oncobill.x12.tokenizer import Segment
from oncobill.x12.values import fmt_amount, fmt_date, optional_amount, parse_date

# -- 999 --------------------------------------------------------------------------------------


@dataclass(slots=True)
class ElementError:
    """IK4: which element (position, component) was wrong, the IK403 code and the bad value."""

    position: int
    code: str
    component: int | None = None
    reference_number: str = ""
    bad_value: str = ""


@dataclass(slots=True)
class SegmentError:
    """IK3: the segment ID, its position in the set (ST = 1), its loop and the IK304 code."""

    segment_id: str
    position_in_set: int
    code: str
    loop_id: str = ""
    elements: list[ElementError] = field(default_factory=list)


@dataclass(slots=True)
class SetResponse:
    """AK2..IK5: one transaction set's verdict (A accepted, E with errors, R rejected)."""

    set_code: str
    control_number: str
    status: str
    version: str = ""
    segment_errors: list[SegmentError] = field(default_factory=list)
    set_errors: list[str] = field(default_factory=list)  # IK502..IK506


@dataclass(slots=True)
class ImplementationAck:
    """A 999 for one functional group (AK1..AK9)."""

    group_code: str
    group_control_number: str
    version: str
    status: str  # AK901: A, E, P (partially accepted), R
    sets_included: int
    sets_received: int
    sets_accepted: int
    responses: list[SetResponse] = field(default_factory=list)
    group_errors: list[str] = field(default_factory=list)


def ack_999_segments(ack: ImplementationAck, comp: str = ":") -> list[Segment]:
    out = [segment("AK1", ack.group_code, ack.group_control_number, ack.version)]
    for resp in ack.responses:
        out.append(segment("AK2", resp.set_code, resp.control_number, resp.version))
        for err in resp.segment_errors:
            out.append(segment("IK3", err.segment_id, err.position_in_set, err.loop_id, err.code))
            for el in err.elements:
                pos = str(el.position) + (comp + str(el.component) if el.component else "")
                out.append(segment("IK4", pos, el.reference_number, el.code, el.bad_value[:99]))
        out.append(segment("IK5", resp.status, *resp.set_errors[:5]))
    out.append(
        segment(
            "AK9", ack.status, ack.sets_included, ack.sets_received, ack.sets_accepted, *ack.group_errors[:5]
        )
    )
    return out


def build_999(ack: ImplementationAck, control_number: int | str = 1) -> Transaction:
    from oncobill.x12.writer import build_transaction

    return build_transaction(SPEC_999, control_number, ack_999_segments(ack))


def read_999(txn: Transaction) -> ImplementationAck:
    comp = txn.delimiters.component
    body = txn.body
    ak1 = body.segment("AK1")
    ak9 = body.segment("AK9")
    ack = ImplementationAck(
        ak1.get(1), ak1.get(2), ak1.get(3), ak9.get(1), int(ak9.get(2) or 0), int(ak9.get(3) or 0),
        int(ak9.get(4) or 0), group_errors=[e for e in ak9[5:] if e],
    )  # fmt: skip
    for lp in body.children("2000"):
        ak2 = lp.segment("AK2")
        ik5 = lp.segment("IK5")
        resp = SetResponse(ak2.get(1), ak2.get(2), ik5.get(1) if ik5 else "", ak2.get(3),
                           set_errors=[e for e in (ik5[2:] if ik5 else []) if e])  # fmt: skip
        for err_loop in lp.children("2100"):
            ik3 = err_loop.segments[0]
            err = SegmentError(ik3.get(1), int(ik3.get(2) or 0), ik3.get(4), ik3.get(3))
            for el_loop in err_loop.children("2110"):
                ik4 = el_loop.segments[0]
                pos, _, component = ik4.get(1).partition(comp)
                err.elements.append(
                    ElementError(int(pos or 0), ik4.get(3), int(component) if component else None, ik4.get(2),
                                 ik4.get(4))
                )  # fmt: skip
            resp.segment_errors.append(err)
        ack.responses.append(resp)
    return ack


# -- 277CA ------------------------------------------------------------------------------------


@dataclass(slots=True)
class ClaimAcknowledgment:
    """2000D/2200D: one claim's front-end verdict; the trace is the claim's CLM01."""

    patient_last_name: str
    patient_first_name: str
    patient_id: str
    patient_control_number: str  # TRN02
    statuses: list[ClaimStatus]
    service_start: date
    service_end: date | None = None
    payer_claim_control_number: str = ""  # REF*1K
    billing_type: str = ""  # REF*BLT (837I)


@dataclass(slots=True)
class ProviderAcknowledgment:
    """2000C: the billing provider, its own status (2200C) and its claims."""

    name: str
    npi: str
    trace: str
    statuses: list[ClaimStatus]
    claims: list[ClaimAcknowledgment] = field(default_factory=list)
    accepted_count: int | None = None  # QTY*QA
    rejected_count: int | None = None  # QTY*QC
    accepted_amount: Decimal | None = None  # AMT*YU
    rejected_amount: Decimal | None = None  # AMT*YY


@dataclass(slots=True)
class ClaimAcknowledgmentReport:
    """One 277CA transaction (005010X214)."""

    payer_name: str
    payer_id: str
    receiver_name: str
    receiver_id: str
    batch_trace: str  # 2200A TRN02: the 837's BHT03 or ST02 it answers
    received: date
    processed: date
    receiver_trace: str
    receiver_statuses: list[ClaimStatus]
    providers: list[ProviderAcknowledgment] = field(default_factory=list)
    reference: str = "1"  # BHT03
    created: datetime = field(default_factory=lambda: datetime(2026, 1, 1, 12, 0))


def ack_277ca_segments(rep: ClaimAcknowledgmentReport, comp: str = ":") -> list[Segment]:
    out = [
        segment(
            "BHT",
            "0085",
            "08",
            rep.reference,
            rep.created.strftime("%Y%m%d"),
            rep.created.strftime("%H%M"),
            "TH",
        )
    ]
    out.append(segment("HL", 1, "", "20", "1"))
    out.append(segment("NM1", "PR", "2", rep.payer_name, "", "", "", "", "PI", rep.payer_id))
    out.append(segment("TRN", "1", rep.batch_trace))
    out.append(segment("DTP", "050", "D8", fmt_date(rep.received)))
    out.append(segment("DTP", "009", "D8", fmt_date(rep.processed)))
    out.append(segment("HL", 2, 1, "21", "1" if rep.providers else "0"))
    out.append(segment("NM1", "41", "2", rep.receiver_name, "", "", "", "", "46", rep.receiver_id))
    out.append(segment("TRN", "2", rep.receiver_trace))
    out.extend(status_segment(s, comp) for s in rep.receiver_statuses)
    hl = 2
    for prov in rep.providers:
        hl += 1
        parent = hl
        out.append(segment("HL", hl, 2, "19", "1" if prov.claims else "0"))
        out.append(segment("NM1", "85", "2", prov.name, "", "", "", "", "XX", prov.npi))
        out.append(segment("TRN", "1", prov.trace))
        out.extend(status_segment(s, comp, dated=False) for s in prov.statuses)
        if prov.accepted_count is not None:
            out.append(segment("QTY", "QA", prov.accepted_count))
        if prov.rejected_count is not None:
            out.append(segment("QTY", "QC", prov.rejected_count))
        if prov.accepted_amount is not None:
            out.append(segment("AMT", "YU", fmt_amount(prov.accepted_amount)))
        if prov.rejected_amount is not None:
            out.append(segment("AMT", "YY", fmt_amount(prov.rejected_amount)))
        for claim in prov.claims:
            hl += 1
            out.append(segment("HL", hl, parent, "PT"))
            out.append(segment("NM1", "QC", "1", claim.patient_last_name, claim.patient_first_name, "", "", "", "MI",
                            claim.patient_id))  # fmt: skip
            out.append(segment("TRN", "2", claim.patient_control_number))
            out.extend(status_segment(s, comp) for s in claim.statuses)
            if claim.payer_claim_control_number:
                out.append(segment("REF", "1K", claim.payer_claim_control_number))
            if claim.billing_type:
                out.append(segment("REF", "BLT", claim.billing_type))
            if claim.service_end and claim.service_end != claim.service_start:
                out.append(
                    segment(
                        "DTP", "472", "RD8", f"{fmt_date(claim.service_start)}-{fmt_date(claim.service_end)}"
                    )
                )
            else:
                out.append(segment("DTP", "472", "D8", fmt_date(claim.service_start)))
    return out


def build_277ca(rep: ClaimAcknowledgmentReport, control_number: int | str = 1) -> Transaction:
    from oncobill.x12.writer import build_transaction

    return build_transaction(SPEC_277CA, control_number, ack_277ca_segments(rep))


def read_277ca(txn: Transaction) -> ClaimAcknowledgmentReport:
    comp = txn.delimiters.component
    body = txn.body
    a = body.child("2000A")
    src = a.child("2100A").segments[0]
    trace = a.child("2200A")
    b = a.child("2000B")
    recv = b.child("2100B").segments[0]
    rtrace = b.child("2200B")

    def dtp(loop, qual):
        d = loop.segment("DTP", qual)
        return parse_date(d.get(3), d, "DTP03") if d is not None else None

    rep = ClaimAcknowledgmentReport(
        src.get(3), src.get(9), recv.get(3), recv.get(9), trace.segments[0].get(2), dtp(trace, "050"),
        dtp(trace, "009"), rtrace.segments[0].get(2), read_statuses(rtrace, comp),
    )  # fmt: skip
    bht = body.segment("BHT")
    rep.reference = bht.get(3)
    for c in b.children("2000C"):
        nm1 = c.child("2100C").segments[0]
        ptrace = c.child("2200C")
        prov = ProviderAcknowledgment(nm1.get(3), nm1.get(9), ptrace.segments[0].get(2) if ptrace else "",
                                      read_statuses(ptrace, comp) if ptrace else [])  # fmt: skip
        if ptrace is not None:
            for qual, attr in (("QA", "accepted_count"), ("QC", "rejected_count")):
                q = ptrace.segment("QTY", qual)
                if q is not None:
                    setattr(prov, attr, int(q.get(2) or 0))
            for qual, attr in (("YU", "accepted_amount"), ("YY", "rejected_amount")):
                m = ptrace.segment("AMT", qual)
                if m is not None:
                    setattr(prov, attr, optional_amount(m.get(2), m, "AMT02"))
        for d in c.children("2000D"):
            pn = d.child("2100D").segments[0]
            for cl in d.children("2200D"):
                when = cl.segment("DTP", "472")
                start = end = None
                if when is not None:
                    x, _, y = when.get(3).partition("-")
                    start, end = parse_date(x, when, "DTP03"), parse_date(y, when, "DTP03") if y else None
                ref = cl.segment("REF", "1K")
                blt = cl.segment("REF", "BLT")
                prov.claims.append(
                    ClaimAcknowledgment(pn.get(3), pn.get(4), pn.get(9), cl.segments[0].get(2), read_statuses(cl, comp),
                                        start, end, ref.get(2) if ref else "", blt.get(2) if blt else "")
                )  # fmt: skip
        rep.providers.append(prov)
    return rep
