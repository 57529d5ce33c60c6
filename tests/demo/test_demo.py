"""The demo practice: realistic shape, reproducible from its seed, ledger balanced, on both databases."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from tests.demo.conftest import printed_summary
from tests.x12.oracle import pyx12_errors

from oncobill.codes import default_code_sets
from oncobill.demo.regimens import REGIMENS, treatment_days
from oncobill.demo.run import run_demo
from oncobill.ledger import service as ledger
from oncobill.ledger.models import JournalLine
from oncobill.ledger.rules import Account
from oncobill.models import (
    ChargeLine,
    Coverage,
    Encounter,
    Patient,
    Payer,
    PayerEnrollment,
    Provider,
    TreatmentPlan,
)
from oncobill.patients.service import coverages_on
from oncobill.practice.npi import npi_is_valid


def test_practice_shape(demo_db):
    _, run, session = demo_db
    providers = session.scalars(select(Provider)).all()
    assert len(providers) >= 4
    assert all(npi_is_valid(p.npi) for p in providers)
    assert {p.role.value for p in providers} >= {"physician", "radiation_oncologist", "nurse_practitioner"}
    not_enrolled = session.scalars(select(PayerEnrollment).where(PayerEnrollment.status != "enrolled")).all()
    assert [(e.provider.credential, e.payer.code) for e in not_enrolled] == [("NP", "PRAIRIE")]
    kinds = sorted(p.kind.value for p in session.scalars(select(Payer)))
    assert kinds == ["commercial", "commercial", "medicaid", "medicare", "medicare_advantage", "medigap"]


def test_patients_coverages_and_diagnoses(demo_db):
    _, run, session = demo_db
    patients = session.scalars(select(Patient)).all()
    assert len(patients) >= 60
    codes = default_code_sets()
    for patient in patients:
        assert patient.diagnoses, patient.account_number
        for dx in patient.diagnoses:
            assert dx.icd10_code[0] in "CD" and codes.icd10_is_billable(dx.icd10_code), dx.icd10_code
    coverages = session.scalars(select(Coverage)).all()
    assert any(c.priority.value == "secondary" for c in coverages)
    spouse_plans = [c for c in coverages if c.relationship_to_subscriber.value == "01"]
    assert spouse_plans and all(c.subscriber_birth_date and c.patient.guarantor for c in spouse_plans)
    changed = {c.patient_id for c in coverages if c.end_date is not None}
    assert len(changed) >= 5  # coverage that ends during the year and another that follows it
    for patient_id in changed:
        starts = [c.effective_date for c in coverages if c.patient_id == patient_id and c.priority.value == "primary"]
        assert len(starts) == 2


def test_regimens_present(demo_db):
    _, run, session = demo_db
    regimens = {p.regimen for p in session.scalars(select(TreatmentPlan))}
    assert regimens == {"carbo_pacli", "mfolfox6", "pembrolizumab", "r_chop", "imrt_28"}
    assert REGIMENS["carbo_pacli"].cycle_length_days == 21 and REGIMENS["mfolfox6"].cycle_length_days == 14
    assert REGIMENS["imrt_28"].fractions == 28


def test_month_charges_reach_the_ledger_against_the_right_coverage(demo_db):
    _, run, session = demo_db
    month = run.summary["month"]
    assert month["encounters"] > 100 and month["charge_lines"] > 500
    gross = Decimal(month["gross_charges"])
    # The month's 835s are posted, then the secondary payers' 835s: A/R is what they left open.
    posted, secondary = run.summary["remittance"], run.summary["secondary"]["remittance"]
    paid = Decimal(posted["payments"]) + Decimal(secondary["payments"])
    adjusted = Decimal(posted["adjustments"]) + Decimal(secondary["adjustments"])
    assert ledger.accounts_receivable(session) == gross - paid - adjusted
    assert ledger.is_balanced(session)
    lines = session.scalars(select(ChargeLine)).all()
    assert sum((line.charge for line in lines), Decimal("0.00")) == gross
    # Each encounter's charges sit with the primary coverage in force on its date of service.
    for encounter in session.scalars(select(Encounter)):
        active = coverages_on(session, patient_id=encounter.patient_id, on=encounter.date_of_service)
        payer_id = active[0].payer_id
        for line in encounter.charge_lines:
            assert _charged(session, line.id) == line.charge
            assert date(2026, 10, 1) <= line.service_date <= date(2026, 10, 31) or encounter.fraction_from
        assert payer_id is not None
    assert month["encounters_on_coverage_new_this_month"] >= 1


def _charged(session, charge_line_id: int) -> Decimal:
    """What was charged on a line (its charge entry), whatever the 835s did since."""
    from oncobill.ledger.models import JournalEntry, JournalLine

    return sum(session.scalars(select(JournalLine.amount).join(JournalEntry).where(
        JournalEntry.kind == "charge", JournalLine.charge_line_id == charge_line_id,
        JournalLine.account.in_(["ar_payer", "ar_patient"]))).all(), Decimal("0.00"))


def test_same_seed_same_figures_on_any_database(demo_db, new_database, tmp_path_factory):
    """A fresh SQLite run with the same seed reproduces every figure (of a SQLite or a PostgreSQL run)."""
    url, run, _ = demo_db
    mailbox = tmp_path_factory.mktemp("clearinghouse") / "sandbox"
    again = run_demo(new_database("sqlite"), mailbox=mailbox)
    assert _figures(again.summary) == _figures(run.summary)
    assert run_demo(new_database("sqlite"), seed=7, mailbox=mailbox).summary != run.summary


def test_the_demo_runs_again_on_its_own_database(demo_db, new_database, tmp_path_factory):
    """A second `make demo` resets the database it ran in (a downgrade stopped at migration 0007, which
    will not split the month's remittance entries back) and gives the same figures."""
    url, run, _ = demo_db
    kind = "postgresql" if url.startswith("postgresql") else "sqlite"
    mailbox = tmp_path_factory.mktemp("clearinghouse") / "sandbox"
    scratch = new_database(kind)
    assert run_demo(scratch, seed=7, mailbox=mailbox).summary != run.summary
    assert _figures(run_demo(scratch, mailbox=mailbox).summary) == _figures(run.summary)


def _figures(summary: dict) -> dict:
    """The summary without where its files were written (each run has its own mailbox)."""
    submission = {k: v for k, v in summary["submission"].items() if k not in ("mailbox", "outbound", "inbound")}
    return {**summary, "submission": submission}


def test_treatment_days_follow_the_schedule():
    days = treatment_days(REGIMENS["imrt_28"], date(2026, 10, 2))  # a Friday
    assert len(days) == 28 and all(d.weekday() < 5 for _, d, _ in days)
    assert days[0][1] == date(2026, 10, 2) and days[1][1] == date(2026, 10, 5)
    cycles = [d for n, d, followup in treatment_days(REGIMENS["mfolfox6"], date(2026, 10, 1)) if not followup]
    assert cycles[:3] == [date(2026, 10, 1), date(2026, 10, 15), date(2026, 10, 29)]


def test_month_is_billed_on_claims_and_scrubbed(demo_db):
    """Every charge line of the month lands on exactly one claim of the coverage in force on its date;
    building posts nothing; the NP still pending with Prairie Blue has those claims held."""
    from oncobill.claims.models import Claim, ClaimLine, ClaimStatus
    from oncobill.ledger.models import JournalEntry

    _, run, session = demo_db
    claims = session.scalars(select(Claim).where(Claim.primary_claim_id.is_(None))).all()  # secondaries: below
    billed = session.scalars(select(ClaimLine.charge_line_id).join(Claim)
                             .where(Claim.primary_claim_id.is_(None))).all()
    charge_lines = session.scalars(select(ChargeLine)).all()
    assert sorted(billed) == sorted(line.id for line in charge_lines)  # none lost, none twice
    summary = run.summary["claims"]
    assert summary["built"] == len(claims) and summary["lines"] == len(billed)
    assert Decimal(summary["total_charge"]) == Decimal(run.summary["month"]["gross_charges"])
    assert session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "charge")) == len(
        [line for line in charge_lines if line.charge > 0])  # one charge entry per line, nothing more
    for claim in claims:
        assert 1 <= len(claim.lines) <= 50 and 1 <= len(claim.diagnoses) <= 12
        assert claim.total_charge == sum((line.charge for line in claim.lines), Decimal("0.00"))
        assert all(claim.coverage.active_on(line.service_date) for line in claim.lines)
        assert claim.service_from.month == claim.service_to.month
        assert (claim.status is ClaimStatus.HELD) == any(f.severity.value == "error" for f in claim.findings)
        assert claim.status in (ClaimStatus.HELD, ClaimStatus.PAYER_ACCEPTED, ClaimStatus.PAYER_REJECTED,
                                ClaimStatus.ACK_REJECTED, ClaimStatus.PAID, ClaimStatus.PARTIAL,
                                ClaimStatus.DENIED)  # the clean ones went out, were answered and paid
    assert len({line.line_control_number for c in claims for line in c.lines}) == len(billed)

    pending = [c for c in claims if c.rendering_provider.credential == "NP" and c.payer.code == "PRAIRIE"]
    assert pending, "the demo must bill some of the NP's Prairie Blue treatment days"
    for claim in pending:
        assert claim.status is ClaimStatus.HELD
        assert "enrollment" in {f.edit_id for f in claim.findings}
    others = [c for c in claims if c not in pending]
    assert not any(f.edit_id == "enrollment" for c in others for f in c.findings)
    assert summary["claims_held_by_edit"]["enrollment"] == len(pending) == len(summary["held_for_enrollment"])

    assert summary["ready"] + summary["held"] == summary["built"]  # as scrubbed, before submission
    assert Decimal(summary["clean_claim_rate"]) == (Decimal(summary["ready"]) / summary["built"]).quantize(
        Decimal("0.0001"))
    assert sum(summary["claims_held_by_edit"].values()) >= summary["held"]
    # After a coverage change the new payer has no authorization yet (domain 9.4): those claims are held.
    assert summary["claims_held_by_edit"].get("prior_auth", 0) >= 1


