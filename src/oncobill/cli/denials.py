"""`oncobill denials list | show | assign | act | close-paid`: the denial work queue."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer
from rich.table import Table

from oncobill.cli.common import JSON_OPTION, actor_name, console, fail, parse_date, print_json, session_scope

app = typer.Typer(help="The denial work queue: list, show, assign and work denied lines.", no_args_is_help=True)

ACTOR_OPTION = typer.Option(None, "--actor", help="Who is doing this, recorded on the item (default: the login name).")
TODAY_OPTION = typer.Option(None, "--today", help="Count days left as of this date, YYYY-MM-DD (default: today).")
LETTER_OPTION = typer.Option(None, "--letter", dir_okay=False, help="Also write the appeal letter to this file.")
ATTACH_OPTION = typer.Option([], "--attach", help="An attachment the appeal letter lists (repeatable).")
ACTIONS = ("corrected_claim", "new_claim", "appeal", "write_off", "transfer_to_patient", "transfer_to_secondary",
           "no_action")


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


@app.command("list")
def list_(queue: str = typer.Option(None, "--queue", help="Only this queue (authorization, coding, ...)."),
          owner: str = typer.Option(None, "--owner", help="Only this role (coder, appeals_specialist, ...)."),
          assignee: str = typer.Option(None, "--assignee", help="Only items assigned to this person."),
          payer: str = typer.Option(None, "--payer", help="Only this payer (its code)."),
          status: str = typer.Option(None, "--status", help="open, in_progress or done (default: not done)."),
          due_before: str = typer.Option(None, "--due-before", help="Only items due before this date."),
          overdue: bool = typer.Option(False, "--overdue", help="Only items past their due date."),
          today: str = TODAY_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Work items by due date, most urgent first, with totals per queue."""
    from oncobill.worklists import queues

    filters = queues.QueueFilter(queue=queue, owner=owner, assignee=assignee, payer=payer, status=status,
                                 due_before=parse_date(due_before, "--due-before"), overdue=overdue)
    day = parse_date(today, "--today") or date.today()
    with session_scope() as session:
        listing = queues.list_items(session, filters, today=day)
    totals = [{"queue": t.queue, "items": t.items, "amount": t.amount, "overdue": t.overdue} for t in listing.totals]
    if as_json:
        print_json({"items": listing.items, "totals": totals})
        return
    table = Table(title=f"Denial work queue ({len(listing.items)} items)")
    for column in ("Id", "Due", "Days", "Queue", "Action", "Owner", "Assigned", "Claim", "Payer", "Line", "Denial",
                   "Amount", "Status"):
        table.add_column(column)
    for r in listing.items:
        days = "" if r["days_left"] is None else str(r["days_left"])
        table.add_row(str(r["id"]), str(r["due_date"] or "-"), f"[red]{days}[/]" if r["overdue"] else days,
                      r["queue"], r["action"], r["owner"], r["assigned_to"] or "", r["claim"], r["payer"],
                      r["procedure"] or "(claim)", r["denial"], f"${r['amount']}", r["status"])
    console.print(table)
    for t in totals:
        console.print(f"{t['queue']}: {t['items']} item(s), ${t['amount']}"
                      + (f", [red]{t['overdue']} overdue[/]" if t["overdue"] else ""))


