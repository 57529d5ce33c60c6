"""Drug lines say what the drug came in, so the JW/JZ edit reads data rather than explanations."""

from datetime import date, datetime
from decimal import Decimal

from oncobill.charges.coding import code_encounter
from oncobill.charges.records import AdministrationRecord, EncounterRecord, Vial

DOS = date(2026, 10, 5)


def _drug(drug, dose, hcpcs, vials, start=9):
    return AdministrationRecord(drug, Decimal(dose), "mg", "iv_infusion", datetime(2026, 10, 5, start, 0),
                                datetime(2026, 10, 5, start, 40), "chemotherapy", hcpcs=hcpcs, vial_sizes=vials)


def test_single_dose_given_and_jw_lines_are_marked():
    rituximab = _drug("rituximab", "712.5", "J9312", (Vial(Decimal(500), "mg"), Vial(Decimal(100), "mg")))
    lines = code_encounter(EncounterRecord("office", DOS, ("C83.38",), (rituximab,), primary_reason="chemotherapy"))
    drug = [(x.code, x.modifiers, x.units, x.container) for x in lines.lines if x.code == "J9312"]
    assert drug == [("J9312", (), 72, "single_dose"), ("J9312", ("JW",), 8, "single_dose")]


def test_multi_dose_and_unknown_containers():
    carboplatin = _drug("carboplatin", "525", "J9045", (Vial(Decimal(450), "mg", single_dose=False),
                                                        Vial(Decimal(150), "mg", single_dose=False)))
    paclitaxel = _drug("paclitaxel", "315", "J9267", None, start=10)
    lines = code_encounter(EncounterRecord("office", DOS, ("C34.90",), (carboplatin, paclitaxel),
                                           primary_reason="chemotherapy")).lines
    by_code = {x.code: x for x in lines}
    assert (by_code["J9045"].container, by_code["J9045"].modifiers) == ("multi_dose", ())
    assert by_code["J9267"].container is None
    assert all(x.container is None for x in lines if x.role != "drug")
