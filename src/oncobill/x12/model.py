"""The parsed document: interchanges, groups, transactions, loops and segments.

Light objects (``__slots__``, segments are lists) because a monthly remittance holds
millions of them; everything is kept, so a document writes back byte-for-byte.
"""

from __future__ import annotations

from collections.abc import Iterator

from oncobill.x12.spec import LoopSpec, TransactionSpec
from oncobill.x12.tokenizer import DEFAULT_DELIMITERS, Delimiters, Segment, make_segment


class Loop:
    """One occurrence of a loop: its own segments and its child loops, in file order."""

    __slots__ = ("loops", "segments", "spec")

    def __init__(self, spec: LoopSpec, segments: list | None = None, loops: list | None = None) -> None:
        self.spec = spec
        self.segments: list[Segment] = segments if segments is not None else []
        self.loops: list[Loop] = loops if loops is not None else []

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def name(self) -> str:
        return self.spec.name

    def segment(self, seg_id: str, qualifier: str | None = None, index: int = 1) -> Segment | None:
        """First segment *seg_id* (with element *index* equal to *qualifier*, if given)."""
        for seg in self.segments:
            if seg[0] == seg_id and (qualifier is None or (len(seg) > index and seg[index] == qualifier)):
                return seg
        return None

    def all(self, seg_id: str, qualifier: str | None = None, index: int = 1) -> list[Segment]:
        return [
            s
            for s in self.segments
            if s[0] == seg_id and (qualifier is None or (len(s) > index and s[index] == qualifier))
        ]

    def children(self, loop_id: str) -> list[Loop]:
        return [lp for lp in self.loops if lp.spec.id == loop_id]

    def child(self, loop_id: str) -> Loop | None:
        for lp in self.loops:
            if lp.spec.id == loop_id:
                return lp
        return None

    def walk(self) -> Iterator[Loop]:
        """This loop and all loops under it, depth first in file order."""
        yield self
        for lp in self.loops:
            yield from lp.walk()

    def find(self, loop_id: str) -> Iterator[Loop]:
        return (lp for lp in self.walk() if lp.spec.id == loop_id)

    def ordered(self) -> Iterator[Segment]:
        """Segments of this loop and its children in writing order (spec order where the
        guide puts segments after child loops, as 835 PLB, 999 IK5 or 271 LS/LE)."""
        spec = self.spec
        if spec.trailing:
            items = []
            for n, seg in enumerate(self.segments):
                items.append((_slot_order(spec, seg), n, seg))
            for n, lp in enumerate(self.loops):
                items.append((spec.items.index(lp.spec), len(self.segments) + n, lp))
            items.sort(key=lambda t: (t[0], t[1]))
            for _, _, item in items:
                if isinstance(item, Loop):
                    yield from item.ordered()
                else:
                    yield item
        else:
            yield from self.segments
            for lp in self.loops:
                yield from lp.ordered()

    def count(self) -> int:
        n = len(self.segments)
        for lp in self.loops:
            n += lp.count()
        return n

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Loop):
            return NotImplemented
        return (
            self.spec.id == other.spec.id
            and list(map(list, self.segments)) == list(map(list, other.segments))
            and self.loops == other.loops
        )

    def __repr__(self) -> str:
        return f"Loop({self.spec.id}, {len(self.segments)} segments, {len(self.loops)} loops)"


def _slot_order(spec: LoopSpec, seg: Segment) -> int:
    slots = spec.segments.get(seg[0])
    if not slots:
        return 0  # the loop's first segment
    for slot in slots:
        if slot.matches(seg):
            return slot.order
    return slots[0].order


class Transaction:
    """One ST..SE transaction set, read by its implementation-guide spec."""

    __slots__ = ("body", "delimiters", "se", "spec", "st")

    def __init__(
        self,
        spec: TransactionSpec,
        st: Segment,
        body: Loop,
        se: Segment | None = None,
        delimiters: Delimiters = DEFAULT_DELIMITERS,
    ) -> None:
        self.spec, self.st, self.body, self.se = spec, st, body, se
        self.delimiters = delimiters  # of the interchange it was read from (composites split with them)

    @property
    def code(self) -> str:
        return self.st[1]

    @property
    def control_number(self) -> str:
        return self.st[2]

    @property
    def version(self) -> str:
        return self.st.get(3)

    def segments(self) -> Iterator[Segment]:
        """ST, body and SE in writing order (SE as read, or computed by the writer)."""
        yield self.st
        yield from self.body.ordered()
        if self.se is not None:
            yield self.se

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Transaction):
            return NotImplemented
        # Trailers are derived (the writer computes them), so they take no part in equality.
        return list(self.st) == list(other.st) and self.body == other.body


class Group:
    """A functional group GS..GE (GS01 names the kind, GS08 the implementation guide)."""

    __slots__ = ("ge", "gs", "transactions")

    def __init__(self, gs: Segment, transactions: list | None = None, ge: Segment | None = None) -> None:
        self.gs = gs
        self.transactions: list[Transaction] = transactions if transactions is not None else []
        self.ge = ge

    @property
    def version(self) -> str:
        return self.gs.get(8)

    @property
    def control_number(self) -> str:
        return self.gs.get(6)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Group):
            return NotImplemented
        return list(self.gs) == list(other.gs) and self.transactions == other.transactions


class Interchange:
    """An ISA..IEA envelope with the delimiters it declared."""

    __slots__ = ("delimiters", "groups", "iea", "isa")

    def __init__(
        self,
        isa: Segment,
        groups: list | None = None,
        iea: Segment | None = None,
        delimiters: Delimiters = DEFAULT_DELIMITERS,
    ) -> None:
        self.isa = isa
        self.groups: list[Group] = groups if groups is not None else []
        self.iea = iea
        self.delimiters = delimiters

    @property
    def control_number(self) -> str:
        return self.isa[13]

    @property
    def sender(self) -> str:
        return self.isa[6].strip()

    @property
    def receiver(self) -> str:
        return self.isa[8].strip()

    def transactions(self) -> Iterator[Transaction]:
        for group in self.groups:
            yield from group.transactions

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Interchange):
            return NotImplemented
        return list(self.isa) == list(other.isa) and self.groups == other.groups


class X12File:
    """Everything one file held: one or more interchanges."""

    __slots__ = ("interchanges", "warnings")

    def __init__(self, interchanges: list | None = None) -> None:
        self.interchanges: list[Interchange] = interchanges if interchanges is not None else []
        # Deviations the reader tolerates but reports (a trailer's control number that does
        # not echo its header, an errata version read by the mandated guide).
        self.warnings: list = []

    def transactions(self) -> Iterator[Transaction]:
        for ic in self.interchanges:
            yield from ic.transactions()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, X12File):
            return NotImplemented
        return self.interchanges == other.interchanges


def seg(*elements: str) -> Segment:
    """Build a segment from its ID and elements: ``seg("REF", "6R", "LINE1")``."""
    return make_segment([str(e) for e in elements])
