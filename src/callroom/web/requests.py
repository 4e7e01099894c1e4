"""Requests and swaps (`/requests`): a resident asks for a day off, offers a shift or proposes
a swap (choosing from their own upcoming shifts and their colleague's); the colleague accepts;
the chief approves or refuses. A resident also asks for leave, a day off or a preference in the
next block, and sees what became of each. All of it is the change service of
`callroom.changes`, which checks the rules for everyone a change touches when it is asked for
and again before approval; a refusal names the rule it protects, with its numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callroom.accounts.permissions import Permission
from callroom.api.deps import Changes, Rosters
from callroom.api.errors import status_of
from callroom.api.params import RowId
from callroom.changes.ahead import WORDS, AheadAsk, ahead_words
from callroom.changes.service import ChangeService
from callroom.changes.types import Check, Decision, ProposalRecord, State
from callroom.domain.program import Program
from callroom.errors import CallroomError, Invalid
from callroom.rosters.live import Live
from callroom.rosters.wishes import Ahead, ahead_of
from callroom.web.forms import check_csrf, form_data
from callroom.web.session import Viewer, forbidden, viewer
from callroom.web.templating import render

router = APIRouter()
Signed = Annotated[Viewer, Depends(viewer)]
Form = Annotated[dict[str, str], Depends(form_data)]
# A proposal's state as its people read it: "accepted" means the colleague agreed (or, for a day
# off or a repair, that it went straight to the chief), so it waits for the chief.
STATE_WORDS = {
    State.PROPOSED: "waiting for the colleague",
    State.ACCEPTED: "waiting for the chief",
    State.APPROVED: "approved",
    State.DECLINED: "declined by the colleague",
    State.REFUSED: "refused by the chief",
    State.WITHDRAWN: "withdrawn",
    State.OPEN: "open to take",
    State.FILLED: "taken",
    State.CANCELLED: "taken back by the chief",
}
KIND_WORDS = {
    "swap": "Swap",
    "give_away": "Shift offered",
    "day_off": "Day off",
    "open_shift": "Open shift",
    "repair": "Repair",
}


def _may_see(viewer: Viewer) -> None:
    if not (viewer.can(Permission.REQUEST_OWN) or viewer.can(Permission.REQUEST_READ)):
        raise forbidden("see requests and swaps")


def describe(program: Program, record: ProposalRecord) -> list[str]:
    """The proposal's change in words: what comes off the roster and what goes on."""

    def one(item: dict[str, Any]) -> str:
        person = program.person.get(item["person_id"])
        shift, post = program.shift.get(item["shift_id"]), program.post.get(item["post_id"])
        day = date.fromisoformat(item["day"]).strftime("%a %d %b")
        who = person.name if person else item["person_id"]
        what = f"{shift.name if shift else item['shift_id']} · {post.name if post else item['post_id']}"
        return f"{who}: {what} on {day}"

    if ahead_of(record) is not None:
        return [ahead_words(program, record.payload)]
    slot = record.payload.get("slot")
    if isinstance(slot, dict):
        holder = record.payload.get("holder")
        return [f"open: {one(slot | {'person_id': holder or 'an extra slot'})}"]
    lines = [f"off: {one(a)}" for a in record.payload.get("removed", ())]
    lines += [f"on: {one(a)}" for a in record.payload.get("added", ())]
    return lines or [f"no shift to change ({record.payload.get('day', '')})"]


def _checks(service: ChangeService, viewer: Viewer, records: list[ProposalRecord]) -> dict[int, Check | str]:
    found: dict[int, Check | str] = {}
    for record in records:
        try:
            found[record.id] = service.check(viewer.principal, record.id)
        except CallroomError as error:
            found[record.id] = error.message
    return found


def _context(service: ChangeService, viewer: Viewer, live: Live, errors: dict[str, str]) -> dict[str, object]:
    me = viewer.person_id if viewer.can(Permission.REQUEST_OWN) else None
    # Requests for a later block are listed on their own, with what became of each.
    mine = [r for r in service.pending_for(viewer.principal) if ahead_of(r) is None] if me else []
    chief = service.pending_for_chief(viewer.principal) if viewer.can(Permission.REQUEST_READ) else []
    listed = {str(r.id) for r in (*mine, *chief)}
    program = live.program
    today = service.today()
    shifts = [a for a in live.roster.for_person(me) if a.day >= today] if me else []
    colleagues = [p for p in program.people if p.grade.is_resident and p.id != me]
    return {
        "theirs": [(p, [a for a in live.roster.for_person(p.id) if a.day >= today]) for p in colleagues],
        "asked": service.asked_ahead(viewer.principal) if me else [],
        "ahead_kinds": [(a.value, WORDS[a]) for a in Ahead if a is not Ahead.AVOID],
        "shift_types": program.shift_types,
        "next_day": program.block.end + timedelta(days=1),
        "live": live,
        "me": me,
        "mine": mine,
        "chief": chief,
        "checks": _checks(service, viewer, chief),
        "not_taken": service.why_not_taken(viewer.principal, mine),
        "describe": lambda r: describe(program, r),
        "kind_of": lambda r: "Next block" if ahead_of(r) is not None else KIND_WORDS.get(r.kind, r.kind),
        "states": STATE_WORDS,
        "my_shifts": shifts,
        "colleagues": colleagues,
        "can_approve": viewer.can(Permission.REQUEST_APPROVE),
        "people": program.person,
        "reads": viewer.can(Permission.REQUEST_READ),
        "errors": errors,
        # A refusal about a request no longer listed (taken meanwhile, say) is still said.
        "orphans": [
            f"Request #{key}: {message}"
            for key, message in errors.items()
            if key.isdigit() and key not in listed
        ],
    }


