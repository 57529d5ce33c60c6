"""Local files written so that a crash leaves either the whole file under its name or nothing."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make a rename or unlink in *folder* durable (the directory entry is data too)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path(final: Path) -> Path:
    """The hidden name a file is written under until it is complete (skipped by every reader)."""
    return final.with_name(f".{final.name}.part")


def publish(tmp: Path, final: Path) -> None:
    """Give the complete, fsynced *tmp* its final name without ever replacing an existing file."""
    try:
        os.link(tmp, final)  # fails if final exists: never overwrite a file someone may be reading
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if final.exists():
            raise FileExistsError(final) from None
        os.rename(tmp, final)
    else:
        os.unlink(tmp)
    fsync_dir(final.parent)


def write_new(final: Path, data: bytes) -> None:
    """Write *data* as a new file *final*: temporary name, fsync, then link into place."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(final)
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    publish(tmp, final)


def hashed_name(path: Path, sha256: str) -> Path:
    """``stem.<hash>.ext`` beside *path*: where a different file with the same name is kept."""
    stem, dot, ext = path.name.partition(".")
    return path.with_name(f"{stem}.{sha256[:12]}{dot}{ext}")
