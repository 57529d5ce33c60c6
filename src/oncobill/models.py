"""Every table, imported in one place so the metadata (and Alembic) sees the whole schema."""

from oncobill.charges.models import Administration, ChargeLine, Encounter, EncounterDiagnosis
from oncobill.claims.models import (
    Authorization,
    Claim,
    ClaimDiagnosis,
    ClaimFinding,
    ClaimLine,
    ClaimStatusEvent,
)
from oncobill.db import Base
from oncobill.ledger.models import JournalEntry, JournalLine
from oncobill.patients.models import Coverage, Guarantor, Patient, PatientDiagnosis
from oncobill.practice.models import (
    BillingEntity,
    ChargeMasterItem,
    Payer,
    PayerEnrollment,
    PayerSetting,
    Provider,
    ServiceLocation,
)
from oncobill.remittance.models import (
    Deposit,
    DepositMatch,
    EraImport,
    PayerClaimNumber,
    ProviderAdjustmentPosting,
    QuarantinedEra,
    RemitAdjustment,
    RemitClaim,
    RemitClaimEntry,
    RemitServiceLine,
)
from oncobill.treatment.models import TreatmentPlan
from oncobill.worklists.models import DenialWorkItem, RemitWorkItem, UnderpaymentItem

metadata = Base.metadata

__all__ = [
    "Administration",
    "Authorization",
    "BillingEntity",
    "ChargeLine",
    "ChargeMasterItem",
    "Claim",
    "ClaimDiagnosis",
    "ClaimFinding",
    "ClaimLine",
    "ClaimStatusEvent",
    "DenialWorkItem",
    "Deposit",
    "DepositMatch",
    "Coverage",
    "Encounter",
    "EncounterDiagnosis",
    "EraImport",
    "Guarantor",
    "JournalEntry",
    "JournalLine",
    "Patient",
    "PatientDiagnosis",
    "Payer",
    "PayerClaimNumber",
    "PayerEnrollment",
    "PayerSetting",
    "Provider",
    "ProviderAdjustmentPosting",
    "QuarantinedEra",
    "RemitClaim",
    "RemitClaimEntry",
    "RemitAdjustment",
    "RemitServiceLine",
    "RemitWorkItem",
    "ServiceLocation",
    "TreatmentPlan",
    "UnderpaymentItem",
    "metadata",
]
