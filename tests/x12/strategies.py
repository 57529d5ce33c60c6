"""Hypothesis strategies for documents OncoBill writes: synthetic patients and providers only."""

from __future__ import annotations

import string
from datetime import date, datetime
from decimal import Decimal

from hypothesis import strategies as st

from oncobill.practice.npi import npi_check_digit
from oncobill.x12.acks import (
    ClaimAcknowledgment,
    ClaimAcknowledgmentReport,
    ElementError,
    ImplementationAck,
    ProviderAcknowledgment,
    SegmentError,
    SetResponse,
)
from oncobill.x12.claims837 import (
    Coverage,
    DrugIdentification,
    LineAdjudication,
    OtherPayer,
    ProfessionalClaim,
    ProfessionalClaims,
    ServiceLine,
)
from oncobill.x12.institutional837 import InstitutionalClaim, RevenueLine
from oncobill.x12.remit835 import ClaimPayment, ProviderAdjustment, Remittance, ServicePayment
from oncobill.x12.segments import Address, Adjustment, ClaimStatus, Payer, Person, Procedure, Provider

CENT = Decimal("0.01")
UPPER = string.ascii_uppercase
ALNUM = string.ascii_uppercase + string.digits

words = st.text(UPPER, min_size=2, max_size=12)
ids = st.text(ALNUM, min_size=3, max_size=15)
cents = st.integers(min_value=1, max_value=500_000).map(lambda c: (Decimal(c) / 100).quantize(CENT))
dates = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 11, 1))  # before the files are made
birth_dates = st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31))
HCPCS = ["96413", "96415", "96417", "96367", "96375", "96360", "96361", "99214", "77427", "77386", "J9271",
         "J9045", "J2506", "J9035", "J1100", "Q5107"]  # fmt: skip
DRUGS = [("J9271", "00006302602", "ML"), ("J9045", "00703424911", "ML"), ("J2506", "55513019001", "UN"),
         ("J9035", "50242006001", "ML")]  # fmt: skip
ICD10 = ["C3411", "C50911", "C180", "C61", "D649", "Z5111", "C9000", "C8338", "R112", "C250"]
CARC = ["45", "1", "2", "3", "96", "97", "16", "23", "253", "4"]
RARC = ["N362", "M119", "N130", "MA130", "N20"]


@st.composite
def npis(draw) -> str:
    base = draw(st.sampled_from("12")) + draw(st.text(string.digits, min_size=8, max_size=8))
    return base + str(npi_check_digit(base))


@st.composite
def addresses(draw, zip9: bool = False) -> Address:
    zip_code = draw(st.text(string.digits, min_size=9 if zip9 else 5, max_size=9))
    if not zip9 and len(zip_code) not in (5, 9):
        zip_code = zip_code[:5]
    return Address(f"{draw(st.integers(1, 9999))} {draw(words)} ST", draw(words), draw(st.sampled_from(["IL", "TX", "NY", "CA", "OH"])), zip_code)  # fmt: skip


@st.composite
def providers(draw) -> Provider:
    return Provider(
        f"{draw(words)} ONCOLOGY", draw(npis()), "2", address=draw(addresses(zip9=True)),
        tax_id=draw(st.text(string.digits, min_size=9, max_size=9)), taxonomy="207RX0202X",
    )  # fmt: skip


@st.composite
def persons(draw) -> Person:
    return Person(
        draw(words), draw(words), draw(ids), draw(addresses()), draw(birth_dates), draw(st.sampled_from("FM"))
    )


payers = st.builds(lambda n, i, a: Payer(f"{n} HEALTH PLAN", i, a), words, ids, addresses())


@st.composite
def adjudications(
    draw, procedure: Procedure, charge: Decimal, units: Decimal, when: date
) -> LineAdjudication:
    paid = (charge * Decimal(draw(st.integers(0, 100))) / 100).quantize(CENT)
    adjs = [Adjustment("CO", "45", charge - paid)] if charge != paid else []
    return LineAdjudication("PAYERA", paid, procedure, units, when, adjs)


# 835 MOA elements (MOA01 rate, MOA02 HCPCS payable, MOA03-07 remarks, MOA08, MOA09) and MIA
# (MIA01 covered days, MIA05 and MIA20-23 remarks, amounts elsewhere), as a Medicare 835 sends them.
MOA_REMARKS = ["MA01", "MA18", "MA07", "N130", "N20", "MA130"]


@st.composite
def outpatient_adjudications(draw) -> tuple[str, ...]:
    remarks = draw(st.lists(st.sampled_from(MOA_REMARKS), min_size=1, max_size=5, unique=True))
    rate = draw(st.sampled_from(["", "0.8", "1"]))
    payable = draw(st.sampled_from(["", "12.5", "104.37"]))
    return (rate, payable, *remarks)


