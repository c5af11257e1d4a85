"""`python -m kb` runs the CLI, as the `kb` console script does."""

from kb.cli import app

app()
