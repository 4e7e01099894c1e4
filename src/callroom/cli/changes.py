"""Roster change commands: `callroom repair`, `callroom approve`, and `callroom changes ...`
(list, show, check, swap, offer, day-off, accept, decline, withdraw, open-shift, take).

The CLI acts as the chief (`cli:USER`, role chief) unless `--by` names someone (a person of the
program) and `--role` their role. Exit codes: 0 done, 2 bad input or a refused action (the
message names the field), 3 no repair keeps the hard rules within the limits given, 4 none found
within the time limit.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from callroom.accounts.roles import Role
from callroom.changes.repairs import RepairAsk
from callroom.changes.service import ChangeService
from callroom.changes.types import Decision, ProposalRecord
from callroom.cli.console import console, fail
from callroom.cli.context import services
from callroom.cli.identity import acting
from callroom.cli.params import ProposalId

changes_app = typer.Typer(
    no_args_is_help=True, help="Swaps, offered shifts, days off and open shifts; list and decide proposals."
)

By = Annotated[str | None, typer.Option(help="Who acts: a person id (default: cli:USER).")]
RoleOpt = Annotated[Role, typer.Option(help="Their role: chief decides, resident acts for themselves.")]


def _service() -> ChangeService:
    return services().changes


def repair(
    absent: Annotated[str, typer.Option(help="The absent person's id.")],
    start: Annotated[str, typer.Option("--from", help="Date or ISO datetime (hospital wall clock).")],
    end: Annotated[str, typer.Option("--to", help="Date (inclusive) or ISO datetime.")],
    time_limit: Annotated[float, typer.Option(help="Seconds for the change-minimising solve.")] = 10.0,
    window_from: Annotated[str | None, typer.Option(help="Change only days from this date...")] = None,
    window_to: Annotated[str | None, typer.Option(help="...to this date (inclusive).")] = None,
    only: Annotated[list[str] | None, typer.Option(help="Only move these people (repeat).")] = None,
    note: Annotated[str, typer.Option(help="Why, for the record.")] = "",
    by: By = None,
    role: RoleOpt = Role.CHIEF,
) -> None:
    """Repair the newest roster for an absence with the fewest changed person-days; stored as a
    proposal for `callroom approve`."""
    ask = RepairAsk(
        absent,
        start,
        end,
        _day(window_from, "window_from"),
        _day(window_to, "window_to"),
        tuple(only or ()),
        time_limit,
        note,
    )
    proposed = _service().propose_repair(acting(by, role), ask)
    payload = proposed.proposal.payload
    proven = "proven minimum" if payload["minimum_proven"] else "not proven minimal"
    console.print(
        f"Proposal {proposed.proposal.id}: {payload['changes']} changed person-days ({proven}), "
        f"status {payload['status']}, in {proposed.result.wall_s:.1f} s"
    )
    _print_moves(payload)
    console.print(f"Approve with `callroom approve {proposed.proposal.id}`.")


def _print_moves(payload: dict[str, object]) -> None:
    table = Table("Who", "Day", "Before", "After", "Why", title="Moves")
    for move in payload.get("moves", []):  # type: ignore[attr-defined]
        table.add_row(
            escape(move["name"]),
            move["day"],
            escape(move["before"]),
            escape(move["after"]),
            escape("; ".join(move["reasons"])),
        )
    console.print(table)
    for line in payload.get("shortfalls", []):  # type: ignore[attr-defined]
        console.print(f"[yellow]short:[/] {escape(line)}")
    for line in payload.get("blockers", []):  # type: ignore[attr-defined]
        console.print(f"  {escape(line)}")


def _day(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise fail(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from error


def approve(
    proposal: ProposalId,
    reason: Annotated[str, typer.Option(help="Why, for the audit trail.")] = "",
    by: By = None,
    role: RoleOpt = Role.CHIEF,
) -> None:
    """Approve a proposal: a new roster version, and a page to everyone whose shifts changed."""
    decision = _service().approve(acting(by, role), proposal, reason)
    _print_decision(decision)


def _print_decision(decision: Decision) -> None:
    version = decision.version
    made = f"roster version {version.number} (id {version.id})" if version else "no roster change"
    console.print(
        f"Proposal {decision.proposal.id} {decision.proposal.state}: {made}; "
        f"paged {', '.join(decision.notified) or 'nobody'}."
    )


def _print_records(records: list[ProposalRecord]) -> None:
    table = Table("Id", "Kind", "State", "From", "With", "Created")
    for r in records:
        table.add_row(
            str(r.id), r.kind, r.state, r.requester, r.colleague or "", f"{r.created_at:%Y-%m-%d %H:%M}"
        )
    console.print(table)


@changes_app.command("list")
def list_command(
    person: Annotated[str | None, typer.Option("--for", help="A person (default: chief's queue).")] = None,
) -> None:
    """Pending proposals: the chief's queue, or what concerns one person."""
    service, chief = _service(), acting(None, Role.CHIEF)
    _print_records(service.pending_for(chief, person) if person else service.pending_for_chief(chief))


