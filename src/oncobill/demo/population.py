"""The demo's synthetic patients: demographics, coverages (some changing during the year),
diagnoses from the neoplasm chapter and a treatment plan each. Seeded: same seed, same practice.

Names come from short invented lists and every record is marked as demo data; nothing here
describes a real person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from oncobill.demo.practice import DemoPractice
from oncobill.demo.regimens import REGIMENS
from oncobill.patients import service as patients
from oncobill.patients.models import Patient
from oncobill.treatment.models import PlanStatus, TreatmentKind, TreatmentPlan

FIRST_NAMES = ["Avery", "Blair", "Corin", "Dale", "Emery", "Finley", "Gale", "Harper", "Indigo", "Jules", "Kendall",
               "Lane", "Morgan", "Noel", "Oakley", "Parker", "Quinn", "Reese", "Sage", "Tatum", "Umber", "Vale",
               "Wren", "Yael", "Zion", "Arden", "Briar", "Cove", "Dusk", "Ellis"]
LAST_NAMES = ["Ashgrove", "Birchwell", "Cobblestone", "Dunmere", "Elmstead", "Fernhollow", "Glenrock", "Hollowell",
              "Ironbridge", "Juniperly", "Kestrelton", "Larkspur", "Mossbank", "Nettlefield", "Oakhurst",
              "Pebbleton", "Quarrydale", "Rookwood", "Stonebury", "Thistlewood", "Underhill", "Violetmoor",
              "Willowby", "Yarrowfield", "Zephyrdale"]
STREETS = ["Demo Lane", "Sample Street", "Synthetic Avenue", "Placeholder Road", "Example Court"]

# Regimen mix of the practice (64 patients in all).
REGIMEN_MIX = [("carbo_pacli", 12), ("mfolfox6", 12), ("pembrolizumab", 14), ("r_chop", 10), ("imrt_28", 12),
               ("pembrolizumab", 4)]

DEMO_YEAR_START = date(2026, 1, 1)


@dataclass
class DemoPatient:
    patient: Patient
    plan: TreatmentPlan
    coverage_story: str  # in words, for the summary and the tests


def _mbi(rng: random.Random) -> str:
    """A Medicare Beneficiary Identifier in the right shape (synthetic)."""
    letters = "ACDEFGHJKMNPQRTUVWXY"
    return (f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters + '0123456789')}{rng.randint(0, 9)}"
            f"{rng.choice(letters)}{rng.choice(letters + '0123456789')}{rng.randint(0, 9)}"
            f"{rng.choice(letters)}{rng.choice(letters)}{rng.randint(0, 9)}{rng.randint(0, 9)}")


def _member(prefix: str, rng: random.Random) -> str:
    return f"{prefix}{rng.randint(10**8, 10**9 - 1)}"


def build_population(session: Session, demo: DemoPractice, *, seed: int, month_start: date) -> list[DemoPatient]:
    rng = random.Random(seed)
    people: list[DemoPatient] = []
    number = 0
    for regimen_key, count in REGIMEN_MIX:
        for _ in range(count):
            number += 1
            people.append(_one_patient(session, demo, rng, number, regimen_key, month_start))
    return people


def _one_patient(session, demo, rng, number, regimen_key, month_start) -> DemoPatient:
    regimen = REGIMENS[regimen_key]
    story_kind = _story(number)
    medicare_age = story_kind in ("medicare_medigap", "medicare_medicaid", "medicare_only", "ma",
                                  "commercial_to_medicare")
    if story_kind == "commercial_to_medicare":
        # Turns 65 during the demo year: Medicare starts on the first of the birthday month.
        birth = date(1961, rng.choice([8, 9, 10]), rng.randint(2, 28))
    elif medicare_age:
        birth = date(rng.randint(1938, 1959), rng.randint(1, 12), rng.randint(1, 28))
    else:
        birth = date(rng.randint(1962, 1990), rng.randint(1, 12), rng.randint(1, 28))
    sex = "M" if regimen_key == "imrt_28" and number % 3 == 0 else rng.choice("FM")
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    account = f"DEMO{number:04d}"
    diagnosis = rng.choice(regimen.diagnoses)
    if diagnosis == "C61":
        sex = "M"
    if diagnosis in ("C56.9", "C53.9", "C50.211"):
        sex = "F"
    patient = patients.add_patient(
        session, account_number=account, first_name=first, last_name=last, birth_date=birth, sex=sex,
        address_line1=f"{rng.randint(10, 999)} {rng.choice(STREETS)}", city="Riverbend", state="IL",
        zip_code=f"6270{rng.randint(1, 9)}", phone=f"217555{rng.randint(1000, 9999)}",
        diagnoses=[diagnosis],
    )
    story = _coverages(session, patient, story_kind, rng, birth, month_start)

    height_cm = Decimal(rng.randint(152, 190))
    weight_kg = Decimal(rng.randint(52, 110))
    bsa = ((height_cm * weight_kg / 3600).sqrt()).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    # Plans started before or during the month, so the month sees cycles in progress and new starts.
    if regimen.kind == "radiation":
        start = month_start + timedelta(days=rng.randint(-30, 20))
    else:
        span = regimen.cycle_length_days * min(regimen.cycles, 4)
        start = month_start + timedelta(days=rng.randint(-span, 20))
    location = "radiation" if regimen.kind == "radiation" else ("hopd" if number % 9 == 0 else "infusion")
    provider = regimen.provider
    if regimen.kind == "chemotherapy" and number % 7 == 0:
        provider = "np"  # the NP runs some treatment days (pending with Prairie Blue)
    plan = TreatmentPlan(
        patient_id=patient.id, kind=TreatmentKind(regimen.kind), regimen=regimen.key, status=PlanStatus.ACTIVE,
        start_date=start, cycle_length_days=regimen.cycle_length_days, planned_cycles=regimen.cycles,
        planned_fractions=regimen.fractions, diagnosis_code=diagnosis,
        provider_id=demo.providers[provider].id, location_id=demo.locations[location].id,
        body_surface_area_m2=bsa, weight_kg=weight_kg,
    )
    session.add(plan)
    session.flush()
    return DemoPatient(patient, plan, story)


def _story(number: int) -> str:
    """Coverage story by patient number: a fixed mix so every payer and every change is present."""
    specials = {5: "commercial_to_medicare", 18: "commercial_to_medicare", 31: "commercial_to_medicare",
                11: "employer_change", 24: "employer_change", 37: "medicaid_to_ma", 50: "medicaid_to_ma"}
    if number in specials:
        return specials[number]
    cycle = ["medicare_medigap", "commercial_prairie", "ma", "medicare_medigap", "commercial_summit",
             "medicare_only", "medicaid", "ma", "medicare_medicaid", "commercial_prairie"]
    return cycle[number % len(cycle)]


def _coverages(session, patient, kind, rng, birth, month_start) -> str:
    add = lambda **kw: patients.add_coverage(session, patient=patient, **kw)  # noqa: E731
    year = DEMO_YEAR_START
    if kind == "medicare_medigap":
        add(payer_code="MCR", priority="primary", member_id=_mbi(rng), effective_date=year)
        add(payer_code="MEDIGAP", priority="secondary", member_id=_member("KMG", rng), effective_date=year,
            plan_name="Plan G")
        return "Medicare primary, Medigap secondary"
    if kind == "medicare_medicaid":
        add(payer_code="MCR", priority="primary", member_id=_mbi(rng), effective_date=year)
        add(payer_code="MEDICAID", priority="secondary", member_id=_member("MCD", rng), effective_date=year)
        return "Medicare primary, Medicaid secondary (dual eligible)"
    if kind == "medicare_only":
        add(payer_code="MCR", priority="primary", member_id=_mbi(rng), effective_date=year)
        return "Medicare only"
    if kind == "ma":
        add(payer_code="MAPLAN", priority="primary", member_id=_member("HMA", rng), effective_date=year,
            group_number="MA2026")
        return "Medicare Advantage"
    if kind == "medicaid":
        add(payer_code="MEDICAID", priority="primary", member_id=_member("MCD", rng), effective_date=year)
        return "Medicaid"
    if kind in ("commercial_prairie", "commercial_summit"):
        code = "PRAIRIE" if kind == "commercial_prairie" else "SUMMIT"
        spouse = rng.random() < 0.3
        extra = {}
        if spouse:
            extra = dict(relationship_to_subscriber="01", subscriber_first_name=rng.choice(FIRST_NAMES),
                         subscriber_last_name=patient.last_name,
                         subscriber_birth_date=birth + timedelta(days=rng.randint(-2000, 2000)))
            # The policyholder spouse also receives the statements.
            patient.guarantor = patients.add_guarantor(
                session, first_name=extra["subscriber_first_name"], last_name=patient.last_name,
                relationship_to_patient="spouse", address_line1=patient.address_line1, city=patient.city,
                state=patient.state, zip_code=patient.zip_code, phone=patient.phone)
        add(payer_code=code, priority="primary", member_id=_member("W", rng), effective_date=year,
            group_number=f"GRP{rng.randint(1000, 9999)}", plan_year_start_month=7 if code == "SUMMIT" else 1,
            **extra)
        return f"{'Prairie Blue' if code == 'PRAIRIE' else 'Summit HMO'} commercial" + (
            " through a spouse's plan" if spouse else "")
    if kind == "commercial_to_medicare":
        medicare_from = date(birth.year + 65, birth.month, 1)
        add(payer_code="PRAIRIE", priority="primary", member_id=_member("W", rng), effective_date=year,
            end_date=medicare_from - timedelta(days=1), group_number=f"GRP{rng.randint(1000, 9999)}")
        add(payer_code="MCR", priority="primary", member_id=_mbi(rng), effective_date=medicare_from)
        add(payer_code="MEDIGAP", priority="secondary", member_id=_member("KMG", rng), effective_date=medicare_from,
            plan_name="Plan G")
        return f"Prairie Blue until turning 65, then Medicare + Medigap from {medicare_from}"
    if kind == "employer_change":
        switch = month_start + timedelta(days=14)
        add(payer_code="PRAIRIE", priority="primary", member_id=_member("W", rng), effective_date=year,
            end_date=switch - timedelta(days=1), group_number=f"GRP{rng.randint(1000, 9999)}")
        add(payer_code="SUMMIT", priority="primary", member_id=_member("S", rng), effective_date=switch,
            group_number=f"GRP{rng.randint(1000, 9999)}", plan_year_start_month=7)
        return f"Prairie Blue, then Summit HMO from {switch} (new employer)"
    if kind == "medicaid_to_ma":
        add(payer_code="MEDICAID", priority="primary", member_id=_member("MCD", rng), effective_date=year,
            end_date=month_start - timedelta(days=1))
        add(payer_code="MAPLAN", priority="primary", member_id=_member("HMA", rng), effective_date=month_start,
            group_number="MA2026")
        return f"Medicaid, then Medicare Advantage from {month_start}"
    raise ValueError(kind)
