"""The ``sftp`` adapter: 837s up to a clearinghouse mailbox, 999/277CA/835 down from it (paramiko).

Upload: the batch goes to a hidden temporary name (``.NAME.part``) in the outbound folder, its
size is checked, and only then is it renamed to ``NAME`` (SFTP rename never replaces a file), so
the clearinghouse never sees half a file. Download: each response goes to a hidden local file,
is fsynced and renamed, recorded in the journal, and only then removed from the mailbox (or
moved to an archive folder). The journal records each step first, so a retry resumes from it.
"""

from __future__ import annotations

import base64
import errno
import io
import logging
import os
import posixpath
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import paramiko

from oncobill.clearinghouse.base import (
    BatchConflict,
    ClearinghouseError,
    ReceivedFile,
    SendResult,
    TransferFailed,
    check_batch,
    is_response_candidate,
    response_kind,
    sha256_hex,
    x12_complete,
)
from oncobill.clearinghouse.files import hashed_name, publish, temp_path, write_new
from oncobill.clearinghouse.journal import Journal
from oncobill.clearinghouse.rules import handed_over, refuse_conflicts, sent_result

log = logging.getLogger(__name__)

# What a dropped connection looks like from paramiko: any of these means "resume later".
_NETWORK_ERRORS = (OSError, EOFError, paramiko.SSHException)
# ...except these, which only a local file system raises.
_LOCAL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


@dataclass(frozen=True)
class SftpSettings:
    """Where the clearinghouse mailbox is and how to log in (see docs/clearinghouse.md)."""

    host: str
    username: str
    port: int = 22
    password: str | None = None
    key_file: Path | None = None
    key_passphrase: str | None = None
    host_key: str | None = None  # "ssh-ed25519 AAAA..." as in known_hosts, without the host name
    known_hosts: Path | None = None
    outbound_dir: str = "outbound"
    inbound_dir: str = "inbound"
    archive_dir: str | None = None  # move downloaded responses here instead of deleting them
    timeout: float = 30.0
    attempts: int = 3
    retry_delay: float = 1.0

    @property
    def where(self) -> str:
        return f"sftp://{self.username}@{self.host}:{self.port}"


