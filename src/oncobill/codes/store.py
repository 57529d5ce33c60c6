"""The reference-data folder: imported code-set versions, written atomically, listed in a manifest.

Layout (``ONCOBILL_REFDATA_DIR``, default ``./var/refdata``)::

    manifest.json                      every loaded version: kind, effective date, file, sha256, rows
    <kind>/<effective>[-<setting>]-<sha>.json.gz   one version's rows, in our compact form

Writes go to a temporary file in the same folder and are renamed into place, data first and the
manifest last, so a crash leaves either the old state or the new one, never half of a file.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from oncobill.fileio import write_atomic

MANIFEST = "manifest.json"
KINDS = ("asp", "ndc", "mue", "ncci", "hcpcs")


def refdata_dir() -> Path:
    """Where imported versions live (setting ONCOBILL_REFDATA_DIR, default ./var/refdata)."""
    return Path(os.environ.get("ONCOBILL_REFDATA_DIR", "var/refdata"))


@dataclass(frozen=True)
class Version:
    """One loaded version of one code set."""

    kind: str
    effective: str
    through: str | None
    setting: str | None
    file: str
    sha256: str
    rows: int
    source: str

    @property
    def key(self) -> tuple:
        return (self.kind, self.effective, self.setting)





def read_manifest(root: Path | None = None) -> list[Version]:
    root = refdata_dir() if root is None else root
    path = root / MANIFEST
    if not path.exists():
        return []
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [Version(**v) for v in raw.get("versions", [])]


def _write_manifest(root: Path, versions: list[Version]) -> None:
    ordered = sorted(versions, key=lambda v: (v.kind, v.effective, v.setting or ""))
    body = {"format": 1, "versions": [v.__dict__ for v in ordered]}
    write_atomic(root / MANIFEST, (json.dumps(body, indent=1, sort_keys=True) + "\n").encode())


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def save_version(
    kind: str,
    effective: str,
    payload: dict,
    *,
    through: str | None = None,
    setting: str | None = None,
    source: str = "",
    rows: int = 0,
    root: Path | None = None,
) -> tuple[str, Version]:
    """Store one version; return ("added" | "replaced" | "unchanged", version).

    Idempotent: the same content for the same kind, effective date and setting changes nothing.
    A different file for the same effective date replaces the earlier one (a corrected release).
    """
    root = refdata_dir() if root is None else root
    data = canonical(payload)
    digest = hashlib.sha256(data).hexdigest()
    # The content hash is in the name: a replacement never overwrites the file the manifest names.
    name = f"{kind}/{effective}{'-' + setting if setting else ''}-{digest[:12]}.json.gz"
    version = Version(kind, effective, through, setting, name, digest, rows, source)
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root):
        existing = read_manifest(root)
        same_key = [v for v in existing if v.key == version.key]
        if same_key and same_key[0].sha256 == digest and (root / same_key[0].file).exists():
            return "unchanged", same_key[0]
        write_atomic(root / name, gzip.compress(data, 6, mtime=0))
        others = [v for v in existing if v.key != version.key]
        _write_manifest(root, [*others, version])
        for old in same_key:
            if old.file != name and (root / old.file).exists():
                (root / old.file).unlink()
    return ("replaced" if same_key else "added"), version


class _locked:
    """An exclusive lock on the folder while the manifest is read, changed and written."""

    def __init__(self, root: Path):
        self.path = root / ".lock"

    def __enter__(self):
        import fcntl

        self.fh = open(self.path, "a")  # held for the duration of the block
        fcntl.flock(self.fh, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        import fcntl

        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def load_payload(version: Version, root: Path | None = None) -> dict:
    root = refdata_dir() if root is None else root
    data = gzip.decompress((root / version.file).read_bytes())
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise ValueError(f"{root / version.file}: content does not match the manifest's sha256; re-import it")
    return json.loads(data)
