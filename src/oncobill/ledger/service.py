"""Ledger use cases: post a balanced entry, reverse one, and derive balances with SQL sums.

Services flush but never commit: the calling use case owns the transaction.
"""

from __future__ import annotations

import enum
import json
import queue
import sys
import threading
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, TypeDecorator, func, insert, select, type_coerce
from sqlalchemy.orm import Session

from oncobill.errors import InvalidInput, NotFound
from oncobill.ledger.models import JournalEntry, JournalLine
from oncobill.ledger.rules import AR_ACCOUNTS, Account, EntryDraft, Posting, reversal
from oncobill.money import ZERO, from_cents, to_cents

# Sums are taken over the stored integer cents and converted once (PostgreSQL sums bigint as numeric).
_CENTS = type_coerce(JournalLine.amount, BigInteger)


def post(session: Session, draft: EntryDraft, *, effective_date: date, actor: str,
         source: str | None = None, posted_at: datetime | None = None, flush: bool = True) -> JournalEntry:
    """Store one balanced entry (the draft was checked when it was built).

    ``flush=False`` lets a bulk poster (835 import) flush many entries at once.
    """
    entry = JournalEntry(
        kind=draft.kind,
        effective_date=effective_date,
        posted_at=posted_at or datetime.now().replace(microsecond=0),
        actor=actor,
        memo=draft.memo,
        reason_code=draft.reason_code,
        source=source,
        reverses_entry_id=draft.reverses_entry_id,
        lines=[
            JournalLine(account=p.account, amount=p.amount, reason_code=p.reason_code, payer_id=p.payer_id,
                        patient_id=p.patient_id, charge_line_id=p.charge_line_id, claim_line_id=p.claim_line_id,
                        claim_id=p.claim_id)
            for p in draft.postings
        ],
    )
    session.add(entry)
    if flush:
        session.flush()
    return entry


def draft_of(entry: JournalEntry) -> EntryDraft:
    """The pure form of a stored entry."""
    return EntryDraft(
        kind=entry.kind,
        postings=tuple(
            Posting(line.account, line.amount, line.payer_id, line.patient_id, line.charge_line_id,
                    line.claim_line_id, line.claim_id, line.reason_code)
            for line in entry.lines
        ),
        memo=entry.memo,
        reason_code=entry.reason_code,
        reverses_entry_id=entry.reverses_entry_id,
    )


def reverse(session: Session, entry_id: int, *, effective_date: date, actor: str, memo: str = "",
            source: str | None = None) -> JournalEntry:
    """Undo an entry with its mirror image; an entry can be reversed once."""
    original = session.get(JournalEntry, entry_id)
    if original is None:
        raise NotFound("journal entry", entry_id)
    already = session.scalar(select(JournalEntry.id).where(JournalEntry.reverses_entry_id == entry_id))
    if already is not None:
        raise InvalidInput(f"journal entry {entry_id}", f"already reversed by entry {already}")
    return post(session, reversal(draft_of(original), entry_id, memo=memo), effective_date=effective_date,
                actor=actor, source=source)


def _sum(session: Session, *conditions) -> Decimal:
    return from_cents(session.scalar(select(func.coalesce(func.sum(_CENTS), 0)).where(*conditions)))


def _ar(*conditions):
    return (JournalLine.account.in_(list(AR_ACCOUNTS)), *conditions)


def charge_line_balance(session: Session, charge_line_id: int) -> Decimal:
    """What is still owed on one service line, by anyone."""
    return _sum(session, *_ar(JournalLine.charge_line_id == charge_line_id))


def claim_line_balance(session: Session, claim_line_id: int) -> Decimal:
    """A claim line's balance is the balance of the charge line it bills."""
    from oncobill.claims.models import ClaimLine

    line = session.get(ClaimLine, claim_line_id)
    if line is None:
        raise NotFound("claim line", claim_line_id)
    if line.charge_line_id is None:
        return _sum(session, *_ar(JournalLine.claim_line_id == claim_line_id))
    return charge_line_balance(session, line.charge_line_id)


def claim_balance(session: Session, claim_id: int) -> Decimal:
    from oncobill.claims.models import ClaimLine

    line_ids = select(ClaimLine.charge_line_id).where(ClaimLine.claim_id == claim_id)
    return _sum(session, *_ar(JournalLine.charge_line_id.in_(line_ids)))


def patient_balance(session: Session, patient_id: int) -> Decimal:
    """What the patient owes (their responsibility only)."""
    return _sum(session, JournalLine.account == Account.AR_PATIENT, JournalLine.patient_id == patient_id)


def patient_total_ar(session: Session, patient_id: int) -> Decimal:
    """Everything still owed on the patient's services, by payers and patient."""
    return _sum(session, *_ar(JournalLine.patient_id == patient_id))


def payer_balance(session: Session, payer_id: int) -> Decimal:
    """What a payer owes the practice."""
    return _sum(session, JournalLine.account == Account.AR_PAYER, JournalLine.payer_id == payer_id)


