"""Denials and underpayments found while an 835 is posted (both databases): every denied or partly
denied line becomes a routed denial work item, every paid line is priced against the contract."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib.metadata import entry_points

import pytest
from sqlalchemy import func, select

from oncobill.denials.routing import DenialRouter
from oncobill.practice import service as practice_service
from oncobill.remittance import service
from oncobill.remittance.models import RemitClaim, RemitServiceLine
from oncobill.worklists import feed
from oncobill.worklists.models import DenialWorkItem, UnderpaymentItem
from tests.remittance.helpers import billed_claim, clp, era_text, practice, svc
from tests.remittance.test_posting_db import imp

D = Decimal
JAN = date(2026, 1, 1)


@pytest.fixture
def p(session):
    out = practice(session)
    practice_service.set_payer_setting(session, payer=out["medicare"], key="appeal_window_days", value=120,
                                       effective_from=JAN)
    return out


def items(session, claim_id=None):
    q = select(DenialWorkItem).order_by(DenialWorkItem.id)
    if claim_id is not None:
        q = q.where(DenialWorkItem.claim_id == claim_id)
    return session.scalars(q).all()


def shortfalls(session):
    return session.scalars(select(UnderpaymentItem).order_by(UnderpaymentItem.id)).all()


def test_the_denial_router_is_found_through_its_entry_point_and_routes_at_posting(session, p):
    """The poster imports no stage's router: the feed finds the denial router in the entry-point group
    (pyproject.toml), makes one per set, and its rows reach denial_work_items."""
    [ep] = [ep for ep in entry_points(group=feed.ENTRY_POINTS) if ep.name == "denials"]
    assert ep.value == "oncobill.denials.routing:DenialRouter"
    assert DenialRouter in feed.discovered()
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
    result = imp(session, era_text([clp(claim, "4", [svc("96413", "350.00", "0.00", [("CO", "50", "350.00")])])]))
    [item] = items(session, claim.id)
    assert (item.queue, item.action, item.owner) == ("medical_necessity", "appeal", "appeals_specialist")
    assert result.sets[0].denials_routed == 1


def test_every_router_is_given_the_posted_claims_facts_and_the_payer_settings_in_force(session, p, monkeypatch):
    """What a stage's router receives: one PostingSet per set, then per chunk each posted claim with its
    stored line ids and the payer's name, filing limit and settings on the date of service."""
    seen = []

    class Spy:
        table = DenialWorkItem.__table__
        counter = "denials_routed"

        def __init__(self, posting):
            seen.append(posting)

        def route(self, chunk):
            seen.extend(chunk)
            return []

    monkeypatch.setattr(feed, "discovered", lambda: (Spy,))
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
    result = imp(session, era_text([clp(claim, "1", [svc("96413", "350.00", "300.00", [("CO", "45", "50.00")])])]))
    posting, posted = seen
    rc = session.scalar(select(RemitClaim).where(RemitClaim.claim_id == claim.id))
    assert (posting.era_import_id, posted.remit_claim_id) == (rc.era_import_id, rc.id)
    assert (posted.claim_id, posted.patient_control_number, posted.service_from, posted.payer_id) == (
        claim.id, claim.patient_control_number, claim.service_from, p["medicare"].id)
    assert (posted.payer.name, posted.payer.timely_filing_days) == (p["medicare"].name,
                                                                   p["medicare"].timely_filing_days)
    assert posted.payer.settings["appeal_window_days"] == 120
    assert [claim_line for _, claim_line in posted.stored] == [claim.lines[0].id]
    assert posted.payment.patient_control_number == claim.patient_control_number
    assert items(session) == [] and result.sets[0].denials_routed == 0