@st.composite
def inpatient_adjudications(draw) -> tuple[str, ...]:
    mia = [str(draw(st.integers(0, 30))), "", "", draw(st.sampled_from(["", "1204.5"])),
           draw(st.sampled_from(["", "MA01", "N130"]))]
    while mia and not mia[-1]:
        mia.pop()
    return tuple(mia)


@st.composite
def prior_payers(draw, subscriber: Person, lines, charge: Decimal, institutional: bool = False) -> OtherPayer:
    """The 2320 of a prior payer: adjudicated (AMT*D = the 2430s' paid, its claim number, sometimes its
    MOA/MIA), or bypassed under the destination's cost-avoidance policy (AMT*A8 = CLM02, no AMT*D, no CAS
    and no 2430 for it: *lines* then carry none)."""
    who = Person(subscriber.last_name, subscriber.first_name, subscriber.member_id)
    if not any(ln.adjudications for ln in lines):
        return OtherPayer("P", Payer("PRIMARY PLAN", "PAYERA"), who, "18", "", "MB", non_covered=charge)
    paid = sum((a.paid for ln in lines for a in ln.adjudications), Decimal("0.00"))
    return OtherPayer(
        "P", Payer("PRIMARY PLAN", "PAYERA"), who, "18", "", "MB", paid,
        adjudication_date=lines[0].service_date or date(2026, 1, 2),
        claim_control_number=draw(st.sampled_from(["", "ICN" + draw(ids)])),
        outpatient_adjudication=draw(st.sampled_from([(), draw(outpatient_adjudications())])),
        inpatient_adjudication=draw(st.sampled_from([(), draw(inpatient_adjudications())])) if institutional else (),
    )  # fmt: skip


@st.composite
def service_lines(draw, n: int, cob: bool) -> ServiceLine:
    code = draw(st.sampled_from(HCPCS))
    mods = tuple(
        draw(st.lists(st.sampled_from(["25", "59", "JW", "JZ", "XU", "GP"]), max_size=2, unique=True))
    )
    units = Decimal(draw(st.integers(1, 40)))
    charge = draw(cents)
    dos = draw(dates)
    drug = None
    for hcpcs, ndc, unit in DRUGS:
        if hcpcs == code:
            drug = DrugIdentification(ndc, Decimal(draw(st.integers(1, 500))) / 10, unit)
    proc = Procedure("HC", code, mods)
    line = ServiceLine(proc, charge, units, dos, tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4, unique=True))),
                       line_control_number=f"L{n:04d}{draw(ids)}"[:30], drug=drug)  # fmt: skip
    if cob:
        line.adjudications.append(draw(adjudications(proc, charge, units, dos)))
    return line


@st.composite
def professional_claims(draw) -> ProfessionalClaims:
    """837P documents: several providers and claims, drug lines with LIN/CTP, COB, dependents."""
    bps = draw(st.lists(providers(), min_size=1, max_size=3, unique_by=lambda p: p.npi))
    payer = draw(payers)
    claims = []
    for n in range(draw(st.integers(1, 5))):
        mode = draw(st.sampled_from(["", "adjudicated", "bypassed"]))
        cob = bool(mode)
        lines = [draw(service_lines(k, mode == "adjudicated")) for k in range(draw(st.integers(1, 4)))]
        subscriber = draw(persons())
        dependent = draw(st.booleans())
        claim = ProfessionalClaim(
            f"PCN{n}{draw(ids)}"[:20], sum((ln.charge for ln in lines), Decimal("0.00")),
            draw(st.sampled_from(["11", "19", "22"])), draw(st.lists(st.sampled_from(ICD10), min_size=4, max_size=8, unique=True)),
            lines, draw(st.sampled_from(bps)), subscriber, payer,
            Coverage("S" if cob else "P", "18", draw(ids), draw(st.sampled_from(["CI", "MB", "MC", "HM"]))),
            patient=draw(persons()) if dependent else None, patient_relationship="19" if dependent else "",
        )  # fmt: skip
        if draw(st.booleans()):
            claim.frequency = "7"
            claim.payer_claim_control_number = draw(ids)
        if cob:
            claim.other_payers.append(draw(prior_payers(subscriber, lines, claim.charge)))
        claims.append(claim)
    return ProfessionalClaims(
        "TEST ONCOLOGY GROUP", "TOG0001", "BILLING OFFICE", "2175550100", "SYNTHETIC CLEARINGHOUSE", "CLEAR01",
        claims, reference=draw(ids), created=datetime(2026, 11, 2, 9, 30),
    )  # fmt: skip


