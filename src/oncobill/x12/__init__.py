"""OncoBill's X12 5010 engine: a streaming tokenizer, declarative implementation-guide
specs walked by one reader and one writer, typed views of the documents, and a validator
whose findings map onto a 999.

Pure code: no database, no stage imports.
"""

from oncobill.x12.errors import X12Error
from oncobill.x12.model import Group, Interchange, Loop, Transaction, X12File, seg
from oncobill.x12.reader import read, stream
from oncobill.x12.tokenizer import Delimiters, Segment, tokenize

# The writer is imported on first use (PEP 562), so a process that only reads skips it.
_WRITER = frozenset(("build_interchange", "build_transaction", "write", "write_to"))


def __getattr__(name: str):
    if name in _WRITER:
        from oncobill.x12 import writer

        return getattr(writer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Delimiters",
    "Group",
    "Interchange",
    "Loop",
    "Segment",
    "Transaction",
    "X12Error",
    "X12File",
    "build_interchange",
    "build_transaction",
    "read",
    "seg",
    "stream",
    "tokenize",
    "write",
    "write_to",
]
