"""The writing half of the engine: documents are written from segments, and every count
and control number in the trailers (SE, GE, IEA) is computed here, never carried by hand."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO

from oncobill.x12.model import Group, Interchange, Loop, Transaction, X12File
from oncobill.x12.spec import TransactionSpec
from oncobill.x12.tokenizer import DEFAULT_DELIMITERS, Delimiters, Segment, make_segment


def _trailers(ic: Interchange) -> Iterator[Segment]:
    """All segments of an interchange with computed trailers."""
    yield ic.isa
    for group in ic.groups:
        yield group.gs
        for txn in group.transactions:
            count = 1
            yield txn.st
            for seg in txn.body.ordered():
                count += 1
                yield seg
            yield make_segment(["SE", str(count + 1), txn.st[2]])
        yield make_segment(["GE", str(len(group.transactions)), group.gs[6]])
    yield make_segment(["IEA", str(len(ic.groups)), ic.isa[13]])


def iter_text(doc: X12File | Interchange, delimiters: Delimiters | None = None, line_breaks: bool = False):
    """Yield the document as text, one interchange at a time (for streaming to a file)."""
    interchanges = doc.interchanges if isinstance(doc, X12File) else [doc]
    for ic in interchanges:
        src = ic.delimiters
        out = delimiters or src
        elem = out.element
        term = out.segment + ("\n" if line_breaks and out.segment != "\n" else "")
        table = None
        if out != src:
            table = str.maketrans({src.component: out.component, src.repetition: out.repetition})
        lines = []
        append = lines.append
        for seg in _trailers(ic):
            if seg[0] == "ISA":
                isa = list(seg)
                isa[11] = out.repetition
                isa[16] = out.component
                append(elem.join(isa))
            elif table is not None:
                append(elem.join([e.translate(table) for e in seg]))
            else:
                append(elem.join(seg))
            if len(lines) >= 65536:
                yield term.join(lines) + term
                lines.clear()
        if lines:
            yield term.join(lines) + term


def write(doc: X12File | Interchange, delimiters: Delimiters | None = None, line_breaks: bool = False) -> str:
    """The document as one string, trailers computed."""
    from oncobill.x12.reader import gc_paused

    with gc_paused():
        return "".join(iter_text(doc, delimiters, line_breaks))


def write_to(stream: IO[str], doc, delimiters: Delimiters | None = None, line_breaks: bool = False) -> None:
    for chunk in iter_text(doc, delimiters, line_breaks):
        stream.write(chunk)


# -- building new documents ---------------------------------------------------------------


def build_transaction(
    spec: TransactionSpec, control_number: int | str, body: Iterable[Segment | list]
) -> Transaction:
    """A transaction set from its body segments (between ST and SE), placed into loops by
    the same engine that reads; raises :class:`X12Error` if a segment has no place."""
    from oncobill.x12.reader import gc_paused, place_body

    with gc_paused():
        return _build_transaction(spec, control_number, body, place_body)


def _build_transaction(spec, control_number, body, place_body) -> Transaction:
    st = make_segment(["ST", spec.code, _control(control_number, 4)] + ([spec.version] if spec.st03 else []))
    segs = [s if isinstance(s, Segment) else make_segment(list(s)) for s in body]
    return place_body(spec, st, segs)


def _control(number: int | str, width: int) -> str:
    return str(number).zfill(width) if str(number).isdigit() else str(number)


def build_interchange(
    groups: list[tuple[TransactionSpec, list[Transaction]]],
    *,
    sender_id: str,
    receiver_id: str,
    control_number: int,
    group_control_start: int = 1,
    sender_qualifier: str = "ZZ",
    receiver_qualifier: str = "ZZ",
    application_sender: str | None = None,
    application_receiver: str | None = None,
    when: datetime | None = None,
    usage: str = "P",
    delimiters: Delimiters = DEFAULT_DELIMITERS,
) -> Interchange:
    """Wrap transactions in GS/GE groups and an ISA/IEA envelope, numbering the groups.

    ISA13 is *control_number* (9 digits); GS06 counts up from *group_control_start*.
    """
    when = when or datetime.now()
    isa = make_segment(
        [
            "ISA", "00", " " * 10, "00", " " * 10,
            sender_qualifier, sender_id.ljust(15)[:15], receiver_qualifier, receiver_id.ljust(15)[:15],
            when.strftime("%y%m%d"), when.strftime("%H%M"), delimiters.repetition, "00501",
            str(control_number).zfill(9), "0", usage, delimiters.component,
        ]
    )  # fmt: skip
    ic = Interchange(isa, delimiters=delimiters)
    for n, (spec, txns) in enumerate(groups):
        gs = make_segment(
            [
                "GS", spec.group, application_sender or sender_id, application_receiver or receiver_id,
                when.strftime("%Y%m%d"), when.strftime("%H%M"), str(group_control_start + n), "X", spec.version,
            ]
        )  # fmt: skip
        ic.groups.append(Group(gs, list(txns)))
    return ic


__all__ = ["Loop", "build_interchange", "build_transaction", "iter_text", "write", "write_to"]
