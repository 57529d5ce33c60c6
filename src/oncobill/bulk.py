"""Rows written in bulk, bypassing the ORM: ids reserved in runs from the sequences, COPY (PostgreSQL)
or INSERT of many rows, UPDATE of many rows by key, and the writer thread that sends them while the
caller builds its next ones. Generic over tables, so any stage's bulk writer (the 835 poster, the
ledger's ``post_many``, the claims' ``move_many``) shares one engine; it knows no stage.

Writers flush but never commit: the calling use case owns the transaction.
"""

from __future__ import annotations

import enum
import json
import queue
import sys
import threading
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Integer,
    String,
    TypeDecorator,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from oncobill.db import Money
from oncobill.money import to_cents


def next_ids(session: Session, table, n: int) -> list[int]:
    """*n* ids for rows inserted in bulk: from the sequence on PostgreSQL; on SQLite (one writer at a
    time, so nobody else takes them) the ones after the highest."""
    if n == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        # Taken one by one (other sessions may take some between ours), returned as runs of
        # consecutive values: a few rows for half a million ids instead of half a million rows.
        runs = session.execute(text(
            f"SELECT min(id), max(id) FROM (SELECT id, id - row_number() OVER (ORDER BY id) AS run FROM "
            f"(SELECT nextval('{table.name}_id_seq') AS id FROM generate_series(1, :n)) taken) numbered "
            f"GROUP BY run ORDER BY 1"), {"n": n})
        ids: list[int] = []
        for first, last in runs:
            ids.extend(range(first, last + 1))
        return ids
    top = session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
    return list(range(top + 1, top + n + 1))


def copy_text(session: Session, table, columns: list[str], lines: list[str]) -> None:
    """COPY rows already written in PostgreSQL's text format (tab-separated, ``\\N`` for NULL)."""
    _copy(session.connection().connection.driver_connection, table, columns, lines)


def _copy(dbapi, table, columns: list[str], lines: list[str]) -> None:
    if not lines:
        return
    with dbapi.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for start in range(0, len(lines), 20_000):
            copy.write("\n".join(lines[start:start + 20_000]) + "\n")


