"""Set-up (`/setup`): a program built and kept with forms instead of its YAML file, for whoever
edits reference data.

Every form reads the program's newest file, applies its one change (`formats.program_forms`)
and saves the file through `RosterService.replace_program`, the path the admin's YAML editor
and `PUT /api/v1/program` take, so the loader's checks are the only checks and a refusal saves
nothing. The refusal's fields of the file are turned back into the form's inputs, and the form
is shown again with what was typed. The version's reason is made from the form ("Added person
Ada Lovelace"): the form's purpose says why.

Two people may edit at once (or one in two tabs, or with the back button). So a form names its
entry by a stable key (`Section.key_of`), never by its place in a list, and carries the version
of the file it was opened from; a save over a newer version is refused (409) and the form shown
again over the file as it is now, with what was typed. A form sent twice is told apart: when
its change, made to the version it was opened from, gives the newest file, it is already saved
and nothing more is (`_commit`).

A program with no live roster yet (the first of a new database, or a new one) is made from the
new-program form (hospital, time zone, block, a first service and shift type) and solved from
`/rosters?program=NAME` once it has people, posts and cover. A residents list (CSV) adds many
people at once, all or nothing. The YAML stays the import and export: a download of the file
here, the admin's editor for a whole file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callroom.accounts.permissions import Permission
from callroom.api.deps import Rosters
from callroom.api.errors import status_of
from callroom.errors import CallroomError, Conflict, Detail, Invalid
from callroom.formats import program_forms as forms
from callroom.formats.residents_csv import read_residents
from callroom.formats.yaml_source import YamlPath
from callroom.rosters.service import ProgramFile, RosterService
from callroom.web.forms import (
    changed_since,
    check_csrf,
    form_data,
    form_joined,
    form_with_file,
    opened_version,
)
from callroom.web.session import Viewer, require
from callroom.web.templating import render

router = APIRouter()
Editor = Annotated[Viewer, Depends(require(Permission.REFERENCE_EDIT, "set up the program"))]
Form = Annotated[dict[str, str], Depends(form_data)]
Joined = Annotated[dict[str, str], Depends(form_joined)]  # a list's checkboxes, one value
# Makes one change to the file's data and says what it did (the version's reason)
Change = Callable[[forms.Document], str]
ProgramName = Annotated[str | None, Query(max_length=200)]
NEW_FIELDS = (
    "name",
    "hospital",
    "timezone",
    "start",
    "days",
    "service",
    "shift",
    "shift_start",
    "shift_hours",
    "shift_kind",
)


def _name(rosters: RosterService, program: str | None) -> str | None:
    """The program the pages set up: the one asked for, else the live one."""
    if program:
        return program
    live = rosters.live()
    return live.name if live is not None else None


def _file(rosters: RosterService, viewer: Viewer, name: str) -> ProgramFile:
    found = rosters.program_file(viewer.principal, name)
    if found is None:
        raise Invalid("program", f"no program {name!r} is stored yet: make it on the set-up page")
    return found


def _commit(rosters: RosterService, viewer: Viewer, name: str, form: dict[str, str], change: Change) -> str:
    """The change made to the newest file and saved as its next version, if that is the
    version the form was opened from (its hidden `version`); the notice to show. Conflict,
    nothing saved, when it is not, unless the same change was saved already (see the module)."""
    current = _file(rosters, viewer, name)
    opened = opened_version(form)
    if opened != current.version:
        return _already(rosters, viewer, name, opened, current, change)
    document = forms.load_document(current.text)
    reason = change(document)
    text = forms.dump_document(document)
    try:
        rosters.replace_program(viewer.principal, text, reason, program=name, base_version=current.version)
    except Conflict as error:
        if error.field != "version":
            raise
        raise changed_since() from error  # another save came between the read and this one
    return f"{reason}."


def _already(
    rosters: RosterService,
    viewer: Viewer,
    name: str,
    opened: int | None,
    current: ProgramFile,
    change: Change,
) -> str:
    then = None if opened is None else rosters.program_file(viewer.principal, name, opened)
    if then is None:
        raise changed_since()
    document = forms.load_document(then.text)
    try:
        reason = change(document)
    except CallroomError as error:
        raise changed_since() from error
    if document != forms.load_document(current.text):
        raise changed_since()
    return f"Already saved (this form was sent twice): {reason}."


def _back(path: str, name: str, **query: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?{urlencode({'program': name, **query})}", status_code=303)


# --- the overview, a new program, the file ---------------------------------------------------


@router.get("/setup", response_class=HTMLResponse)
def setup_page(
    request: Request, viewer: Editor, rosters: Rosters, program: ProgramName = None
) -> HTMLResponse:
    return _overview(request, viewer, rosters, _name(rosters, program))


def _overview(
    request: Request,
    viewer: Viewer,
    rosters: RosterService,
    name: str | None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    issues: list[Detail] | None = None,
) -> HTMLResponse:
    text = rosters.program_text(viewer.principal, name) if name else None
    document = forms.load_document(text) if text else None
    counts = {s.slug: len(s.entries(document)) for s in forms.SECTIONS.values()} if document else {}
    live = rosters.live()
    context = {
        "program": name if text else None,
        "document": document,
        "sections": forms.SECTIONS.values(),
        "counts": counts,
        "is_live": live is not None and live.name == name,
        "values": values
        or {"days": "28", "shift_start": "07:00", "shift_hours": "12", "timezone": "America/New_York"},
        "errors": errors or {},
        "issues": issues or [],
        "kinds": forms.SHIFT_KINDS,
        "notice": request.query_params.get("notice"),
    }
    return render(request, "setup.html", context, status)


@router.post("/setup/new", response_class=HTMLResponse)
def new_program(request: Request, viewer: Editor, form: Form, rosters: Rosters) -> Response:
    """A program's first file, stored under a name no program has yet."""
    check_csrf(request, viewer, form)
    values = {k: form.get(k, "") for k in NEW_FIELDS}
    name = forms.slug(values["name"]) if values["name"].strip() else ""
    errors: dict[str, str] = {}
    stored = rosters.program_text(viewer.principal, name) if name else None
    if stored is not None and forms.load_document(stored) == forms.new_program(values):
        # This very form, sent again (twice, or after the back button): made already
        return _back("/setup", name, notice=f"Program {name} was made already (this form was sent twice).")
    if not name:
        errors["name"] = "name the program (its name on the rosters page)"
    elif stored is not None:
        errors["name"] = f"a program {name!r} is stored already: choose another name"
    for required in ("service", "shift"):
        if not values[required].strip():
            errors[required] = "required: more can be added afterwards"
    if errors:
        return _overview(request, viewer, rosters, None, values, errors, 422)
    text = forms.dump_document(forms.new_program(values))
    try:
        rosters.replace_program(viewer.principal, text, f"New program {name}", program=name)
    except CallroomError as error:
        found, rest = _mapped(error, forms.new_program_field)
        return _overview(request, viewer, rosters, None, values, found, status_of(error), rest)
    return _back("/setup", name, notice=f"Program {name} made: add its people, posts and cover.")


