"""The sftp adapter against a real SFTP server on 127.0.0.1: normal use, dropped connections
mid-upload and mid-download (socket cut by a proxy, server killed, replies lost), retries.

Invariants checked after every failure and retry: the batch is in the mailbox once, complete,
under its final name (renamed into place exactly once, never written there directly); each
response is handed over exactly once and removed from the mailbox only after it was stored."""

from __future__ import annotations

import threading

import pytest
from tests.clearinghouse.loopback import settings_for
from tests.clearinghouse.x12_samples import BIG, x12

from oncobill.clearinghouse import BatchConflict, ClearinghouseError, TransferFailed
from oncobill.clearinghouse.sftp import SftpAdapter
from oncobill.errors import InvalidInput

NAME = "OB-20261127-0001.837"


def renames_to(server, name: str) -> int:
    return sum(1 for op, p, _ in server.events if op == "rename" and p.endswith(f"-> outbound/{name}"))


def assert_delivered_once(server, name: str, data: bytes) -> None:
    outbound = server.root / "outbound"
    assert (outbound / name).read_bytes() == data
    assert renames_to(server, name) == 1
    assert server.count("open-write", f"outbound/{name}") == 0  # only ever renamed into place
    assert sorted(p.name for p in outbound.iterdir()) == [name]  # no part file left behind


def put_response(server, name: str, data: bytes) -> None:
    (server.root / "inbound" / name).write_bytes(data)


# -- normal use --------------------------------------------------------------------------------


def test_send_then_receive(sftp_server, make_sftp):
    adapter = make_sftp()
    batch = x12("837", 1)
    result = adapter.send(NAME, batch)
    assert not result.already_sent and result.size == len(batch) and result.destination == f"outbound/{NAME}"
    assert_delivered_once(sftp_server, NAME, batch)
    assert (adapter.sent_dir / NAME).read_bytes() == batch  # the practice keeps what it sent

    responses = {"ack.999": x12("999", 2, gs08="005010X231A1"), "claims.277": x12("277", 3, gs08="005010X214"),
                 "remit.835": x12("835", 4, gs08="005010X221A1")}  # fmt: skip
    for name, data in responses.items():
        put_response(sftp_server, name, data)
    (sftp_server.root / "inbound" / ".incoming.835.part").write_bytes(b"ISA*half")  # still being written

    got = adapter.receive()
    assert sorted((f.name, f.kind) for f in got) == [("ack.999", "999"), ("claims.277", "277CA"),
                                                     ("remit.835", "835")]  # fmt: skip
    for f in got:
        assert f.read_bytes() == responses[f.name] and f.path.parent == adapter.received_dir
    assert sorted(p.name for p in (sftp_server.root / "inbound").iterdir()) == [".incoming.835.part"]
    assert adapter.receive() == []


def test_retried_send_after_success_is_a_no_op(sftp_server, make_sftp):
    batch = x12("837", 1)
    first = make_sftp().send(NAME, batch)
    events = list(sftp_server.events)
    again = make_sftp().send(NAME, batch)  # a new process: the journal on disk remembers
    assert again.already_sent and again.sha256 == first.sha256 and again.sent_at == first.sent_at
    assert sftp_server.events == events  # did not even connect
    assert_delivered_once(sftp_server, NAME, batch)


def test_archive_folder_instead_of_delete(sftp_server, make_sftp):
    put_response(sftp_server, "ack.999", x12("999", 2))
    got = make_sftp(archive_dir="archive").receive()
    assert [f.name for f in got] == ["ack.999"]
    assert (sftp_server.root / "archive" / "ack.999").exists()
    assert not (sftp_server.root / "inbound" / "ack.999").exists()


def test_response_posted_twice_is_handed_over_once(sftp_server, make_sftp):
    adapter = make_sftp()
    ack = x12("999", 2)
    put_response(sftp_server, "ack.999", ack)
    assert [f.name for f in adapter.receive()] == ["ack.999"]
    put_response(sftp_server, "ack-resent.999", ack)  # the clearinghouse posts the same file again
    assert adapter.receive() == []
    assert not (sftp_server.root / "inbound" / "ack-resent.999").exists()
    # a different file reusing a name is a new response, stored beside the first
    put_response(sftp_server, "ack.999", x12("999", 3))
    [second] = adapter.receive()
    assert second.path.name != "ack.999" and second.read_bytes() == x12("999", 3)


