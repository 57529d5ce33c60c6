"""When the primary reverses (CLP02 22) and adjudicates again after the secondary claim was built: a
replacement (frequency 7, REF*F8 = the secondary payer's claim number) carrying the new 2320/2430, a void
(frequency 8) when nothing is left for the secondary, a withdrawal when it was never sent, a wait while the
secondary payer has not adjudicated it; end to end through 835 posting on both databases, the 837 checked
by pyx12 and our validator (synthetic data only)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from tests.remittance.helpers import NOW, billed_claim, clp, era_text, practice, svc
from tests.x12.oracle import pyx12_errors

from oncobill.claims import lifecycle
from oncobill.claims.models import Claim, ClaimStatus
from oncobill.claims.secondary import (
    REPLACE,
    VOID,
    WAIT,
    WITHDRAW,
    build_secondary_claims,
    correction_for,
)
from oncobill.claims.submission import Receiver, create_batches
from oncobill.ledger import service as ledger
from oncobill.remittance import service as remittance
from oncobill.x12 import read, write
from oncobill.x12.claims837 import professional_claims
from oncobill.x12.validate import validate

D = Decimal
TODAY = date(2026, 11, 20)
LATER = datetime(2026, 11, 20, 10, 0)
LATEST = datetime(2026, 11, 27, 10, 0)
S = ClaimStatus

FIRST = [  # what Medicare said first: (code, charge, paid, CAS, modifiers, units)
    ("96413", "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")], (), "1"),
    ("J9271", "12000.00", "8000.00", [("CO", "45", "1717.00"), ("PR", "1", "283.00"), ("PR", "2", "2000.00")],
     ("JZ",), "200"),
]


@pytest.fixture
def p(session):
    return practice(session)


def post(session, text: str, name: str):
    return remittance.import_era(session, name, text.encode(), actor="poster", now=NOW)


def _svcs(claim, lines, sign: str = ""):
    out = []
    for (code, charge, paid, cas, mods, units), line in zip(lines, claim.lines):
        out.append(svc(code, sign + charge, sign + paid, [(g, r, sign + a) for g, r, a in cas], mods=mods,
                       control=line.line_control_number, units=units))
    return out


def _primary_paid(session, p, trace="T1"):
    primary = billed_claim(session, p, [("96413", "350.00", (), 1), ("J9271", "12000.00", ("JZ",), 200)],
                           secondary="COMM")
    post(session, era_text([clp(primary, "1", _svcs(primary, FIRST), icn="MCR0001")], trace=trace), f"{trace}.835")
    return primary


def _sent(session, claim):
    (batch,) = create_batches(session, actor="biller", now=LATER, claims=[claim], receiver=Receiver()).batches
    return batch


def _accepted(claim):
    for status in (S.ACK_ACCEPTED, S.PAYER_ACCEPTED):
        lifecycle.transition(claim, status, actor="test", reason="test", at=LATER)


def _secondary_paid(session, sec):
    """The commercial plan's 835: it paid the patient share Medicare left (OA-23 for Medicare's part)."""
    lines = [("96413", "350.00", "30.00", [("OA", "23", "320.00")], (), "1"),
             ("J9271", "12000.00", "2283.00", [("OA", "23", "9717.00")], ("JZ",), "200")]
    post(session, era_text([clp(sec, "2", _svcs(sec, lines), icn="SEC0001")], trace="S1", control=2,
                           payer_id="60054"), "secondary.835")
    assert sec.status is S.PAID and sec.payer_claim_number == "SEC0001"


def _medicare_again(session, primary, lines, icn="MCR0002"):
    """Medicare reverses its first payment (CLP02 22, every amount negated) and adjudicates again."""
    undo = clp(primary, "22", _svcs(primary, FIRST, sign="-"), icn="MCR0001")
    post(session, era_text([undo, clp(primary, "1", _svcs(primary, lines), icn=icn)], trace="T2", control=3),
         "again.835")


def _secondary_settled(session, p):
    """Medicare paid, the secondary claim built from its answer, sent, accepted and paid by the plan."""
    primary = _primary_paid(session, p)
    (sec,) = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY).built
    _sent(session, sec)
    _accepted(sec)
    _secondary_paid(session, sec)
    return primary, sec


def _read_back(text):
    (doc,) = professional_claims(read(text))
    (claim,) = doc.claims
    return claim


def _segments(text, start):
    return [s.split("*") for s in text.split("~") if s.startswith(start)]


def test_the_adjudicated_secondary_is_replaced_with_the_primary_s_new_adjudication(session, p):
    primary = _primary_paid(session, p)
    (sec,) = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY).built
    first_text = _sent(session, sec).content
    (op,) = _read_back(first_text).other_payers
    assert op.claim_control_number == "MCR0001"  # 2330B REF*F8: Medicare's claim number (CLP07)
    _accepted(sec)
    _secondary_paid(session, sec)
    # Medicare re-adjudicates the administration: a deductible instead of coinsurance, less paid.
    corrected = [("96413", "350.00", "100.00", [("CO", "45", "150.00"), ("PR", "1", "100.00")], (), "1"), FIRST[1]]
    _medicare_again(session, primary, corrected)

    result = build_secondary_claims(session, actor="biller", now=LATEST, today=TODAY)
    assert result.built == [] and result.skipped == []
    (fix,) = result.corrections
    assert (fix.action, fix.claim.id) == (REPLACE, sec.id)
    new = fix.new
    assert result.replaced == [new] and result.voided == []
    assert new.frequency_code == "7" and new.payer_claim_number == "SEC0001"  # REF*F8: the secondary's number
    assert new.primary_claim_id == primary.id and new.payer_id == sec.payer_id and new.coverage_id == sec.coverage_id
    assert new.status is S.READY, [(f.edit_id, f.message) for f in new.findings]
    assert sec.status is S.CLOSED
    assert [(ln.code, ln.charge, ln.units) for ln in new.lines] == [(ln.code, ln.charge, ln.units) for ln in sec.lines]

    text = _sent(session, new).content
    assert pyx12_errors(text) == []
    assert validate(text).errors() == []
    assert write(read(text)) == text
    back = _read_back(text)
    assert back.frequency == "7" and back.payer_claim_control_number == "SEC0001"
    assert [s[1] for s in _segments(text, "SBR")] == ["S", "P"]
    (op,) = back.other_payers
    assert op.paid == D("8100.00") and op.claim_control_number == "MCR0002"
    assert op.remaining_patient_liability == D("2383.00")
    (a1,), (a2,) = back.lines[0].adjudications, back.lines[1].adjudications
    assert a1.paid == D("100.00")
    assert [(a.group, a.reason, a.amount) for a in a1.adjustments] == [("CO", "45", D("150.00")),
                                                                      ("PR", "1", D("100.00"))]
    assert a2.paid == D("8000.00")  # the drug line Medicare did not change is carried as before

    # Idempotent: the replacement carries what stands, so a second run does nothing.
    again = build_secondary_claims(session, actor="biller", now=LATEST, today=TODAY)
    assert again.built == [] and again.corrections == []
    assert len(session.scalars(select(Claim).where(Claim.primary_claim_id == primary.id)).all()) == 2
    assert ledger.is_balanced(session)


def test_a_new_adjudication_that_leaves_the_secondary_nothing_voids_its_claim(session, p):
    primary, sec = _secondary_settled(session, p)
    in_full = [("96413", "350.00", "150.00", [("CO", "45", "200.00")], (), "1"),
               ("J9271", "12000.00", "10283.00", [("CO", "45", "1717.00")], ("JZ",), "200")]
    _medicare_again(session, primary, in_full)

    result = build_secondary_claims(session, actor="biller", now=LATEST, today=TODAY)
    (fix,) = result.corrections
    assert fix.action == VOID and "nothing left for the next payer" in fix.reason
    void = fix.new
    assert result.voided == [void] and result.replaced == []
    assert void.frequency_code == "8" and void.payer_claim_number == "SEC0001" and sec.status is S.CLOSED
    assert void.primary_claim_id == primary.id
    text = _sent(session, void).content
    assert pyx12_errors(text) == [] and validate(text).errors() == []
    back = _read_back(text)
    assert back.frequency == "8" and back.payer_claim_control_number == "SEC0001"
    assert back.other_payers[0].paid == D("10433.00")
    assert build_secondary_claims(session, actor="biller", now=LATEST, today=TODAY).corrections == []


def test_a_secondary_not_adjudicated_yet_waits_for_its_835(session, p):
    primary = _primary_paid(session, p)
    (sec,) = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY).built
    _sent(session, sec)
    _accepted(sec)
    corrected = [("96413", "350.00", "100.00", [("CO", "45", "150.00"), ("PR", "1", "100.00")], (), "1"), FIRST[1]]
    _medicare_again(session, primary, corrected)
    (fix,) = build_secondary_claims(session, actor="biller", now=LATEST, today=TODAY).corrections
    assert fix.action == WAIT and fix.new is None and "has not adjudicated this claim yet" in fix.reason
    assert sec.status is S.PAYER_ACCEPTED
    _secondary_paid(session, sec)  # its 835 arrives: now it can be replaced
    (fix,) = build_secondary_claims(session, actor="biller", now=LATEST, today=TODAY).corrections
    assert fix.action == REPLACE and fix.new.frequency_code == "7"


def test_a_secondary_never_sent_is_withdrawn_when_nothing_is_left_and_otherwise_goes_out_corrected(session, p):
    kept, dropped = _primary_paid(session, p), _primary_paid(session, p, trace="T0")
    built = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY).built
    by_primary = {c.primary_claim_id: c for c in built}
    assert all(c.status is S.READY for c in built)
    corrected = [("96413", "350.00", "100.00", [("CO", "45", "150.00"), ("PR", "1", "100.00")], (), "1"), FIRST[1]]
    _medicare_again(session, kept, corrected)
    in_full = [("96413", "350.00", "150.00", [("CO", "45", "200.00")], (), "1"),
               ("J9271", "12000.00", "10283.00", [("CO", "45", "1717.00")], ("JZ",), "200")]
    undo = clp(dropped, "22", _svcs(dropped, FIRST, sign="-"), icn="MCR0001")
    post(session, era_text([undo, clp(dropped, "1", _svcs(dropped, in_full), icn="MCR0003")], trace="T3",
                           control=4), "dropped.835")

    result = build_secondary_claims(session, actor="biller", now=LATEST, today=TODAY)
    (fix,) = result.corrections
    assert (fix.action, fix.claim.id, fix.new) == (WITHDRAW, by_primary[dropped.id].id, None)
    assert result.withdrawn == [fix.claim] and fix.claim.status is S.CLOSED
    # The one still owed was never sent: it goes out as it is, written from what stands now.
    waiting = by_primary[kept.id]
    assert waiting.status is S.READY and waiting.frequency_code == "1"
    (op,) = _read_back(_sent(session, waiting).content).other_payers
    assert op.paid == D("8100.00") and op.claim_control_number == "MCR0002"


def test_a_reversal_paid_again_with_the_same_amounts_changes_nothing(session, p):
    primary, sec = _secondary_settled(session, p)
    _medicare_again(session, primary, FIRST, icn="MCR0009")  # a new claim number, the same adjudication
    result = build_secondary_claims(session, actor="biller", now=LATEST, today=TODAY)
    assert result.corrections == [] and result.built == [] and sec.status is S.PAID


def test_a_reversal_not_yet_followed_by_a_new_adjudication_waits(session, p):
    primary, sec = _secondary_settled(session, p)
    undo = clp(primary, "22", _svcs(primary, FIRST, sign="-"), icn="MCR0001")
    post(session, era_text([undo], trace="T2", control=3), "undo.835")
    (fix,) = build_secondary_claims(session, actor="biller", now=LATEST, today=TODAY).corrections
    assert fix.action == WAIT and "no posted remit" in fix.reason and sec.status is S.PAID


# -- the decision, pure ------------------------------------------------------------------------------

OLD = (D("8120.00"), (), ((1, D("120.00"), "96413", (), D(1), (("CO", "45", D("200.00")),)),))
NEW = (D("8100.00"), (), ((1, D("100.00"), "96413", (), D(1), (("CO", "45", D("150.00")),)),))
NOTHING = ("nothing_left", "nothing left for the next payer")
NO_REMIT = ("no_remit", "no posted remit for it yet")


@pytest.mark.parametrize("status, sent, current, refusal, action", [
    (S.READY, None, NEW, None, None),  # not sent: written from what stands when it goes out
    (S.HELD, None, NEW, NOTHING, WITHDRAW),
    (S.PAYER_REJECTED, None, None, NO_REMIT, WAIT),
    (S.PAYER_ACCEPTED, OLD, NEW, None, WAIT),  # REF*F8 needs the next payer's adjudicated claim
    (S.PAYER_ACCEPTED, NEW, NEW, None, None),
    (S.PAID, OLD, NEW, None, REPLACE),
    (S.DENIED, OLD, NEW, None, REPLACE),
    (S.PARTIAL, OLD, NEW, NOTHING, VOID),
    (S.PAID, OLD, None, NO_REMIT, WAIT),
    (S.PAID, NEW, NEW, None, None),
    (S.PAID, None, NEW, None, WAIT),  # what it carried is not stored: a person compares
])
def test_correction_for(status, sent, current, refusal, action):
    decision = correction_for(status, sent, current, refusal)
    assert (decision[0] if decision else None) == action


# -- `oncobill claims secondary` reports what it corrected ------------------------------------------


def test_the_cli_reports_the_replacement_it_built_and_the_claim_left_waiting(new_database):
    import json

    from typer.testing import CliRunner

    from oncobill.cli.main import app
    from oncobill.db import make_engine, unit_of_work
    from oncobill.migrations.runner import upgrade

    url = new_database("sqlite")
    upgrade(url=url)
    engine = make_engine(url)
    corrected = [("96413", "350.00", "100.00", [("CO", "45", "150.00"), ("PR", "1", "100.00")], (), "1"), FIRST[1]]
    with unit_of_work(engine) as session:
        p = practice(session)
        paid, pending = _primary_paid(session, p), _primary_paid(session, p, trace="T0")
        built = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY).built
        by_primary = {c.primary_claim_id: c for c in built}
        create_batches(session, actor="biller", now=LATER, claims=built, receiver=Receiver())
        for sec in built:
            _accepted(sec)
        _secondary_paid(session, by_primary[paid.id])  # adjudicated by the commercial plan; the other is not
        _medicare_again(session, paid, corrected)
        undo = clp(pending, "22", _svcs(pending, FIRST, sign="-"), icn="MCR0001")
        post(session, era_text([undo, clp(pending, "1", _svcs(pending, corrected), icn="MCR0004")], trace="T4",
                               control=5), "pending.835")
        pcns = {"paid": by_primary[paid.id].patient_control_number,
                "pending": by_primary[pending.id].patient_control_number,
                "primary": paid.patient_control_number}
    engine.dispose()
    environ = {"ONCOBILL_DATABASE_URL": url}
    runner = CliRunner()
    first = runner.invoke(app, ["claims", "secondary", "--today", "2026-11-20", "--actor", "biller", "--json"],
                          env=environ)
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    (replacement,) = data["replacements"]
    assert replacement["replaces"] == pcns["paid"] and replacement["follows"] == pcns["primary"]
    assert (replacement["frequency_code"], replacement["payer_claim_number"], replacement["status"]) == (
        "7", "SEC0001", "ready")
    (waiting,) = data["waiting"]
    assert waiting["patient_control_number"] == pcns["pending"] and waiting["status"] == "payer_accepted"
    assert "has not adjudicated this claim yet" in waiting["reason"]
    assert data["voids"] == [] and data["withdrawn"] == [] and data["built"] == []
    again = runner.invoke(app, ["claims", "secondary", "--today", "2026-11-20"], env=environ)
    assert again.exit_code == 0, again.output
    words = " ".join(again.stdout.split())  # the console wraps long lines
    assert "0 replacement(s), 0 void(s), 0 withdrawn, 1 waiting" in words
    assert pcns["pending"] in words


# -- the sandbox payer takes the replacement: reverses its first answer and pays on the new 2430s ------


def test_the_sandbox_secondary_payer_replaces_its_answer_and_both_835s_post_balanced(session, p, tmp_path):
    import json

    from tests.claims.submission_helpers import payer_config

    from oncobill.sandbox_payer import process_inbox
    from oncobill.x12.remit835 import remittances

    primary = _primary_paid(session, p)
    (sec,) = build_secondary_claims(session, actor="biller", now=LATER, today=TODAY).built
    mailbox = tmp_path / "mailbox"
    (mailbox / "outbound").mkdir(parents=True)
    comm = payer_config(p["commercial"], members=[{"member_id": sec.coverage.member_id,
                                                   "coverage_from": "2026-01-01"}], covers=["1", "2"])
    (mailbox / "sandbox_config.json").write_text(json.dumps({"payers": {"60054": comm}}))

    def adjudicated_by_sandbox(claim, name):
        batch = _sent(session, claim)
        _accepted(claim)
        (mailbox / "outbound" / batch.file_name).write_text(batch.content)
        (answer,) = [a for a in process_inbox(mailbox, today=TODAY).files if a.remittance is not None]
        assert answer.ack_999_status == "A", answer.problems
        text = answer.remittance.read_text()
        post(session, text, name)
        return remittances(read(text))[0].claims

    (first,) = adjudicated_by_sandbox(sec, "secondary-1.835")
    assert first.status == "2" and sec.status is S.PAID and sec.payer_claim_number == first.payer_claim_control_number
    corrected = [("96413", "350.00", "100.00", [("CO", "45", "150.00"), ("PR", "1", "100.00")], (), "1"), FIRST[1]]
    _medicare_again(session, primary, corrected)
    (fix,) = build_secondary_claims(session, actor="biller", now=LATEST, today=TODAY).corrections
    new = fix.new
    assert fix.action == REPLACE and new.payer_claim_number == first.payer_claim_control_number

    answered = adjudicated_by_sandbox(new, "secondary-2.835")
    assert [c.status for c in answered] == ["22", "2"]  # its first answer reversed, the replacement paid
    assert answered[1].patient_control_number == new.patient_control_number
    assert new.status in (S.PAID, S.PARTIAL)
    assert ledger.is_balanced(session)
    assert ledger.payer_balance(session, primary.payer_id) == 0 and ledger.payer_balance(session, sec.payer_id) == 0
    left = sum((a.amount for s in answered[1].services for a in s.adjustments if a.group == "PR"), D("0.00"))
    assert ledger.patient_balance(session, primary.patient_id) == left


def test_a_correction_of_a_secondary_made_by_hand_keeps_the_prior_payer_s_adjudication(session, p):
    """A biller's corrected claim (the denial queue's "corrected claim", claims.service.create_replacement)
    of a secondary claim follows the same primary, so its 837 still carries 2320/2330B/2430."""
    from oncobill.claims.service import create_replacement, scrub_claims

    primary, sec = _secondary_settled(session, p)
    new = create_replacement(session, sec, actor="biller", reason="corrected NDC quantity", now=LATEST)
    assert new.primary_claim_id == primary.id and new.frequency_code == "7"
    scrub_claims(session, actor="biller", today=TODAY, claims=[new], now=LATEST)
    assert new.status is S.READY, [(f.edit_id, f.message) for f in new.findings]
    text = _sent(session, new).content
    assert pyx12_errors(text) == [] and validate(text).errors() == []
    (op,) = _read_back(text).other_payers
    assert op.claim_control_number == "MCR0001" and op.paid == D("8120.00")
