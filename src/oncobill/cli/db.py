"""`oncobill db ...`: schema migrations."""

from __future__ import annotations

import typer

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Apply Alembic migrations to the configured database (ONCOBILL_DATABASE_URL, else SQLite under ./var/)."""
    from oncobill.migrations.runner import upgrade as run_upgrade

    url = run_upgrade(revision)
    typer.echo(f"database at {revision}: {url}")
