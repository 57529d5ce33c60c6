"""`oncobill clearinghouse send FILE | receive`: move X12 files to and from the clearinghouse mailbox
(thin shell over :mod:`oncobill.clearinghouse`; settings in docs/clearinghouse.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from oncobill.cli.common import JSON_OPTION, console, fail, print_json

app = typer.Typer(help="Send 837 batches to the clearinghouse and receive 999, 277CA and 835 files.",
                  no_args_is_help=True)  # fmt: skip

ADAPTER_OPTION = typer.Option(
    None, "--adapter", help="sandbox or sftp (default: ONCOBILL_CLEARINGHOUSE_ADAPTER, else sandbox)."
)
FILE_ARGUMENT = typer.Argument(..., exists=True, dir_okay=False, help="The 837 batch file to send")
TODAY_OPTION = typer.Option(
    None, "--today", help="Sandbox only: the date the sandbox payer works on (YYYY-MM-DD; default today)."
)


def adapter_for(name: str | None, today: str | None):
    """The adapter that --adapter and --today name (the submission commands share it)."""
    from oncobill.clearinghouse import ClearinghouseError, make_adapter
    from oncobill.clearinghouse.settings import default_adapter

    chosen = name or default_adapter()
    kwargs = {}
    if today is not None:
        if chosen != "sandbox":
            raise fail("--today applies to the sandbox adapter only")
        try:
            kwargs["today"] = date.fromisoformat(today)
        except ValueError:
            raise fail(f"--today {today!r} must be a date, YYYY-MM-DD") from None
    try:
        return make_adapter(chosen, **kwargs)
    except ClearinghouseError as exc:
        raise fail(str(exc)) from None


@app.command("send")
def send(
    file: Path = FILE_ARGUMENT,
    adapter: str = ADAPTER_OPTION,
    today: str = TODAY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Send FILE under its own name, exactly once: sending it again is a no-op, and a send that
    failed mid-way resumes where it stopped."""
    from oncobill.clearinghouse import ClearinghouseError
    from oncobill.errors import InvalidInput

    chosen = adapter_for(adapter, today)
    try:
        result = chosen.send(file.name, file.read_bytes())
    except (ClearinghouseError, InvalidInput) as exc:
        raise fail(f"{file}: {exc}") from None
    if as_json:
        print_json({"adapter": chosen.name, "name": result.name, "sha256": result.sha256, "size": result.size,
                    "already_sent": result.already_sent, "sent_at": result.sent_at,
                    "destination": result.destination, "note": result.note})  # fmt: skip
        return
    verb = "was already sent" if result.already_sent else "sent"
    console.print(f"{result.name} {verb} ({result.size} bytes) to {chosen.name}: {result.destination}"
                  + (f" ({result.note})" if result.note else ""))  # fmt: skip


@app.command("receive")
def receive(adapter: str = ADAPTER_OPTION, today: str = TODAY_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Fetch new 999, 277CA and 835 files; each is listed by one receive only."""
    from oncobill.clearinghouse import ClearinghouseError

    chosen = adapter_for(adapter, today)
    try:
        files = chosen.receive()
    except ClearinghouseError as exc:
        raise fail(str(exc)) from None
    rows = [{"name": f.name, "kind": f.kind, "path": str(f.path), "size": f.size, "sha256": f.sha256,
             "received_at": f.received_at} for f in files]  # fmt: skip
    if as_json:
        print_json({"adapter": chosen.name, "received": rows})
        return
    console.print(f"{len(rows)} new file(s) from {chosen.name}")
    for r in rows:
        console.print(f"  {r['kind']:6} {r['name']} -> {r['path']}")
