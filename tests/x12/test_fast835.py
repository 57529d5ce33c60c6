"""The in-memory 835 reader (fast835) gives what the general reader gives, or gives up.

Equal typed remittances (verbatim ``other`` segments as Segments with the same numbers and
positions), on the corpus, on generated remittances with unusual segments and layouts, and
the same located error for bad input (read_remittances then reads with the general reader).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oncobill.money import money
from oncobill.x12 import X12Error, write
from oncobill.x12.fast835 import fast_remittances, read_remittances
from oncobill.x12.remit835 import build_remittance, general_remittances
from oncobill.x12.tokenizer import Delimiters, Segment
from oncobill.x12.values import AMOUNTS, amount
from oncobill.x12.writer import build_interchange

from . import strategies as s
from .conftest import SMALL_835, corpus_files

CORPUS_835 = [p for p in corpus_files() if p.parent.name == "835"]


def general(source):
    """The general reader (spec walk over Segments), as read_remittances ran before fast835."""
    return general_remittances(source)


def kept(remits) -> list[tuple]:
    """Every segment a claim or line keeps verbatim, with its type, number and position."""
    out = []
    for r in remits:
        for c in r.claims:
            for seg in [*c.other, *(x for line in c.services for x in line.other)]:
                out.append((type(seg), seg.number, seg.position, list(seg)))
    return out


def same(a, b) -> bool:
    return a == b and repr(a) == repr(b) and kept(a) == kept(b)


def _text(remit, delimiters: Delimiters = Delimiters()) -> str:
    txn = build_remittance(remit)
    ic = build_interchange([(txn.spec, [txn])], sender_id="PAYER01", receiver_id="CLINIC01", control_number=7)
    return write(ic, delimiters=delimiters)


@pytest.mark.parametrize("path", CORPUS_835, ids=lambda p: p.name)
def test_corpus_835_reads_the_same_both_ways(path: Path):
    try:
        want = general(path)
    except X12Error as exc:  # a corpus file our reader refuses: the fast path must refuse it too
        assert fast_remittances(path) is None
        with pytest.raises(X12Error) as got:
            read_remittances(path)
        assert str(got.value) == str(exc)
        return
    fast = fast_remittances(path)
    assert fast is not None, "a clean 835 should take the in-memory path"
    assert same(fast, want)
    assert same(read_remittances(path), want)


def test_small_835_takes_the_fast_path_from_text_bytes_and_path(tmp_path):
    want = general(SMALL_835)
    f = tmp_path / "small.835"
    f.write_text(SMALL_835)
    for source in (SMALL_835, SMALL_835.encode(), f, str(f)):
        got = fast_remittances(source)
        assert got is not None and same(got, want)


# Unusual but valid placements: segments a loop keeps verbatim (other), qualifiers the guide
# lists that the typed view does not type, a 2100 segment after a line (the general reader
# goes back up to the claim), a segment placed only by the fallback rule.
UNUSUAL = {
    "claim REF*1L": ("NM1*QC", "REF*1L*GROUP1"),
    "claim DTM*036": ("NM1*QC", "DTM*036*20261231"),
    "claim AMT": ("NM1*QC", "AMT*AU*10"),
    "line DTM*150": ("DTM*472", "DTM*150*20260101"),
    "line REF*1S": ("REF*6R", "REF*1S*APC01"),
    "line QTY": ("REF*6R", "QTY*ZK*2"),
    "line REF*ZZ (fallback placement)": ("REF*6R", "REF*ZZ*ODD"),
    "claim NM1*74 after a line": ("REF*6R", "NM1*74*1*CORRECTED*NAME"),
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    s.remittances(),
    st.sampled_from(sorted(UNUSUAL)),
    st.sampled_from(["", "\n", "\r\n"]),
    st.booleans(),
)
def test_generated_835_reads_the_same_both_ways(remit, unusual, line_break, odd_delimiters):
    delims = Delimiters("|", "!", "}", "\x1c") if odd_delimiters else Delimiters()
    text = _text(remit, delims)
    after, insert = UNUSUAL[unusual]
    after = after.replace("*", delims.element)
    insert = insert.replace("*", delims.element)
    term = delims.segment
    at = text.find(term + after)
    if at >= 0:  # plant the unusual segment after the first such segment
        end = text.index(term, at + 1)
        text = text[: end + 1] + insert + text[end:]
        # keep SE01 right: one more segment in the set
        se = text.index(term + "SE" + delims.element)
        count_end = text.index(delims.element, se + 4)
        count = int(text[se + 4 : count_end])
        text = text[: se + 4] + str(count + 1) + text[count_end:]
    if line_break:
        text = text.replace(term, term + line_break)
    try:
        want = general(text)
    except X12Error as exc:  # e.g. a line segment left after the planted claim segment
        assert fast_remittances(text) is None
        with pytest.raises(X12Error) as got:
            read_remittances(text)
        assert str(got.value) == str(exc)
        return
    assert same(read_remittances(text), want)
    fast = fast_remittances(text)
    if fast is not None:
        assert same(fast, want)
    if at < 0 or unusual in ("line REF*ZZ (fallback placement)", "claim NM1*74 after a line"):
        return
    assert fast is not None, "these placements are the in-memory reader's to handle"


def _mutate(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    "bad",
    [
        _mutate(SMALL_835, "CLP*PCN0001*1*200.00", "CLP*PCN0001*1*200.001"),  # three-decimal money
        _mutate(SMALL_835, "DTM*472*20260102", "DTM*472*20261302"),  # no such date
        _mutate(SMALL_835, "SE*17*0001", "SE*16*0001"),  # wrong count
        _mutate(SMALL_835, "CAS*CO*45*30.00", "CAS*CO*45*3O.00"),  # not an amount
        _mutate(SMALL_835, "REF*6R*LINE0001~", "LQ*HE*N130~XYZ*1~"),  # unknown segment in a line
        SMALL_835[: SMALL_835.index("SE*17")],  # truncated
        _mutate(SMALL_835, "ST*835*0001*", "ST*837*0001*"),  # another transaction set, 835 version
        _mutate(SMALL_835, "CLP*PCN0001*1*200.00*150.00*20.00*12*PAYERICN0001~", "CLP*PCN0001*1~"),  # short CLP
        _mutate(SMALL_835, "SVC*HC:96413*200.00*150.00**1~", "SVC*HC:96413~"),  # short SVC
        SMALL_835 + "ISA*00",  # a second, broken interchange
        _mutate(SMALL_835, "LX*1~", ""),  # a claim outside a 2000 loop
    ],
)
def test_bad_input_gives_the_general_readers_located_error(bad):
    with pytest.raises(Exception) as want:
        general(bad)
    assert fast_remittances(bad) is None
    with pytest.raises(type(want.value)) as got:
        read_remittances(bad)
    assert str(got.value) == str(want.value)
    if isinstance(want.value, X12Error):
        assert (got.value.segment_number, got.value.position, got.value.element) == (
            want.value.segment_number,
            want.value.position,
            want.value.element,
        )


def test_an_open_file_is_left_to_the_streaming_reader(tmp_path):
    f = tmp_path / "small.835"
    f.write_text(SMALL_835)
    with open(f) as stream:
        assert fast_remittances(stream) is None
    with open(f) as stream:
        assert same(read_remittances(stream), general(SMALL_835))


def test_kept_segments_are_segments_with_their_place_in_the_file():
    text = _mutate(SMALL_835, "REF*6R*LINE0001~", "REF*6R*LINE0001~REF*1S*APC01~")
    text = _mutate(text, "SE*17", "SE*18")
    (remit,) = fast_remittances(text)
    (kept_seg,) = remit.claims[0].services[0].other
    assert isinstance(kept_seg, Segment) and list(kept_seg) == ["REF", "1S", "APC01"]
    assert text[kept_seg.position : kept_seg.position + 7] == "REF*1S*"
    assert kept_seg.number == text[: kept_seg.position].count("~") + 1


@pytest.mark.parametrize(
    ("old", "new", "element"),
    [("CLP*PCN0001*1*200.00*150.00*20.00*12*PAYERICN0001~", "CLP*PCN0001*1~", "CLP03"),
     ("SVC*HC:96413*200.00*150.00**1~", "SVC*HC:96413~", "SVC02")],
)  # fmt: skip
def test_a_short_clp_or_svc_is_a_located_error(old, new, element):
    with pytest.raises(X12Error) as err:
        read_remittances(_mutate(SMALL_835, old, new))
    assert err.value.segment_id == new[:3] and err.value.element == element
    assert err.value.segment_number == (12 if new.startswith("CLP") else 14)


def _with_lines(extra: str) -> str:
    """SMALL_835 with *extra* segments after its line (SE01 counts them)."""
    text = _mutate(SMALL_835, "REF*6R*LINE0001~", "REF*6R*LINE0001~" + extra)
    return _mutate(text, "SE*17*0001", f"SE*{17 + extra.count('~')}*0001")


# Line segments the in-memory reader takes by their whole text or first seven characters
# (a repeated CAS or DTM*472, REF*6R, AMT*B6), next to look-alikes it must not take that way.
REPEATS = _with_lines(
    "AMT*B6*180.00~"
    "SVC*HC:96413*200.00*150.00**1~DTM*472*20260102~CAS*CO*45*30.00~CAS*PR*2*20.00~"
    "REF*6R*LINE0002~AMT*B6*180.00~"
    "SVC*HC:J9271*100.00*80.00**2~DTM*150*20260102~DTM*472*20260102~"
    "CAS*CO*45*30.00*1~CAS*PR*2*20.00*1~CAS*CO*45*30.00~REF*6R*LINE0003*NOTE~AMT*B6*95.5~"
    "CLP*PCN0002*1*200.00*150.00*20.00*12*PAYERICN0002~NM1*QC*1*TESTPATIENT*BETA****MI*MEMBER002~"
    "CAS*CO*45*30.00~SVC*HC:96413*200.00*150.00**1~CAS*CO*45*30.00~DTM*472*20260102~REF*6R*LINE0004~"
)


def test_repeated_line_segments_read_the_same_both_ways():
    want = general(REPEATS)
    fast = fast_remittances(REPEATS)
    assert fast is not None and same(fast, want)
    lines = [line for c in fast[0].claims for line in c.services]
    assert [line.line_control_number for line in lines] == ["LINE0001", "LINE0002", "LINE0003", "LINE0004"]
    assert [str(line.allowed) for line in lines] == ["180.00", "180.00", "95.50", "None"]
    assert [len(line.adjustments) for line in lines] == [2, 2, 3, 1]
    assert lines[2].adjustments[0].quantity is not None and lines[2].adjustments[2].quantity is None
    assert fast[0].claims[1].adjustments[0] is lines[3].adjustments[0]  # one shared Adjustment


@pytest.mark.parametrize("bad", ["AMT*B6*180.001~", "REF*6R~AMT*B6*1O.00~", "DTM*472*20261302~"])
def test_a_bad_repeated_line_segment_is_left_to_the_general_reader(bad):
    text = _with_lines("AMT*B6*180.00~SVC*HC:96413*200.00*150.00**1~DTM*472*20260102~" + bad)
    with pytest.raises(X12Error) as want:
        general(text)
    assert fast_remittances(text) is None
    with pytest.raises(X12Error) as got:
        read_remittances(text)
    assert str(got.value) == str(want.value)


# Service lines the in-memory reader types from one pattern match (SVC, DTM*472, CAS..., REF*6R,
# AMT*B6 in that order) and from its caches of SVC texts and CAS runs, next to lines that share
# those texts but carry other segments, which it must not carry over from the cache.
CACHED_LINES = _with_lines(
    "SVC*HC:96413*200.00*150.00**1~DTM*150*20260102~REF*1S*APC01~"  # same SVC text, other segments
    "SVC*HC:96413*200.00*150.00**1~"  # same SVC text alone
    "SVC*HC:J9271*100.00*80.00**2~DTM*472*20260103~CAS*CO*45*30.00~CAS*PR*2*20.00~REF*6R*LINE0004~"
    "CAS*OA*23*5.00~LQ*HE*N130~"  # a CAS after the REF, then a remark: segment by segment
    "SVC*HC:J9271*100.00*80.00**2~DTM*472*20260103~CAS*CO*45*30.00~CAS*PR*2*20.00~AMT*B6*95.5~"
    "SVC*HC:96415*50.00*40.00~CAS*CO*45*10.00*1*PR*2*0.5~REF*6R*LINE0007~"  # a CAS with two triplets
)


@pytest.mark.parametrize("odd", [False, True])
def test_lines_typed_from_one_match_and_cached_texts_read_the_same_both_ways(odd):
    text = CACHED_LINES
    if odd:  # separators that are special in a regular expression
        text = text.replace("*", "+").replace("~", "]").replace(":", "\\").replace("^", "|")
    fast = fast_remittances(text)
    assert fast is not None and same(fast, general(text))
    lines = fast[0].claims[0].services
    dates = [str(x.service_date) for x in lines]
    assert dates == ["2026-01-02", "None", "None", "2026-01-03", "2026-01-03", "None"]
    assert [x.line_control_number for x in lines] == ["LINE0001", "", "", "LINE0004", "", "LINE0007"]
    assert [len(x.adjustments) for x in lines] == [2, 0, 0, 3, 2, 2]
    assert [len(x.other) for x in lines] == [0, 1, 0, 0, 0, 0]  # REF*1S
    assert lines[1].service_start == date(2026, 1, 2)
    assert lines[3].remarks == ["N130"] and lines[4].allowed == Decimal("95.50")


def test_a_bad_date_in_a_matched_line_is_the_general_readers_error():
    text = _with_lines("SVC*HC:96413*200.00*150.00**1~DTM*472*20261302~CAS*CO*45*30.00~REF*6R*LINE0002~")
    with pytest.raises(X12Error) as want:
        general(text)
    assert fast_remittances(text) is None
    with pytest.raises(X12Error) as got:
        read_remittances(text)
    assert str(got.value) == str(want.value)


PLAIN_AND_ODD = ["792", "506.88", "60.8", "007", "1.", "0", ".5", "-5", " 5", "1e3", "9" * 26]


@pytest.mark.parametrize("text", PLAIN_AND_ODD)
def test_claim_amounts_convert_exactly_as_money_does(text):
    """The plain-shape fast path of values.amount gives what money() gives, cached or not."""
    AMOUNTS.pop(text, None)
    first = amount(text, None, "CLP03")
    assert repr(first) == repr(money(text, exact=True)) and amount(text, None, "CLP03") is first


@pytest.mark.parametrize("text", ["1.001", "²", "1.2.3", "12.5x"])
def test_a_bad_claim_amount_is_a_located_error(text):
    AMOUNTS.pop(text, None)
    with pytest.raises(X12Error) as got:
        amount(text, None, "CLP03")
    assert got.value.element == "CLP03" and "not an amount" in str(got.value)