# -- dropped connections during upload ---------------------------------------------------------


def test_socket_cut_mid_upload_then_retry(sftp_server, proxy, make_sftp):
    batch = x12("837", 1, filler_segments=BIG)
    adapter = make_sftp(port=proxy.port)
    proxy.cut_up_after = 600_000  # well into the 2 MB upload
    with pytest.raises(TransferFailed, match=r"connection lost while uploading outbound/\.OB-.*pending"):
        adapter.send(NAME, batch)
    assert proxy.cuts == 1
    assert not (sftp_server.root / "outbound" / NAME).exists()  # half a file never has the final name
    assert adapter.journal.batch(NAME).state == "pending"

    result = adapter.send(NAME, batch)
    assert not result.already_sent
    assert_delivered_once(sftp_server, NAME, batch)
    assert adapter.send(NAME, batch).already_sent


def test_server_killed_mid_upload_then_retry_on_a_restarted_server(sftp_server, proxy, make_sftp):
    batch = x12("837", 1, filler_segments=BIG)
    adapter = make_sftp(port=proxy.port)
    seen_final_partial = []

    def kill_mid_write(op, path, offset=0, **_):
        if op == "write" and offset >= 500_000:
            sftp_server.fault = None
            final = sftp_server.root / "outbound" / NAME
            seen_final_partial.append(final.exists())
            threading.Thread(target=sftp_server.stop).start()  # the whole server goes away
            return True
        return False

    sftp_server.fault = kill_mid_write
    with pytest.raises(TransferFailed):
        adapter.send(NAME, batch)
    assert seen_final_partial == [False]
    part = sftp_server.root / "outbound" / f".{NAME}.part"
    assert part.exists() and part.stat().st_size < len(batch)

    with pytest.raises(TransferFailed, match="cannot connect"):  # server still down
        adapter.send(NAME, batch)
    sftp_server.start(port=0)
    proxy.target_port = sftp_server.port
    adapter.send(NAME, batch)
    assert_delivered_once(sftp_server, NAME, batch)


def test_rename_done_but_reply_lost(sftp_server, make_sftp):
    """The server renamed the batch, then the connection died before we heard: no second upload."""
    batch = x12("837", 1)
    adapter = make_sftp()
    sftp_server.fault = lambda op, path, **_: op == "rename"
    with pytest.raises(TransferFailed, match="renaming"):
        adapter.send(NAME, batch)
    assert adapter.journal.batch(NAME).state == "uploaded"
    sftp_server.fault = None
    result = adapter.send(NAME, batch)
    assert result.note == "rename confirmed on retry" and not result.already_sent
    assert_delivered_once(sftp_server, NAME, batch)
    assert sftp_server.count("open-write") == 1  # uploaded once


def test_rename_reply_lost_and_clearinghouse_already_collected_the_file(sftp_server, make_sftp):
    batch = x12("837", 1)
    adapter = make_sftp()
    sftp_server.fault = lambda op, path, **_: op == "rename"
    with pytest.raises(TransferFailed):
        adapter.send(NAME, batch)
    (sftp_server.root / "outbound" / NAME).unlink()  # picked up for processing meanwhile
    sftp_server.fault = None
    result = adapter.send(NAME, batch)
    assert "collected by the clearinghouse" in result.note
    assert sftp_server.count("open-write") == 1 and renames_to(sftp_server, NAME) == 1


def test_automatic_retry_resumes_within_one_call(sftp_server, proxy, make_sftp):
    batch = x12("837", 1, filler_segments=BIG)
    adapter = make_sftp(port=proxy.port, attempts=3)
    proxy.cut_up_after = 600_000
    adapter.send(NAME, batch)
    assert proxy.cuts == 1
    assert_delivered_once(sftp_server, NAME, batch)


def test_process_crash_before_journal_update_after_rename(sftp_server, make_sftp, monkeypatch):
    """The process dies right after the rename (journal still says 'uploaded'): a new process
    finds the batch in the mailbox and does not send it again."""
    batch = x12("837", 1)
    adapter = make_sftp()
    real = adapter.journal.set_batch_state

    def crash_on_sent(name, state, note=""):
        if state == "sent":
            raise KeyboardInterrupt("process killed")
        return real(name, state, note)

    monkeypatch.setattr(adapter.journal, "set_batch_state", crash_on_sent)
    with pytest.raises(KeyboardInterrupt):
        adapter.send(NAME, batch)
    assert make_sftp().send(NAME, batch).note == "rename confirmed on retry"
    assert_delivered_once(sftp_server, NAME, batch)


