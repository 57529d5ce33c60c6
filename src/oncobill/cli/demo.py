"""`oncobill demo`: run the main job on the built-in demo practice and print its summary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from oncobill.cli.common import JSON_OPTION, console, fail, print_json
from oncobill.db import database_url
from oncobill.demo.run import DEFAULT_MONTH, DEFAULT_SEED, run_demo
from oncobill.errors import OncoBillError


def demo(
    seed: int = typer.Option(DEFAULT_SEED, help="Random seed: the same seed builds the same practice."),
    month: str = typer.Option(DEFAULT_MONTH.isoformat()[:7], help="Month to run, YYYY-MM."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Reset the demo database, load the demo practice and run one month of its revenue cycle."""
    try:
        month_start = date.fromisoformat(month + "-01")
    except ValueError:
        raise fail(f"--month {month!r} must be YYYY-MM") from None
    url = database_url()
    try:
        if as_json:
            result = run_demo(url, seed=seed, month_start=month_start)
        else:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console, transient=True) as progress:
                def factory(total: int):
                    task = progress.add_task("Treatment plans through the month", total=total)
                    return lambda: progress.advance(task)

                result = run_demo(url, seed=seed, month_start=month_start, progress_factory=factory)
    except OncoBillError as exc:
        raise fail(str(exc)) from None
    if as_json:
        print_json({"database": result.database, "seed": result.seed, "seconds": round(result.seconds, 2),
                    **result.summary})
        return
    _print_summary(result)


def _print_summary(result) -> None:
    s = result.summary
    p, m, led = s["practice"], s["month"], s["ledger"]
    console.rule(f"[bold]OncoBill demo: Riverbend Cancer Care, {m['from']} to {m['to']}")
    console.print(f"Database: {result.database}   seed {result.seed}   {result.seconds:.1f} s")
    console.print(f"{p['providers']} providers, {p['payers']} payers, {p['patients']} patients "
                  f"({p['patients_with_secondary']} with a secondary, {p['patients_with_coverage_change']} whose "
                  f"coverage changes this year), {p['treatment_plans']} treatment plans")
    for pending in p["enrollments_pending"]:
        console.print(f"  enrollment pending: {pending}")

    table = Table(title="Treatment days documented and coded", show_lines=False)
    table.add_column("Regimen")
    table.add_column("Encounters", justify="right")
    for regimen, n in m["encounters_by_regimen"].items():
        table.add_row(regimen, str(n))
    table.add_row("[bold]total", f"[bold]{m['encounters']}")
    console.print(table)
    console.print(f"{m['charge_lines']} charge lines, gross charges ${m['gross_charges']}; "
                  f"{m['encounters_on_coverage_new_this_month']} encounters billed to a coverage that began this month")

    ar = Table(title="Accounts receivable by payer (from the ledger)")
    ar.add_column("Payer")
    ar.add_column("Encounters", justify="right")
    ar.add_column("A/R", justify="right")
    for code, amount in led["ar_by_payer"].items():
        ar.add_row(code, str(m["encounters_by_payer"].get(code, 0)), f"${amount}")
    ar.add_row("[bold]total", "", f"[bold]${led['accounts_receivable']}")
    console.print(ar)
    console.print(f"Ledger balanced: {'yes' if led['balanced'] else '[red]NO'}")
    if "claims" in s:
        _print_claims(s["claims"])
    if s.get("submission"):
        _print_submission(s["submission"])
    if s.get("remittance"):
        _print_remittance(s["remittance"], s.get("crossover") or {})
    if s.get("crossover"):
        _print_crossover(s["crossover"])
    if s.get("secondary"):
        _print_secondary(s["secondary"])
    if "denials" in s:
        _print_denials(s["denials"])
    if s.get("kpis"):
        _print_kpis(s["kpis"])


