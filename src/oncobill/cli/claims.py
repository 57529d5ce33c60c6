"""`oncobill claims build | scrub | secondary | list`: charge lines to claims, the scrubber's findings,
claims to the next payer after the primary's remit, where claims stand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import typer
from rich.table import Table

from oncobill.claims import service
from oncobill.claims.models import ClaimStatus
from oncobill.cli.common import JSON_OPTION, actor_name, console, fail, parse_date, print_json, session_scope

app = typer.Typer(help="Build, scrub and list claims.", no_args_is_help=True)

ACTOR_OPTION = typer.Option(None, "--actor", help="Who is doing this, recorded on every status change "
                                                   "(default: the login name).")


@app.command("build")
def build(through: str = typer.Option(None, "--through", help="Only charge lines with a date of service up to "
                                                               "this date (YYYY-MM-DD)."),
          actor: str = ACTOR_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Put every charge line not yet billed on a draft claim (grouped by patient, coverage, providers,
    location, form and month)."""
    until = parse_date(through, "--through")
    with session_scope() as session:
        result = service.build_claims(session, actor=actor_name(actor), through=until)
        data = {
            "claims": len(result.claims),
            "lines": result.lines_billed,
            "lines_without_coverage": result.lines_without_coverage,
            "built": [_row(c) for c in result.claims],
        }
    if as_json:
        print_json(data)
        return
    console.print(f"{data['claims']} claim(s) built from {data['lines']} charge line(s); "
                  f"{data['lines_without_coverage']} self-pay line(s) left for the patient statement.")
    _table(data["built"])