# Domain 7.6 examples on a Medicare claim (DOS 2026-10-05, filing limit 365 days, appeal window 120 days),
# remit dated 2026-11-18: appeal window 2027-03-18, timely filing 2027-10-05, practice target 2026-12-18.
EXAMPLES = [
    ("CO", "197", ("N54",), "authorization", "request_authorization", "authorization_coordinator",
     date(2027, 3, 18), "appeal window"),
    ("CO", "16", ("M119",), "claim_data", "corrected_claim", "billing_specialist", date(2027, 3, 18), "appeal window"),
    ("CO", "4", ("N822",), "modifiers", "corrected_claim", "coder", date(2027, 3, 18), "appeal window"),
    ("CO", "50", (), "medical_necessity", "appeal", "appeals_specialist", date(2027, 3, 18), "appeal window"),
    # accepted by the payer (277CA) on 2026-11-20, inside the filing limit: the appeal stands
    ("CO", "29", (), "timely_filing", "appeal", "appeals_specialist", date(2027, 3, 18), "appeal window"),
    ("CO", "B7", (), "credentialing", "fix_enrollment", "credentialing", date(2027, 3, 18), "appeal window"),
    ("OA", "18", ("N522",), "duplicates", "check_original", "billing_specialist", date(2026, 12, 18),
     "practice target"),
    ("CO", "97", ("M15",), "coding", "corrected_claim", "coder", date(2027, 3, 18), "appeal window"),
]


@pytest.mark.parametrize("group, carc, rarcs, queue, action, owner, due, clock", EXAMPLES,
                         ids=[f"{g}-{c}" for g, c, *_ in EXAMPLES])
def test_domain_examples_land_in_their_queue_with_their_due_date(session, p, group, carc, rarcs, queue, action,
                                                                 owner, due, clock):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
    result = imp(session, era_text([clp(claim, "4", [
        svc("96413", "350.00", "0.00", [(group, carc, "350.00")], remarks=rarcs)])]))
    [item] = items(session, claim.id)
    assert (item.queue, item.action, item.owner, item.patient_billable) == (queue, action, owner, "never")
    assert item.due_date == due
    assert item.due_reason.startswith(f"{clock}:")
    assert (item.group_code, item.carc, item.rarcs, item.amount) == (group, carc, list(rarcs), D("350.00"))
    assert item.reason.startswith(f"{group}-{carc} ") and item.fix and item.route
    assert (item.status, item.partial, item.procedure) == ("open", False, "96413")
    line = session.scalar(select(RemitServiceLine).where(RemitServiceLine.id == item.remit_service_line_id))
    assert (line.claim_line_id, item.claim_line_id) == (claim.lines[0].id, claim.lines[0].id)
    rc = session.scalar(select(RemitClaim).where(RemitClaim.claim_id == claim.id))
    assert (item.claim_id, item.payer_id, item.remit_claim_id, item.era_import_id) == (
        claim.id, p["medicare"].id, rc.id, rc.era_import_id)
    assert line.remit_claim_id == rc.id
    assert result.sets[0].denials_routed == 1
    assert "denials routed 1, underpayments 0" in result.summary()


def test_the_payer_settings_in_force_on_the_date_of_service_decide_the_clocks(session, p):
    # a 90-day filing limit from 2026-01-01; a 30-day appeal window only from 2026-11-01 (after the DOS)
    practice_service.set_payer_setting(session, payer=p["medicare"], key="timely_filing_days", value="90",
                                       effective_from=JAN)
    practice_service.set_payer_setting(session, payer=p["medicare"], key="appeal_window_days", value=30,
                                       effective_from=date(2026, 11, 1))
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
    imp(session, era_text([clp(claim, "4", [svc("96413", "350.00", "0.00", [("CO", "197", "350.00")],
                                                remarks=("N54",))])]))
    [item] = items(session, claim.id)
    assert item.due_date == date(2027, 1, 3)  # 2026-10-05 + 90, earlier than the appeal window (120 days)
    assert item.due_reason.startswith("timely filing: 90 days from 2026-10-05 = 2027-01-03")
    assert "appeal window: 120 days from 2026-11-18 = 2027-03-18" in item.due_reason


def test_a_payer_without_an_appeal_window_still_gets_its_items(session):
    p = practice(session)  # Medicare here has no appeal_window_days setting
    claim = billed_claim(session, p, [("96413", "350.00", (), 1), ("J9271", "12000.00", ("JZ",), 200)])
    imp(session, era_text([clp(claim, "4", [
        svc("96413", "350.00", "0.00", [("CO", "50", "350.00")]),
        svc("J9271", "12000.00", "0.00", [("CO", "197", "12000.00")], mods=("JZ",), units="200")])]))
    appeal, auth = items(session, claim.id)
    assert (appeal.action, appeal.due_date) == ("appeal", None)
    assert "payer Medicare Part B has no appeal_window_days setting" in appeal.due_reason
    assert (auth.action, auth.due_date) == ("request_authorization", date(2027, 10, 5))  # timely filing still binds
    assert auth.due_reason.startswith("timely filing:") and "appeal_window_days" in auth.due_reason


