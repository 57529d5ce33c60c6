"""Small X12-shaped files for transport tests (the adapters move bytes; they only sniff ST01)."""

from __future__ import annotations


def x12(st01: str, control: int, *, filler_segments: int = 0, gs08: str = "005010X222A1") -> bytes:
    isa = (
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{'ONCOBILL':15}*ZZ*{'CLEARINGHOUSE':15}*261127*1200*^*00501*"
        f"{control:09d}*0*T*:~"
    )
    assert len(isa) == 106, len(isa)
    body = [f"GS*HC*ONCOBILL*CLEARINGHOUSE*20261127*1200*{control}*X*{gs08}", f"ST*{st01}*0001*{gs08}"]
    body += [f"NTE*ADD*FILLER SEGMENT {i:08d} TO MAKE THIS FILE LARGE ENOUGH TO CUT MID-TRANSFER"
             for i in range(filler_segments)]  # fmt: skip
    body += [f"SE*{len(body)}*0001", f"GE*1*{control}", f"IEA*1*{control:09d}"]
    return (isa + "~".join(body) + "~\n").encode()


BIG = 25_000  # filler segments: about 2 MB, far larger than any SSH window or proxy threshold