@app.command("scrub")
def scrub(today: str = typer.Option(None, "--today", help="Scrub as of this date (timely filing); default today."),
          actor: str = ACTOR_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Scrub draft and held claims: hold those with errors, mark the clean ones ready; findings by edit."""
    as_of = parse_date(today, "--today") or date.today()
    with session_scope() as session:
        result = service.scrub_claims(session, actor=actor_name(actor), today=as_of)
        held = service.list_claims(session, status=ClaimStatus.HELD)
        data = {
            "scrubbed": result.scrubbed,
            "ready": result.ready,
            "held": result.held,
            "clean_claim_rate": str(result.clean_claim_rate),
            "findings_by_edit": dict(sorted(result.findings_by_edit.items())),
            "claims_held_by_edit": dict(sorted(result.claims_by_edit.items())),
            "held_claims": [
                {"patient_control_number": c.patient_control_number, "payer": c.payer.code,
                 "findings": [{"edit": f.edit_id, "severity": f.severity.value, "line": f.line_number,
                               "message": f.message, "fix": f.fix} for f in c.findings]}
                for c in held
            ],
        }
    if as_json:
        print_json(data)
        return
    console.print(f"{data['scrubbed']} claim(s) scrubbed: {data['ready']} ready, {data['held']} held "
                  f"(clean-claim rate {Decimal(data['clean_claim_rate']):.1%}).")
    table = Table(title="Findings by edit")
    for column in ("Edit", "Findings", "Claims held"):
        table.add_column(column)
    for edit, n in data["findings_by_edit"].items():
        table.add_row(edit, str(n), str(data["claims_held_by_edit"].get(edit, 0)))
    console.print(table)


@app.command("secondary")
def secondary(today: str = typer.Option(None, "--today", help="Scrub as of this date (timely filing); default "
                                                               "today."),
              actor: str = ACTOR_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Bill the next payer (secondary, then tertiary) of every adjudicated claim whose posted remit left a
    patient share: build the claims (2320/2430 from the remit), scrub them; say why the others are not
    billed (crossed over, nothing left, a remit line matched to no claim line, no remit yet). A claim
    already built for the next payer whose prior payer then reversed (CLP02 22) and adjudicated again is
    replaced (frequency 7), voided (8, nothing left for it) or withdrawn (never sent), or waits (the next
    payer has not adjudicated it yet)."""
    from oncobill.claims.secondary import REPLACE, VOID, WAIT, WITHDRAW, build_secondary_claims

    as_of = parse_date(today, "--today") or date.today()
    with session_scope() as session:
        result = build_secondary_claims(session, actor=actor_name(actor), today=as_of)

        def follows(claim) -> str:
            return session.get(type(claim), claim.primary_claim_id).patient_control_number

        def made(action: str) -> list[dict]:
            return [_row(c.new) | {"follows": follows(c.new), "replaces": c.claim.patient_control_number,
                                   "payer_claim_number": c.new.payer_claim_number or "", "reason": c.reason}
                    for c in result.corrections if c.action == action]

        def left(action: str) -> list[dict]:
            return [{"patient_control_number": c.claim.patient_control_number, "payer": c.claim.payer.code,
                     "status": c.claim.status.value, "follows": follows(c.claim), "reason": c.reason}
                    for c in result.corrections if c.action == action]

        data = {
            "built": [_row(c) | {"follows": follows(c)} for c in result.built],
            "skipped": [{"patient_control_number": s.patient_control_number, "next_payer": s.next_payer,
                         "reason": s.reason} for s in result.skipped],
            "without_another_payer": result.no_next_payer,
            "ready": result.scrub.ready if result.scrub else 0,
            "held": result.scrub.held if result.scrub else 0,
            "replacements": made(REPLACE),
            "voids": made(VOID),
            "withdrawn": left(WITHDRAW),
            "waiting": left(WAIT),
        }
    if as_json:
        print_json(data)
        return
    console.print(f"{len(data['built'])} secondary claim(s) built: {data['ready']} ready, {data['held']} held; "
                  f"{len(data['skipped'])} not billed; {data['without_another_payer']} adjudicated claim(s) "
                  "with no other coverage on their dates.")
    if data["built"]:
        _table(data["built"])
    if data["skipped"]:
        table = Table(title="Not billed to the next payer")
        for column in ("Claim", "Next payer", "Why"):
            table.add_column(column)
        for s in data["skipped"]:
            table.add_row(s["patient_control_number"], s["next_payer"], s["reason"])
        console.print(table)
    corrections = [(r["replaces"], f"{verb} {r['patient_control_number']} (frequency {r['frequency_code']}, REF*F8 "
                                   + f"{r['payer_claim_number']}, {r['status']})", r["reason"])
                   for verb, rows in (("replaced by", data["replacements"]), ("voided by", data["voids"]))
                   for r in rows]
    corrections += [(r["patient_control_number"], "withdrawn (never sent)", r["reason"]) for r in data["withdrawn"]]
    corrections += [(r["patient_control_number"], f"waiting ({r['status']})", r["reason"]) for r in data["waiting"]]
    if corrections:
        console.print(f"After a prior payer's reversal: {len(data['replacements'])} replacement(s), "
                      f"{len(data['voids'])} void(s), {len(data['withdrawn'])} withdrawn, "
                      f"{len(data['waiting'])} waiting.")
        table = Table(title="Claims to the next payer corrected after the prior payer reversed")
        for column in ("Claim", "What", "Why"):
            table.add_column(column)
        for row in corrections:
            table.add_row(*row)
        console.print(table)


@app.command("list")
def list_(status: str = typer.Option(None, "--status", help="Only claims in this status (e.g. held, ready)."),
          as_json: bool = JSON_OPTION) -> None:
    """List claims with their status, payer, dates and total."""
    if status is not None and status not in {s.value for s in ClaimStatus}:
        raise fail(f"--status {status!r} is not one of: {', '.join(s.value for s in ClaimStatus)}")
    with session_scope() as session:
        rows = [_row(c) for c in service.list_claims(session, status=status)]
    if as_json:
        print_json(rows)
        return
    _table(rows)


def _row(claim) -> dict:
    return {
        "patient_control_number": claim.patient_control_number,
        "status": claim.status.value,
        "patient": claim.patient.account_number,
        "payer": claim.payer.code,
        "form": claim.form.value,
        "frequency_code": claim.frequency_code,
        "service_from": claim.service_from,
        "service_to": claim.service_to,
        "lines": len(claim.lines),
        "total_charge": claim.total_charge,
        "errors": sum(1 for f in claim.findings if f.severity.value == "error"),
        "warnings": sum(1 for f in claim.findings if f.severity.value == "warning"),
    }


def _table(rows: list[dict]) -> None:
    table = Table()
    for column in ("Claim", "Status", "Patient", "Payer", "Form", "From", "To", "Lines", "Total", "Errors"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["patient_control_number"], r["status"], r["patient"], r["payer"], r["form"],
                      str(r["service_from"]), str(r["service_to"]), str(r["lines"]), f"${r['total_charge']}",
                      str(r["errors"]))
    console.print(table)
