"""Requests and swaps: offered, accepted, checked and approved or refused, through the pages."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import httpx

from callroom.accounts.demo import DemoAccount
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.changes.service import ChangeService
from callroom.domain.roster import Assignment
from callroom.rosters.audit import change_json
from callroom.rosters.live import LiveSchedules
from callroom.rosters.service import RosterService
from callroom.rules.change import give_away, impact
from callroom.storage import RosterRepository
from callroom.storage.changes_repositories import ChangeRepository, NewProposal
from tests.conflicts import conflict_swap, store_accepted
from tests.integration.web.conftest import Web
from tests.principals import CHIEF, admin
from tests.web_demo import DEMO_NAME, demo_program, find_offer, find_swap, sign_in_of, solved_demo

PROPOSAL = re.compile(r'id="proposal-(\d+)" data-state="([a-z_]+)"')


def _offer(web: Web, *, acceptable: bool) -> tuple[httpx.Client, httpx.Client, httpx.Client, int]:
    """The resident offers a shift to the colleague, who accepts; the chief's client and the id."""
    resident, r_csrf = web.signed_in("resident")
    colleague, c_csrf = web.signed_in("colleague")
    chief, _ = web.signed_in("chief")
    giver, taker = sign_in_of(web.sign_ins, "resident"), sign_in_of(web.sign_ins, "colleague")
    day = find_offer(
        demo_program(), solved_demo(), giver.person_id or "", taker.person_id or "", acceptable=acceptable
    )
    made = resident.post(
        "/requests/offer",
        data={
            "csrf_token": r_csrf,
            "day": day.isoformat(),
            "colleague": taker.person_id or "",
            "note": "family",
        },
    )
    assert made.status_code == 303 and made.headers["location"] == "/requests?done=offer"
    waiting = colleague.get("/requests").text
    proposal_id = int(PROPOSAL.search(waiting).group(1))  # type: ignore[union-attr]
    accepted = colleague.post(f"/requests/{proposal_id}/accept", data={"csrf_token": c_csrf})
    assert accepted.status_code == 303
    return resident, colleague, chief, proposal_id


