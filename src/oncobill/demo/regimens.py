"""Regimen templates of the demo practice (domain 9.1), and the medication administration
record a nurse would chart for one treatment day.

Doses are computed from the patient's body surface area, weight or (carboplatin) the Calvert
formula; times follow usual infusion durations. Vials opened are left to the charge-capture rules,
which choose the smallest-waste combination of the product's vial sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Dose:
    """How a dose is computed: per m2, per kg, flat, or carboplatin AUC (Calvert: AUC x (GFR + 25))."""

    amount: Decimal
    basis: str  # "m2", "kg", "flat", "auc"
    unit: str = "mg"
    cap: Decimal | None = None  # e.g. vincristine capped at 2 mg

    def for_patient(self, bsa_m2: Decimal, weight_kg: Decimal, gfr: Decimal) -> Decimal:
        value = {
            "m2": self.amount * bsa_m2,
            "kg": self.amount * weight_kg,
            "flat": self.amount,
            "auc": self.amount * (gfr + 25),
        }[self.basis]
        if self.cap is not None:
            value = min(value, self.cap)
        if self.basis == "flat":
            return value  # a fixed dose is given as ordered (0.25 mg palonosetron stays 0.25)
        # Pharmacy rounds a calculated dose to a tenth of the unit (what the MAR records).
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Step:
    """One administration in the day's order; ``with_previous`` runs it alongside the step before."""

    drug: str
    dose: Dose
    route: str  # iv_infusion, iv_push, sc, im, pump
    minutes: int
    purpose: str  # chemotherapy, therapeutic, hydration
    hcpcs: str | None = None
    ndc: str | None = None
    with_previous: bool = False
    gap_after: int = 5
    first_cycle_minutes: int | None = None  # e.g. rituximab's slow first infusion
    vials: tuple[str, ...] = ()  # sizes on the shelf, in the dose unit
    single_dose: bool = True  # single-dose containers (JW/JZ apply) or multiple-dose vials (never JW/JZ)


@dataclass(frozen=True)
class Regimen:
    key: str
    name: str
    kind: str  # chemotherapy or radiation
    cycle_length_days: int | None = None
    cycles: int | None = None
    fractions: int | None = None
    steps: tuple[Step, ...] = ()
    primary_reason: str = "chemotherapy"
    diagnoses: tuple[str, ...] = ()
    followup_day: int | None = None  # a supportive visit (pegfilgrastim) N days after day 1
    followup_steps: tuple[Step, ...] = field(default=())
    provider: str = "medonc"


def _sdv(*sizes: str) -> dict:
    return {"vials": sizes, "single_dose": True}


def _mdv(*sizes: str) -> dict:
    return {"vials": sizes, "single_dose": False}


def _mg(amount: str, basis: str = "flat", cap: str | None = None, unit: str = "mg") -> Dose:
    return Dose(Decimal(amount), basis, unit, Decimal(cap) if cap else None)


PEGFILGRASTIM = Step("pegfilgrastim-jmdb", _mg("6"), "sc", 1, "therapeutic", hcpcs="Q5108", **_sdv("6"))

