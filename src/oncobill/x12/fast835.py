"""The typed 835 reader for posting, ``read_remittances``, and its in-memory fast path
(``fast_remittances``): an 835 given as a path, text or bytes.

Why: in the general reader every segment becomes a ``Segment`` (a list subclass carrying its
number and position, slower to build and to index than a list) and is placed by the spec
walk before the claim readers look at it again. Here the text is read segment by segment
from where the last one ended, and the segments of each claim payment loop (2100 and its 2110
lines) go straight to the same typing code as plain lists. A service line as payers usually
send it (SVC, then DTM*472, CAS..., REF*6R, AMT*B6 in that order, each with exactly the
elements the typed view reads) is typed from one regular-expression match, with no string per
segment, and a remittance's repeated SVC texts and CAS runs are typed once each (their values
are shared, immutable). Only the segments outside claims and the unusual segments a claim keeps
verbatim (``other``) become ``Segment`` objects, numbered and positioned as the tokenizer numbers
them. The envelope and the header then go through the general reader (placement, counts,
control numbers: the segments kept out of it still count, by their numbers); a CLP is accepted
only where the general reader would open a claim loop.

Anything this path does not handle exactly as the general reader would (a second
interchange, line breaks as terminators, a segment a claim loop takes only by the fallback
rule, a 2100 segment after a service line, another transaction set, any error) makes it give
up (``None``): the caller then reads the same text with the general reader, so errors are
the general reader's, located as always.
"""

from __future__ import annotations

import os
from operator import attrgetter

from oncobill.x12.reader import Parser, gc_paused
from oncobill.x12.remit835 import (
    Remittance,
    ServicePayment,
    claim_from_segments,
    general_remittances,
    read_remittance,
    service_from_segments,
)
from oncobill.x12.segments import read_cas
from oncobill.x12.specs.x835 import SPEC
from oncobill.x12.tokenizer import ISA_LENGTH, Delimiters, Segment, delimiters_from_isa
from oncobill.x12.values import AMOUNTS, DATES, amount, parse_date

_L2100 = SPEC.root.find_loop("2100")
_L2110 = SPEC.root.find_loop("2110")
# Segments that end a claim payment loop: a next claim, or what the general reader reads.
_ENDS_CLAIM = frozenset(("CLP", "LX", "PLB", "SE"))
# Segments after which the general reader sits in a 2000 loop (where a CLP opens a claim).
_IN_2000 = frozenset(("LX", "TS3", "TS2"))
# Kinds that remit835.claim_from_segments / service_from_segments type (everything else they
# keep verbatim in ``other``, as a Segment): segment ID -> qualifiers (element 01), None = any.
_CLAIM_TYPED = {"CAS": None, "NM1": frozenset(("QC",)), "DTM": frozenset(("232", "233", "050"))}
_LINE_TYPED = {
    "CAS": None,
    "DTM": frozenset(("472", "150", "151")),
    "REF": frozenset(("6R",)),
    "AMT": frozenset(("B6",)),
    "LQ": frozenset(("HE",)),
}


# fast835 types these line segments inline (see _split); keep the two in step.
assert set(_LINE_TYPED) == {"CAS", "DTM", "REF", "AMT", "LQ"}


# What remit835.service_from_segments sets on a line from its SVC segment alone (its other
# fields are set from the line's other segments, or left unset: the lazy lists).
_SVC_FIELDS = attrgetter(
    "procedure", "charge", "paid", "revenue_code", "units_paid", "submitted_procedure", "units_billed",
    "service_date", "service_start", "service_end", "line_control_number", "allowed",
)  # fmt: skip
_new = object.__new__


class _GiveUp(Exception):
    """This input is left to the general reader."""


class _Segments:
    """What the general parser expects of a tokenizer: iteration and the current delimiters."""

    def __init__(self, segments: list[Segment], delimiters: Delimiters) -> None:
        self.segments = segments
        self.delimiters = delimiters

    def __iter__(self):
        return iter(self.segments)


def _text(source) -> str | None:
    # The same reading as tokenizer._open; an open file (a stream) is left to the general reader.
    if isinstance(source, str) and not (len(source) < 4096 and os.path.isfile(source)):
        return source
    if isinstance(source, bytes):
        return source.decode("utf-8", errors="surrogateescape")
    if isinstance(source, (str, os.PathLike)):
        with open(source, encoding="utf-8", errors="surrogateescape", newline="") as f:
            return f.read()
    return None


def read_remittances(source) -> list[Remittance]:
    """Parse *source* straight to typed remittances (the fast path for posting): in memory
    when this module can, else by the general reader, each claim typed as its loop closes."""
    with gc_paused():
        fast = fast_remittances(source)
        if fast is not None:
            return fast
        return general_remittances(source)


