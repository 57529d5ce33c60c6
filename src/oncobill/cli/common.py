"""What every command shares: the database, JSON output for scripts, and errors a biller can read."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from oncobill.db import database_url, make_engine, unit_of_work
from oncobill.errors import OncoBillError

console = Console()
err_console = Console(stderr=True)

JSON_OPTION = typer.Option(False, "--json", help="Print JSON for scripts instead of a table.")


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, default=_default, indent=2) + "\n")


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def actor_name(value: str | None) -> str:
    """Who is acting, as recorded on status changes, entries and work items: --actor, else the login."""
    if value:
        return value
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def parse_date(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option, or a located error naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option} {value!r} must be a date, YYYY-MM-DD") from None


@contextmanager
def session_scope(source: str | None = None) -> Iterator[Session]:
    """A unit of work on the configured database; OncoBill and X12 errors become a message (naming
    *source*, the file being imported, when the error does not already) and exit code 1."""
    from oncobill.x12 import X12Error

    engine = make_engine(database_url())
    try:
        with unit_of_work(engine) as session:
            yield session
    except (OncoBillError, X12Error) as exc:
        message = str(exc)
        raise fail(f"{source}: {message}" if source and source not in message else message) from None
    finally:
        engine.dispose()
