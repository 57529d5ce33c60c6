"""`oncobill deposits import | add | list | reconcile | confirm`: bank deposits matched to ERAs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from oncobill.cli.common import JSON_OPTION, actor_name, console, fail, print_json, session_scope
from oncobill.cli.denials import ACTOR_OPTION

FILE = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The bank file (CSV or BAI2).")
app = typer.Typer(help="Bank deposits: import or enter them, and reconcile them to ERAs.", no_args_is_help=True)


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


@app.command("import")
def import_(file: Path = FILE,
            format: str = typer.Option(None, "--format", help="csv or bai2 (default: detected)."),
            actor: str = ACTOR_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Import a bank file: every credit becomes a deposit once; a bad row imports nothing."""
    from oncobill.remittance import deposits

    if format is not None and format not in deposits.FORMATS:
        raise fail(f"--format {format!r} must be csv or bai2")
    with session_scope(source=str(file)) as session:
        result = deposits.import_bank_file(session, file, actor=actor_name(actor), now=_now(), format=format)
    if as_json:
        print_json({"file": result.file_name, "format": result.format, "added": result.added,
                    "already_imported": result.already, "amount": result.amount})
        return
    console.print(result.summary())


@app.command("add")
def add(day: str = typer.Option(..., "--date", help="Deposit date, YYYY-MM-DD."),
        amount: str = typer.Option(..., "--amount", help="Amount, e.g. 1200.00."),
        reference: str = typer.Option(..., "--reference", help="Check number or bank reference (the trace if known)."),
        description: str = typer.Option("", "--description", help="Any text (e.g. the CCD+ addenda)."),
        actor: str = ACTOR_OPTION) -> None:
    """Enter a deposit by hand (a paper check, a lockbox total)."""
    from oncobill.remittance import deposits

    with session_scope() as session:
        dep = deposits.add_deposit(session, day=day, amount=amount, reference=reference, description=description,
                                   actor=actor_name(actor), now=_now())
        message = f"deposit {dep.id}: {dep.deposit_date} {dep.amount} ref {dep.reference or '-'}"
    console.print(message)


@app.command("list")
def list_(unmatched: bool = typer.Option(False, "--unmatched", help="Only deposits not matched to an ERA."),
          as_json: bool = JSON_OPTION) -> None:
    """Deposits by date, with whether each is matched."""
    from oncobill.remittance import deposits

    with session_scope() as session:
        rows = deposits.list_deposits(session, unmatched_only=unmatched)
    if as_json:
        print_json(rows)
        return
    table = Table()
    for column in ("Id", "Date", "Amount", "Reference", "Source", "Matched", "Description"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r["deposit_id"]), str(r["date"]), f"${r['amount']}", r["reference"], r["source"],
                      "yes" if r["matched"] else "no", r["description"][:50])
    console.print(table)


@app.command("reconcile")
def reconcile(actor: str = ACTOR_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Match unmatched deposits and ERAs: trace matches are stored, suggestions listed for `confirm`,
    the rest reported with the reason, and remit money not posted to any claim listed."""
    from oncobill.remittance import deposits

    with session_scope() as session:
        report = deposits.reconcile(session, actor=actor_name(actor), now=_now())
    if as_json:
        print_json(report.as_dict())
        return
    t = report.totals()
    console.print(f"[bold]matched now[/] {t['matched_now']} ({t['matched_now_amount']}); matched before "
                  f"{t['matched_before']}")
    for m in report.matched_now:
        console.print(f"  deposit {m['deposit_id']} {m['deposit_amount']} = ERA {', '.join(map(str, m['era_ids']))}: "
                      f"{m['basis']}")
    console.print(f"[bold]suggested[/] {t['suggested']} (confirm with `oncobill deposits confirm DEPOSIT_ID ERA_ID`)")
    for s in report.suggestions:
        console.print(f"  deposit {s['deposit']['deposit_id']} ({s['deposit']['date']}, {s['deposit']['amount']}) "
                      f"-> ERA {s['era']['era_id']} ({s['era']['payer']}, trace {s['era']['trace_number']}): "
                      f"{s['basis']}")
    console.print(f"[bold]ERAs without a deposit[/] {t['unmatched_eras']} ({t['unmatched_era_amount']})")
    for u in report.unmatched_eras:
        console.print(f"  ERA {u['era_id']} {u['payer']} trace {u['trace_number']} {u['amount']}: {u['reason']}")
    console.print(f"[bold]deposits without an ERA[/] {t['unmatched_deposits']} ({t['unmatched_deposit_amount']})")
    for u in report.unmatched_deposits:
        console.print(f"  deposit {u['deposit_id']} {u['date']} {u['amount']} ref {u['reference'] or '-'}: {u['reason']}")
    console.print(f"[bold]posted to nobody yet[/] {t['unposted_cash_items']} ({t['unposted_cash_amount']})")
    for c in report.unposted_cash:
        console.print(f"  remit work item {c['work_item_id']} ({c['kind']}) ERA {c['era_id']} claim "
                      f"{c['patient_control_number']} {c['amount']}: {c['detail']}")


@app.command("confirm")
def confirm(deposit_id: int = typer.Argument(..., help="The deposit id."),
            era_id: int = typer.Argument(..., help="The ERA id (from `deposits reconcile`)."),
            actor: str = ACTOR_OPTION) -> None:
    """Accept a suggested pair: same amount, either side not already matched."""
    from oncobill.remittance import deposits

    with session_scope() as session:
        match = deposits.confirm(session, deposit_id, era_id, actor=actor_name(actor), now=_now())
        message = f"deposit {match.deposit_id} matched to ERA {match.era_import_id} (confirmed by {match.matched_by})"
    console.print(message)
