"""Small X12-shaped files for transport tests (the adapters move bytes; they only sniff ST01), and a
fake sandbox payer that answers with them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


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


class FakePayer:
    """Answers each new 837 with a .999 and a .277ca, as the sandbox payer's contract says."""

    def __init__(self):
        self.calls: list[tuple[Path, dt.date]] = []
        self.answered: list[str] = []

    def __call__(self, mailbox: Path, *, today: dt.date):
        self.calls.append((mailbox, today))
        new = []
        for batch in sorted((mailbox / "outbound").glob("*.837")):
            if batch.name in self.answered:
                continue
            n = len(self.answered) + 100
            (mailbox / "inbound" / f"{batch.stem}.999").write_bytes(x12("999", n, gs08="005010X231A1"))
            (mailbox / "inbound" / f"{batch.stem}.277ca").write_bytes(x12("277", n + 50, gs08="005010X214"))
            self.answered.append(batch.name)
            new.append(batch.name)
        return {"answered": new}
