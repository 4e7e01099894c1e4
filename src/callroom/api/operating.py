"""`/api/v1/or`: the OR board (import a day, read it, assign, move, publish, one's own cases),
a case's patient (guarded and audited; break-glass with a typed reason), the access log and the
retention purge; `/api/v1/caselog`: case logs, dashboards, the program's progress, import and
export; `/api/v1/cpt-table`: the program's CPT table.

Assigning a day takes seconds of CP-SAT, so it is a background job
(`JobService.submit_or_assign`): the route answers 202 with the job, as a repair does.

Who may try each route is the permission table; the services check the rest (a resident's own
case-log lines; whose patient a resident or attending may read). The patient routes pass their
own method and path template (`api.deps.route_name`) to the guard, which writes it into the access-log row.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from callroom.accounts.permissions import Permission
from callroom.api.auth import Principal, require
from callroom.api.deps import AppSettings, CaseLogs, Jobs, Operating, route_name
from callroom.api.params import Day, RowId
from callroom.api.schemas import ErrorRead
from callroom.api.schemas.jobs import JobRead
from callroom.api.schemas.operating import (
    AccessRead,
    BoardRead,
    BreakGlassCreate,
    CaseRead,
    CptTableCreate,
    CptTableRead,
    DashboardRead,
    FileCreate,
    ImportRead,
    LogCreate,
    LogRead,
    MoveCreate,
    OrImportCreate,
    PatientRead,
    PublishCreate,
    PublishRead,
    PurgeCreate,
    PurgeRead,
)

ERRORS = {status: {"model": ErrorRead} for status in (401, 403, 404, 409, 413, 422)}
router = APIRouter(prefix="/api/v1", tags=["operating room"], responses=ERRORS)  # type: ignore[arg-type]
Reader = Annotated[Principal, Depends(require(Permission.OR_READ))]
Chief = Annotated[Principal, Depends(require(Permission.OR_ASSIGN))]
PatientReader = Annotated[Principal, Depends(require(Permission.PHI_READ))]
GlassBreaker = Annotated[Principal, Depends(require(Permission.PHI_BREAK_GLASS))]
Auditor = Annotated[Principal, Depends(require(Permission.PHI_AUDIT))]
Purger = Annotated[Principal, Depends(require(Permission.PHI_PURGE))]
Own = Annotated[Principal, Depends(require(Permission.CASELOG_OWN))]
LogReader = Annotated[Principal, Depends(require(Permission.CASELOG_READ))]
CptEditor = Annotated[Principal, Depends(require(Permission.CPT_EDIT))]
IMPORT_PATHS = ("/api/v1/or/import", "/api/v1/caselog/import", "/api/v1/cpt-table")
"""The routes that take a whole file (up to the app's MAX_FILE_BYTES)."""
CaseId = Annotated[str, Query(min_length=1, max_length=100, description="the case's id on the board")]
CSV = {200: {"content": {"text/csv": {}}, "description": "CSV"}}


# --- the board ----------------------------------------------------------------------------


@router.post("/or/import")
def import_day(body: OrImportCreate, caller: Chief, service: Operating) -> ImportRead:
    """Import an OR schedule (CSV, or a FHIR R4 bundle for a .json file): all of it or nothing,
    each problem naming its line and column. Importing the same file again changes nothing."""
    return ImportRead.of(service.import_day(caller, body.text, body.filename, body.day))


@router.get("/or/days/{day}")
def board(day: Day, caller: Reader, service: Operating) -> BoardRead:
    """The day's cases (no patient identifiers), the newest plan and who may take what."""
    return BoardRead.of(service.cases(caller, day))


@router.get("/or/days/{day}/mine")
def my_cases(day: Day, caller: Reader, service: Operating) -> list[CaseRead]:
    """The caller's cases of the day in the published plan (or as their attending)."""
    return [CaseRead.of(c) for c in service.my_cases(caller, day)]


@router.post("/or/days/{day}/assign", status_code=202)
def assign(day: Day, caller: Chief, jobs: Jobs, response: Response) -> JobRead:
    """Queue the day's assignment, solved in the background (a day without cases is refused at
    once, 404, and queues nothing). Follow the job at `/api/v1/jobs/{id}` (or its `/events`):
    when done, its result holds the objective and bound, whether it is `optimal`, the draft
    `plan` version stored and, per case left without a surgeon, why each resident is out
    (`unassigned`); the board is `GET /api/v1/or/days/{day}`. When a plan was stored for the day
    since the job was asked, it fails (`error` says so) and stores nothing. Asked again while
    the day's assignment is queued or running, it answers that job (200)."""
    job, new = jobs.submit_or_assign(caller, day)
    if not new:
        response.status_code = 200
    return JobRead.of(job)


@router.post("/or/days/{day}/move")
def move(day: Day, body: MoveCreate, caller: Chief, service: Operating) -> BoardRead:
    """Put a resident on a case in a role (or take the role's holder off): 409 naming each rule
    it would break, nothing saved."""
    return BoardRead.of(
        service.move(caller, day, body.case_id, body.person_id, body.role, base_plan=body.plan)
    )


@router.post("/or/days/{day}/publish")
def publish(day: Day, caller: Chief, service: Operating, body: PublishCreate | None = None) -> PublishRead:
    """Publish the day's newest plan; each resident on it gets a notice of their cases (409 when
    the plan changed since the version sent)."""
    return PublishRead.of(service.publish(caller, day, base_plan=None if body is None else body.plan))


# --- patients -------------------------------------------------------------------------------


@router.get("/or/patient")
def patient(case_id: CaseId, request: Request, caller: PatientReader, service: Operating) -> PatientRead:
    """The case's patient, to the people on the case or its service that day, the chief and the
    program director; every read is logged. Anyone else: 403 (break the glass with a reason)."""
    return PatientRead.of(case_id, service.patient(caller, case_id, route=route_name(request)))


@router.post("/or/patient")
def break_glass(
    body: BreakGlassCreate, request: Request, caller: GlassBreaker, service: Operating
) -> PatientRead:
    """Break the glass: the patient of a case outside one's own, with a typed reason, logged as
    break-glass and shown in the review report."""
    found = service.patient(caller, body.case_id, route=route_name(request), reason=body.reason)
    return PatientRead.of(body.case_id, found)


@router.get("/or/access-log")
def access_log(
    caller: Auditor,
    service: Operating,
    break_glass_only: Annotated[bool, Query(description="only break-glass reads")] = False,
) -> list[AccessRead]:
    """Every attempt to read a patient's identifiers, newest first."""
    return [AccessRead.of(e) for e in service.access_log(caller, break_glass_only=break_glass_only)]


@router.post("/or/purge")
def purge(body: PurgeCreate, caller: Purger, service: Operating, settings: AppSettings) -> PurgeRead:
    """Remove the identifiers of patients whose newest case is older than the days given."""
    days = settings.phi_retention_days if body.older_than_days is None else body.older_than_days
    return PurgeRead.of(service.purge(caller, days))


# --- case logs ------------------------------------------------------------------------------


@router.get("/caselog/me")
def my_log(caller: Own, service: CaseLogs) -> list[LogRead]:
    return [LogRead.of(line) for line in service.entries(caller, caller.identity)]


@router.post("/caselog/me", status_code=201)
def log_case(body: LogCreate, caller: Own, service: CaseLogs) -> LogRead:
    """Log a case: 422 naming each credit rule it breaks."""
    return LogRead.of(service.log(caller, body.entry(caller.identity)))


@router.put("/caselog/me/{entry_id}")
def correct_case(entry_id: RowId, body: LogCreate, caller: Own, service: CaseLogs) -> LogRead:
    return LogRead.of(service.update(caller, entry_id, body.entry(caller.identity)))


@router.delete("/caselog/me/{entry_id}", status_code=204)
def remove_case(entry_id: RowId, caller: Own, service: CaseLogs) -> Response:
    service.remove(caller, entry_id)
    return Response(status_code=204)


@router.get("/caselog/me/dashboard")
def my_dashboard(caller: Own, service: CaseLogs) -> DashboardRead:
    return DashboardRead.of(service.dashboard(caller, caller.identity))


@router.get("/caselog/people/{person_id}")
def person_log(person_id: str, caller: LogReader, service: CaseLogs) -> list[LogRead]:
    return [LogRead.of(line) for line in service.entries(caller, person_id)]


@router.get("/caselog/people/{person_id}/dashboard")
def person_dashboard(person_id: str, caller: LogReader, service: CaseLogs) -> DashboardRead:
    return DashboardRead.of(service.dashboard(caller, person_id))


@router.get("/caselog/progress")
def program_progress(caller: LogReader, service: CaseLogs) -> list[DashboardRead]:
    """Every resident's counts against the minimums and their year's target."""
    return [DashboardRead.of(d) for d in service.program_progress(caller)]


@router.post("/caselog/import", status_code=201)
def import_log(body: FileCreate, caller: LogReader, service: CaseLogs) -> list[LogRead]:
    """Import a case log (resident,date,cpt,role,attending,case): all lines or none; the lines
    stored (a line logged already is skipped, not stored twice)."""
    return [LogRead.of(line) for line in service.import_log(caller, body.text, body.filename).stored]


@router.get("/caselog/export", response_class=Response, responses=CSV)  # type: ignore[arg-type]
def export_log(caller: LogReader, service: CaseLogs) -> Response:
    """Every line, for reconciling with the ACGME Case Log System."""
    return Response(service.export_log(caller), media_type="text/csv; charset=utf-8")


# --- the CPT table --------------------------------------------------------------------------


@router.get("/cpt-table")
def cpt_table(caller: Reader, service: CaseLogs) -> CptTableRead:
    return CptTableRead.of(service.cpt_table(caller))


@router.put("/cpt-table")
def replace_cpt_table(body: CptTableCreate, caller: CptEditor, service: CaseLogs) -> CptTableRead:
    """Replace the CPT table (checked whole: 422 naming line and column, nothing saved)."""
    return CptTableRead.of(service.replace_cpt_table(caller, body.text))
