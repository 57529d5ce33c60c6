"""The playbook file is data checked at load: every bad row is named."""

from __future__ import annotations

import pytest

from oncobill.denials import default_playbook, parse_playbook
from oncobill.denials.playbook import BUNDLED, COLUMNS
from oncobill.errors import InvalidInput

HEADER = ",".join(COLUMNS)
DEFAULT = ',*,,review,review,billing_specialist,never,,,,"Read the codes.",'


def parse(*rows):
    return parse_playbook("\n".join((HEADER,) + rows + (DEFAULT,)) + "\n", source="test.csv")


def test_bundled_playbook_loads_and_every_code_is_known():
    book = default_playbook()
    assert len(book.rules) > 50
    assert book.default.carc == "*"
    assert BUNDLED.exists()


def test_unknown_carc_names_the_row():
    with pytest.raises(InvalidInput, match=r"test.csv row 2: CARC '15' is not in the CARC list"):
        parse('CO,15,,authorization,corrected_claim,coder,never,,,,"Add REF*G1.",')


def test_unknown_rarc_names_the_row():
    with pytest.raises(InvalidInput, match=r"test.csv row 3: RARC 'N9999' is not in the RARC list"):
        parse('CO,45,,contractual,post_only,payment_poster,never,,,,"Post it.",',
              'CO,16,N9999,claim_data,corrected_claim,coder,never,,,,"Fix.",')


@pytest.mark.parametrize("row, message", [
    ('CO,197,,authorization,transfer_to_patient,patient_accounts,never,,,,"x",', "transfer_to_patient is only for PR"),
    ('CO,197,,authorization,appeal,appeals_specialist,yes,,,,"x","y"', "only a PR row may let the patient be billed"),
    ('CO,197,,authorization,appeal,appeals_specialist,never,,,,"x",', "needs the argument"),
    ('CO,197,,authorization,fly,coder,never,,,,"x",', "action 'fly' is not one of"),
    ('CO,197,,authorization,appeal,boss,never,,,,"x","y"', "owner 'boss' is not one of"),
    ('XX,197,,authorization,appeal,coder,never,,,,"x","y"', "group 'XX'"),
    ('CO,197,,authorization,appeal,coder,never,ten,,,"x","y"', "appeal_window_days 'ten'"),
    ('CO,29,,timely_filing,appeal,coder,never,,timely_filing_proof,,"x","y"', "condition and otherwise go together"),
    ('CO,45,,contractual,post_only,payment_poster,never,,,,,', "fix is empty"),
    ('CO,45,,contract al,post_only,payment_poster,never,,,,"x",', "queue 'contract al'"),
])
def test_bad_rows_are_refused_with_the_reason(row, message):
    with pytest.raises(InvalidInput, match=f"test.csv row 2: .*{message}"):
        parse(row)


def test_duplicate_key_and_missing_default():
    row = 'CO,45,,contractual,post_only,payment_poster,never,,,,"Post it.",'
    with pytest.raises(InvalidInput, match="row 3: same group/CARC/RARC as row 2"):
        parse(row, row)
    with pytest.raises(InvalidInput, match="no default row"):
        parse_playbook(HEADER + "\n" + row + "\n", source="test.csv")
    with pytest.raises(InvalidInput, match="missing column"):
        parse_playbook("group,carc\nCO,45\n", source="test.csv")


def test_a_practice_playbook_row_overrides_the_appeal_window():
    from datetime import date
    from decimal import Decimal

    from oncobill.denials import ClaimFacts, DeniedLine, PayerTerms, route
    book = parse('CO,50,,medical_necessity,appeal,appeals_specialist,never,45,,,"Appeal.","Compendia."')
    item = route(DeniedLine("CO", "50", Decimal("10.00")), ClaimFacts("OB1", date(2026, 10, 1)),
                 PayerTerms("P", 90, 180), remit_date=date(2026, 11, 1), playbook=book)
    assert item.due_date == date(2026, 12, 16)
