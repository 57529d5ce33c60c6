import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncobill.practice.npi import npi_check_digit, npi_is_valid, npi_problem


@pytest.mark.parametrize("npi, valid", [
    ("1234567893", True),   # the CMS example (domain 1.2)
    ("1234567890", False),
    ("1558598797", True),
    ("123456789", False),
    ("12345678933", False),
    ("3234567893", False),  # NPIs start with 1 or 2
    ("12345678a3", False),
])
def test_domain_test_vectors(npi, valid):
    assert npi_is_valid(npi) is valid
    assert (npi_problem(npi) is None) is valid


def test_check_digit_examples():
    assert npi_check_digit("123456789") == 3
    assert npi_check_digit("155859879") == 7


@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.sampled_from("12"))
def test_exactly_one_check_digit_is_valid(rest, first):
    base = first + rest
    valid = [d for d in range(10) if npi_is_valid(base + str(d))]
    assert valid == [npi_check_digit(base)]


def test_problem_names_the_expected_digit():
    assert "expected last digit 3" in npi_problem("1234567890")
