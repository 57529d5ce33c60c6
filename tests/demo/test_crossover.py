"""Medicare crossovers in the demo, end to end (issue 6, build items 3 and 9): most Medicare + Medigap
patients are on Medicare's crossover file from the Medigap plan, so Medicare answers their claims
CLP02 19 + MA18 (NM1*TT naming the plan), the plan's own 835 follows and is posted against the plan's
A/R, and no secondary claim is billed for them; the patients not yet on the file keep the
practice-built secondary claim. Uses the package's demo run (tests/demo/conftest.py), on both databases."""

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from tests.demo.conftest import printed_summary

from oncobill.claims.models import Claim, ClaimStatus
from oncobill.ledger import service as ledger
from oncobill.ledger.models import JournalLine
from oncobill.ledger.rules import Account
from oncobill.models import Payer
from oncobill.remittance.models import EraImport, RemitAdjustment, RemitClaim, RemitServiceLine
from oncobill.x12 import read
from oncobill.x12.remit835 import read_remittance

ZERO = Decimal("0.00")


def _payer(session, code: str) -> Payer:
    return session.scalars(select(Payer).where(Payer.code == code)).one()


def _crossed(session, run) -> list[Claim]:
    """The month's claims whose Medicare remit crossed them over (CLP02 19 + MA18)."""
    return session.scalars(select(Claim).where(
        Claim.primary_claim_id.is_(None),
        Claim.id.in_(select(RemitClaim.claim_id).where(RemitClaim.crossed_over.is_(True))))
        .order_by(Claim.patient_control_number)).all()


def _month_claims(session) -> list[Claim]:
    return session.scalars(select(Claim).where(Claim.primary_claim_id.is_(None))).all()


def _partner_remits(session, claim_id: int) -> list[RemitClaim]:
    return session.scalars(select(RemitClaim).join(EraImport, EraImport.id == RemitClaim.era_import_id).where(
        RemitClaim.claim_id == claim_id, EraImport.payer_key == "SBKMG")).all()


def test_most_medigap_patients_cross_over_and_the_others_are_billed_by_the_practice(demo_db):
    _, run, session = demo_db
    (file,) = run.month.crossover_files
    assert file.partner == "MEDIGAP" and file.medicare_payer_id == "SBMCR" and file.partner_payer_id == "SBKMG"
    on_file = {account for account, _, _ in file.members}
    not_on_file = {account for account, _, _ in file.not_on_file}
    assert len(on_file) > len(not_on_file) >= 1  # most, not all
    assert all(joined >= file.as_of for _, _, joined in file.not_on_file)

    crossed = _crossed(session, run)
    x = run.summary["crossover"]
    assert x["crossed_over"] == len(crossed) > 0
    assert {c.patient.account_number for c in crossed} <= on_file
    mcr = _payer(session, "MCR")
    # Every Medicare claim of a patient on the file that Medicare did not wholly deny crossed over; none other.
    for claim in _month_claims(session):
        if claim.payer_id != mcr.id or claim.status in (ClaimStatus.HELD, ClaimStatus.DENIED):
            continue
        assert (claim in crossed) == (claim.patient.account_number in on_file), claim.patient_control_number
    # The patients not on the file: their Medicare claims were answered CLP02 1 and billed to Medigap by us.
    medigap = _payer(session, "MEDIGAP")
    billed = session.scalars(select(Claim).where(Claim.primary_claim_id.is_not(None),
                                                 Claim.payer_id == medigap.id)).all()
    assert billed and {c.patient.account_number for c in billed} <= not_on_file


def test_medicare_answers_19_with_ma18_naming_the_partner(demo_db):
    """As read back from the 835 files in the mailbox: Medicare's CLP for each crossed-over claim is 19
    with MOA MA18 and NM1*TT SBKMG, and the Medigap plan's own transaction answers it (CLP02 2) under
    the plan's own member ID."""
    _, run, session = demo_db
    crossed = {c.patient_control_number: c for c in _crossed(session, run)}
    seen_mcr, seen_gap = set(), set()
    for path in sorted(Path(run.summary["submission"]["inbound"]).glob("*.835")):
        for txn in read(path.read_text()).transactions():
            remit = read_remittance(txn)
            for cp in remit.claims:
                if cp.patient_control_number not in crossed:
                    continue
                claim = crossed[cp.patient_control_number]
                if remit.payer_id == "SBMCR" and cp.status != "22":
                    assert cp.status == "19"
                    assert any(s[0] == "MOA" and "MA18" in list(s) for s in cp.other)
                    assert any(list(s)[:2] == ["NM1", "TT"] and list(s)[-1] == "SBKMG" for s in cp.other)
                    seen_mcr.add(cp.patient_control_number)
                elif remit.payer_id == "SBKMG":
                    medigap = next(c for c in claim.patient.coverages if c.payer.code == "MEDIGAP")
                    assert cp.status == "2" and cp.patient_id == medigap.member_id
                    seen_gap.add(cp.patient_control_number)
    assert seen_mcr == seen_gap == set(crossed)