def fast_remittances(source) -> list[Remittance] | None:
    """Typed remittances of *source*, or None when it must be read by the general reader."""
    text = _text(source)
    if text is None:
        return None
    try:
        segments, claims, delims = _split(text)
        parser = Parser("", strict=True, findings=None, detach=frozenset())
        parser.tokens = _Segments(segments, delims)
        out = []
        for event in parser.events():
            for txn in event[1].transactions():
                remit = read_remittance(txn)
                remit.claims = claims[len(out)]
                out.append(remit)
        return out if len(out) == len(claims) else None
    except Exception:  # noqa: BLE001 - anything unusual: the general reader decides, and reports
        return None


def _rules(loop) -> dict:
    """Segment ID -> (qualifier index, codes the loop takes or None for any, codes the typed
    view reads or None for any, empty for none) for the segments a claim loop takes."""
    typed = _CLAIM_TYPED if loop is _L2100 else _LINE_TYPED
    rules = {}
    for sid, (qi, codes) in loop.take.items():
        if qi < 0:
            raise _GiveUp  # qualifiers on different elements: the general reader checks slot by slot
        kind = typed.get(sid, frozenset())
        if kind is not None and kind and qi not in (0, 1):
            raise _GiveUp
        rules[sid] = (qi, codes if qi else None, kind)
    return rules


def _line_pattern(rules: dict, elem: str, term: str):
    """``match`` of a compiled pattern for a service line as payers usually send it: SVC, then
    optionally DTM*472, any CAS, REF*6R and AMT*B6, in that order, each with exactly the
    elements the typed view reads (None when this 2110 does not take and type them all)."""
    dtm, cas, ref, amt = (rules.get(sid) for sid in ("DTM", "CAS", "REF", "AMT"))
    if not (
        "SVC" not in rules
        and dtm and dtm[0] == 1 and dtm[1] is not None and "472" in dtm[1] and dtm[2] and "472" in dtm[2]
        and cas == (0, None, None)
        and ref and ref[0] == 1 and ref[1] is not None and "6R" in ref[1] and ref[2] and "6R" in ref[2]
        and amt and amt[0] == 0 and amt[1] is None and amt[2] and "B6" in amt[2]
    ):  # fmt: skip
        return None
    import re

    e, s = re.escape(elem), re.escape(term)
    seg, value = f"[^{s}]*+", f"([^{e}{s}]*+)"
    return re.compile(
        f"(SVC{e}{seg}){s}(?:DTM{e}472{e}{value}{s})?((?:CAS{e}{seg}{s})*+)"
        f"(?:REF{e}6R{e}{value}{s})?(?:AMT{e}B6{e}{value}{s})?"
    ).match


