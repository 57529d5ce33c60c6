"""The demo practice: a synthetic medical and radiation oncology group, its payers and prices.

Everything here is invented (names, identifiers, addresses); NPIs are generated with valid check
digits from obviously synthetic bases so the claims pass NPI edits.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from importlib import resources

from sqlalchemy.orm import Session

from oncobill.practice import service as practice
from oncobill.practice.models import BillingEntity, Payer, Provider, ServiceLocation
from oncobill.practice.npi import npi_check_digit

PRICES_FROM = date(2026, 1, 1)


def synthetic_npi(base9: str) -> str:
    return base9 + str(npi_check_digit(base9))


@dataclass
class DemoPractice:
    entity: BillingEntity
    providers: dict[str, Provider]  # by role key: "medonc", "hemonc", "radonc", "np"
    locations: dict[str, ServiceLocation]  # "infusion", "radiation", "hopd"
    payers: dict[str, Payer]  # by code


# Payers as data. Settings are what a payer can change (keyed by effective date in payer_settings).
PAYERS = [
    dict(code="MCR", name="Medicare Part B (Lakeshore MAC, sandbox)", payer_id="SBMCR", kind="medicare",
         claim_filing_indicator="MB", timely_filing_days=365,
         settings={"radiation_delivery_codes": "pfs_g_codes", "retro_billing_days": 30, "jw_jz_required": True,
                   "prior_auth_required": False, "appeal_window_days": 120, "second_initial_modifier": "XU",
                   "drug_allowed_basis": "asp_plus_6", "sequestration_percent": "2",
                   "deductible": "283.00", "coinsurance_percent": "20", "crossover": True}),
    dict(code="MAPLAN", name="Heartland Medicare Advantage (sandbox)", payer_id="SBMAP", kind="medicare_advantage",
         claim_filing_indicator="16", timely_filing_days=365,
         settings={"radiation_delivery_codes": "pfs_g_codes", "jw_jz_required": True, "prior_auth_required": True,
                   "appeal_window_days": 60, "second_initial_modifier": "XU", "drug_allowed_basis": "asp_plus_6",
                   "out_of_pocket_max": "5900.00", "copay_specialist": "45.00", "coinsurance_percent": "20"}),
    dict(code="PRAIRIE", name="Prairie Blue PPO (sandbox)", payer_id="SBPBP", kind="commercial",
         claim_filing_indicator="12", timely_filing_days=90,
         settings={"radiation_delivery_codes": "cpt", "jw_jz_required": True, "prior_auth_required": True,
                   "appeal_window_days": 180, "second_initial_modifier": "59", "contract_percent_of_medicare": "145",
                   "deductible": "1500.00", "coinsurance_percent": "20", "out_of_pocket_max": "6500.00"}),
    dict(code="SUMMIT", name="Summit Health Plans HMO (sandbox)", payer_id="SBSHP", kind="commercial",
         claim_filing_indicator="HM", timely_filing_days=180,
         settings={"radiation_delivery_codes": "cpt", "jw_jz_required": False, "prior_auth_required": True,
                   "appeal_window_days": 180, "second_initial_modifier": "59", "contract_percent_of_medicare": "125",
                   "deductible": "750.00", "coinsurance_percent": "10", "out_of_pocket_max": "4500.00"}),
    dict(code="MEDICAID", name="State Medicaid Program (sandbox)", payer_id="SBMCD", kind="medicaid",
         claim_filing_indicator="MC", timely_filing_days=180,
         settings={"radiation_delivery_codes": "cpt", "jw_jz_required": True, "prior_auth_required": True,
                   "appeal_window_days": 90, "second_initial_modifier": "59", "contract_percent_of_medicare": "80"}),
    dict(code="MEDIGAP", name="Keystone Medigap Plan G (sandbox)", payer_id="SBKMG", kind="medigap",
         claim_filing_indicator="CI", timely_filing_days=365,
         settings={"radiation_delivery_codes": "pfs_g_codes", "jw_jz_required": True, "prior_auth_required": False,
                   "appeal_window_days": 180, "pays_medicare_coinsurance": True, "crossover_from": "MCR"}),
]

PROVIDERS = {
    "medonc": dict(base="199990001", first_name="Maren", last_name="Okonkwo-Demo", credential="MD",
                   taxonomy="207RX0202X", role="physician"),
    "hemonc": dict(base="199990002", first_name="Tobias", last_name="Lindqvist-Demo", credential="MD",
                   taxonomy="207RH0003X", role="physician"),
    "radonc": dict(base="199990003", first_name="Priya", last_name="Castellano-Demo", credential="MD",
                   taxonomy="2085R0001X", role="radiation_oncologist"),
    "np": dict(base="199990004", first_name="Jonah", last_name="Whitfield-Demo", credential="NP",
               taxonomy="363L00000X", role="nurse_practitioner"),
}

# Enrollment as of the demo year. The NP's Prairie Blue enrollment is still pending: claims for
# their services to Prairie Blue must be held (domain 1.2).
ENROLLMENTS = {
    ("medonc", "*"): ("enrolled", date(2019, 3, 1)),
    ("hemonc", "*"): ("enrolled", date(2021, 7, 1)),
    ("radonc", "*"): ("enrolled", date(2020, 1, 1)),
    ("np", "*"): ("enrolled", date(2025, 11, 1)),
    ("np", "PRAIRIE"): ("pending", None),
}


def build_practice(session: Session) -> DemoPractice:
    entity = practice.create_billing_entity(
        session, legal_name="Riverbend Cancer Care PC (demo)", tin="990000123", group_npi=synthetic_npi("199990000"),
        taxonomy="207RX0202X", address_line1="400 Demo Parkway", address_line2="Suite 200", city="Riverbend",
        state="IL", zip_code="627010400", phone="2175550100",
    )
    providers = {
        key: practice.add_provider(session, billing_entity=entity, npi=synthetic_npi(p["base"]),
                                   first_name=p["first_name"], last_name=p["last_name"], credential=p["credential"],
                                   taxonomy=p["taxonomy"], role=p["role"])
        for key, p in PROVIDERS.items()
    }
    locations = {
        "infusion": practice.add_location(
            session, billing_entity=entity, name="Riverbend Infusion Center", place_of_service="11", setting="office",
            address_line1="400 Demo Parkway", city="Riverbend", state="IL", zip_code="627010400"),
        "radiation": practice.add_location(
            session, billing_entity=entity, name="Riverbend Radiation Oncology", place_of_service="11",
            setting="office", address_line1="410 Demo Parkway", city="Riverbend", state="IL", zip_code="627010410"),
        "hopd": practice.add_location(
            session, billing_entity=entity, name="Riverbend Hospital Outpatient Infusion", place_of_service="22",
            setting="hospital_outpatient", address_line1="900 Sample Hospital Drive", city="Riverbend", state="IL",
            zip_code="627010900", npi=synthetic_npi("299990005")),
    }
    payers = {}
    for spec in PAYERS:
        payers[spec["code"]] = practice.add_payer(
            session, **spec, settings_from=date(2020, 1, 1), address_line1="PO Box 1000", city="Sandbox",
            state="IL", zip_code="627990001")
    for role, provider in providers.items():
        for code, payer in payers.items():
            status, effective = ENROLLMENTS.get((role, code), ENROLLMENTS[(role, "*")])
            practice.enroll(session, provider=provider, payer=payer, status=status, effective_date=effective)
    load_charge_master(session)
    return DemoPractice(entity, providers, locations, payers)


def load_charge_master(session: Session) -> int:
    """The practice's price list (demo/data/chargemaster.csv)."""
    text = resources.files("oncobill.demo").joinpath("data/chargemaster.csv").read_text()
    count = 0
    for row in csv.DictReader(text.splitlines()):
        practice.set_price(session, code=row["code"], unit_price=row["unit_price"], effective_from=PRICES_FROM)
        count += 1
    return count
