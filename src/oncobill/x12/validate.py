"""The validator: located findings a biller can act on, mappable onto a 999.

Checks are plain functions ``(ctx) -> iterable of Finding``, listed once in ``CHECKS`` and
run in order, by WEDI SNIP level:

1. syntax and envelopes (delimiters, counts, control numbers, element types and lengths)
2. implementation guide (required loops and segments, repeats, code lists, dates)
3. balancing (837 claim = sum of lines; 835 line, claim and transaction rules)
4. situational rules (subscriber address, diagnosis pointers, units, ZIP+4, decimals, ...)
5. external code sets, through a :class:`CodeLookup` the caller plugs in (HCPCS/CPT on the
   date of service, billable ICD-10-CM, CARC, RARC, place of service, NPI check digit)

A file that cannot be read at all gives one located finding, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Protocol

from oncobill.x12 import findings as F
from oncobill.x12.elements import RELATIONS, SEGMENTS, ElementDef
from oncobill.x12.errors import X12Error
from oncobill.x12.findings import Finding
from oncobill.x12.model import Loop, Transaction, X12File
from oncobill.x12.reader import read
from oncobill.x12.spec import LoopSpec
from oncobill.x12.tokenizer import Segment


class CodeLookup(Protocol):
    """External code sets the validator asks (SNIP 5). ``oncobill.codes`` fits through
    :class:`oncobill.x12.codesets.CodeSetsLookup`; tests may pass a small fake."""

    def procedure_exists(self, code: str, on: date | None) -> bool | None:
        """True/False; None when the code is outside the tables held (reported as a warning)."""

    def diagnosis_billable(self, code: str) -> bool: ...

    def adjustment_reason_exists(self, code: str, on: date | None) -> bool: ...

    def remark_exists(self, code: str, on: date | None) -> bool: ...

    def place_of_service_exists(self, code: str) -> bool: ...

    def npi_valid(self, npi: str) -> bool: ...


MANDATED = {"835": "005010X221A1", "999": "005010X231A1", "270": "005010X279A1", "271": "005010X279A1",
            "276": "005010X212", "278": "005010X217"}  # fmt: skip
GROUP_CODES = {
    "835": "HP",
    "837": "HC",
    "999": "FA",
    "277": "HN",
    "276": "HR",
    "270": "HS",
    "271": "HB",
    "278": "HI",
}
AMOUNT_ELEMENTS = {
    "CLM": (2,), "SV1": (2,), "SV2": (3,), "CLP": (3, 4, 5), "SVC": (2, 3), "BPR": (2,), "AMT": (2,),
    "SVD": (2,), "CAS": (3, 6, 9, 12, 15, 18), "PLB": (4, 6, 8, 10, 12, 14),
}  # fmt: skip


@dataclass
class ValidationResult:
    """Findings of one file, and per transaction set whether it is accepted (for a 999)."""

    findings: list[Finding] = field(default_factory=list)
    sets: list[dict] = field(default_factory=list)  # {group, gs01, version, st01, st02, status}

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def to_999(self):
        from oncobill.x12.ack999 import result_to_999

        return result_to_999(self)


@dataclass
class _Ctx:
    doc: X12File
    lookup: CodeLookup | None
    txn: Transaction | None = None
    group: str | None = None
    comp: str = ":"
    rep: str = "^"


# -- helpers ----------------------------------------------------------------------------------


def _finding(ctx: _Ctx, snip: int, code: str, message: str, seg: Segment | None = None, element: str | None = None,
             loop: str | None = None, **kw) -> Finding:  # fmt: skip
    txn = ctx.txn
    pos = None
    if seg is not None and txn is not None and getattr(seg, "number", 0):
        pos = seg.number - txn.st.number + 1
    return Finding(
        snip=snip, code=code, message=message, segment_number=getattr(seg, "number", None) if seg else None,
        segment_id=seg[0] if seg else None, element=element, loop=loop,
        transaction=txn.st.get(2) if txn is not None else None, group=ctx.group, position_in_set=pos, **kw,
    )  # fmt: skip


def _valid_date(text: str) -> bool:
    if len(text) != 8 or not text.isdigit():
        return False
    try:
        date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return True


def _loops(loop: Loop, path: tuple = ()) -> Iterator[tuple[Loop, tuple]]:
    yield loop, path
    for child in loop.loops:
        yield from _loops(child, path + (loop,))


def _segments(txn: Transaction) -> Iterator[tuple[Segment, Loop]]:
    for lp, _ in _loops(txn.body):
        for seg in lp.segments:
            yield seg, lp


# -- SNIP 1: envelopes and element syntax ----------------------------------------------------


def check_envelopes(ctx: _Ctx) -> Iterable[Finding]:
    ids = set()
    for ic in ctx.doc.interchanges:
        isa = ic.isa
        if isa.get(12) != "00501":
            yield _finding(
                ctx, 1, "isa-version", f"ISA12 is {isa.get(12)!r}, 5010 interchanges use 00501", isa, "ISA12"
            )
        if not isa.get(13).isdigit() or len(isa.get(13)) != 9:
            yield _finding(ctx, 1, "isa-control", f"ISA13 {isa.get(13)!r} must be 9 digits", isa, "ISA13")
        if isa.get(13) in ids:
            yield _finding(
                ctx,
                1,
                "duplicate-interchange",
                f"interchange control number {isa.get(13)} repeats",
                isa,
                "ISA13",
            )
        ids.add(isa.get(13))
        if not re.fullmatch(r"\d{6}", isa.get(9)):
            yield _finding(
                ctx,
                1,
                "bad-date",
                f"ISA09 {isa.get(9)!r} is not a date (YYMMDD)",
                isa,
                "ISA09",
                ik4=F.EL_BAD_DATE,
            )
        for group in ic.groups:
            gs = group.gs
            ctx.group = gs.get(6)
            set_ids = set()
            if not _valid_date(gs.get(4)):
                yield _finding(ctx, 1, "bad-date", f"GS04 {gs.get(4)!r} is not a date (CCYYMMDD)", gs, "GS04")
            for txn in group.transactions:
                ctx.txn = txn
                code = txn.st.get(1)
                if txn.st.get(2) in set_ids:
                    yield _finding(ctx, 1, "duplicate-set", f"ST02 {txn.st.get(2)} repeats in the group", txn.st, "ST02",
                                   ik5=F.SET_CONTROL_MISMATCH)  # fmt: skip
                set_ids.add(txn.st.get(2))
                if GROUP_CODES.get(code) and gs.get(1) != GROUP_CODES[code]:
                    yield _finding(ctx, 1, "group-code", f"GS01 {gs.get(1)!r} does not carry {code} (expected "
                                   f"{GROUP_CODES[code]})", gs, "GS01", ik5=F.SET_NOT_SUPPORTED)  # fmt: skip
                version = gs.get(8)
                if txn.spec.version == "*":
                    continue
                if version != txn.spec.version:
                    yield _finding(
                        ctx, 1, "gs08", f"GS08 {version!r} is not the HIPAA-mandated {txn.spec.version} for {code}",
                        gs, "GS08", fix=f"send GS08 (and ST03) {txn.spec.version}", ik5=F.SET_NOT_SUPPORTED,
                    )  # fmt: skip
                if txn.st.get(3) and txn.st.get(3) != version:
                    yield _finding(
                        ctx,
                        1,
                        "st03",
                        f"ST03 {txn.st.get(3)!r} differs from GS08 {version!r}",
                        txn.st,
                        "ST03",
                    )
            ctx.txn = None


def _check_element(ctx, seg: Segment, n: int, value: str, d: ElementDef, name: str) -> Iterator[Finding]:
    if d.type == "C":
        parts = value.split(ctx.comp)
        if len(parts) > len(d.components):
            yield _finding(ctx, 1, "too-many-components", f"{name} has {len(parts)} components, at most "
                           f"{len(d.components)}", seg, name, ik4=F.EL_TOO_MANY_COMPONENTS, value=value)  # fmt: skip
        for k, (part, cd) in enumerate(zip(parts, d.components), 1):
            if part:
                yield from _check_simple(ctx, seg, part, cd, f"{name}-{k}")
            elif cd.mandatory and any(parts):
                yield _finding(ctx, 1, "missing-component", f"{name}-{k} is required in the composite", seg,
                               f"{name}-{k}", ik4=F.EL_REQUIRED_MISSING)  # fmt: skip
        return
    yield from _check_simple(ctx, seg, value, d, name)


def _check_simple(ctx, seg: Segment, value: str, d: ElementDef, name: str) -> Iterator[Finding]:
    if ctx.rep in value and seg[0] not in ("ISA",):  # a repeating element: check each repetition
        for part in value.split(ctx.rep):
            if part:
                yield from _check_simple(ctx, seg, part, d, name)
        return
    t = d.type
    if t in ("R", "N0", "N2"):
        digits = len(value.lstrip("-").replace(".", ""))
        ok = re.fullmatch(r"-?\d+" if t != "R" else r"-?(\d+\.?\d*|\.\d+)", value) is not None
        if not ok:
            yield _finding(ctx, 1, "not-numeric", f"{name} {value!r} is not a number", seg, name, ik4=F.EL_BAD_CHARACTER,
                           value=value)  # fmt: skip
            return
        if digits > d.max:
            yield _finding(ctx, 1, "too-long", f"{name} {value!r} has {digits} digits, at most {d.max}", seg, name,
                           ik4=F.EL_TOO_LONG, value=value)  # fmt: skip
        return
    if t == "DT" and len(value) == 8 and not _valid_date(value):
        yield _finding(ctx, 1, "bad-date", f"{name} {value!r} is not a date (CCYYMMDD)", seg, name,
                       ik4=F.EL_BAD_DATE, value=value, fix="send a real calendar date as CCYYMMDD")  # fmt: skip
        return
    if t == "TM" and (not value.isdigit() or int(value[:2] or 0) > 23 or int(value[2:4] or 0) > 59):
        yield _finding(
            ctx, 1, "bad-time", f"{name} {value!r} is not a time (HHMM)", seg, name, ik4=F.EL_BAD_TIME
        )
        return
    if len(value) > d.max:
        yield _finding(ctx, 1, "too-long", f"{name} is {len(value)} characters, at most {d.max}", seg, name,
                       ik4=F.EL_TOO_LONG, value=value, fix=f"shorten {name} to {d.max} characters")  # fmt: skip
    elif len(value) < d.min and seg[0] != "ISA":
        yield _finding(ctx, 1, "too-short", f"{name} is {len(value)} characters, at least {d.min}", seg, name,
                       ik4=F.EL_TOO_SHORT, value=value)  # fmt: skip


def check_elements(ctx: _Ctx) -> Iterable[Finding]:
    for ic in ctx.doc.interchanges:
        ctx.comp, ctx.rep = ic.delimiters.component, ic.delimiters.repetition
        for group in ic.groups:
            ctx.group = group.gs.get(6)
            for txn in group.transactions:
                ctx.txn = txn
                for seg in txn.segments():
                    defs = SEGMENTS.get(seg[0])
                    if defs is None:
                        continue
                    if len(seg) - 1 > len(defs):
                        yield _finding(ctx, 1, "too-many-elements", f"{seg[0]} has {len(seg) - 1} elements, at most "
                                       f"{len(defs)}", seg, ik3=F.SEG_HAS_ELEMENT_ERRORS, ik4=F.EL_TOO_MANY_ELEMENTS)  # fmt: skip
                    yield from _check_relations(ctx, seg)
                    for n, d in enumerate(defs, 1):
                        name = f"{seg[0]}{n:02d}"
                        value = seg[n] if n < len(seg) else ""
                        if not value:
                            if d.mandatory:
                                yield _finding(ctx, 1, "missing-element", f"{name} is required", seg, name,
                                               ik4=F.EL_REQUIRED_MISSING, fix=f"fill {name}")  # fmt: skip
                            continue
                        yield from _check_element(ctx, seg, n, value, d, name)
            ctx.txn = None


def _check_relations(ctx: _Ctx, seg: Segment) -> Iterator[Finding]:
    """The standard's syntax notes: paired, required, conditional, exclusion, list conditional."""
    for kind, idx in RELATIONS.get(seg[0], ()):
        present = [bool(seg.get(i)) for i in idx]
        names = "/".join(f"{seg[0]}{i:02d}" for i in idx)
        bad = None
        if kind == "P" and any(present) and not all(present):
            bad = f"{names} go together: all or none"
        elif kind == "R" and not any(present):
            bad = f"at least one of {names} is required"
        elif kind == "C" and present[0] and not all(present[1:]):
            bad = f"{seg[0]}{idx[0]:02d} requires {'/'.join(f'{seg[0]}{i:02d}' for i in idx[1:])}"
        elif kind == "E" and sum(present) > 1:
            bad = f"only one of {names} may be used"
        elif kind == "L" and present[0] and not any(present[1:]):
            bad = f"{seg[0]}{idx[0]:02d} requires at least one of {'/'.join(f'{seg[0]}{i:02d}' for i in idx[1:])}"
        if bad:
            missing = next((i for i, p in zip(idx, present) if not p), idx[0])
            yield _finding(ctx, 1, "relational", bad, seg, f"{seg[0]}{missing:02d}", ik3=F.SEG_HAS_ELEMENT_ERRORS,
                           ik4=F.EL_EXCLUSION if kind == "E" else F.EL_CONDITIONAL_MISSING)  # fmt: skip