def test_ready_claims_go_out_and_the_acknowledgments_come_back(demo_db):
    """After scrubbing, every ready claim is in exactly one 837 batch per payer and form, sent through the
    sandbox; its 999 and 277CA are imported; all the files stay in the mailbox, 835s included."""
    from oncobill.claims.models import Claim, ClaimStatus, ImportedFile, SubmissionBatch

    _, run, session = demo_db
    sub, claims_summary = run.summary["submission"], run.summary["claims"]
    every_batch = session.scalars(select(SubmissionBatch).order_by(SubmissionBatch.id)).all()
    batches = [b for b in every_batch if all(c.primary_claim_id is None for c in b.claims)]  # the month's round
    assert sub["submitted"] == claims_summary["ready"] == sum(b.claim_count for b in batches)
    assert sub["batches"] == len(batches) == len({(b.payer_id, b.form) for b in batches})
    assert all(b.sent_at is not None and b.sent_via == "sandbox" for b in batches)
    in_batches = [c.id for b in batches for c in b.claims]
    assert len(in_batches) == len(set(in_batches))  # each claim in one batch
    held = session.scalars(select(Claim).where(Claim.status == ClaimStatus.HELD)).all()
    assert not set(in_batches) & {c.id for c in held}
    assert sub["ack_999_accepted"] + sub["ack_999_rejected"] == sub["submitted"]
    assert sub["payer_accepted"] + sub["payer_rejected"] == sub["ack_999_accepted"]
    assert Decimal(sub["ack_999_acceptance_rate"]) == (Decimal(sub["ack_999_accepted"]) / sub["submitted"]).quantize(
        Decimal("0.0001"))
    assert Decimal(sub["ack_277ca_acceptance_rate"]) > Decimal("0.9")
    for claim in session.scalars(select(Claim).where(Claim.id.in_(in_batches))):
        moves = [e.to_status for e in claim.events]
        answered = moves[moves.index(ClaimStatus.SUBMITTED):]
        assert answered[:2] == [ClaimStatus.SUBMITTED, ClaimStatus.ACK_ACCEPTED]
        assert answered[2] in (ClaimStatus.PAYER_ACCEPTED, ClaimStatus.PAYER_REJECTED)
        assert answered[-1] is claim.status
        assert all(e.actor and e.reason for e in claim.events)
    imported = session.scalars(select(ImportedFile)).all()
    assert sorted(f.kind for f in imported) == ["277CA"] * len(every_batch) + ["999"] * len(every_batch)
    assert not sub["import_failures"]
    outbound, inbound = Path(sub["outbound"]), Path(sub["inbound"])
    assert sorted(p.name for p in outbound.glob("*.837")) == sorted(b.file_name for b in every_batch)
    for batch in every_batch:
        assert (outbound / batch.file_name).read_text() == batch.content
        for suffix in ("999", "277ca", "835"):
            assert (inbound / f"{batch.interchange_control_number:09d}.{suffix}").exists()
    assert len(sub["remittances_waiting"]) == len(batches)


