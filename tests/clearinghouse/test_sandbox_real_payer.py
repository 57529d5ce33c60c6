"""The sandbox adapter through the real sandbox payer (oncobill.sandbox_payer.process_inbox):
an 837 sent once is answered once with a 999, a 277CA and an 835, handed over once."""

from __future__ import annotations

from tests.sandbox_payer.builders import TODAY, batch, claim, line, mailbox

from oncobill.clearinghouse.sandbox import SandboxAdapter


def test_send_and_receive_through_the_real_sandbox_payer(tmp_path):
    box = mailbox(tmp_path)  # outbound/ and the payer's sandbox_config.json
    adapter = SandboxAdapter(box, today=TODAY)
    data = batch([claim("OB1", [line("96413", "400.00")])], control_number=501).encode()

    result = adapter.send("OB-batch-501.837", data)
    assert not result.already_sent
    report = adapter.last_report
    assert len(report.files) == 1 and {c.patient_control_number for c in report.claims} == {"OB1"}
    assert report.rejected == 0  # (Medicare, then its crossover to the Medigap plan)

    got = {f.kind: f for f in adapter.receive()}
    assert sorted(got) == ["277CA", "835", "999"]
    assert {f.name for f in got.values()} == {"000000501.999", "000000501.277ca", "000000501.835"}
    assert all(f.path.parent == box / "inbound" for f in got.values())

    again = adapter.send("OB-batch-501.837", data)
    assert again.already_sent
    assert adapter.receive() == []  # the payer answered the batch once, and we hand over once
    assert sorted(p.name for p in (box / "inbound").iterdir()) == ["000000501.277ca", "000000501.835",
                                                                   "000000501.999"]  # fmt: skip
