"""Logging for `callroom serve` and `callroom worker`, configured here and nowhere else.

`CALLROOM_LOG_FORMAT=text` (the default) writes lines for a person at a terminal;
`json` writes one JSON object per line for a log shipper: `time` (UTC, ISO 8601), `level`,
`logger`, `message`, the traceback as `exc_info` when there is one, and every extra the code
passed (`log.info("...", extra={"job_id": 7})` gives `"job_id": 7`). The same configuration
dict goes to `logging.config.dictConfig` in a worker and to uvicorn (which applies it in each
of its worker processes), so uvicorn's own lines come out in the same format.
"""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["text", "json"]
TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# The attributes every LogRecord has; anything else on a record came in through `extra`.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        # default=str: an extra that is a datetime or a path is logged, not an error
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(log_format: LogFormat, level: str = "INFO") -> dict[str, Any]:
    """A `dictConfig` for callroom's and uvicorn's loggers, written to stderr."""
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"} if log_format == "json" else {"format": TEXT}
    )
    handler = {"class": "logging.StreamHandler", "formatter": "chosen", "stream": "ext://sys.stderr"}
    logger = {"handlers": ["default"], "level": level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"chosen": formatter},
        "handlers": {"default": handler},
        "loggers": {name: logger for name in ("callroom", "uvicorn", "uvicorn.error", "uvicorn.access")},
        "root": {"handlers": ["default"], "level": "WARNING"},
    }


def configure_logging(log_format: LogFormat) -> None:
    """Apply `logging_config` in this process."""
    logging.config.dictConfig(logging_config(log_format))