@st.composite
def institutional_claims(draw) -> ProfessionalClaims:
    """837I documents: hospital outpatient (TOB 13x) revenue-code lines with HCPCS, some drugs."""
    bp = draw(providers())
    payer = draw(payers)
    claims = []
    for n in range(draw(st.integers(1, 4))):
        start = draw(dates)
        lines = []
        for k in range(draw(st.integers(1, 4))):
            rev, code = draw(st.sampled_from([("0636", "J9271"), ("0335", "96413"), ("0333", "77386"), ("0260", "96365")]))  # fmt: skip
            drug = (
                DrugIdentification("00006302602", Decimal(draw(st.integers(1, 40))), "ML")
                if code == "J9271"
                else None
            )
            lines.append(RevenueLine(rev, draw(cents), Decimal(draw(st.integers(1, 10))), Procedure("HC", code),
                                     start, f"R{n}{k}", drug))  # fmt: skip
        mode = draw(st.sampled_from(["", "adjudicated", "bypassed"]))
        if mode == "adjudicated":
            for ln in lines:
                ln.adjudications.append(draw(adjudications(ln.procedure, ln.charge, ln.units, start)))
        subscriber = draw(persons())
        claim = InstitutionalClaim(
            f"IPCN{n}{draw(ids)}"[:20], sum((ln.charge for ln in lines), Decimal("0.00")), "13", start, start,
            draw(st.sampled_from(ICD10)), lines, bp, subscriber, payer,
            coverage=Coverage("S" if mode else "P", "18", "", "CI"),
            other_diagnoses=draw(st.lists(st.sampled_from(ICD10), max_size=3, unique=True)),
            prior_authorization=draw(st.sampled_from(["", "AUTH12345", "PA2026-0042"])),
        )  # fmt: skip
        if mode:
            claim.other_payers.append(draw(prior_payers(subscriber, lines, claim.charge, institutional=True)))
        claims.append(claim)
    return ProfessionalClaims("TEST HOSPITAL", "HOSP0001", "PATIENT ACCOUNTS", "2175550199", "SYNTHETIC CLEARINGHOUSE",
                              "CLEAR01", claims, reference=draw(ids), created=datetime(2026, 11, 2, 9, 30))  # fmt: skip


@st.composite
def remittances(draw) -> Remittance:
    """835s that balance by construction, with reversals (CLP02 22) and PLB adjustments."""
    claims = []
    for n in range(draw(st.integers(1, 6))):
        lines = []
        for k in range(draw(st.integers(1, 3))):
            charge = draw(cents)
            paid = (charge * Decimal(draw(st.integers(0, 100))) / 100).quantize(CENT)
            rest = charge - paid
            pr = (rest * Decimal(draw(st.integers(0, 100))) / 100).quantize(CENT)
            adjs = [
                a
                for a in (Adjustment("CO", draw(st.sampled_from(CARC)), rest - pr), Adjustment("PR", "2", pr))
                if a.amount
            ]
            lines.append(
                ServicePayment(Procedure("HC", draw(st.sampled_from(HCPCS))), charge, paid,
                               units_paid=Decimal(draw(st.integers(1, 9))), service_date=draw(dates), adjustments=adjs,
                               line_control_number=f"L{n}{k}", allowed=paid + pr,
                               remarks=draw(st.lists(st.sampled_from(RARC), max_size=2)))
            )  # fmt: skip
        claim = ClaimPayment(
            f"PCN{n}{draw(ids)}"[:20], draw(st.sampled_from(["1", "2", "4", "19"])),
            sum((x.charge for x in lines), Decimal("0.00")), sum((x.paid for x in lines), Decimal("0.00")),
            sum((a.amount for x in lines for a in x.adjustments if a.group == "PR"), Decimal("0.00")), "12",
            draw(ids), "11", "1", patient_last_name=draw(words), patient_first_name=draw(words),
            patient_id_qualifier="MI", patient_id=draw(ids), services=lines,
        )  # fmt: skip
        claims.append(claim)
        if draw(st.booleans()):  # a reversal of an earlier payment: every amount negated
            rev_lines = [
                ServicePayment(x.procedure, -x.charge, -x.paid, units_paid=x.units_paid, service_date=x.service_date,
                               adjustments=[Adjustment(a.group, a.reason, -a.amount) for a in x.adjustments],
                               line_control_number=x.line_control_number)
                for x in lines
            ]  # fmt: skip
            claims.append(
                ClaimPayment(claim.patient_control_number, "22", -claim.charge, -claim.paid,
                             -claim.patient_responsibility, "12", claim.payer_claim_control_number, "11", "1",
                             patient_last_name=claim.patient_last_name, patient_first_name=claim.patient_first_name,
                             patient_id_qualifier="MI", patient_id=claim.patient_id, services=rev_lines)
            )  # fmt: skip
    plb = []
    npi = draw(npis())
    for reason in draw(st.lists(st.sampled_from(["WO", "FB", "L6", "72", "50"]), max_size=3)):
        plb.append(ProviderAdjustment(npi, date(2026, 12, 31), reason, draw(ids) if reason in ("WO", "FB", "72") else "",
                                      draw(st.integers(-50_000, 50_000).filter(bool).map(lambda c: Decimal(c) / 100))))  # fmt: skip
    total = sum((c.paid for c in claims), Decimal("0.00")) - sum((p.amount for p in plb), Decimal("0.00"))
    if total < 0:  # a net recoupment: pay nothing now and carry the balance forward (PLB FB)
        plb.append(ProviderAdjustment(npi, date(2026, 12, 31), "FB", draw(ids), total))
        total = Decimal("0.00")
    return Remittance(
        total, "C", "I" if total > 0 else "H", "ACH" if total > 0 else "NON",
        draw(dates), draw(ids), "1512345678", f"{draw(words)} HEALTH PLAN", draw(ids),
        ("1 PAYER WAY", draw(words), "IL", "62701"), "8005550100", f"{draw(words)} ONCOLOGY", "XX", npi,
        claims=claims, provider_adjustments=plb,
    )  # fmt: skip