@app.command("show")
def show(item_id: int = typer.Argument(..., help="The work item id."), today: str = TODAY_OPTION,
         as_json: bool = JSON_OPTION) -> None:
    """One item: the claim's facts, the denial in words, the clocks and the recommended action."""
    from oncobill.denials import service

    day = parse_date(today, "--today") or date.today()
    with session_scope() as session:
        data = service.show_item(session, item_id, today=day)
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]Work item {data['id']}[/] ({data['status']}{', ' + data['resolution'] if data['resolution'] else ''})"
                  f": claim {data['claim']} ({data['claim_status']}), {data['payer_name']} claim "
                  f"{data['payer_claim_number'] or '-'}")
    console.print(f"  patient {data['patient']}, member {data['member_id']}, date of service {data['date_of_service']}, "
                  f"line {data['line_control_number'] or '(claim level)'} {data['procedure']} charge {data['line_charge']}")
    console.print(f"  denial {data['denial']} {data['amount']}{' (part of the line was paid)' if data['partial'] else ''}: "
                  f"{data['reason']}")
    console.print(f"  [bold]next: {data['action']}[/] by {data['owner']}"
                  f"{' (assigned to ' + data['assigned_to'] + ')' if data['assigned_to'] else ''}: {data['fix']}")
    console.print(f"  due {data['due_date'] or '-'}"
                  + (f" ({data['days_left']} days left)" if data['days_left'] is not None else "")
                  + f": {data['due_reason']}")
    for c in data["clocks"]:
        console.print(f"    {c['name']}: {c['days']} days from {c['starts']} = {c['deadline']} ({c['days_left']} days left)")
    if data["clock_note"]:
        console.print(f"    [yellow]{data['clock_note']}[/]")
    console.print(f"  patient billable: {data['patient_billable']}; secondary payer: {data['secondary_payer'] or 'none'}; "
                  f"route: {data['route']}")
    if data["result_claim"]:
        console.print(f"  result claim: {data['result_claim']}")
    if data["note"]:
        console.print("  history:\n    " + data["note"].replace("\n", "\n    "))
    if data["document"]:
        console.print(f"  appeal letter on the item ({len(data['document'].splitlines())} lines; --json shows it)")


@app.command("assign")
def assign(item_id: int = typer.Argument(..., help="The work item id."),
           person: str = typer.Argument(..., help="Who works it."), actor: str = ACTOR_OPTION) -> None:
    """Give a work item to a person."""
    from oncobill.worklists import queues

    with session_scope() as session:
        item = queues.assign(session, item_id, person, actor=actor_name(actor), now=_now())
        message = f"work item {item.id} assigned to {item.assigned_to}"
    console.print(message)


@app.command("act")
def act(item_id: int = typer.Argument(..., help="The work item id."),
        action: str = typer.Argument(..., help="corrected_claim, new_claim, appeal, write_off, transfer_to_patient, "
                                               "transfer_to_secondary or no_action."),
        amount: str = typer.Option(None, "--amount", help="Amount to write off or transfer (default: the item's)."),
        note: str = typer.Option("", "--note", help="Why; required for no_action."),
        letter: Path = LETTER_OPTION, attach: list[str] = ATTACH_OPTION,
        notice_on_file: bool = typer.Option(False, "--notice-on-file",
                                            help="A signed ABN/waiver is on file (PR-96/PR-204 to the patient)."),
        actor: str = ACTOR_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Work a denial: send a corrected or new claim, appeal, write off, transfer PR, or close it with a note."""
    from oncobill.denials import service

    if action not in ACTIONS:
        raise fail(f"action {action!r} is not one of: {', '.join(ACTIONS)}")
    with session_scope() as session:
        result = service.act(session, item_id, action, actor=actor_name(actor), now=_now(), amount=amount, note=note,
                             letter=letter, notice_on_file=notice_on_file, attachments=tuple(attach))
    if as_json:
        print_json(result.__dict__)
        return
    console.print(f"work item {result.item_id}: {result.status}"
                  f"{' (' + result.resolution + ')' if result.resolution else ''}: {result.message}")


@app.command("close-paid")
def close_paid(actor: str = ACTOR_OPTION) -> None:
    """Close appealed items whose line a later remit paid (paid_on_appeal)."""
    from oncobill.denials import service

    with session_scope() as session:
        closed = service.close_paid_appeals(session, actor=actor_name(actor), now=_now())
    console.print(f"{len(closed)} appealed item(s) closed as paid on appeal"
                  + (f": {', '.join(map(str, closed))}" if closed else ""))
