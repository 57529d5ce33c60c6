"""`oncobill x12 ...`: read and check X12 files (thin shell over :mod:`oncobill.x12`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="X12 5010: parse and validate EDI files.", no_args_is_help=True)


def _lookup():
    """Code sets from oncobill.codes and the NPI check digit from the practice stage (the
    shell may wire stages; the x12 core only sees the CodeLookup protocol)."""
    from oncobill.practice.npi import npi_is_valid
    from oncobill.x12.codesets import CodeSetsLookup

    return CodeSetsLookup(npi_valid=npi_is_valid)


@app.command("parse")
def parse(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="X12 file")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the typed document as JSON")] = False,
) -> None:
    """Read FILE and print the typed document (a summary, or everything with --json)."""
    from oncobill.x12 import X12Error, read
    from oncobill.x12.jsonview import document, typed

    try:
        doc = read(file)
    except X12Error as exc:
        typer.echo(f"{file}: {exc}", err=True)
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps(document(doc), indent=2))
        return
    for ic in doc.interchanges:
        typer.echo(f"interchange {ic.control_number} from {ic.sender} to {ic.receiver}")
        for group in ic.groups:
            for txn in group.transactions:
                typer.echo(f"  {txn.code} {txn.control_number} ({txn.spec.version}: {txn.spec.name})")
                obj = typed(txn)
                for line in _summary(txn, obj):
                    typer.echo(f"    {line}")
    for w in doc.warnings:
        typer.echo(f"warning: {w.located()}")


def _summary(txn, obj) -> list[str]:
    if obj is None:
        return [f"{txn.body.count()} segments in {sum(1 for _ in txn.body.walk()) - 1} loops"]
    name = type(obj).__name__
    if name == "Remittance":
        lines = [
            f"payment {obj.payment_amount} {obj.payment_method} trace {obj.trace_number} from {obj.payer_name}"
        ]
        lines += [f"claim {c.patient_control_number} status {c.status} charge {c.charge} paid {c.paid}"
                  for c in obj.claims]  # fmt: skip
        lines += [f"PLB {p.reason} {p.reference} {p.amount}" for p in obj.provider_adjustments]
        return lines
    if name == "ProfessionalClaims":
        return [f"claim {c.patient_control_number} charge {c.charge} lines {len(c.lines)} billing NPI "
                f"{c.billing_provider.npi}" for c in obj.claims]  # fmt: skip
    if name == "ImplementationAck":
        return [f"group {obj.group_control_number} {obj.status}"] + [
            f"set {r.set_code} {r.control_number} {r.status} ({len(r.segment_errors)} segment errors)"
            for r in obj.responses
        ]
    if name == "ClaimAcknowledgmentReport":
        return [f"claim {c.patient_control_number} {', '.join(s.category + ':' + s.code for s in c.statuses)}"
                for p in obj.providers for c in p.claims]  # fmt: skip
    if name == "Eligibility":
        member = obj.dependent or obj.subscriber
        lines = [f"{obj.payer.name} for {member.person.last_name}, {member.person.first_name}"]
        lines += [f"benefit {b.information} {'/'.join(b.service_types)} {b.amount if b.amount is not None else ''}"
                  for b in member.benefits]  # fmt: skip
        lines += [f"rejected: AAA {r.reason} at {r.level}" for r in obj.rejections + member.rejections]
        return lines
    if name == "ClaimStatusDocument":
        return [f"claim {c.trace} {', '.join(s.category + ':' + s.code for s in c.statuses)}"
                for p in obj.providers for m in p.members for c in m.claims + [x for d in m.dependents for x in d.claims]]  # fmt: skip
    return [name]


@app.command("validate")
def validate_cmd(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="X12 file")],
    code_sets: Annotated[
        bool, typer.Option("--code-sets/--no-code-sets", help="Check external code sets (SNIP 5)")
    ] = True,
    ack: Annotated[Path | None, typer.Option("--999", help="Also write the 999 answering FILE here")] = None,
) -> None:
    """Check FILE (SNIP 1-5); print located findings; exit 1 if any error."""
    from oncobill.x12.validate import validate

    result = validate(file, _lookup() if code_sets else None)
    for f in result.findings:
        typer.echo(f"{file}: {f.severity}: {f.located()}")
    if ack is not None:
        _write_999(result, ack)
    errors = len(result.errors())
    typer.echo(f"{file}: {errors} error(s), {len(result.findings) - errors} warning(s)")
    raise typer.Exit(1 if errors else 0)


def _write_999(result, path: Path) -> None:
    from oncobill.x12.acks import build_999
    from oncobill.x12.specs.x999 import SPEC
    from oncobill.x12.writer import build_interchange, write

    acks = result.to_999()
    groups = [(SPEC, [build_999(a, n + 1)]) for n, a in enumerate(acks)]
    path.write_text(
        write(build_interchange(groups, sender_id="ONCOBILL", receiver_id="SUBMITTER", control_number=1))
    )
