"""`oncobill claim show PCN`: a claim, its lines, its status history and its balance."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import select

from oncobill.claims.models import Claim
from oncobill.cli.common import JSON_OPTION, console, print_json, session_scope
from oncobill.errors import NotFound
from oncobill.ledger import service as ledger

app = typer.Typer(help="Claims.", no_args_is_help=True)


def claim_view(session, claim: Claim) -> dict:
    return {
        "patient_control_number": claim.patient_control_number,
        "patient": claim.patient.account_number,
        "payer": claim.payer.code,
        "priority": claim.coverage.priority,
        "form": claim.form,
        "status": claim.status,
        "frequency_code": claim.frequency_code,
        "payer_claim_number": claim.payer_claim_number,
        "prior_authorization": claim.prior_authorization,
        "service_from": claim.service_from,
        "service_to": claim.service_to,
        "rendering_provider": claim.rendering_provider.npi,
        "diagnoses": [d.icd10_code for d in claim.diagnoses],
        "total_charge": claim.total_charge,
        "balance": ledger.claim_balance(session, claim.id),
        "lines": [
            {"line_number": line.line_number, "line_control_number": line.line_control_number,
             "service_date": line.service_date, "code": line.code, "modifiers": line.modifiers,
             "units": line.units, "charge": line.charge, "ndc": line.ndc, "dx_pointers": line.dx_pointers,
             "balance": ledger.claim_line_balance(session, line.id)}
            for line in claim.lines
        ],
        "history": [
            {"at": e.at, "from": e.from_status, "to": e.to_status, "actor": e.actor, "reason": e.reason}
            for e in claim.events
        ],
        "findings": [
            {"edit": f.edit_id, "severity": f.severity, "line": f.line_number, "message": f.message, "fix": f.fix}
            for f in claim.findings
        ],
    }


@app.command("show")
def show(patient_control_number: str = typer.Argument(..., help="The claim's patient control number (CLM01)"),
         as_json: bool = JSON_OPTION) -> None:
    """Show a claim with its lines, balances and status history."""
    with session_scope() as session:
        claim = session.scalar(select(Claim).where(Claim.patient_control_number == patient_control_number))
        if claim is None:
            raise NotFound("claim", patient_control_number)
        data = claim_view(session, claim)
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]Claim {data['patient_control_number']}[/] {data['form'].value} to {data['payer']} "
                  f"({data['priority'].value}), status {data['status'].value}, "
                  f"{data['service_from']} to {data['service_to']}")
    table = Table()
    for column in ("#", "Date", "Code", "Mods", "Units", "Charge", "Balance"):
        table.add_column(column)
    for line in data["lines"]:
        table.add_row(str(line["line_number"]), str(line["service_date"]), line["code"], " ".join(line["modifiers"]),
                      str(line["units"]), f"${line['charge']}", f"${line['balance']}")
    console.print(table)
    console.print(f"Total ${data['total_charge']}, balance ${data['balance']}")
    for finding in data["findings"]:
        where = f" line {finding['line']}" if finding["line"] else ""
        console.print(f"  [{'red' if finding['severity'].value == 'error' else 'yellow'}]{finding['severity'].value}"
                      f"[/] {finding['edit']}{where}: {finding['message']} Fix: {finding['fix']}")
    for event in data["history"]:
        console.print(f"  {event['at']} {event['from'].value if event['from'] else '-'} -> {event['to'].value} "
                      f"by {event['actor']}: {event['reason']}")
