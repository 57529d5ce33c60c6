"""Fee schedules: what one line as billed should be allowed per unit on its date of service.

Medicare (:class:`MedicareFees`) is the default: drugs at the CMS ASP payment limit in force on
the date (the limit already is 106% of ASP, 42 CFR 414.904: no 6% is added), services at the
Physician Fee Schedule national amount, total RVU x the calendar year's conversion factor (GPCI 1),
non-facility for the office and facility for POS 19/21/22/23/24; where CMS marks the setting NA
the service has no fee there. A practice's own contract rates (:class:`ContractFeeTable`, a CSV)
replace it for a payer whose ``contract_fee_table`` setting names one: :meth:`FeeSources.for_payer`
is the one place that chooses. See docs/fees.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol

from oncobill.codes.sets import CodeSets, PfsRvu, default_code_sets
from oncobill.errors import InvalidInput
from oncobill.money import money

FACILITY_POS = frozenset({"19", "21", "22", "23", "24"})  # PFS facility rate (domain 6.2)
COMPONENTS = ("26", "TC")  # professional / technical component modifiers, priced by their own PFS row

# PFS conversion factor by calendar year, for clinicians who are not qualifying APM participants
# (CMS's "nonQPP" national amounts). CY2026: $33.4009 (CY2026 PFS final rule, CMS-1832-F; the
# RVU26D file in ../shared/refdata is priced with it, see SOURCES.md; qualifying APM participants
# get $33.5675). CY2025: $32.3465 (CY2025 PFS final rule, CMS-1807-F).
CONVERSION_FACTORS: dict[int, Decimal] = {2025: Decimal("32.3465"), 2026: Decimal("33.4009")}


@dataclass(frozen=True, slots=True)
class Fee:
    per_unit: Decimal  # before the contract percentage unless ``contracted``
    basis: str  # "ASP limit 62.253/1 MG", "PFS non-facility", "contract.csv row 4"
    drug: bool = False
    contracted: bool = False  # already the contract's own amount: no percentage applied
    coinsurance_percent: Decimal | None = None  # the ASP file's (20, or less for IRA rebate drugs)


class FeeSource(Protocol):
    """Answers the fee for one line as billed, on its date of service; None when it has none."""

    def fee(self, code: str, modifiers: tuple[str, ...], place_of_service: str, on: date) -> Fee | None: ...


def conversion_factor(on: date) -> Decimal:
    """The PFS conversion factor of the calendar year of *on*."""
    try:
        return CONVERSION_FACTORS[on.year]
    except KeyError:
        raise InvalidInput(f"PFS conversion factor for CY{on.year}",
                           "not in oncobill.codes.fees.CONVERSION_FACTORS: add it with its source") from None


class MedicareFees:
    """Medicare's amount per unit from the CMS tables the code sets hold (bundled or imported),
    as of the date of service: an imported ASP quarter answers from its effective date."""

    def __init__(self, codes: CodeSets | None = None):
        self.codes = codes if codes is not None else default_code_sets()

    def is_drug(self, code: str, on: date) -> bool:
        """A code the ASP file prices on that date."""
        return self.codes.asp_limit(code, on) is not None

    def pfs_row(self, code: str, modifiers: tuple[str, ...], on: date) -> PfsRvu | None:
        """The PFS row for the component billed (-26/-TC), else the global row."""
        component = next((m for m in modifiers if m in COMPONENTS), "")
        found = self.codes.pfs_rvu(code, component, on) if component else None
        return found or self.codes.pfs_rvu(code, "", on)

    def not_payable(self, code: str, modifiers: tuple[str, ...], place_of_service: str, on: date) -> str | None:
        """The PFS setting ("PFS facility") when CMS marks the service NA there, else None."""
        if self.is_drug(code, on):
            return None
        row = self.pfs_row(code, modifiers, on)
        facility = place_of_service in FACILITY_POS
        if row is None or (row.facility_rvu if facility else row.nonfacility_rvu) is not None:
            return None
        return "PFS facility" if facility else "PFS non-facility"

    def fee(self, code: str, modifiers: tuple[str, ...], place_of_service: str, on: date) -> Fee | None:
        limit = self.codes.asp_limit(code, on)
        if limit is not None:
            return Fee(limit.payment_limit, f"ASP limit {limit.payment_limit}/{limit.billing_unit}", drug=True,
                       coinsurance_percent=limit.coinsurance_pct)
        row = self.pfs_row(code, tuple(modifiers), on)
        if row is None:
            return None
        facility = place_of_service in FACILITY_POS
        rvu = row.facility_rvu if facility else row.nonfacility_rvu
        if rvu is None:
            return None  # CMS marks the setting NA: not payable to the physician there
        return Fee(money(rvu * conversion_factor(on)), "PFS facility" if facility else "PFS non-facility")


@dataclass(frozen=True, slots=True)
class ContractRate:
    code: str
    modifier: str  # "" any, or 26/TC
    setting: str  # "" any, "office" or "facility"
    per_unit: Decimal
    effective_from: date
    effective_to: date | None
    row: int


class ContractFeeTable:
    """A practice's own contract rates: CSV ``code,modifier,setting,per_unit,effective_from,effective_to``
    (setting ``office``/``facility`` or blank for both; dates YYYY-MM-DD; effective_to blank = open)."""

    def __init__(self, rates: list[ContractRate], source: str = "contract"):
        self.rates = rates
        self.source = source

    @classmethod
    def from_file(cls, path: Path, *, payer: str) -> ContractFeeTable:
        """The table a payer's ``contract_fee_table`` setting names."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"payer {payer}: setting contract_fee_table",
                               f"{path} cannot be read ({exc.strerror or exc})") from None
        return cls.from_csv(text, source=path.name)

    @classmethod
    def from_csv(cls, text: str, *, source: str = "contract.csv") -> ContractFeeTable:
        reader = csv.DictReader(io.StringIO(text))
        need = ("code", "per_unit", "effective_from")
        missing = [c for c in need if c not in (reader.fieldnames or ())]
        if missing:
            raise InvalidInput(f"{source} header", f"missing column(s): {', '.join(missing)}")
        rates = []
        for row_no, row in enumerate(reader, start=2):
            where = f"{source} row {row_no}"
            r = {k: (v or "").strip() for k, v in row.items() if k}
            if not r.get("code"):
                raise InvalidInput(where, "code is empty")
            setting = r.get("setting", "").lower()
            if setting not in ("", "office", "facility"):
                raise InvalidInput(f"{where}: setting", f"{setting!r} is not office, facility or blank")
            try:
                per_unit = Decimal(r["per_unit"])
            except InvalidOperation:
                raise InvalidInput(f"{where}: per_unit", f"{r['per_unit']!r} is not an amount") from None
            if not per_unit.is_finite() or per_unit < 0:
                raise InvalidInput(f"{where}: per_unit", f"{r['per_unit']!r} is not an amount of 0 or more")
            try:
                start = date.fromisoformat(r["effective_from"])
                end = date.fromisoformat(r["effective_to"]) if r.get("effective_to") else None
            except ValueError as exc:
                raise InvalidInput(f"{where}: dates", f"not YYYY-MM-DD ({exc})") from None
            if end is not None and end < start:
                raise InvalidInput(f"{where}: dates", f"effective_to {end} is before effective_from {start}")
            rates.append(ContractRate(r["code"].upper(), r.get("modifier", "").upper(), setting, per_unit, start, end,
                                      row_no))
        return cls(rates, source)

    def fee(self, code: str, modifiers: tuple[str, ...], place_of_service: str, on: date) -> Fee | None:
        setting = "facility" if place_of_service in FACILITY_POS else "office"
        best = None
        for rate in self.rates:
            if rate.code != code or not (rate.effective_from <= on and (rate.effective_to is None or on <= rate.effective_to)):
                continue
            if rate.modifier and rate.modifier not in modifiers or rate.setting and rate.setting != setting:
                continue
            rank = (bool(rate.modifier), bool(rate.setting), rate.effective_from)
            if best is None or rank > best[0]:
                best = (rank, rate)
        if best is None:
            return None
        rate = best[1]
        return Fee(rate.per_unit, f"{self.source} row {rate.row}", contracted=True)


