"""The reading half of the engine: one walk over the segments, guided by the spec.

Each segment goes to the first slot of the current loop that takes it, or opens a child
loop whose first segment (and qualifier) it matches, or closes loops until an enclosing
one takes it. Envelope counts and control numbers are checked as the trailers arrive.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

from oncobill.x12.errors import X12Error
from oncobill.x12.model import Group, Interchange, Loop, Transaction, X12File
from oncobill.x12.spec import LoopSpec, TransactionSpec
from oncobill.x12.specs import spec_for
from oncobill.x12.tokenizer import DEFAULT_DELIMITERS, Segment, Tokenizer


class _Findings:
    """The findings module, imported when the first problem is reported: reading a good file
    never needs it (nor the ``dataclasses`` import behind ``Finding``)."""

    def __getattr__(self, name: str):
        from oncobill.x12 import findings

        return getattr(findings, name)


F = _Findings()


class gc_paused:
    """Keep the cyclic garbage collector out of a bulk parse (``with gc_paused(): ...``).

    A parse builds millions of small acyclic objects; collections triggered by those
    allocations roughly triple the parse time, and merely disabling the collector defers
    the bill: the first young collection afterwards scans everything built, then again as
    it ages. So what was built is moved straight to the oldest generation
    (``gc.freeze()`` then ``gc.unfreeze()``), which only full collections visit: nothing
    becomes uncollectable, and reference counting frees the document when it is dropped.
    A small class rather than ``contextlib.contextmanager``: reading imports no contextlib.
    """

    __slots__ = ("was_enabled",)

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc) -> None:
        if self.was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


class Parser:
    """One walk over the segments of *source*, placing them by the spec of each transaction set;
    ``events()`` yields each loop named in *detach* as it closes, and each interchange when it ends.
    The typed 835 readers drive it directly (``remit835.general_remittances``, ``fast835``)."""

    def __init__(self, source, *, strict: bool, findings: list | None, detach: frozenset[str]) -> None:
        self.tokens = Tokenizer(source)
        self.strict = strict
        self.findings = findings if findings is not None else []
        self.warnings: list = []  # of Finding
        self.detach = detach
        self.st02: str | None = None
        self.gs06: str | None = None
        self.st_number = 0

    # -- errors -------------------------------------------------------------------------
    def fail(self, reason: str, seg: Segment | None, element: str | None = None, **kw) -> None:
        if self.strict:
            raise X12Error(
                reason,
                position=getattr(seg, "position", None),
                segment_number=getattr(seg, "number", None),
                segment_id=seg[0] if seg else None,
                element=element,
            )
        self.findings.append(
            F.Finding(
                snip=kw.pop("snip", 1),
                code=kw.pop("code", "syntax"),
                message=reason,
                segment_number=getattr(seg, "number", None),
                segment_id=seg[0] if seg else None,
                element=element,
                transaction=self.st02,
                group=self.gs06,
                position_in_set=(seg.number - self.st_number + 1) if (seg and self.st02) else None,
                **kw,
            )
        )

    def warn(self, reason: str, seg: Segment, element: str | None = None, **kw) -> None:
        self.warnings.append(
            F.Finding(
                snip=kw.pop("snip", 1),
                code=kw.pop("code", "syntax"),
                message=reason,
                segment_number=seg.number,
                segment_id=seg[0],
                element=element,
                transaction=self.st02,
                group=self.gs06,
                **kw,
            )
        )

    # -- envelope -----------------------------------------------------------------------
    def events(self) -> Iterator[tuple]:
        it = iter(self.tokens)
        for seg in it:
            if seg[0] != "ISA":
                self.fail(f"expected ISA to open an interchange, found {seg[0]}", seg, code="envelope")
                continue
            ic = Interchange(seg, delimiters=self.tokens.delimiters)
            closed = False
            for seg2 in it:
                sid = seg2[0]
                if sid == "GS":
                    group = Group(seg2)
                    ic.groups.append(group)
                    yield from self.group(group, it)
                elif sid == "IEA":
                    ic.iea = seg2
                    self.check_trailer(seg2, len(ic.groups), seg[13] if len(seg) > 13 else "", "IEA", "ISA13")
                    closed = True
                    break
                else:
                    self.fail(f"expected GS or IEA, found {sid}", seg2, code="envelope")
            if not closed:
                self.fail("file ends before IEA closes the interchange (truncated?)", seg, code="envelope")
            yield ("interchange", ic)

    def check_trailer(self, seg: Segment, count: int, control: str, what: str, header: str) -> None:
        if seg.get(1) != str(count):
            self.fail(
                f"{what}01 says {seg.get(1) or 'nothing'}, but {count} were counted",
                seg,
                f"{what}01",
                code="count",
                ik5=F.SET_COUNT_MISMATCH,
                fix=f"write {what}01 as {count}",
            )
        if seg.get(2) != control:
            # A mislabelled trailer loses no data: report it, keep reading.
            self.warn(
                f"{what}02 control number {seg.get(2)!r} does not match {header} {control!r}",
                seg,
                f"{what}02",
                code="control-number",
                ik5=F.SET_CONTROL_MISMATCH,
                fix=f"write {what}02 as {control}",
            )

    def group(self, group: Group, it) -> Iterator[tuple]:
        self.gs06 = group.gs.get(6)
        for seg in it:
            sid = seg[0]
            if sid == "ST":
                yield from self.transaction(group, seg, it)
            elif sid == "GE":
                group.ge = seg
                self.check_trailer(seg, len(group.transactions), group.gs.get(6), "GE", "GS06")
                return
            else:
                self.fail(f"expected ST or GE, found {sid}", seg, code="envelope")
                if sid == "IEA":
                    raise X12Error(
                        "IEA before GE closed the group", segment_number=seg.number, segment_id="IEA"
                    )
        self.fail("file ends before GE closes the group", group.gs, code="envelope")

    # -- transaction body -----------------------------------------------------------------
    def transaction(self, group: Group, st: Segment, it) -> Iterator[tuple]:
        self.st02 = st.get(2)
        self.st_number = st.number
        version = st.get(3) or group.gs.get(8)
        spec = spec_for(st.get(1), version, group.gs.get(8))
        if spec is None:
            self.fail(
                f"transaction set {st.get(1)} version {version} is not supported",
                st,
                "ST01",
                code="unsupported",
                ik5=F.SET_NOT_SUPPORTED,
            )
            spec = _generic_spec(st.get(1), version)
        txn = Transaction(spec, st, Loop(spec.root), delimiters=self.tokens.delimiters or DEFAULT_DELIMITERS)
        group.transactions.append(txn)
        root = txn.body
        stack = [root]
        node = root
        lspec: LoopSpec = spec.root
        detach = self.detach
        generic = spec.version == "*"
        # Hot loop: the current loop's table and segment list are kept in locals and only
        # looked up again when the current loop changes. Slot tables never hold envelope
        # segment IDs (spec.py), so a segment the current loop takes is placed at once.
        take_any = lspec.take_any
        take_qual = lspec.take_qual.get
        append = node.segments.append
        for seg in it:
            sid = seg[0]
            if sid in take_any:
                append(seg)
                continue
            take = take_qual(sid)
            if take is not None:
                qi = take[0]
                if qi < len(seg) and seg[qi] in take[1]:
                    append(seg)
                    continue
            if sid == "SE":
                txn.se = seg
                count = seg.number - st.number + 1  # numbers are consecutive: ST..SE inclusive
                if detach:
                    while len(stack) > 1:
                        done = stack.pop()
                        if done.spec.id in detach:
                            stack[-1].loops.pop()
                            yield ("loop", txn, done)
                self.check_trailer(seg, count, st.get(2), "SE", "ST02")
                self.st02 = None
                return
            if sid in _ENVELOPE:
                self.fail(
                    f"{sid} before SE closed transaction set {st.get(2)} (missing SE?)",
                    seg,
                    code="envelope",
                    ik5=F.SET_TRAILER_MISSING,
                )
                raise X12Error(
                    f"{sid} before SE closed transaction set {st.get(2)}",
                    position=seg.position,
                    segment_number=seg.number,
                    segment_id=sid,
                )
            if generic:
                append(seg)
                continue
            depth = len(stack) - 1
            fallback = -1  # innermost loop that has slots for this segment ID, qualifier aside
            while True:
                take = lspec.take.get(sid)
                target = None
                if take is not None:
                    qi = take[0]
                    if (
                        qi == 0
                        or (qi > 0 and qi < len(seg) and seg[qi] in take[1])
                        or qi < 0
                        and any(slot.matches(seg) for slot in lspec.segments[sid])
                    ):
                        target = node
                opened = None
                if target is None:
                    kids = lspec.children.get(sid)
                    if kids is not None:
                        for kid in kids:
                            trig = kid.items[0]
                            qi = trig.qual_index
                            if not qi or (qi < len(seg) and seg[qi] in trig.qual_codes):
                                opened = kid
                                break
                if target is None and opened is None:
                    if take is not None and fallback < 0:
                        fallback = depth
                    if depth == 0 and fallback >= 0:
                        # Known segment with a qualifier the guide does not list here: keep it
                        # where its ID belongs; the validator reports the code.
                        depth = fallback
                        node = stack[depth]
                        lspec = node.spec
                        target = node
                    elif depth == 0:
                        node = stack[-1]
                        lspec = node.spec
                        take_any = lspec.take_any
                        take_qual = lspec.take_qual.get
                        append = node.segments.append
                        self.fail(
                            f"segment {_describe(seg)} is not expected here ({_where(stack)})",
                            seg,
                            code="unexpected-segment",
                            ik3=F.SEG_UNEXPECTED,
                            loop=node.spec.id,
                        )
                        break
                    else:
                        depth -= 1
                        node = stack[depth]
                        lspec = node.spec
                        continue
                # Close the loops left behind, handing detached ones to the caller.
                while len(stack) > depth + 1:
                    done = stack.pop()
                    if detach and done.spec.id in detach:
                        stack[-1].loops.pop()
                        yield ("loop", txn, done)
                if opened is None:
                    node.segments.append(seg)
                else:
                    new = Loop(opened, [seg])
                    node.loops.append(new)
                    stack.append(new)
                    node = new
                    lspec = opened
                take_any = lspec.take_any
                take_qual = lspec.take_qual.get
                append = node.segments.append
                break
        self.fail(
            f"file ends before SE closes transaction set {st.get(2)} (truncated?)",
            st,
            code="envelope",
            ik5=F.SET_TRAILER_MISSING,
        )
        raise X12Error(
            f"file ends before SE closes transaction set {st.get(2)} (truncated?)",
            segment_number=st.number,
            segment_id="ST",
        )


_ENVELOPE = frozenset(("ISA", "IEA", "GS", "GE", "ST"))


def _describe(seg: Segment) -> str:
    return "*".join(seg[:3]) if len(seg) > 1 else seg[0]


def _where(stack: list[Loop]) -> str:
    return "in loop " + " > ".join(lp.spec.id for lp in stack)


def _generic_spec(code: str, version: str) -> TransactionSpec:
    return TransactionSpec(code, "*", "", f"unsupported {code} {version}", LoopSpec("ST", "", "R", 1))


def read(source, *, strict: bool = True, findings: list | None = None) -> X12File:
    """Parse *source* (text, bytes, path or open file) into an :class:`X12File`.

    Strict (the default) raises :class:`X12Error` at the first malformed segment and never
    returns half a document; with ``strict=False`` problems are appended to *findings*.
    """
    parser = Parser(source, strict=strict, findings=findings, detach=frozenset())
    out = X12File()
    with gc_paused():
        for event in parser.events():
            out.interchanges.append(event[1])
    out.warnings = parser.warnings
    return out


def stream(source, loop_id: str, *, strict: bool = True, findings: list | None = None):
    """Yield ``(transaction, loop)`` for each completed loop *loop_id* (e.g. 835 claim
    payments, ``"2100"``), detached from the tree, so memory stays flat for any file size.

    The transaction passed along holds the header read so far (payer, payee, BPR/TRN).
    """
    parser = Parser(source, strict=strict, findings=findings, detach=frozenset((loop_id,)))
    for event in parser.events():
        if event[0] == "loop":
            yield event[1], event[2]


def place_body(spec: TransactionSpec, st: Segment, body: list[Segment]) -> Transaction:
    """Place body segments into the loops of *spec* (used by writers building documents)."""
    from oncobill.x12.tokenizer import make_segment

    parser = Parser("", strict=True, findings=None, detach=frozenset())
    group = Group(make_segment(["GS", spec.group, "", "", "", "", "1", "X", spec.version]))
    se = make_segment(["SE", str(len(body) + 2), st[2]])
    for seg, n in zip(body, range(2, len(body) + 2)):
        seg.number = n
        seg.position = 0
    st.number, st.position, se.number, se.position = 1, 0, len(body) + 2, 0
    for _ in parser.transaction(group, st, iter(body + [se])):
        pass
    txn = group.transactions[0]
    txn.se = None  # the writer computes SE
    return txn
