"""The command line's composition root: the `callroom` callback reads the settings once, and the
services are built from them on first use (so `validate` or `schema` never open a database) and
closed when the command ends."""

from __future__ import annotations

from contextlib import ExitStack
from contextvars import ContextVar

import typer
from pydantic import ValidationError

from callroom.cli.console import fail
from callroom.config import Settings
from callroom.services import Services, open_services


class CommandContext:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._services: dict[str | None, Services] = {}
        self._stack = ExitStack()

    def services(self, program: str | None = None) -> Services:
        """The services, with `program` as the live one when given (default: the settings')."""
        live = program or self.settings.paging_program
        if live not in self._services:
            chosen = self.settings.model_copy(update={"paging_program": live})
            self._services[live] = self._stack.enter_context(open_services(chosen))
        return self._services[live]

    def close(self) -> None:
        self._stack.close()


_CURRENT: ContextVar[CommandContext | None] = ContextVar("callroom_command", default=None)


def start(ctx: typer.Context) -> None:
    """Called by the app's callback before every command."""
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        where = "CALLROOM_" + "_".join(str(p) for p in first["loc"]).upper()
        raise fail(f"{where}: {first['msg']}") from error
    found = CommandContext(settings)
    _CURRENT.set(found)
    ctx.call_on_close(found.close)


def current() -> CommandContext:
    found = _CURRENT.get()
    assert found is not None, "commands run under the callroom app, whose callback sets this"
    return found


def services(program: str | None = None) -> Services:
    """The command's services (with `program` as the live one, for commands that take --program)."""
    return current().services(program)


def settings() -> Settings:
    return current().settings