def test_no_secondary_claim_follows_a_crossed_over_claim(demo_db):
    _, run, session = demo_db
    crossed = {c.id for c in _crossed(session, run)}
    assert crossed
    duplicates = session.scalars(select(Claim).where(Claim.primary_claim_id.in_(crossed))).all()
    assert duplicates == []
    x = run.summary["crossover"]
    assert x["secondary_claims_billed"] == 0 and x["duplicates"] == []
    assert run.summary["secondary"]["not_billed"]["crossed over"] == len(crossed)
    # The claim keeps Medicare's status and claim number; Medicare's remit row is the crossed-over one.
    for claim in _crossed(session, run):
        (mcr,) = [r for r in session.scalars(select(RemitClaim).where(RemitClaim.claim_id == claim.id))
                  if r.crossed_over]
        assert mcr.claim_status_code == "19" and claim.payer_claim_number == mcr.payer_claim_number
        assert claim.status in (ClaimStatus.PAID, ClaimStatus.PARTIAL)


def _held(rows, account: Account, payer: int | None = None) -> Decimal:
    return sum((a for acc, p, a in rows if Account(acc) is account and (payer is None or p == payer)), ZERO)


def test_the_partner_s_835_is_posted_against_its_a_r(demo_db):
    """Each crossed-over claim has the Medigap plan's CLP posted once; after it, nothing is left with
    Medigap (or Medicare) on the claim's lines, and what is left with the patient is exactly the PR the
    plan left (Plan G does not pay the Part B deductible). OA-23 moved nothing: the plan's payment and
    its PR are all that came off its A/R. The ledger stays balanced."""
    _, run, session = demo_db
    x = run.summary["crossover"]
    medigap, mcr = _payer(session, "MEDIGAP"), _payer(session, "MCR")
    crossed = _crossed(session, run)
    assert x["partner_answered"] == len(crossed) and x["waiting_for_partner"] == 0
    assert x["partner_paid"] >= 1 and Decimal(x["partner_payments"]) > 0
    payments, left = ZERO, ZERO
    for claim in crossed:
        (remit,) = _partner_remits(session, claim.id)
        assert remit.claim_status_code == "2" and not remit.crossed_over
        payments += remit.paid
        left += remit.patient_responsibility
        for line in claim.lines:
            rows = session.execute(select(JournalLine.account, JournalLine.payer_id, JournalLine.amount)
                                   .where(JournalLine.charge_line_id == line.charge_line_id)).all()
            assert _held(rows, Account.AR_PAYER, medigap.id) == 0, line.line_control_number
            assert _held(rows, Account.AR_PAYER, mcr.id) == 0, line.line_control_number
            svc = session.scalars(select(RemitServiceLine).where(RemitServiceLine.remit_claim_id == remit.id,
                                                                 RemitServiceLine.claim_line_id == line.id)).one()
            pr = sum(session.scalars(select(RemitAdjustment.amount).where(
                RemitAdjustment.remit_service_line_id == svc.id, RemitAdjustment.group_code == "PR")).all(), ZERO)
            assert _held(rows, Account.AR_PATIENT) == pr, line.line_control_number
            # What the plan's posting took off its A/R on the line: its payment and the PR it passed on.
            gap_moves = -sum((a for acc, p, a in rows if Account(acc) is Account.AR_PAYER and p == medigap.id
                              and a < 0), ZERO)
            assert gap_moves == svc.paid + pr, line.line_control_number
    assert (str(payments), str(left)) == (x["partner_payments"], x["left_to_patient"])
    assert x["partner_ar"] == "0.00" and Decimal(x["patient_ar"]) == left
    assert ledger.is_balanced(session)


def test_a_partly_denied_claim_that_crossed_over_never_moves_the_denied_lines_to_the_partner(demo_db):
    """The deactivated provider's CO-B7 lines on a claim Medicare crossed over: Medicare adjusted them
    off (nothing moved to Medigap), the plan paid nothing on them, and nobody holds them."""
    _, run, session = demo_db
    (fact,) = [f for f in run.month.payer_facts if f.npi]
    crossed = {c.patient_control_number: c for c in _crossed(session, run)}
    hit = [crossed[pcn] for pcn in fact.claims if pcn in crossed]
    assert hit  # the demo exercises it (the other claim the fact bites goes to Medicaid as a secondary claim)
    for claim in hit:
        (remit,) = _partner_remits(session, claim.id)
        for line in claim.lines:
            if line.service_date <= fact.enrollment_to:
                continue
            svc = session.scalars(select(RemitServiceLine).where(RemitServiceLine.remit_claim_id == remit.id,
                                                                 RemitServiceLine.claim_line_id == line.id)).one()
            assert svc.paid == 0
            assert ledger.charge_line_balance(session, line.charge_line_id) == 0


def test_the_printed_summary_shows_the_crossovers(demo_db):
    _, run, _ = demo_db
    text = printed_summary(run)
    x = run.summary["crossover"]
    assert (f"Crossovers: {x['crossed_over']} Medicare claims crossed over to MEDIGAP (CLP02 19 + MA18); MEDIGAP's "
            f"own 835s answered {x['partner_answered']}, paid {x['partner_paid']}") in text
    assert "secondary claims billed for crossed-over claims: 0 (no duplicate of the crossover)" in text
    assert f"A/R on the crossed-over claims: MEDIGAP $0.00, patients ${x['patient_ar']}" in text
    for f in x["files"]:
        for m in f["not_on_file"]:
            assert m["patient"] in text
