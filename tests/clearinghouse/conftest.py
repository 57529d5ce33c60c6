"""Fixtures: a loopback SFTP server (started and stopped per test), a proxy in front of it, and
an adapter configured for it."""

from __future__ import annotations

import signal

import pytest
from tests.clearinghouse.loopback import CuttingProxy, LoopbackSftpServer, settings_for

from oncobill.clearinghouse.sftp import SftpAdapter


@pytest.fixture(autouse=True)
def bounded_time():
    """No test here may hang: each gets 30 seconds, then fails with a traceback of where it was."""

    def timed_out(signum, frame):
        raise TimeoutError("clearinghouse test ran over 30 seconds")

    previous = signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def sftp_server(tmp_path):
    root = tmp_path / "clearinghouse"
    for folder in ("outbound", "inbound", "archive"):
        (root / folder).mkdir(parents=True)
    server = LoopbackSftpServer(root).start()
    yield server
    server.shutdown()


@pytest.fixture
def proxy(sftp_server):
    p = CuttingProxy(sftp_server.port)
    yield p
    p.close()


@pytest.fixture
def make_sftp(tmp_path, sftp_server):
    """``make_sftp(port=..., **settings)``: an adapter whose state lives in tmp_path/var."""

    def make(port: int | None = None, **overrides) -> SftpAdapter:
        return SftpAdapter(
            settings_for(sftp_server, port, **overrides), tmp_path / "var" / "clearinghouse" / "sftp"
        )

    return make