def _page(
    request: Request,
    viewer: Viewer,
    changes: ChangeService,
    live: Live | None,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    if live is None:
        return render(request, "empty.html", {"title": "Requests and swaps"})
    context = _context(changes, viewer, live, errors or {}) | {"values": values or {}, "notice": notice}
    return render(request, "requests.html", context, status=status)


@router.get("/requests", response_class=HTMLResponse)
def requests_page(request: Request, viewer: Signed, changes: Changes, rosters: Rosters) -> HTMLResponse:
    _may_see(viewer)
    notice = NOTICES.get(request.query_params.get("done", ""))
    return _page(request, viewer, changes, rosters.live(), notice=notice)


NOTICES = {
    "day-off": "Day off requested: it waits for the chief.",
    "ahead": "Asked for the next block: it waits for the chief.",
    "offer": "Shift offered: it waits for your colleague, then the chief.",
    "swap": "Swap proposed: it waits for your colleague, then the chief.",
    "accept": "Accepted: it waits for the chief.",
    "decline": "Declined.",
    "withdraw": "Withdrawn.",
    "approve": "Approved: the roster has a new version.",
    "refuse": "Refused.",
    "approve-unchanged": "Approved: nothing on the roster had to change.",
    "take": "The open shift is yours.",
}


def _done(action: str) -> Response:
    """Post/redirect/get: a reload does not send the form again."""
    return RedirectResponse(f"/requests?done={action}", status_code=303)


def _day(form: dict[str, str], field: str) -> date:
    try:
        return date.fromisoformat(form.get(field, ""))
    except ValueError as error:
        raise Invalid(field, "choose a day") from error


# The swap form chooses the colleague and their shift in one list ("theirs"): a refusal about
# either is said there.
SWAP_FIELDS = {"colleague": "theirs", "colleague_day": "theirs"}


def _theirs(form: dict[str, str]) -> tuple[str, date]:
    """The colleague and the day of the shift chosen from the list of their shifts."""
    colleague, _, day = form.get("theirs", "").partition("|")
    try:
        return colleague, date.fromisoformat(day)
    except ValueError as error:
        raise Invalid("theirs", "choose one of your colleague's shifts") from error


def _ahead(form: dict[str, str]) -> AheadAsk:
    """The request for a later block the form asks for; Invalid naming the field otherwise."""
    what = form.get("what", "")
    shift = None
    if what.startswith("avoid:"):
        what, shift = Ahead.AVOID.value, what.removeprefix("avoid:")
    if what not in {a.value for a in Ahead}:
        raise Invalid("what", "choose what you are asking for")
    first = _day(form, "first")
    last = _day(form, "last") if form.get("last") else first
    return AheadAsk(Ahead(what), first, last, shift, form.get("note", "").strip())


def _ask(service: ChangeService, viewer: Viewer, form: dict[str, str], action: str) -> None:
    caller, note = viewer.principal, form.get("note", "").strip()
    if action == "day-off":
        service.request_day_off(caller, _day(form, "day"), note)
    elif action == "offer":
        service.offer_shift(caller, _day(form, "day"), form.get("colleague", ""), note)
    elif action == "ahead":
        service.ask_ahead(caller, _ahead(form))
    else:
        colleague, their_day = _theirs(form)
        service.propose_swap(caller, _day(form, "day"), colleague, their_day, note)


@router.post("/requests/{action}", response_class=HTMLResponse)
def ask(
    request: Request, viewer: Signed, form: Form, changes: Changes, rosters: Rosters, action: str
) -> Response:
    """A resident's own request: `day-off`, `offer` (a shift to a colleague), `swap`, or
    `ahead` (leave, a day off or a preference in a later block)."""
    check_csrf(request, viewer, form)
    if not viewer.can(Permission.REQUEST_OWN) or action not in ("day-off", "offer", "swap", "ahead"):
        raise forbidden("make this request")
    try:
        _ask(changes, viewer, form, action)
    except CallroomError as error:
        field = SWAP_FIELDS.get(error.field, error.field) if action == "swap" else error.field
        errors = {f"{action}.{field}": error.message}
        return _page(
            request,
            viewer,
            changes,
            rosters.live(),
            errors=errors,
            values={f"{action}.{k}": v for k, v in form.items()},
            status=status_of(error),
        )
    return _done(action)


@router.post("/requests/{proposal_id}/{action}", response_class=HTMLResponse)
def act(
    request: Request,
    viewer: Signed,
    form: Form,
    changes: Changes,
    rosters: Rosters,
    proposal_id: RowId,
    action: str,
) -> Response:
    """Accept, decline, withdraw, take (the people in it); approve or refuse (the chief)."""
    check_csrf(request, viewer, form)
    _may_see(viewer)
    caller, reason = viewer.principal, form.get("reason", "").strip()
    if action in ("approve", "refuse") and not viewer.can(Permission.REQUEST_APPROVE):
        raise forbidden(f"{action} requests")
    calls: dict[str, Callable[[], object]] = {
        "accept": lambda: changes.accept(caller, proposal_id),
        "decline": lambda: changes.decline(caller, proposal_id, reason),
        "withdraw": lambda: changes.withdraw(caller, proposal_id),
        "take": lambda: changes.take_open_shift(caller, proposal_id),
        "approve": lambda: changes.approve(caller, proposal_id, reason),
        "refuse": lambda: changes.decline(caller, proposal_id, reason),
    }
    if action not in calls:
        raise forbidden(f"{action} a request")
    try:
        done = calls[action]()
    except CallroomError as error:
        return _page(
            request,
            viewer,
            changes,
            rosters.live(),
            errors={f"{proposal_id}": error.message},
            status=status_of(error),
        )
    unchanged = isinstance(done, Decision) and done.version is None
    return _done("approve-unchanged" if unchanged else action)
