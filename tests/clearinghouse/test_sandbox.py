"""The sandbox adapter with a small fake payer injected (the real one is exercised in
test_sandbox_real_payer.py): delivery into outbound/ exactly once, responses handed over once."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.clearinghouse.x12_samples import FakePayer, x12

from oncobill.clearinghouse import BatchConflict, ClearinghouseError, make_adapter
from oncobill.clearinghouse.sandbox import SandboxAdapter
from oncobill.errors import InvalidInput

TODAY = dt.date(2026, 3, 2)
NAME = "OB-20260302-0001.837"


@pytest.fixture
def payer():
    return FakePayer()


@pytest.fixture
def adapter(tmp_path, payer):
    return SandboxAdapter(tmp_path / "sandbox", process=payer, today=TODAY)


def test_send_runs_the_payer_and_receive_hands_over_its_answers(adapter, payer):
    batch = x12("837", 1)
    result = adapter.send(NAME, batch)
    assert not result.already_sent and result.destination.endswith(f"outbound/{NAME}")
    assert (adapter.outbound / NAME).read_bytes() == batch
    assert [p.name for p in adapter.outbound.iterdir()] == [NAME]  # no temporary file left
    assert payer.calls == [(adapter.mailbox, TODAY)] and adapter.last_report == {"answered": [NAME]}

    got = adapter.receive()
    assert sorted((f.name, f.kind) for f in got) == [("OB-20260302-0001.277ca", "277CA"),
                                                     ("OB-20260302-0001.999", "999")]  # fmt: skip
    assert all(f.path.parent == adapter.inbound for f in got)  # left where a biller finds them
    assert adapter.receive() == []
    assert len(list(adapter.inbound.iterdir())) == 2


def test_retried_send_is_a_no_op(adapter, payer, tmp_path):
    batch = x12("837", 1)
    first = adapter.send(NAME, batch)
    again = SandboxAdapter(tmp_path / "sandbox", process=payer, today=TODAY).send(NAME, batch)
    assert again.already_sent and again.sent_at == first.sent_at
    assert len(payer.calls) == 1 and payer.answered == [NAME]


def test_crash_between_write_and_journal_does_not_send_twice(adapter, payer, tmp_path, monkeypatch):
    batch = x12("837", 1)
    monkeypatch.setattr(adapter.journal, "set_batch_state",
                        lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt("killed")))  # fmt: skip
    with pytest.raises(KeyboardInterrupt):
        adapter.send(NAME, batch)
    assert (adapter.outbound / NAME).read_bytes() == batch and payer.calls == []
    retry = SandboxAdapter(tmp_path / "sandbox", process=payer, today=TODAY).send(NAME, batch)
    assert not retry.already_sent and "earlier attempt" in retry.note
    assert [p.name for p in adapter.outbound.iterdir()] == [NAME] and payer.answered == [NAME]


def test_payer_failure_keeps_the_batch_and_receive_runs_it_again(tmp_path):
    payer = FakePayer()
    broken = {"fail": True}

    def flaky(mailbox, *, today):
        if broken["fail"]:
            raise RuntimeError("fee schedule missing")
        return payer(mailbox, today=today)

    adapter = SandboxAdapter(tmp_path / "sandbox", process=flaky, today=lambda: TODAY)
    with pytest.raises(ClearinghouseError, match="sandbox payer failed.*fee schedule missing"):
        adapter.send(NAME, x12("837", 1))
    assert adapter.journal.batch(NAME).state == "sent"
    broken["fail"] = False
    assert len(adapter.receive()) == 2


def test_response_written_twice_is_handed_over_once(adapter):
    ack = x12("999", 5)
    (adapter.inbound / "a.999").write_bytes(ack)
    assert len(adapter.receive()) == 1
    (adapter.inbound / "copy-of-a.999").write_bytes(ack)
    (adapter.inbound / ".b.835.part").write_bytes(b"ISA*half")
    assert adapter.receive() == []


def test_conflicts_and_bad_names(adapter):
    adapter.send(NAME, x12("837", 1))
    with pytest.raises(BatchConflict, match="different content"):
        adapter.send(NAME, x12("837", 2))
    with pytest.raises(BatchConflict, match="same claims twice"):
        adapter.send("renamed.837", x12("837", 1))
    with pytest.raises(InvalidInput, match="batch file name 'sub/x.837'"):
        adapter.send("sub/x.837", b"x")


def test_outbound_file_of_another_origin_is_not_overwritten(adapter):
    (adapter.outbound / NAME).write_bytes(b"someone else's batch")
    with pytest.raises(BatchConflict, match="different file already has this name"):
        adapter.send(NAME, x12("837", 1))
    assert (adapter.outbound / NAME).read_bytes() == b"someone else's batch"


def test_make_adapter_uses_settings(tmp_path, payer):
    env = {"ONCOBILL_CLEARINGHOUSE_DIR": str(tmp_path / "var" / "clearinghouse")}
    sandbox = make_adapter("sandbox", env, process=payer, today=TODAY)
    assert sandbox.mailbox == tmp_path / "var" / "clearinghouse" / "sandbox"
    env["ONCOBILL_SANDBOX_MAILBOX"] = str(tmp_path / "box")
    assert make_adapter(None, env, process=payer).mailbox == tmp_path / "box"
    with pytest.raises(ClearinghouseError, match="ONCOBILL_SFTP_HOST and ONCOBILL_SFTP_USER"):
        make_adapter("sftp", env)
    with pytest.raises(ClearinghouseError, match="ONCOBILL_SFTP_PORT: 'twenty-two' is not a number"):
        make_adapter("sftp", {**env, "ONCOBILL_SFTP_HOST": "h", "ONCOBILL_SFTP_USER": "u",
                              "ONCOBILL_SFTP_PORT": "twenty-two"})  # fmt: skip
    with pytest.raises(ClearinghouseError, match="choose one of sandbox, sftp"):
        make_adapter("fax", env)