# -- SNIP 2: implementation guide ---------------------------------------------------------------


def _slot_counts(loop: Loop) -> dict:
    counts: dict = {}
    spec = loop.spec
    for n, seg in enumerate(loop.segments):
        if n == 0 and spec.id != "ST":
            continue
        slots = spec.segments.get(seg[0], [])
        for slot in slots:
            if slot.matches(seg):
                counts[id(slot)] = counts.get(id(slot), 0) + 1
                break
    return counts


def check_structure(ctx: _Ctx) -> Iterable[Finding]:
    for ic in ctx.doc.interchanges:
        ctx.comp = ic.delimiters.component
        for group in ic.groups:
            ctx.group = group.gs.get(6)
            for txn in group.transactions:
                ctx.txn = txn
                if txn.spec.version == "*":
                    continue
                yield from _check_loop(ctx, txn.body, txn.st)
            ctx.txn = None


def _check_loop(ctx: _Ctx, loop: Loop, anchor: Segment) -> Iterator[Finding]:
    spec: LoopSpec = loop.spec
    counts = _slot_counts(loop)
    first = loop.segments[0] if loop.segments else anchor
    for item in spec.items[0 if spec.id == "ST" else 1 :]:
        if isinstance(item, LoopSpec):
            occurrences = [lp for lp in loop.loops if lp.spec is item]
            if item.required and not occurrences:
                yield _finding(ctx, 2, "missing-loop", f"required loop {item.id} ({item.name}) is missing in loop "
                               f"{spec.id}", first, loop=spec.id, ik3=F.SEG_REQUIRED_MISSING,
                               fix=f"add loop {item.id} starting with {item.trigger.label()}")  # fmt: skip
            if item.max_use is not None and len(occurrences) > item.max_use:
                yield _finding(ctx, 2, "loop-over-max", f"loop {item.id} occurs {len(occurrences)} times, at most "
                               f"{item.max_use}", occurrences[item.max_use].segments[0], loop=item.id,
                               ik3=F.SEG_LOOP_OVER_MAX)  # fmt: skip
        else:
            n = counts.get(id(item), 0)
            if item.required and n == 0:
                yield _finding(ctx, 2, "missing-segment", f"required segment {item.label()} is missing in loop "
                               f"{spec.id} ({spec.name})", first, loop=spec.id, ik3=F.SEG_REQUIRED_MISSING,
                               fix=f"add {item.label()} to loop {spec.id}")  # fmt: skip
            if item.max_use is not None and n > item.max_use:
                yield _finding(ctx, 2, "segment-over-max", f"{item.label()} appears {n} times in loop {spec.id}, at most "
                               f"{item.max_use}", first, loop=spec.id, ik3=F.SEG_OVER_MAX_USE)  # fmt: skip
    for n, seg in enumerate(loop.segments):
        slots = spec.segments.get(seg[0], []) if (n or spec.id == "ST") else [spec.trigger]
        slot = next((s for s in slots if s.matches(seg)), None)
        if slot is None and slots and slots[0].qual_index:
            slot = slots[0]
            qi = slot.qual_index
            yield _finding(ctx, 2, "bad-code", f"{seg[0]}{qi:02d} {seg.get(qi)!r} is not a qualifier the guide allows in "
                           f"loop {spec.id}", seg, f"{seg[0]}{qi:02d}", loop=spec.id, ik3=F.SEG_HAS_ELEMENT_ERRORS,
                           ik4=F.EL_BAD_CODE, value=seg.get(qi))  # fmt: skip
            continue
        if slot is None:
            continue
        for i in slot.required_elements:
            if not seg.get(i):
                yield _finding(ctx, 2, "missing-element", f"{seg[0]}{i:02d} is required by the guide in loop {spec.id}",
                               seg, f"{seg[0]}{i:02d}", loop=spec.id, ik3=F.SEG_HAS_ELEMENT_ERRORS,
                               ik4=F.EL_REQUIRED_MISSING, fix=f"fill {seg[0]}{i:02d}")  # fmt: skip
        for i in slot.not_used:
            if isinstance(i, tuple):  # a component of a composite
                parts = seg.get(i[0]).split(ctx.comp)
                value = parts[i[1] - 1] if len(parts) >= i[1] else ""
                name = f"{seg[0]}{i[0]:02d}-{i[1]}"
            else:
                value, name = seg.get(i), f"{seg[0]}{i:02d}"
            if value:
                yield _finding(ctx, 2, "not-used", f"{name} is marked \"Not Used\" by the guide in loop {spec.id} "
                               f"({spec.name}) but carries {value!r}", seg, name, loop=spec.id,
                               ik3=F.SEG_HAS_ELEMENT_ERRORS, ik4=F.EL_IMPL_NOT_USED, value=value,
                               fix=f"leave {name} empty")  # fmt: skip
        for key, codes in slot.codes.items():
            if isinstance(key, tuple):
                value = seg.get(key[0]).split(ctx.comp)
                value = value[key[1] - 1] if len(value) >= key[1] else ""
                name = f"{seg[0]}{key[0]:02d}-{key[1]}"
            else:
                value = seg.get(key)
                name = f"{seg[0]}{key:02d}"
            if value and codes and value not in codes:
                yield _finding(ctx, 2, "bad-code", f"{name} {value!r} is not one of {', '.join(sorted(codes))}", seg, name,
                               loop=spec.id, ik3=F.SEG_HAS_ELEMENT_ERRORS, ik4=F.EL_BAD_CODE, value=value)  # fmt: skip
        if seg[0] == "DTP" and seg.get(2) in ("D8", "RD8"):
            parts = seg.get(3).split("-") if seg.get(2) == "RD8" else [seg.get(3)]
            if (seg.get(2) == "RD8" and len(parts) != 2) or not all(_valid_date(p) for p in parts):
                yield _finding(ctx, 2, "bad-date", f"DTP03 {seg.get(3)!r} is not a {seg.get(2)} date", seg, "DTP03",
                               loop=spec.id, ik3=F.SEG_HAS_ELEMENT_ERRORS, ik4=F.EL_BAD_DATE, value=seg.get(3),
                               fix="send CCYYMMDD (or CCYYMMDD-CCYYMMDD for RD8)")  # fmt: skip
            elif seg.get(2) == "RD8" and parts[0] > parts[1]:
                yield _finding(ctx, 2, "bad-date", f"DTP03 range {seg.get(3)} ends before it starts", seg, "DTP03",
                               loop=spec.id, ik4=F.EL_BAD_DATE)  # fmt: skip
        if seg[0] == "DMG" and seg.get(1) == "D8" and seg.get(2) and not _valid_date(seg.get(2)):
            yield _finding(ctx, 2, "bad-date", f"DMG02 {seg.get(2)!r} is not a date", seg, "DMG02", loop=spec.id,
                           ik3=F.SEG_HAS_ELEMENT_ERRORS, ik4=F.EL_BAD_DATE, value=seg.get(2))  # fmt: skip
    for child in loop.loops:
        yield from _check_loop(ctx, child, first)


