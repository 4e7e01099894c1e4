"""The case-log pages: a resident logs a case (prefilled from a published case they were on),
a line that breaks a credit rule is refused beside the field with what was typed kept, their
dashboard counts it; the chief and the program director see who is behind where, import a
case-log CSV (all or nothing) and export one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from callroom.domain.operating import CreditRole
from tests.integration.web.conftest import Seeded, Web, served_copy
from tests.integration.web.test_or_pages import case_ids, import_day, move, text_of
from tests.or_day import APPENDIX, DAY, RESIDENT, or_day_csv

EVENING = datetime(DAY.year, DAY.month, DAY.day, 23, 0, tzinfo=UTC)  # 18:00 at the hospital: cases done


@pytest.fixture
def evening_web(tmp_path: Path, seeded_sqlite: Seeded) -> Iterator[Web]:
    """The app on the evening of the OR day: its cases have happened and may be logged."""
    with served_copy(tmp_path, seeded_sqlite, lambda: EVENING) as web:
        yield web


def log(client: httpx.Client, csrf: str, **fields: str) -> httpx.Response:
    form = {
        "csrf_token": csrf,
        "day": DAY.isoformat(),
        "cpt": "44970",
        "role": "SJ",
        "attending": "amara-oyelowo",
    }
    return client.post("/caselog", data=form | fields)


def published_appendix(web: Web) -> str:
    """The day imported, Kwame Mensah on the appendectomy as SJ, published; the case's id."""
    chief, csrf = web.signed_in("chief")
    import_day(chief, csrf, or_day_csv())
    case_id = case_ids(web)[APPENDIX]
    assert move(chief, csrf, case_id, RESIDENT, CreditRole.SJ).status_code == 303
    assert chief.post("/or/publish", data={"csrf_token": csrf, "day": DAY.isoformat()}).status_code == 200
    return case_id


def test_a_resident_logs_a_case_from_the_board_and_the_dashboard_counts_it(evening_web: Web) -> None:
    case_id = published_appendix(evening_web)
    resident, csrf = evening_web.signed_in("resident")
    form = resident.get(f"/caselog?case={case_id}&day={DAY}")
    assert form.status_code == 200
    assert 'name="cpt" value="44970"' in form.text
    assert re.search(r'<option value="SJ" selected', form.text)
    assert re.search(r'<option value="amara-oyelowo" selected', form.text)
    logged = log(resident, csrf, case=case_id)
    assert logged.status_code == 303, text_of(logged.text)
    page = text_of(resident.get("/caselog").text)
    assert "Your lines (1)" in page
    assert "Appendix" in page and "Amara Oyelowo" in page


def test_a_second_surgeon_on_one_case_is_refused_at_the_role_with_the_values_kept(evening_web: Web) -> None:
    case_id = published_appendix(evening_web)
    resident, csrf = evening_web.signed_in("resident")
    assert log(resident, csrf, case=case_id).status_code == 303
    colleague, ccsrf = evening_web.signed_in("resident2")
    refused = log(colleague, ccsrf, case=case_id, cpt="44970; 44950")
    assert refused.status_code == 422
    assert 'id="role-error"' in refused.text
    assert 'value="44970; 44950"' in refused.text, "the codes typed are kept"
    assert "Your lines (0)" in text_of(refused.text)


def test_the_program_sees_who_is_behind_imports_a_log_twice_without_doubling_and_exports_it(
    evening_web: Web,
) -> None:
    chief, csrf = evening_web.signed_in("chief")
    page = chief.get("/caselog/program")
    assert page.status_code == 200
    assert 'class="behind"' in page.text, "with nothing logged, someone past their first months is behind"
    lines = "resident,date,cpt,role,attending,case\nKwame Mensah,2027-03-02,47562,FA,Magnus Achterberg,\n"
    files = {"file": ("log.csv", lines.encode(), "text/csv")}
    imported = chief.post("/caselog/program/import", data={"csrf_token": csrf}, files=files)
    assert imported.status_code == 303, text_of(imported.text)
    assert "Imported 1 case-log line." in text_of(chief.get(imported.headers["location"]).text)
    again = chief.post("/caselog/program/import", data={"csrf_token": csrf}, files=files)
    said = text_of(chief.get(again.headers["location"]).text)
    assert "Imported 0 case-log lines. Skipped 1 case-log line already logged" in said
    bad = lines.replace("47562", "99999")
    refused = chief.post(
        "/caselog/program/import",
        data={"csrf_token": csrf},
        files={"file": ("log.csv", bad.encode(), "text/csv")},
    )
    assert refused.status_code == 422 and "nothing was imported" in text_of(refused.text).lower()
    export = chief.get("/caselog/program/export.csv")
    assert export.status_code == 200
    assert "Kwame Mensah" in export.text and "47562" in export.text
    director, _ = evening_web.signed_in("director")
    assert director.get("/caselog/program").status_code == 200
    resident, _ = evening_web.signed_in("resident")
    assert resident.get("/caselog/program").status_code == 403


def test_a_log_form_sent_twice_stores_one_line_and_says_it_was_already_logged(evening_web: Web) -> None:
    resident, csrf = evening_web.signed_in("resident")
    opened = re.search(r'name="version" value="(\d+)"', resident.get("/caselog").text)
    assert opened is not None and opened.group(1) == "0"

    first = log(resident, csrf, version=opened.group(1) + " ")
    again = log(resident, csrf, version=opened.group(1) + " ")  # the back button, then Log case

    assert first.status_code == again.status_code == 303
    assert again.headers["location"].startswith("/caselog?done=again")
    page = text_of(resident.get(again.headers["location"]).text)
    assert "Already logged (this form was sent twice)" in page
    assert "Your lines (1)" in page
    other = log(resident, csrf, cpt="44950", version=opened.group(1))
    assert other.status_code == 303 and "done=logged" in other.headers["location"], "a different case is new"
    assert "Your lines (2)" in text_of(resident.get("/caselog").text)


def test_a_case_dated_after_today_is_refused_at_the_date_with_the_values_kept(evening_web: Web) -> None:
    resident, csrf = evening_web.signed_in("resident")

    refused = log(resident, csrf, day="2027-03-05")

    assert refused.status_code == 422
    assert 'id="day-error"' in refused.text and "after today" in refused.text
    assert 'value="44970"' in refused.text
    assert "Your lines (0)" in text_of(refused.text)