def test_every_837_the_demo_writes_passes_pyx12_and_our_validator(demo_db):
    """pyx12 is slow: the demo's batches are validated once, on the SQLite run; the PostgreSQL run
    checks its batches with our own validator (which finds more than pyx12, docs/x12.md)."""
    from oncobill.practice.npi import npi_is_valid
    from oncobill.x12.codesets import CodeSetsLookup
    from oncobill.x12.validate import validate

    url, run, _ = demo_db
    files = sorted(Path(run.summary["submission"]["outbound"]).glob("*.837"))
    assert {f.name.rsplit("-", 1)[-1] for f in files} == {"837P.837", "837I.837"}
    for path in files:
        text = path.read_text()
        findings = [f.located() for f in validate(text, CodeSetsLookup(npi_valid=npi_is_valid)).findings
                    if f.severity == "error"]
        assert findings == [], path.name
        if url.startswith("sqlite"):
            assert pyx12_errors(text) == [], path.name


def test_the_sandbox_sees_the_practice_s_own_world_but_for_the_payer_side_facts(demo_db):
    """The sandbox config the demo writes: every coverage's member under its payer (Medigap behind
    Medicare as the crossover where Medicare's crossover file lists the member), every enrolled rendering NPI with its date (the NP pending with Prairie
    Blue absent there only), every usable authorization; it differs from the practice's records only
    where a payer-side fact says so (a coverage end, an authorization's units, an enrollment end)."""
    import json

    from oncobill.claims.models import Authorization

    _, run, session = demo_db
    config = json.loads((Path(run.summary["submission"]["mailbox"]) / "sandbox_config.json").read_text())
    payers = config["payers"]
    facts = run.month.payer_facts
    ends = {(f.payer_id, f.member_id): f.coverage_to.isoformat() for f in facts if f.coverage_to}
    on_files = {m for f in run.month.crossover_files for m in f.members}
    assert on_files
    for coverage in session.scalars(select(Coverage)):
        members = {m["member_id"]: m for m in payers[coverage.payer.payer_id]["members"]}
        assert coverage.member_id in members
        practice_end = coverage.end_date.isoformat() if coverage.end_date else None
        payer_end = members[coverage.member_id]["coverage_to"]
        assert payer_end == ends.get((coverage.payer.payer_id, coverage.member_id), practice_end)
        if coverage.payer.code == "MEDIGAP":  # crossover only for the members on Medicare's crossover file
            medicare = next(c for c in coverage.patient.coverages if c.payer.code == "MCR")
            on_file = (coverage.patient.account_number, medicare.member_id, coverage.member_id) in on_files
            assert members[coverage.member_id].get("medicare_id") == (medicare.member_id if on_file else None)
            mcr_member = {m["member_id"]: m for m in payers["SBMCR"]["members"]}[medicare.member_id]
            assert mcr_member.get("crossover_to") == ("SBKMG" if on_file else None)
        elif coverage.payer.code == "MCR" and not any(c.payer.code == "MEDIGAP" for c in coverage.patient.coverages):
            # Medicaid behind Medicare is not a crossover partner in the demo: the practice bills it.
            assert "crossover_to" not in members[coverage.member_id]
    assert len(ends) == 2 and all(end is not None for end in ends.values())
    np = session.scalars(select(Provider).where(Provider.credential == "NP")).one()
    enrolled = {code: {e["npi"] for e in p["enrollments"]} for code, p in payers.items()}
    assert [code for code, npis in enrolled.items() if np.npi not in npis] == ["SBPBP"]
    ended = {(f.payer_id, f.npi): f.enrollment_to.isoformat() for f in facts if f.npi}
    assert len(ended) == 1
    for e in session.scalars(select(PayerEnrollment).where(PayerEnrollment.status == "enrolled")):
        (held,) = [x for x in payers[e.payer.payer_id]["enrollments"] if x["npi"] == e.provider.npi]
        practice_end = e.end_date.isoformat() if e.end_date else None
        assert held["to"] == ended.get((e.payer.payer_id, e.provider.npi), practice_end)
    auths = [a for a in session.scalars(select(Authorization)) if a.status.usable]
    assert sum(len(p["authorizations"]) for p in payers.values()) == len(auths)
    fewer = {(f.authorization, f.code): f.units for f in facts if f.authorization}
    assert len(fewer) == 1
    for auth in auths:
        held = next(a for a in payers[auth.payer.payer_id]["authorizations"] if a["number"] == auth.auth_number)
        for code, units in auth.approved_units.items():
            expected = fewer.get((auth.auth_number, code))
            assert Decimal(held["units"][code]) == (expected if expected is not None else Decimal(units or 999999))