REGIMENS: dict[str, Regimen] = {r.key: r for r in [
    Regimen(
        "carbo_pacli", "Carboplatin + paclitaxel q21d", "chemotherapy", cycle_length_days=21, cycles=6,
        diagnoses=("C34.12", "C34.90", "C56.9", "C34.31"),
        steps=(
            Step("palonosetron", _mg("0.25"), "iv_push", 5, "therapeutic", hcpcs="J2469", **_sdv("0.25")),
            Step("dexamethasone", _mg("12"), "iv_infusion", 15, "therapeutic", hcpcs="J1100", **_mdv("120")),
            Step("diphenhydramine", _mg("50"), "iv_push", 3, "therapeutic", hcpcs="J1200", gap_after=7, **_sdv("50")),
            Step("paclitaxel", _mg("175", "m2"), "iv_infusion", 180, "chemotherapy", hcpcs="J9267",
                 **_mdv("300", "100")),
            Step("carboplatin", Dose(Decimal("5"), "auc"), "iv_infusion", 30, "chemotherapy", hcpcs="J9045",
                 **_mdv("450", "150", "50")),
        ),
        followup_day=2, followup_steps=(PEGFILGRASTIM,),
    ),
    Regimen(
        "mfolfox6", "mFOLFOX6 q14d", "chemotherapy", cycle_length_days=14, cycles=12,
        diagnoses=("C18.7", "C18.2", "C20", "C19"),
        steps=(
            Step("ondansetron", _mg("8"), "iv_push", 4, "therapeutic", hcpcs="J2405", **_mdv("40")),
            Step("dexamethasone", _mg("12"), "iv_infusion", 15, "therapeutic", hcpcs="J1100", **_mdv("120")),
            Step("oxaliplatin", _mg("85", "m2"), "iv_infusion", 120, "chemotherapy", hcpcs="J9263",
                 **_sdv("200", "100", "50")),
            Step("leucovorin", _mg("400", "m2"), "iv_infusion", 120, "therapeutic", hcpcs="J0640",
                 with_previous=True, **_sdv("500", "350", "200", "100", "50")),
            Step("fluorouracil", _mg("400", "m2"), "iv_push", 5, "chemotherapy", hcpcs="J9190", **_mdv("2500")),
            Step("fluorouracil", _mg("2400", "m2"), "iv_pump", 2760, "chemotherapy", hcpcs="J9190",
                 **_mdv("5000", "2500")),
        ),
    ),
    Regimen(
        "pembrolizumab", "Pembrolizumab 200 mg q3w", "chemotherapy", cycle_length_days=21, cycles=17,
        diagnoses=("C34.11", "C34.32", "C43.59", "C64.1"), primary_reason="immunotherapy",
        steps=(Step("pembrolizumab", _mg("200"), "iv_infusion", 32, "immunotherapy", hcpcs="J9271",
                    ndc="00006-3026-02", **_sdv("100")),),
    ),
    Regimen(
        "r_chop", "R-CHOP q21d", "chemotherapy", cycle_length_days=21, cycles=6,
        diagnoses=("C83.38", "C83.34", "C82.98", "C83.30"), provider="hemonc",
        steps=(
            Step("diphenhydramine", _mg("50"), "iv_push", 3, "therapeutic", hcpcs="J1200", **_sdv("50")),
            Step("ondansetron", _mg("8"), "iv_push", 4, "therapeutic", hcpcs="J2405", **_mdv("40")),
            Step("rituximab", _mg("375", "m2"), "iv_infusion", 90, "chemotherapy", hcpcs="J9312",
                 ndc="50242-053-06", first_cycle_minutes=255, **_sdv("500", "100")),
            Step("cyclophosphamide", _mg("750", "m2"), "iv_infusion", 60, "chemotherapy", hcpcs="J9075",
                 **_sdv("2000", "1000", "500")),
            Step("doxorubicin", _mg("50", "m2"), "iv_push", 10, "chemotherapy", hcpcs="J9000", **_sdv("50", "20", "10")),
            Step("vincristine", _mg("1.4", "m2", cap="2"), "iv_push", 5, "chemotherapy", hcpcs="J9370",
                 **_sdv("2", "1")),
        ),
        followup_day=2, followup_steps=(PEGFILGRASTIM,),
    ),
    Regimen(
        "imrt_28", "IMRT 28 fractions", "radiation", fractions=28, provider="radonc",
        diagnoses=("C61", "C50.211", "C53.9", "C32.0"), primary_reason="radiation",
    ),
]}


def administrations_for_day(regimen: Regimen, *, cycle: int, day: date, start: time, bsa_m2: Decimal,
                            weight_kg: Decimal, gfr: Decimal, followup: bool = False) -> list[dict]:
    """The MAR of one treatment day, in the charge-capture input format (docs/charge-capture.md)."""
    steps = regimen.followup_steps if followup else regimen.steps
    clock = datetime.combine(day, start)
    previous_start = clock
    rows = []
    for step in steps:
        minutes = step.first_cycle_minutes if (step.first_cycle_minutes and cycle == 1) else step.minutes
        begin = previous_start if step.with_previous else clock
        stop = begin + timedelta(minutes=minutes)
        row = {
            "drug": step.drug,
            "dose": str(step.dose.for_patient(bsa_m2, weight_kg, gfr)),
            "dose_unit": step.dose.unit,
            "route": step.route,
            "start": begin.isoformat(timespec="minutes"),
            "stop": stop.isoformat(timespec="minutes"),
            "site": "port" if step.route in ("iv_infusion", "iv_push", "iv_pump") else "abdomen",
            "purpose": step.purpose,
        }
        if step.hcpcs:
            row["hcpcs"] = step.hcpcs
        if step.ndc:
            row["ndc"] = step.ndc
        if step.vials:
            row["vial_sizes"] = [{"size": size, "unit": step.dose.unit, "single_dose": step.single_dose}
                                 for size in step.vials]
        rows.append(row)
        previous_start = begin
        if step.route != "iv_pump":  # the pump runs on at home; the chair is free
            clock = max(clock, stop) + timedelta(minutes=step.gap_after)
    return rows


def treatment_days(regimen: Regimen, start: date) -> list[tuple[int, date, bool]]:
    """Every (cycle or fraction number, date, is_followup) of a plan, in date order."""
    days: list[tuple[int, date, bool]] = []
    if regimen.kind == "radiation":
        d, n = start, 0
        while n < regimen.fractions:
            if d.weekday() < 5:  # fractions Monday to Friday
                n += 1
                days.append((n, d, False))
            d += timedelta(days=1)
        return days
    for cycle in range(1, regimen.cycles + 1):
        day1 = start + timedelta(days=regimen.cycle_length_days * (cycle - 1))
        days.append((cycle, day1, False))
        if regimen.followup_day:
            days.append((cycle, day1 + timedelta(days=regimen.followup_day - 1), True))
    return days
