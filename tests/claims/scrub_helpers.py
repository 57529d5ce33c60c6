"""Builders of plain ScrubClaims for the edit tests (synthetic people and numbers only)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from oncobill.claims.records import (
    EnrollmentInfo,
    PayerInfo,
    PersonInfo,
    ProviderInfo,
    ScrubClaim,
    ScrubLine,
    SubscriberInfo,
)
from oncobill.claims.scrub import ScrubContext
from oncobill.codes import default_code_sets

DOS = date(2026, 10, 14)
TODAY = date(2026, 11, 2)

PAYERS = {
    "MCR": PayerInfo("MCR", "medicare", "SBMCR", "MB", 365, "Medicare Part B"),
    "COMM": PayerInfo("COMM", "commercial", "SBCOM", "CI", 90, "Commercial PPO"),
    "MCD": PayerInfo("MCD", "medicaid", "SBMCD", "MC", 180, "State Medicaid"),
}


def line(code: str, units="1", *, n: int = 1, mods: tuple[str, ...] = (), ptrs: tuple[int, ...] = (1, 2),
         on: date = DOS, charge: str = "100.00", **kw) -> ScrubLine:
    return ScrubLine(n, on, code, Decimal(str(units)), Decimal(charge), ptrs, mods, **kw)


def claim(*lines: ScrubLine, payer: str = "MCR", settings: dict | None = None, diagnoses=("Z51.11", "C34.11"),
          **kw) -> ScrubClaim:
    numbered = tuple(replace(x, line_number=i) for i, x in enumerate(lines, start=1))
    base = {
        "patient_control_number": "OBTEST0001", "form": "837P", "place_of_service": "11", "payer": PAYERS[payer],
        "billing": ProviderInfo("1234567893", "207RX0202X", "Test Oncology Group", "123456789", "627010001"),
        "rendering": ProviderInfo("1558598797", "207RX0202X", "Ada Testwell, MD"),
        "patient": PersonInfo("Testwell", "Quinn", date(1950, 3, 4), "F", "1 Sample St", "Springfield", "IL", "62701"),
        "subscriber": SubscriberInfo("1EG4TE5MK73" if payer == "MCR" else "W123456789", "18",
                                  PersonInfo("Testwell", "Quinn", date(1950, 3, 4))),
        "diagnoses": tuple(diagnoses), "lines": numbered, "settings": settings or {},
        "enrollments": (EnrollmentInfo("enrolled", date(2020, 1, 1), None),),
    }
    base.update(kw)
    return ScrubClaim(**base)


def ctx(today: date = TODAY) -> ScrubContext:
    return ScrubContext(codes=default_code_sets(), today=today)


def ids(findings, severity: str | None = None) -> list[str]:
    return [f.edit_id for f in findings if severity is None or f.severity == severity]