def test_the_sandbox_835s_are_posted_once_and_add_up(demo_db):
    """Every claim the payer adjudicated is posted from its 835: paid + adjusted + moved to the patient
    or the next payer = what was billed; importing the mailbox again posts nothing more."""
    from oncobill.remittance import service as remittance
    from oncobill.remittance.models import EraImport

    _, run, session = demo_db
    r, sub, x = run.summary["remittance"], run.summary["submission"], run.summary["crossover"]
    # One 835 per batch, each with Medicare's set followed by the Medigap plan's own for the crossovers.
    assert r["sets_quarantined"] == 0 and r["files"] == sub["batches"]
    assert r["sets_posted"] == sub["batches"] + x["partner_sets"] and x["partner_sets"] >= 1
    assert r["claims_posted"] == sub["payer_accepted"] + x["partner_answered"]
    accounted = Decimal(r["payments"]) + Decimal(r["adjustments"]) + Decimal(r["patient_responsibility"])
    # Every clean claim is adjudicated: the denied lines are in the adjustments (CO-27, CO-198, CO-B7). The
    # partner's answers add its payment and the share it left to the patient (its OA-23 moves nothing).
    partner = Decimal(x["partner_payments"]) + Decimal(x["left_to_patient"])
    assert accounted - partner == Decimal(sub["submitted_charge"])
    assert ledger.is_balanced(session)
    before = session.scalar(select(func.count()).select_from(EraImport))
    for path in sorted(Path(sub["inbound"]).glob("*.835")):
        again = remittance.import_file(session, path, actor="test")
        assert {s.outcome for s in again.sets} == {"already imported"}
    session.rollback()
    assert session.scalar(select(func.count()).select_from(EraImport)) == before


