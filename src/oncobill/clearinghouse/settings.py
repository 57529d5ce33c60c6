"""Adapter settings from the environment (documented in docs/clearinghouse.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from oncobill.clearinghouse.base import ClearinghouseAdapter, ClearinghouseError
from oncobill.clearinghouse.sftp import SftpSettings

ADAPTERS = ("sandbox", "sftp")


def state_root(env: Mapping[str, str] | None = None) -> Path:
    """Where each adapter keeps its journal and files: ``var/clearinghouse/<adapter>/``."""
    env = os.environ if env is None else env
    return Path(env.get("ONCOBILL_CLEARINGHOUSE_DIR", "var/clearinghouse"))


def default_adapter(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return env.get("ONCOBILL_CLEARINGHOUSE_ADAPTER", "sandbox")


def sftp_settings(env: Mapping[str, str] | None = None) -> SftpSettings:
    """SftpSettings from ``ONCOBILL_SFTP_*``; a missing or malformed value is named in the error."""
    env = os.environ if env is None else env

    def get(key: str, default: str | None = None) -> str | None:
        value = env.get(f"ONCOBILL_SFTP_{key}")
        return value if value not in (None, "") else default

    def number(key: str, default: str, cast):
        raw = get(key, default)
        try:
            return cast(raw)
        except ValueError:
            raise ClearinghouseError(f"setting ONCOBILL_SFTP_{key}: {raw!r} is not a number") from None

    host, user = get("HOST"), get("USER")
    missing = [f"ONCOBILL_SFTP_{k}" for k, v in (("HOST", host), ("USER", user)) if not v]
    if missing:
        raise ClearinghouseError(f"sftp adapter: set {' and '.join(missing)}")
    key_file, known_hosts = get("KEY_FILE"), get("KNOWN_HOSTS")
    return SftpSettings(
        host=host,  # type: ignore[arg-type]
        username=user,  # type: ignore[arg-type]
        port=number("PORT", "22", int),
        password=get("PASSWORD"),
        key_file=Path(key_file) if key_file else None,
        key_passphrase=get("KEY_PASSPHRASE"),
        host_key=get("HOST_KEY"),
        known_hosts=Path(known_hosts) if known_hosts else None,
        outbound_dir=get("OUTBOUND_DIR", "outbound"),  # type: ignore[arg-type]
        inbound_dir=get("INBOUND_DIR", "inbound"),  # type: ignore[arg-type]
        archive_dir=get("ARCHIVE_DIR"),
        timeout=number("TIMEOUT", "30", float),
        attempts=number("ATTEMPTS", "3", int),
        retry_delay=number("RETRY_DELAY", "1", float),
    )


def make_adapter(
    name: str | None = None, env: Mapping[str, str] | None = None, **kwargs
) -> ClearinghouseAdapter:
    """The configured adapter; *kwargs* go to the sandbox adapter (``process``, ``today``)."""
    env = os.environ if env is None else env
    name = name or default_adapter(env)
    if name == "sandbox":
        from oncobill.clearinghouse.sandbox import SandboxAdapter

        mailbox = env.get("ONCOBILL_SANDBOX_MAILBOX") or state_root(env) / "sandbox"
        return SandboxAdapter(Path(mailbox), **kwargs)
    if name == "sftp":
        from oncobill.clearinghouse.sftp import SftpAdapter

        return SftpAdapter(sftp_settings(env), state_root(env) / "sftp")
    raise ClearinghouseError(f"clearinghouse adapter {name!r}: choose one of {', '.join(ADAPTERS)}")
