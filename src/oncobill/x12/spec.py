"""Declarative transaction specs: loops, segments, repeats, usage and the qualifiers that
identify a loop, in the spirit of implementation-guide maps.

A spec is written as indented text (see ``specs/*.py``), one line per segment slot or loop::

    LOOP 2100 R >1 Claim Payment Information
      CLP R 1
      CAS S 99 01=CO|OA|PI|PR
      NM1 R 1 @01=QC

``R``/``S`` is usage (required/situational), then the maximum use (``>1`` = unbounded).
``@NN=A|B`` is the qualifier that identifies the slot (or, on a loop's first segment, the
loop); ``NN=A|B`` lists the codes allowed at that element, ``req=1,2,5`` the elements the guide
requires at that position and ``nu=6,10,1-8`` the elements (and ``element-component``) it marks
"Not Used" there (all checked by the validator).
``LOOP 2300 R 100 Claim Information = 2300`` reuses an already declared loop.
"""

from __future__ import annotations

# Envelope segments never sit in a loop's slot table: the reader's hot loop places a
# segment its current loop takes before it looks for SE or a stray envelope segment.
_ENVELOPE_IDS = ("ISA", "IEA", "GS", "GE", "ST", "SE")


# Plain classes, not dataclasses: reading a file then never imports ``dataclasses`` (and the
# ``inspect``/``ast``/``re`` it pulls in), a noticeable part of a short process's start-up.
class SegmentSpec:
    """A segment position in a loop."""

    __slots__ = (
        "id", "usage", "max_use", "qual_index", "qual_codes", "codes", "order", "required_elements", "not_used",
    )  # fmt: skip

    def __init__(
        self,
        id: str,
        usage: str = "S",
        max_use: int | None = 1,
        qual_index: int = 0,
        qual_codes: frozenset[str] = frozenset(),
        codes: dict | None = None,
        order: int = 0,
        required_elements: tuple[int, ...] = (),
        not_used: tuple = (),
    ) -> None:
        self.id = id
        self.usage = usage
        self.max_use = max_use
        self.qual_index = qual_index
        self.qual_codes = qual_codes
        self.codes: dict[int | tuple[int, int], frozenset[str]] = codes if codes is not None else {}
        self.order = order
        self.required_elements = required_elements  # elements the guide requires here (``req=1,2,5``)
        # Elements (``6``) and components (``(1, 8)``) the guide marks "Not Used" here (``nu=6,10,1-8``).
        self.not_used = not_used

    def __repr__(self) -> str:
        return f"SegmentSpec({self.label()} {self.usage} {self.max_use})"

    @property
    def required(self) -> bool:
        return self.usage == "R"

    def matches(self, seg) -> bool:
        qi = self.qual_index
        return not qi or (qi < len(seg) and seg[qi] in self.qual_codes)

    def label(self) -> str:
        if self.qual_index:
            return f"{self.id}{self.qual_index:02d}={'|'.join(sorted(self.qual_codes))}"
        return self.id


class LoopSpec:
    """A loop: its first segment identifies it; ``items`` are segment slots and child loops in order."""

    __slots__ = (
        "id", "name", "usage", "max_use", "items", "segments", "children", "trailing", "take", "take_any",
        "take_qual", "loops",
    )  # fmt: skip

    def __init__(
        self, id: str, name: str = "", usage: str = "S", max_use: int | None = 1, items: list | None = None
    ) -> None:
        self.id = id
        self.name = name
        self.usage = usage
        self.max_use = max_use
        self.items: list = items if items is not None else []
        # Built by compile():
        self.segments: dict = {}  # segment id -> [SegmentSpec] (not the trigger)
        self.children: dict = {}  # trigger segment id -> [LoopSpec]
        self.trailing: frozenset[str] = frozenset()  # segment ids written after the child loops
        self.take: dict = {}
        self.take_any: frozenset[str] = frozenset()  # segment IDs this loop takes whatever their qualifier
        self.take_qual: dict = {}  # segment ID -> (qualifier index > 0, codes)
        self.loops: list = []

    def __repr__(self) -> str:
        return f"LoopSpec({self.id} {self.name!r})"

    @property
    def trigger(self) -> SegmentSpec:
        return self.items[0]

    @property
    def required(self) -> bool:
        return self.usage == "R"

    def compile(self, is_root: bool = False) -> LoopSpec:
        segs: dict[str, list] = {}
        children: dict[str, list] = {}
        trailing = set()
        seen_loop = False
        start = 0 if is_root else 1
        for order, item in enumerate(self.items):
            if isinstance(item, LoopSpec):
                seen_loop = True
                children.setdefault(item.trigger.id, []).append(item)
                self.loops.append(item)
            elif order >= start:
                item.order = order
                segs.setdefault(item.id, []).append(item)
                if seen_loop:
                    trailing.add(item.id)
        self.segments, self.children, self.trailing = segs, children, frozenset(trailing)
        # What the reader needs per segment ID: (qualifier index, codes), index 0 = any.
        take = {}
        for sid, slots in segs.items():
            if any(not s.qual_index for s in slots):
                take[sid] = (0, frozenset())
            elif len({s.qual_index for s in slots}) == 1:
                take[sid] = (slots[0].qual_index, frozenset().union(*(s.qual_codes for s in slots)))
            else:  # qualifiers on different elements: rare, checked slot by slot
                take[sid] = (-1, frozenset())
        for sid in _ENVELOPE_IDS:  # the reader handles these before any slot table
            take.pop(sid, None)
        self.take = take
        self.take_any = frozenset(sid for sid, (qi, _) in take.items() if qi == 0)
        self.take_qual = {sid: t for sid, t in take.items() if t[0] > 0}
        return self

    def find_loop(self, loop_id: str) -> LoopSpec | None:
        for loop in self.loops:
            if loop.id == loop_id:
                return loop
            found = loop.find_loop(loop_id)
            if found is not None:
                return found
        return None

    def walk(self):
        """This loop and every loop under it (each reused loop once per place)."""
        yield self
        for loop in self.loops:
            yield from loop.walk()


