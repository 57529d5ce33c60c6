"""Synthetic 837s and sandbox configurations for the sandbox payer tests (made-up patients only)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from oncobill.x12 import read
from oncobill.x12.acks import read_277ca, read_999
from oncobill.x12.claims837 import (
    Coverage,
    DrugIdentification,
    LineAdjudication,
    OtherPayer,
    ProfessionalClaim,
    ProfessionalClaims,
    ServiceLine,
    write_837p,
)
from oncobill.x12.remit835 import Adjustment, Procedure, read_remittance
from oncobill.x12.segments import Address, Payer, Person, Provider

DOS = date(2026, 11, 2)
TODAY = date(2026, 11, 20)
BILLING = Provider("TEST ONCOLOGY GROUP", "1234567893", "2", address=Address("100 MAIN ST", "SPRINGFIELD", "IL",
                   "627010001"), tax_id="990000001", taxonomy="207RX0202X")  # fmt: skip
RENDERING = Provider("TESTDOC", "1558598797", "1", first_name="ALPHA", taxonomy="207RX0202X")
OTHER_DOC = Provider("TESTDOC", "1003000126", "1", first_name="BETA", taxonomy="207RX0202X")
MEDICARE = Payer("SANDBOX MEDICARE PART B", "MCR01")
MEDIGAP = Payer("SANDBOX MEDIGAP PLAN G", "MGAP1")
COMMERCIAL = Payer("SANDBOX COMMERCIAL PPO", "COM01")
ADVANTAGE = Payer("SANDBOX MEDICARE ADVANTAGE HMO", "MA001")
MEDICAID = Payer("SANDBOX STATE MEDICAID", "MCD01")


def member(member_id: str = "MBR001", last: str = "TESTPATIENT", first: str = "ALPHA") -> Person:
    return Person(last, first, member_id, Address("1 ELM ST", "SPRINGFIELD", "IL", "62704"), date(1950, 3, 4), "F")


def line(code: str, charge: str, units: str = "1", *, mods: tuple[str, ...] = (), ndc: str | None = None,
         lcn: str = "", dos: date = DOS) -> ServiceLine:  # fmt: skip
    drug = DrugIdentification(ndc, Decimal(4), "ML") if ndc else None
    return ServiceLine(Procedure("HC", code, mods), Decimal(charge), Decimal(units), dos, (1,),
                       line_control_number=lcn, drug=drug)  # fmt: skip


def claim(pcn: str, lines: list[ServiceLine], *, payer: Payer = MEDICARE, subscriber: Person | None = None,
          pos: str = "11", auth: str = "", rendering: Provider = RENDERING, filing: str = "MB",
          responsibility: str = "P") -> ProfessionalClaim:  # fmt: skip
    for n, ln in enumerate(lines, 1):
        ln.line_control_number = ln.line_control_number or f"{pcn}-{n:02d}"
    return ProfessionalClaim(
        pcn, sum((ln.charge for ln in lines), Decimal("0.00")), pos, ["C3411", "Z5111"], lines, BILLING,
        subscriber or member(), payer, Coverage(responsibility, "18", "GRP1", filing), prior_authorization=auth,
        rendering_provider=rendering,
    )  # fmt: skip


def with_primary(c: ProfessionalClaim, primary: Payer, adjudications: list[tuple[str, list[Adjustment]]],
                 when: date = TODAY) -> ProfessionalClaim:  # fmt: skip
    """Make *c* a secondary claim carrying the primary's line adjudications (2320/2430) verbatim."""
    c.coverage = Coverage("S", "18", "GRP2", "MB")
    for ln, (paid, adjs) in zip(c.lines, adjudications):
        ln.adjudications.append(LineAdjudication(primary.payer_id, Decimal(paid), ln.procedure, ln.units, when, adjs))
    paid = sum((a.paid for ln in c.lines for a in ln.adjudications), Decimal("0.00"))
    c.other_payers.append(OtherPayer("P", primary, Person(c.subscriber.last_name, c.subscriber.first_name,
                                                          c.subscriber.member_id), "18", "", "MB", paid,
                                     adjudication_date=when))  # fmt: skip
    return c


def batch(claims: list[ProfessionalClaim], control_number: int = 101, reference: str = "BATCH101") -> str:
    doc = ProfessionalClaims("TEST ONCOLOGY GROUP", "TOG0001", "BILLING OFFICE", "2175550100",
                             "SANDBOX CLEARINGHOUSE", "SANDBOXCH", claims, reference=reference,
                             created=datetime(2026, 11, 19, 9, 30))  # fmt: skip
    return write_837p(doc, control_number=control_number)


