"""835 remittance as typed objects: read from a parsed transaction, written back to segments.

Amounts are exact Decimal money. Sign convention (X12): a positive CAS or PLB amount
reduces the payment, a negative one increases it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from oncobill.x12.model import Loop, Transaction
from oncobill.x12.records import EMPTY, Record, lazy_lists
from oncobill.x12.segments import Adjustment, Procedure, cas_segments, read_cas, segment
from oncobill.x12.specs.x835 import SPEC
from oncobill.x12.tokenizer import DEFAULT_DELIMITERS, Delimiters, Segment, make_segment
from oncobill.x12.values import (
    AMOUNTS,
    DATES,
    QUANTITIES,
    amount,
    fmt_amount,
    fmt_date,
    fmt_quantity,
    parse_date,
    quantity,
)

ZERO = Decimal("0.00")
# Line segments whose qualifier (01) and value (02) the guide requires and service_from_segments reads.
_QUALIFIED = frozenset(("DTM", "REF", "AMT", "LQ"))


class ServicePayment(Record):
    """Loop 2110: one paid (or denied) service line."""

    __slots__ = (
        "procedure", "charge", "paid", "revenue_code", "units_paid", "submitted_procedure", "units_billed",
        "service_date", "service_start", "service_end", "adjustments", "line_control_number", "allowed",
        "remarks", "other",
    )  # fmt: skip
    _defaults = {
        "revenue_code": "", "units_paid": None, "submitted_procedure": None, "units_billed": None,
        "service_date": None, "service_start": None, "service_end": None, "line_control_number": "",
        "allowed": None,
    }  # fmt: skip
    _factories = {"adjustments": list, "remarks": list, "other": list}
    procedure: Procedure
    charge: Decimal
    paid: Decimal
    revenue_code: str
    units_paid: Decimal | None
    submitted_procedure: Procedure | None
    units_billed: Decimal | None
    service_date: date | None
    service_start: date | None
    service_end: date | None
    adjustments: list[Adjustment]
    line_control_number: str  # REF*6R, echoes the 837 line
    allowed: Decimal | None  # AMT*B6
    remarks: list[str]  # LQ*HE RARCs
    other: list[Segment]  # segments kept verbatim

    def __init__(
        self,
        procedure: Procedure,
        charge: Decimal,
        paid: Decimal,
        revenue_code: str = "",
        units_paid: Decimal | None = None,
        submitted_procedure: Procedure | None = None,
        units_billed: Decimal | None = None,
        service_date: date | None = None,
        service_start: date | None = None,
        service_end: date | None = None,
        adjustments: list[Adjustment] = EMPTY,
        line_control_number: str = "",
        allowed: Decimal | None = None,
        remarks: list[str] = EMPTY,
        other: list[Segment] = EMPTY,
    ) -> None:
        self.procedure = procedure
        self.charge = charge
        self.paid = paid
        self.revenue_code = revenue_code
        self.units_paid = units_paid
        self.submitted_procedure = submitted_procedure
        self.units_billed = units_billed
        self.service_date = service_date
        self.service_start = service_start
        self.service_end = service_end
        self.adjustments = [] if adjustments is EMPTY else adjustments
        self.line_control_number = line_control_number
        self.allowed = allowed
        self.remarks = [] if remarks is EMPTY else remarks
        self.other = [] if other is EMPTY else other

    __getattr__ = lazy_lists("adjustments", "remarks", "other")


class ClaimPayment(Record):
    """Loop 2100: the payer's decision on one claim (CLP)."""

    __slots__ = (
        "patient_control_number", "status", "charge", "paid", "patient_responsibility", "filing_indicator",
        "payer_claim_control_number", "facility_code", "frequency", "drg", "adjustments", "patient_last_name",
        "patient_first_name", "patient_id_qualifier", "patient_id", "statement_start", "statement_end",
        "received_date", "services", "other",
    )  # fmt: skip
    _defaults = {
        "patient_responsibility": None, "filing_indicator": "", "payer_claim_control_number": "",
        "facility_code": "", "frequency": "", "drg": "", "patient_last_name": "", "patient_first_name": "",
        "patient_id_qualifier": "", "patient_id": "", "statement_start": None, "statement_end": None,
        "received_date": None,
    }  # fmt: skip
    _factories = {"adjustments": list, "services": list, "other": list}
    patient_control_number: str
    status: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    filing_indicator: str
    payer_claim_control_number: str
    facility_code: str
    frequency: str
    drg: str
    adjustments: list[Adjustment]
    patient_last_name: str
    patient_first_name: str
    patient_id_qualifier: str
    patient_id: str
    statement_start: date | None
    statement_end: date | None
    received_date: date | None
    services: list[ServicePayment]
    other: list[Segment]

    def __init__(
        self,
        patient_control_number: str,
        status: str,
        charge: Decimal,
        paid: Decimal,
        patient_responsibility: Decimal | None = None,
        filing_indicator: str = "",
        payer_claim_control_number: str = "",
        facility_code: str = "",
        frequency: str = "",
        drg: str = "",
        adjustments: list[Adjustment] = EMPTY,
        patient_last_name: str = "",
        patient_first_name: str = "",
        patient_id_qualifier: str = "",
        patient_id: str = "",
        statement_start: date | None = None,
        statement_end: date | None = None,
        received_date: date | None = None,
        services: list[ServicePayment] = EMPTY,
        other: list[Segment] = EMPTY,
    ) -> None:
        self.patient_control_number = patient_control_number
        self.status = status
        self.charge = charge
        self.paid = paid
        self.patient_responsibility = patient_responsibility
        self.filing_indicator = filing_indicator
        self.payer_claim_control_number = payer_claim_control_number
        self.facility_code = facility_code
        self.frequency = frequency
        self.drg = drg
        self.adjustments = [] if adjustments is EMPTY else adjustments
        self.patient_last_name = patient_last_name
        self.patient_first_name = patient_first_name
        self.patient_id_qualifier = patient_id_qualifier
        self.patient_id = patient_id
        self.statement_start = statement_start
        self.statement_end = statement_end
        self.received_date = received_date
        self.services = [] if services is EMPTY else services
        self.other = [] if other is EMPTY else other

    __getattr__ = lazy_lists("adjustments", "services", "other")

    @property
    def is_reversal(self) -> bool:
        return self.status == "22"