@router.get("/setup/program.yaml")
def download(viewer: Editor, rosters: Rosters, program: ProgramName = None) -> Response:
    """The program file as stored (declared conflicts' reasons hidden): the export."""
    name = _name(rosters, program)
    text = rosters.program_text(viewer.principal, name) if name else None
    if name is None or text is None:
        raise Invalid("program", "no program is stored yet")
    headers = {"Content-Disposition": f'attachment; filename="{forms.slug(name)}.yaml"'}
    return Response(text, media_type="application/yaml", headers=headers)


# --- a residents list -------------------------------------------------------------------------


@router.post("/setup/residents", response_class=HTMLResponse)
async def import_residents(request: Request, viewer: Editor, rosters: Rosters) -> Response:
    """A CSV of residents (a file, or pasted text): every row added, or none."""
    fields, upload = await form_with_file(request, viewer)
    name = fields.get("program", "")
    text = fields.get("csv", "")
    if upload.raw:
        try:
            text = upload.text("")
        except Invalid as error:
            return _csv_refused(request, viewer, rosters, name, fields, error)
    try:
        notice = _commit(rosters, viewer, name, fields, lambda document: _add_residents(document, text))
    except CallroomError as error:
        return _csv_refused(request, viewer, rosters, name, fields, error)
    return _back("/setup/people", name, notice=notice)