class TransactionSpec:
    """One implementation guide: transaction set code, version (GS08/ST03), functional group code."""

    __slots__ = ("code", "version", "group", "name", "root", "st03")

    def __init__(self, code: str, version: str, group: str, name: str, root: LoopSpec, st03: bool = True) -> None:
        self.code = code
        self.version = version
        self.group = group
        self.name = name
        self.root = root
        self.st03 = st03  # the 835 guide marks ST03 "not used"

    def __repr__(self) -> str:
        return f"TransactionSpec({self.key})"

    @property
    def key(self) -> str:
        return f"{self.code}/{self.version}"


def _max(text: str) -> int | None:
    return None if text.startswith(">") else int(text)


def _segment_line(words: list[str]) -> SegmentSpec:
    seg = SegmentSpec(words[0], words[1], _max(words[2]))
    for word in words[3:]:
        key, _, values = word.partition("=")
        if key == "req":
            seg.required_elements = tuple(int(v) for v in values.split(","))
            continue
        if key == "nu":
            seg.not_used = tuple(
                tuple(int(p) for p in v.split("-")) if "-" in v else int(v) for v in values.split(",")
            )
            continue
        codes = frozenset(v for v in values.split("|") if v)
        if key.startswith("@"):
            seg.qual_index = int(key[1:])
            seg.qual_codes = codes
            seg.codes[seg.qual_index] = codes
        elif "-" in key:
            element, component = key.split("-")
            seg.codes[(int(element), int(component))] = codes
        else:
            seg.codes[int(key)] = codes
    return seg


def parse_spec(
    code: str, version: str, group: str, name: str, text: str, st03: bool = True
) -> TransactionSpec:
    """Build a TransactionSpec from the indented text form."""
    root = LoopSpec("ST", name, "R", 1)
    stack: list[tuple[int, LoopSpec]] = [(-1, root)]
    declared: dict[str, LoopSpec] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        words = line.split()
        if words[0] == "LOOP":
            loop_id, usage, max_use = words[1], words[2], _max(words[3])
            rest = " ".join(words[4:])
            loop_name, _, same_as = rest.partition(" = ")
            if same_as:
                base = declared[same_as.strip()]
                loop = LoopSpec(loop_id, loop_name or base.name, usage, max_use, base.items)
            else:
                loop = LoopSpec(loop_id, loop_name, usage, max_use)
                declared[loop_id] = loop
            parent.items.append(loop)
            stack.append((indent, loop))
        else:
            parent.items.append(_segment_line(words))
    _compile_all(root)
    return TransactionSpec(code, version, group, name, root, st03)


def _compile_all(root: LoopSpec) -> None:
    compiled: dict[int, LoopSpec] = {}

    def visit(loop: LoopSpec, is_root: bool) -> None:
        base = compiled.get(id(loop.items))
        if base is not None:  # a reused loop shares the compiled tables of its first declaration
            loop.segments, loop.children = base.segments, base.children
            loop.trailing, loop.loops, loop.take = base.trailing, base.loops, base.take
            loop.take_any, loop.take_qual = base.take_any, base.take_qual
            return
        compiled[id(loop.items)] = loop
        loop.compile(is_root)
        for child in loop.loops:
            visit(child, False)

    visit(root, True)
