"""Streaming X12 tokenizer.

Delimiters come from each ISA (any characters, line breaks after the terminator or not);
a file may hold several interchanges with different delimiters. The file is read in
chunks, so a large remittance never has to sit in memory whole. Each segment keeps its
ordinal number in the file and its character offset, for error messages.
"""

from __future__ import annotations

import io
import os
from collections import namedtuple
from collections.abc import Iterator
from itertools import chain

from oncobill.x12.errors import X12Error

CHUNK = 1 << 20
ISA_LENGTH = 106
# Offsets of the 16 element separators in the fixed-length ISA.
_ISA_SEPARATOR_OFFSETS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)


# A plain namedtuple (not typing.NamedTuple): reading a file then needs no ``typing`` import.
Delimiters = namedtuple(
    "Delimiters",
    ("element", "repetition", "component", "segment"),
    defaults=("*", "^", ":", "~"),
    module=__name__,
)
Delimiters.__doc__ = "Element, repetition, component and segment separators of one interchange."


DEFAULT_DELIMITERS = Delimiters()


class Segment(list):
    """One segment: ``seg[0]`` is the segment ID, ``seg[1]`` element 01, and so on.

    A list subclass so X12 element numbers are list indexes and building one costs
    little more than ``str.split``. ``number`` is its 1-based ordinal in the file.
    """

    __slots__ = ("number", "position")

    @property
    def id(self) -> str:
        return self[0]

    def get(self, index: int, default: str = "") -> str:
        """Element *index* (1-based, as X12 counts) or *default* when absent."""
        return self[index] if index < len(self) else default

    def __repr__(self) -> str:
        return f"Segment({'*'.join(self)!r})"


def make_segment(elements: list[str] | tuple[str, ...], number: int = 0, position: int = 0) -> Segment:
    seg = Segment(elements)
    seg.number = number
    seg.position = position
    return seg


def delimiters_from_isa(head: str, position: int = 0, number: int = 1) -> Delimiters:
    """Read the four separators from the first 106 characters of an ISA."""
    if not head.startswith("ISA"):
        raise X12Error(
            "an interchange must start with ISA",
            position=position,
            segment_number=number,
            segment_id=head[:3],
        )
    if len(head) < ISA_LENGTH:
        raise X12Error(
            f"ISA is {len(head)} characters, must be {ISA_LENGTH} (truncated file?)",
            position=position,
            segment_number=number,
            segment_id="ISA",
        )
    element = head[3]
    for offset in _ISA_SEPARATOR_OFFSETS:
        if head[offset] != element:
            raise X12Error(
                "ISA is not fixed-length: element separator expected at character "
                f"{offset + 1}, found {head[offset]!r}",
                position=position + offset,
                segment_number=number,
                segment_id="ISA",
            )
    delims = Delimiters(element, head[82], head[104], head[105])
    if len(set(delims)) != 4 or any(c.isalnum() for c in delims):
        raise X12Error(
            f"ISA delimiters must be four distinct non-alphanumeric characters, got {tuple(delims)}",
            position=position,
            segment_number=number,
            segment_id="ISA",
            element="ISA16",
        )
    return delims


def _open(source) -> tuple[io.TextIOBase, bool]:
    if isinstance(source, str) and not (len(source) < 4096 and os.path.isfile(source)):
        return io.StringIO(source), True  # X12 text (a str that names no file)
    if isinstance(source, bytes):
        return io.StringIO(source.decode("utf-8", errors="surrogateescape")), True
    if isinstance(source, (str, os.PathLike)):
        return open(source, encoding="utf-8", errors="surrogateescape", newline=""), True
    return source, False


class Tokenizer:
    """Iterate the segments of an X12 source (text, bytes, path or open file).

    ``delimiters`` holds those of the interchange being read; it changes at each ISA.
    """

    def __init__(self, source, chunk_size: int = CHUNK) -> None:
        self.source = source
        self.chunk_size = chunk_size
        self.delimiters: Delimiters | None = None

    def __iter__(self) -> Iterator[Segment]:
        # Segments come in batches (one per chunk read) so the per-segment step is C-level.
        return chain.from_iterable(self.batches())

    def batches(self) -> Iterator[list[Segment]]:
        stream, owned = _open(self.source)
        try:
            yield from self._batches(stream)
        finally:
            if owned:
                stream.close()

    def _batches(self, stream: io.TextIOBase) -> Iterator[list[Segment]]:
        read = stream.read
        size = self.chunk_size
        buf = read(size)
        offset = 0  # character offset of buf[0] in the file
        number = 0
        eof = False
        while True:
            # Find the next ISA, skipping whitespace (and a BOM) between interchanges.
            while True:
                stripped = buf.lstrip(" \t\r\n\ufeff")
                offset += len(buf) - len(stripped)
                buf = stripped
                if len(buf) >= ISA_LENGTH or eof:
                    break
                more = read(size)
                if not more:
                    eof = True
                buf += more
            if not buf:
                if number == 0:
                    raise X12Error("empty file: no ISA found", position=0)
                return
            delims = delimiters_from_isa(buf[:ISA_LENGTH], offset, number + 1)
            self.delimiters = delims
            elem, term = delims.element, delims.segment
            strip = "\r\n" if term not in "\r\n" else ""
            interchange_done = False
            while not interchange_done:
                pieces = buf.split(term)
                rest = pieces.pop()  # text after the last terminator: maybe incomplete
                batch = []
                append = batch.append
                # Most files have no line breaks at all: then no piece needs stripping.
                clean = strip and "\n" not in buf and "\r" not in buf
                for i, raw in enumerate(pieces):
                    text = raw if clean else (raw.lstrip(strip) if strip else raw.rstrip("\r"))
                    if text:
                        number += 1
                        seg = Segment(text.split(elem))
                        seg.number = number
                        seg.position = offset + len(raw) - len(text)
                        append(seg)
                        if seg[0] == "IEA":
                            offset += len(raw) + 1
                            buf = term.join(pieces[i + 1 :] + [rest])
                            interchange_done = True
                            break
                    offset += len(raw) + 1
                yield batch
                if interchange_done:
                    break
                if eof:
                    if rest.strip():
                        raise X12Error(
                            "file ends inside a segment with no terminator (truncated?)",
                            position=offset,
                            segment_number=number + 1,
                            segment_id=rest.lstrip(strip)[:3],
                        )
                    return
                more = read(size)
                if not more:
                    eof = True
                buf = rest + more


def tokenize(source, chunk_size: int = CHUNK) -> Iterator[Segment]:
    """Segments of *source*; see :class:`Tokenizer`."""
    return iter(Tokenizer(source, chunk_size))
