"""In-memory fast path of ``remit835.read_remittances``: an 835 given as a path, text or bytes.

Why: in the general reader every segment becomes a ``Segment`` (a list subclass carrying its
number and position, slower to build and to index than a list) and is placed by the spec
walk before the claim readers look at it again. Here the text is split a chunk at a time,
and the segments of each claim payment loop (2100 and its 2110 lines) go straight to the
same typing code as plain lists; only the segments outside claims and the unusual segments a claim keeps verbatim (``other``) become ``Segment`` objects, numbered
and positioned as the tokenizer numbers them. The envelope and the header then go through the
general reader (placement, counts, control numbers: the segments kept out of it still count,
by their numbers); a CLP is accepted only where the general reader would open a claim loop.

Anything this path does not handle exactly as the general reader would (a second
interchange, line breaks as terminators, a segment a claim loop takes only by the fallback
rule, a 2100 segment after a service line, another transaction set, any error) makes it give
up (``None``): the caller then reads the same text with the general reader, so errors are
the general reader's, located as always.
"""

from __future__ import annotations

import os
from itertools import accumulate, count, repeat
from operator import add

from oncobill.x12.remit835 import _ADJUSTMENTS, Adjustment, _cas, _claim, _service
from oncobill.x12.specs.x835 import SPEC
from oncobill.x12.tokenizer import CHUNK, ISA_LENGTH, Delimiters, Segment, delimiters_from_isa
from oncobill.x12.values import _AMOUNTS, _DATES, amount, parse_date

_L2100 = SPEC.root.find_loop("2100")
_L2110 = SPEC.root.find_loop("2110")
# Segments that end a claim payment loop: a next claim, or what the general reader reads.
_ENDS_CLAIM = frozenset(("CLP", "LX", "PLB", "SE"))
# Segments after which the general reader sits in a 2000 loop (where a CLP opens a claim).
_IN_2000 = frozenset(("LX", "TS3", "TS2"))
# Kinds that remit835._claim / _service type (everything else they keep verbatim in ``other``,
# as a Segment): segment ID -> qualifiers (element 01), None = any.
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


def fast_remittances(source) -> list | None:
    """Typed remittances of *source*, or None when it must be read by the general reader."""
    text = _text(source)
    if text is None:
        return None
    try:
        segments, claims, delims = _split(text)
        from oncobill.x12.reader import _Parser
        from oncobill.x12.remit835 import read_remittance

        parser = _Parser("", strict=True, findings=None, detach=frozenset())
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


def _ends(pieces: list[str], offset: int) -> list[int]:
    """Where each piece of a chunk ends in the file (the terminator's offset), given where
    the chunk starts."""
    return list(accumulate(map(add, map(len, pieces), repeat(1)), initial=offset - 1))[1:]


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
    shared_adjustments, dates, amounts = _ADJUSTMENTS, _DATES, _AMOUNTS
    # A line's usual CAS (one pair) and DTM*472, by their whole text: a remittance repeats
    # them thousands of times, and a hit skips splitting the segment. Only texts that
    # passed the checks below in a 2110 are stored, so a hit takes exactly the same path.
    known: dict = {}
    # The other usual line segments, REF*6R and AMT*B6, by their first seven characters
    # (ID, qualifier, two separators) when the 2110 takes and types them: True = REF*6R.
    heads: dict = {}
    rule = rules_2110.get("REF")
    if rule and rule[0] == 1 and rule[1] is not None and "6R" in rule[1] and rule[2] and "6R" in rule[2]:
        heads[f"REF{elem}6R{elem}"] = True
    rule = rules_2110.get("AMT")
    if rule and rule[0] == 0 and rule[1] is None and rule[2] and "B6" in rule[2]:
        heads[f"AMT{elem}B6{elem}"] = False
    gs08 = ""
    number = 0  # segments numbered so far
    done = False  # IEA seen
    pos, end_text = 0, len(stripped)
    tail = ""
    while pos < end_text and not done:
        cut = stripped.find(term, pos + CHUNK)
        if cut < 0:
            chunk, chunk_start, pos = stripped[pos:], pos, end_text
        else:
            chunk, chunk_start, pos = stripped[pos : cut + 1], pos, cut + 1
        pieces = chunk.split(term)
        tail = pieces.pop()  # "" unless the text ends without a terminator
        texts = pieces if clean else [p.lstrip("\r\n") for p in pieces]
        if "" in texts:
            raise _GiveUp  # an empty segment ("~~"): the tokenizer's numbering skips it
        first = number + 1
        # Where each piece ends in the file: used only for Segments, so computed (at C
        # speed) only for a chunk that has one.
        ends = None
        for number, t in zip(count(first), texts):
            if mode == 2:
                hit = known.get(t)
                if hit is not None:
                    if hit.__class__ is Adjustment:
                        if adjustments is None:
                            adjustments = line.adjustments = []
                        adjustments.append(hit)
                    else:
                        line.service_date = hit
                    continue
                ref = heads.get(t[:7])
                if ref is not None:
                    rest = t[7:]
                    if elem not in rest:
                        if ref:
                            line.line_control_number = rest
                        else:
                            allowed = amounts.get(rest)
                            line.allowed = allowed if allowed is not None else amount(rest)
                        continue
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
                            # as remit835._service reads them.
                            if sid == "CAS":
                                if adjustments is None:
                                    adjustments = line.adjustments = []
                                if len(parts) == 4:  # one reason/amount pair, the usual CAS
                                    adj = shared_adjustments.get((parts[1], parts[2], parts[3], ""))
                                    if adj is not None:
                                        adjustments.append(adj)
                                        known[t] = adj
                                        continue
                                _cas(parts, adjustments)
                            elif sid == "DTM":
                                d = dates.get(parts[2]) or parse_date(parts[2])
                                qual = parts[1]
                                if qual == "472":
                                    line.service_date = d
                                    if d is not None:
                                        known[t] = d
                                elif qual == "150":
                                    line.service_start = d
                                else:  # 151: DTM is typed for 472, 150 and 151 only
                                    line.service_end = d
                            elif sid == "REF":  # 6R
                                line.line_control_number = parts[2]
                            elif sid == "AMT":  # B6
                                allowed = amounts.get(parts[2])
                                line.allowed = allowed if allowed is not None else amount(parts[2])
                            else:  # LQ*HE
                                line.remarks.append(parts[2])
                            continue
                        # kept verbatim in ``other``: a Segment with its place in the file
                        seg = Segment(parts)
                        seg.number = number
                        if ends is None:
                            ends = _ends(pieces, skipped + chunk_start)
                        seg.position = ends[number - first] - len(t)
                        (segs if mode == 1 else line.other).append(seg)
                        continue
                if sid == "SVC":
                    line = _service([parts], comp)
                    services.append(line)
                    adjustments = None
                    rules = rules_2110
                    mode = 2
                    continue
                # Anything else closes the claim: it must be what the general reader would
                # read outside it (a 2100 segment after a line, a fallback placement: give up).
                if sid not in _ENDS_CLAIM:
                    raise _GiveUp
                claim = _claim(segs, (), comp)
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
            if ends is None:
                ends = _ends(pieces, skipped + chunk_start)
            seg.position = ends[number - first] - len(t)
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
                done = True
                if number != first + len(texts) - 1 or pos < end_text:
                    raise _GiveUp  # more after the IEA: another interchange
                break
        else:
            number = first + len(texts) - 1
    if mode or not done or tail.strip():
        raise _GiveUp  # truncated, or more than one interchange: the general reader reports it
    return segments, claims, delims