def _add_residents(document: forms.Document, text: str) -> str:
    people = forms.PEOPLE.entries(document)
    taken = {str(p.get("id")) for _, p in people}
    rows = read_residents(text, {str(p.get("name") or "").lower() for _, p in people}, _emails(document))
    for row in rows:
        values = forms.person_values(row.name, row.email, row.grade, row.start, document)
        values["id"] = forms.unique_slug(row.name, taken)
        taken.add(values["id"])
        forms.apply(forms.PEOPLE, document, None, values)
    return f"Imported {len(rows)} residents from a list"


def _emails(document: forms.Document) -> set[str]:
    contacts = ((document.get("paging") or {}).get("contacts") or {}).get("people") or []
    return {str(c.get("email", "")).lower() for c in contacts if c.get("email")}


def _csv_refused(
    request: Request,
    viewer: Viewer,
    rosters: RosterService,
    name: str,
    fields: dict[str, str],
    error: CallroomError,
) -> HTMLResponse:
    return _section_page(
        request,
        viewer,
        rosters,
        forms.PEOPLE,
        name,
        csv={"text": fields.get("csv", ""), "message": error.message, "details": list(error.details)},
        status=status_of(error),
    )


# --- one section: list, add, change, remove ---------------------------------------------------


@router.get("/setup/{section}", response_class=HTMLResponse)
def section_page(
    request: Request, viewer: Editor, rosters: Rosters, section: str, program: ProgramName = None
) -> HTMLResponse:
    return _section_page(request, viewer, rosters, _section(section), _name(rosters, program) or "")


@router.get("/setup/{section}/{key}", response_class=HTMLResponse)
def edit_page(
    request: Request, viewer: Editor, rosters: Rosters, section: str, key: str, program: ProgramName = None
) -> HTMLResponse:
    return _section_page(request, viewer, rosters, _section(section), _name(rosters, program) or "", key=key)


@router.post("/setup/{section}", response_class=HTMLResponse)
def add(request: Request, viewer: Editor, form: Joined, rosters: Rosters, section: str) -> Response:
    return _save(request, viewer, form, rosters, _section(section), None)


@router.post("/setup/{section}/{key}", response_class=HTMLResponse)
def change(
    request: Request, viewer: Editor, form: Joined, rosters: Rosters, section: str, key: str
) -> Response:
    return _save(request, viewer, form, rosters, _section(section), key)


@router.post("/setup/{section}/{key}/remove", response_class=HTMLResponse)
def remove(
    request: Request, viewer: Editor, form: Form, rosters: Rosters, section: str, key: str
) -> Response:
    check_csrf(request, viewer, form)
    chosen, name = _section(section), form.get("program", "")
    try:
        notice = _commit(
            rosters,
            viewer,
            name,
            form,
            lambda document: f"Removed {chosen.noun} {forms.remove(chosen, document, key)}",
        )
    except CallroomError as error:
        return _section_page(
            request, viewer, rosters, chosen, name, key=key, general=[_said(error)], status=status_of(error)
        )
    return _back(f"/setup/{chosen.slug}", name, notice=notice)


def _section(slug: str) -> forms.Section:
    found = forms.SECTIONS.get(slug)
    if found is None:
        raise Invalid("section", f"there is no set-up page {slug!r}")
    return found


