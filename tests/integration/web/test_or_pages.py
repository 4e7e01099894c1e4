"""The OR pages: the chief imports a day's OR schedule, assigns it, moves residents (refused,
beside the case and with the choice kept, when a move breaks a rule), and publishes it; a
resident sees their cases and opens a case's patient (logged); someone outside a case breaks
the glass with a reason; the program director reads the access log, break-glass reads first."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx

from callroom.accounts.roles import Role
from callroom.domain.operating import CreditRole
from callroom.operating.types import DayBoard
from callroom.services import build_services
from callroom.web.operating_view import anchor
from tests.integration.web.conftest import Web
from tests.or_day import (
    APPENDIX,
    CHOLE,
    CONFLICTED,
    DAY,
    DAY_BEFORE,
    HEADER,
    HERNIA,
    PATIENTS,
    PEDIATRIC,
    RESIDENT,
    THYROID,
    bad_csv,
    or_day_csv,
)
from tests.principals import person

TAGS = re.compile(r"<[^>]+>")
FIXTURES = Path(__file__).parents[2] / "fixtures" / "operating"
ASSIGN_JOB = re.compile(r"^/or/jobs/(\d+)$")
BOARD_LINK = re.compile(r'<a href="([^"]+)">See the plan on the board</a>')


def text_of(page: str) -> str:
    return " ".join(html.unescape(TAGS.sub(" ", page)).split())


def import_day(client: httpx.Client, csrf: str, text: str, name: str = "or-2027-03-04.csv") -> httpx.Response:
    files = {"file": (name, text.encode(), "text/csv")}
    return client.post("/or/import", data={"csrf_token": csrf, "day": DAY.isoformat()}, files=files)


def queue_assign(client: httpx.Client, csrf: str, day: str) -> int:
    """The id of the assignment job the Assign button queued (the answer sends the chief to it)."""
    answer = client.post("/or/assign", data={"csrf_token": csrf, "day": day})
    assert answer.status_code == 303, text_of(answer.text)
    found = ASSIGN_JOB.search(answer.headers["location"])
    assert found is not None, answer.headers["location"]
    return int(found[1])


def assign(web: Web, client: httpx.Client, csrf: str, day: str) -> str:
    """The board the assignment job's page leads to once a worker has run it."""
    job_id = queue_assign(client, csrf, day)
    web.run_jobs()
    page = client.get(f"/or/jobs/{job_id}").text
    found = BOARD_LINK.search(page)
    assert found is not None, text_of(page)
    assert found[1] == f"/or?day={day}&amp;job={job_id}"
    return client.get(html.unescape(found[1])).text


def board(web: Web) -> DayBoard:
    """The day's board as the chief's service call sees it (for choosing moves, not for asserting
    what the page shows)."""
    return build_services(web.settings, web.database).operating.cases(
        person("yasmin-haddad", Role.CHIEF), DAY
    )


def roles_on(web: Web, case_id: str) -> list[tuple[str, CreditRole]]:
    """Who is on the case in the day's newest plan, and in which role."""
    found = board(web).case(case_id)
    assert found is not None, case_id
    return [(r.role.person_id, r.role.role) for r in found.roles]


def case_ids(web: Web) -> list[str]:
    """The day's case ids in the order of the CSV's rows (by room, then start)."""
    return [c.case.id for c in sorted(board(web).cases, key=lambda c: (c.case.room, c.case.start))]


def move(
    client: httpx.Client, csrf: str, case_id: str, who: str, role: CreditRole, action: str = "put"
) -> httpx.Response:
    form = {"csrf_token": csrf, "day": DAY.isoformat(), "case": case_id, "person": who, "role": role.value}
    return client.post("/or/move", data=form | {"action": action})


