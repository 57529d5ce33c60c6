"""Database engine, sessions and the declarative base shared by every stage.

SQLite (under ./var/) is the embedded default; ``ONCOBILL_DATABASE_URL`` switches to
PostgreSQL. Money columns store integer cents so both databases are exact.
A use case owns its transaction: services flush, callers commit (see :func:`unit_of_work`).
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from sqlalchemy import ARRAY, BigInteger, Enum, MetaData, any_, bindparam, cast, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from oncobill.money import from_cents, to_cents

DEFAULT_SQLITE_PATH = Path("var") / "oncobill.db"

# Stable constraint names so Alembic autogenerate sees no drift on either database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Money(TypeDecorator):
    """Decimal amount in Python, integer cents in the database."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect) -> int | None:
        return None if value is None else to_cents(value)

    def process_result_value(self, value: int | None, dialect) -> Decimal | None:
        return None if value is None else from_cents(value)


class Quantity(TypeDecorator):
    """Decimal quantity with up to three decimals (doses, NDC quantities), stored as integer thousandths."""

    impl = BigInteger
    cache_ok = True
    _SCALE = Decimal(1000)

    def process_bind_param(self, value: Decimal | None, dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * self._SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"quantity {value} has more than three decimals")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect) -> Decimal | None:
        return None if value is None else (Decimal(value) / self._SCALE).normalize()


def str_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint, storing the enum's values."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda cls: [m.value for m in cls],
    )


def database_url() -> str:
    """The configured database URL (``ONCOBILL_DATABASE_URL``), else the embedded SQLite file."""
    url = os.environ.get("ONCOBILL_DATABASE_URL")
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            # Plain URLs name the driver we ship (psycopg 3).
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """Create an engine; SQLite gets foreign keys on and its parent folder created."""
    url = url or database_url()
    if url.startswith("sqlite"):
        db_path = url.split("///", 1)[-1]
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the sqlite3 module, issue BEGIN, so savepoints and rollbacks are real.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One use case, one transaction: commit on success, roll back everything on error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def among(session: Session, column, values: list):
    """``column IN values``: one array parameter on PostgreSQL (a thousand placeholders cost more to
    send and parse than the query itself), a plain IN elsewhere."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(cast(bindparam(None, list(values), type_=ARRAY(column.type)), ARRAY(column.type)))
    return column.in_(values)
