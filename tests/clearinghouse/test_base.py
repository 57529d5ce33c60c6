"""What both adapters rely on: file names, response kinds, completeness of an X12 file."""

from __future__ import annotations

import pytest
from tests.clearinghouse.x12_samples import x12

from oncobill.clearinghouse.base import check_batch_name, is_response_candidate, response_kind, x12_complete
from oncobill.errors import InvalidInput


@pytest.mark.parametrize("name", ["OB-20261127-0001.837", "batch_1.x12", "A"])
def test_good_batch_names(name):
    assert check_batch_name(name) == name


@pytest.mark.parametrize("name", ["", ".837", "a/b.837", "..", "a b.837", "x.837.part", "x.TMP", "a" * 201])
def test_bad_batch_names_say_why(name):
    with pytest.raises(InvalidInput, match=r"batch file name .*: (use 1-200|names ending in)"):
        check_batch_name(name)


def test_response_candidates_skip_files_being_written():
    assert is_response_candidate("ack.999")
    assert not is_response_candidate(".ack.999")
    assert not is_response_candidate("ack.999.part") and not is_response_candidate("ACK.FILEPART")


def test_kind_from_content_then_extension():
    assert response_kind("whatever.txt", x12("999", 1)) == "999"
    assert response_kind("r.x12", x12("277", 1, gs08="005010X214")) == "277CA"
    assert response_kind("r.x12", x12("835", 1)) == "835"
    assert response_kind("r.x12", x12("837", 1)) == "other"
    assert response_kind("report.277ca", b"not x12") == "277CA"
    assert response_kind("report.pdf", b"%PDF") == "other"


def test_x12_complete_needs_the_iea_segment():
    whole = x12("999", 1)
    assert x12_complete(whole) and x12_complete(whole + b"\r\n")
    cut = whole[: whole.index(b"IEA")]
    assert not x12_complete(cut) and not x12_complete(whole[:200])
    assert x12_complete(b"a clearinghouse report in plain text")


def test_only_whole_837_batches_go_out():
    from oncobill.clearinghouse.base import check_batch

    check_batch("b.837", x12("837", 1))
    whole = x12("837", 1)
    for data, why in [
        (b"", "is empty"),
        (b"hello", "is not an X12 interchange"),
        (x12("835", 1), "is a 835 transaction"),
        (whole[: whole.index(b"IEA")], "does not end with its IEA segment"),
    ]:
        with pytest.raises(InvalidInput, match=f"batch b.837: {why}"):
            check_batch("b.837", data)
    with pytest.raises(InvalidInput, match="expected the file's bytes, got str"):
        check_batch("b.837", "ISA*...")  # type: ignore[arg-type]
