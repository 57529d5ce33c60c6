"""Properties over every CARC in the code tables: only PR ever reaches the patient, clocks are consistent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from oncobill.codes import default_code_sets
from oncobill.denials import (
    Action,
    ClaimFacts,
    DeniedLine,
    PatientBillable,
    PayerTerms,
    route,
    transfer_to_patient,
)
from oncobill.worklists.queues import Refused

_CANDIDATES = [str(n) for n in range(1, 320)] + [f"{p}{n}" for p in "ABPWY" for n in range(31)]
CARCS = [c for c in _CANDIDATES if default_code_sets().carc(c) is not None]  # every CARC the tables know
RARCS = ["", "N54", "N822", "M119", "MA04", "N20", "N362", "N522", "M77", "MA130", "N290", "M15"]


@settings(max_examples=300, deadline=None)
@given(group=st.sampled_from(["CO", "PR", "OA", "PI"]), carc=st.sampled_from(CARCS), rarc=st.sampled_from(RARCS),
       cents=st.integers(1, 10_000_000), dos_offset=st.integers(0, 400), remit_lag=st.integers(0, 400),
       filing=st.integers(30, 730), window=st.integers(30, 365), rejected=st.booleans())
def test_routing_is_total_and_only_pr_reaches_the_patient(group, carc, rarc, cents, dos_offset, remit_lag, filing,
                                                          window, rejected):
    dos = date(2025, 6, 1) + timedelta(days=dos_offset)
    remit = dos + timedelta(days=remit_lag)
    claim = ClaimFacts("OB9", dos, payer_claim_number="SBX9", rejected_at_front_end=rejected)
    item = route(DeniedLine(group, carc, Decimal(cents) / 100, (rarc,) if rarc else ()), claim,
                 PayerTerms("P", filing, window), remit_date=remit)
    if group != "PR":
        assert item.patient_billable is PatientBillable.NEVER
        try:
            transfer_to_patient(item, claim)
            raise AssertionError("a non-PR amount was transferred to the patient")
        except Refused:
            pass
    if item.clocks:
        assert item.due_date == min(c.deadline for c in item.clocks)
    else:
        assert item.due_date is None and item.action in (Action.POST_ONLY, Action.TRANSFER_TO_PATIENT)
    if rejected:  # nothing was adjudicated: no appeal window, and the filing clock runs from the DOS
        assert all(c.name != "appeal window" for c in item.clocks)
        assert item.action is not Action.CORRECTED_CLAIM
