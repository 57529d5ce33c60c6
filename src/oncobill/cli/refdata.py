"""`oncobill refdata ...`: load official CMS code-set files and list what is loaded."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Reference data (code sets): import CMS files, show loaded versions.", no_args_is_help=True)


@app.command("import")
def import_(
    kind: Annotated[str, typer.Argument(help="asp | ndc | mue | ncci | hcpcs")],
    file: Annotated[Path, typer.Argument(help="The CMS file (CSV, tab-delimited or fixed-width text)")],
    effective: Annotated[str | None, typer.Option("--effective", help="Effective date YYYY-MM-DD when the "
                                                  "file does not say")] = None,
    setting: Annotated[str | None, typer.Option("--setting", help="NCCI only: practitioner (default) or "
                                                "hospital")] = None,
) -> None:
    """Import one CMS file into ONCOBILL_REFDATA_DIR (all-or-nothing; importing it again changes nothing)."""
    from oncobill.codes.importers import ImportRefused, import_file

    try:
        eff = date.fromisoformat(effective) if effective else None
    except ValueError:
        typer.echo(f"error: --effective {effective!r} is not YYYY-MM-DD", err=True)
        raise typer.Exit(2) from None
    try:
        status, version = import_file(kind, file, effective=eff, setting=setting)
    except ImportRefused as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    where = f" ({version.setting})" if version.setting else ""
    typer.echo(f"{kind}{where} effective {version.effective}: {status}, {version.rows} rows from {version.source}")


@app.command("status")
def status(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False) -> None:
    """List the code-set versions in force: bundled defaults and imported files."""
    from oncobill.codes import load_code_sets
    from oncobill.codes.store import refdata_dir

    rows = load_code_sets().describe_versions()
    if as_json:
        typer.echo(json.dumps({"refdata_dir": str(refdata_dir()), "versions": rows}, indent=1))
        return
    typer.echo(f"reference-data folder: {refdata_dir()}")
    for r in rows:
        span = f"{r['effective'] or '-'}..{r['through'] or ''}"
        typer.echo(f"  {r['kind']:<18} {span:<24} {r['rows']:>6} rows  {r['source']}")