class ProviderAdjustment(Record):
    """One PLB reason/amount pair (WO, 72, FB, L6, ...); positive takes money back."""

    __slots__ = ("provider_id", "fiscal_period_end", "reason", "reference", "amount")
    provider_id: str
    fiscal_period_end: date | None
    reason: str
    reference: str
    amount: Decimal

    def __init__(
        self, provider_id: str, fiscal_period_end: date | None, reason: str, reference: str, amount: Decimal
    ) -> None:
        self.provider_id = provider_id
        self.fiscal_period_end = fiscal_period_end
        self.reason = reason
        self.reference = reference
        self.amount = amount


class Remittance(Record):
    """One 835 transaction: the payment (BPR/TRN), the parties and the claims it pays."""

    __slots__ = (
        "payment_amount", "credit_debit", "handling", "payment_method", "payment_date", "trace_number",
        "originator_id", "payer_name", "payer_id", "payer_address", "payer_contact_phone", "payee_name",
        "payee_id_qualifier", "payee_id", "production_date", "claims", "provider_adjustments", "control_number",
        "bpr", "header_other",
    )  # fmt: skip
    _defaults = {
        "credit_debit": "C", "handling": "I", "payment_method": "ACH", "payment_date": None, "trace_number": "",
        "originator_id": "", "payer_name": "", "payer_id": "", "payer_address": ("", "", "", ""),
        "payer_contact_phone": "", "payee_name": "", "payee_id_qualifier": "XX", "payee_id": "",
        "production_date": None, "control_number": "", "bpr": None,
    }  # fmt: skip
    _factories = {"claims": list, "provider_adjustments": list, "header_other": list}
    _no_compare = frozenset(("control_number", "bpr"))  # envelope, not content
    payment_amount: Decimal
    credit_debit: str
    handling: str
    payment_method: str
    payment_date: date | None
    trace_number: str
    originator_id: str
    payer_name: str
    payer_id: str  # REF*2U or TRN03
    payer_address: tuple[str, str, str, str]
    payer_contact_phone: str
    payee_name: str
    payee_id_qualifier: str
    payee_id: str
    production_date: date | None
    claims: list[ClaimPayment]
    provider_adjustments: list[ProviderAdjustment]
    control_number: str  # ST02: envelope, not content
    bpr: Segment | None  # kept to write bank details back unchanged
    header_other: list[Segment]

    def __init__(
        self,
        payment_amount: Decimal,
        credit_debit: str = "C",
        handling: str = "I",
        payment_method: str = "ACH",
        payment_date: date | None = None,
        trace_number: str = "",
        originator_id: str = "",
        payer_name: str = "",
        payer_id: str = "",
        payer_address: tuple[str, str, str, str] = ("", "", "", ""),
        payer_contact_phone: str = "",
        payee_name: str = "",
        payee_id_qualifier: str = "XX",
        payee_id: str = "",
        production_date: date | None = None,
        claims: list[ClaimPayment] = EMPTY,
        provider_adjustments: list[ProviderAdjustment] = EMPTY,
        control_number: str = "",
        bpr: Segment | None = None,
        header_other: list[Segment] = EMPTY,
    ) -> None:
        self.payment_amount = payment_amount
        self.credit_debit = credit_debit
        self.handling = handling
        self.payment_method = payment_method
        self.payment_date = payment_date
        self.trace_number = trace_number
        self.originator_id = originator_id
        self.payer_name = payer_name
        self.payer_id = payer_id
        self.payer_address = payer_address
        self.payer_contact_phone = payer_contact_phone
        self.payee_name = payee_name
        self.payee_id_qualifier = payee_id_qualifier
        self.payee_id = payee_id
        self.production_date = production_date
        self.claims = [] if claims is EMPTY else claims
        self.provider_adjustments = [] if provider_adjustments is EMPTY else provider_adjustments
        self.control_number = control_number
        self.bpr = bpr
        self.header_other = [] if header_other is EMPTY else header_other

    def total_paid(self) -> Decimal:
        return sum((c.paid for c in self.claims), ZERO)


