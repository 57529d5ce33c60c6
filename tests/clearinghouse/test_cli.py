"""`oncobill clearinghouse send | receive` through the sftp adapter (loopback server) and the sandbox."""

from __future__ import annotations

import json

from tests.clearinghouse.loopback import PASSWORD, USER
from tests.clearinghouse.x12_samples import FakePayer, x12
from typer.testing import CliRunner

from oncobill.cli.main import app

runner = CliRunner()


def text(result) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(result.output.split())


def sftp_env(tmp_path, server) -> dict[str, str]:
    return {
        "ONCOBILL_CLEARINGHOUSE_DIR": str(tmp_path / "var" / "clearinghouse"),
        "ONCOBILL_CLEARINGHOUSE_ADAPTER": "sftp",
        "ONCOBILL_SFTP_HOST": "127.0.0.1",
        "ONCOBILL_SFTP_PORT": str(server.port),
        "ONCOBILL_SFTP_USER": USER,
        "ONCOBILL_SFTP_PASSWORD": PASSWORD,
        "ONCOBILL_SFTP_HOST_KEY": server.host_key_line,
        "ONCOBILL_SFTP_TIMEOUT": "5",
        "ONCOBILL_SFTP_ATTEMPTS": "1",
    }


def test_send_and_receive_over_sftp(tmp_path, sftp_server):
    env = sftp_env(tmp_path, sftp_server)
    batch = tmp_path / "OB-1.837"
    batch.write_bytes(x12("837", 1))
    sent = runner.invoke(app, ["clearinghouse", "send", str(batch), "--json"], env=env)
    assert sent.exit_code == 0, sent.output
    assert json.loads(sent.stdout)["already_sent"] is False
    assert (sftp_server.root / "outbound" / "OB-1.837").read_bytes() == batch.read_bytes()
    again = runner.invoke(app, ["clearinghouse", "send", str(batch)], env=env)
    assert again.exit_code == 0 and "was already sent" in again.stdout

    (sftp_server.root / "inbound" / "ack.999").write_bytes(x12("999", 2))
    got = runner.invoke(app, ["clearinghouse", "receive", "--adapter", "sftp", "--json"], env=env)
    assert got.exit_code == 0, got.output
    [row] = json.loads(got.stdout)["received"]
    assert row["kind"] == "999" and row["path"].endswith("sftp/received/ack.999")
    none = runner.invoke(app, ["clearinghouse", "receive"], env=env)
    assert "0 new file(s) from sftp" in none.stdout


def test_errors_name_the_file_and_reason(tmp_path, sftp_server):
    env = sftp_env(tmp_path, sftp_server)
    batch = tmp_path / "OB-1.837"
    batch.write_bytes(x12("837", 1))
    runner.invoke(app, ["clearinghouse", "send", str(batch)], env=env)
    batch.write_bytes(x12("837", 2))
    clash = runner.invoke(app, ["clearinghouse", "send", str(batch)], env=env)
    assert clash.exit_code == 1 and "different content" in text(clash) and "OB-1.837" in text(clash)
    env["ONCOBILL_SFTP_PASSWORD"] = "wrong"
    refused = runner.invoke(app, ["clearinghouse", "receive"], env=env)
    assert refused.exit_code == 1 and "login refused" in text(refused)
    bad = runner.invoke(app, ["clearinghouse", "receive", "--adapter", "fax"], env=env)
    assert bad.exit_code == 1 and "choose one of sandbox, sftp" in text(bad)


def test_sandbox_send_with_today(tmp_path, monkeypatch):
    payer = FakePayer()
    monkeypatch.setattr("oncobill.clearinghouse.sandbox._real_payer", payer)
    env = {"ONCOBILL_CLEARINGHOUSE_DIR": str(tmp_path / "var" / "clearinghouse")}
    batch = tmp_path / "OB-2.837"
    batch.write_bytes(x12("837", 1))
    sent = runner.invoke(app, ["clearinghouse", "send", str(batch), "--adapter", "sandbox", "--today",
                               "2026-03-02"], env=env)  # fmt: skip
    assert sent.exit_code == 0, sent.output
    assert [str(today) for _, today in payer.calls] == ["2026-03-02"]
    got = runner.invoke(app, ["clearinghouse", "receive", "--json", "--today", "2026-03-02"], env=env)
    kinds = sorted(r["kind"] for r in json.loads(got.stdout)["received"])
    assert kinds == ["277CA", "999"]
    bad = runner.invoke(app, ["clearinghouse", "receive", "--today", "March"], env=env)
    assert bad.exit_code == 1 and "--today 'March' must be a date" in text(bad)