def _print_crossover(x: dict) -> None:
    partners = ", ".join(x["partners"])
    console.print(f"\n[bold]Crossovers[/]: {x['crossed_over']} Medicare claims crossed over to {partners} "
                  f"(CLP02 19 + MA18); {partners}'s own 835s answered {x['partner_answered']}, paid "
                  f"{x['partner_paid']}: payments ${x['partner_payments']}, left to the patient "
                  f"${x['left_to_patient']}; {x['waiting_for_partner']} still waiting for the partner's 835")
    duplicates = x["secondary_claims_billed"]
    console.print(f"  secondary claims billed for crossed-over claims: {duplicates}"
                  + (" (no duplicate of the crossover)" if not duplicates else f" [red]DUPLICATES {x['duplicates']}"))
    console.print(f"  A/R on the crossed-over claims: {partners} ${x['partner_ar']}, patients ${x['patient_ar']}")
    for f in x["files"]:
        missing = ", ".join(f"{m['patient']} (joined {m['joined']})" for m in f["not_on_file"])
        console.print(f"  payer-side fact: Medicare's crossover file from {f['partner_name']} (as of {f['as_of']}) "
                      f"lists {f['members_on_file']} of its members"
                      + (f"; not yet on it, so billed by the practice: {missing}" if missing else ""))


def _print_secondary(sec: dict) -> None:
    payers = ", ".join(f"{n} to {code}" for code, n in sec["by_payer"].items())
    console.print(f"\n[bold]Secondary claims[/]: {sec['built']} built ({payers}) for ${sec['charge']}; "
                  f"{sec['held']} held by the scrubber, {sec['sent']} sent; {sec['paid']} paid, "
                  f"{sec['partial']} partly paid, {sec['denied']} denied as secondary")
    for edit, n in sec["claims_held_by_edit"].items():
        console.print(f"  held by {edit}: {n}")
    for why, n in sec["not_billed"].items():
        console.print(f"  not billed ({n}): {why}")
    r = sec["remittance"]
    console.print(f"  secondary 835s posted: {r['claims_posted']} claims, payments ${r['payments']}, "
                  f"left to the patient ${r['patient_responsibility']}")


def _print_denials(d: dict) -> None:
    console.print(f"\n[bold]Denials routed to work queues[/]: {d['work_items']} lines, ${d.get('amount', '0.00')}"
                  + "".join(f"; {queue} {n}" for queue, n in d["by_queue"].items()))
    for fact in d.get("payer_side_facts", []):
        console.print(f"  payer-side fact ({fact['expected']} expected on {', '.join(fact['claims'])}, "
                      f"{fact['patients']}): "
                      f"{fact['what']}")
    if d.get("items"):
        table = Table(title="Denial work items (by claim and denial)")
        for name in ("Claim", "Payer", "Denial", "Lines", "Amount", "Queue", "Next action", "Owner", "Due",
                     "Status"):
            table.add_column(name, justify="right" if name in ("Lines", "Amount") else "left")
        for g in d["items"]:
            table.add_row(g["claim"], g["payer"], g["denial"], str(g["lines"]), f"${g['amount']}", g["queue"],
                          g["action"].replace("_", " "), g["owner"].replace("_", " "), g["due_date"] or "-",
                          g["status"].replace("_", " "))
        console.print(table)
    for w in d.get("worked", []):
        console.print(f"  worked item {w['item']} ({w['action']}, now {w['status'].replace('_', ' ')}): "
                      f"{w['message']}")


def _pct(text: str) -> str:
    """A rate kept as a decimal string, as a percentage (Decimal: no binary rounding on the way)."""
    return f"{Decimal(text):.1%}"