# -- writing ----------------------------------------------------------------------------------


def remittance_segments(remit: Remittance, delimiters: Delimiters = DEFAULT_DELIMITERS) -> list[Segment]:
    """Body segments (between ST and SE) of an 835 for *remit*."""
    comp = delimiters.component
    if remit.bpr is not None:
        bpr = list(remit.bpr)
        bpr[2] = fmt_amount(remit.payment_amount)
        out = [make_segment(bpr)]
    else:
        out = [
            segment(
                "BPR", remit.handling, fmt_amount(remit.payment_amount), remit.credit_debit, remit.payment_method,
                "", "", "", "", "", "", "", "", "", "", "", fmt_date(remit.payment_date),
            )
        ]  # fmt: skip
    out.append(segment("TRN", "1", remit.trace_number, remit.originator_id))
    out.extend(s for s in remit.header_other if s[0] in ("CUR", "REF"))
    if remit.production_date:
        out.append(segment("DTM", "405", fmt_date(remit.production_date)))
    out.append(segment("N1", "PR", remit.payer_name))
    street, city, state, zip_code = remit.payer_address
    out.append(segment("N3", street))
    out.append(segment("N4", city, state, zip_code))
    if remit.payer_id:
        out.append(segment("REF", "2U", remit.payer_id))
    if remit.payer_contact_phone:
        out.append(segment("PER", "BL", "PROVIDER SERVICES", "TE", remit.payer_contact_phone))
    out.append(segment("N1", "PE", remit.payee_name, remit.payee_id_qualifier, remit.payee_id))
    if remit.claims:
        out.append(segment("LX", "1"))
    for claim in remit.claims:
        out.extend(claim_payment_segments(claim, comp))
    out.extend(_plb_segments(remit.provider_adjustments, comp))
    return out


def claim_payment_segments(claim: ClaimPayment, comp: str = ":") -> list[Segment]:
    out = [
        segment(
            "CLP", claim.patient_control_number, claim.status, fmt_amount(claim.charge), fmt_amount(claim.paid),
            fmt_amount(claim.patient_responsibility), claim.filing_indicator, claim.payer_claim_control_number,
            claim.facility_code, claim.frequency, "", claim.drg,
        )
    ]  # fmt: skip
    out.extend(cas_segments(claim.adjustments))
    has_qc = any(s[0] == "NM1" and s[1] == "QC" for s in claim.other)
    if not has_qc:
        out.append(
            segment(
                "NM1", "QC", "1", claim.patient_last_name, claim.patient_first_name, "", "", "",
                claim.patient_id_qualifier, claim.patient_id,
            )
        )  # fmt: skip
    out.extend(claim.other)
    dates = ("232", claim.statement_start), ("233", claim.statement_end), ("050", claim.received_date)
    out += _dtm_segments(*dates)
    for line in claim.services:
        out.extend(service_payment_segments(line, comp))
    return out


