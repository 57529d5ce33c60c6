"""The ``sandbox`` adapter: the clearinghouse mailbox is a local folder the sandbox payer answers in.

Layout (default ``var/clearinghouse/sandbox/``, setting ``ONCOBILL_SANDBOX_MAILBOX``)::

    outbound/   837 batches we send (the payer reads new ones)
    inbound/    .999, .277ca and .835 files the payer writes
    journal.sqlite3, lock

The files stay where a biller would look for them: receiving marks a response in the journal
instead of removing it from ``inbound/``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from oncobill.clearinghouse.base import (
    BatchConflict,
    ClearinghouseError,
    ReceivedFile,
    SendResult,
    check_batch,
    is_response_candidate,
    response_kind,
    sha256_hex,
    x12_complete,
)
from oncobill.clearinghouse.files import write_new
from oncobill.clearinghouse.journal import Journal
from oncobill.clearinghouse.rules import handed_over, refuse_conflicts, sent_result

log = logging.getLogger(__name__)

ProcessInbox = Callable[..., Any]  # (mailbox: Path, *, today: date) -> ProcessReport


def _real_payer(mailbox: Path, *, today: dt.date):
    """The sandbox payer, imported late: it is a separate package reached only through files."""
    try:
        from oncobill.sandbox_payer import process_inbox
    except ImportError as exc:
        raise ClearinghouseError(
            f"sandbox mailbox {mailbox}: the sandbox payer is not installed ({exc})"
        ) from exc
    return process_inbox(mailbox, today=today)


class SandboxAdapter:
    """Delivers 837s into ``outbound/`` and lets the sandbox payer answer them into ``inbound/``."""

    name = "sandbox"

    def __init__(
        self,
        mailbox: Path,
        *,
        process: ProcessInbox | None = None,
        today: dt.date | Callable[[], dt.date] | None = None,
    ):
        self.mailbox = Path(mailbox)
        self.outbound = self.mailbox / "outbound"
        self.inbound = self.mailbox / "inbound"
        for folder in (self.outbound, self.inbound):
            folder.mkdir(parents=True, exist_ok=True)
        self.journal = Journal(self.mailbox)
        self._process = process or _real_payer
        self._today = today
        self.last_report: Any = None

    def today(self) -> dt.date:
        if self._today is None:
            return dt.date.today()
        return self._today() if callable(self._today) else self._today

    def send(self, name: str, data: bytes) -> SendResult:
        """Write the batch to ``outbound/NAME`` once (temporary name, fsync, link), then run the payer."""
        check_batch(name, data)
        sha = sha256_hex(data)
        final = self.outbound / name
        with self.journal.locked():
            record = refuse_conflicts(self.journal, name, sha, where=f"sandbox mailbox {self.mailbox}")
            if record is not None and record.state == "sent":
                return sent_result(record, already_sent=True, destination=str(final))
            if record is None:
                record = self.journal.begin_batch(name, sha, len(data))
            note = ""
            if final.exists():
                # Only an earlier attempt that stopped before the journal said 'sent' gets here.
                if sha256_hex(final.read_bytes()) != sha:
                    raise BatchConflict(f"{final}: a different file already has this name in the mailbox")
                note = "found complete in outbound/ from an earlier attempt"
            else:
                try:
                    write_new(final, data)
                except OSError as exc:
                    raise ClearinghouseError(
                        f"{final}: cannot write the batch into the mailbox ({exc})"
                    ) from exc
            record = self.journal.set_batch_state(name, "sent", note)
        self.run_payer()
        return sent_result(record, already_sent=False, destination=str(final))

    def run_payer(self) -> Any:
        """Let the payer answer new 837s (it reads only those it has not answered yet)."""
        try:
            self.last_report = self._process(self.mailbox, today=self.today())
        except ClearinghouseError:
            raise
        except Exception as exc:
            raise ClearinghouseError(
                f"sandbox mailbox {self.mailbox}: the sandbox payer failed ({type(exc).__name__}: {exc}); "
                "the batches are safe in outbound/ and the payer runs again on the next receive"
            ) from exc
        return self.last_report

    def receive(self) -> list[ReceivedFile]:
        """Run the payer, then hand over each response in ``inbound/`` not handed over before."""
        self.run_payer()
        with self.journal.locked():
            for path in sorted(self.inbound.iterdir()):
                if not path.is_file() or not is_response_candidate(path.name):
                    continue
                if any(r.size == path.stat().st_size for r in self.journal.responses_named(path.name)):
                    continue  # already recorded (the payer writes each response once, never rewrites)
                data = path.read_bytes()
                if not x12_complete(data):
                    log.warning("%s does not end with an IEA segment yet; left for the next receive", path)
                    continue
                sha = sha256_hex(data)
                if self.journal.response_by_hash(sha) is not None:
                    log.info("%s: same content as a response already received; not handed over again", path)
                    continue
                self.journal.record_response(path.name, sha, len(data), response_kind(path.name, data), path,
                                             remote_state="kept")  # fmt: skip
            return handed_over(self.journal)
