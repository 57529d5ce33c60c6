"""Medicare fee schedules shipped with the sandbox (``data/``, derived by ``_derive.py``).

Drugs: the CMS ASP payment-limit file, whose limit already is 106% of ASP, is the allowed
amount per billing unit. Services: the PFS national amount (RVU26D, conversion factor 33.4009,
GPCI 1), non-facility for the office and facility for POS 19/22. One quarter is loaded; it
answers for every date of service (a sandbox simplification, stated in docs/sandbox-payer.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")
FACILITY_POS = frozenset({"19", "22", "21", "23", "24"})


@dataclass(frozen=True)
class DrugFee:
    hcpcs: str
    billing_unit: str
    payment_limit: Decimal  # per billing unit, 106% of ASP
    coinsurance_percent: Decimal  # 20, or less for IRA inflation-rebate drugs


@dataclass(frozen=True)
class ServiceFee:
    code: str
    modifier: str
    nonfacility: Decimal | None  # None: CMS marks the setting NA (not payable there)
    facility: Decimal | None


@dataclass(frozen=True)
class MedicareFee:
    """The Medicare amount for one line before any contract percentage: per unit."""

    per_unit: Decimal | None  # None: not payable in this setting
    source: str  # "ASP" or "PFS non-facility" / "PFS facility"
    coinsurance_percent: Decimal | None = None  # from the ASP file for drugs


class FeeSchedule:
    def __init__(self, drugs: dict[str, DrugFee], services: dict[tuple[str, str], ServiceFee]) -> None:
        self.drugs = drugs
        self.services = services

    def is_drug(self, code: str) -> bool:
        return code in self.drugs

    def medicare_fee(self, code: str, modifiers: tuple[str, ...], place_of_service: str) -> MedicareFee | None:
        """Medicare's amount per unit for the code as billed, or None when the code has no fee here."""
        drug = self.drugs.get(code)
        if drug is not None:
            return MedicareFee(drug.payment_limit, f"ASP limit {drug.payment_limit}/{drug.billing_unit}",
                               drug.coinsurance_percent)  # fmt: skip
        component = next((m for m in modifiers if m in ("26", "TC")), "")
        fee = self.services.get((code, component)) or self.services.get((code, ""))
        if fee is None:
            return None
        if place_of_service in FACILITY_POS:
            return MedicareFee(fee.facility, "PFS facility")
        return MedicareFee(fee.nonfacility, "PFS non-facility")


def _amount(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


@lru_cache(maxsize=1)
def medicare_fee_schedule() -> FeeSchedule:
    drugs = {}
    with (DATA / "medicare_asp_2026q4.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            drugs[row["hcpcs"]] = DrugFee(row["hcpcs"], row["billing_unit"], Decimal(row["payment_limit"]),
                                          Decimal(row["coinsurance_pct"] or "20"))  # fmt: skip
    services = {}
    with (DATA / "medicare_pfs_2026.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            services[(row["code"], row["modifier"])] = ServiceFee(
                row["code"], row["modifier"], _amount(row["nonfacility"]), _amount(row["facility"])
            )
    return FeeSchedule(drugs, services)
