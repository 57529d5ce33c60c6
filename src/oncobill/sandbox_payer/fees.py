"""The Medicare fee schedule as the sandbox payer prices: core's (:mod:`oncobill.codes.fees`,
the CMS tables in ``codes/data``), not a copy of its own.

Drugs: the CMS ASP payment limit, which already is 106% of ASP, is the allowed amount per
billing unit. Services: the PFS national amount (RVU26D, conversion factor 33.4009, GPCI 1),
non-facility for the office and facility for POS 19/21/22/23/24. Every date of service is priced
as of :data:`PRICED_ON`, the bundled ASP quarter (a sandbox simplification, stated in
docs/sandbox-payer.md), so a claim's figures do not depend on which quarter its date falls in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from oncobill.codes import default_code_sets
from oncobill.codes.fees import MedicareFees

PRICED_ON = date(2026, 10, 1)  # the ASP quarter (October 2026) and PFS year (CY2026) core bundles


@dataclass(frozen=True)
class MedicareFee:
    """The Medicare amount for one line before any contract percentage: per unit."""

    per_unit: Decimal | None  # None: not payable in this setting (CMS marks it NA)
    source: str  # "ASP limit 62.253/1 MG" or "PFS non-facility" / "PFS facility"
    coinsurance_percent: Decimal | None = None  # from the ASP file for drugs


class FeeSchedule:
    """Core's Medicare fees read as of one date, with the settings CMS marks NA kept as such (a
    professional claim there is denied, not priced at a percentage of charge)."""

    def __init__(self, medicare: MedicareFees, on: date = PRICED_ON) -> None:
        self.medicare = medicare
        self.on = on

    def is_drug(self, code: str) -> bool:
        return self.medicare.is_drug(code, self.on)

    def medicare_fee(self, code: str, modifiers: tuple[str, ...], place_of_service: str) -> MedicareFee | None:
        """Medicare's amount per unit for the code as billed, or None when the code has no fee here."""
        fee = self.medicare.fee(code, tuple(modifiers), place_of_service, self.on)
        if fee is not None:
            return MedicareFee(fee.per_unit, fee.basis, fee.coinsurance_percent)
        setting = self.medicare.not_payable(code, tuple(modifiers), place_of_service, self.on)
        return MedicareFee(None, setting) if setting else None


def medicare_fee_schedule() -> FeeSchedule:
    """The schedule over the shared code sets (loaded once per process by ``default_code_sets``)."""
    return FeeSchedule(MedicareFees(default_code_sets()))