def _save(
    request: Request,
    viewer: Viewer,
    form: dict[str, str],
    rosters: RosterService,
    section: forms.Section,
    key: str | None,
) -> Response:
    check_csrf(request, viewer, form)
    name = form.get("program", "")
    values = {f.name: form.get(f.name, "") for f in section.fields}
    written: list[YamlPath] = []  # where the entry went, for naming a refusal's fields

    def change(document: forms.Document) -> str:
        label = forms.entry_label(section, document, key) if key is not None else ""
        written.append(forms.apply(section, document, key, values))
        label = section.label(document, _entry_at(document, written[-1])) or label
        return f"{'Added' if key is None else 'Changed'} {section.noun} {label}".strip()

    try:
        notice = _commit(rosters, viewer, name, form, change)
    except CallroomError as error:
        path = written[-1] if written and error.field != "version" else ()
        found, rest = _mapped(
            error, lambda field: forms.field_of(section, path, field) if path else None, section
        )
        return _section_page(
            request,
            viewer,
            rosters,
            section,
            name,
            key=key,
            values=values,
            errors=found,
            general=rest,
            status=status_of(error),
        )
    return _back(f"/setup/{section.slug}", name, notice=notice)


def _entry_at(document: forms.Document, path: YamlPath) -> forms.Entry:
    node: Any = document
    for part in path:
        node = node[part]
    found: forms.Entry = node
    return found


def _mapped(
    error: CallroomError, to_field: Callable[[str], str | None], section: forms.Section | None = None
) -> tuple[dict[str, str], list[Detail]]:
    """The refusal's problems beside the form's inputs they are about; the rest, for the top of
    the form (another part of the file the change broke: a cover demand of a removed post)."""
    names = {f.name for f in section.fields} if section is not None else set(forms.NEW_PROGRAM_FIELDS)
    found: dict[str, str] = {}
    rest: list[Detail] = []
    for detail in error.details or (Detail(error.field, error.message),):
        field = detail.field if detail.field in names else to_field(detail.field)
        if field is not None and field not in found:
            found[field] = detail.message
        elif field is None:
            rest.append(detail)
    return found, rest


def _said(error: CallroomError) -> Detail:
    return Detail(error.field, error.message)


def _section_page(
    request: Request,
    viewer: Viewer,
    rosters: RosterService,
    section: forms.Section,
    name: str,
    *,
    key: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    general: list[Detail] | None = None,
    csv: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    stored = _file(rosters, viewer, name)
    document = forms.load_document(stored.text)
    rows = section.rows(document)
    chosen = next((r for r in rows if r.key == key), None)
    if key is not None and chosen is None:
        # Removed or changed by someone since: the form adds what it holds, and says so
        gone = f"This {section.noun} is no longer in the program as it was (removed or changed since)"
        kept = [d for d in general or [] if d.field != "key"]
        general = [*kept, Detail("key", gone + (": saving adds it again." if values else "."))]
        key = None
    if values is None:
        values = dict(chosen.values) if chosen is not None else _defaults(section)
    context = {
        "program": name,
        "version": stored.version,
        # Rotations are a year file's: a block program's rotations page says so, with no form
        "takes_entries": section is not forms.ROTATIONS or isinstance(document.get("year"), dict),
        "section": section,
        "sections": forms.SECTIONS.values(),
        "rows": rows,
        "key": key,
        "values": values,
        "errors": errors or {},
        "general": general or [],
        "csv": csv,
        "names": forms.names(document),
        "choices": forms.choices(document),
        "notice": request.query_params.get("notice"),
    }
    return render(request, "setup_section.html", context, status)


def _defaults(section: forms.Section) -> dict[str, str]:
    if section is forms.POSTS:
        return {"new_patients": "1", "everyone": "1", "grades": "any"}
    if section is forms.COVER:
        return {"days": "daily", "grades": "any", "min": "1"}
    if section is forms.ROTATIONS:
        return {"length": "block", "vacation": "1"}  # as the file reads a rotation that says neither
    return {}
