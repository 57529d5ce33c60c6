"""`oncobill ledger balance`: balances derived from the journal."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import select

from oncobill.cli.common import JSON_OPTION, console, print_json, session_scope
from oncobill.ledger import service as ledger
from oncobill.ledger.rules import Account
from oncobill.money import ZERO
from oncobill.patients.service import get_patient
from oncobill.practice.models import Payer
from oncobill.practice.service import get_payer
from oncobill.reports.ledger_check import broken_references

app = typer.Typer(help="The double-entry ledger.", no_args_is_help=True)


@app.command("balance")
def balance(
    payer: str = typer.Option(None, help="Only this payer's A/R (payer code)."),
    patient: str = typer.Option(None, help="Only this patient's balances (account number)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Practice A/R by payer and the trial balance; or one payer's or patient's balance."""
    with session_scope() as session:
        if payer:
            row = get_payer(session, payer)
            data = {"payer": row.code, "accounts_receivable": ledger.payer_balance(session, row.id)}
        elif patient:
            row = get_patient(session, patient)
            data = {"patient": row.account_number,
                    "patient_responsibility": ledger.patient_balance(session, row.id),
                    "total_outstanding": ledger.patient_total_ar(session, row.id)}
        else:
            codes = {p.id: p.code for p in session.scalars(select(Payer))}
            data = {
                "accounts_receivable": ledger.accounts_receivable(session),
                "ar_by_payer": {codes.get(k, "?"): v for k, v in sorted(ledger.ar_by_payer(session).items())},
                "ar_patients": ledger.trial_balance(session).get(Account.AR_PATIENT, ZERO),
                "trial_balance": {k.value: v for k, v in ledger.trial_balance(session).items()},
                "unbalanced_entries": [{"entry": e, "difference": d} for e, d in ledger.unbalanced_entries(session)],
                "balanced": ledger.is_balanced(session),
            }
    if as_json:
        print_json(data)
        return
    if "trial_balance" not in data:
        for key, value in data.items():
            console.print(f"{key.replace('_', ' ')}: {'$' if not isinstance(value, str) else ''}{value}")
        return
    table = Table(title="A/R by payer")
    table.add_column("Payer")
    table.add_column("A/R", justify="right")
    for code, amount in data["ar_by_payer"].items():
        table.add_row(code, f"${amount}")
    table.add_row("patients", f"${data['ar_patients']}")
    table.add_row("[bold]practice A/R", f"[bold]${data['accounts_receivable']}")
    console.print(table)
    trial = Table(title="Trial balance (debits positive)")
    trial.add_column("Account")
    trial.add_column("Balance", justify="right")
    for account, amount in data["trial_balance"].items():
        trial.add_row(account, f"${amount}")
    console.print(trial)
    console.print(f"Balanced: {'yes' if data['balanced'] else '[red]NO'}")


@app.command("check")
def check(as_json: bool = JSON_OPTION) -> None:
    """Audit the journal: every entry balances, the trial balance sums to zero, and every posting's
    payer, patient, claim and claim line exist and agree with its charge line. Exits 1 on a finding."""
    with session_scope() as session:
        data = {
            "unbalanced_entries": [{"entry": e, "difference": d} for e, d in ledger.unbalanced_entries(session)],
            "trial_balance_total": sum(ledger.trial_balance(session).values(), ZERO),
            "broken_references": broken_references(session),
        }
    data["ok"] = not data["unbalanced_entries"] and data["trial_balance_total"] == ZERO and not data["broken_references"]
    if as_json:
        print_json(data)
    else:
        for e in data["unbalanced_entries"]:
            console.print(f"[red]entry {e['entry']} does not balance: off by ${e['difference']}")
        if data["trial_balance_total"] != ZERO:
            console.print(f"[red]the trial balance sums to ${data['trial_balance_total']}, not zero")
        for b in data["broken_references"]:
            console.print(f"[red]posting {b['posting']} (entry {b['entry']}): {b['problem']}")
        console.print("Ledger check: " + ("[green]ok" if data["ok"] else "[red]problems found"))
    if not data["ok"]:
        raise typer.Exit(1)
