"""CALLROOM_LOG_FORMAT=json: one JSON object per record, with the extras the code passes and the
traceback when there is one."""

from __future__ import annotations

import json
import logging
import sys

from callroom.ops.logs import JsonFormatter, logging_config


def _record(**extra: object) -> logging.LogRecord:
    record = logging.LogRecord(
        "callroom.jobs.runner", logging.WARNING, __file__, 1, "job %s lost", (7,), None
    )
    record.__dict__.update(extra)
    return record


def test_a_record_is_one_line_of_json_with_its_extras() -> None:
    line = JsonFormatter().format(_record(job_id=7, claim="worker-1:ab"))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry.pop("time").endswith("+00:00")
    assert entry == {
        "level": "WARNING",
        "logger": "callroom.jobs.runner",
        "message": "job 7 lost",
        "job_id": 7,
        "claim": "worker-1:ab",
    }


def test_a_traceback_goes_in_its_own_field_on_the_same_line() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = _record(exc_info=sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "RuntimeError: boom" in entry["exc_info"]


def test_text_is_the_default_and_json_is_chosen_for_callroom_and_uvicorn_alike() -> None:
    text, as_json = logging_config("text"), logging_config("json")
    assert "format" in text["formatters"]["chosen"]
    assert as_json["formatters"]["chosen"] == {"()": "callroom.ops.logs.JsonFormatter"}
    assert set(as_json["loggers"]) >= {"callroom", "uvicorn.access", "uvicorn.error"}
