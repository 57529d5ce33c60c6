"""The clearinghouse adapter contract: send a batch, receive responses, each exactly once.

Both adapters (``sandbox``, ``sftp``) keep a local journal (:mod:`.journal`) so that a dropped
connection or a retried process neither loses a file nor moves it twice. Callers (claims
submission, the demo) only see :class:`ClearinghouseAdapter`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from oncobill.errors import InvalidInput, OncoBillError


class ClearinghouseError(OncoBillError):
    """A transfer with the clearinghouse failed; the message names the mailbox, file and step."""


class TransferFailed(ClearinghouseError):
    """The connection failed mid-way. The journal holds where it stopped: call again to resume."""


class BatchConflict(ClearinghouseError):
    """Sending would be a duplicate or overwrite another batch (same name or same content)."""


@dataclass(frozen=True)
class SendResult:
    """What was sent: ``already_sent`` is true when an earlier call had delivered it (a no-op)."""

    name: str
    sha256: str
    size: int
    already_sent: bool
    sent_at: datetime
    destination: str
    note: str = ""


@dataclass(frozen=True)
class ReceivedFile:
    """One response handed over once: its name in the mailbox, what it is and the local copy."""

    name: str
    kind: str  # "999", "277CA", "835" or "other"
    path: Path
    sha256: str
    size: int
    received_at: datetime

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


@runtime_checkable
class ClearinghouseAdapter(Protocol):
    """Moves X12 files between the practice and one clearinghouse mailbox."""

    name: str

    def send(self, name: str, data: bytes) -> SendResult:
        """Deliver one 837 batch under *name* exactly once (a repeat call is a no-op)."""
        ...

    def receive(self) -> list[ReceivedFile]:
        """Fetch new responses (999, 277CA, 835); each file is handed over by one call only."""
        ...


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
TEMP_SUFFIXES = (".part", ".tmp", ".filepart", ".partial")


def check_batch_name(name: str) -> str:
    """A file name both ends accept: no folders, no hidden or temporary names."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidInput(
            f"batch file name {name!r}",
            "use 1-200 letters, digits, '.', '_' or '-', starting with a letter or digit, no folders",
        )
    if name.lower().endswith(TEMP_SUFFIXES):
        raise InvalidInput(f"batch file name {name!r}", f"names ending in {', '.join(TEMP_SUFFIXES)} are "
                           "reserved for files still being written")  # fmt: skip
    return name


def is_response_candidate(name: str) -> bool:
    """Files a mailbox holds that are complete: hidden and temporary names are still being written."""
    return not name.startswith(".") and not name.lower().endswith(TEMP_SUFFIXES)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_EXTENSIONS = {".999": "999", ".277ca": "277CA", ".277": "277CA", ".835": "835", ".era": "835"}


def response_kind(name: str, data: bytes) -> str:
    """999, 277CA or 835, from the transaction set in the file (ST01), else from the file's extension.

    Clearinghouses name files as they like; the content says what it is.
    """
    kind = _sniff_st01(data)
    if kind:
        return kind
    return _EXTENSIONS.get(Path(name).suffix.lower(), "other")


def _sniff_st01(data: bytes) -> str | None:
    code = transaction_set(data)
    if code is None:
        return None
    return {"999": "999", "277": "277CA", "835": "835"}.get(code, "other")


def transaction_set(data: bytes) -> str | None:
    """ST01 of the first transaction in an X12 interchange, or None if *data* is not one."""
    head = data[:4096].lstrip()
    if not head.startswith(b"ISA") or len(head) < 106:
        return None
    element, terminator = head[3:4], head[105:106]
    for raw in head.split(terminator):
        parts = raw.strip().split(element)
        if parts[0] == b"ST" and len(parts) > 1:
            return parts[1].decode("ascii", "replace")
    return None


def check_batch(name: str, data: bytes) -> None:
    """Only a whole 837 interchange goes out: a wrong or cut file would cost a rejected batch."""
    check_batch_name(name)
    if not isinstance(data, bytes | bytearray):
        raise InvalidInput(f"batch {name}", f"expected the file's bytes, got {type(data).__name__}")
    code = transaction_set(bytes(data))
    if code != "837":
        what = "empty" if not data.strip() else f"a {code} transaction" if code else "not an X12 interchange"
        raise InvalidInput(f"batch {name}", f"is {what}; only 837 batches are sent to the clearinghouse")
    if not x12_complete(bytes(data)):
        raise InvalidInput(f"batch {name}", "does not end with its IEA segment (the file is cut short)")


def x12_complete(data: bytes) -> bool:
    """False for an X12 file cut short (it must end with its IEA segment); other files pass.

    Some clearinghouses write responses in place; a file caught mid-write is left for later.
    """
    head = data[:106].lstrip()
    if not head.startswith(b"ISA") or len(head) < 106:
        return True
    terminator = head[105:106]
    body = data.rstrip(b" \r\n" + terminator)
    return body.rsplit(terminator, 1)[-1].strip().startswith(b"IEA")
