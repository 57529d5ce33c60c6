"""Turn validation findings into a 999: one AK2 per transaction set, IK3/IK4 locating each
segment and element error, IK5 the verdict, AK9 the group's."""

from __future__ import annotations

from oncobill.x12.acks import ElementError, ImplementationAck, SegmentError, SetResponse
from oncobill.x12.findings import SEG_HAS_ELEMENT_ERRORS, SET_IMPL_SEGMENTS_IN_ERROR, SET_SEGMENTS_IN_ERROR


def _element_position(element: str | None) -> tuple[int, int | None]:
    if not element:
        return 0, None
    name, _, component = element.partition("-")
    pos = name[-2:]
    return (int(pos) if pos.isdigit() else 0), (int(component) if component.isdigit() else None)


def result_to_999(result) -> list[ImplementationAck]:
    """One :class:`ImplementationAck` per functional group validated.

    SNIP 1-2 errors reject the set (R); balancing, situational and code-set errors accept it
    with errors noted (E), so a real clearinghouse would answer those in the 277CA.
    """
    acks: dict[str, ImplementationAck] = {}
    for s in result.sets:
        ack = acks.get(s["group"])
        if ack is None:
            ack = acks[s["group"]] = ImplementationAck(s["gs01"], s["group"], s["version"], "A", 0, 0, 0)
        resp = SetResponse(s["st01"], s["st02"], s["status"], s.get("st03") or "")
        by_segment: dict[tuple, SegmentError] = {}
        for f in result.findings:
            if f.transaction != s["st02"] or f.group != s["group"] or f.severity != "error":
                continue
            if f.ik5 and f.ik5 not in resp.set_errors:
                resp.set_errors.append(f.ik5)
            if (
                f.segment_id is None
                or f.position_in_set is None
                or f.segment_id in ("ST", "SE", "GS", "GE", "ISA", "IEA")
            ):
                continue
            key = (f.segment_id, f.position_in_set)
            err = by_segment.get(key)
            if err is None:
                code = f.ik3 or SEG_HAS_ELEMENT_ERRORS
                loop = f.loop if f.loop and len(f.loop) <= 4 and f.loop != "ST" else ""
                err = by_segment[key] = SegmentError(f.segment_id, f.position_in_set, code, loop)
                resp.segment_errors.append(err)
            if f.ik4 and f.element:
                pos, comp = _element_position(f.element)
                if pos:
                    err.code = SEG_HAS_ELEMENT_ERRORS
                    err.elements.append(ElementError(pos, f.ik4, comp, "", (f.value or "")[:99]))
        if resp.status != "A" and not resp.set_errors:
            resp.set_errors.append(
                SET_SEGMENTS_IN_ERROR if resp.status == "R" else SET_IMPL_SEGMENTS_IN_ERROR
            )
        if resp.status == "A":
            resp.set_errors = []
        ack.responses.append(resp)
        ack.sets_included += 1
        ack.sets_received += 1
        ack.sets_accepted += resp.status != "R"
    for ack in acks.values():
        statuses = {r.status for r in ack.responses}
        if statuses == {"A"}:
            ack.status = "A"
        elif "R" not in statuses:
            ack.status = "E"
        elif ack.sets_accepted:
            ack.status = "P"
        else:
            ack.status = "R"
    return list(acks.values())
