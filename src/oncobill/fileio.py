"""Files read with a located error, and written so that a reader never sees half of one
(temporary file, fsync, rename)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from oncobill.errors import InvalidInput


def read_input(path: Path, what: str) -> bytes:
    """The bytes of an input file, or an InvalidInput naming the file and why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{what} {path}", f"cannot be read ({exc.strerror or exc})") from None


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace *path* with *data* in one step (text is written as UTF-8, line endings untouched)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
