"""In-memory fast path of ``remit835.read_remittances``: an 835 given as a path, text or bytes.

Why: in the general reader every segment becomes a ``Segment`` (a list subclass carrying its
number and position, slower to build and to index than a list) and is placed by the spec
walk before the claim readers look at it again. Here the text is split a chunk at a time,
and the segments of each claim payment loop (2100 and its 2110 lines) go straight to the
same typing code as plain lists; only the segments outside claims, each claim's CLP and the
unusual segments a claim keeps verbatim (``other``) become ``Segment`` objects, numbered
and positioned as the tokenizer numbers them. The envelope, the header and the CLPs then go
through the general reader (placement, counts, control numbers), which checks that every
claim loop holds exactly the CLP typed here.

Anything this path does not handle exactly as the general reader would (a second
interchange, line breaks as terminators, a segment a claim loop takes only by the fallback
rule, a 2100 segment after a service line, another transaction set, any error) makes it give
up (``None``): the caller then reads the same text with the general reader, so errors are
the general reader's, located as always.
"""

from __future__ import annotations

import os

from oncobill.x12.remit835 import _claim
from oncobill.x12.specs.x835 import SPEC
from oncobill.x12.tokenizer import CHUNK, ISA_LENGTH, Delimiters, Segment, delimiters_from_isa

_L2100 = SPEC.root.find_loop("2100")
_L2110 = SPEC.root.find_loop("2110")
# Segments that end a claim payment loop: they belong to the general reader.
_ENDS_CLAIM = frozenset(("CLP", "LX", "PLB", "SE"))
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
        segments, typed, delims = _split(text)
        from oncobill.x12.reader import _Parser
        from oncobill.x12.remit835 import _remittances

        parser = _Parser("", strict=True, findings=None, detach=frozenset(("2100",)))
        parser.tokens = _Segments(segments, delims)
        out = _remittances(parser, typed)
        if typed:  # a typed claim the general reader did not see as a claim loop
            return None
        return out
    except Exception:  # noqa: BLE001 - anything unusual: the general reader decides, and reports
        return None


def _split(text: str) -> tuple[list[Segment], dict[int, object], Delimiters]:
    stripped = text.lstrip(" \t\r\n\ufeff")
    offset = len(text) - len(stripped)  # character offset of the current piece in the file
    delims = delimiters_from_isa(stripped[:ISA_LENGTH], offset, 1)
    elem, term, comp = delims.element, delims.segment, delims.component
    if term in "\r\n":
        raise _GiveUp
    clean = "\n" not in stripped and "\r" not in stripped
    take_any_2100, take_qual_2100 = _L2100.take_any, _L2100.take_qual
    take_any_2110, take_qual_2110 = _L2110.take_any, _L2110.take_qual
    if any(t[0] < 0 for t in _L2100.take.values()) or any(t[0] < 0 for t in _L2110.take.values()):
        raise _GiveUp
    claim_typed, line_typed = _CLAIM_TYPED, _LINE_TYPED

    segments: list[Segment] = []
    typed: dict[int, object] = {}
    mode = 0  # 0 outside claims, 1 in a 2100 before its first SVC, 2 in a 2110
    segs: list = []  # segments of the open claim (CLP first)
    lines: list = []  # segment lists of its service lines
    line: list = []
    gs08 = ""
    number = 0
    done = False  # IEA seen
    pos, end_text = 0, len(stripped)
    tail = ""
    while pos < end_text:
        cut = stripped.find(term, pos + CHUNK)
        if cut < 0:
            chunk, pos = stripped[pos:], end_text
        else:
            chunk, pos = stripped[pos : cut + 1], cut + 1
        pieces = chunk.split(term)
        tail = pieces.pop()  # "" unless the text ends without a terminator
        for raw in pieces:
            t = raw if clean else raw.lstrip("\r\n")
            if not t:
                offset += len(raw) + 1
                continue
            if done:
                raise _GiveUp  # more after the IEA: another interchange
            number += 1
            parts = t.split(elem)
            sid = parts[0]
            if mode:
                if mode == 1:
                    taken = sid in take_any_2100
                    if not taken:
                        q = take_qual_2100.get(sid)
                        taken = q is not None and q[0] < len(parts) and parts[q[0]] in q[1]
                    if taken:
                        kind = claim_typed.get(sid, 0)
                        if kind is None or (kind and len(parts) > 1 and parts[1] in kind):
                            segs.append(parts)
                        else:
                            seg = Segment(parts)
                            seg.number = number
                            seg.position = offset + len(raw) - len(t)
                            segs.append(seg)
                        offset += len(raw) + 1
                        continue
                else:
                    taken = sid in take_any_2110
                    if not taken:
                        q = take_qual_2110.get(sid)
                        taken = q is not None and q[0] < len(parts) and parts[q[0]] in q[1]
                    if taken:
                        kind = line_typed.get(sid, 0)
                        if kind is None or (kind and len(parts) > 1 and parts[1] in kind):
                            line.append(parts)
                        else:
                            seg = Segment(parts)
                            seg.number = number
                            seg.position = offset + len(raw) - len(t)
                            line.append(seg)
                        offset += len(raw) + 1
                        continue
                if sid == "SVC":
                    line = [parts]
                    lines.append(line)
                    mode = 2
                    offset += len(raw) + 1
                    continue
                if sid not in _ENDS_CLAIM:
                    raise _GiveUp  # a 2100 segment after a line, a fallback placement, an error
                clp = segs[0]
                typed[id(clp)] = _claim(segs, lines, comp)
                mode = 0
            seg = Segment(parts)
            seg.number = number
            seg.position = offset + len(raw) - len(t)
            segments.append(seg)
            if sid == "CLP":
                segs = [seg]
                lines = []
                mode = 1
            elif sid == "GS":
                gs08 = parts[8] if len(parts) > 8 else ""
            elif sid == "ST":
                from oncobill.x12.specs import spec_for

                if parts[1] != "835" or spec_for("835", parts[3] if len(parts) > 3 and parts[3] else gs08, gs08) is not SPEC:
                    raise _GiveUp
            elif sid == "IEA":
                done = True
            offset += len(raw) + 1
    if mode or not done or tail.strip():
        raise _GiveUp  # truncated, or more than one interchange: the general reader reports it
    return segments, typed, delims
