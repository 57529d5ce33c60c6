"""Elements the implementation guide marks "Not Used" at a position: a value planted there is
a located SNIP 2 finding (999 IK403 I10), as pyx12 reports it, and clean files give none."""

from __future__ import annotations

import pytest

from oncobill.x12 import read
from oncobill.x12.validate import validate

from .conftest import CORPUS, SMALL_835
from .oracle import pyx12_errors

P837 = (CORPUS / "837P_pyx12clean" / "linuxforhealth__demo.example1.x222a1.837").read_text()


def plant(text: str, sid: str, qualifier: str | None, element: int, value: str = "X") -> tuple[str, int]:
    """*text* with *value* in element *element* of the first segment *sid* (with element 01
    equal to *qualifier*, if given); returns the text and that segment's number."""
    doc = read(text)
    ic = doc.interchanges[0]
    elem, term = ic.delimiters.element, ic.delimiters.segment
    pieces = text.split(term)
    for n, piece in enumerate(pieces):
        parts = piece.strip("\r\n").split(elem)
        if parts[0] == sid and (qualifier is None or (len(parts) > 1 and parts[1] == qualifier)):
            assert element >= len(parts) or not parts[element], "the element must be empty before planting"
            parts += [""] * (element + 1 - len(parts))
            parts[element] = value
            pieces[n] = elem.join(parts)
            return term.join(pieces), n + 1
    raise AssertionError(f"no {sid} in the file")


def not_used(text: str) -> list:
    return [f for f in validate(text).findings if f.code == "not-used"]


@pytest.mark.parametrize("text", [P837, SMALL_835], ids=["837P", "835"])
def test_clean_files_have_no_not_used_findings(text):
    assert not_used(text) == []


# (file, segment, qualifier in element 01, element, loop): positions the guides mark Not Used.
CASES = [
    ("837P", "SV1", None, 6, "2400"),  # SV106 (service type code)
    ("837P", "SV1", None, 10, "2400"),  # SV110
    ("837P", "SV1", None, 13, "2400"),
    ("837P", "CLM", None, 3, "2300"),  # CLM03
    ("837P", "CLM", None, 4, "2300"),
    ("837P", "CLM", None, 15, "2300"),
    ("837P", "NM1", "85", 11, "2010AA"),  # billing provider NM111
    ("837P", "NM1", "PR", 4, "2010BB"),  # payer has no first name
    ("837P", "NM1", "QC", 8, "2010CA"),  # patient NM108: no ID at the patient level
    ("837P", "SBR", "P", 7, "2000B"),
    ("837P", "HL", "1", 2, "2000A"),  # the billing provider HL has no parent
    ("837P", "N4", None, 6, "2010AA"),
    ("835", "CLP", "PCN0001", 10, "2100"),
    ("835", "CLP", "PCN0001", 14, "2100"),
    ("835", "NM1", "QC", 11, "2100"),
    ("835", "DTM", "472", 3, "2110"),
    ("835", "REF", "6R", 3, "2110"),
    ("835", "N4", None, 5, "1000A"),
]


@pytest.mark.parametrize(("kind", "sid", "qualifier", "element", "loop"), CASES,
                         ids=[f"{c[0]}-{c[1]}{c[2] or ''}-{c[3]:02d}" for c in CASES])  # fmt: skip
def test_a_value_in_a_not_used_element_is_a_located_finding_pyx12_agrees(kind, sid, qualifier, element, loop):
    text, number = plant(P837 if kind == "837P" else SMALL_835, sid, qualifier, element)
    name = f"{sid}{element:02d}"
    found = not_used(text)
    assert [(f.segment_number, f.segment_id, f.element, f.loop, f.ik4, f.snip, f.value) for f in found] == [
        (number, sid, name, loop, "I10", 2, "X")
    ]
    assert found[0].located().startswith(f"segment {number} {sid} {name} (loop {loop}): [SNIP 2 not-used]")
    assert not validate(text).ok
    # pyx12, on the same file, reports the same element as "Not Used".
    assert any("Not Used" in e and f"({name})" in e for e in pyx12_errors(text))


# Every empty position of these segments, planted one at a time: whatever pyx12 reports as
# "Not Used" we report too, at the same element (the issue: find everything pyx12 finds).
PARITY = [("837P", "CLM", None), ("837P", "SV1", None), ("837P", "NM1", "IL"), ("835", "CLP", "PCN0001"),
          ("835", "NM1", "QC"), ("835", "AMT", None)]  # fmt: skip


@pytest.mark.parametrize(("kind", "sid", "qualifier"), PARITY, ids=[f"{p[0]}-{p[1]}{p[2] or ''}" for p in PARITY])
def test_everything_pyx12_reports_not_used_we_report_too(kind, sid, qualifier):
    from oncobill.x12.elements import _TEXT

    base = P837 if kind == "837P" else SMALL_835
    if kind == "835" and sid == "AMT":
        base = base.replace("REF*6R*LINE0001~", "REF*6R*LINE0001~AMT*B6*150~").replace("SE*17*", "SE*18*")
    seg = next(s for t in read(base).transactions() for s in t.segments()
               if s[0] == sid and (qualifier is None or s.get(1) == qualifier))  # fmt: skip
    checked = 0
    for element in range(1, len(_TEXT[sid].split()) + 1):
        if seg.get(element):
            continue
        text, number = plant(base, sid, qualifier, element, "1")
        name = f"{sid}{element:02d}"
        theirs = any("Not Used" in e and f"({name})" in e for e in pyx12_errors(text))
        ours = [f for f in not_used(text) if (f.segment_number, f.element) == (number, name)]
        assert bool(ours) == theirs, f"{name}: pyx12 {'reports' if theirs else 'does not report'} it as Not Used"
        checked += 1
    assert checked


def test_277ca_not_used_positions_agree_with_pyx12():
    from hypothesis import find

    from oncobill.x12.acks import build_277ca

    from .strategies import claim_acknowledgments
    from .test_properties import _interchange

    report = find(claim_acknowledgments(), lambda r: bool(r.providers))
    text = _interchange(build_277ca(report))
    assert not_used(text) == []
    for sid, qualifier, element in (("TRN", "1", 3), ("STC", None, 12), ("NM1", "QC", 11)):
        planted, number = plant(text, sid, qualifier, element)
        name = f"{sid}{element:02d}"
        assert [(f.segment_number, f.element) for f in not_used(planted)] == [(number, name)]
        assert any("Not Used" in e and f"({name})" in e for e in pyx12_errors(planted))
