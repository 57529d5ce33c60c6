"""Clearinghouse connection: adapters that move X12 files to and from a clearinghouse mailbox,
each file exactly once (see docs/clearinghouse.md).

``make_adapter("sandbox" | "sftp")`` gives a :class:`ClearinghouseAdapter` with
``send(name, data) -> SendResult`` and ``receive() -> list[ReceivedFile]``.
"""

from oncobill.clearinghouse.base import (
    BatchConflict,
    ClearinghouseAdapter,
    ClearinghouseError,
    ReceivedFile,
    SendResult,
    TransferFailed,
)
from oncobill.clearinghouse.settings import make_adapter

__all__ = [
    "BatchConflict",
    "ClearinghouseAdapter",
    "ClearinghouseError",
    "ReceivedFile",
    "SendResult",
    "TransferFailed",
    "make_adapter",
]