def _split(text: str) -> tuple[list[Segment], list[list], Delimiters]:
    """The segments outside claims (as the tokenizer gives them) and the typed claims of each
    transaction set, in order."""
    stripped = text.lstrip(" \t\r\n\ufeff")
    skipped = len(text) - len(stripped)  # characters before the ISA
    delims = delimiters_from_isa(stripped[:ISA_LENGTH], skipped, 1)
    elem, term, comp = delims.element, delims.segment, delims.component
    if term in "\r\n":
        raise _GiveUp
    clean = "\n" not in stripped and "\r" not in stripped
    rules_2100, rules_2110 = _rules(_L2100), _rules(_L2110)
    # A usual service line is typed from one match (no segment strings, no loop turn per
    # segment); anything else, and any text with line breaks, goes segment by segment.
    line_match = _line_pattern(rules_2110, elem, term) if clean else None

    segments: list[Segment] = []
    claims: list[list] = []  # typed claims of each transaction set
    txn_claims: list = []
    mode = 0  # 0 outside claims, 1 in a 2100 before its first SVC, 2 in a 2110
    rules: dict = rules_2100  # what the current claim loop takes
    in_2000 = False  # the general reader's current loop is a 2000 (a CLP opens a claim there)
    segs: list = []  # 2100 segments of the open claim (CLP first)
    services: list = []  # its service lines, typed as their segments come
    line = None  # the open service line
    adjustments = None  # its adjustments, once it has one
    dates, amounts = DATES, AMOUNTS
    cas_blocks: dict = {}  # a line's CAS segments (their whole text) -> its adjustments
    svc_typed: dict = {}  # SVC text -> what service_from_segments sets from it (remittances repeat them)
    gs08 = ""
    number = 0  # segments numbered so far (the tokenizer's numbering)
    find, end_text = stripped.find, len(stripped)
    pos = 0  # where the next segment starts in stripped
    while True:
        if mode and line_match is not None and pos < end_text and stripped[pos] == "S":
            m = line_match(stripped, pos)
            if m is not None:
                svc, date_text, block, control, allowed = m.groups()
                typed = svc_typed.get(svc)
                if typed is None:
                    line = service_from_segments([svc.split(elem)], comp)
                    if len(svc_typed) < 10_000:
                        svc_typed[svc] = _SVC_FIELDS(line)
                else:  # the same SVC text types to the same (shared, immutable) values
                    line = _new(ServicePayment)
                    (line.procedure, line.charge, line.paid, line.revenue_code, line.units_paid,
                     line.submitted_procedure, line.units_billed, line.service_date, line.service_start,
                     line.service_end, line.line_control_number, line.allowed) = typed  # fmt: skip
                services.append(line)
                n = 1  # segments matched
                if date_text is not None:  # DTM*472
                    line.service_date = dates.get(date_text) or parse_date(date_text)
                    n += 1
                adjustments = None
                if block:
                    found = cas_blocks.get(block)
                    if found is None:
                        adjustments = []
                        cases = block[:-1].split(term)
                        for cas in cases:
                            read_cas(cas.split(elem), adjustments)
                        found = (tuple(adjustments), len(cases))
                        if len(cas_blocks) < 10_000:
                            cas_blocks[block] = found
                    else:
                        adjustments = list(found[0])
                    line.adjustments = adjustments
                    n += found[1]
                if control is not None:  # REF*6R
                    line.line_control_number = control
                    n += 1
                if allowed is not None:  # AMT*B6
                    value = amounts.get(allowed)
                    line.allowed = value if value is not None else amount(allowed)
                    n += 1
                rules = rules_2110
                mode = 2
                number += n
                pos = m.end()
                continue
        cut = find(term, pos)
        if cut < 0:
            break
        t = stripped[pos:cut]
        start = pos
        pos = cut + 1
        number += 1
        if not clean:
            kept = t.lstrip("\r\n")
            start += len(t) - len(kept)
            t = kept
        if not t:
            raise _GiveUp  # an empty segment ("~~"): the tokenizer's numbering skips it
        parts = t.split(elem)
        sid = parts[0]
        if mode:
            rule = rules.get(sid)
            if rule is not None:
                qi, codes, kind = rule
                if codes is None or (qi < len(parts) and parts[qi] in codes):
                    if kind is None or (kind and len(parts) > 1 and parts[1] in kind):
                        if mode == 1:
                            segs.append(parts)
                            continue
                        # A line's typed segments go straight onto its ServicePayment,
                        # as remit835.service_from_segments reads them.
                        if sid == "CAS":
                            if adjustments is None:
                                adjustments = line.adjustments = []
                            read_cas(parts, adjustments)
                        elif sid == "DTM":
                            d = dates.get(parts[2]) or parse_date(parts[2])
                            qual = parts[1]
                            if qual == "472":
                                line.service_date = d
                            elif qual == "150":
                                line.service_start = d
                            else:  # 151: DTM is typed for 472, 150 and 151 only
                                line.service_end = d
                        elif sid == "REF":  # 6R
                            line.line_control_number = parts[2]
                        elif sid == "AMT":  # B6
                            value = amounts.get(parts[2])
                            line.allowed = value if value is not None else amount(parts[2])
                        else:  # LQ*HE
                            line.remarks.append(parts[2])
                        continue
                    # kept verbatim in ``other``: a Segment with its place in the file
                    seg = Segment(parts)
                    seg.number = number
                    seg.position = skipped + start
                    (segs if mode == 1 else line.other).append(seg)
                    continue
            if sid == "SVC":
                line = service_from_segments([parts], comp)
                services.append(line)
                adjustments = None
                rules = rules_2110
                mode = 2
                continue
            # Anything else closes the claim: it must be what the general reader would
            # read outside it (a 2100 segment after a line, a fallback placement: give up).
            if sid not in _ENDS_CLAIM:
                raise _GiveUp
            claim = claim_from_segments(segs, (), comp)
            if services:
                claim.services = services
            txn_claims.append(claim)
            mode = 0
        if sid == "CLP":
            if not in_2000:
                raise _GiveUp  # a CLP outside a 2000 loop: the general reader reports it
            segs = [parts]
            services = []
            rules = rules_2100
            mode = 1
            continue
        seg = Segment(parts)
        seg.number = number
        seg.position = skipped + start
        segments.append(seg)
        in_2000 = sid in _IN_2000
        if sid == "GS":
            gs08 = parts[8] if len(parts) > 8 else ""
        elif sid == "ST":
            from oncobill.x12.specs import spec_for

            version = parts[3] if len(parts) > 3 and parts[3] else gs08
            if len(parts) < 2 or parts[1] != "835" or spec_for("835", version, gs08) is not SPEC:
                raise _GiveUp
            txn_claims = []
            claims.append(txn_claims)
        elif sid == "IEA":
            if mode or term in stripped[pos:] or stripped[pos:].strip():
                raise _GiveUp  # more after the IEA: another interchange, or stray text
            return segments, claims, delims
    raise _GiveUp  # truncated (no IEA): the general reader reports it
