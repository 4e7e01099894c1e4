"""The demo program: St. Elsewhere Teaching Hospital's surgical service, one 28-day block.

`st_elsewhere.yaml` is an ordinary program file (the one `callroom demo` loads, solves and
prints) and the one to copy when writing your own. It is written by `callroom.demo.generate`
(`python -m callroom.demo.generate > src/callroom/demo/st_elsewhere.yaml`); a test keeps the
two equal, so change the generator and regenerate rather than editing only the YAML.
"""

from __future__ import annotations

from pathlib import Path

DEMO_PROGRAM: Path = Path(__file__).with_name("st_elsewhere.yaml")
"""The packaged demo program file."""


def demo_program_path() -> Path:
    """Where the demo program file is installed."""
    return DEMO_PROGRAM