def test_journal_lost_but_batch_in_mailbox_is_not_sent_again(sftp_server, make_sftp, tmp_path):
    batch = x12("837", 1)
    make_sftp().send(NAME, batch)
    fresh = SftpAdapter(settings_for(sftp_server), tmp_path / "other-state")
    assert fresh.send(NAME, batch).note == "found complete in the mailbox"
    assert_delivered_once(sftp_server, NAME, batch)
    with pytest.raises(BatchConflict, match="different content"):
        SftpAdapter(settings_for(sftp_server), tmp_path / "third").send(NAME, x12("837", 9))


# -- dropped connections during download -------------------------------------------------------


def test_socket_cut_mid_download_then_retry(sftp_server, proxy, make_sftp):
    remit = x12("835", 7, filler_segments=BIG)
    put_response(sftp_server, "remit.835", remit)
    adapter = make_sftp(port=proxy.port)
    proxy.cut_down_after = 600_000
    with pytest.raises(TransferFailed, match="downloading inbound/remit.835"):
        adapter.receive()
    assert (sftp_server.root / "inbound" / "remit.835").exists()  # not removed before stored
    assert not (adapter.received_dir / "remit.835").exists()  # no half file under the final name
    [got] = adapter.receive()
    assert got.read_bytes() == remit and got.kind == "835"
    assert not (sftp_server.root / "inbound" / "remit.835").exists()
    assert adapter.receive() == []


def test_server_killed_mid_download_between_files(sftp_server, proxy, make_sftp):
    """First file stored, server killed while reading the second: the first is handed over by
    the retry, once, with the second."""
    put_response(sftp_server, "a.999", x12("999", 1))
    big = x12("835", 2, filler_segments=BIG)
    put_response(sftp_server, "b.835", big)
    adapter = make_sftp(port=proxy.port)

    def kill(op, path, offset=0, **_):
        if op == "read" and path == "inbound/b.835" and offset >= 300_000:
            sftp_server.fault = None
            threading.Thread(target=sftp_server.stop).start()
            return True
        return False

    sftp_server.fault = kill
    with pytest.raises(TransferFailed):
        adapter.receive()
    sftp_server.start()
    proxy.target_port = sftp_server.port
    got = adapter.receive()
    assert sorted(f.name for f in got) == ["a.999", "b.835"]
    assert next(f for f in got if f.name == "b.835").read_bytes() == big
    assert adapter.receive() == [] and list((sftp_server.root / "inbound").iterdir()) == []


def test_remove_done_but_reply_lost(sftp_server, make_sftp):
    put_response(sftp_server, "ack.999", x12("999", 1))
    adapter = make_sftp()
    sftp_server.fault = lambda op, path, **_: op == "remove"
    with pytest.raises(TransferFailed, match="removing inbound/ack.999"):
        adapter.receive()
    sftp_server.fault = None
    assert [f.name for f in adapter.receive()] == ["ack.999"]
    assert adapter.receive() == []


def test_connection_dropped_before_remove_downloads_again_but_hands_over_once(sftp_server, make_sftp):
    put_response(sftp_server, "ack.999", x12("999", 1))
    adapter = make_sftp()

    real_clear = adapter._clear_remote

    def clear_fails(sftp, name, remote):
        raise EOFError("connection closed")

    adapter._clear_remote = clear_fails
    with pytest.raises(TransferFailed):
        adapter.receive()
    assert (sftp_server.root / "inbound" / "ack.999").exists()
    adapter._clear_remote = real_clear
    got = adapter.receive()
    assert [f.name for f in got] == ["ack.999"]
    assert sftp_server.count("open-read", "inbound/ack.999") == 2  # downloaded twice...
    assert adapter.receive() == []  # ...handed over once
    assert len(list(adapter.received_dir.iterdir())) == 1


