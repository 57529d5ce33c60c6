"""Small builders for the charge-rule tests: encounters in the documented JSON form."""

from __future__ import annotations

from oncobill.charges.coding import code_encounter
from oncobill.charges.intake import encounter_from_json
from oncobill.codes import load_code_sets

_CODES = None


def codes():
    """Bundled code sets only (an imported folder on the machine must not change expectations)."""
    global _CODES
    if _CODES is None:
        from pathlib import Path

        _CODES = load_code_sets(Path("/nonexistent-oncobill-refdata"))
    return _CODES


def adm(drug, dose, unit, route, start, stop=None, purpose="therapeutic", **extra):
    row = {"drug": drug, "dose": dose, "dose_unit": unit, "route": route, "start": start, "purpose": purpose}
    if stop is not None:
        row["stop"] = stop
    row.update(extra)
    return row


def encounter(administrations=(), *, setting="office", dos="2026-11-03", reason="chemotherapy",
              diagnoses=("C34.11",), payer=None, course=None):
    raw = {"setting": setting, "date_of_service": dos, "primary_reason": reason, "diagnoses": list(diagnoses),
           "administrations": list(administrations)}
    if payer is not None:
        raw["payer"] = payer
    if course is not None:
        raw["radiation_course"] = course
    return raw


def code(raw):
    return code_encounter(encounter_from_json(raw), codes())


def summary(result, role=None):
    """[(code-with-modifiers, units)] in line order, optionally only admin / drug / radiation lines."""
    return [("-".join((line.code, *line.modifiers)), line.units) for line in result.lines
            if role is None or line.role == role]
