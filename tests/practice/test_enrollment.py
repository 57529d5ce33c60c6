from datetime import date

from oncobill.practice import service as practice
from oncobill.practice.rules import enrollment_covers
from tests.factories import small_practice


def test_domain_example_retro_window():
    # Filed May 1, approved June 1 -> effective May 1; Medicare allows billing 30 days back (domain 1.2).
    effective = date(2026, 5, 1)
    assert enrollment_covers("enrolled", effective, None, date(2026, 4, 1), retro_days=30)
    assert not enrollment_covers("enrolled", effective, None, date(2026, 3, 31), retro_days=30)
    assert not enrollment_covers("enrolled", effective, None, date(2026, 4, 30), retro_days=0)
    assert not enrollment_covers("pending", effective, None, date(2026, 6, 1))
    assert not enrollment_covers("enrolled", effective, date(2026, 12, 31), date(2027, 1, 1))


def test_is_enrolled_reads_payer_setting(session):
    entity, doctor, clinic, medicare, commercial = small_practice(session)
    newcomer = practice.add_provider(session, billing_entity=entity, npi="1003000126", first_name="New",
                                     last_name="Comer", credential="NP", taxonomy="363L00000X",
                                     role="nurse_practitioner")
    practice.enroll(session, provider=newcomer, payer=medicare, status="enrolled", effective_date=date(2026, 5, 1))
    practice.enroll(session, provider=newcomer, payer=commercial, status="pending", effective_date=None)
    assert practice.is_enrolled(session, provider_id=newcomer.id, payer_id=medicare.id, on=date(2026, 4, 1))
    assert not practice.is_enrolled(session, provider_id=newcomer.id, payer_id=medicare.id, on=date(2026, 3, 31))
    assert not practice.is_enrolled(session, provider_id=newcomer.id, payer_id=commercial.id, on=date(2026, 10, 1))


def test_payer_settings_are_effective_dated(session):
    *_, medicare, _ = small_practice(session)
    practice.set_payer_setting(session, payer=medicare, key="radiation_delivery_codes", value="pfs_g_codes",
                               effective_from=date(2026, 1, 1))
    practice.set_payer_setting(session, payer=medicare, key="radiation_delivery_codes", value="cpt",
                               effective_from=date(2027, 1, 1))
    on = lambda d: practice.payer_setting(session, payer_id=medicare.id, key="radiation_delivery_codes", on=d)
    assert on(date(2025, 12, 31)) is None
    assert on(date(2026, 6, 1)) == "pfs_g_codes"
    assert on(date(2027, 1, 1)) == "cpt"