class CachedFees:
    """A fee source asked once per code, modifiers, setting and day (an 835 repeats them thousands of times)."""

    def __init__(self, source: FeeSource):
        self.source, self.seen = source, {}

    def fee(self, code: str, modifiers: tuple[str, ...], place_of_service: str, on: date) -> Fee | None:
        key = (code, modifiers, place_of_service, on)
        if key not in self.seen:
            self.seen[key] = self.source.fee(code, modifiers, place_of_service, on)
        return self.seen[key]


class FeeSources:
    """The fee schedules of one use (an 835 posted, a report): each loaded when first needed, then
    shared by every payer that names it, and each asked once per line shape (:class:`CachedFees`)."""

    def __init__(self, codes: CodeSets | None = None):
        self.codes = codes
        self.sources: dict[str, CachedFees] = {}

    def for_payer(self, payer: str, settings: Mapping[str, Any]) -> FeeSource:
        """The schedule that judges the payer's allowed amounts, from its settings in force on the date
        of service: the practice's contract table when ``contract_fee_table`` names a CSV (a path),
        else Medicare's (which ``contract_percent_of_medicare`` then scales)."""
        table = settings.get("contract_fee_table")
        key = str(table) if table else ""
        if key not in self.sources:
            source = ContractFeeTable.from_file(Path(key), payer=payer) if key else MedicareFees(self.codes)
            self.sources[key] = CachedFees(source)
        return self.sources[key]
