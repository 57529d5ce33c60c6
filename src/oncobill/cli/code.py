"""`oncobill code FILE.json [--json]`: code one encounter or radiation course (docs/charge-capture.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def code(
    file: Annotated[Path, typer.Argument(help="Encounter JSON (see docs/charge-capture.md)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Turn documented administrations or a radiation course into explained charge lines."""
    from oncobill.charges.coding import code_encounter
    from oncobill.charges.intake import encounter_from_json
    from oncobill.errors import InvalidInput

    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        typer.echo(f"error: {file}: no such file", err=True)
        raise typer.Exit(2) from None
    except json.JSONDecodeError as exc:
        typer.echo(f"error: {file}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", err=True)
        raise typer.Exit(2) from None
    try:
        result = code_encounter(encounter_from_json(raw))
    except InvalidInput as exc:
        typer.echo(f"error: {file}: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=1))
        return
    typer.echo("Diagnoses: " + ", ".join(f"{i}. {d}" for i, d in enumerate(result.diagnoses, 1)))
    for line in result.lines:
        code_mod = "-".join((line.code, *line.modifiers))
        ndc = f"  NDC {line.ndc} {line.ndc_unit} {line.ndc_quantity}" if line.ndc else ""
        ptrs = ",".join(map(str, line.dx_pointers))
        day = line.date_of_service.isoformat() if line.date_of_service else ""
        typer.echo(f"{day:<11} {code_mod:<14} x{line.units:<5} dx {ptrs:<8}{ndc}")
        typer.echo(f"    {line.explanation}")
    for note in result.notes:
        typer.echo(f"note: {note}")
