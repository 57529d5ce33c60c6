"""`oncobill claims submit | receive` and `oncobill acks import FILE`: ready claims out as 837 batches,
999/277CA answers in (thin shells over claims.submission and claims.acknowledgments)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from oncobill.claims import acknowledgments, submission
from oncobill.cli.claims import ACTOR_OPTION
from oncobill.cli.clearinghouse import ADAPTER_OPTION, TODAY_OPTION, adapter_for
from oncobill.cli.common import JSON_OPTION, actor_name, console, fail, print_json, session_scope
from oncobill.db import database_url, make_engine, unit_of_work
from oncobill.errors import OncoBillError

acks_app = typer.Typer(help="Import 999 and 277CA acknowledgments.", no_args_is_help=True)
ACK_FILE = typer.Argument(..., exists=True, dir_okay=False, help="A 999 or 277CA file")


def _engine():
    return make_engine(database_url())


def submit(adapter: str = ADAPTER_OPTION, today: str = TODAY_OPTION, actor: str = ACTOR_OPTION,
           as_json: bool = JSON_OPTION) -> None:
    """Write every ready claim into 837 batches (one per payer and form), then send each batch not yet
    sent through the clearinghouse, exactly once."""
    from oncobill.clearinghouse import ClearinghouseError

    chosen = adapter_for(adapter, today)
    who = actor_name(actor)
    engine = _engine()
    try:
        with unit_of_work(engine) as session:  # the batches and the claims' move to submitted, together
            created = submission.create_batches(session, actor=who)
            made = [(b.file_name, b.claim_count, str(b.total_charge)) for b in created.batches]
        sent = []
        with unit_of_work(engine) as session:  # then each batch goes, and is marked sent as it goes
            for batch in submission.unsent_batches(session):
                sent += submission.send_batches(session, chosen, batches=[batch])
                session.commit()
    except (OncoBillError, ClearinghouseError) as exc:
        raise fail(str(exc)) from None
    finally:
        engine.dispose()
    data = {"batches_created": [{"file": f, "claims": n, "total_charge": t} for f, n, t in made],
            "claims_submitted": created.claims,
            "sent": [{"file": s.file_name, "claims": s.claims, "already_sent": s.already_sent,
                      "destination": s.destination} for s in sent]}
    if as_json:
        print_json(data)
        return
    console.print(f"{created.claims} claim(s) in {len(made)} new batch(es); {len(sent)} batch(es) sent.")
    for s in sent:
        note = " (was already sent)" if s.already_sent else ""
        console.print(f"  {s.file_name}: {s.claims} claim(s) -> {s.destination}{note}")


def receive(adapter: str = ADAPTER_OPTION, today: str = TODAY_OPTION, actor: str = ACTOR_OPTION,
            as_json: bool = JSON_OPTION) -> None:
    """Fetch new responses from the clearinghouse, import the 999s and 277CAs, and list the 835s left
    for remittance posting."""
    from oncobill.clearinghouse import ClearinghouseError

    chosen = adapter_for(adapter, today)
    engine = _engine()
    try:
        with unit_of_work(engine) as session:
            result = acknowledgments.receive(session, chosen, actor=actor_name(actor))
    except (OncoBillError, ClearinghouseError) as exc:
        raise fail(str(exc)) from None
    finally:
        engine.dispose()
    data = {"imported": [_import_row(r) for r in result.imported],
            "failed": [{"file": str(p), "reason": why} for p, why in result.failed],
            "remittances_waiting_for_posting": [str(p) for p in result.remittances],
            "other": [str(p) for p in result.other]}
    if as_json:
        print_json(data)
    else:
        for r in result.imported:
            console.print(r.summary())
            for line in r.rejections:
                console.print(f"  rejected {line}")
        for p in result.remittances:
            console.print(f"835 waiting for remittance posting: {p}")
        for p, why in result.failed:
            console.print(f"[red]not imported[/] {p}: {why} (fix, then `oncobill acks import {p}`)")
    if result.failed:
        raise typer.Exit(1)


def _import_row(r: acknowledgments.ImportResult) -> dict:
    return {"file": r.file_name, "kind": r.kind, "interchange_control_number": r.interchange_control_number,
            "already_imported": r.already_imported, "moved": r.moved, "unchanged": r.unchanged,
            "rejections": r.rejections}


@acks_app.command("import")
def import_(file: Path = ACK_FILE,
            actor: str = ACTOR_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Import one 999 or 277CA: claims move to accepted or rejected; importing it again changes nothing,
    and a malformed file changes nothing and names the segment and element at fault."""
    with session_scope(source=str(file)) as session:
        result = acknowledgments.import_file(session, file, actor=actor_name(actor),
                                             now=datetime.now().replace(microsecond=0))
    if as_json:
        print_json(_import_row(result))
        return
    console.print(result.summary())
    for line in result.rejections:
        console.print(f"  rejected {line}")
