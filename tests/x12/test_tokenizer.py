"""The tokenizer takes delimiters from each ISA, keeps positions, and streams."""

from __future__ import annotations

import io

import pytest

from oncobill.x12 import X12Error, read, tokenize, write
from oncobill.x12.tokenizer import Delimiters, Tokenizer

from .conftest import SMALL_835


def test_segments_keep_number_and_position():
    segs = list(tokenize(SMALL_835))
    assert segs[0][0] == "ISA" and segs[0].number == 1 and segs[0].position == 0
    assert segs[1][0] == "GS" and segs[1].position == 106
    clp = next(s for s in segs if s[0] == "CLP")
    assert SMALL_835[clp.position : clp.position + 4] == "CLP*"
    assert clp[3] == "200.00"


def test_delimiters_come_from_isa_any_characters():
    odd = Delimiters(element="|", repetition="!", component="}", segment="\x1c")
    doc = read(SMALL_835)
    text = write(doc, delimiters=odd)
    assert "|" in text and "~" not in text
    again = read(text)
    assert again.interchanges[0].delimiters == odd
    svc = next(
        s for s in again.interchanges[0].groups[0].transactions[0].body.walk() if s.id == "2110"
    ).segments[0]
    assert svc[1] == "HC}96413"
    # Same content once the component separator is translated back.
    assert write(again, delimiters=Delimiters()) == write(doc)


def test_line_breaks_after_terminator_are_ignored():
    text = SMALL_835.replace("~", "~\r\n")
    assert read(text) == read(SMALL_835)


def test_newline_as_segment_terminator():
    text = SMALL_835.replace("~", "\n")
    doc = read(text)
    assert doc.interchanges[0].delimiters.segment == "\n"
    assert doc == read(SMALL_835)


def test_several_interchanges_with_different_delimiters():
    other = write(read(SMALL_835), delimiters=Delimiters("^", "{", ">", "'"))
    doc = read(SMALL_835 + "\n" + other + "\n" + SMALL_835)
    assert len(doc.interchanges) == 3
    assert [ic.delimiters.element for ic in doc.interchanges] == ["*", "^", "*"]


def test_streaming_small_chunks_gives_same_segments():
    whole = [list(s) for s in tokenize(SMALL_835 * 3)]
    chunked = [list(s) for s in Tokenizer(io.StringIO(SMALL_835 * 3), chunk_size=7)]
    assert whole == chunked


def test_truncated_file_is_located():
    with pytest.raises(X12Error) as err:
        read(SMALL_835[:-30])
    assert err.value.segment_number is not None
    assert "truncated" in err.value.reason


def test_isa_not_fixed_length_is_an_error():
    bad = SMALL_835.replace("*ZZ*PAYER          *", "*ZZ*PAYER *", 1)
    with pytest.raises(X12Error) as err:
        read(bad)
    assert err.value.segment_id == "ISA"


def test_empty_and_non_x12_input():
    with pytest.raises(X12Error):
        read("")
    with pytest.raises(X12Error):
        read(b"hello world, not x12 at all, long enough to hold an ISA header " * 3)
