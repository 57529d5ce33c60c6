"""Charge use cases: record what was documented for an encounter, store coded charge lines,
and post each line's charge to the ledger against whoever is responsible on the date of service."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from oncobill.charges.models import Administration, ChargeLine, Encounter, EncounterDiagnosis, EncounterStatus
from oncobill.errors import InvalidInput
from oncobill.ledger import rules as ledger
from oncobill.ledger.service import post
from oncobill.money import ZERO, MoneyError, money
from oncobill.patients.models import Patient
from oncobill.codes import default_code_sets
from oncobill.patients.rules import require_billable_diagnosis
from oncobill.patients.service import primary_coverage_on
from oncobill.practice.models import Provider, ServiceLocation
from oncobill.practice.service import price_on

_PROCEDURE_CODE = re.compile(r"^([0-9]{4}[0-9FTU]|[A-V][0-9]{4})$")  # CPT (incl. Category II/III) or HCPCS II
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
NDC_UNITS = frozenset({"UN", "ML", "GR", "F2", "ME"})


def record_encounter(session: Session, *, patient: Patient, location: ServiceLocation, provider: Provider,
                     date_of_service: date, diagnoses: list[str], primary_reason: str | None = None,
                     treatment_plan_id: int | None = None, cycle_number: int | None = None,
                     fraction_from: int | None = None, fraction_to: int | None = None) -> Encounter:
    where = f"encounter of patient {patient.account_number} on {date_of_service}"
    if not diagnoses:
        raise InvalidInput(where, "at least one diagnosis is required")
    if len(diagnoses) > 12:
        raise InvalidInput(where, f"{len(diagnoses)} diagnoses; a claim carries at most 12")
    for position, code in enumerate(diagnoses, start=1):
        require_billable_diagnosis(code, f"{where}: diagnosis {position}")
    encounter = Encounter(
        patient_id=patient.id, location_id=location.id, provider_id=provider.id, date_of_service=date_of_service,
        primary_reason=primary_reason, treatment_plan_id=treatment_plan_id, cycle_number=cycle_number,
        fraction_from=fraction_from, fraction_to=fraction_to, status=EncounterStatus.DOCUMENTED,
        diagnoses=[EncounterDiagnosis(sequence=i, icd10_code=c) for i, c in enumerate(diagnoses, start=1)],
    )
    session.add(encounter)
    session.flush()
    return encounter


def record_administration(session: Session, *, encounter: Encounter, drug: str, dose: Decimal, dose_unit: str,
                          route: str, purpose: str, start_at: datetime, stop_at: datetime | None = None,
                          hcpcs: str | None = None, site: str | None = None, ndc: str | None = None,
                          vials_opened: list[dict] | None = None) -> Administration:
    where = f"administration of {drug} in encounter {encounter.id}"
    dose = Decimal(str(dose))
    if dose <= 0:
        raise InvalidInput(where, f"dose must be above zero, got {dose}")
    if stop_at is not None and stop_at < start_at:
        raise InvalidInput(where, f"stop time {stop_at} is before start time {start_at}")
    row = Administration(encounter_id=encounter.id, drug=drug, hcpcs=hcpcs, dose=dose, dose_unit=dose_unit,
                         route=route, purpose=purpose, site=site, start_at=start_at, stop_at=stop_at, ndc=ndc,
                         vials_opened=vials_opened)
    session.add(row)
    session.flush()
    return row


def add_charge_line(session: Session, *, encounter: Encounter, code: str, units: Decimal | int,
                    dx_pointers: list[int], actor: str, charge: Decimal | str | None = None,
                    modifiers: list[str] = (), ndc: str | None = None, ndc_quantity: Decimal | None = None,
                    ndc_unit: str | None = None, rendering_provider: Provider | None = None,
                    explanation: str | None = None, container: str | None = None) -> ChargeLine:
    """Store one coded line and post its charge (price from the charge master unless given)."""
    line_number = len(encounter.charge_lines) + 1
    where = f"encounter {encounter.id} line {line_number} ({code})"
    if not _PROCEDURE_CODE.match(code or ""):
        raise InvalidInput(where, f"{code!r} is not a CPT or HCPCS code")
    if not default_code_sets().hcpcs_is_valid(code, on=encounter.date_of_service):
        raise InvalidInput(where, f"{code} is not a valid CPT/HCPCS code on {encounter.date_of_service}")
    modifiers = list(modifiers)
    if len(modifiers) > 4 or any(not _MODIFIER.match(m) for m in modifiers):
        raise InvalidInput(where, f"modifiers {modifiers} must be at most four 2-character codes")
    units = Decimal(str(units))
    if units <= 0:
        raise InvalidInput(where, f"units must be above zero, got {units}")
    diagnosis_count = len(encounter.diagnoses)
    if not 1 <= len(dx_pointers) <= 4 or any(not 1 <= p <= diagnosis_count for p in dx_pointers):
        raise InvalidInput(where, f"diagnosis pointers {dx_pointers} must be 1 to 4 positions among the "
                                  f"{diagnosis_count} encounter diagnoses")
    if ndc is not None:
        if not (len(ndc) == 11 and ndc.isdigit()):
            raise InvalidInput(where, f"NDC {ndc!r} must be 11 digits (5-4-2, no hyphens)")
        if ndc_unit not in NDC_UNITS or ndc_quantity is None or Decimal(ndc_quantity) <= 0:
            raise InvalidInput(where, "an NDC needs a quantity above zero and a unit of UN, ML, GR, F2 or ME")
    if container not in (None, "single_dose", "multi_dose"):
        raise InvalidInput(where, f"container {container!r} must be single_dose or multi_dose")
    if charge is None:
        amount = money(price_on(session, code=code, on=encounter.date_of_service) * units)
    else:
        try:
            amount = money(charge, exact=True)
        except MoneyError as exc:
            raise InvalidInput(where, str(exc)) from exc
    if amount < ZERO:
        raise InvalidInput(where, f"charge must not be negative, got {amount}")
    padded = modifiers + [None] * (4 - len(modifiers))
    line = ChargeLine(
        encounter_id=encounter.id, line_number=line_number, service_date=encounter.date_of_service, code=code,
        modifier1=padded[0], modifier2=padded[1], modifier3=padded[2], modifier4=padded[3], units=units,
        charge=amount, ndc=ndc, ndc_quantity=Decimal(ndc_quantity) if ndc_quantity is not None else None,
        ndc_unit=ndc_unit, container=container, dx_pointers=list(dx_pointers),
        rendering_provider_id=(rendering_provider or encounter.provider).id, explanation=explanation,
    )
    encounter.charge_lines.append(line)
    session.flush()
    if amount > ZERO:
        coverage = primary_coverage_on(session, patient_id=encounter.patient_id, on=encounter.date_of_service)
        responsible = ledger.Party.payer(coverage.payer_id) if coverage else ledger.Party.patient()
        draft = ledger.charge(ledger.Refs(patient_id=encounter.patient_id, charge_line_id=line.id), amount,
                              responsible, memo=f"{code} x{units} on {encounter.date_of_service}")
        post(session, draft, effective_date=encounter.date_of_service, actor=actor,
             source=f"encounter {encounter.id}")
    encounter.status = EncounterStatus.CODED
    return line


# Payer settings (practice/payer_settings, by effective date) that the coding rules read.
_RADIATION_CODE_SETS = {"pfs_g_codes": "medicare_pfs", "cpt": "cpt"}


def payer_rules_for(session: Session, *, payer_id: int | None, on: date):
    """The coding conventions of the payer in force on the date of service (Medicare defaults for self-pay)."""
    from oncobill.charges.records import PayerRules
    from oncobill.practice.models import Payer
    from oncobill.practice.service import payer_setting

    if payer_id is None:
        return PayerRules(name="self_pay")
    payer = session.get(Payer, payer_id)
    setting = lambda key, default: payer_setting(session, payer_id=payer_id, key=key, on=on, default=default)  # noqa: E731
    defaults = PayerRules()
    return PayerRules(
        name=payer.code,
        second_site_modifier=setting("second_initial_modifier", defaults.second_site_modifier),
        jw_jz=bool(setting("jw_jz_required", defaults.jw_jz)),
        combine_split_hydration=bool(setting("combine_split_hydration", defaults.combine_split_hydration)),
        injection_with_iv_modifier=setting("injection_with_iv_modifier", defaults.injection_with_iv_modifier),
        sum_same_hcpcs=bool(setting("sum_same_hcpcs", defaults.sum_same_hcpcs)),
        modifier_340b=setting("modifier_340b", defaults.modifier_340b),
        radiation_codes=_RADIATION_CODE_SETS.get(setting("radiation_delivery_codes", "pfs_g_codes"),
                                                 defaults.radiation_codes),
        physics_remainder=setting("physics_remainder", defaults.physics_remainder),
    )