class SftpAdapter:
    """Exactly-once transfers with one clearinghouse SFTP mailbox; state under *state_dir*."""

    name = "sftp"

    def __init__(self, settings: SftpSettings, state_dir: Path):
        if not settings.host or not settings.username:
            raise ClearinghouseError(
                "sftp settings: host and user are required (ONCOBILL_SFTP_HOST, ONCOBILL_SFTP_USER)"
            )
        if settings.attempts < 1:
            raise ClearinghouseError(f"sftp settings: attempts must be at least 1, not {settings.attempts}")
        self.settings = settings
        self.state_dir = Path(state_dir)
        self.sent_dir = self.state_dir / "sent"
        self.received_dir = self.state_dir / "received"
        for folder in (self.sent_dir, self.received_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.journal = Journal(self.state_dir)

    # -- connection -------------------------------------------------------------------------
    @contextmanager
    def _connect(self) -> Iterator[paramiko.SFTPClient]:
        s = self.settings
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        self._load_host_keys(client)
        pkey = None
        if s.key_file is not None:
            try:
                pkey = paramiko.PKey.from_path(s.key_file, password=s.key_passphrase)
            except (OSError, paramiko.SSHException) as exc:
                raise ClearinghouseError(f"{s.where}: cannot read the key file {s.key_file}: {exc}") from exc
        try:
            client.connect(
                s.host, port=s.port, username=s.username, password=s.password, pkey=pkey,
                timeout=s.timeout, banner_timeout=s.timeout, auth_timeout=s.timeout, channel_timeout=s.timeout,
                look_for_keys=False, allow_agent=False,
            )  # fmt: skip
        except paramiko.BadHostKeyException as exc:
            client.close()
            raise ClearinghouseError(
                f"{s.where}: the server's host key does not match the configured one"
            ) from exc
        except paramiko.AuthenticationException as exc:
            transport = client.get_transport()
            dropped = transport is None or not transport.is_active()
            client.close()
            if dropped:  # paramiko reports a connection cut during login as a failed login
                raise TransferFailed(f"{s.where}: connection lost while logging in ({exc})") from exc
            raise ClearinghouseError(f"{s.where}: login refused ({exc})") from exc
        except paramiko.SSHException as exc:
            client.close()
            if "not found in known_hosts" in str(exc):
                raise ClearinghouseError(
                    f"{s.where}: unknown host key; set ONCOBILL_SFTP_HOST_KEY or ONCOBILL_SFTP_KNOWN_HOSTS"
                ) from exc
            raise TransferFailed(f"{s.where}: cannot connect ({exc})") from exc
        except OSError as exc:
            client.close()
            raise TransferFailed(f"{s.where}: cannot connect ({exc})") from exc
        try:
            sftp = client.open_sftp()
            sftp.get_channel().settimeout(s.timeout)  # a stalled server raises instead of hanging
            yield sftp
        finally:
            client.close()

    def _load_host_keys(self, client: paramiko.SSHClient) -> None:
        s = self.settings
        if s.host_key:
            try:
                keytype, b64 = s.host_key.split()[:2]
                key = paramiko.PKey.from_type_string(keytype, base64.b64decode(b64))
            except Exception as exc:
                raise ClearinghouseError(
                    f"sftp settings: host key {s.host_key[:40]!r} is not 'TYPE BASE64' ({exc})"
                ) from exc
            hostname = s.host if s.port == 22 else f"[{s.host}]:{s.port}"
            client.get_host_keys().add(hostname, keytype, key)
        elif s.known_hosts is not None:
            try:
                client.load_host_keys(str(s.known_hosts))
            except OSError as exc:
                raise ClearinghouseError(
                    f"sftp settings: cannot read known_hosts {s.known_hosts}: {exc}"
                ) from exc
        else:
            client.load_system_host_keys()

    def _with_retries(self, what: str, attempt_once):
        """Run one attempt, again after a dropped connection; each attempt resumes from the journal."""
        for attempt in range(1, self.settings.attempts + 1):
            try:
                return attempt_once()
            except TransferFailed as exc:
                if attempt == self.settings.attempts:
                    raise
                log.warning("%s: %s; attempt %d of %d", what, exc, attempt + 1, self.settings.attempts)
                time.sleep(self.settings.retry_delay)

    # -- send -------------------------------------------------------------------------------
    def send(self, name: str, data: bytes) -> SendResult:
        """Upload one 837 batch exactly once, resuming where a dropped attempt stopped."""
        check_batch(name, data)
        sha = sha256_hex(data)
        final = posixpath.join(self.settings.outbound_dir, name)
        with self.journal.locked():
            record = refuse_conflicts(self.journal, name, sha, where=self.settings.where)
            if record is not None and record.state == "sent":
                return sent_result(record, already_sent=True, destination=final)
            if record is None:
                record = self.journal.begin_batch(name, sha, len(data))
            local_copy = self.sent_dir / name
            if not local_copy.exists():
                try:
                    write_new(local_copy, data)  # what was sent stays where a biller can find it
                except OSError as exc:
                    raise ClearinghouseError(
                        f"{local_copy}: cannot keep a copy of the batch ({exc})"
                    ) from exc
            record = self._with_retries(f"upload {name}", lambda: self._send_once(name, data, sha))
        return sent_result(record, already_sent=False, destination=final)

    def _send_once(self, name: str, data: bytes, sha: str):
        s = self.settings
        final = posixpath.join(s.outbound_dir, name)
        tmp = posixpath.join(s.outbound_dir, f".{name}.part")
        step = "connecting"
        try:
            with self._connect() as sftp:
                state = self.journal.batch(name).state  # type: ignore[union-attr]
                if state == "uploaded":
                    # The rename was asked for; whether it happened is what the mailbox says now.
                    step = f"checking {final}"
                    final_size, tmp_size = _size(sftp, final), _size(sftp, tmp)
                    if final_size == len(data):
                        return self.journal.set_batch_state(name, "sent", "rename confirmed on retry")
                    if tmp_size == len(data) and final_size is None:
                        step = f"renaming {tmp} to {final}"
                        sftp.rename(tmp, final)
                        return self.journal.set_batch_state(name, "sent", "renamed on retry")
                    if final_size is None and tmp_size is None:
                        # Renamed, then collected by the clearinghouse before we heard back. Sending
                        # again would duplicate it; the 999 for this batch confirms the delivery.
                        return self.journal.set_batch_state(
                            name, "sent", "renamed, then collected by the clearinghouse before the retry"
                        )
                    raise ClearinghouseError(
                        f"{s.where}: {final} has {final_size} bytes and {tmp} {tmp_size}, expected "
                        f"{len(data)}; check the mailbox by hand before sending {name} again"
                    )
                # pending: we never asked for the rename, so a file under the final name is not
                # from this journal; if it holds exactly this batch, it was delivered (journal lost).
                step = f"checking {final}"
                if _size(sftp, final) is not None:
                    step = f"reading back {final}"
                    if sha256_hex(_read(sftp, final)) != sha:
                        raise BatchConflict(f"{s.where}: {final} already exists with different content")
                    return self.journal.set_batch_state(name, "sent", "found complete in the mailbox")
                step = f"uploading {tmp}"
                if _size(sftp, tmp) is not None:
                    sftp.remove(tmp)  # a part left by a dropped attempt
                sftp.putfo(io.BytesIO(data), tmp, file_size=len(data), confirm=True)
                if _size(sftp, tmp) != len(data):
                    raise TransferFailed(f"{s.where}: {tmp} is incomplete after upload")
                self.journal.set_batch_state(name, "uploaded")
                step = f"renaming {tmp} to {final}"
                sftp.rename(tmp, final)
                return self.journal.set_batch_state(name, "sent")
        except ClearinghouseError:
            raise
        except PermissionError as exc:
            raise ClearinghouseError(f"{s.where}: permission denied while {step} ({exc})") from exc
        except FileNotFoundError as exc:
            raise ClearinghouseError(f"{s.where}: no such file or folder on the server while {step}") from exc
        except _NETWORK_ERRORS as exc:
            state = self.journal.batch(name).state  # type: ignore[union-attr]
            raise TransferFailed(
                f"{s.where}: connection lost while {step} ({type(exc).__name__}: {str(exc) or 'closed'}); "
                f"batch {name} is recorded as {state}; send it again to resume"
            ) from exc

    # -- receive ----------------------------------------------------------------------------
    def receive(self) -> list[ReceivedFile]:
        """Download each complete response once; remove it from the mailbox only once it is stored."""
        with self.journal.locked():
            self._with_retries("receive", self._receive_once)
            return handed_over(self.journal)

    def _receive_once(self) -> None:
        s = self.settings
        step = "connecting"
        try:
            with self._connect() as sftp:
                step = f"listing {s.inbound_dir}"
                entries = sorted(sftp.listdir_attr(s.inbound_dir), key=lambda e: e.filename)
                for entry in entries:
                    if not stat.S_ISREG(entry.st_mode or 0) or not is_response_candidate(entry.filename):
                        continue
                    remote = posixpath.join(s.inbound_dir, entry.filename)
                    step = f"downloading {remote}"
                    try:
                        if not self._fetch(sftp, entry.filename, remote, entry.st_size):
                            continue
                    except FileNotFoundError:
                        log.warning("%s: %s went away before it was read; skipped", s.where, remote)
                        continue
                    step = f"removing {remote}"
                    self._clear_remote(sftp, entry.filename, remote)
        except ClearinghouseError:
            raise
        except PermissionError as exc:
            raise ClearinghouseError(f"{s.where}: permission denied while {step} ({exc})") from exc
        except FileNotFoundError as exc:
            raise ClearinghouseError(f"{s.where}: no such file or folder on the server while {step}") from exc
        except _NETWORK_ERRORS as exc:
            raise TransferFailed(
                f"{s.where}: connection lost while {step} ({type(exc).__name__}: {str(exc) or 'closed'}); "
                "files already stored are kept and handed over by the next receive"
            ) from exc

    def _fetch(self, sftp: paramiko.SFTPClient, name: str, remote: str, size: int | None) -> bool:
        """Store *remote* locally and in the journal, unless its content was received before.
        False when it is not complete yet (it stays in the mailbox)."""
        tmp = temp_path(self.received_dir / name)
        try:
            with open(tmp, "wb") as fh:
                sftp.getfo(remote, fh)
                fh.flush()
                os.fsync(fh.fileno())
        except FileNotFoundError:
            tmp.unlink(missing_ok=True)
            raise
        except OSError as exc:
            if exc.errno in _LOCAL_ERRNOS:  # our disk, not the connection: retrying will not help
                tmp.unlink(missing_ok=True)
                raise ClearinghouseError(f"{tmp}: cannot store {remote} locally ({exc})") from exc
            raise
        data = tmp.read_bytes()
        if size is not None and len(data) != size:
            tmp.unlink()
            raise TransferFailed(f"{self.settings.where}: {remote} changed size while downloading")
        if not x12_complete(data):
            tmp.unlink()  # the clearinghouse is still writing it under its final name: next time
            log.warning("%s: %s does not end with an IEA segment yet; left for the next receive",
                        self.settings.where, remote)  # fmt: skip
            return False
        sha = sha256_hex(data)
        if self.journal.response_by_hash(sha) is not None:
            tmp.unlink()  # downloaded before (its removal was lost): keep the first, hand over once
            return True
        final = self.received_dir / name
        if final.exists() and sha256_hex(final.read_bytes()) != sha:
            final = hashed_name(final, sha)  # mailboxes reuse names such as response.999
        if final.exists():
            tmp.unlink()  # the same content, stored by an attempt that stopped before the journal
        else:
            publish(tmp, final)
        self.journal.record_response(name, sha, len(data), response_kind(name, data), final, "present")
        return True

    def _clear_remote(self, sftp: paramiko.SFTPClient, name: str, remote: str) -> None:
        """Remove (or archive) a response the journal holds; a second download is a no-op anyway."""
        if self.settings.archive_dir:
            target = posixpath.join(self.settings.archive_dir, name)
            if _size(sftp, target) is not None:
                target = posixpath.join(self.settings.archive_dir, f"{name}.{int(time.time())}")
            sftp.rename(remote, target)
        else:
            try:
                sftp.remove(remote)
            except FileNotFoundError:
                pass  # removed by a call whose reply was lost
        for record in self.journal.responses_named(name):
            if record.remote_state == "present":
                self.journal.set_remote_state(record.id, "removed")


def _size(sftp: paramiko.SFTPClient, path: str) -> int | None:
    try:
        return sftp.stat(path).st_size
    except FileNotFoundError:  # paramiko raises IOError(ENOENT), which Python makes this
        return None


def _read(sftp: paramiko.SFTPClient, path: str) -> bytes:
    buf = io.BytesIO()
    sftp.getfo(path, buf)
    return buf.getvalue()
