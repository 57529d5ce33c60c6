"""`oncobill patient show ACCOUNT`: demographics, coverages, plans and balances."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import select

from oncobill.cli.common import JSON_OPTION, console, print_json, session_scope
from oncobill.ledger import service as ledger
from oncobill.patients.service import get_patient
from oncobill.treatment.models import TreatmentPlan

app = typer.Typer(help="Patients.", no_args_is_help=True)


@app.command("show")
def show(account: str = typer.Argument(..., help="Patient account number, e.g. DEMO0001"),
         as_json: bool = JSON_OPTION) -> None:
    """Show a patient with coverages, treatment plans and what is owed."""
    with session_scope() as session:
        patient = get_patient(session, account)
        plans = session.scalars(select(TreatmentPlan).where(TreatmentPlan.patient_id == patient.id)).all()
        data = {
            "account_number": patient.account_number,
            "name": patient.display_name,
            "birth_date": patient.birth_date,
            "sex": patient.sex,
            "diagnoses": [d.icd10_code for d in patient.diagnoses],
            "coverages": [
                {"priority": c.priority, "payer": c.payer.code, "payer_name": c.payer.name, "member_id": c.member_id,
                 "group_number": c.group_number, "relationship_to_subscriber": c.relationship_to_subscriber,
                 "effective_date": c.effective_date, "end_date": c.end_date,
                 "plan_year_starts": f"{c.plan_year_start_month:02d}-{c.plan_year_start_day:02d}"}
                for c in patient.coverages
            ],
            "treatment_plans": [
                {"regimen": p.regimen, "kind": p.kind, "start_date": p.start_date, "status": p.status,
                 "cycles": p.planned_cycles, "fractions": p.planned_fractions, "diagnosis": p.diagnosis_code}
                for p in plans
            ],
            "balances": {
                "patient_responsibility": ledger.patient_balance(session, patient.id),
                "total_outstanding": ledger.patient_total_ar(session, patient.id),
            },
        }
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{data['name']}[/] ({data['account_number']}), born {data['birth_date']}, "
                  f"diagnoses {', '.join(data['diagnoses'])}")
    table = Table(title="Coverages")
    for column in ("Priority", "Payer", "Member ID", "From", "To"):
        table.add_column(column)
    for c in data["coverages"]:
        table.add_row(c["priority"].value, c["payer_name"], c["member_id"], str(c["effective_date"]),
                      str(c["end_date"] or "open"))
    console.print(table)
    for p in data["treatment_plans"]:
        console.print(f"Plan: {p['regimen']} from {p['start_date']} ({p['status'].value})")
    console.print(f"Owed by the patient: ${data['balances']['patient_responsibility']}; "
                  f"outstanding in all: ${data['balances']['total_outstanding']}")