class _SwitchInterval:
    """The interpreter's GIL switch interval, shortened while any writer thread runs (imports may
    overlap in one process, e.g. the API): the first in sets it, the last out restores it."""

    def __init__(self) -> None:
        self.lock, self.users, self.before = threading.Lock(), 0, 0.005

    def enter(self, interval: float) -> None:
        with self.lock:
            if self.users == 0:
                self.before = sys.getswitchinterval()
                sys.setswitchinterval(min(interval, self.before))
            self.users += 1

    def leave(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users == 0:
                sys.setswitchinterval(self.before)


_SWITCH = _SwitchInterval()


class BackgroundCopies:
    """Writes run on one worker thread, in the order submitted, while the caller builds its next rows
    in Python (PostgreSQL only): the server checks and indexes one chunk's rows as the next one is
    built. A job is a COPY (table, columns, lines of text) or a callable given the driver connection
    (e.g. a bulk UPDATE from :func:`update_job`). Same connection, same transaction: a statement the
    caller runs meanwhile waits for the job in progress (psycopg's connection lock), so a caller that
    reads what the jobs write calls :meth:`wait` first. At most *depth* batches wait in line (then
    :meth:`submit` blocks), which bounds the memory of rows not yet sent. A failed job is raised by
    the next :meth:`submit` or :meth:`wait` (later jobs are skipped), so the caller's transaction is
    rolled back as with a write in line; :meth:`close` ends the thread.

    While it runs, the interpreter hands the GIL over every *switch* seconds instead of every 5 ms:
    the worker needs the GIL each time the server has taken the COPY data sent so far, and with the
    caller busy building rows it would otherwise wait up to 5 ms each time while the server idles."""

    def __init__(self, session: Session, depth: int = 2, switch: float = 0.0005):
        self.dbapi = session.connection().connection.driver_connection
        self.error: BaseException | None = None
        self.batches: queue.Queue = queue.Queue(maxsize=depth)
        _SWITCH.enter(switch)
        self.closed = False
        self.thread = threading.Thread(target=self._run, name="copy", daemon=True)
        self.thread.start()

    def submit(self, jobs: list) -> None:
        self._raise()
        if jobs:
            self.batches.put(jobs)

    def _run(self) -> None:
        while True:
            jobs = self.batches.get()
            try:
                if jobs is None:
                    return
                if self.error is None:
                    for job in jobs:
                        job(self.dbapi) if callable(job) else _copy(self.dbapi, *job)
            except Exception as exc:  # noqa: BLE001 - raised again in the caller's thread
                self.error = exc
            finally:
                self.batches.task_done()

    def wait(self) -> None:
        """Every job submitted so far has run (or one failed: raised here)."""
        self.batches.join()
        self._raise()

    def close(self) -> None:
        if self.thread.is_alive():
            self.batches.put(None)
            self.thread.join()
        if not self.closed:
            self.closed = True
            _SWITCH.leave()

    def _raise(self) -> None:
        if self.error is not None:  # kept: every later job stays skipped, every later call raises it
            raise self.error


def insert_rows(session: Session, table, rows: list[dict]) -> None:
    """Rows in bulk, bypassing the ORM: COPY on PostgreSQL, one executemany elsewhere."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        copy_rows(session, table, rows)
    else:
        session.execute(insert(table), rows)


def copy_rows(session: Session, table, rows: list[dict]) -> None:
    """PostgreSQL COPY of rows given as column dicts (ten times an executemany); values go through
    each column's type (Money to cents, enums to their values) as an INSERT would. The text is
    written here, a column formatter each, rather than adapted value by value by the driver."""
    if rows:
        copy_text(session, *row_copy(session, table, rows))


def row_copy(session: Session, table, rows: list[dict]) -> tuple:
    """Rows given as column dicts as one COPY job (table, columns, lines of text), for
    :class:`BackgroundCopies` or :func:`copy_text`."""
    columns = list(rows[0]) if rows else []
    line = _line_writer(table, tuple(columns), session.get_bind().dialect)
    return table, columns, [line(row) for row in rows]


_LINE_WRITERS: dict[tuple, object] = {}


def _line_writer(table, columns: tuple[str, ...], dialect):
    """One function per table and column list turning a row dict into its COPY text line, made once:
    the loop over columns unrolled, as ``dataclasses`` makes its ``__init__`` (an 835 formats a few
    million rows; the generic loop spent more time looping than formatting)."""
    key = (table.name, columns, dialect.name)
    if key not in _LINE_WRITERS:
        env = {"N": NULL_FIELD, "join": "\t".join}
        values = []
        for i, name in enumerate(columns):
            env[f"f{i}"] = _copy_format(table.c[name].type, dialect)
            values.append(f"N if (v := row[{name!r}]) is None else f{i}(v)")
        source = f"def line(row):\n    return join(({', '.join(values)},))\n"
        exec(compile(source, f"<COPY line of {table.name}>", "exec"), env)  # noqa: S102 - our own column names
        _LINE_WRITERS[key] = env["line"]
    return _LINE_WRITERS[key]


NULL_FIELD = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def text_field(value) -> str:
    """A value in COPY text format: escaped only when it holds a backslash or a control character
    (two C-level scans instead of a per-character translation of every memo and code)."""
    written = value if type(value) is str else str(value)
    if written.isprintable() and "\\" not in written:
        return written
    return written.translate(_ESCAPES)


def cents_field(value) -> str:
    """Integer cents of an amount: the text of a two-place Decimal without its point, else to_cents."""
    if type(value) is Decimal:
        written = str(value)
        if written[-3:-2] == ".":
            return written.replace(".", "")
    return str(to_cents(value))


def _int_text(value) -> str:
    return str(value) if type(value) is int else str(int(value))


_JSON_TEXTS: dict[tuple, str] = {}


def _json_text(value) -> str:
    """A JSON value in COPY text format. Lists of codes (modifiers, remark codes) repeat by the
    thousand in an 835, so their text is kept once made; anything else is dumped each time."""
    key = tuple(value) if type(value) is list else None
    try:
        return _JSON_TEXTS[key]
    except (KeyError, TypeError):
        pass
    written = json.dumps(value).translate(_ESCAPES)
    if key is not None and len(_JSON_TEXTS) < 10_000 and all(type(v) is str for v in key):
        _JSON_TEXTS[key] = written  # strings only: no other key can equal it (1 == True, but never "1")
    return written


def _copy_format(column_type, dialect):
    """How one column's values are written in COPY text format (NULL is handled by the caller)."""
    if isinstance(column_type, Money):
        return cents_field
    if isinstance(column_type, JSON):
        return _json_text
    if isinstance(column_type, Enum):
        return lambda v: text_field(v.value if isinstance(v, enum.Enum) else v)
    if isinstance(column_type, Boolean):
        return lambda v: "t" if v else "f"
    if isinstance(column_type, Integer) and not isinstance(column_type, TypeDecorator):
        return _int_text
    if isinstance(column_type, (Date, DateTime)) and not isinstance(column_type, TypeDecorator):
        return lambda v: v.isoformat()
    process = column_type._cached_bind_processor(dialect)
    if isinstance(column_type, String) and process is None:
        return text_field
    if process is None:
        return text_field
    return lambda v: text_field(process(v))


def update_rows(session: Session, table, rows: list[dict], *, key: str = "id") -> None:
    """Update many rows by *key* in bulk (each dict: the key and the columns to set, the same columns in
    every dict): one ``UPDATE ... FROM unnest(...)`` on PostgreSQL, one executemany elsewhere. Values
    go through each column's type, as an UPDATE through the ORM would."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != key]
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        session.execute(update(table).where(table.c[key] == bindparam("_key"))
                        .values({c: bindparam(f"_v_{c}") for c in columns}),
                        [{"_key": r[key], **{f"_v_{c}": r[c] for c in columns}} for r in rows])
        return
    sql, arrays = _unnest_update(dialect, table, rows, key, columns, lambda name: f":{name}")
    session.execute(text(sql), arrays)


def update_job(session: Session, table, rows: list[dict], *, key: str = "id"):
    """The PostgreSQL bulk update of :func:`update_rows` as a :class:`BackgroundCopies` job (None when
    there is nothing to update)."""
    if not rows:
        return None
    sql, arrays = _unnest_update(session.get_bind().dialect, table, rows, key, [c for c in rows[0] if c != key],
                                 lambda name: f"%({name})s")  # psycopg's own parameter style

    def run(dbapi) -> None:
        with dbapi.cursor() as cursor:
            cursor.execute(sql, arrays)
    return run


def _unnest_update(dialect, table, rows: list[dict], key: str, columns: list[str], param) -> tuple[str, dict]:
    """``UPDATE table SET ... FROM unnest(arrays)`` with its arrays; *param* writes a parameter's placeholder."""
    names = [key, *columns]
    arrays, casts = {}, []
    for i, name in enumerate(names):
        column = table.c[name]
        process = column.type._cached_bind_processor(dialect)
        enum_class = getattr(column.type, "enum_class", None)
        values = []
        for r in rows:
            value = r[name]
            if enum_class is not None and value is not None:
                value = value.value
            elif process is not None and value is not None:
                value = process(value)
            values.append(value)
        arrays[f"a{i}"] = values
        casts.append(f"CAST({param(f'a{i}')} AS {column.type.compile(dialect)}[])")
    sets = ", ".join(f"{c} = u.{c}" for c in columns)
    return (f"UPDATE {table.name} SET {sets} FROM unnest({', '.join(casts)}) "
            f"AS u({', '.join(names)}) WHERE {table.name}.{key} = u.{key}"), arrays