@changes_app.command("show")
def show(proposal: ProposalId, by: By = None, role: RoleOpt = Role.CHIEF) -> None:
    """A proposal with its timeline and, for open shifts, who was offered it."""
    detail = _service().get(acting(by, role), proposal)
    record = detail.proposal
    console.print(f"Proposal {record.id}: {record.kind}, {record.state}, by {record.requester}")
    if record.kind == "repair":
        _print_moves(record.payload)
    for event in detail.events:
        console.print(
            f"  {event.at:%Y-%m-%d %H:%M:%S} {event.kind} by {event.actor} ({event.role}) "
            f"{event.detail or ''}"
        )
    for offer in detail.offers:
        console.print(f"  offered to {offer.person_id}: {offer.state}")


@changes_app.command("check")
def check(proposal: ProposalId, by: By = None, role: RoleOpt = Role.CHIEF) -> None:
    """Check a proposal against the newest roster for everyone it touches."""
    found = _service().check(acting(by, role), proposal)
    console.print("acceptable" if found.acceptable else f"[red]refused:[/] {escape(found.refusal or '')}")
    for violation in found.introduced:
        console.print(f"  would add {escape(str(violation))}")


@changes_app.command("swap")
def swap(
    day: str, colleague: str, colleague_day: str, by: By = None, role: RoleOpt = Role.RESIDENT, note: str = ""
) -> None:
    """Offer your shift on DAY for COLLEAGUE's shift on COLLEAGUE_DAY."""
    record = _service().propose_swap(
        acting(by, role), _must_day(day, "day"), colleague, _must_day(colleague_day, "colleague_day"), note
    )
    console.print(f"Proposal {record.id}: swap proposed to {colleague}.")


@changes_app.command("offer")
def offer(day: str, colleague: str, by: By = None, role: RoleOpt = Role.RESIDENT, note: str = "") -> None:
    """Offer your shift on DAY to COLLEAGUE."""
    record = _service().offer_shift(acting(by, role), _must_day(day, "day"), colleague, note)
    console.print(f"Proposal {record.id}: shift offered to {colleague}.")


@changes_app.command("day-off")
def day_off(day: str, by: By = None, role: RoleOpt = Role.RESIDENT, note: str = "") -> None:
    """Ask the chief for DAY off."""
    record = _service().request_day_off(acting(by, role), _must_day(day, "day"), note)
    console.print(f"Proposal {record.id}: day off requested.")


@changes_app.command("accept")
def accept(proposal: ProposalId, by: By = None, role: RoleOpt = Role.RESIDENT) -> None:
    """Accept a swap or an offered shift that names you."""
    record = _service().accept(acting(by, role), proposal)
    console.print(f"Proposal {record.id}: {record.state}.")


@changes_app.command("decline")
def decline(proposal: ProposalId, reason: str = "", by: By = None, role: RoleOpt = Role.CHIEF) -> None:
    """Decline (the colleague) or refuse (the chief) a proposal."""
    record = _service().decline(acting(by, role), proposal, reason)
    console.print(f"Proposal {record.id}: {record.state}.")


@changes_app.command("withdraw")
def withdraw(proposal: ProposalId, by: By = None, role: RoleOpt = Role.CHIEF) -> None:
    """Withdraw your proposal (or, as chief, cancel an open shift)."""
    record = _service().withdraw(acting(by, role), proposal)
    console.print(f"Proposal {record.id}: {record.state}.")


@changes_app.command("open-shift")
def open_shift(
    day: str,
    shift: str,
    post: str,
    holder: Annotated[str | None, typer.Option(help="Who gives it up (none: extra slot).")] = None,
    by: By = None,
    role: RoleOpt = Role.CHIEF,
    note: str = "",
) -> None:
    """Publish a hole; it is offered to everyone the rules let take it."""
    published = _service().publish_open_shift(
        acting(by, role), _must_day(day, "day"), shift, post, holder, note
    )
    offered = ", ".join(published.offered) or "nobody"
    console.print(f"Open shift {published.proposal.id} offered to {offered}.")


@changes_app.command("take")
def take(proposal: ProposalId, by: By = None, role: RoleOpt = Role.RESIDENT) -> None:
    """Take an open shift offered to you (the first to accept gets it)."""
    decision = _service().take_open_shift(acting(by, role), proposal)
    _print_decision(decision)


def _must_day(text: str, field: str) -> date:
    found = _day(text, field)
    assert found is not None
    return found


@changes_app.command("repair-day-off")
def repair_day_off(
    proposal: ProposalId, time_limit: float = 10.0, by: By = None, role: RoleOpt = Role.CHIEF
) -> None:
    """Grant a day off that would leave a hole with a repair (approve the repair to grant both)."""
    proposed = _service().repair_day_off(acting(by, role), proposal, time_limit)
    payload = proposed.proposal.payload
    console.print(
        f"Proposal {proposed.proposal.id}: {payload['changes']} changed person-days, status "
        f"{payload['status']}; approve it to grant day off {proposal}."
    )
    _print_moves(payload)