def test_a_partly_denied_line(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
    imp(session, era_text([clp(claim, "1", [
        svc("96413", "350.00", "100.00", [("CO", "45", "50.00"), ("CO", "151", "200.00")], remarks=("N362",))])]))
    [item] = items(session, claim.id)
    assert (item.carc, item.amount, item.partial, item.queue, item.action) == (
        "151", D("200.00"), True, "coding", "corrected_claim")
    assert item.claim_line_id == claim.lines[0].id and item.remit_service_line_id is not None


def test_a_claim_level_denial(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
    imp(session, era_text([clp(claim, "4", [svc("96413", "350.00", "350.00")],
                               adjustments=[("CO", "16", "350.00")])]))
    [item] = items(session, claim.id)
    assert (item.group_code, item.carc, item.amount) == ("CO", "16", D("350.00"))
    assert (item.claim_line_id, item.remit_service_line_id, item.procedure) == (None, None, "")
    assert (item.queue, item.action) == ("claim_data", "corrected_claim")
    assert item.remit_claim_id is not None


def test_no_item_for_a_paid_line_or_the_patients_share(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1), ("J9271", "12000.00", ("JZ",), 200)])
    result = imp(session, era_text([clp(claim, "1", [
        svc("96413", "350.00", "0.00", [("PR", "1", "350.00")]),  # all to the deductible: not a denial
        svc("J9271", "12000.00", "9000.00", [("CO", "45", "800.00"), ("PR", "2", "2200.00")], mods=("JZ",),
            units="200"),
    ])]))
    assert items(session) == []
    assert result.sets[0].denials_routed == 0