def service_payment_segments(line: ServicePayment, comp: str = ":") -> list[Segment]:
    out = [
        segment(
            "SVC", line.procedure.format(comp), fmt_amount(line.charge), fmt_amount(line.paid), line.revenue_code,
            fmt_quantity(line.units_paid), line.submitted_procedure.format(comp) if line.submitted_procedure else "",
            fmt_quantity(line.units_billed),
        )
    ]  # fmt: skip
    out += _dtm_segments(("472", line.service_date), ("150", line.service_start), ("151", line.service_end))
    out.extend(cas_segments(line.adjustments))
    if line.line_control_number:
        out.append(segment("REF", "6R", line.line_control_number))
    out.extend(s for s in line.other if s[0] == "REF")
    if line.allowed is not None:
        out.append(segment("AMT", "B6", fmt_amount(line.allowed)))
    out.extend(s for s in line.other if s[0] in ("AMT", "QTY"))
    for rarc in line.remarks:
        out.append(segment("LQ", "HE", rarc))
    return out


def _dtm_segments(*dates: tuple[str, date | None]) -> list[Segment]:
    """A DTM for each (qualifier, date) whose date is given, in that order."""
    return [segment("DTM", qualifier, fmt_date(day)) for qualifier, day in dates if day]


def _plb_segments(adjustments: list[ProviderAdjustment], comp: str) -> list[Segment]:
    out: list[Segment] = []
    by_provider: dict[tuple, list[ProviderAdjustment]] = {}
    for adj in adjustments:
        by_provider.setdefault((adj.provider_id, adj.fiscal_period_end), []).append(adj)
    for (provider, period), adjs in by_provider.items():
        for start in range(0, len(adjs), 6):
            elements = ["PLB", provider, fmt_date(period)]
            for adj in adjs[start : start + 6]:
                ident = adj.reason + (comp + adj.reference if adj.reference else "")
                elements += [ident, fmt_amount(adj.amount)]
            out.append(segment(*elements))
    return out


def build_remittance(remit: Remittance, control_number: int | str = 1) -> Transaction:
    """An 835 transaction for *remit* (SE computed when written)."""
    from oncobill.x12.writer import build_transaction

    return build_transaction(SPEC, control_number, remittance_segments(remit))


# -- reading ----------------------------------------------------------------------------------


def _too_short(seg, needed: str) -> None:
    from oncobill.x12.errors import X12Error

    raise X12Error(
        f"{seg[0]} must carry {needed}",
        position=getattr(seg, "position", None),
        segment_number=getattr(seg, "number", None),
        segment_id=seg[0],
        element=f"{seg[0]}{len(seg):02d}",
    )


_new = object.__new__


def read_service(loop: Loop, comp: str) -> ServicePayment:
    """The typed view of one 2110 service payment loop."""
    return service_from_segments(loop.segments, comp)


