"""Shared fixtures. Database tests run once on SQLite and once on PostgreSQL.

PostgreSQL runs when ONCOBILL_TEST_POSTGRES_URL names a server (``.ci/run`` sets it); each test
session creates its own throw-away database there. Without the URL those runs are reported as
skipped, visibly, with the reason.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from oncobill.db import make_engine
from oncobill.migrations.runner import upgrade

POSTGRES_ENV = "ONCOBILL_TEST_POSTGRES_URL"


def _normalized(url: str) -> str:
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class PostgresScratch:
    """A database of our own on the given server, dropped at the end."""

    def __init__(self, server_url: str):
        self.server_url = make_url(_normalized(server_url))
        self.name = f"oncobill_test_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")

    def create(self) -> str:
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        return self.server_url.set(database=self.name).render_as_string(hide_password=False)

    def drop(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL run skipped: set {POSTGRES_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    return url


@pytest.fixture(scope="session")
def new_database(tmp_path_factory, request):
    """Factory for empty databases of either kind: ``new_database('sqlite')`` -> URL."""
    scratches: list[PostgresScratch] = []

    def make(kind: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'oncobill.db'}"
        scratch = PostgresScratch(request.getfixturevalue("postgres_server_url"))
        scratches.append(scratch)
        return scratch.create()

    yield make
    for scratch in scratches:
        scratch.drop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_url(request, new_database) -> str:
    """A migrated database, once per backend for the whole run."""
    url = new_database(request.param)
    upgrade(url=url)
    return url


@pytest.fixture(scope="module")
def pg_engine(new_database):
    """An engine on a migrated PostgreSQL database of the test module's own, for tests whose
    transactions commit (two connections at once, a writer thread) and must not share the session's."""
    url = new_database("postgresql")
    upgrade(url=url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    """A session inside a transaction that is rolled back after the test, so tests never see each other."""
    with engine.connect() as connection:
        outer = connection.begin()
        db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield db
        finally:
            db.close()
            outer.rollback()