def check_hierarchy(ctx: _Ctx) -> Iterable[Finding]:
    """HL01 counts up, HL02 names an earlier HL, HL04 says truthfully whether children follow."""
    for txn in _txns(ctx):
        hls = [seg for seg, _ in _segments(txn) if seg[0] == "HL"]
        seen: dict[str, Segment] = {}
        parents = {seg.get(2) for seg in hls if seg.get(2)}
        for n, hl in enumerate(hls, 1):
            if hl.get(1) != str(n):
                yield _finding(ctx, 2, "hl-sequence", f"HL01 is {hl.get(1)!r}, expected {n}", hl, "HL01")
            if hl.get(2) and hl.get(2) not in seen:
                yield _finding(ctx, 2, "hl-parent", f"HL02 {hl.get(2)!r} names no earlier HL", hl, "HL02")
            if hl.get(4) == "0" and hl.get(1) in parents:
                yield _finding(
                    ctx,
                    2,
                    "hl-child-code",
                    f"HL04 says no child levels but HL {hl.get(1)} has some",
                    hl,
                    "HL04",
                )
            seen[hl.get(1)] = hl


def _txns(ctx: _Ctx) -> Iterator[Transaction]:
    for ic in ctx.doc.interchanges:
        ctx.comp = ic.delimiters.component
        for group in ic.groups:
            ctx.group = group.gs.get(6)
            for txn in group.transactions:
                if txn.spec.version == "*":
                    continue
                ctx.txn = txn
                yield txn
            ctx.txn = None