def service_from_segments(segs: list, comp: str) -> ServicePayment:
    """A service payment from its 2110 segments (SVC first; Segments or plain lists)."""
    # Hot path (one call per service line): cached conversions inline, the helpers (which
    # name the element in their errors) only on a cache miss or an unusual segment. Empty
    # list fields are left unset (see records.lazy_lists). What goes to ``other`` must match
    # fast835._LINE_TYPED (the in-memory reader hands plain lists for the typed kinds).
    svc = segs[0]
    n = len(svc)
    if n < 4:
        _too_short(svc, "SVC01-SVC03 (procedure, charge, payment)")
    amounts = AMOUNTS
    line = _new(ServicePayment)
    adjustments = other = None
    service_date = start = end = allowed = None
    control = ""
    for k in range(1, len(segs)):
        seg = segs[k]
        sid = seg[0]
        if len(seg) < 3 and sid in _QUALIFIED:
            _too_short(seg, f"{sid}01-{sid}02 (qualifier and value)")
        if sid == "CAS":
            if adjustments is None:
                adjustments = line.adjustments = []
            read_cas(seg, adjustments)
        elif sid == "DTM":
            qual = seg[1]
            d = DATES.get(seg[2]) or parse_date(seg[2], seg, "DTM02")
            if qual == "472":
                service_date = d
            elif qual == "150":
                start = d
            elif qual == "151":
                end = d
            else:
                if other is None:
                    other = line.other = []
                other.append(seg)
        elif sid == "REF" and seg[1] == "6R":
            control = seg[2]
        elif sid == "AMT" and seg[1] == "B6":
            allowed = amounts.get(seg[2])
            if allowed is None:
                allowed = amount(seg[2], seg, "AMT02")
        elif sid == "LQ" and seg[1] == "HE":
            line.remarks.append(seg[2])
        else:
            if other is None:
                other = line.other = []
            other.append(seg)
    text = svc[1]
    line.procedure = Procedure.parse(text, comp)
    text = svc[2]
    charge = amounts.get(text)
    if charge is None:
        charge = amount(text, svc, "SVC02")
    line.charge = charge
    text = svc[3]
    paid = amounts.get(text)
    if paid is None:
        paid = amount(text, svc, "SVC03")
    line.paid = paid
    line.revenue_code = svc[4] if n > 4 else ""
    units = None
    if n > 5:
        text = svc[5]
        if text:
            units = QUANTITIES.get(text)
            if units is None:
                units = quantity(text, svc, "SVC05")
    line.units_paid = units
    line.submitted_procedure = Procedure.parse(svc[6], comp) if n > 6 and svc[6] else None
    line.units_billed = quantity(svc[7], svc, "SVC07") if n > 7 else None
    line.service_date = service_date
    line.service_start = start
    line.service_end = end
    line.line_control_number = control
    line.allowed = allowed
    return line


def read_claim(loop: Loop, comp: str) -> ClaimPayment:
    """The typed view of one 2100 claim payment loop and its service lines."""
    return claim_from_segments(loop.segments, [lp.segments for lp in loop.loops], comp)


def claim_from_segments(segs: list, lines: list, comp: str) -> ClaimPayment:
    """A claim payment from its 2100 segments (CLP first) and the segments of each 2110 line."""
    # What goes to ``other`` must match fast835._CLAIM_TYPED (see service_from_segments).
    clp = segs[0]
    n = len(clp)
    if n < 5:
        _too_short(clp, "CLP01-CLP04 (claim number, status, charge, payment)")
    charge = amount(clp[3], clp, "CLP03")
    paid = amount(clp[4], clp, "CLP04")
    responsibility = amount(clp[5], clp, "CLP05") if n > 5 and clp[5] else None
    claim = _new(ClaimPayment)
    adjustments = other = None
    last = first = qualifier = ident = ""
    statement_start = statement_end = received = None
    for k in range(1, len(segs)):
        seg = segs[k]
        sid = seg[0]
        if sid == "CAS":
            if adjustments is None:
                adjustments = claim.adjustments = []
            read_cas(seg, adjustments)
        elif sid == "NM1" and seg[1] == "QC":
            m = len(seg)
            last = seg[3] if m > 3 else ""
            first = seg[4] if m > 4 else ""
            qualifier = seg[8] if m > 8 else ""
            ident = seg[9] if m > 9 else ""
        elif sid == "DTM" and seg[1] in ("232", "233", "050"):
            d = parse_date(seg[2], seg, "DTM02")
            if seg[1] == "232":
                statement_start = d
            elif seg[1] == "233":
                statement_end = d
            else:
                received = d
        else:
            if other is None:
                other = claim.other = []
            other.append(seg)
    claim.patient_control_number = clp[1]
    claim.status = clp[2]
    claim.charge = charge
    claim.paid = paid
    claim.patient_responsibility = responsibility
    claim.filing_indicator = clp[6] if n > 6 else ""
    claim.payer_claim_control_number = clp[7] if n > 7 else ""
    claim.facility_code = clp[8] if n > 8 else ""
    claim.frequency = clp[9] if n > 9 else ""
    claim.drg = clp[11] if n > 11 else ""
    claim.patient_last_name = last
    claim.patient_first_name = first
    claim.patient_id_qualifier = qualifier
    claim.patient_id = ident
    claim.statement_start = statement_start
    claim.statement_end = statement_end
    claim.received_date = received
    if lines:
        claim.services = [service_from_segments(line, comp) for line in lines]
    return claim


