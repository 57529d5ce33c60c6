"""Our declarative specs and element dictionary agree with pyx12's implementation-guide maps
(the oracle) where both describe the same thing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import pyx12

from oncobill.x12.elements import SEGMENTS
from oncobill.x12.specs import spec_for

MAPS = Path(pyx12.__file__).parent / "map"
GUIDES = [("835", "005010X221A1", "835.5010.X221.A1.xml"), ("837", "005010X222A1", "837.5010.X222.A1.xml"),
          ("837", "005010X223A2", "837Q3.I.5010.X223.A1.xml"), ("999", "005010X231A1", "999.5010X231.A1.xml"),
          ("277", "005010X214", "277.5010.X214.xml")]  # fmt: skip


def _pyx12_loops(path: Path) -> dict[str, tuple[str, str]]:
    """loop id -> (usage, first segment id) from a pyx12 map."""
    out = {}
    for loop in ET.parse(path).getroot().iter("loop"):
        first = loop.find("segment")
        if first is not None and loop.get("xid")[:1].isdigit():
            out[loop.get("xid")] = (loop.findtext("usage"), first.get("xid"))
    return out


@pytest.mark.parametrize("code,version,map_file", GUIDES, ids=[g[1] for g in GUIDES])
def test_loops_match_pyx12(code, version, map_file):
    theirs = _pyx12_loops(MAPS / map_file)
    ours = {lp.id: lp for lp in spec_for(code, version).root.walk() if lp.id != "ST"}
    assert set(ours) == set(theirs)
    for loop_id, (usage, first) in theirs.items():
        assert ours[loop_id].trigger.id == first, loop_id
        assert ours[loop_id].usage == usage, loop_id


def test_element_dictionary_matches_pyx12_data_elements():
    """Types and lengths of the elements of our segments, as pyx12's maps and dictionary say."""
    dataele = {
        e.get("ele_num"): (e.get("data_type"), int(e.get("min_len")), int(e.get("max_len")))
        for e in ET.parse(MAPS / "dataele.xml").getroot().iter("data_ele")
    }
    checked = mismatches = 0
    seen = set()
    problems = []
    for _, _, map_file in GUIDES:
        for seg in ET.parse(MAPS / map_file).getroot().iter("segment"):
            sid = seg.get("xid")
            if sid not in SEGMENTS:
                continue
            for el in seg.findall("element"):
                n = int(el.findtext("seq"))
                key = (sid, n)
                if key in seen or n > len(SEGMENTS[sid]):
                    continue
                seen.add(key)
                ours = SEGMENTS[sid][n - 1]
                t, lo, hi = dataele[el.findtext("data_ele")]
                t = {"N": "N0", "N0": "N0", "N2": "N2"}.get(t, t)
                checked += 1
                if (ours.type, ours.max) != (t, hi):
                    mismatches += 1
                    problems.append(
                        f"{sid}{n:02d}: ours {ours.type}{ours.min}-{ours.max}, pyx12 {t}{lo}-{hi}"
                    )
    assert checked > 150
    assert not problems, problems
