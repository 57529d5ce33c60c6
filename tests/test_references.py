"""References checked per statement on PostgreSQL (``oncobill.references``) hold as foreign keys do:
a row naming a missing row is refused, whether inserted, copied or updated; a named row cannot be
deleted or renumbered; and a delete racing an uncommitted insert waits for it instead of leaving an
orphan. SQLite keeps its ordinary foreign keys for the same columns."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from oncobill.db import make_engine
from oncobill.migrations.runner import upgrade
from oncobill.references import STATEMENT_CHECKED

ENTRY = ("INSERT INTO journal_entries (kind, effective_date, posted_at, actor, memo) "
         "VALUES ('charge', '2026-11-02', '2026-11-02 09:00', 'test', '') RETURNING id")
LINE = "INSERT INTO journal_lines (entry_id, account, amount) VALUES (:e, 'cash', 0)"


@pytest.fixture(scope="module")
def pg_url(new_database):
    url = new_database("postgresql")
    upgrade(url=url)
    return url


@pytest.fixture
def pg(pg_url):
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


def _entry(engine) -> int:
    with engine.begin() as conn:
        return conn.execute(text(ENTRY)).scalar_one()


def test_a_row_naming_a_missing_row_is_refused_with_table_column_and_value(pg):
    with pg.connect() as conn, pytest.raises(IntegrityError, match=r"journal_lines\.entry_id = 987654 names no row "
                                                                     r"of journal_entries") as caught:
        conn.execute(text(LINE), {"e": 987654})
    assert caught.value.orig.sqlstate == "23503"  # foreign_key_violation, as from a foreign key


def test_copy_is_checked_too_and_one_bad_row_refuses_the_whole_statement(pg):
    entry = _entry(pg)
    raw = pg.raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor, pytest.raises(psycopg.errors.ForeignKeyViolation,
                                                                     match="names no row of journal_entries"):
            with cursor.copy("COPY journal_lines (entry_id, account, amount) FROM STDIN") as copy:
                copy.write(f"{entry}\tcash\t100\n{entry}\tar_payer\t-100\n987655\tcash\t5\n")
        raw.rollback()
        with raw.driver_connection.cursor() as cursor:
            assert cursor.execute("SELECT count(*) FROM journal_lines WHERE entry_id = %s", [entry]).fetchone() == (0,)
    finally:
        raw.close()


def test_an_update_to_a_missing_row_is_refused(pg):
    entry = _entry(pg)
    with pg.begin() as conn:
        conn.execute(text(LINE), {"e": entry})
    with pg.connect() as conn, pytest.raises(IntegrityError, match="names no row of journal_entries"):
        conn.execute(text("UPDATE journal_lines SET entry_id = 987656 WHERE entry_id = :e"), {"e": entry})


def test_a_named_row_cannot_be_deleted_or_renumbered(pg):
    entry = _entry(pg)
    with pg.begin() as conn:
        conn.execute(text(LINE), {"e": entry})
    with pg.connect() as conn, pytest.raises(IntegrityError, match=rf"journal_entries id {entry} is still named by "
                                                                     r"journal_lines\.entry_id"):
        conn.execute(text("DELETE FROM journal_entries WHERE id = :e"), {"e": entry})
    with pg.connect() as conn, pytest.raises(IntegrityError, match="cannot change: other rows name it"):
        conn.execute(text("UPDATE journal_entries SET id = id + 1000000 WHERE id = :e"), {"e": entry})
    unnamed = _entry(pg)  # nothing names this one: it can go
    with pg.begin() as conn:
        assert conn.execute(text("DELETE FROM journal_entries WHERE id = :e"), {"e": unnamed}).rowcount == 1


def _second_waits_then_fails(engine, first: str, second: str, entry: int) -> str:
    """Run *first* uncommitted, start *second* on another connection, check it waits, commit the
    first: the second's error (it must not succeed)."""
    outcome: dict[str, str] = {}
    with engine.connect() as holder:
        holder.execute(text(first), {"e": entry})

        def run() -> None:
            with engine.connect() as conn:
                try:
                    conn.execute(text(second), {"e": entry})
                    conn.commit()
                    outcome["done"] = "it went through"
                except IntegrityError as exc:
                    outcome["refused"] = str(exc.orig)

        waiting = threading.Thread(target=run)
        waiting.start()
        time.sleep(1.0)
        assert waiting.is_alive(), "the second statement must wait for the first transaction"
        holder.commit()
    waiting.join(30)
    assert "done" not in outcome
    return outcome["refused"]


def test_a_delete_waits_for_an_uncommitted_insert_naming_the_row_and_then_fails(pg):
    """What a foreign key's row lock gives: no orphan when the insert and the delete overlap."""
    refused = _second_waits_then_fails(pg, LINE, "DELETE FROM journal_entries WHERE id = :e", _entry(pg))
    assert "still named by journal_lines.entry_id" in refused


def test_an_insert_waits_for_an_uncommitted_delete_of_the_row_it_names_and_then_fails(pg):
    refused = _second_waits_then_fails(pg, "DELETE FROM journal_entries WHERE id = :e", LINE, _entry(pg))
    assert "names no row of journal_entries" in refused


def test_every_listed_reference_is_a_trigger_on_postgresql_and_a_foreign_key_on_sqlite(pg, new_database):
    sqlite_url = new_database("sqlite")
    upgrade(url=sqlite_url)
    lite = make_engine(sqlite_url)
    pg_fks, lite_fks = inspect(pg), inspect(lite)
    with pg.connect() as conn:
        triggers = {(t, n) for t, n in conn.execute(text(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"))}
    for child, column, parent in STATEMENT_CHECKED:
        assert not [fk for fk in pg_fks.get_foreign_keys(child) if column in fk["constrained_columns"]], (child, column)
        assert {(child, "references_on_insert"), (child, "references_on_update"),
                (parent, "referenced_on_delete"), (parent, "referenced_id_kept")} <= triggers
        assert [fk for fk in lite_fks.get_foreign_keys(child)
                if fk["constrained_columns"] == [column] and fk["referred_table"] == parent], (child, column)
    lite.dispose()
