"""The charge rules and code sets are pure: no database, no stage package, no shell."""

from __future__ import annotations

import subprocess
import sys

import pytest

from oncobill.charges.intake import encounter_from_json
from oncobill.errors import InvalidInput


def test_rules_and_code_sets_import_no_database_or_stage_package():
    script = (
        "import sys\n"
        "import oncobill.codes, oncobill.codes.importers, oncobill.charges.coding, oncobill.charges.intake\n"
        "bad = [m for m in sys.modules if m.startswith(('sqlalchemy', 'alembic', 'oncobill.db', 'oncobill.cli',\n"
        "       'oncobill.ledger', 'oncobill.claims', 'oncobill.patients', 'oncobill.practice'))\n"
        "       or m.endswith('.models') or m.endswith('.service') or m == 'simple_icd_10_cm']\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize(("raw", "message"), [
    ({"date_of_service": "2026-11-03", "diagnoses": ["C34.11"]}, "setting: missing"),
    ({"setting": "home", "date_of_service": "2026-11-03", "diagnoses": ["C34.11"]}, "setting: 'home' is not one of"),
    ({"setting": "office", "date_of_service": "11/03/2026", "diagnoses": ["C34.11"]}, "date_of_service: not an ISO"),
    ({"setting": "office", "date_of_service": "2026-11-03"}, "diagnoses: missing"),
    ({"setting": "office", "date_of_service": "2026-11-03", "diagnoses": ["C34.11"], "payer": {"fee": 1}},
     "payer: unknown payer rule(s): fee"),
    ({"setting": "office", "date_of_service": "2026-11-03", "diagnoses": ["C34.11"],
      "administrations": [{"drug": "x", "dose": -1, "dose_unit": "mg", "route": "iv_push", "start": "09:00",
                           "purpose": "therapeutic"}]}, "administrations[0].dose: must be a positive number"),
    ({"setting": "office", "date_of_service": "2026-11-03", "diagnoses": ["C34.11"],
      "administrations": [{"drug": "x", "dose": 1, "dose_unit": "mg", "route": "iv_push", "start": "9 o'clock",
                           "purpose": "therapeutic"}]}, "administrations[0].start: not an ISO datetime"),
    ({"setting": "office", "date_of_service": "2026-11-03", "diagnoses": ["C61"],
      "radiation_course": {"technique": "imrt", "fractions": "28"}}, "radiation_course.fractions: must be a whole"),
    ({"setting": "office", "date_of_service": "2026-11-03", "diagnoses": ["C34.11"], "adminstrations": []},
     "encounter: unknown field(s): adminstrations"),
    ({"setting": "office", "date_of_service": "2026-11-03", "diagnoses": ["C34.11"],
      "administrations": [{"drug": "x", "dose": 1, "dose_unit": "mg", "route": "iv_push", "start": "09:00",
                           "purpose": "therapeutic", "vials_open": []}]},
     "administrations[0]: unknown field(s): vials_open"),
])
def test_bad_encounter_json_names_the_field(raw, message):
    with pytest.raises(InvalidInput) as err:
        encounter_from_json(raw)
    assert message in str(err.value)