def test_secondary_claims_close_the_loop(demo_db):
    """After the primaries' 835s: every adjudicated claim that left a patient share, of a patient with
    another coverage, is billed to that payer (or said why not); the sent ones come back paid as
    secondary (CLP02 2, OA-23) and post so each line's balance is its charge less both payers' money."""
    from oncobill.claims.models import Claim, ClaimStatus
    from oncobill.claims.secondary import prior_adjudication
    from oncobill.remittance.models import RemitClaim

    _, run, session = demo_db
    sec = run.summary["secondary"]
    secondaries = session.scalars(select(Claim).where(Claim.primary_claim_id.is_not(None))).all()
    assert sec["built"] == len(secondaries) >= 5
    # Both paths: Medigap members not yet on Medicare's crossover file are billed by the practice.
    assert set(sec["by_payer"]) == {"MEDIGAP", "MEDICAID"} and sec["by_form"].get("837I", 0) >= 1
    assert sec["built"] == sec["held"] + sec["sent"] and sec["paid"] + sec["partial"] + sec["denied"] == sec["sent"]
    assert sec["paid"] >= 3 and Decimal(sec["remittance"]["payments"]) > 0
    assert sec["not_billed"].get("crossed over") == run.summary["crossover"]["crossed_over"] > 0
    for claim in secondaries:
        primary = session.get(Claim, claim.primary_claim_id)
        assert claim.coverage.priority.value == "secondary" and claim.patient_id == primary.patient_id
        assert claim.payer_id != primary.payer_id
        assert prior_adjudication(session, primary).patient_responsibility > 0
        assert [ln.charge_line_id for ln in claim.lines] == [ln.charge_line_id for ln in primary.lines]
        if claim.status is ClaimStatus.HELD:
            continue
        (remit,) = session.scalars(select(RemitClaim).where(RemitClaim.claim_id == claim.id)).all()
        assert remit.claim_status_code == "2"
        for line in claim.lines:  # what is left on the line sits with the patient now, none with a payer
            rows = session.execute(select(JournalLine.account, JournalLine.amount)
                                   .where(JournalLine.charge_line_id == line.charge_line_id)).all()
            open_payer = sum((a for acc, a in rows if Account(acc) is Account.AR_PAYER), Decimal("0.00"))
            assert open_payer == 0
    # Medigap answered both the claims we billed it and the claims Medicare crossed over: it owes nothing more.
    assert run.summary["ledger"]["ar_by_payer"]["MEDIGAP"] == "0.00"
    assert ledger.is_balanced(session)


