"""The secondary 837 (P and I) from a primary's adjudication: pyx12-clean, COB-balanced, read back to the
cent, adjudicated by the sandbox as a secondary; and the pure rules that decide whether to bill it
(synthetic patients only)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.claims.submission_helpers import (
    CLINIC,
    COMMERCIAL,
    HOPD,
    KEYTRUDA,
    MEDICARE,
    SANDBOX,
    WHEN,
    ControlNumbers,
    claim,
    coverage,
    line,
    patient,
    payer_config,
)
from tests.x12.oracle import pyx12_errors

from oncobill.claims.secondary import PriorAdjudication, PriorLine, why_not_billable
from oncobill.claims.submission import billing_provider, write_batch
from oncobill.patients.models import CoveragePriority
from oncobill.sandbox_payer import process_inbox
from oncobill.x12 import read
from oncobill.x12.claims837 import professional_claims
from oncobill.x12.institutional837 import read_837i
from oncobill.x12.remit835 import Adjustment, Procedure, remittances

D = Decimal
ADJUDICATED = date(2026, 11, 18)
TODAY = date(2026, 11, 20)


def pair(location=CLINIC, lines=None):
    """The same services billed to Medicare (primary) and to a commercial plan (secondary)."""
    person = patient()
    rev = ("0335", "0636") if location is HOPD else (None, None)
    lines = lines or [line("96413", "400.00", revenue=rev[0]),
                      line("J9271", "15000.00", 200, mods=("JZ",), ndc=KEYTRUDA, pointers="2", revenue=rev[1])]
    primary = claim(lines, cov=coverage(person, MEDICARE, "1EG4TE5MK73"), location=location)
    secondary = claim(lines, location=location,
                      cov=coverage(person, COMMERCIAL, "W000000001", priority=CoveragePriority.SECONDARY,
                                   group_number="GRP77"))
    return primary, secondary


def adjudication(primary, lines, claim_cas=()) -> PriorAdjudication:
    """*lines*: per claim line (paid, [(group, reason, amount)]), amounts as strings."""
    prior = []
    for cl, (paid, cas) in zip(primary.lines, lines):
        prior.append(PriorLine(cl.line_number, Procedure("HC", cl.code, tuple(cl.modifiers)), cl.charge, D(paid),
                               cl.units, tuple(Adjustment(g, r, D(a)) for g, r, a in cas)))
    claim_adjustments = tuple(Adjustment(g, r, D(a)) for g, r, a in claim_cas)
    paid = sum((x.paid for x in prior), D("0.00")) - sum((a.amount for a in claim_adjustments), D("0.00"))
    return PriorAdjudication(primary.id, "1", "MCR000123", ADJUDICATED, primary.total_charge, paid,
                             claim_adjustments, tuple(prior))


def write_secondary(primary, secondary, facts, n: int = 1) -> str:
    return write_batch([secondary], ControlNumbers(n, n, n), submitter=billing_provider(secondary),
                       contact_phone="2175550100", receiver=SANDBOX, when=WHEN,
                       priors={secondary.id: [(primary, facts)]})


MEDICARE_LINES = [("200.00", [("CO", "45", "150.00"), ("PR", "2", "50.00")]),
                  ("10800.00", [("CO", "45", "1500.00"), ("PR", "1", "283.00"), ("PR", "2", "2417.00")])]


def test_837i_secondary_passes_pyx12_and_reads_back_to_the_cent():
    primary, secondary = pair(HOPD)
    facts = adjudication(primary, MEDICARE_LINES, claim_cas=[("CO", "253", "12.34")])
    text = write_secondary(primary, secondary, facts)
    assert pyx12_errors(text) == []
    (txn,) = list(read(text).transactions())
    (back,) = read_837i(txn).claims
    assert back.coverage.responsibility == "S"
    (op,) = back.other_payers
    assert (op.responsibility, op.payer.payer_id, op.subscriber.member_id) == ("P", "SBMCR", "1EG4TE5MK73")
    assert op.paid == D("10987.66") and op.remaining_patient_liability == D("2750.00")
    assert [(a.group, a.reason, a.amount) for a in op.adjustments] == [("CO", "253", D("12.34"))]
    assert op.adjudication_date == ADJUDICATED
    for ln, (paid, cas) in zip(back.lines, MEDICARE_LINES):
        (adj,) = ln.adjudications
        assert adj.paid == D(paid) and [(a.group, a.reason, a.amount) for a in adj.adjustments] == [
            (g, r, D(a)) for g, r, a in cas]
        assert adj.adjudication_date == ADJUDICATED and adj.payer_id == "SBMCR"
    svd = [s.split("*") for s in text.split("~") if s.startswith("SVD")]
    assert [s[4] for s in svd] == ["0335", "0636"]  # 837I SVD04: the line's revenue code


def test_837p_and_837i_write_the_same_cob_loops():
    """One COB writer for both forms: the 2320..2330B segments are identical."""
    texts = []
    for location in (CLINIC, HOPD):
        primary, secondary = pair(location)
        texts.append(write_secondary(primary, secondary, adjudication(primary, MEDICARE_LINES)))

    def cob(text):
        segs = text.split("~")
        start = next(i for i, s in enumerate(segs) if s.startswith("SBR*P"))
        end = next(i for i, s in enumerate(segs) if s.startswith("LX"))
        return segs[start:end]

    assert cob(texts[0]) == cob(texts[1])


def test_the_sandbox_adjudicates_an_837i_secondary_against_the_2430s(tmp_path):
    primary, secondary = pair(HOPD)
    text = write_secondary(primary, secondary, adjudication(primary, MEDICARE_LINES))
    mailbox = tmp_path / "mailbox"
    (mailbox / "outbound").mkdir(parents=True)
    ppo = payer_config(COMMERCIAL, members=[{"member_id": "W000000001", "coverage_from": "2026-01-01"}],
                       covers=["1", "2"], jw_jz_required=True)
    (mailbox / "sandbox_config.json").write_text(json.dumps({"payers": {"SBPPO": ppo}}))
    (mailbox / "outbound" / "secondary.837").write_text(text)
    (answer,) = process_inbox(mailbox, today=TODAY).files
    assert answer.ack_999_status == "A", answer.problems
    (remit,) = remittances(read(answer.remittance.read_text()))
    (cp,) = remit.claims
    assert cp.status == "2"
    for svc, (paid, cas) in zip(cp.services, MEDICARE_LINES):
        owed = sum((D(a) for g, _, a in cas if g == "PR"), D("0.00"))
        oa23 = sum((a.amount for a in svc.adjustments if (a.group, a.reason) == ("OA", "23")), D("0.00"))
        left = sum((a.amount for a in svc.adjustments if a.group == "PR"), D("0.00"))
        assert svc.paid + left == owed  # the secondary pays what the primary left, or leaves it PR
        assert oa23 == svc.charge - owed  # the primary's payment and write-off
    assert cp.paid > 0  # the drug line's coinsurance is paid (up to its own allowed less the primary's payment)


def test_without_the_cob_loops_the_sandbox_rejects_the_secondary_claim(tmp_path):
    """The control case: the same claim sent as secondary with no 2320/2430 never reaches adjudication."""
    _, secondary = pair(HOPD)
    text = write_batch([secondary], ControlNumbers(1, 1, 1), submitter=billing_provider(secondary),
                       contact_phone="2175550100", receiver=SANDBOX, when=WHEN)
    mailbox = tmp_path / "mailbox"
    (mailbox / "outbound").mkdir(parents=True)
    ppo = payer_config(COMMERCIAL, members=[{"member_id": "W000000001", "coverage_from": "2026-01-01"}])
    (mailbox / "sandbox_config.json").write_text(json.dumps({"payers": {"SBPPO": ppo}}))
    (mailbox / "outbound" / "secondary.837").write_text(text)
    (answer,) = process_inbox(mailbox, today=TODAY).files
    (outcome,) = answer.claims
    assert answer.remittance is None and not outcome.accepted
    assert any("cob-missing" in r for r in outcome.reasons)


# -- the property: random primary adjudications -> a balanced, pyx12-clean secondary 837 --------------

CODES = [("96413", None), ("96415", None), ("96367", None), ("J9271", KEYTRUDA), ("99214", None)]
GROUPS = [("CO", "45"), ("CO", "253"), ("PR", "1"), ("PR", "2"), ("PR", "3"), ("OA", "94"), ("PI", "104")]


@st.composite
def adjudicated_claims(draw):
    n = draw(st.integers(1, 4))
    specs, outcomes = [], []
    for i in range(n):
        code, ndc = draw(st.sampled_from(CODES))
        charge = draw(st.integers(100, 2_000_000))  # cents
        # Split the charge into paid and up to four CAS amounts (cents, each >= 1 when present).
        cuts = sorted(draw(st.lists(st.integers(0, charge), min_size=1, max_size=4)))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, charge])]
        paid, rest = parts[0], parts[1:]
        cas = [(*draw(st.sampled_from(GROUPS)), amount) for amount in rest if amount > 0]
        specs.append(line(code, f"{D(charge) / 100:.2f}", mods=("JZ",) if ndc else (), ndc=ndc))
        outcomes.append((f"{D(paid) / 100:.2f}", [(g, r, f"{D(a) / 100:.2f}") for g, r, a in cas]))
    hospital = draw(st.booleans())
    if hospital:
        for spec in specs:
            spec["revenue"] = "0636" if spec["ndc"] else "0335"
    total_paid = sum(D(p) for p, _ in outcomes)
    claim_cas = []
    if total_paid > 0 and draw(st.booleans()):
        cents = draw(st.integers(1, int(total_paid * 100)))
        claim_cas = [(*draw(st.sampled_from([("CO", "253"), ("OA", "94"), ("PR", "2")])), f"{D(cents) / 100:.2f}")]
    return hospital, specs, outcomes, claim_cas


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(adjudicated_claims())
def test_any_primary_adjudication_gives_a_balanced_pyx12_clean_secondary_837(case):
    hospital, specs, outcomes, claim_cas = case
    primary, secondary = pair(HOPD if hospital else CLINIC, specs)
    facts = adjudication(primary, outcomes, claim_cas)
    text = write_secondary(primary, secondary, facts)
    assert pyx12_errors(text) == []
    if hospital:
        (txn,) = list(read(text).transactions())
        (back,) = read_837i(txn).claims
    else:
        ((back,),) = [d.claims for d in professional_claims(read(text))]
    (op,) = back.other_payers
    every_line_cas = D("0.00")
    for ln in back.lines:
        (adj,) = ln.adjudications
        line_cas = sum((a.amount for a in adj.adjustments), D("0.00"))
        assert adj.paid + line_cas == ln.charge  # line: SVD02 + 2430 CAS = SV102 / SV203
        every_line_cas += line_cas
    claim_level = sum((a.amount for a in op.adjustments), D("0.00"))
    assert back.charge - claim_level - every_line_cas == op.paid  # claim: CLM02 - CAS = AMT*D
    pr = [a.amount for a in op.adjustments if a.group == "PR"] + [
        a.amount for ln in back.lines for a in ln.adjudications[0].adjustments if a.group == "PR"]
    assert op.remaining_patient_liability == sum(pr, D("0.00"))
    assert op.paid == facts.paid and back.charge == primary.total_charge


# -- whether to bill the next payer (pure) -----------------------------------------------------------


def _facts(lines, *, crossed_over=False, unmatched=()):
    prior = tuple(PriorLine(n, Procedure("HC", "96413"), D(charge), D(paid),
                            D(1), tuple(Adjustment(g, r, D(a)) for g, r, a in cas))
                  for n, charge, paid, cas in lines)
    return PriorAdjudication(1, "19" if crossed_over else "1", "ICN9", ADJUDICATED, D("0"), D("0"), (), prior,
                             tuple(unmatched), crossed_over)


def test_why_not_billable():
    owed = [(1, "350.00", "120.00", [("CO", "45", "200.00"), ("PR", "2", "30.00")])]
    assert why_not_billable(_facts(owed), [(1, D("350.00"))]) is None
    assert "no posted remit" in why_not_billable(None, [(1, D("350.00"))])
    assert "crossed over" in why_not_billable(_facts(owed, crossed_over=True), [(1, D("350.00"))])
    assert "J9999" in why_not_billable(_facts(owed, unmatched=["J9999"]), [(1, D("350.00"))])
    assert "line 2 has no adjudication" in why_not_billable(_facts(owed), [(1, D("350.00")), (2, D("90.00"))])
    assert "not the billed" in why_not_billable(_facts(owed), [(1, D("360.00"))])
    unbalanced = [(1, "350.00", "120.00", [("CO", "45", "200.00")])]
    assert "is not the charge" in why_not_billable(_facts(unbalanced), [(1, D("350.00"))])
    in_full = [(1, "350.00", "300.00", [("CO", "45", "50.00")])]
    assert "nothing left" in why_not_billable(_facts(in_full), [(1, D("350.00"))])
    all_co = [(1, "350.00", "0.00", [("CO", "97", "350.00")])]
    assert "nothing left" in why_not_billable(_facts(all_co), [(1, D("350.00"))])