def accounts_receivable(session: Session) -> Decimal:
    return _sum(session, *_ar())


def trial_balance(session: Session) -> dict[Account, Decimal]:
    """Sum per account; the sums add to zero when every entry balances."""
    rows = session.execute(select(JournalLine.account, func.sum(_CENTS)).group_by(JournalLine.account))
    return {Account(account): from_cents(cents) for account, cents in rows}


def ar_by_payer(session: Session) -> dict[int, Decimal]:
    rows = session.execute(
        select(JournalLine.payer_id, func.sum(_CENTS))
        .where(JournalLine.account == Account.AR_PAYER)
        .group_by(JournalLine.payer_id)
    )
    return {payer_id: from_cents(cents) for payer_id, cents in rows}


def unbalanced_entries(session: Session) -> list[tuple[int, Decimal]]:
    """Entries whose postings do not sum to zero (always empty unless someone wrote around the ledger)."""
    rows = session.execute(
        select(JournalLine.entry_id, func.sum(_CENTS))
        .group_by(JournalLine.entry_id)
        .having(func.sum(_CENTS) != 0)
    )
    return [(entry_id, from_cents(cents)) for entry_id, cents in rows]


def broken_references(session: Session) -> list[dict]:
    """Postings whose payer, patient, claim or claim line do not exist or do not agree with their charge
    line (those columns carry no foreign key, so that an 835 can post a million rows; this is their
    check, run by ``oncobill ledger check``). Empty unless someone wrote around the ledger."""
    from sqlalchemy import and_, exists, literal, or_, union_all

    from oncobill.charges.models import ChargeLine, Encounter
    from oncobill.claims.models import Claim, ClaimLine
    from oncobill.patients.models import Patient
    from oncobill.practice.models import Payer

    JL = JournalLine

    def missing(column, table, what: str):
        return (select(JL.id, JL.entry_id, literal(what))
                .where(column.is_not(None), ~exists().where(table.id == column)))

    checks = [
        missing(JL.payer_id, Payer, "no such payer"),
        missing(JL.patient_id, Patient, "no such patient"),
        missing(JL.claim_id, Claim, "no such claim"),
        missing(JL.claim_line_id, ClaimLine, "no such claim line"),
        select(JL.id, JL.entry_id, literal("patient differs from the charge line's"))
        .join(ChargeLine, ChargeLine.id == JL.charge_line_id).join(Encounter, Encounter.id == ChargeLine.encounter_id)
        .where(JL.patient_id.is_not(None), Encounter.patient_id != JL.patient_id),
        select(JL.id, JL.entry_id, literal("claim line is not on the claim, or bills another charge line"))
        .join(ClaimLine, ClaimLine.id == JL.claim_line_id)
        .where(or_(and_(JL.claim_id.is_not(None), ClaimLine.claim_id != JL.claim_id),
                   and_(JL.charge_line_id.is_not(None), ClaimLine.charge_line_id.is_not(None),
                        ClaimLine.charge_line_id != JL.charge_line_id))),
        select(JL.id, JL.entry_id, literal("an A/R-with-payer posting names no payer"))
        .where(JL.account == Account.AR_PAYER, JL.payer_id.is_(None)),
    ]
    rows = session.execute(union_all(*checks).order_by("id"))
    return [{"posting": posting, "entry": entry, "problem": problem} for posting, entry, problem in rows]


def is_balanced(session: Session) -> bool:
    return not unbalanced_entries(session) and sum(trial_balance(session).values(), ZERO) == ZERO


def next_ids(session: Session, table, n: int) -> list[int]:
    """*n* ids for rows inserted in bulk: from the sequence on PostgreSQL; on SQLite (one writer at a
    time, so nobody else takes them) the ones after the highest."""
    if n == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text

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


def post_many(session: Session, drafts: list[EntryDraft], *, effective_date: date, actor: str,
              source: str | None = None, posted_at: datetime | None = None) -> list[int]:
    """Store many balanced entries with two bulk inserts (an 835 posts hundreds of thousands);
    returns their ids in order. Same rows as :func:`post`, without an ORM object per posting."""
    posted_at = posted_at or datetime.now().replace(microsecond=0)
    session.flush()
    ids = next_ids(session, JournalEntry.__table__, len(drafts))
    if not ids:
        return []
    if session.get_bind().dialect.name == "postgresql":
        for job in entry_copies(ids, drafts, effective_date=effective_date, actor=actor, source=source,
                                posted_at=posted_at):
            copy_text(session, *job)
        return ids
    entries, lines = [], []
    for entry_id, d in zip(ids, drafts):
        entries.append({"id": entry_id, "kind": d.kind, "effective_date": effective_date, "posted_at": posted_at,
                        "actor": actor, "memo": d.memo, "reason_code": d.reason_code, "source": source,
                        "reverses_entry_id": d.reverses_entry_id})
        for p in d.postings:
            lines.append({"entry_id": entry_id, "account": p.account, "amount": p.amount,
                          "reason_code": p.reason_code, "payer_id": p.payer_id,
                          "patient_id": p.patient_id, "charge_line_id": p.charge_line_id,
                          "claim_line_id": p.claim_line_id, "claim_id": p.claim_id})
    insert_rows(session, JournalEntry.__table__, entries)
    insert_rows(session, JournalLine.__table__, lines)
    return ids