def test_denials_and_kpis_in_the_summary(demo_db):
    """The summary's denial queues are what denial_work_items holds; the KPIs agree with the ledger and
    count the denials the payer-side facts caused."""
    from oncobill.worklists.models import DenialWorkItem

    _, run, session = demo_db
    denials, k = run.summary["denials"], run.summary["kpis"]
    items = session.scalars(select(DenialWorkItem)).all()
    assert denials["work_items"] == len(items) > 0
    assert sum(denials["by_queue"].values()) == denials["work_items"]
    assert sum(g["lines"] for g in denials["items"]) == denials["work_items"]
    assert Decimal(denials["amount"]) == sum((i.amount for i in items), Decimal("0.00"))
    assert k["as_of"] == "2026-11-02" and k["period"] == "2026-08-05 to 2026-11-02 (90 days)"
    ar = Decimal(k["accounts_receivable"])
    assert ar == ledger.accounts_receivable(session)
    aged = sum((Decimal(v) for v in [*k["aging_payer"].values(), *k["aging_patient"].values()]), Decimal("0.00"))
    assert aged == ar
    assert list(k["aging_payer"]) == ["0-30", "31-60", "61-90", "91-120", "over 120"]
    gross = Decimal(k["gross_charges"])
    assert gross == Decimal(run.summary["month"]["gross_charges"])  # every charge of the month is in the period
    assert Decimal(k["days_in_ar"]) == (ar / (gross / 90)).quantize(Decimal("0.1"))
    payments, contractual = Decimal(k["payments"]), Decimal(k["contractual_adjustments"])
    assert payments == Decimal(run.summary["remittance"]["payments"]) + Decimal(  # the partner's are in the first
        run.summary["secondary"]["remittance"]["payments"])
    assert Decimal(k["net_collection_rate"]) == (payments / (gross - contractual)).quantize(Decimal("0.0001"))
    # Claims adjudicated: the month's claims and the secondary claims (a crossover is answered on the same claim).
    assert k["claims_adjudicated"] == run.summary["submission"]["payer_accepted"] + run.summary["secondary"]["sent"]
    # The denials: one claim per payer-side fact, every denied line a work item, a realistic 3-8% of claims.
    denied_claims = {i.claim_id for i in items}
    assert k["claims_with_denial"] == len(denied_claims) == sum(len(f.claims) for f in run.month.payer_facts) == 5
    assert k["lines_denied"] == len(items) and Decimal(k["charge_denied"]) == Decimal(denials["amount"])
    assert k["claims_resolved_first_pass"] == k["claims_adjudicated"] - len(denied_claims)
    assert Decimal(k["first_pass_resolution_rate"]) < 1
    assert Decimal("0.03") <= Decimal(k["denial_rate_claims"]) <= Decimal("0.08")
    assert Decimal(k["denial_rate_claims"]) == (Decimal(len(denied_claims)) / k["claims_adjudicated"]).quantize(
        Decimal("0.0001"))
    assert run.summary["remittance"]["denials"] == 1  # the retroactive disenrollment: the whole claim (CLP02 4)