def _csrf(client: httpx.Client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/requests").text).group(1)  # type: ignore[union-attr]


def test_an_offered_shift_accepted_and_approved_makes_a_new_roster_version(web: Web) -> None:
    _, _, chief, proposal_id = _offer(web, acceptable=True)
    queue = chief.get("/requests").text
    assert f'id="proposal-{proposal_id}" data-state="accepted"' in queue
    assert "The rules allow it for everyone it touches." in queue
    approved = chief.post(f"/requests/{proposal_id}/approve", data={"csrf_token": _csrf(chief)})
    assert approved.status_code == 303 and approved.headers["location"] == "/requests?done=approve"
    with web.database.reading() as session:
        versions = RosterRepository(session).list_versions(DEMO_NAME)
    assert [v.number for v in versions] == [1, 2]


def test_an_offer_that_breaks_a_hard_rule_is_refused_to_the_proposer_with_the_rule_and_kept_in_the_form(
    sqlite_web: Web,
) -> None:
    resident, csrf = sqlite_web.signed_in("resident")
    giver, taker = sign_in_of(sqlite_web.sign_ins, "resident"), sign_in_of(sqlite_web.sign_ins, "colleague")
    program = demo_program()
    day = find_offer(program, solved_demo(), giver.person_id or "", taker.person_id or "", acceptable=False)
    held = solved_demo().on(giver.person_id or "", day)
    assert held is not None
    broken = impact(program, solved_demo(), give_away(held, taker.person_id or "")).hard

    answer = resident.post(
        "/requests/offer",
        data={"csrf_token": csrf, "day": day.isoformat(), "colleague": taker.person_id or "", "note": "exam"},
    )

    assert answer.status_code == 422
    said = html.unescape(re.search(r'id="offer-colleague-error">(.*?)</p>', answer.text, re.S).group(1))  # type: ignore[union-attr]
    assert said.startswith("it would break ")
    assert all(v.rule.cited in said and v.message in said for v in broken)
    assert not any(v.rule.code in said for v in broken)
    assert f'<option value="{day.isoformat()}" selected>' in answer.text and 'value="exam"' in answer.text
    with sqlite_web.database.reading() as session:
        assert ChangeRepository(session).listing(states=("proposed", "accepted")) == []


def test_the_chief_sees_why_a_proposal_the_roster_has_moved_on_from_cannot_be_approved_and_no_approve_button(
    sqlite_web: Web,
) -> None:
    giver, taker = sign_in_of(sqlite_web.sign_ins, "resident"), sign_in_of(sqlite_web.sign_ins, "colleague")
    program, roster = demo_program(), solved_demo()
    day = find_offer(program, roster, giver.person_id or "", taker.person_id or "", acceptable=False)
    held = roster.on(giver.person_id or "", day)
    assert held is not None
    # Made before the roster moved on (it no longer passes): stored as it was then, accepted.
    with sqlite_web.database.session() as session:
        live = RosterRepository(session).newest_id(DEMO_NAME)
        assert live is not None
        stale = ChangeRepository(session).add(
            NewProposal(
                DEMO_NAME, "give_away", "accepted", live, giver.person_id or "", taker.person_id,
                change_json(give_away(held, taker.person_id or "")), "", datetime.now(UTC),
            )
        )  # fmt: skip
    chief, _ = sqlite_web.signed_in("chief")

    queue = chief.get("/requests").text

    card = re.search(rf'id="proposal-{stale.id}".*?</article>', queue, re.S)
    assert card is not None and "Cannot be approved:" in card.group(0)
    assert 'class="approve"' not in card.group(0) and "Refuse" in card.group(0)
    answer = chief.post(f"/requests/{stale.id}/approve", data={"csrf_token": _csrf(chief)})
    assert answer.status_code == 409 and "would break" in answer.text
    with sqlite_web.database.reading() as session:
        assert [v.number for v in RosterRepository(session).list_versions(DEMO_NAME)] == [1]


def test_a_resident_may_not_approve_and_a_bad_request_names_its_field(sqlite_web: Web) -> None:
    resident, _, _, proposal_id = _offer(sqlite_web, acceptable=True)
    csrf = _csrf(resident)
    assert resident.post(f"/requests/{proposal_id}/approve", data={"csrf_token": csrf}).status_code == 403
    bad = resident.post("/requests/day-off", data={"csrf_token": csrf, "day": ""})
    assert bad.status_code == 422 and 'id="day-off-day-error">choose a day' in bad.text
    outside = resident.post("/requests/day-off", data={"csrf_token": csrf, "day": "2030-01-01"})
    assert outside.status_code == 422 and 'id="day-off-day-error">' in outside.text
    nobody = resident.post(
        "/requests/offer", data={"csrf_token": csrf, "day": "2027-03-10", "colleague": "x"}
    )
    assert nobody.status_code in (404, 422) and 'class="field-error"' in nobody.text


def test_an_operator_may_not_see_requests(sqlite_web: Web) -> None:
    nurse, _ = sqlite_web.signed_in("operator")
    assert nurse.get("/requests").status_code == 403


def test_a_swap_proposed_accepted_and_approved_trades_the_two_shifts(sqlite_web: Web) -> None:
    resident, r_csrf = sqlite_web.signed_in("resident")
    colleague, c_csrf = sqlite_web.signed_in("colleague")
    chief, _ = sqlite_web.signed_in("chief")
    first, second = sign_in_of(sqlite_web.sign_ins, "resident"), sign_in_of(sqlite_web.sign_ins, "colleague")
    roster = solved_demo()
    mine, theirs = find_swap(demo_program(), roster, first.person_id or "", second.person_id or "")
    made = resident.post(
        "/requests/swap",
        data={
            "csrf_token": r_csrf,
            "day": mine.isoformat(),
            "theirs": f"{second.person_id}|{theirs.isoformat()}",
        },
    )
    assert made.status_code == 303
    proposal_id = int(PROPOSAL.search(colleague.get("/requests").text).group(1))  # type: ignore[union-attr]
    assert colleague.post(f"/requests/{proposal_id}/accept", data={"csrf_token": c_csrf}).status_code == 303
    approved = chief.post(f"/requests/{proposal_id}/approve", data={"csrf_token": _csrf(chief)})
    assert approved.status_code == 303
    with sqlite_web.database.reading() as session:
        rosters = RosterRepository(session)
        after = rosters.load_roster(rosters.by_number(DEMO_NAME, 2).id)  # type: ignore[union-attr]
    a, b = first.person_id or "", second.person_id or ""
    before_mine, before_theirs = roster.on(a, mine), roster.on(b, theirs)
    now_theirs, now_mine = after.on(b, mine), after.on(a, theirs)
    assert before_mine is not None and before_theirs is not None and now_theirs and now_mine
    assert (now_theirs.shift_id, now_theirs.post_id) == (before_mine.shift_id, before_mine.post_id)
    assert (now_mine.shift_id, now_mine.post_id) == (before_theirs.shift_id, before_theirs.post_id)


def offered_open_shift(web: Web) -> tuple[int, Assignment, str, httpx.Client]:
    """An open shift the chief offered from the grid (one of the resident's shifts someone may
    take): its id, the shift, and who may take it, signed in."""
    chief, csrf = web.signed_in("chief")
    holder = sign_in_of(web.sign_ins, "resident").person_id or ""
    changes = ChangeService(web.database, RosterService(web.database, LiveSchedules()))
    for held in solved_demo().for_person(holder)[2:]:
        answer = chief.post(
            "/schedule/open-shift", data={"csrf_token": csrf, "person": holder, "day": held.day.isoformat()}
        )
        assert answer.status_code == 200, answer.text
        found = re.search(r"Open shift #(\d+) offered", answer.text)
        assert found is not None
        proposal_id = int(found.group(1))
        offers = changes.get(CHIEF, proposal_id).offers
        if offers:
            break
    else:
        raise AssertionError("nobody could take any of the resident's shifts")
    taker = offers[0].person_id
    account = next((s for s in web.sign_ins if s.person_id == taker), None)  # one account a person
    if account is None:
        account = DemoAccount("taker", "taker-test-password", Role.RESIDENT, taker, "Taker")
        AccountService(web.database).add_account(
            admin("test"),
            AccountSpec(account.username, account.display_name, account.role, taker, account.password),
        )
    client, _ = web.signed_in(account.username, account)
    return proposal_id, held, taker, client


def test_an_open_shift_offered_from_the_grid_is_taken_by_a_resident_the_rules_allow(sqlite_web: Web) -> None:
    proposal_id, held, taker, client = offered_open_shift(sqlite_web)
    page = client.get("/requests").text
    assert f'id="proposal-{proposal_id}" data-state="open"' in page and "open: " in page
    taken = client.post(f"/requests/{proposal_id}/take", data={"csrf_token": _csrf(client)})
    assert taken.status_code == 303 and taken.headers["location"] == "/requests?done=take"
    with sqlite_web.database.reading() as session:
        rosters = RosterRepository(session)
        after = rosters.load_roster(rosters.by_number(DEMO_NAME, 2).id)  # type: ignore[union-attr]
    now = after.on(taker, held.day)
    assert now is not None and (now.shift_id, now.post_id) == (held.shift_id, held.post_id)
    assert after.on(held.person_id, held.day) is None


def test_an_open_shift_whose_slot_the_taker_already_holds_says_why_instead_of_offering_take_it(
    sqlite_web: Web,
) -> None:
    proposal_id, _, taker, client = offered_open_shift(sqlite_web)
    with sqlite_web.database.session() as session:  # the same shift offered twice
        changes = ChangeRepository(session)
        first = changes.get(proposal_id)
        assert first is not None
        fields = (first.program_name, first.kind, first.state, first.base_version_id, first.requester)
        copy = NewProposal(*fields, first.colleague, first.payload, first.note, first.created_at)
        twin = changes.add(copy).id
        changes.add_offers(twin, [taker], first.created_at)
    before = client.get("/requests").text
    assert before.count(">Take it</button>") == 2
    taken = client.post(f"/requests/{proposal_id}/take", data={"csrf_token": _csrf(client)})
    assert taken.status_code == 303
    page = client.get("/requests").text
    card = re.search(rf'<article class="card proposal" id="proposal-{twin}".*?</article>', page, re.S)
    assert card is not None
    assert "Take it" not in card.group(0)
    assert f"open shift {twin} no longer fits the roster" in html.unescape(card.group(0))


def test_a_cell_without_a_shift_cannot_be_offered(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    resident = sign_in_of(sqlite_web.sign_ins, "resident").person_id or ""
    free = next(d for d in demo_program().block.dates() if solved_demo().on(resident, d) is None)
    answer = chief.post(
        "/schedule/open-shift", data={"csrf_token": csrf, "person": resident, "day": free.isoformat()}
    )
    assert answer.status_code == 422 and "there is no shift in this cell to offer" in answer.text


def test_a_resident_a_request_does_not_touch_never_sees_it_or_its_note_and_the_director_does(
    sqlite_web: Web,
) -> None:
    _, _, _, proposal_id = _offer(sqlite_web, acceptable=True)
    outsider, _ = sqlite_web.signed_in("resident2")
    director, _ = sqlite_web.signed_in("director")

    theirs, directors = outsider.get("/requests").text, director.get("/requests").text

    assert f'id="proposal-{proposal_id}"' not in theirs and "family" not in theirs
    assert f'id="proposal-{proposal_id}" data-state="accepted"' in directors and "“family”" in directors


def _refusal(page: str, proposal_id: int) -> str:
    pattern = rf'id="proposal-{proposal_id}".*?<p class="warning check-refusal">(.*?)</p>'
    found = re.search(pattern, page, re.S)
    assert found is not None, "no refusal shown for the proposal"
    return html.unescape(found.group(1))


def test_a_swap_that_breaks_a_declared_conflict_names_the_pair_to_the_chief_alone(sqlite_web: Web) -> None:
    program = demo_program()
    found = conflict_swap(program, solved_demo())
    made = store_accepted(sqlite_web.database, DEMO_NAME, found)
    partner = program.person[found.partner].name
    director, _ = sqlite_web.signed_in("director")
    chief, _ = sqlite_web.signed_in("chief")

    directors = _refusal(director.get("/requests").text, made)
    chiefs = _refusal(chief.get("/requests").text, made)

    assert "A confidential rule" in directors and partner not in directors
    assert "declared conflict" not in directors and found.conflict.reason not in directors
    assert partner in chiefs and found.conflict.reason in chiefs


def test_the_swap_form_lists_each_colleagues_own_shifts_and_no_free_date(sqlite_web: Web) -> None:
    resident, _ = sqlite_web.signed_in("resident")
    them = sign_in_of(sqlite_web.sign_ins, "colleague").person_id or ""
    program, roster = demo_program(), solved_demo()

    page = resident.get("/requests").text

    form = re.search(r'id="swap-form".*?</form>', page, re.S)
    assert form is not None and 'type="date"' not in form.group(0)
    listed = set(re.findall(rf'<option value="{them}\|(\d{{4}}-\d{{2}}-\d{{2}})"', form.group(0)))
    assert listed == {a.day.isoformat() for a in roster.for_person(them)}
    group = html.escape(f"{program.person[them].name} ({program.person[them].grade.label})")
    assert f'<optgroup label="{group}">' in form.group(0)


def test_an_ask_for_the_next_block_inside_the_live_block_is_refused_on_its_field_keeping_what_was_typed(
    sqlite_web: Web,
) -> None:
    resident, csrf = sqlite_web.signed_in("resident")
    inside = demo_program().block.end.isoformat()
    form = {"csrf_token": csrf, "what": "avoid:night", "first": inside, "last": "", "note": "nights"}

    answer = resident.post("/requests/ahead", data=form)

    assert (
        answer.status_code == 422
        and 'id="ahead-first-error">choose a day after the live block' in answer.text
    )
    assert '<option value="avoid:night" selected>' in answer.text and f'value="{inside}"' in answer.text
    assert 'value="nights"' in answer.text


def test_a_wish_for_the_next_block_refused_by_the_chief_shows_the_resident_why(sqlite_web: Web) -> None:
    resident, csrf = sqlite_web.signed_in("resident")
    chief, _ = sqlite_web.signed_in("chief")
    day = (demo_program().block.end + timedelta(days=3)).isoformat()
    asked = resident.post("/requests/ahead", data={"csrf_token": csrf, "what": "prefer_on", "first": day})
    assert asked.status_code == 303 and asked.headers["location"] == "/requests?done=ahead"
    waiting = re.search(r'id="asked-(\d+)" data-state="accepted"', resident.get("/requests").text)
    assert waiting is not None
    proposal_id = int(waiting.group(1))

    refused = chief.post(
        f"/requests/{proposal_id}/refuse", data={"csrf_token": _csrf(chief), "reason": "cover is thin"}
    )

    assert refused.status_code == 303
    mine = resident.get("/requests").text
    row = re.search(rf'id="asked-{proposal_id}" data-state="refused">(.*?)</li>', mine, re.S)
    assert row is not None and "Rather work" in row.group(1) and "cover is thin" in row.group(1)
