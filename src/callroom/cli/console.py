"""The one console every command prints to.

Messages stay whole lines (for grep); when output is not a terminal, tables get 160 columns
rather than Rich's 80, so the hours table stays readable in a log.
"""

from __future__ import annotations

import shutil

from rich.console import Console

console = Console(highlight=False, soft_wrap=True, width=shutil.get_terminal_size((160, 40)).columns)