def entry_copies(ids: list[int], drafts: list[EntryDraft], *, effective_date: date, actor: str,
                 source: str | None, posted_at: datetime) -> list[tuple]:
    """The entries (with the *ids* taken for them) and their postings as two COPY jobs (table, columns,
    lines of text), written straight from the drafts (the hot path of an 835: four postings a line);
    the same values :func:`copy_rows` would write."""
    n = _NULL
    common = "\t".join([effective_date.isoformat(), posted_at.isoformat(), _text(actor),
                        n if source is None else _text(source)])
    entries, lines = [], []
    accounts = {a: a.value for a in Account}
    for entry_id, d in zip(ids, drafts):
        entries.append(f"{entry_id}\t{d.kind.value}\t{n if d.memo is None else _text(d.memo)}\t"
                       f"{n if d.reason_code is None else _text(d.reason_code)}\t"
                       f"{n if d.reverses_entry_id is None else d.reverses_entry_id}\t{common}")
        refs, refs_text = None, ""
        for p in d.postings:
            if (p.patient_id, p.charge_line_id, p.claim_line_id, p.claim_id) != refs:  # an entry's postings share them
                refs = (p.patient_id, p.charge_line_id, p.claim_line_id, p.claim_id)
                refs_text = "\t".join([n if r is None else str(r) for r in refs])
            lines.append(f"{entry_id}\t{accounts[p.account]}\t{_cents(p.amount)}\t"
                         f"{n if p.reason_code is None else _text(p.reason_code)}\t"
                         f"{n if p.payer_id is None else p.payer_id}\t{refs_text}")
    return [(JournalEntry.__table__, ["id", "kind", "memo", "reason_code", "reverses_entry_id", "effective_date",
                                      "posted_at", "actor", "source"], entries),
            (JournalLine.__table__, ["entry_id", "account", "amount", "reason_code", "payer_id", "patient_id",
                                     "charge_line_id", "claim_line_id", "claim_id"], lines)]


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
        env = {"N": _NULL, "join": "\t".join}
        values = []
        for i, name in enumerate(columns):
            env[f"f{i}"] = _copy_format(table.c[name].type, dialect)
            values.append(f"N if (v := row[{name!r}]) is None else f{i}(v)")
        source = f"def line(row):\n    return join(({', '.join(values)},))\n"
        exec(compile(source, f"<COPY line of {table.name}>", "exec"), env)  # noqa: S102 - our own column names
        _LINE_WRITERS[key] = env["line"]
    return _LINE_WRITERS[key]


_NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """A value in COPY text format: escaped only when it holds a backslash or a control character
    (two C-level scans instead of a per-character translation of every memo and code)."""
    text = value if type(value) is str else str(value)
    if text.isprintable() and "\\" not in text:
        return text
    return text.translate(_ESCAPES)


def _cents(value) -> str:
    """Integer cents of an amount: the text of a two-place Decimal without its point, else to_cents."""
    if type(value) is Decimal:
        text = str(value)
        if text[-3:-2] == ".":
            return text.replace(".", "")
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
    text = json.dumps(value).translate(_ESCAPES)
    if key is not None and len(_JSON_TEXTS) < 10_000 and all(type(v) is str for v in key):
        _JSON_TEXTS[key] = text  # strings only: no other key can equal it (1 == True, but never "1")
    return text


def _copy_format(column_type, dialect):
    """How one column's values are written in COPY text format (NULL is handled by the caller)."""
    from sqlalchemy import JSON, Boolean, Date, DateTime, Enum, Integer, String

    from oncobill.db import Money

    if isinstance(column_type, Money):
        return _cents
    if isinstance(column_type, JSON):
        return _json_text
    if isinstance(column_type, Enum):
        return lambda v: _text(v.value if isinstance(v, enum.Enum) else v)
    if isinstance(column_type, Boolean):
        return lambda v: "t" if v else "f"
    if isinstance(column_type, Integer) and not isinstance(column_type, TypeDecorator):
        return _int_text
    if isinstance(column_type, (Date, DateTime)) and not isinstance(column_type, TypeDecorator):
        return lambda v: v.isoformat()
    process = column_type._cached_bind_processor(dialect)
    if isinstance(column_type, String) and process is None:
        return _text
    if process is None:
        return _text
    return lambda v: _text(process(v))


def update_rows(session: Session, table, rows: list[dict], *, key: str = "id") -> None:
    """Update many rows by *key* in bulk (each dict: the key and the columns to set, the same columns in
    every dict): one ``UPDATE ... FROM unnest(...)`` on PostgreSQL, one executemany elsewhere. Values
    go through each column's type, as an UPDATE through the ORM would."""
    if not rows:
        return
    from sqlalchemy import bindparam, text, update

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