def test_payer_side_facts_land_in_their_queues(demo_db):
    """Each payer-side fact denies exactly the lines it should, and each denied line is a work item in
    the playbook's queue: CO-27 on the lines past the payer's coverage end -> eligibility (bill the
    payer covering the date, eligibility specialist); CO-198 N54 on the dose beyond the authorization's
    units -> authorization (authorization coordinator); CO-B7 on the lines after the payer ended the
    provider's enrollment -> credentialing (fix the enrollment). Nothing else is denied."""
    from oncobill.claims.models import Claim, ClaimLine, ClaimStatus
    from oncobill.worklists.models import DenialWorkItem

    _, run, session = demo_db
    facts = run.month.payer_facts
    assert sorted(f.kind for f in facts) == ["authorization_fewer_units", "coverage_ended_before_month",
                                             "coverage_ended_mid_month", "enrollment_ended"]
    assert [f["claims"] for f in run.summary["denials"]["payer_side_facts"]] == [list(f.claims) for f in facts]
    expected_queues = {}
    for fact, pcn in [(f, pcn) for f in facts for pcn in f.claims]:
        claim = session.scalars(select(Claim).where(Claim.patient_control_number == pcn)).one()
        assert claim.payer.payer_id == fact.payer_id and claim.patient.account_number in fact.account
        assert fact.npi or claim.coverage.member_id == fact.member_id
        items = session.scalars(select(DenialWorkItem).where(DenialWorkItem.claim_id == claim.id)).all()
        denied = sorted(i.claim_line_id for i in items)
        if fact.coverage_to is not None:
            # The practice's record never ended: the payer alone knows (the scrubber let the claim go).
            assert claim.coverage.end_date is None
            expected = sorted(ln.id for ln in claim.lines if ln.service_date > fact.coverage_to)
            assert expected and denied == expected
            assert {(i.group_code, i.carc, i.queue, i.action, i.owner, i.patient_billable) for i in items} == {
                ("CO", "27", "eligibility", "bill_other_payer", "eligibility_specialist", "never")}
            if fact.kind == "coverage_ended_before_month":
                assert len(expected) == len(claim.lines) and claim.status is ClaimStatus.DENIED
            else:
                assert len(expected) < len(claim.lines) and claim.status is ClaimStatus.PARTIAL
            expected_queues["eligibility"] = expected_queues.get("eligibility", 0) + len(items)
        elif fact.npi:
            # The practice still has the provider enrolled (its scrubber's enrollment edit let the claim go).
            (enrolment,) = [e for e in claim.rendering_provider.enrollments if e.payer_id == claim.payer_id]
            assert enrolment.status.value == "enrolled" and enrolment.end_date is None
            assert claim.rendering_provider.npi == fact.npi and claim.status is ClaimStatus.PARTIAL
            expected = sorted(ln.id for ln in claim.lines if ln.service_date > fact.enrollment_to)
            assert expected and denied == expected and len(expected) < len(claim.lines)
            assert {(i.group_code, i.carc, i.queue, i.action, i.owner) for i in items} == {
                ("CO", "B7", "credentialing", "fix_enrollment", "credentialing")}
            expected_queues["credentialing"] = expected_queues.get("credentialing", 0) + len(items)
        else:
            lines = sorted((ln for ln in claim.lines if ln.code == fact.code), key=lambda ln: ln.service_date)
            first = lines[0].service_date
            assert fact.units == sum((ln.units for ln in lines if ln.service_date == first), Decimal(0))
            assert denied == sorted(ln.id for ln in lines if ln.service_date > first) != []
            assert {(i.group_code, i.carc, tuple(i.rarcs), i.queue, i.owner) for i in items} == {
                ("CO", "198", ("N54",), "authorization", "authorization_coordinator")}
            assert claim.status is ClaimStatus.PARTIAL
            expected_queues["authorization"] = expected_queues.get("authorization", 0) + len(items)
        for item in items:
            assert not item.partial and item.due_date is not None and item.due_date > date(2026, 11, 2)
            line = session.get(ClaimLine, item.claim_line_id)
            assert item.amount == line.charge
    assert run.summary["denials"]["by_queue"] == dict(sorted(expected_queues.items()))
    assert session.scalar(select(func.count()).select_from(DenialWorkItem)) == sum(expected_queues.values())
    shown = {(g["claim"], g["denial"], g["queue"], g["action"], g["owner"]) for g in run.summary["denials"]["items"]}
    assert len(shown) == sum(len(f.claims) for f in facts) and all(g["due_date"] for g in run.summary["denials"]["items"])
    # The provider's other Medicare claims (no line after the deactivation) were paid.
    (ended,) = [f for f in facts if f.npi]
    others = session.scalars(select(Claim).join(Provider, Provider.id == Claim.rendering_provider_id).where(
        Provider.npi == ended.npi, Claim.payer_id == claim_payer_id(session, ended.payer_id),
        Claim.primary_claim_id.is_(None), Claim.patient_control_number.not_in(ended.claims))).all()
    assert others and all(c.status in (ClaimStatus.PAID, ClaimStatus.HELD) for c in others)


def claim_payer_id(session, payer_id: str) -> int:
    return session.scalars(select(Payer.id).where(Payer.payer_id == payer_id)).one()


