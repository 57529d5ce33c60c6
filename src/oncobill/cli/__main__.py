"""`python -m oncobill.cli ...` runs the same command as `oncobill ...`."""

from oncobill.cli.main import app

app()
