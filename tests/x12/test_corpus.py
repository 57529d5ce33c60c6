"""Every file in the shared corpus parses and round-trips (parse, write, parse) to an equal document."""

from __future__ import annotations

import pytest

from oncobill.x12 import read, write

from .conftest import corpus_files

FILES = corpus_files()


def test_corpus_is_present():
    kinds = {p.parent.name for p in FILES}
    assert {"270", "271", "276", "277", "835", "837I", "837P", "999"} <= kinds
    assert len(FILES) >= 50


@pytest.mark.parametrize("path", FILES, ids=[p.parent.name + "/" + p.name for p in FILES])
def test_corpus_file_round_trips(path):
    doc = read(path)
    txns = list(doc.transactions())
    assert txns, "no transaction read"
    expected_code = {"837P_pyx12clean": "837", "837P": "837", "837I": "837"}.get(
        path.parent.name, path.parent.name
    )
    assert all(t.code == expected_code for t in txns)
    assert all(t.spec.version != "*" for t in txns), "read without an implementation-guide spec"
    text = write(doc)
    again = read(text)
    assert again == doc
    # Files whose trailers are right come back byte for byte (line breaks aside).
    if not doc.warnings:
        assert text.replace("\n", "").replace("\r", "") == path.read_text().replace("\n", "").replace(
            "\r", ""
        )


@pytest.mark.parametrize("path", FILES, ids=[p.parent.name + "/" + p.name for p in FILES])
def test_corpus_file_reads_typed(path):
    """Every corpus transaction has a typed view; the one real file with an impossible date
    (BPR16 20002316) raises the located error instead of guessing."""
    from oncobill.x12 import X12Error
    from oncobill.x12.jsonview import typed

    for txn in read(path).transactions():
        if path.name == "linuxforhealth__managed-care.835":
            with pytest.raises(X12Error) as err:
                typed(txn)
            assert err.value.segment_id == "BPR" and err.value.element == "BPR16"
        else:
            assert typed(txn) is not None
