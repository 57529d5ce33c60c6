"""The bulk writer (``oncobill.bulk``). Its thread (PostgreSQL): jobs run in order; a failed job is
raised in the caller's thread, every later job is skipped and every later call raises the same error,
so the transaction is rolled back with nothing of the batch written. Its COPY text and its ids."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import func, select, text

from oncobill.bulk import BackgroundCopies, next_ids, row_copy
from oncobill.db import unit_of_work
from oncobill.practice.models import Payer


def _payer_rows(*codes: str) -> tuple:
    lines = [f"{c}\tPayer {c}\tP{c}\tcommercial\tCI\t180" for c in codes]
    return (Payer.__table__, ["code", "name", "payer_id", "kind", "claim_filing_indicator", "timely_filing_days"],
            lines)


def test_jobs_run_in_order_on_the_writer_thread(pg_engine):
    with unit_of_work(pg_engine) as session:
        copies = BackgroundCopies(session)
        ran = []
        copies.submit([_payer_rows("A1"), lambda dbapi: ran.append(dbapi.execute("SELECT count(*) FROM payers")
                                                                  .fetchone()[0])])
        copies.submit([_payer_rows("A2")])
        copies.wait()
        copies.close()
        assert ran == [1]  # the callable ran after the COPY before it, on the same transaction
        assert session.scalar(select(func.count()).select_from(Payer)) == 2
        session.execute(text("DELETE FROM payers"))


def test_a_failed_job_is_raised_later_jobs_are_skipped_and_nothing_stays(pg_engine):
    ran = []
    with pytest.raises(psycopg.Error), unit_of_work(pg_engine) as session:
        copies = BackgroundCopies(session)
        try:
            bad = (Payer.__table__, ["code", "name"], ["B2\tPayer B2\textra column"])
            copies.submit([_payer_rows("B1"), bad])
            copies.submit([lambda dbapi: ran.append("after the failure")])
            with pytest.raises(psycopg.Error) as first:
                copies.wait()
            assert ran == []  # the batch queued after the failed one was skipped
            with pytest.raises(psycopg.Error) as again:
                copies.submit([lambda dbapi: ran.append("submitted later")])
            assert again.value is first.value and ran == []
        finally:
            copies.close()
        raise first.value  # the caller's unit of work rolls back, as the poster's does
    with unit_of_work(pg_engine) as session:
        assert session.scalar(select(func.count()).select_from(Payer)) == 0  # B1's COPY went with it


def test_the_gil_is_handed_over_often_while_the_writer_runs_and_as_before_after(pg_engine):
    import sys

    before = sys.getswitchinterval()
    with unit_of_work(pg_engine) as first_session, unit_of_work(pg_engine) as second_session:
        first = BackgroundCopies(first_session)
        second = BackgroundCopies(second_session)  # two imports overlapping in one process
        try:
            assert sys.getswitchinterval() == pytest.approx(0.0005)
            first.close()
            first.close()  # closing twice leaves only once
            assert sys.getswitchinterval() == pytest.approx(0.0005)  # the second still runs
        finally:
            first.close()
            second.close()
    assert sys.getswitchinterval() == before


def test_copy_text_of_json_lists_keeps_types_apart():
    """Code lists are cached by value; 1 == True, so only lists of strings are cached."""
    from sqlalchemy import JSON, Column, Integer, MetaData, Table, create_engine
    from sqlalchemy.orm import Session

    coded = Table("bulk_test_coded", MetaData(), Column("id", Integer, primary_key=True), Column("codes", JSON))
    values = (["JZ"], ["JZ"], [], [1], [True], ["1"], [{"a": 1}], {"k": "v\\t"})
    with Session(create_engine("postgresql+psycopg://")) as session:  # only its dialect: nothing connects
        _, _, lines = row_copy(session, coded, [{"id": i, "codes": v} for i, v in enumerate(values)])
    assert [line.split("\t", 1)[1] for line in lines] == [
        '["JZ"]', '["JZ"]', "[]", "[1]", "[true]", '["1"]', '[{"a": 1}]', '{"k": "v\\\\\\\\t"}']


def test_ids_taken_at_once_by_two_sessions_are_all_theirs_and_distinct(pg_engine):
    """next_ids returns the values it took as runs; two sessions taking at once interleave them."""
    import threading

    from oncobill.ledger.models import JournalEntry

    taken: dict[str, list[int]] = {}

    def take(name: str) -> None:
        with unit_of_work(pg_engine) as session:
            taken[name] = next_ids(session, JournalEntry.__table__, 200_000)

    threads = [threading.Thread(target=take, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    a, b = taken["a"], taken["b"]
    assert len(a) == len(set(a)) == 200_000 and len(b) == len(set(b)) == 200_000
    assert not set(a) & set(b) and a == sorted(a) and b == sorted(b)
    assert max(a + b) - min(a + b) == 399_999  # together exactly what the sequence gave out
