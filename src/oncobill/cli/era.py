"""`oncobill era`: read an 835 the way a biller does (show) and post it to the ledger (import)."""

from __future__ import annotations

from pathlib import Path

import typer

from oncobill.cli.common import JSON_OPTION, console, fail, print_json
from oncobill.errors import OncoBillError

app = typer.Typer(help="Remittance advice (835): show one, import and post it.", no_args_is_help=True)

FILE = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The 835 file.")
ACTOR_OPTION = typer.Option(None, "--actor", help="Who imports (recorded on every posting); default: $USER.")


def _adj(items: list[dict]) -> str:
    return " ".join(f"{a['group']}-{a['reason']} {a['amount']}" for a in items)


@app.command("show")
def show(file: Path = FILE, as_json: bool = JSON_OPTION) -> None:
    """Show an 835 without touching the database: each claim and line with its adjustments and
    remarks, provider-level adjustments, and whether the balancing rules (domain 7.4) hold."""
    from oncobill.remittance.era_view import era_view
    from oncobill.x12 import X12Error

    try:
        view = era_view(file)
    except (OncoBillError, X12Error) as exc:
        raise fail(f"{file}: {exc}" if str(file) not in str(exc) else str(exc)) from None
    if as_json:
        print_json(view)
        return
    for s in view["transaction_sets"]:
        console.print(f"[bold]835 set {s['control_number']}[/] payer {s['payer']} ({s['payer_id']}), "
                      f"trace {s['trace_number']}, paid {s['payment_total']} on {s['payment_date'] or '?'}")
    for c in view["claims"]:
        console.print(f"\n[bold]claim {c['patient_control_number']}[/] {c['patient']}: status {c['status']} "
                      f"({c['status_words']}), charge {c['charge']}, paid {c['paid']}, patient owes "
                      f"{c['patient_responsibility']}, payer claim # {c['payer_claim_number'] or '-'}")
        if c["adjustments"]:
            console.print(f"  claim adjustments: {_adj(c['adjustments'])}")
        for line in c["lines"]:
            mods = ":".join(line["modifiers"])
            console.print(f"  {line['code'] or '(no code)'}{':' + mods if mods else ''} x{line['units']} "
                          f"{line['service_date'] or ''} charge {line['charge']} allowed {line['allowed'] or '-'} "
                          f"paid {line['paid']}  {_adj(line['adjustments'])}"
                          f"{'  remarks ' + ' '.join(line['remarks']) if line['remarks'] else ''}")
    for p in view["provider_adjustments"]:
        console.print(f"provider adjustment {p['reason']} {p['reference']}: {p['amount']}")
    console.print(f"\npayment total {view['payment_total']}: "
                  + ("[green]balanced[/]" if view["balanced"] else "[red]does not balance[/]"))
    for problem in view["problems"]:
        console.print(f"  [red]problem:[/] {problem}")


def _import_row(result) -> dict:
    return {"file": result.file_name, "sets": [
        {"control_number": s.control_number, "trace_number": s.trace_number, "payer": s.payer,
         "outcome": s.outcome, "reason": s.reason, "claims_posted": s.claims_posted, "payments": s.payments,
         "adjustments": s.adjustments, "patient_responsibility": s.patient_responsibility,
         "provider_adjustments": s.provider_adjustments, "denials": s.denials, "reversals": s.reversals,
         "crossovers": s.crossovers, "work_items": s.work_items}
        for s in result.sets]}


@app.command("import")
def import_(file: Path = FILE, actor: str = ACTOR_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Import and post one 835: a set that does not balance is quarantined with the rule it breaks;
    the same set imported again (even at the same time) posts nothing; a failure posts nothing."""
    import getpass
    from datetime import datetime

    from oncobill.cli.common import session_scope
    from oncobill.remittance import service

    with session_scope(source=str(file)) as session:
        result = service.import_file(session, file, actor=actor or getpass.getuser() or "oncobill",
                                     now=datetime.now().replace(microsecond=0))
    if as_json:
        print_json(_import_row(result))
        return
    console.print(result.summary())
