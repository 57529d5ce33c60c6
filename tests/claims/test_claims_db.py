"""Claim use cases on both databases: building (split at a coverage change, numbering, no re-posting),
authorizations, scrubbing into held/ready, corrected and void claims."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from tests.claims.db_helpers import seed_month, treat
from tests.factories import PROVIDER_NPIS

from oncobill.charges import service as charges
from oncobill.charges.models import EncounterStatus
from oncobill.claims import service
from oncobill.claims.lifecycle import IllegalTransition
from oncobill.claims.models import ClaimStatus
from oncobill.errors import InvalidInput, NotFound
from oncobill.ledger.models import JournalEntry
from oncobill.patients import service as patients
from oncobill.practice import service as practice
from oncobill.practice.models import EnrollmentStatus

NOW = datetime(2026, 11, 2, 8, 0)
TODAY = date(2026, 11, 2)


@pytest.fixture
def month(session):
    return seed_month(session)


def entries(session) -> int:
    return session.scalar(select(func.count()).select_from(JournalEntry))


def test_build_splits_at_the_coverage_change_and_posts_nothing(session, month):
    posted = entries(session)
    result = service.build_claims(session, actor="biller1", now=NOW)
    assert entries(session) == posted  # charges were posted when the lines were stored
    claims = result.claims
    assert [(c.payer.code, c.service_from, c.service_to, len(c.lines)) for c in claims] == [
        ("COMM", date(2026, 10, 5), date(2026, 10, 12), 4), ("MCR", date(2026, 10, 19), date(2026, 10, 26), 4)]
    assert [c.coverage.payer.code for c in claims] == ["COMM", "MCR"]
    assert result.lines_billed == 8 and result.lines_without_coverage == 0
    pcns = [c.patient_control_number for c in claims]
    lcns = [line.line_control_number for c in claims for line in c.lines]
    assert len(set(pcns)) == 2 and len(set(lcns)) == 8
    assert all(lcn.startswith(pcn) for c, pcn in zip(claims, pcns) for lcn in
               [line.line_control_number for line in c.lines])
    assert all(c.total_charge == Decimal("24700.00") for c in claims)
    assert [d.icd10_code for d in claims[0].diagnoses] == ["Z51.12", "C34.11"]
    assert [line.dx_pointers for line in claims[0].lines] == ["1:2", "2", "1:2", "2"]
    assert all(c.status is ClaimStatus.DRAFT and c.events[0].to_status is ClaimStatus.DRAFT for c in claims)
    assert {line.charge_line.encounter.status for c in claims for line in c.lines} == {EncounterStatus.BILLED}
    again = service.build_claims(session, actor="biller1", now=NOW)
    assert again.claims == [] and again.lines_billed == 0  # never billed twice


def test_build_through_a_date(session, month):
    first = service.build_claims(session, actor="biller1", through=date(2026, 10, 12), now=NOW)
    assert [c.service_to for c in first.claims] == [date(2026, 10, 12)]
    rest = service.build_claims(session, actor="biller1", now=NOW)
    assert [c.service_from for c in rest.claims] == [date(2026, 10, 19)]


def test_self_pay_lines_stay_off_claims(session, month):
    uninsured = patients.add_patient(session, account_number="T0002", first_name="Reese", last_name="Selfpay",
                                     birth_date=date(1970, 1, 1), sex="M", address_line1="2 Sample St",
                                     city="Springfield", state="IL", zip_code="62701")
    treat(session, uninsured, month["clinic"], month["oncologist"], date(2026, 10, 7))
    result = service.build_claims(session, actor="biller1", now=NOW)
    assert result.lines_without_coverage == 2
    assert all(c.patient_id == month["patient"].id for c in result.claims)


def test_authorization_goes_on_the_claim_and_its_units_are_a_sum(session, month):
    auth = service.add_authorization(session, payer_code="COMM", patient=month["patient"], auth_number="PA-77",
                                     approved_units={"J9271": 1600}, start_date=date(2026, 9, 1),
                                     end_date=date(2027, 2, 28))
    claims = service.build_claims(session, actor="biller1", now=NOW).claims
    commercial = claims[0]
    assert commercial.prior_authorization == "PA-77"
    assert [line.authorization_id for line in commercial.lines] == [None, auth.id, None, auth.id]
    assert claims[1].prior_authorization is None  # Medicare lines: that authorization is Prairie's, not Medicare's
    assert service.units_used(session, auth.id) == {"J9271": Decimal(400)}


def test_add_authorization_refuses_bad_input(session, month):
    patient = month["patient"]
    ok = {"payer_code": "COMM", "patient": patient, "auth_number": "PA-1", "approved_units": {"J9271": 200},
              "start_date": date(2026, 9, 1), "end_date": date(2026, 12, 31)}
    with pytest.raises(InvalidInput, match="end date 2026-08-01 is before"):
        service.add_authorization(session, **{**ok, "end_date": date(2026, 8, 1)})
    with pytest.raises(InvalidInput, match="J9271: approved units must be above zero"):
        service.add_authorization(session, **{**ok, "approved_units": {"J9271": -5}})
    with pytest.raises(InvalidInput, match="at least one approved code"):
        service.add_authorization(session, **{**ok, "approved_units": {}})
    with pytest.raises(NotFound):
        service.add_authorization(session, **{**ok, "payer_code": "NOPE"})
    service.add_authorization(session, **ok)
    with pytest.raises(InvalidInput, match="already has an authorization"):
        service.add_authorization(session, **ok)


def test_scrub_holds_a_claim_for_a_provider_not_enrolled_then_releases_it(session, month):
    np = practice.add_provider(session, billing_entity=month["entity"], npi=PROVIDER_NPIS[1], first_name="Jonah",
                               last_name="Pending", credential="NP", taxonomy="363L00000X", role="nurse_practitioner")
    enrollment = practice.enroll(session, provider=np, payer=month["commercial"], status="pending",
                                 effective_date=None)
    treat(session, month["patient"], month["clinic"], np, date(2026, 10, 8))
    claims = service.build_claims(session, actor="biller1", now=NOW).claims
    np_claim = next(c for c in claims if c.rendering_provider_id == np.id)
    result = service.scrub_claims(session, actor="scrubber", today=TODAY, now=NOW)
    assert result.scrubbed == 3 and result.held == 1 and result.ready == 2
    assert result.claims_by_edit == {"enrollment": 1}
    assert np_claim.status is ClaimStatus.HELD
    assert [(f.edit_id, f.severity.value) for f in np_claim.findings] == [("enrollment", "error")]
    assert "Jonah Pending, NP" in np_claim.findings[0].message
    assert np_claim.events[-1].to_status is ClaimStatus.HELD and "enrollment" in np_claim.events[-1].reason
    # Enrollment approved back to the date of service: the next scrub releases the claim.
    enrollment.status, enrollment.effective_date = EnrollmentStatus.ENROLLED, date(2026, 10, 1)
    session.flush()
    again = service.scrub_claims(session, actor="scrubber", today=TODAY, now=NOW)
    assert again.scrubbed == 1 and again.ready == 1 and np_claim.status is ClaimStatus.READY
    assert np_claim.findings == []
    assert [e.to_status for e in np_claim.events] == [ClaimStatus.DRAFT, ClaimStatus.HELD, ClaimStatus.READY]


def _adjudicate(session, claim, outcome):
    for target in (ClaimStatus.READY, ClaimStatus.SUBMITTED, ClaimStatus.ACK_ACCEPTED, ClaimStatus.PAYER_ACCEPTED,
                   outcome):
        service.move(session, claim, target, actor="biller1", reason=f"test: {target.value}", at=NOW)


def test_corrected_claim_and_void(session, month):
    first, second = service.build_claims(session, actor="biller1", now=NOW).claims
    with pytest.raises(InvalidInput, match="only an adjudicated claim"):
        service.create_replacement(session, first, actor="biller1", reason="units", payer_claim_number="ICN1")
    _adjudicate(session, first, ClaimStatus.PAID)
    with pytest.raises(InvalidInput, match="payer's claim number"):
        service.create_replacement(session, first, actor="biller1", reason="units")
    replacement = service.create_replacement(session, first, actor="biller1", reason="wrong NDC quantity",
                                             payer_claim_number="ICN-2026-1001", now=NOW)
    assert (replacement.frequency_code, replacement.payer_claim_number) == ("7", "ICN-2026-1001")
    assert replacement.original_claim_id == first.id and replacement.status is ClaimStatus.DRAFT
    assert [(x.code, x.charge_line_id, x.dx_pointers) for x in replacement.lines] == [
        (x.code, x.charge_line_id, x.dx_pointers) for x in first.lines]
    assert not {x.line_control_number for x in replacement.lines} & {x.line_control_number for x in first.lines}
    assert first.status is ClaimStatus.CLOSED and "replaced by" in first.events[-1].reason
    assert replacement.total_charge == first.total_charge
    _adjudicate(session, second, ClaimStatus.DENIED)
    second.payer_claim_number = "ICN-2026-2002"
    void = service.create_void(session, second, actor="biller1", reason="billed to the wrong payer", now=NOW)
    assert (void.frequency_code, void.payer_claim_number, second.status) == ("8", "ICN-2026-2002", ClaimStatus.CLOSED)
    result = service.scrub_claims(session, actor="scrubber", today=TODAY, claims=[void], now=NOW)
    assert result.ready == 1
    with pytest.raises(IllegalTransition):
        service.move(session, second, ClaimStatus.PAID, actor="biller1", reason="closed is final")


def test_list_and_get_claims(session, month):
    service.build_claims(session, actor="biller1", now=NOW)
    assert len(service.list_claims(session)) == 2
    assert service.list_claims(session, status="ready") == []
    first = service.list_claims(session, status=ClaimStatus.DRAFT)[0]
    assert service.get_claim(session, first.patient_control_number) is first
    with pytest.raises(NotFound):
        service.get_claim(session, "NOPE")
    with pytest.raises(InvalidInput, match="is not one of"):
        service.list_claims(session, status="bogus")


def test_a_service_charted_twice_is_held_as_a_duplicate_and_coverage_dates_are_checked(session, month):
    first = service.build_claims(session, actor="biller1", now=NOW).claims
    treat(session, month["patient"], month["clinic"], month["oncologist"], date(2026, 10, 19))  # charted again
    [late] = service.build_claims(session, actor="biller1", now=NOW).claims
    result = service.scrub_claims(session, actor="scrubber", today=TODAY, now=NOW)
    assert result.scrubbed == 3 and result.held == 1 and late.status is ClaimStatus.HELD
    assert {f.edit_id for f in late.findings} == {"duplicate"}
    assert first[1].patient_control_number in late.findings[0].message
    # The Medicare coverage turns out to start a week later: the first Medicare date is outside it.
    medicare = first[1].coverage
    medicare.effective_date = date(2026, 10, 22)
    session.flush()
    again = service.scrub_claims(session, actor="scrubber", today=TODAY, claims=[first[1]], now=NOW)
    assert again.claims_by_edit["coverage_active"] == 1 and first[1].status is ClaimStatus.HELD


def test_a_payer_that_wants_denied_claims_sent_as_new_originals(session, month):
    practice.set_payer_setting(session, payer=month["commercial"], key="correct_denied_as_original", value=True,
                               effective_from=date(2026, 1, 1))
    commercial, _ = service.build_claims(session, actor="biller1", now=NOW).claims
    _adjudicate(session, commercial, ClaimStatus.DENIED)
    again = service.create_replacement(session, commercial, actor="biller1", reason="member ID corrected",
                                       payer_claim_number="ICN-3003", now=NOW)
    assert (again.frequency_code, again.payer_claim_number, again.original_claim_id) == ("1", None, commercial.id)
    assert "new original (frequency 1)" in again.events[0].reason
    assert commercial.status is ClaimStatus.CLOSED


def test_scrub_view_reads_payer_settings_by_effective_date_and_the_charted_containers(session, month):
    practice.set_payer_setting(session, payer=month["commercial"], key="prior_auth_required", value=True,
                               effective_from=date(2026, 10, 10))
    practice.set_payer_setting(session, payer=month["medicare"], key="jw_jz_required", value=False,
                               effective_from=date(2020, 1, 1))
    practice.set_payer_setting(session, payer=month["medicare"], key="jw_jz_required", value=True,
                               effective_from=date(2026, 10, 20))
    enc = charges.record_encounter(session, patient=month["patient"], location=month["clinic"],
                                   provider=month["oncologist"], date_of_service=date(2026, 10, 9),
                                   diagnoses=["Z51.11", "C34.11"], primary_reason="chemotherapy")
    charges.add_charge_line(session, encounter=enc, code="J9045", units=11, dx_pointers=[2], charge="110.00",
                            actor="test", container="multi_dose",
                            explanation="J9045 x11: 525 mg / 50 MG per unit = 10.5, rounded up to 11; "
                                        "vials 1 x 600 mg include a multiple-dose vial, so no JW/JZ")
    commercial, medicare = service.build_claims(session, actor="biller1", now=NOW).claims
    early = service.scrub_view(session, commercial)  # first date of service Oct 5: before the rule began
    assert "prior_auth_required" not in early.settings
    assert service.scrub_view(session, medicare).settings["jw_jz_required"] is False  # first DOS Oct 19
    assert [x.container for x in early.lines if x.code == "J9045"] == ["multi_dose"]
    assert {x.container for x in early.lines if x.code == "J9271"} == {None}
    assert early.subscriber.coverage_to == date(2026, 10, 14) and early.payer.code == "COMM"
    medicare.service_from = date(2026, 10, 20)
    assert service.scrub_view(session, medicare).settings["jw_jz_required"] is True


def test_a_denied_claim_sent_again_as_a_new_original_needs_no_payer_claim_number(session, month):
    first, _ = service.build_claims(session, actor="biller1", now=NOW).claims
    with pytest.raises(InvalidInput, match="only an adjudicated claim"):
        service.create_new_original(session, first, actor="biller1", reason="member ID corrected", now=NOW)
    _adjudicate(session, first, ClaimStatus.DENIED)
    with pytest.raises(InvalidInput, match="a reason is required"):
        service.create_new_original(session, first, actor="biller1", reason="", now=NOW)
    again = service.create_new_original(session, first, actor="biller1", reason="member ID corrected", now=NOW)
    assert (again.frequency_code, again.payer_claim_number, again.original_claim_id) == ("1", None, first.id)
    assert again.events[0].reason.startswith(f"new original (frequency 1) in place of {first.patient_control_number}")
    assert first.status is ClaimStatus.CLOSED and "sent again as new original" in first.events[-1].reason
    assert first.payer_claim_number is None
    assert [(x.code, x.units, x.dx_pointers) for x in again.lines] == [(x.code, x.units, x.dx_pointers)
                                                                      for x in first.lines]