def test_an_unmatched_line_is_left_to_the_remit_work_queue(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
    result = imp(session, era_text([clp(claim, "1", [
        svc("96413", "350.00", "350.00"), svc("96417", "90.00", "0.00", [("CO", "97", "90.00")])])]))
    assert items(session) == [] and result.sets[0].work_items == 1


def _underpaid(session, p, allowed: str, trace: str = "EFT0001"):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
    paid = D(allowed) - D("20.00")
    return claim, imp(session, era_text([clp(claim, "1", [
        svc("96413", "350.00", str(paid), [("CO", "45", str(D("350.00") - D(allowed))), ("PR", "2", "20.00")],
            allowed=allowed)])], trace=trace))


def test_an_underpayment_against_the_medicare_schedule_times_the_contract(session, p):
    practice_service.set_payer_setting(session, payer=p["medicare"], key="contract_percent_of_medicare",
                                       value="110", effective_from=JAN)
    claim, result = _underpaid(session, p, "100.00")
    [short] = shortfalls(session)
    # PFS non-facility 133.27 x 1 unit x 110% = 146.60 (rounded once)
    assert (short.allowed, short.expected, short.shortfall) == (D("100.00"), D("146.60"), D("46.60"))
    assert (short.claim_id, short.claim_line_id, short.payer_id, short.status) == (
        claim.id, claim.lines[0].id, p["medicare"].id, "open")
    assert "PFS non-facility" in short.basis and "110%" in short.basis
    line = session.get(RemitServiceLine, short.remit_service_line_id)
    assert line.claim_line_id == claim.lines[0].id
    assert result.sets[0].underpayments == 1 and "underpayments 1" in result.summary()


def test_a_shortfall_within_the_tolerance_is_no_underpayment(session, p):
    _claim, result = _underpaid(session, p, "132.27")  # expected 133.27: short 1.00, the default tolerance
    assert shortfalls(session) == [] and result.sets[0].underpayments == 0
    _claim, result = _underpaid(session, p, "132.26", "EFT0002")  # short 1.01
    assert [s.shortfall for s in shortfalls(session)] == [D("1.01")]


def test_a_contract_table_named_by_a_payer_setting_is_the_fee_source(session, p, tmp_path):
    table = tmp_path / "mcr-contract.csv"
    table.write_text("code,modifier,setting,per_unit,effective_from,effective_to\n96413,,office,150.00,2026-01-01,\n")
    practice_service.set_payer_setting(session, payer=p["medicare"], key="contract_fee_table", value=str(table),
                                       effective_from=JAN)
    practice_service.set_payer_setting(session, payer=p["medicare"], key="contract_percent_of_medicare",
                                       value="200", effective_from=JAN)  # not applied to contract amounts
    _underpaid(session, p, "140.00")
    [short] = shortfalls(session)
    assert (short.expected, short.shortfall) == (D("150.00"), D("10.00"))
    assert "mcr-contract.csv row 2" in short.basis


def test_a_contract_table_that_cannot_be_read_stops_the_import(session, p, tmp_path):
    from oncobill.errors import InvalidInput

    practice_service.set_payer_setting(session, payer=p["medicare"], key="contract_fee_table",
                                       value=str(tmp_path / "missing.csv"), effective_from=JAN)
    with pytest.raises(InvalidInput, match="contract_fee_table"):
        _underpaid(session, p, "140.00")


def test_a_reversal_voids_the_open_items_of_the_payment_it_reverses(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1), ("J9271", "12000.00", ("JZ",), 200)])
    other = billed_claim(session, p, [("96413", "350.00", (), 1)])
    denied = [svc("96413", "350.00", "0.00", [("CO", "197", "350.00")], remarks=("N54",)),
              svc("J9271", "12000.00", "0.00", [("CO", "197", "12000.00")], mods=("JZ",), units="200")]
    imp(session, era_text([clp(claim, "4", denied),
                           clp(other, "4", [svc("96413", "350.00", "0.00", [("CO", "50", "350.00")])])]))
    assert [i.status for i in items(session)] == ["open", "open", "open"]
    back = [svc("96413", "-350.00", "0.00", [("CO", "197", "-350.00")]),
            svc("J9271", "-12000.00", "0.00", [("CO", "197", "-12000.00")], mods=("JZ",), units="200")]
    result = imp(session, era_text([clp(claim, "22", back), clp(claim, "1", [
        svc("96413", "350.00", "250.00", [("CO", "45", "100.00")]),
        svc("J9271", "12000.00", "11000.00", [("CO", "45", "1000.00")], mods=("JZ",), units="200")])],
        trace="EFT0002"), name="reprocessed.835")
    assert result.sets[0].reversals == 1 and result.sets[0].denials_routed == 0
    voided = items(session, claim.id)
    assert [(i.status, i.resolution, i.resolved_by) for i in voided] == [("done", "no_action", "poster")] * 2
    assert all("reversed this payment (CLP02 22)" in i.note for i in voided)
    [kept] = items(session, other.id)
    assert (kept.status, kept.resolution) == ("open", None)


def test_importing_the_same_835_again_adds_no_item(session, p):
    practice_service.set_payer_setting(session, payer=p["medicare"], key="contract_percent_of_medicare",
                                       value="110", effective_from=JAN)
    claim = billed_claim(session, p, [("96413", "350.00", (), 1), ("J9271", "12000.00", ("JZ",), 200)])
    text = era_text([clp(claim, "1", [
        svc("96413", "350.00", "80.00", [("CO", "45", "250.00"), ("PR", "2", "20.00")], allowed="100.00"),
        svc("J9271", "12000.00", "0.00", [("CO", "197", "12000.00")], mods=("JZ",), units="200")])])
    first = imp(session, text)
    again = imp(session, text)
    assert (first.sets[0].denials_routed, first.sets[0].underpayments) == (1, 1)
    assert again.sets[0].outcome == "already imported"
    assert session.scalar(select(func.count()).select_from(DenialWorkItem)) == 1
    assert session.scalar(select(func.count()).select_from(UnderpaymentItem)) == 1


def test_the_era_import_summary_counts_them(session, p):
    claim = billed_claim(session, p, [("96413", "350.00", (), 1)])
    result = service.import_era(session, "x.835", era_text([clp(claim, "4", [
        svc("96413", "350.00", "0.00", [("CO", "197", "350.00")])])]).encode(), actor="poster")
    assert "denials routed 1, underpayments 0" in result.summary()