def test_crash_after_local_store_before_journal(sftp_server, make_sftp, monkeypatch):
    put_response(sftp_server, "ack.999", x12("999", 1))
    adapter = make_sftp()
    real = adapter.journal.record_response
    monkeypatch.setattr(adapter.journal, "record_response",
                        lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt("killed")))  # fmt: skip
    with pytest.raises(KeyboardInterrupt):
        adapter.receive()
    monkeypatch.setattr(adapter.journal, "record_response", real)
    got = make_sftp().receive()
    assert [f.name for f in got] == ["ack.999"]
    assert sorted(p.name for p in adapter.received_dir.iterdir()) == ["ack.999"]


# -- bad input and bad configuration -----------------------------------------------------------


def test_conflicting_sends_are_refused(sftp_server, make_sftp):
    adapter = make_sftp()
    adapter.send(NAME, x12("837", 1))
    with pytest.raises(BatchConflict, match="different content"):
        adapter.send(NAME, x12("837", 2))
    with pytest.raises(BatchConflict, match="same claims twice"):
        adapter.send("OB-other.837", x12("837", 1))
    for bad in ("../etc/passwd", ".hidden.837", "batch.837.part", ""):
        with pytest.raises(InvalidInput, match="batch file name"):
            adapter.send(bad, b"x")


def test_wrong_host_key_is_refused(sftp_server, make_sftp):
    import asyncssh

    other = " ".join(
        asyncssh.generate_private_key("ssh-ed25519").export_public_key("openssh").decode().split()[:2]
    )
    with pytest.raises(ClearinghouseError, match="host key does not match"):
        make_sftp(host_key=other).send(NAME, x12("837", 1))
    assert sftp_server.count("open-write") == 0


def test_wrong_password_is_refused(sftp_server, make_sftp):
    with pytest.raises(ClearinghouseError, match="login refused"):
        make_sftp(password="wrong").receive()


def test_key_file_login(tmp_path, sftp_server, make_sftp):
    import asyncssh

    key = asyncssh.generate_private_key("ssh-ed25519")
    key_file = tmp_path / "id_ed25519"
    key_file.write_bytes(key.export_private_key("openssh"))
    sftp_server.client_key = key
    make_sftp(password=None, key_file=key_file).send(NAME, x12("837", 1))
    assert (sftp_server.root / "outbound" / NAME).exists()


def test_nothing_listening(tmp_path, sftp_server):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    adapter = SftpAdapter(settings_for(sftp_server, port), tmp_path / "state")
    with pytest.raises(TransferFailed, match=rf"127.0.0.1:{port}: cannot connect"):
        adapter.receive()


