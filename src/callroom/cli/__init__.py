"""The command line: a Typer app with Rich output (the roster grid lives in grid.py)."""
