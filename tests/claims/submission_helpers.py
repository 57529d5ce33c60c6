"""Claims built in memory (ORM objects never stored) for the 837 writer, and a sandbox mailbox to send
them to, unscrubbed (synthetic people and numbers only)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from tests.factories import GROUP_NPI, PROVIDER_NPIS

from oncobill.claims.models import Authorization, Claim, ClaimDiagnosis, ClaimForm, ClaimLine, ClaimStatus
from oncobill.claims.submission import ControlNumbers, Receiver, billing_provider, write_batch
from oncobill.patients.models import Coverage, CoveragePriority, Patient, SubscriberRelationship
from oncobill.practice.models import BillingEntity, CareSetting, Payer, PayerKind, Provider, ServiceLocation
from oncobill.sandbox_payer import process_inbox
from oncobill.x12 import read
from oncobill.x12.remit835 import remittances

DOS = date(2026, 10, 14)
TODAY = date(2026, 11, 2)
WHEN = datetime(2026, 11, 2, 9, 0)
KEYTRUDA = "00006302602"
SANDBOX = Receiver("SANDBOX CLEARINGHOUSE", "SANDBOXCH")

ENTITY = BillingEntity(legal_name="Test Oncology Group", tin="123456789", group_npi=GROUP_NPI, taxonomy="207RX0202X",
                       address_line1="1 Test Way", city="Springfield", state="IL", zip_code="627010001",
                       phone="2175550100")
DOCTOR = Provider(npi=PROVIDER_NPIS[0], first_name="Ada", last_name="Testwell", credential="MD",
                  taxonomy="207RX0202X", role="physician")
OTHER_DOCTOR = Provider(npi=PROVIDER_NPIS[1], first_name="Bo", last_name="Notenrolled", credential="MD",
                        taxonomy="207RX0202X", role="physician")
CLINIC = ServiceLocation(name="Test Infusion Center", place_of_service="11", setting=CareSetting.OFFICE,
                         address_line1="1 Test Way", city="Springfield", state="IL", zip_code="627010001")
HOPD = ServiceLocation(name="Test Hospital Outpatient", place_of_service="22",
                       setting=CareSetting.HOSPITAL_OUTPATIENT, address_line1="9 Sample Hospital Dr",
                       city="Springfield", state="IL", zip_code="627010009", npi="1003000134")
MEDICARE = Payer(code="MCR", name="Medicare Part B (sandbox)", payer_id="SBMCR", kind=PayerKind.MEDICARE,
                 claim_filing_indicator="MB", timely_filing_days=365)
COMMERCIAL = Payer(code="PPO", name="Prairie PPO (sandbox)", payer_id="SBPPO", kind=PayerKind.COMMERCIAL,
                   claim_filing_indicator="CI", timely_filing_days=90)

_numbers = iter(range(1, 10_000))


def patient(last: str = "Testpatient", first: str = "Quinn") -> Patient:
    return Patient(account_number=f"T{last[:6]}", first_name=first, last_name=last, birth_date=date(1950, 3, 4),
                   sex="F", address_line1="1 Sample St", city="Springfield", state="IL", zip_code="62701")


def coverage(person: Patient, payer: Payer, member_id: str, **kw) -> Coverage:
    base = {"patient": person, "payer": payer, "priority": CoveragePriority.PRIMARY, "member_id": member_id,
            "relationship_to_subscriber": SubscriberRelationship.SELF, "effective_date": date(2026, 1, 1)}
    base.update(kw)
    return Coverage(**base)


def line(code: str, charge: str, units="1", *, mods: tuple[str, ...] = (), ndc: str | None = None,
         ndc_quantity: str = "2", on: date = DOS, pointers: str = "1:2", revenue: str | None = None,
         auth: str | None = None) -> dict:
    return {"code": code, "charge": Decimal(charge), "units": Decimal(str(units)), "mods": mods, "ndc": ndc,
            "ndc_quantity": Decimal(ndc_quantity) if ndc else None, "on": on, "pointers": pointers,
            "revenue": revenue, "auth": auth}


def claim(lines: list[dict], *, cov: Coverage, rendering: Provider = DOCTOR, location: ServiceLocation = CLINIC,
          pcn: str | None = None, diagnoses=("Z51.12", "C34.11"), frequency: str = "1",
          payer_claim_number: str | None = None, prior_authorization: str | None = None) -> Claim:
    """An in-memory claim as the builder would store it (never added to a session)."""
    number = next(_numbers)
    pcn = pcn or f"OB{number:08d}"
    form = ClaimForm.INSTITUTIONAL if location.setting is CareSetting.HOSPITAL_OUTPATIENT else ClaimForm.PROFESSIONAL
    c = Claim(id=number, patient_control_number=pcn, patient=cov.patient, coverage=cov, payer=cov.payer,
              billing_entity=ENTITY, rendering_provider=rendering, location=location, form=form,
              frequency_code=frequency, payer_claim_number=payer_claim_number,
              prior_authorization=prior_authorization, status=ClaimStatus.READY,
              service_from=min(x["on"] for x in lines), service_to=max(x["on"] for x in lines),
              created_at=WHEN, payer_id=0)
    c.diagnoses = [ClaimDiagnosis(sequence=i, icd10_code=d) for i, d in enumerate(diagnoses, 1)]
    for n, x in enumerate(lines, 1):
        mods = list(x["mods"]) + [None] * (4 - len(x["mods"]))
        c.lines.append(ClaimLine(line_number=n, line_control_number=f"{pcn}-{n:02d}", service_date=x["on"],
                                 code=x["code"], modifier1=mods[0], modifier2=mods[1], modifier3=mods[2],
                                 modifier4=mods[3], units=x["units"], charge=x["charge"], ndc=x["ndc"],
                                 ndc_quantity=x["ndc_quantity"], ndc_unit="UN" if x["ndc"] else None,
                                 dx_pointers=x["pointers"], revenue_code=x["revenue"],
                                 authorization=Authorization(auth_number=x["auth"]) if x["auth"] else None))
    return c


def write(claims: list[Claim], interchange: int = 1) -> str:
    return write_batch(claims, ControlNumbers(interchange, interchange, interchange),
                       submitter=billing_provider(claims[0]), contact_phone="2175550100", receiver=SANDBOX, when=WHEN)


def payer_config(payer: Payer, *, members: list[dict], **kw) -> dict:
    entry = {"name": payer.name.upper(), "kind": payer.kind.value, "timely_filing_days": payer.timely_filing_days,
             "enrollments": [{"npi": DOCTOR.npi, "from": "2020-01-01", "to": None}], "members": members}
    entry.update(kw)
    return entry


class Sandbox:
    """A mailbox with the sandbox payer behind it: drop an 837, read back its 999, 277CA and 835."""

    def __init__(self, mailbox: Path, payers: dict):
        self.mailbox = mailbox
        (mailbox / "outbound").mkdir(parents=True, exist_ok=True)
        (mailbox / "sandbox_config.json").write_text(json.dumps({"payers": payers}))
        self.count = 0

    def send(self, claims: list[Claim], today: date = TODAY):
        self.count += 1
        text = write(claims, self.count)
        (self.mailbox / "outbound" / f"batch{self.count}.837").write_text(text)
        report = process_inbox(self.mailbox, today=today)
        (result,) = report.files
        assert result.ack_999_status == "A", result.problems
        return result

    @staticmethod
    def paid_claim(result, pcn: str):
        assert result.remittance is not None, f"no 835: {result.claims}"
        for remit in remittances(read(result.remittance)):
            for c in remit.claims:
                if c.patient_control_number == pcn and c.status != "22":
                    return c
        raise AssertionError(f"{pcn} not in the 835 ({[c.reasons for c in result.claims]})")