def test_response_still_being_written_is_left_for_later(sftp_server, make_sftp):
    whole = x12("835", 3)
    path = sftp_server.root / "inbound" / "remit.835"
    path.write_bytes(whole[: len(whole) // 2])  # a clearinghouse that writes in place
    adapter = make_sftp()
    assert adapter.receive() == []
    assert path.exists() and list(adapter.received_dir.iterdir()) == []
    path.write_bytes(whole)
    [got] = adapter.receive()
    assert got.read_bytes() == whole


def test_missing_remote_folder_is_named(sftp_server, make_sftp):
    with pytest.raises(
        ClearinghouseError, match="no such file or folder on the server while listing nowhere"
    ):
        make_sftp(inbound_dir="nowhere").receive()
    with pytest.raises(
        ClearinghouseError, match="no such file or folder on the server while uploading nowhere/"
    ):
        make_sftp(outbound_dir="nowhere").send(NAME, x12("837", 1))


# -- a cut at any point ------------------------------------------------------------------------

CUT_POINTS = 10


def _offsets(total: int) -> list[int]:
    """Cut points spread over a whole session, from the SSH handshake to the last replies (the
    rename or remove and the close are in the last few hundred bytes)."""
    tail = {total - d for d in (1, 60, 200, 600) if total - d > 0}
    return sorted({max(1, total * k // CUT_POINTS) for k in range(CUT_POINTS)} | tail)


@pytest.mark.parametrize("direction", ["up", "down"])
def test_a_cut_anywhere_in_a_send_loses_nothing_and_sends_nothing_twice(
    sftp_server, proxy, make_sftp, direction
):
    adapter = make_sftp(port=proxy.port)
    adapter.send("probe.837", x12("837", 999, filler_segments=300))  # measures one session
    total = proxy.passed[direction]
    stopped_at: set[str] = set()
    for n, offset in enumerate(_offsets(total)):
        name, data = f"OB-{n:03d}.837", x12("837", n, filler_segments=300)
        setattr(proxy, f"cut_{direction}_after", offset)
        try:
            adapter.send(name, data)
        except TransferFailed:
            record = adapter.journal.batch(name)
            stopped_at.add(record.state if record else "not begun")
        setattr(proxy, f"cut_{direction}_after", None)
        adapter.send(name, data)  # the retry
        assert adapter.send(name, data).already_sent
        assert (sftp_server.root / "outbound" / name).read_bytes() == data, offset
        assert renames_to(sftp_server, name) == 1, offset
        assert sftp_server.count("open-write", f"outbound/{name}") == 0
    assert not [p for p in (sftp_server.root / "outbound").iterdir() if p.name.endswith(".part")]
    assert stopped_at >= {"pending", "uploaded"}  # cuts before and after the upload was complete


@pytest.mark.parametrize("direction", ["up", "down"])
def test_a_cut_anywhere_in_a_receive_loses_nothing_and_hands_nothing_over_twice(
    sftp_server, proxy, make_sftp, direction
):
    adapter = make_sftp(port=proxy.port)
    put_response(sftp_server, "probe.999", x12("999", 999, filler_segments=300))
    adapter.receive()
    total = proxy.passed[direction]
    handed: list[str] = []
    expected = []
    stored_not_handed = 0
    for n, offset in enumerate(_offsets(total)):
        for suffix in ("999", "835"):
            data = x12(suffix, n * 2 + (suffix == "835"), filler_segments=60)
            put_response(sftp_server, f"r{n:03d}.{suffix}", data)
            expected.append(f"r{n:03d}.{suffix}")
        setattr(proxy, f"cut_{direction}_after", offset)
        try:
            handed += [f.name for f in adapter.receive()]
        except TransferFailed:
            stored_not_handed += len(adapter.journal.not_handed_over())
        setattr(proxy, f"cut_{direction}_after", None)
        handed += [f.name for f in adapter.receive()]
        assert list((sftp_server.root / "inbound").iterdir()) == [], offset
    assert sorted(handed) == sorted(expected)  # every response once, none twice
    assert stored_not_handed > 0  # some cuts came after a file was stored: the next call handed it over
    downloads = sftp_server.count("open-read") - 1  # less the probe
    assert downloads > len(expected)  # some files were downloaded twice (cut before removal), handed once
    for f in adapter.journal.responses():
        assert f.local_path.read_bytes() and f.local_path.parent == adapter.received_dir


def test_full_local_disk_is_not_mistaken_for_a_dropped_connection(sftp_server, make_sftp, monkeypatch):
    import errno
    import os

    put_response(sftp_server, "ack.999", x12("999", 1))
    adapter = make_sftp(attempts=3)

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(
        ClearinghouseError, match=r"cannot store inbound/ack.999 locally .*No space left"
    ) as info:
        adapter.receive()
    assert not isinstance(info.value, TransferFailed)
    assert sftp_server.count("open-read") == 1  # not retried
    monkeypatch.undo()
    assert (sftp_server.root / "inbound" / "ack.999").exists()
    assert [f.name for f in adapter.receive()] == ["ack.999"]


def test_two_processes_sending_the_same_batch_at_once_upload_it_once(sftp_server, make_sftp):
    """A retry started while the first attempt still runs waits for it, then finds the batch sent."""
    batch = x12("837", 1, filler_segments=BIG)
    results, errors = [], []

    def send():
        try:
            results.append(make_sftp().send(NAME, batch))  # its own journal connection, same files
        except ClearinghouseError as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == []
    assert sorted(r.already_sent for r in results) == [False, True]
    assert_delivered_once(sftp_server, NAME, batch)
    assert sftp_server.count("open-write") == 1


def test_a_busy_mailbox_is_named_after_the_lock_timeout(tmp_path):
    from oncobill.clearinghouse.journal import Journal

    first, second = Journal(tmp_path), Journal(tmp_path)
    with (
        first.locked(),
        pytest.raises(ClearinghouseError, match=r"journal.lock: another OncoBill process"),
        second.locked(timeout=0.2),
    ):
        pass
    with second.locked(timeout=0.2):
        pass