def _print_kpis(k: dict) -> None:
    pct = _pct
    console.print(f"\n[bold]A/R KPIs[/] as of {k['as_of']}, period {k['period']} (definitions: docs/kpis.md)")
    console.print(f"  days in A/R: {k['days_in_ar']} (A/R ${k['accounts_receivable']} / average daily gross "
                  f"charges of the period)")
    console.print(f"  first-pass resolution: {pct(k['first_pass_resolution_rate'])} "
                  f"({k['claims_resolved_first_pass']} of {k['claims_adjudicated']} claims adjudicated)")
    console.print(f"  initial denial rate: {pct(k['denial_rate_claims'])} of claims, {pct(k['denial_rate_lines'])} "
                  f"of lines, {pct(k['denial_rate_amount'])} of charges (${k['charge_denied']} of "
                  f"${k['charge_adjudicated']})")
    console.print(f"  net collection rate: {pct(k['net_collection_rate'])} (payments ${k['payments']} / (charges "
                  f"${k['gross_charges']} - contractual ${k['contractual_adjustments']}))")
    table = Table(title=f"A/R aging by {k['aging_basis']}")
    table.add_column("Days")
    table.add_column("Payers", justify="right")
    table.add_column("Patients", justify="right")
    for bucket, amount in k["aging_payer"].items():
        table.add_row(bucket, f"${amount}", f"${k['aging_patient'][bucket]}")
    console.print(table)


def _print_remittance(r: dict, crossover: dict) -> None:
    partner = ""
    if crossover.get("partner_sets"):
        partner = (f"; {crossover['partner_sets']} of them {', '.join(crossover['partners'])}'s own, for "
                   f"{crossover['partner_answered']} crossed-over claims")
    console.print(f"\n[bold]Remittances posted[/]: {r['sets_posted']} 835s ({r['sets_quarantined']} quarantined"
                  f"{partner}), {r['claims_posted']} claims: payments ${r['payments']}, contractual adjustments "
                  f"${r['adjustments']}, patient responsibility ${r['patient_responsibility']}, "
                  f"provider-level ${r['provider_adjustments']}; {r['denials']} denied, {r['reversals']} reversals, "
                  f"{r['crossovers']} crossovers")
    for kind, n in r["work_items"].items():
        console.print(f"  remit work queue: {n} {kind.replace('_', ' ')}")


def _print_claims(c: dict) -> None:
    forms = ", ".join(f"{n} {form}" for form, n in c["by_form"].items())
    console.print(f"\n[bold]Claims[/]: {c['built']} built ({forms}) with {c['lines']} lines, "
                  f"${c['total_charge']}; scrubbed: {c['ready']} ready, {c['held']} held; "
                  f"clean-claim rate {_pct(c['clean_claim_rate'])}")
    if c["claims_held_by_edit"]:
        table = Table(title="Scrubber findings (errors hold the claim)")
        table.add_column("Edit")
        table.add_column("Findings", justify="right")
        table.add_column("Claims held", justify="right")
        for edit, n in c["findings_by_edit"].items():
            table.add_row(edit, str(n), str(c["claims_held_by_edit"].get(edit, 0)))
        console.print(table)
    for held in c.get("held_for_enrollment", []):
        console.print(f"  held until enrollment: {held}")


def _print_submission(sub: dict) -> None:
    console.print(f"\n[bold]Submitted[/]: {sub['submitted']} claims (${sub['submitted_charge']}) in "
                  f"{sub['batches']} 837 batches through the sandbox clearinghouse")
    console.print(f"  999: {sub['ack_999_accepted']} accepted, {sub['ack_999_rejected']} rejected "
                  f"(acceptance {_pct(sub['ack_999_acceptance_rate'])})")
    console.print(f"  277CA: {sub['payer_accepted']} accepted into adjudication, {sub['payer_rejected']} rejected "
                  f"(acceptance {_pct(sub['ack_277ca_acceptance_rate'])})")
    for line in sub["rejections"]:
        console.print(f"  rejected {line}")
    for failure in sub["import_failures"]:
        console.print(f"  [red]not imported[/] {failure}")
    console.print(f"  837s sent: {sub['outbound']}/")
    console.print(f"  999s, 277CAs and {len(sub['remittances_waiting'])} 835s received: {sub['inbound']}/")
