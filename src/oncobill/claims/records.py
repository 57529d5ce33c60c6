"""Plain data the claim rules read and write (not the tables: the claims service converts rows).

``BillableLine`` is a stored charge line with what billing needs around it (coverage on its date
of service, its diagnoses as codes); ``ClaimDraft`` is a claim as the builder groups it;
``ScrubClaim`` is a claim with everything the scrubber's edits look at, all plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from oncobill.money import ZERO

PROFESSIONAL, INSTITUTIONAL = "837P", "837I"


@dataclass(frozen=True, slots=True)
class BillableLine:
    """A charge line not yet on a claim, with the coverage in force on its date of service."""

    charge_line_id: int
    encounter_id: int
    patient_id: int
    coverage_id: int
    payer_id: int
    billing_entity_id: int
    rendering_provider_id: int
    location_id: int
    form: str  # 837P (office) or 837I (hospital outpatient)
    service_date: date
    code: str
    units: Decimal
    charge: Decimal
    diagnoses: tuple[str, ...]  # the codes this line points to, in pointer order
    encounter_diagnoses: tuple[str, ...]  # all of the encounter's diagnoses, in claim order
    modifiers: tuple[str, ...] = ()
    ndc: str | None = None
    ndc_quantity: Decimal | None = None
    ndc_unit: str | None = None
    revenue_code: str | None = None
    authorization_id: int | None = None
    authorization_number: str | None = None
    line_number: int = 1  # order within the encounter

    @property
    def group_key(self) -> tuple:
        """Lines may share a claim only when all of these agree."""
        return (self.patient_id, self.coverage_id, self.payer_id, self.billing_entity_id,
                self.rendering_provider_id, self.location_id, self.form)


@dataclass(slots=True)
class DraftLine:
    line_number: int
    charge_line_id: int | None
    service_date: date
    code: str
    units: Decimal
    charge: Decimal
    dx_pointers: tuple[int, ...]
    modifiers: tuple[str, ...] = ()
    ndc: str | None = None
    ndc_quantity: Decimal | None = None
    ndc_unit: str | None = None
    revenue_code: str | None = None
    authorization_id: int | None = None
    authorization_number: str | None = None


@dataclass(slots=True)
class ClaimDraft:
    """A claim as grouped: one patient, coverage, billing entity, rendering provider, location, form."""

    patient_id: int
    coverage_id: int
    payer_id: int
    billing_entity_id: int
    rendering_provider_id: int
    location_id: int
    form: str
    diagnoses: list[str] = field(default_factory=list)
    lines: list[DraftLine] = field(default_factory=list)

    @property
    def service_from(self) -> date:
        return min(line.service_date for line in self.lines)

    @property
    def service_to(self) -> date:
        return max(line.service_date for line in self.lines)

    @property
    def total_charge(self) -> Decimal:
        """CLM02 is the sum of the lines, by construction."""
        return sum((line.charge for line in self.lines), ZERO)

    @property
    def prior_authorization(self) -> str | None:
        """Claim-level REF*G1: the authorization most lines cite (lines citing another carry their own)."""
        numbers = [line.authorization_number for line in self.lines if line.authorization_number]
        return max(sorted(set(numbers)), key=numbers.count) if numbers else None


# -- what the scrubber sees -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ProviderInfo:
    npi: str
    taxonomy: str | None = None
    name: str = ""
    tin: str | None = None
    zip_code: str | None = None


@dataclass(frozen=True, slots=True)
class PersonInfo:
    """The patient, or the subscriber when the patient is someone's dependent."""

    last_name: str | None
    first_name: str | None
    birth_date: date | None
    sex: str | None = None
    address_line1: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None


@dataclass(frozen=True, slots=True)
class SubscriberInfo:
    member_id: str | None
    relationship: str  # X12 individual relationship code, 18 = self
    person: PersonInfo
    group_number: str | None = None
    priority: str = "primary"
    coverage_from: date | None = None  # the coverage's effective and end dates
    coverage_to: date | None = None


@dataclass(frozen=True, slots=True)
class PayerInfo:
    code: str
    kind: str
    payer_id: str
    claim_filing_indicator: str
    timely_filing_days: int
    name: str = ""


@dataclass(frozen=True, slots=True)
class EnrollmentInfo:
    status: str
    effective_date: date | None
    end_date: date | None


@dataclass(frozen=True, slots=True)
class AuthorizationInfo:
    """An authorization on file and the units other claims have already used of it."""

    auth_number: str
    status: str
    start_date: date
    end_date: date
    approved_units: dict[str, Decimal | None]
    used_elsewhere: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScrubLine:
    line_number: int
    service_date: date
    code: str
    units: Decimal
    charge: Decimal
    dx_pointers: tuple[int, ...]
    modifiers: tuple[str, ...] = ()
    ndc: str | None = None
    ndc_quantity: Decimal | None = None
    ndc_unit: str | None = None
    revenue_code: str | None = None
    authorization_number: str | None = None
    container: str | None = None  # "single_dose", "multi_dose" or None when the chart does not say


@dataclass(frozen=True, slots=True)
class ScrubClaim:
    """Everything the edits read about one claim, as plain values (no database)."""

    patient_control_number: str
    form: str
    place_of_service: str
    payer: PayerInfo
    billing: ProviderInfo
    rendering: ProviderInfo
    patient: PersonInfo
    subscriber: SubscriberInfo
    diagnoses: tuple[str, ...]
    lines: tuple[ScrubLine, ...]
    settings: dict[str, Any] = field(default_factory=dict)  # payer settings in force on the first DOS
    enrollments: tuple[EnrollmentInfo, ...] = ()
    authorizations: tuple[AuthorizationInfo, ...] = ()
    prior_authorization: str | None = None
    frequency_code: str = "1"
    payer_claim_number: str | None = None
    facility_npi: str | None = None
    # Lines already on the patient's other open claims to this payer: (date, code, modifiers, units, PCN).
    billed_elsewhere: tuple[tuple[date, str, tuple[str, ...], Decimal, str], ...] = ()
    by_date: dict[date, list[ScrubLine]] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        days: dict[date, list[ScrubLine]] = {}
        for line in self.lines:
            days.setdefault(line.service_date, []).append(line)
        object.__setattr__(self, "by_date", days)  # the lines of each date of service, computed once

    @property
    def service_from(self) -> date:
        return min(line.service_date for line in self.lines)

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), ZERO)

    def setting(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)
