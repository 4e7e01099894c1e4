"""docs/configuration.md lists every setting `callroom.config.Settings` reads, by its variable."""

from __future__ import annotations

from pathlib import Path

from callroom.config import Settings

DOC = Path(__file__).parents[2] / "docs" / "configuration.md"


def test_every_setting_is_documented_by_its_environment_variable() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`CALLROOM_{name.upper()}`" not in text]
    assert missing == []


def test_the_doc_lists_no_setting_that_does_not_exist() -> None:
    text = DOC.read_text(encoding="utf-8")
    known = {f"CALLROOM_{name.upper()}" for name in Settings.model_fields}
    words = text.split()
    listed = {w.strip("`") for w in words if w.startswith("`CALLROOM_") and w.endswith("`")}
    assert listed <= known
