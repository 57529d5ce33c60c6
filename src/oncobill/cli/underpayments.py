"""`oncobill underpayments list | show | resolve`: short payments to chase."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.table import Table

from oncobill.cli.common import JSON_OPTION, actor_name, console, fail, print_json, session_scope
from oncobill.cli.denials import ACTOR_OPTION

app = typer.Typer(help="The underpayment queue: allowed amounts below the contract.", no_args_is_help=True)
STATUSES = ("disputed", "recovered", "accepted")


@app.command("list")
def list_(payer: str = typer.Option(None, "--payer", help="Only this payer (its code)."),
          status: str = typer.Option(None, "--status", help="open, disputed, recovered, accepted or void (the payment was reversed) "
                                                            "(default: open and disputed)."),
          as_json: bool = JSON_OPTION) -> None:
    """Short payments, largest first, with totals per payer."""
    from oncobill.worklists import queues

    with session_scope() as session:
        listing = queues.list_underpayments(session, payer=payer, status=status)
    totals = [{"payer": t.payer, "items": t.items, "shortfall": t.shortfall} for t in listing.totals]
    if as_json:
        print_json({"items": listing.items, "totals": totals})
        return
    table = Table(title=f"Underpayments ({len(listing.items)})")
    for column in ("Id", "Claim", "Payer", "Line", "DOS", "Allowed", "Expected", "Short", "Status"):
        table.add_column(column)
    for r in listing.items:
        table.add_row(str(r["id"]), r["claim"], r["payer"], r["procedure"], str(r["date_of_service"]),
                      f"${r['allowed']}", f"${r['expected']}", f"${r['shortfall']}", r["status"])
    console.print(table)
    for t in totals:
        console.print(f"{t['payer']}: {t['items']} item(s), short ${t['shortfall']}")


@app.command("show")
def show(item_id: int = typer.Argument(..., help="The underpayment item id."), as_json: bool = JSON_OPTION) -> None:
    """One short payment with the line, the arithmetic and the next steps."""
    from oncobill.worklists import queues

    with session_scope() as session:
        data = queues.show_underpayment(session, item_id)
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]Underpayment {data['id']}[/] ({data['status']}): claim {data['claim']} "
                  f"({data['payer_name']} claim {data['payer_claim_number'] or '-'}), line {data['line_control_number']} "
                  f"{data['procedure']} on {data['date_of_service']}")
    console.print(f"  charge {data['charge']}, allowed {data['allowed']}, paid {data['paid']}, expected "
                  f"{data['expected']}: short {data['shortfall']}")
    console.print(f"  {data['basis']}")
    console.print(f"  next: {', '.join(data['next']) or 'none (resolved)'}")
    if data["note"]:
        console.print("  history:\n    " + data["note"].replace("\n", "\n    "))


@app.command("resolve")
def resolve(item_id: int = typer.Argument(..., help="The underpayment item id."),
            status: str = typer.Argument(..., help="disputed, recovered or accepted."),
            note: str = typer.Option("", "--note", help="What was asked, recovered or why it is accepted."),
            actor: str = ACTOR_OPTION) -> None:
    """Move a short payment along: open -> disputed -> recovered | accepted (accepting bills nobody)."""
    from oncobill.worklists import queues

    if status not in STATUSES:
        raise fail(f"status {status!r} is not one of: {', '.join(STATUSES)}")
    with session_scope() as session:
        item = queues.resolve_underpayment(session, item_id, status, actor=actor_name(actor),
                                           now=datetime.now().replace(microsecond=0), note=note)
        message = f"underpayment {item.id}: {item.status}"
    console.print(message)
