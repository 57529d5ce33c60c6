"""Domain reference section 3.3: label NDCs to the 11-digit 5-4-2 form for the claim."""

from __future__ import annotations

import pytest

from oncobill.codes.ndc import format_ndc, normalize_ndc
from oncobill.errors import InvalidInput


def test_ndc_4_4_2_label_0002_7597_01():
    assert normalize_ndc("0002-7597-01") == "00002759701"


def test_ndc_5_3_2_label_50242_040_62():
    assert normalize_ndc("50242-040-62") == "50242004062"


def test_ndc_5_4_1_label_60575_4112_1():
    assert normalize_ndc("60575-4112-1") == "60575411201"


def test_ndc_already_11_digits_is_kept():
    assert normalize_ndc("00002759701") == "00002759701"
    assert normalize_ndc("00002-7597-01") == "00002759701"


def test_ndc_10_digits_without_hyphens_is_ambiguous():
    with pytest.raises(InvalidInput, match="ambiguous"):
        normalize_ndc("0002759701")


@pytest.mark.parametrize("bad", ["0002-7597", "00002-75970-1", "ABCDE-1234-12", "123", "", "002-7597-01"])
def test_ndc_malformed_is_refused_with_the_field(bad):
    with pytest.raises(InvalidInput, match="^lines\\[1\\].ndc: "):
        normalize_ndc(bad, "lines[1].ndc")


def test_format_ndc_for_people():
    assert format_ndc("00002759701") == "00002-7597-01"


def test_is_ndc11_accepts_only_the_claim_form():
    from oncobill.codes.ndc import is_ndc11

    assert is_ndc11("00002759701")
    assert not is_ndc11("0002759701") and not is_ndc11("00002-7597-01") and not is_ndc11(None)