@st.composite
def statuses(draw, dated: bool = True) -> ClaimStatus:
    cat, code = draw(
        st.sampled_from([("A1", "19"), ("A2", "20"), ("A3", "21"), ("A6", "35"), ("A7", "21"), ("A8", "562")])
    )
    return ClaimStatus(cat, code, draw(dates) if dated else None, draw(st.sampled_from(["", "PR", "41"])),
                       "WQ" if cat in ("A1", "A2") else "U", draw(cents))  # fmt: skip


@st.composite
def claim_acknowledgments(draw) -> ClaimAcknowledgmentReport:
    providers_ = []
    for _ in range(draw(st.integers(1, 3))):
        claims = [
            ClaimAcknowledgment(draw(words), draw(words), draw(ids), draw(ids), [draw(statuses())], draw(dates),
                                payer_claim_control_number=draw(st.sampled_from(["", "ICN123456"])))
            for _ in range(draw(st.integers(1, 4)))
        ]  # fmt: skip
        providers_.append(ProviderAcknowledgment(f"{draw(words)} ONCOLOGY", draw(npis()), draw(ids),
                                                 [draw(statuses(dated=False))], claims,
                                                 len(claims), 0, draw(cents), Decimal(0)))  # fmt: skip
    day = draw(dates)
    return ClaimAcknowledgmentReport("SYNTHETIC HEALTH PLAN", "99999", "TEST ONCOLOGY GROUP", "TOG0001", draw(ids), day,
                                     day, draw(ids), [draw(statuses())], providers_, reference=draw(ids))  # fmt: skip


@st.composite
def implementation_acks(draw) -> ImplementationAck:
    responses = []
    for n in range(draw(st.integers(1, 4))):
        errors = []
        for _ in range(draw(st.integers(0, 3))):
            els = [ElementError(draw(st.integers(1, 12)), draw(st.sampled_from(["1", "4", "5", "7", "8", "I12"])),
                                bad_value=draw(ids)) for _ in range(draw(st.integers(0, 2)))]  # fmt: skip
            errors.append(SegmentError(draw(st.sampled_from(["CLM", "SV1", "NM1", "DTP", "HI"])), draw(st.integers(3, 999)),
                                       "8" if els else draw(st.sampled_from(["2", "3", "5"])),
                                       draw(st.sampled_from(["2300", "2400", ""])), els))  # fmt: skip
        status = "R" if errors and draw(st.booleans()) else ("E" if errors else "A")
        responses.append(
            SetResponse("837", f"{n + 1:04d}", status, "005010X222A1", errors, ["5"] if status == "R" else [])
        )
    accepted = sum(1 for r in responses if r.status != "R")
    group = (
        "A"
        if accepted == len(responses) and all(r.status == "A" for r in responses)
        else ("R" if not accepted else ("P" if accepted < len(responses) else "E"))
    )
    return ImplementationAck("HC", str(draw(st.integers(1, 999999))), "005010X222A1", group, len(responses), len(responses), accepted, responses)  # fmt: skip