def test_the_chief_imports_a_day_and_its_board_names_no_patient(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    answer = import_day(chief, csrf, or_day_csv())
    assert answer.status_code == 200, text_of(answer.text)
    said = text_of(answer.text)
    assert "5 added" in said
    for words in ("OR 1", "OR 2", "Laparoscopic cholecystectomy", "Magnus Achterberg", "Amara Oyelowo"):
        assert words in said
    for name in PATIENTS:
        assert name not in answer.text
    assert "MRN100" not in answer.text
    page = chief.get(f"/or?day={DAY}")
    assert page.status_code == 200
    assert "PGY-3+" in text_of(page.text), "the thyroidectomy's least grade is shown"
    again = text_of(import_day(chief, csrf, or_day_csv()).text)
    assert "5 unchanged" in again, "importing the same file again changes nothing"


def test_a_fhir_bundle_is_imported_from_the_same_form(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    bundle = (FIXTURES / "or_day.fhir.json").read_text(encoding="utf-8")
    files = {"file": ("or-day.fhir.json", bundle.encode(), "application/fhir+json")}
    answer = chief.post("/or/import", data={"csrf_token": csrf}, files=files)
    assert answer.status_code == 200, text_of(answer.text)
    said = text_of(answer.text)
    assert "Imported or-day.fhir.json for Tue 02 Mar" in said and "added" in said
    assert "OR board · Tuesday 02 March 2027" in said, "the board shows the day the bundle held"


def test_a_file_with_mistakes_is_refused_row_by_row_and_nothing_is_imported(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    answer = import_day(chief, csrf, bad_csv())
    assert answer.status_code == 422
    said = text_of(answer.text)
    assert "nothing was imported" in said.lower()
    assert "line 3" in said and "line 4" in said, said
    assert "No cases on this day" in said


def test_the_chief_assigns_then_a_move_that_breaks_a_rule_is_refused_beside_the_case(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    import_day(chief, csrf, or_day_csv())
    page = assign(sqlite_web, chief, csrf, DAY.isoformat())
    summary = re.search(r'<p id="assigned-summary">(.*?)</p>', page, re.S)
    assert summary is not None
    said = text_of(summary[1])
    assert "Every case has a resident; this is the best plan under the program's weights (proven)." in said
    assert "Objective" not in said, "the solver's figures are folded away, not in the sentence"
    assert re.search(
        r'<details class="solver-figures"[^>]*><summary>[^<]*</summary>\s*<p[^>]*>Objective -?\d+', page
    )
    ids = case_ids(sqlite_web)
    refused = move(chief, csrf, ids[CHOLE], CONFLICTED, CreditRole.FA)
    assert refused.status_code in (409, 422)
    assert f'id="{anchor(ids[CHOLE])}-error"' in refused.text
    kept = re.search(rf'<option value="{CONFLICTED}"[^>]*selected', refused.text)
    assert kept is not None, "the resident chosen is still chosen after the refusal"
    assert all(who != CONFLICTED for who, _ in roles_on(sqlite_web, ids[CHOLE])), "nothing was saved"
    too_junior = move(chief, csrf, ids[THYROID], RESIDENT, CreditRole.SJ)
    assert too_junior.status_code in (409, 422)
    assert "PGY-3" in text_of(too_junior.text)


def test_a_case_nobody_may_take_is_listed_with_why_each_resident_is_out(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    later = "2027-04-15"  # past the stored roster's block: nobody is on a service that day
    row = f"OR 1,{later} 08:00,60,Inguinal hernia repair,49505,Magnus Achterberg,gen-surg,MRN2001,Ada Byron,,"
    files = {"file": ("later.csv", f"{HEADER}\n{row}\n".encode(), "text/csv")}
    assert chief.post("/or/import", data={"csrf_token": csrf}, files=files).status_code == 200
    said = text_of(assign(sqlite_web, chief, csrf, later))
    assert "1 case has no resident (below, with why);" in said
    assert "Cases left without a resident" in said
    assert "Kwame Mensah: not on General Surgery that day" in said


def test_assigning_a_day_whose_job_is_waiting_leads_to_that_job(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    import_day(chief, csrf, or_day_csv())
    first = queue_assign(chief, csrf, DAY.isoformat())
    assert queue_assign(chief, csrf, DAY.isoformat()) == first
    page = text_of(chief.get(f"/or/jobs/{first}").text)
    assert f"OR assignment #{first}" in page and DAY.strftime("%A %d %B %Y") in page


def test_a_plan_changed_while_the_assignment_waited_is_kept_and_the_board_says_why(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    import_day(chief, csrf, or_day_csv())
    job_id = queue_assign(chief, csrf, DAY.isoformat())
    ids = case_ids(sqlite_web)
    assert move(chief, csrf, ids[APPENDIX], RESIDENT, CreditRole.SJ).status_code == 303
    sqlite_web.run_jobs()
    said = text_of(chief.get(f"/or?day={DAY.isoformat()}&job={job_id}").text)
    assert "The assignment stored nothing" in said and "changed since the assignment was asked" in said
    assert roles_on(sqlite_web, ids[APPENDIX]) == [(RESIDENT, CreditRole.SJ)]


def test_the_chief_reads_why_a_resident_in_a_declared_conflict_is_out_and_a_resident_reads_no_job(
    sqlite_web: Web,
) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    case = "Inguinal hernia repair,49505,Magnus Achterberg,gen-surg"
    rooms = "".join(f"OR {n},{DAY} 07:30,60,{case},MRN-9{n:02},P {n},,\n" for n in range(1, 21))
    import_day(chief, csrf, f"{HEADER}\n{rooms}")
    job_id = queue_assign(chief, csrf, DAY.isoformat())
    said = text_of(assign(sqlite_web, chief, csrf, DAY.isoformat()))  # the same job, run
    assert "Cases left without a resident" in said
    assert "Hana Takeda: may not operate with Magnus Achterberg (declared conflict):" in said
    assert "Relationship disclosed" in said and "confidential rule" not in said
    resident, _ = sqlite_web.signed_in("resident")
    assert resident.get(f"/or/jobs/{job_id}").status_code == 403
    theirs = text_of(resident.get(f"/or?day={DAY.isoformat()}&job={job_id}").text)
    assert "Cases left without a resident" not in theirs and "Relationship disclosed" not in theirs


def test_a_legal_move_is_saved_and_publishing_tells_each_resident(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    import_day(chief, csrf, or_day_csv())
    ids = case_ids(sqlite_web)
    put = move(chief, csrf, ids[APPENDIX], RESIDENT, CreditRole.SJ)
    assert put.status_code == 303, text_of(put.text)
    assert roles_on(sqlite_web, ids[APPENDIX]) == [(RESIDENT, CreditRole.SJ)]
    published = chief.post("/or/publish", data={"csrf_token": csrf, "day": DAY.isoformat()})
    assert published.status_code == 200
    assert "Told 1 resident" in text_of(published.text) and "Kwame Mensah" in text_of(published.text)
    resident, _ = sqlite_web.signed_in("resident")
    mine = text_of(resident.get(f"/or/mine?day={DAY_BEFORE}").text)
    assert "Laparoscopic appendectomy" in mine and "Amara Oyelowo" in mine and "SJ" in mine
    attending, _ = sqlite_web.signed_in("attending")
    his = text_of(attending.get(f"/or/mine?day={DAY_BEFORE}").text)
    assert "Laparoscopic cholecystectomy" in his and "Inguinal hernia repair" in his
    assert "You are the attending" in his and "Laparoscopic appendectomy" not in his
    removed = move(chief, csrf, ids[APPENDIX], RESIDENT, CreditRole.SJ, action="remove")
    assert removed.status_code == 303
    assert roles_on(sqlite_web, ids[APPENDIX]) == []


def test_a_resident_reads_the_published_plan_while_the_chief_works_on_a_draft(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    import_day(chief, csrf, or_day_csv())
    ids = case_ids(sqlite_web)
    assert move(chief, csrf, ids[APPENDIX], RESIDENT, CreditRole.SJ).status_code == 303
    resident, _ = sqlite_web.signed_in("resident")

    drafted = text_of(resident.get("/or", params={"day": DAY.isoformat()}).text)
    assert "no plan published yet" in drafted and "SJ Kwame Mensah" not in drafted
    case_page = resident.get("/or/case", params={"id": ids[APPENDIX], "day": DAY.isoformat()})
    assert "SJ Kwame Mensah" not in text_of(case_page.text)

    chief.post("/or/publish", data={"csrf_token": csrf, "day": DAY.isoformat()})
    assert move(chief, csrf, ids[APPENDIX], RESIDENT, CreditRole.SJ, action="remove").status_code == 303
    published = text_of(resident.get("/or", params={"day": DAY.isoformat()}).text)
    assert "published" in published and "SJ Kwame Mensah" in published, "the published plan, not the draft"
    assert "draft" not in published


def test_a_resident_on_a_case_sees_its_patient_and_the_read_is_logged(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    import_day(chief, csrf, or_day_csv())
    ids = case_ids(sqlite_web)
    move(chief, csrf, ids[APPENDIX], RESIDENT, CreditRole.SJ)
    resident, rcsrf = sqlite_web.signed_in("resident")
    page = resident.get("/or/case", params={"id": ids[APPENDIX], "day": DAY.isoformat()})
    assert page.status_code == 200
    assert "Alan Turing" not in page.text, "opening a case does not read its patient"
    shown = resident.post(
        "/or/case/patient", data={"csrf_token": rcsrf, "case": ids[APPENDIX], "day": str(DAY)}
    )
    assert shown.status_code == 200
    assert "Alan Turing" in shown.text and "MRN1003" in shown.text
    chief_page = chief.get("/or/case", params={"id": ids[PEDIATRIC], "day": str(DAY)})
    assert "Break glass" not in chief_page.text, "the chief reads any case's patient without a reason"
    read = chief.post("/or/case/patient", data={"csrf_token": csrf, "case": ids[PEDIATRIC], "day": str(DAY)})
    assert read.status_code == 200 and PATIENTS[PEDIATRIC] in read.text


def test_someone_outside_a_case_breaks_the_glass_and_the_director_sees_it_first_by_name_and_case(
    sqlite_web: Web,
) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    import_day(chief, csrf, or_day_csv())
    ids = case_ids(sqlite_web)
    outsider, ocsrf = sqlite_web.signed_in("resident2")
    page = outsider.get("/or/case", params={"id": ids[PEDIATRIC], "day": DAY.isoformat()})
    assert "Break glass" in page.text
    url, form = (
        "/or/case/patient",
        {"csrf_token": ocsrf, "case": ids[PEDIATRIC], "day": str(DAY), "break_glass": "1"},
    )
    plain = outsider.post(url, data={k: v for k, v in form.items() if k != "break_glass"})
    assert plain.status_code == 403, "the guard refuses a plain read of a case not theirs"
    assert "type why" in text_of(plain.text) and PATIENTS[PEDIATRIC] not in plain.text
    no_reason = outsider.post(url, data=form)
    assert no_reason.status_code == 422
    assert 'id="reason-error"' in no_reason.text and PATIENTS[PEDIATRIC] not in no_reason.text
    reason = "Paged to the recovery room for this patient's airway"
    glass = outsider.post(url, data=form | {"reason": reason})
    assert glass.status_code == 200 and PATIENTS[PEDIATRIC] in glass.text
    director, _ = sqlite_web.signed_in("director")
    report = director.get("/or/access")
    assert report.status_code == 200
    said = text_of(report.text)
    assert reason in said
    assert said.index("Break glass") < said.index(reason) < said.index("Other reads")
    glass_row = said[said.index("Break glass") : said.index(reason)]
    assert "Hana Takeda" in glass_row and "resident2" not in said
    assert "OR 3, 08:00, Appendectomy" in glass_row and ids[PEDIATRIC] not in said
    assert PATIENTS[PEDIATRIC] not in said
    assert sqlite_web.signed_in("resident")[0].get("/or/access").status_code == 403


def test_the_chief_adds_a_case_by_hand_and_one_that_clashes_is_refused_with_the_form_kept(
    sqlite_web: Web,
) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    import_day(chief, csrf, or_day_csv())
    assert chief.get(f"/or/case/new?day={DAY}").status_code == 200
    form = {
        "csrf_token": csrf,
        "day": DAY.isoformat(),
        "start": "07:45",
        "minutes": "60",
        "room": "OR 1",
        "procedure": "Umbilical hernia repair",
        "cpt": "49505",
        "service": "gen-surg",
        "attending": "magnus-achterberg",
    }
    clash = chief.post("/or/case", data=form)
    assert clash.status_code == 422
    said = text_of(clash.text)
    assert 'id="start-error"' in clash.text
    assert "OR 1 is taken at that time by OR 1, 07:30, Laparoscopic cholecystectomy (until 09:00)" in said
    assert f"{DAY}/OR" not in said, "a case is named by its room, time and procedure, never its id"
    assert 'value="Umbilical hernia repair"' in clash.text, "what was typed is kept"
    saved = chief.post("/or/case", data=form | {"start": "13:30"})
    assert saved.status_code == 303
    board_page = text_of(chief.get(saved.headers["location"]).text)
    assert "Umbilical hernia repair" in board_page and "13:30–14:30" in board_page
    added = next(c for c in board(sqlite_web).cases if c.case.procedure == "Umbilical hernia repair")
    edit = chief.get("/or/case/edit", params={"id": added.case.id, "day": DAY.isoformat()})
    assert 'value="Umbilical hernia repair"' in edit.text
    moved = chief.post("/or/case", data=form | {"id": added.case.id, "start": "14:00", "minutes": "45"})
    assert moved.status_code == 303
    again = next(c for c in board(sqlite_web).cases if c.case.id == added.case.id)
    assert again.case.minutes == 45


def test_a_move_from_a_board_someone_changed_since_is_refused_and_the_board_shown_as_it_is_now(
    sqlite_web: Web,
) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    import_day(chief, csrf, or_day_csv())
    ids = case_ids(sqlite_web)
    assert move(chief, csrf, ids[HERNIA], RESIDENT, CreditRole.FA).status_code == 303
    opened = re.search(r'name="plan" value="(\d+)"', chief.get(f"/or?day={DAY}").text)
    assert opened is not None, "the board's forms carry the plan version they were opened on"
    other_tab = move(chief, csrf, ids[HERNIA], RESIDENT, CreditRole.FA, action="remove")
    assert other_tab.status_code == 303
    form = {"csrf_token": csrf, "day": str(DAY), "case": ids[APPENDIX], "person": RESIDENT, "role": "FA"}
    stale = chief.post("/or/move", data=form | {"action": "put", "plan": opened[1]})
    assert stale.status_code == 409
    assert "the plan changed since you opened it" in text_of(stale.text)
    assert roles_on(sqlite_web, ids[APPENDIX]) == [], "nothing was saved"
    published = chief.post("/or/publish", data={"csrf_token": csrf, "day": str(DAY), "plan": opened[1]})
    assert published.status_code == 409 and 'id="publish-error"' in published.text


def test_after_publishing_an_edit_shows_changed_since_published_and_publishing_tells_only_whom_it_changed(
    sqlite_web: Web,
) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    import_day(chief, csrf, or_day_csv())
    ids = case_ids(sqlite_web)
    assert move(chief, csrf, ids[APPENDIX], RESIDENT, CreditRole.SJ).status_code == 303
    first = text_of(chief.post("/or/publish", data={"csrf_token": csrf, "day": str(DAY)}).text)
    assert "Told 1 resident of their cases" in first and "Kwame Mensah: OR Thu 04 Mar: 08:00 OR 2" in first
    form = {
        "csrf_token": csrf,
        "day": str(DAY),
        "start": "13:30",
        "minutes": "60",
        "room": "OR 1",
        "procedure": "Umbilical hernia repair",
        "cpt": "49505",
        "service": "gen-surg",
        "attending": "magnus-achterberg",
    }
    assert chief.post("/or/case", data=form).status_code == 303
    taken = chief.post("/or/case", data=form | {"procedure": "Parathyroidectomy", "cpt": "60500"})
    assert taken.status_code == 422 and 'id="start-error"' in taken.text
    assert "OR 1 already has a case at 13:30 (Umbilical hernia repair): change that case instead" in text_of(
        taken.text
    )
    assert 'value="Parathyroidectomy"' in taken.text, "what was typed is kept"
    added = text_of(chief.get(f"/or?day={DAY}").text)
    assert "changed since published" in added
    nobody = text_of(chief.post("/or/publish", data={"csrf_token": csrf, "day": str(DAY)}).text)
    assert "No resident's cases changed, so no one was told" in nobody

    appendix = board(sqlite_web).case(ids[APPENDIX])
    assert appendix is not None
    edited = form | {
        "id": ids[APPENDIX],
        "start": "08:30",
        "minutes": "75",
        "room": "OR 2",
        "procedure": "Laparoscopic appendectomy",
        "cpt": "44970",
        "attending": appendix.case.attending_id or "",
        "continuity": RESIDENT,
    }
    assert chief.post("/or/case", data=edited).status_code == 303
    changed = chief.get(f"/or?day={DAY}").text
    assert "changed since published" in text_of(changed)
    assert re.search(r'id="publish-button"(?! disabled)', changed), "Publish is offered again"
    told = text_of(chief.post("/or/publish", data={"csrf_token": csrf, "day": str(DAY)}).text)
    assert "Told 1 resident what changed for them" in told
    assert "Kwame Mensah: OR Thu 04 Mar changed: OR 2 Laparoscopic appendectomy now starts at 08:30" in told


def test_importing_a_published_day_again_keeps_hand_cases_and_names_removed_cases_that_had_residents(
    sqlite_web: Web,
) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    import_day(chief, csrf, or_day_csv())
    ids = case_ids(sqlite_web)
    assert move(chief, csrf, ids[APPENDIX], RESIDENT, CreditRole.SJ).status_code == 303
    chief.post("/or/publish", data={"csrf_token": csrf, "day": str(DAY)})
    form = {
        "csrf_token": csrf,
        "day": str(DAY),
        "start": "13:30",
        "minutes": "60",
        "room": "OR 1",
        "procedure": "Umbilical hernia repair",
        "cpt": "49505",
        "service": "gen-surg",
    }
    assert chief.post("/or/case", data=form).status_code == 303

    again = text_of(import_day(chief, csrf, or_day_csv()).text)
    assert "5 unchanged" in again and "removed" not in again
    assert "Umbilical hernia repair" in again, "the case added by hand stays"

    rows = or_day_csv().splitlines()
    without = "\n".join(row for row in rows if "Laparoscopic appendectomy" not in row) + "\n"
    removed = text_of(import_day(chief, csrf, without).text)
    assert "1 removed (no longer in the file)" in removed
    assert (
        "Removed with residents on the published plan: OR 2, 08:00, Laparoscopic appendectomy."
        " Publish to tell their residents." in removed
    )
    assert "changed since published" in removed
    told = text_of(chief.post("/or/publish", data={"csrf_token": csrf, "day": str(DAY)}).text)
    assert (
        "Kwame Mensah: OR Thu 04 Mar changed: you are no longer on OR 2, 08:00, Laparoscopic appendectomy"
        in told
    )


def test_a_case_with_no_patient_says_so_on_its_page_and_showing_it_stays_there(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    form = {
        "csrf_token": csrf,
        "day": DAY.isoformat(),
        "start": "16:00",
        "minutes": "60",
        "room": "OR 9",
        "procedure": "Block booking",
        "cpt": "49505",
        "service": "gen-surg",
        "attending": "magnus-achterberg",
    }
    assert chief.post("/or/case", data=form).status_code == 303
    added = next(c for c in board(sqlite_web).cases if c.case.procedure == "Block booking")
    nobody = "No patient is on record for this case (none imported, or removed after 30 days)."

    page = chief.get("/or/case", params={"id": added.case.id, "day": str(DAY)})
    assert nobody in text_of(page.text) and 'id="show-patient"' not in page.text
    shown = chief.post("/or/case/patient", data={"csrf_token": csrf, "case": added.case.id, "day": str(DAY)})

    assert shown.status_code == 200, "a page sent from before says it on the case, no dead end"
    assert nobody in text_of(shown.text) and "Block booking" in text_of(shown.text)
    assert f"{DAY}/OR" not in text_of(shown.text)