def config(**overrides) -> dict:
    """Medicare with a Plan G crossover, and a commercial PPO at 125% of Medicare."""
    members = [{"member_id": "MBR001", "coverage_from": "2020-01-01", "crossover_to": "MGAP1"},
               {"member_id": "MBR002", "coverage_from": "2026-01-01", "coverage_to": "2026-10-31"},
               {"member_id": "MBR003", "coverage_from": "2020-01-01"}]  # fmt: skip
    cfg = {
        "clearinghouse": {"name": "SANDBOX CLEARINGHOUSE", "id": "SANDBOXCH"},
        "payers": {
            "MCR01": {
                "name": "SANDBOX MEDICARE PART B", "kind": "medicare", "timely_filing_days": 365,
                "pricing": {"percent_of_medicare": "100"},
                "benefits": {"deductible": {"2025": "257.00", "2026": "283.00"}, "coinsurance_percent": "20",
                             "sequestration_percent": "2", "asp_coinsurance": True},
                "jw_jz_required": True, "ndc_required": False,
                "enrollments": [{"npi": "1558598797", "from": "2020-01-01"},  # the rendering oncologist
                                {"npi": "1234567893", "from": "2020-01-01"}],  # the group (837I facility)
                "members": members,
            },
            "MGAP1": {
                "name": "SANDBOX MEDIGAP PLAN G", "kind": "medigap", "timely_filing_days": 365,
                "benefits": {"covers": ["2"]},
                "rules": ["coverage_active", "timely_filing", "prior_payer_information", "duplicate"],
                "members": [{"member_id": "MBR001", "coverage_from": "2020-01-01"},
                            {"member_id": "MBR003", "coverage_from": "2020-01-01"}],
            },
            "COM01": {
                "name": "SANDBOX COMMERCIAL PPO", "kind": "commercial", "timely_filing_days": 90,
                "pricing": {"percent_of_medicare": "125", "drug_percent_of_medicare": "110"},
                "benefits": {"deductible": "1500.00", "coinsurance_percent": "20", "oop_max": "3000.00",
                             "copays": {"em": "40.00"}},
                "jw_jz_required": True, "ndc_required": True, "auth_required_codes": ["J9*", "77*"],
                "authorizations": [{"number": "AUTH77", "member_id": "C100", "from": "2026-10-01", "to": "2027-03-31",
                                    "units": {"J9271": "400", "J9035": "100"}}],
                "members": [{"member_id": "C100", "coverage_from": "2026-01-01", "plan_year_start": "07-01"}],
            },
            "MA001": {
                "name": "SANDBOX MEDICARE ADVANTAGE HMO", "kind": "medicare_advantage", "timely_filing_days": 365,
                "pricing": {"percent_of_medicare": "100"},
                "benefits": {"deductible": "0", "coinsurance_percent": "20", "oop_max": "8000.00",
                             "copays": {"administration": "25.00", "em": "40.00"}},
                "jw_jz_required": True,
                "members": [{"member_id": "MA100", "coverage_from": "2026-01-01"}],
            },
            "MCD01": {
                "name": "SANDBOX STATE MEDICAID", "kind": "medicaid", "timely_filing_days": 180,
                "pricing": {"percent_of_medicare": "80"},
                "jw_jz_required": True, "ndc_required": True,
                "members": [{"member_id": "MCD100", "coverage_from": "2025-01-01"}],
            },
        },
    }
    for key, value in overrides.items():
        payer, _, field = key.partition("__")
        cfg["payers"][payer][field] = value
    return cfg


def mailbox(tmp_path: Path, cfg: dict | None = None) -> Path:
    box = tmp_path / "mailbox"
    (box / "outbound").mkdir(parents=True)
    (box / "sandbox_config.json").write_text(json.dumps(cfg or config()))
    return box


def drop(box: Path, name: str, text: str) -> Path:
    path = box / "outbound" / name
    path.write_text(text)
    return path


def remits(path: Path):
    return [read_remittance(t) for t in read(path.read_text()).transactions()]


def acks_999(path: Path):
    return [read_999(t) for t in read(path.read_text()).transactions()]


def acks_277(path: Path):
    return [read_277ca(t) for t in read(path.read_text()).transactions()]
