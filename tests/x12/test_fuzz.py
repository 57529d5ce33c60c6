"""Robustness: whatever single fault is planted, reading raises only X12Error and the
validator never raises (an unreadable file is one located finding)."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from oncobill.x12 import X12Error, read
from oncobill.x12.validate import validate

from .conftest import SMALL_835
from .test_validate import clean_837p

CLEAN = [clean_837p(), SMALL_835]
FUZZ = settings(max_examples=150, deadline=None, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


@st.composite
def damaged(draw) -> str:
    text = draw(st.sampled_from(CLEAN))
    for _ in range(draw(st.integers(1, 3))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        action = draw(st.sampled_from(["delete", "replace", "insert", "truncate"]))
        char = draw(st.sampled_from(list("*~:^0A9 \n-.")))
        if action == "delete":
            text = text[:i] + text[i + 1 :]
        elif action == "replace":
            text = text[:i] + char + text[i + 1 :]
        elif action == "insert":
            text = text[:i] + char + text[i:]
        else:
            text = text[:i]
    return text


@FUZZ
@given(damaged())
def test_damaged_files_never_crash(text):
    try:
        read(text)
    except X12Error:
        pass
    result = validate(text)
    assert all(f.message for f in result.findings)