# -- SNIP 3: balancing ------------------------------------------------------------------------


def _dec(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _cas_total(segs: Iterable[Segment]) -> Decimal:
    total = Decimal(0)
    for cas in segs:
        for i in range(3, len(cas), 3):
            total += _dec(cas[i]) or 0
    return total


def check_balancing(ctx: _Ctx) -> Iterable[Finding]:
    for txn in _txns(ctx):
        if txn.code == "837":
            for claim in txn.body.find("2300"):
                clm = claim.segments[0]
                total = _dec(clm.get(2))
                line_seg, idx = ("SV1", 2) if txn.spec.version.startswith("005010X222") else ("SV2", 3)
                lines = [lp.segment(line_seg) for lp in claim.children("2400")]
                line_sum = sum((_dec(s.get(idx)) or 0 for s in lines if s is not None), Decimal(0))
                if total is not None and lines and total != line_sum:
                    yield _finding(ctx, 3, "claim-unbalanced", f"CLM02 {clm.get(2)} does not equal the sum of the line "
                                   f"charges {line_sum}", clm, "CLM02", loop="2300", ik3=F.SEG_HAS_ELEMENT_ERRORS,
                                   fix=f"make CLM02 {line_sum} or correct the line charges")  # fmt: skip
                for line in claim.children("2400"):
                    sv = line.segment(line_seg)
                    charge = _dec(sv.get(idx)) if sv else None
                    for adj in line.children("2430"):
                        svd = adj.segments[0]
                        paid = _dec(svd.get(2)) or 0
                        cas = _cas_total(adj.all("CAS"))
                        if charge is not None and adj.all("CAS") and paid + cas != charge:
                            yield _finding(ctx, 3, "cob-line-unbalanced", f"prior payer paid {paid} plus adjustments "
                                           f"{cas} is not the line charge {charge}", svd, "SVD02", loop="2430",
                                           severity="warning")  # fmt: skip
        elif txn.code == "835":
            yield from _balance_835(ctx, txn)


def _balance_835(ctx: _Ctx, txn: Transaction) -> Iterator[Finding]:
    body = txn.body
    bpr = body.segment("BPR")
    paid_total = Decimal(0)
    for claim in body.find("2100"):
        clp = claim.segments[0]
        charge, paid = _dec(clp.get(3)) or 0, _dec(clp.get(4)) or 0
        paid_total += paid
        claim_cas = _cas_total(claim.all("CAS"))
        line_cas = Decimal(0)
        for line in claim.children("2110"):
            svc = line.segments[0]
            l_charge, l_paid = _dec(svc.get(2)) or 0, _dec(svc.get(3)) or 0
            cas = _cas_total(line.all("CAS"))
            line_cas += cas
            if l_charge - cas != l_paid:
                yield _finding(ctx, 3, "line-unbalanced", f"service line: charge {l_charge} less adjustments {cas} is "
                               f"{l_charge - cas}, but SVC03 paid is {l_paid}", svc, "SVC03", loop="2110",
                               fix="line charge - sum of line CAS must equal the line payment")  # fmt: skip
        if clp.get(2) == "22" and paid > 0:
            yield _finding(ctx, 3, "reversal-sign", f"claim {clp.get(1)} is a reversal (CLP02 22) but CLP04 {paid} "
                           "is positive; a reversal takes the earlier payment back with negated amounts", clp, "CLP04",
                           loop="2100")  # fmt: skip
        pr_total = _cas_total(
            [c for c in claim.all("CAS") if c.get(1) == "PR"]
            + [c for line in claim.children("2110") for c in line.all("CAS") if c.get(1) == "PR"]
        )
        reported = _dec(clp.get(5))
        if reported is not None and reported != pr_total:
            yield _finding(ctx, 3, "patient-responsibility", f"claim {clp.get(1)}: CLP05 patient responsibility "
                           f"{reported} differs from the PR adjustments {pr_total}", clp, "CLP05", loop="2100",
                           severity="warning", fix="CLP05 should equal the sum of PR adjustments")  # fmt: skip
        if claim.children("2110") and charge - claim_cas - line_cas != paid:
            yield _finding(ctx, 3, "claim-unbalanced", f"claim {clp.get(1)}: charge {charge} less claim and line "
                           f"adjustments {claim_cas + line_cas} is {charge - claim_cas - line_cas}, but CLP04 paid is "
                           f"{paid}", clp, "CLP04", loop="2100")  # fmt: skip
        elif not claim.children("2110") and charge - claim_cas != paid:
            yield _finding(ctx, 3, "claim-unbalanced", f"claim {clp.get(1)}: charge {charge} less adjustments "
                           f"{claim_cas} is not CLP04 paid {paid}", clp, "CLP04", loop="2100")  # fmt: skip
    plb_total = Decimal(0)
    for plb in body.all("PLB"):
        for i in range(4, len(plb), 2):
            plb_total += _dec(plb[i]) or 0
    if bpr is not None:
        total = _dec(bpr.get(2))
        if total is not None and total < 0:
            yield _finding(ctx, 3, "negative-payment", f"BPR02 {bpr.get(2)} is negative; a payment is never below "
                           "zero (a net recoupment is carried forward with PLB FB)", bpr, "BPR02")  # fmt: skip
        if total is not None and paid_total - plb_total != total:
            yield _finding(ctx, 3, "transaction-unbalanced", f"sum of claim payments {paid_total} less provider "
                           f"adjustments {plb_total} is {paid_total - plb_total}, but BPR02 is {total}", bpr, "BPR02",
                           fix="BPR02 must equal sum(CLP04) - sum(PLB amounts)")  # fmt: skip


# -- SNIP 4: situational rules ----------------------------------------------------------------


def check_situational(ctx: _Ctx) -> Iterable[Finding]:
    for txn in _txns(ctx):
        for seg, lp in _segments(txn):
            for i in AMOUNT_ELEMENTS.get(seg[0], ()):
                value = seg.get(i)
                if "." in value and len(value.split(".")[1]) > 2:
                    yield _finding(ctx, 4, "money-decimals", f"{seg[0]}{i:02d} {value} has more than two decimals",
                                   seg, f"{seg[0]}{i:02d}", loop=lp.spec.id, value=value,
                                   fix="amounts are dollars and cents")  # fmt: skip
        if txn.code != "837":
            continue
        professional = txn.spec.version.startswith("005010X222")
        for a in txn.body.children("2000A"):
            bp = a.child("2010AA")
            n4 = bp.segment("N4") if bp else None
            if n4 is not None and not re.fullmatch(r"\d{9}", n4.get(3)):
                yield _finding(ctx, 4, "billing-zip", f"billing provider ZIP {n4.get(3)!r} must be 9 digits (ZIP+4)",
                               n4, "N403", loop="2010AA", fix="send the full ZIP+4 of the billing provider")  # fmt: skip
            for b in a.children("2000B"):
                sbr = b.segment("SBR")
                sub = b.child("2010BA")
                if sbr is not None and sbr.get(2) == "18" and sub is not None:
                    if sub.segment("N3") is None or sub.segment("N4") is None:
                        yield _finding(ctx, 4, "subscriber-address", "the patient is the subscriber (SBR02 18) but the "
                                       "subscriber address (N3/N4) is missing", sub.segments[0], loop="2010BA",
                                       fix="add the subscriber's N3 and N4")  # fmt: skip
                    if professional and sub.segment("DMG") is None:
                        yield _finding(ctx, 4, "subscriber-dmg", "the patient is the subscriber but DMG (birth date, "
                                       "gender) is missing", sub.segments[0], loop="2010BA")  # fmt: skip
                created = _bht_date(txn)
                for claim in b.find("2300"):
                    yield from _claim_rules(ctx, claim, professional)
                    yield from _cob_rules(ctx, claim, sbr)
                    if created is not None:
                        yield from _future_service(ctx, claim, created)


def _bht_date(txn: Transaction) -> str | None:
    bht = txn.body.segment("BHT")
    return bht.get(4) if bht is not None and _valid_date(bht.get(4)) else None


def _cob_rules(ctx: _Ctx, claim: Loop, sbr: Segment | None) -> Iterator[Finding]:
    """A secondary (or tertiary) claim carries the prior payer's adjudication, and each 2320
    SBR01 is that *other* payer's position, not the destination payer's (domain 6.3)."""
    if sbr is None:
        return
    position = sbr.get(1)
    others = claim.children("2320")
    if position in ("S", "T") and not others:
        yield _finding(ctx, 4, "cob-missing", f"claim billed to the {'secondary' if position == 'S' else 'tertiary'} "
                       "payer (SBR01 " + position + ") has no other-payer loop (2320/2330B) with the prior "
                       "adjudication", claim.segments[0], loop="2300",
                       fix="add 2320 with the primary's SBR, CAS and AMT*D, and 2430 per line")  # fmt: skip
    for other in others:
        osbr = other.segments[0]
        if osbr.get(1) == position:
            yield _finding(ctx, 4, "cob-position", f"2320 SBR01 {osbr.get(1)!r} repeats the destination payer's "
                           f"position; it must be the other payer's (for example P when billing the secondary)",
                           osbr, "SBR01", loop="2320")  # fmt: skip


def _future_service(ctx: _Ctx, claim: Loop, created: str) -> Iterator[Finding]:
    """A service cannot be billed before it happened: dates after the file's creation (BHT04)."""
    for line in claim.children("2400"):
        for dtp in line.all("DTP"):
            if dtp.get(1) == "472":
                first = dtp.get(3)[:8]
                if _valid_date(first) and first > created:
                    yield _finding(ctx, 4, "future-service", f"service date {first} is after the claim file's "
                                   f"creation date {created} (BHT04)", dtp, "DTP03", loop="2400")  # fmt: skip


def _claim_rules(ctx: _Ctx, claim: Loop, professional: bool) -> Iterator[Finding]:
    clm = claim.segments[0]
    comp = ctx.comp
    freq = clm.get(5).split(comp)
    if len(freq) > 2 and freq[2] in ("7", "8") and claim.segment("REF", "F8") is None:
        yield _finding(ctx, 4, "missing-f8", f"frequency {freq[2]} (replacement/void) needs REF*F8 with the payer's "
                       "original claim number", clm, "CLM05-3", loop="2300")  # fmt: skip
    codes = [el for hi in claim.all("HI") for el in hi[1:] if el]
    n_dx = sum(1 for el in codes if el.split(comp)[0] in ("ABK", "ABF", "BK", "BF"))
    for line in claim.children("2400"):
        if professional:
            sv1 = line.segment("SV1")
            if sv1 is None:
                continue
            for p in sv1.get(7).split(comp) if sv1.get(7) else []:
                if p.isdigit() and int(p) > n_dx:
                    yield _finding(ctx, 4, "dx-pointer", f"diagnosis pointer {p} points past the {n_dx} diagnosis codes "
                                   "in HI", sv1, "SV107", loop="2400", fix="point at a diagnosis listed in HI")  # fmt: skip
            units = _dec(sv1.get(4))
            if units is not None and units <= 0:
                yield _finding(
                    ctx, 4, "units", f"SV104 units {sv1.get(4)} must be above zero", sv1, "SV104", loop="2400"
                )
        else:
            sv2 = line.segment("SV2")
            units = _dec(sv2.get(5)) if sv2 else None
            if units is not None and units <= 0:
                yield _finding(
                    ctx, 4, "units", f"SV205 units {sv2.get(5)} must be above zero", sv2, "SV205", loop="2400"
                )
        drug = line.child("2410")
        if drug is not None:
            lin = drug.segments[0]
            ndc = lin.get(3)
            if lin.get(2) == "N4" and not re.fullmatch(r"\d{11}", ndc):
                yield _finding(ctx, 4, "ndc-format", f"NDC {ndc!r} must be 11 digits (5-4-2, no hyphens); a 10-digit "
                               "NDC is ambiguous", lin, "LIN03", loop="2410",
                               fix="pad the short part of the label NDC to 5-4-2")  # fmt: skip
            ctp = drug.segment("CTP")
            q = _dec(ctp.get(4)) if ctp is not None else None
            if q is not None and q <= 0:
                yield _finding(ctx, 4, "ndc-quantity", f"NDC quantity {ctp.get(4)} must be above zero", ctp, "CTP04",
                               loop="2410")  # fmt: skip


# -- SNIP 5: external code sets ---------------------------------------------------------------


def _line_date(line: Loop) -> date | None:
    for seg in line.all("DTP"):
        if seg.get(1) == "472":
            text = seg.get(3)[:8]
            if _valid_date(text):
                return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    for seg in line.all("DTM"):
        if seg.get(1) in ("472", "150") and _valid_date(seg.get(2)):
            t = seg.get(2)
            return date(int(t[:4]), int(t[4:6]), int(t[6:]))
    return None


def check_code_sets(ctx: _Ctx) -> Iterable[Finding]:
    lk = ctx.lookup
    if lk is None:
        return
    for txn in _txns(ctx):
        comp = ctx.comp
        for seg, lp in _segments(txn):
            if seg[0] in ("NM1",) and seg.get(8) == "XX" and seg.get(9) and not lk.npi_valid(seg.get(9)):
                yield _finding(ctx, 5, "npi", f"NPI {seg.get(9)} fails its check digit", seg, "NM109", loop=lp.spec.id,
                               value=seg.get(9), fix="check the NPI against NPPES")  # fmt: skip
            if seg[0] == "N1" and seg.get(3) == "XX" and seg.get(4) and not lk.npi_valid(seg.get(4)):
                yield _finding(
                    ctx, 5, "npi", f"NPI {seg.get(4)} fails its check digit", seg, "N104", loop=lp.spec.id
                )
        if txn.code == "837":
            for claim in txn.body.find("2300"):
                clm = claim.segments[0]
                pos = clm.get(5).split(comp)[0]
                if txn.spec.version.startswith("005010X222") and pos and not lk.place_of_service_exists(pos):
                    yield _finding(ctx, 5, "pos", f"place of service {pos!r} is not a CMS POS code", clm, "CLM05-1",
                                   loop="2300")  # fmt: skip
                for hi in claim.all("HI"):
                    for k, el in enumerate(hi[1:], 1):
                        parts = el.split(comp)
                        if (
                            len(parts) > 1
                            and parts[0] in ("ABK", "ABF", "ABJ", "APR", "ABN")
                            and not lk.diagnosis_billable(parts[1])
                        ):
                            yield _finding(ctx, 5, "icd10", f"ICD-10-CM {parts[1]!r} is not a billable code", hi,
                                           f"HI{k:02d}-2", loop="2300", value=parts[1],
                                           fix="code to the highest specificity (a billable leaf code)")  # fmt: skip
                for line in claim.children("2400"):
                    sv = line.segment("SV1") or line.segment("SV2")
                    if sv is None:
                        continue
                    idx = 1 if sv[0] == "SV1" else 2
                    parts = sv.get(idx).split(comp)
                    if len(parts) > 1 and parts[0] == "HC":
                        yield from _procedure(
                            ctx, lk, parts[1], _line_date(line), sv, f"{sv[0]}{idx:02d}-2", "2400"
                        )
        elif txn.code == "835":
            bpr = txn.body.segment("BPR")
            paid_on = None
            if bpr is not None and _valid_date(bpr.get(16)):
                t = bpr.get(16)
                paid_on = date(int(t[:4]), int(t[4:6]), int(t[6:]))
            for seg, lp in _segments(txn):
                if seg[0] == "CAS":
                    for i in range(2, len(seg), 3):
                        if seg[i] and not lk.adjustment_reason_exists(seg[i], paid_on):
                            yield _finding(ctx, 5, "carc", f"CARC {seg[i]!r} is not an adjustment reason code in force",
                                           seg, f"CAS{i:02d}", loop=lp.spec.id, value=seg[i])  # fmt: skip
                elif seg[0] == "LQ" and seg.get(1) == "HE" and not lk.remark_exists(seg.get(2), paid_on):
                    yield _finding(ctx, 5, "rarc", f"RARC {seg.get(2)!r} is not a remark code in force", seg, "LQ02",
                                   loop=lp.spec.id, value=seg.get(2))  # fmt: skip
                elif seg[0] == "SVC":
                    parts = seg.get(1).split(comp)
                    if len(parts) > 1 and parts[0] == "HC":
                        yield from _procedure(ctx, lk, parts[1], _line_date(lp), seg, "SVC01-2", "2110")


def _procedure(
    ctx, lk, code: str, on: date | None, seg: Segment, element: str, loop: str
) -> Iterator[Finding]:
    exists = lk.procedure_exists(code, on)
    if exists is None:
        yield _finding(ctx, 5, "hcpcs-unknown", f"CPT {code!r} is not in the code tables loaded here, so its "
                       "validity on the date of service was not checked", seg, element, loop=loop, value=code,
                       severity="warning", fix="load the practice's CPT file to check it")  # fmt: skip
    elif not exists:
        on_text = f" on {on.isoformat()}" if on else ""
        yield _finding(ctx, 5, "hcpcs", f"HCPCS/CPT {code!r} does not exist{on_text} (date of service)", seg, element,
                       loop=loop, value=code, fix="use a code valid on the date of service")  # fmt: skip


CHECKS: list[Callable[[_Ctx], Iterable[Finding]]] = [
    check_envelopes,
    check_elements,
    check_structure,
    check_hierarchy,
    check_balancing,
    check_situational,
    check_code_sets,
]


def validate(source, lookup: CodeLookup | None = None) -> ValidationResult:
    """Validate an X12 file (text, bytes, path, open file or an already parsed :class:`X12File`)."""
    result = ValidationResult()
    if isinstance(source, X12File):
        doc = source
    else:
        parse_findings: list[Finding] = []
        try:
            doc = read(source, strict=False, findings=parse_findings)
        except X12Error as exc:
            result.findings.extend(parse_findings)
            result.findings.append(
                Finding(
                    1,
                    "unreadable",
                    exc.reason,
                    exc.segment_number,
                    exc.segment_id,
                    exc.element,
                    ik5=F.SET_TRAILER_MISSING,
                )
            )
            return result
        result.findings.extend(parse_findings)
        result.findings.extend(doc.warnings)
    ctx = _Ctx(doc, lookup)
    for check in CHECKS:
        result.findings.extend(check(ctx))
    for ic in doc.interchanges:
        for group in ic.groups:
            for txn in group.transactions:
                mine = [
                    f
                    for f in result.findings
                    if f.transaction == txn.st.get(2) and f.group == group.gs.get(6)
                ]
                errors = [f for f in mine if f.severity == "error"]
                status = "A"
                if any(f.snip <= 2 for f in errors):
                    status = "R"
                elif errors:
                    status = "E"
                result.sets.append(
                    {
                        "group": group.gs.get(6),
                        "gs01": group.gs.get(1),
                        "version": group.gs.get(8),
                        "st01": txn.st.get(1),
                        "st02": txn.st.get(2),
                        "status": status,
                        "st03": txn.st.get(3),
                    }
                )
    return result
