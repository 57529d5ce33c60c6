"""The adapter's local record of what was sent and received (SQLite, synchronous=FULL).

Every step of a transfer is written here before the next step starts, so a retry after a
crash or a dropped connection knows exactly where the previous attempt stopped:

* batches: ``pending`` (about to upload) -> ``uploaded`` (complete under the temporary
  name, about to rename) -> ``sent`` (under its final name in the mailbox).
* responses: stored locally (fsynced, renamed) -> removed from the mailbox -> handed over.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from oncobill.clearinghouse.base import ClearinghouseError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    name TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'uploaded', 'sent')),
    started_at TEXT NOT NULL,
    sent_at TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS responses (
    id INTEGER PRIMARY KEY,
    remote_name TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    kind TEXT NOT NULL,
    local_path TEXT NOT NULL,
    received_at TEXT NOT NULL,
    remote_state TEXT NOT NULL CHECK (remote_state IN ('present', 'removed', 'kept')),
    handed_over INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS responses_by_name ON responses (remote_name);
"""


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class BatchRecord:
    name: str
    sha256: str
    size: int
    state: str
    started_at: datetime
    sent_at: datetime | None
    note: str


@dataclass(frozen=True)
class ResponseRecord:
    id: int
    remote_name: str
    sha256: str
    size: int
    kind: str
    local_path: Path
    received_at: datetime
    remote_state: str
    handed_over: bool


class Journal:
    """One adapter's journal file plus a lock file, both in the adapter's state folder."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "journal.sqlite3"
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def locked(self, timeout: float = 30.0) -> Iterator[None]:
        """One transfer at a time per mailbox, across processes (two senders could race a retry)."""
        lock_path = self.folder / "journal.lock"
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise ClearinghouseError(
                            f"{lock_path}: another OncoBill process has been using this clearinghouse "
                            f"mailbox for over {timeout:.0f}s; try again when it has finished"
                        ) from None
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- batches ----------------------------------------------------------------------------
    def batch(self, name: str) -> BatchRecord | None:
        row = self._db.execute("SELECT * FROM batches WHERE name = ?", (name,)).fetchone()
        return _batch(row) if row else None

    def batch_by_hash(self, sha256: str) -> BatchRecord | None:
        row = self._db.execute("SELECT * FROM batches WHERE sha256 = ?", (sha256,)).fetchone()
        return _batch(row) if row else None

    def batches(self) -> list[BatchRecord]:
        return [_batch(r) for r in self._db.execute("SELECT * FROM batches ORDER BY started_at, name")]

    def begin_batch(self, name: str, sha256: str, size: int) -> BatchRecord:
        with self._tx() as db:
            db.execute(
                "INSERT INTO batches (name, sha256, size, state, started_at) VALUES (?, ?, ?, 'pending', ?)",
                (name, sha256, size, now().isoformat()),
            )
        return self.batch(name)  # type: ignore[return-value]

    def set_batch_state(self, name: str, state: str, note: str = "") -> BatchRecord:
        sent_at = now().isoformat() if state == "sent" else None
        with self._tx() as db:
            db.execute(
                "UPDATE batches SET state = ?, sent_at = ?, note = ? WHERE name = ?",
                (state, sent_at, note, name),
            )
        return self.batch(name)  # type: ignore[return-value]

    # -- responses --------------------------------------------------------------------------
    def response_by_hash(self, sha256: str) -> ResponseRecord | None:
        row = self._db.execute("SELECT * FROM responses WHERE sha256 = ?", (sha256,)).fetchone()
        return _response(row) if row else None

    def responses_named(self, remote_name: str) -> list[ResponseRecord]:
        rows = self._db.execute("SELECT * FROM responses WHERE remote_name = ? ORDER BY id", (remote_name,))
        return [_response(r) for r in rows]

    def responses(self) -> list[ResponseRecord]:
        return [_response(r) for r in self._db.execute("SELECT * FROM responses ORDER BY id")]

    def record_response(
        self, remote_name: str, sha256: str, size: int, kind: str, local_path: Path, remote_state: str
    ) -> ResponseRecord:
        with self._tx() as db:
            db.execute(
                "INSERT INTO responses (remote_name, sha256, size, kind, local_path, received_at, remote_state)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (remote_name, sha256, size, kind, str(local_path), now().isoformat(), remote_state),
            )
        return self.response_by_hash(sha256)  # type: ignore[return-value]

    def set_remote_state(self, response_id: int, remote_state: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE responses SET remote_state = ? WHERE id = ?", (remote_state, response_id))

    def not_handed_over(self) -> list[ResponseRecord]:
        rows = self._db.execute("SELECT * FROM responses WHERE handed_over = 0 ORDER BY id")
        return [_response(r) for r in rows]

    def mark_handed_over(self, ids: list[int]) -> None:
        with self._tx() as db:
            db.executemany("UPDATE responses SET handed_over = 1 WHERE id = ?", [(i,) for i in ids])


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _batch(row) -> BatchRecord:
    name, sha, size, state, started, sent, note = row
    return BatchRecord(name, sha, size, state, _dt(started), _dt(sent), note)  # type: ignore[arg-type]


def _response(row) -> ResponseRecord:
    rid, remote, sha, size, kind, local, received, remote_state, handed = row
    return ResponseRecord(rid, remote, sha, size, kind, Path(local), _dt(received), remote_state,  # type: ignore[arg-type]
                          bool(handed))  # fmt: skip
