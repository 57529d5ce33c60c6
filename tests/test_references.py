"""References checked per statement on PostgreSQL (``oncobill.references``) hold as foreign keys do:
a row naming a missing row is refused, whether inserted, copied or updated; a named row cannot be
deleted or renumbered; and a delete racing an uncommitted insert waits for it instead of leaving an
orphan. SQLite keeps its ordinary foreign keys for the same columns."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from oncobill.db import make_engine
from oncobill.migrations.runner import upgrade
from oncobill.references import STATEMENT_CHECKED
from tests.concurrency import race

ENTRY = ("INSERT INTO journal_entries (kind, effective_date, posted_at, actor, memo) "
         "VALUES ('charge', '2026-11-02', '2026-11-02 09:00', 'test', '') RETURNING id")
LINE = "INSERT INTO journal_lines (entry_id, account, amount) VALUES (:e, 'cash', 0)"
DELETE = "DELETE FROM journal_entries WHERE id = :e"


def _entry(engine) -> int:
    with engine.begin() as conn:
        return conn.execute(text(ENTRY)).scalar_one()


def test_a_row_naming_a_missing_row_is_refused_with_table_column_and_value(pg_engine):
    refused = r"journal_lines\.entry_id = 987654 names no row of journal_entries"
    with pg_engine.connect() as conn, pytest.raises(IntegrityError, match=refused) as caught:
        conn.execute(text(LINE), {"e": 987654})
    assert caught.value.orig.sqlstate == "23503"  # foreign_key_violation, as from a foreign key


def test_copy_is_checked_too_and_one_bad_row_refuses_the_whole_statement(pg_engine):
    entry = _entry(pg_engine)
    raw = pg_engine.raw_connection()
    try:
        refused = pytest.raises(psycopg.errors.ForeignKeyViolation, match="names no row of journal_entries")
        with raw.driver_connection.cursor() as cursor, refused, \
                cursor.copy("COPY journal_lines (entry_id, account, amount) FROM STDIN") as copy:
            copy.write(f"{entry}\tcash\t100\n{entry}\tar_payer\t-100\n987655\tcash\t5\n")
        raw.rollback()
        with raw.driver_connection.cursor() as cursor:
            assert cursor.execute("SELECT count(*) FROM journal_lines WHERE entry_id = %s", [entry]).fetchone() == (0,)
    finally:
        raw.close()


def test_an_update_to_a_missing_row_is_refused(pg_engine):
    entry = _entry(pg_engine)
    with pg_engine.begin() as conn:
        conn.execute(text(LINE), {"e": entry})
    with pg_engine.connect() as conn, pytest.raises(IntegrityError, match="names no row of journal_entries"):
        conn.execute(text("UPDATE journal_lines SET entry_id = 987656 WHERE entry_id = :e"), {"e": entry})


def test_a_named_row_cannot_be_deleted_or_renumbered(pg_engine):
    entry = _entry(pg_engine)
    with pg_engine.begin() as conn:
        conn.execute(text(LINE), {"e": entry})
    still_named = rf"journal_entries id {entry} is still named by journal_lines\.entry_id"
    with pg_engine.connect() as conn, pytest.raises(IntegrityError, match=still_named):
        conn.execute(text(DELETE), {"e": entry})
    with pg_engine.connect() as conn, pytest.raises(IntegrityError, match="cannot change: other rows name it"):
        conn.execute(text("UPDATE journal_entries SET id = id + 1000000 WHERE id = :e"), {"e": entry})
    unnamed = _entry(pg_engine)  # nothing names this one: it can go
    with pg_engine.begin() as conn:
        assert conn.execute(text(DELETE), {"e": unnamed}).rowcount == 1


def _refusal(outcome: list) -> str:
    [result] = outcome
    assert isinstance(result, IntegrityError), f"the second statement went through: {result!r}"
    return str(result.orig)


def test_a_delete_waits_for_an_uncommitted_insert_naming_the_row_and_then_fails(pg_engine):
    """What a foreign key's row lock gives: no orphan when the insert and the delete overlap."""
    entry = _entry(pg_engine)
    refused = _refusal(race(pg_engine, lambda s: s.execute(text(LINE), {"e": entry}),
                            lambda s: s.execute(text(DELETE), {"e": entry})))
    assert "still named by journal_lines.entry_id" in refused


def test_an_insert_waits_for_an_uncommitted_delete_of_the_row_it_names_and_then_fails(pg_engine):
    entry = _entry(pg_engine)
    refused = _refusal(race(pg_engine, lambda s: s.execute(text(DELETE), {"e": entry}),
                            lambda s: s.execute(text(LINE), {"e": entry})))
    assert "names no row of journal_entries" in refused


def test_every_listed_reference_is_a_trigger_on_postgresql_and_a_foreign_key_on_sqlite(pg_engine, new_database):
    sqlite_url = new_database("sqlite")
    upgrade(url=sqlite_url)
    lite = make_engine(sqlite_url)
    pg_fks, lite_fks = inspect(pg_engine), inspect(lite)
    with pg_engine.connect() as conn:
        triggers = {(t, n) for t, n in conn.execute(text(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"))}
    for child, column, parent in STATEMENT_CHECKED:
        assert not [fk for fk in pg_fks.get_foreign_keys(child) if column in fk["constrained_columns"]], (child, column)
        assert {(child, "references_on_insert"), (child, "references_on_update"),
                (parent, "referenced_on_delete"), (parent, "referenced_id_kept")} <= triggers
        assert [fk for fk in lite_fks.get_foreign_keys(child)
                if fk["constrained_columns"] == [column] and fk["referred_table"] == parent], (child, column)
    lite.dispose()
