"""The OncoBill process itself killed (SIGKILL) mid-transfer, then the transfer run again by a new
process: the journal on disk is all that survives, and it is enough."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from tests.clearinghouse.loopback import PASSWORD, USER
from tests.clearinghouse.x12_samples import BIG, x12

from oncobill.clearinghouse import make_adapter

NAME = "OB-20261127-0042.837"


def env_for(tmp_path, server) -> dict[str, str]:
    return {
        **os.environ,
        "ONCOBILL_CLEARINGHOUSE_DIR": str(tmp_path / "var" / "clearinghouse"),
        "ONCOBILL_SFTP_HOST": "127.0.0.1",
        "ONCOBILL_SFTP_PORT": str(server.port),
        "ONCOBILL_SFTP_USER": USER,
        "ONCOBILL_SFTP_PASSWORD": PASSWORD,
        "ONCOBILL_SFTP_HOST_KEY": server.host_key_line,
        "ONCOBILL_SFTP_TIMEOUT": "5",
        "ONCOBILL_SFTP_ATTEMPTS": "1",
    }


SCRIPT = """
import sys
from pathlib import Path
from oncobill.clearinghouse import make_adapter
adapter = make_adapter("sftp")
if sys.argv[1] == "send":
    adapter.send(sys.argv[2], Path(sys.argv[3]).read_bytes())
else:
    adapter.receive()
print("finished")
"""


def run_and_kill(server, env, args, *, op: str, at: int) -> None:
    """Start a process doing *args*; SIGKILL it when the server sees *op* at byte *at*."""
    holder: dict = {}

    def kill(o, path, offset=0, **_):
        if o == op and offset >= at and "killed" not in holder:
            holder["killed"] = True
            holder["proc"].send_signal(signal.SIGKILL)
        return False

    server.fault = kill
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    holder["proc"] = proc
    out, err = proc.communicate(timeout=25)
    server.fault = None
    assert proc.returncode == -signal.SIGKILL, (out, err)
    assert b"finished" not in out


@pytest.mark.parametrize("at", [200_000, 1_500_000])
def test_sender_killed_mid_upload(tmp_path, sftp_server, at):
    env = env_for(tmp_path, sftp_server)
    batch = x12("837", 42, filler_segments=BIG)
    batch_file = tmp_path / NAME
    batch_file.write_bytes(batch)
    run_and_kill(sftp_server, env, ["send", NAME, str(batch_file)], op="write", at=at)
    assert not (sftp_server.root / "outbound" / NAME).exists()

    adapter = make_adapter("sftp", env)  # the next run, in another process
    assert adapter.journal.batch(NAME).state == "pending"
    result = adapter.send(NAME, batch)
    assert not result.already_sent
    assert (sftp_server.root / "outbound" / NAME).read_bytes() == batch
    assert [p.name for p in (sftp_server.root / "outbound").iterdir()] == [NAME]
    assert sftp_server.count("rename") == 1
    assert adapter.send(NAME, batch).already_sent


def test_receiver_killed_mid_download(tmp_path, sftp_server):
    env = env_for(tmp_path, sftp_server)
    small, big = x12("999", 1), x12("835", 2, filler_segments=BIG)
    (sftp_server.root / "inbound" / "a.999").write_bytes(small)
    (sftp_server.root / "inbound" / "b.835").write_bytes(big)
    run_and_kill(sftp_server, env, ["receive"], op="read", at=600_000)
    assert (sftp_server.root / "inbound" / "b.835").exists()
    assert not (sftp_server.root / "inbound" / "a.999").exists()  # stored, then removed, before the kill

    adapter = make_adapter("sftp", env)
    got = {f.name: f.read_bytes() for f in adapter.receive()}
    assert got == {"a.999": small, "b.835": big}  # a.999 was stored by the killed process: handed over now
    assert adapter.receive() == []
    assert list((sftp_server.root / "inbound").iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "var" / "clearinghouse" / "sftp" / "received").iterdir()) == [
        "a.999",
        "b.835",
    ]
