"""OncoBill's X12 5010 engine: a streaming tokenizer, declarative implementation-guide
specs walked by one reader and one writer, typed views of the documents, and a validator
whose findings map onto a 999.

Pure code: no database, no stage imports.
"""

from oncobill.x12.errors import X12Error
from oncobill.x12.model import Group, Interchange, Loop, Transaction, X12File, seg
from oncobill.x12.reader import read, stream
from oncobill.x12.tokenizer import Delimiters, Segment, tokenize
from oncobill.x12.writer import build_interchange, build_transaction, write, write_to

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