def read_remittance(txn: Transaction) -> Remittance:
    """The typed view of one 835 transaction."""
    comp = txn.delimiters.component
    body = txn.body
    bpr = body.segments[0]
    remit = Remittance(amount(bpr[2], bpr, "BPR02"), bpr.get(3), bpr[1], bpr.get(4), bpr=bpr)
    remit.payment_date = parse_date(bpr.get(16), bpr, "BPR16")
    remit.control_number = txn.st[2]
    for seg in body.segments[1:]:
        sid = seg[0]
        if sid == "TRN":
            remit.trace_number = seg.get(2)
            remit.originator_id = seg.get(3)
        elif sid == "DTM" and seg[1] == "405":
            remit.production_date = parse_date(seg[2], seg, "DTM02")
        elif sid == "PLB":
            _plb(seg, comp, remit.provider_adjustments)
        else:
            remit.header_other.append(seg)
    for lp in body.loops:
        lid = lp.spec.id
        if lid == "1000A":
            n1 = lp.segments[0]
            remit.payer_name = n1.get(2)
            remit.payer_id = n1.get(4)
            n3, n4 = lp.segment("N3"), lp.segment("N4")
            remit.payer_address = (
                n3.get(1) if n3 else "",
                n4.get(1) if n4 else "",
                n4.get(2) if n4 else "",
                n4.get(3) if n4 else "",
            )
            ref = lp.segment("REF", "2U")
            if ref:
                remit.payer_id = ref.get(2)
            per = lp.segment("PER", "BL")
            if per:
                remit.payer_contact_phone = per.get(4)
        elif lid == "1000B":
            n1 = lp.segments[0]
            remit.payee_name = n1.get(2)
            remit.payee_id_qualifier = n1.get(3)
            remit.payee_id = n1.get(4)
        elif lid == "2000":
            claims = remit.claims
            for claim_loop in lp.loops:
                claims.append(read_claim(claim_loop, comp))
    return remit


def _plb(seg: Segment, comp: str, out: list[ProviderAdjustment]) -> None:
    provider = seg.get(1)
    period = parse_date(seg.get(2), seg, "PLB02")
    for i in range(3, len(seg), 2):
        if not seg[i]:
            continue
        reason, _, ref = seg[i].partition(comp)
        out.append(
            ProviderAdjustment(provider, period, reason, ref, amount(seg.get(i + 1), seg, f"PLB{i + 1:02d}"))
        )


def remittances(doc) -> list[Remittance]:
    """Every 835 in a parsed file, typed."""
    from oncobill.x12.reader import gc_paused

    with gc_paused():
        return [read_remittance(txn) for txn in doc.transactions() if txn.code == "835"]


def general_remittances(source) -> list[Remittance]:
    """Typed remittances of *source* by the general reader (any input ``read`` takes).

    Each claim payment loop is typed as soon as it closes and its segments dropped, so no
    full segment tree is ever held. ``fast835.read_remittances`` falls back to this.
    """
    from oncobill.x12.reader import Parser

    claims: dict[int, list[ClaimPayment]] = {}
    out: list[Remittance] = []
    for event in Parser(source, strict=True, findings=None, detach=frozenset(("2100",))).events():
        if event[0] == "loop":
            txn, loop = event[1], event[2]
            bucket = claims.get(id(txn))
            if bucket is None:
                bucket = claims[id(txn)] = []
            bucket.append(read_claim(loop, txn.delimiters.component))
        else:
            for txn in event[1].transactions():
                if txn.code == "835":
                    remit = read_remittance(txn)
                    remit.claims = claims.pop(id(txn), [])
                    out.append(remit)
    return out


def stream_claim_payments(source) -> Iterator[tuple[Transaction, ClaimPayment]]:
    """Claim payments of a (possibly huge) 835 one at a time; memory stays flat."""
    from oncobill.x12.reader import gc_paused, stream

    with gc_paused():
        for txn, loop in stream(source, "2100"):
            yield txn, read_claim(loop, txn.delimiters.component)