def test_no_co_denial_reaches_the_patient_or_the_next_payer(demo_db):
    """A CO denial is the practice's to work, never the patient's: on every denied line nothing sits in
    patient A/R or with any payer (the 835 took it off as an adjustment, the appeal posted nothing), no
    secondary claim follows a claim only CO left open, and every secondary claim carries exactly the
    primary's patient responsibility. The ledger stays balanced."""
    from oncobill.claims.models import Claim, ClaimLine
    from oncobill.claims.secondary import prior_adjudication
    from oncobill.remittance.models import RemitServiceLine
    from oncobill.worklists.models import DenialWorkItem

    _, run, session = demo_db
    items = session.scalars(select(DenialWorkItem).where(DenialWorkItem.group_code == "CO")).all()
    assert items
    for item in items:
        line = session.get(ClaimLine, item.claim_line_id)
        rows = session.execute(select(JournalLine.account, JournalLine.amount)
                               .where(JournalLine.charge_line_id == line.charge_line_id)).all()
        for account in (Account.AR_PATIENT, Account.AR_PAYER):
            assert sum((a for acc, a in rows if Account(acc) is account), Decimal("0.00")) == 0, (item.id, account)
    denied_claims = {i.claim_id for i in items}
    follow_ups = session.scalars(select(Claim).where(Claim.primary_claim_id.is_not(None))).all()
    after_denial = 0
    for claim in follow_ups:
        primary = session.get(Claim, claim.primary_claim_id)
        assert prior_adjudication(session, primary).patient_responsibility > 0
        if primary.id not in denied_claims:
            continue
        # Partly denied (the deactivated provider's Medicare claims): the paid lines' PR went on to the
        # secondary; the CO-denied lines were never moved to it, and it paid nothing on them.
        after_denial += 1
        denied_charge_lines = {session.get(ClaimLine, i.claim_line_id).charge_line_id
                               for i in items if i.claim_id == primary.id}
        moved = session.scalars(select(JournalLine.amount).where(
            JournalLine.charge_line_id.in_(denied_charge_lines), JournalLine.account == Account.AR_PAYER.value,
            JournalLine.payer_id == claim.payer_id)).all()
        assert moved == []
        secondary_lines = [ln.id for ln in claim.lines if ln.charge_line_id in denied_charge_lines]
        assert len(secondary_lines) == len(denied_charge_lines)
        paid = session.scalars(select(RemitServiceLine.paid).where(
            RemitServiceLine.claim_line_id.in_(secondary_lines))).all()
        assert paid and all(p == 0 for p in paid)
    assert after_denial >= 1  # the demo exercises it: a partly denied primary with a secondary
    assert not {c.primary_claim_id for c in follow_ups} & {
        cid for cid in denied_claims
        if prior_adjudication(session, session.get(Claim, cid)).patient_responsibility == 0}
    assert ledger.is_balanced(session) and run.summary["ledger"]["balanced"]


def test_the_demo_works_the_authorization_denial(demo_db):
    """The CO-198 item is worked through the real use case: the appeal letter (with the claim's facts,
    the reason and the extended authorization attached) is on the item, which waits in progress for the
    payer's answer; nothing is posted."""
    from oncobill.worklists.models import DenialWorkItem

    _, run, session = demo_db
    (fact,) = [f for f in run.month.payer_facts if f.kind == "authorization_fewer_units"]
    worked = run.summary["denials"]["worked"]
    assert worked and {w["action"] for w in worked} == {"appeal"} and {w["status"] for w in worked} == {"in_progress"}
    for w in worked:
        item = session.get(DenialWorkItem, w["item"])
        assert item.carc == "198" and item.status == "in_progress" and item.resolution is None
        assert fact.claims[0] in item.document and fact.code in item.document
        assert f"extended authorization {fact.authorization}" in item.document
        assert item.journal_entry_id is None and item.assigned_to == "demo"
    assert run.summary["denials"]["by_status"] == {"in_progress": len(worked),
                                                    "open": run.summary["denials"]["work_items"] - len(worked)}


def test_the_printed_summary_shows_the_denials(demo_db):
    """`oncobill demo` prints the payer-side facts, each denial with its queue, next action, owner and
    due date, the item worked, and the KPIs that count them."""
    _, run, _ = demo_db
    text = printed_summary(run)
    d = run.summary["denials"]
    assert f"Denials routed to work queues: {d['work_items']} lines, ${d['amount']}" in text
    for queue, n in d["by_queue"].items():
        assert f"; {queue} {n}" in text
    for fact in d["payer_side_facts"]:
        assert f"payer-side fact ({fact['expected']} expected on {', '.join(fact['claims'])}, {fact['patients']})" in text
    for g in d["items"]:
        assert g["claim"] in text and g["denial"] in text and g["due_date"] in text
    assert "bill other payer" in text and "fix enrollment" in text and "request authorization" in text
    assert f"worked item {d['worked'][0]['item']} (appeal, now in progress)" in text
    k = run.summary["kpis"]
    assert f"({k['claims_resolved_first_pass']} of {k['claims_adjudicated']} claims adjudicated)" in text
