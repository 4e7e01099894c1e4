"""Duty hours in a real headless Chromium against a real `callroom serve`: a resident logs a
week on a phone, the program director reviews a reason for staying late, each resident is
drawn against their own limit, and the pages fit a phone's width.

The server here holds last year's demo block (`tests.hours_demo`): a block that has ended, so
its shifts can be confirmed as worked on today's clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import Browsing, Server, browse, screenshot, serving
from tests.hours_demo import resident_on, store_past_demo

PHONE_PAGES = (
    ("resident", "/hours"),
    ("resident", "/hours/week?week=1"),
    ("chief", "/hours"),
    ("director", "/hours/review"),
    ("admin", "/admin"),
    ("operator", "/inbox"),
)

LONG_LINK = (
    "Results: https://lab.st-elsewhere.example/results/2026/patient-000012345/haematology-panel-complete"
)


@pytest.fixture(scope="module")
def past_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`callroom serve` over the demo accounts with last year's block as the live schedule
    (stored last, so the newest)."""
    with serving(tmp_path_factory.mktemp("e2e-hours"), store_past_demo) as found:
        yield found


@pytest.fixture
def browsing(browser: Browser, past_server: Server) -> Iterator[Browsing]:
    yield from browse(browser, past_server)


def _first_period(page: Page) -> Locator:
    return page.locator(".period").first


def _period_id(period: Locator) -> str:
    found = re.fullmatch(r"period-(\d+)", period.get_attribute("id") or "")
    assert found is not None
    return found.group(1)


def _confirm_week_one(page: Page) -> None:
    page.goto("/hours/week?week=1")
    expect(page.locator(".period")).to_have_count(0)
    page.click("#confirm-week")
    expect(page.locator("#confirm-notice")).to_contain_text("as scheduled")


def test_a_resident_confirms_a_week_in_one_tap_corrects_a_day_and_reads_the_director_s_decision(
    browsing: Browsing,
) -> None:
    phone = browsing.as_user("resident", phone=True)
    _confirm_week_one(phone)
    screenshot(phone, "hours-week-confirmed-phone")
    period = _first_period(phone)
    key = f"correct-{_period_id(period)}"
    start = phone.input_value(f"#{key}-start")
    period.locator("summary", has_text="Correct the times").click()
    phone.fill(f"#{key}-end", start[:11] + "20:30")
    phone.fill(f"#{key}-note", "stayed with bed 4")
    period.get_by_role("button", name="Save correction").click()
    expect(phone.locator(f"#{key}-notice")).to_contain_text("Corrected")
    expect(_first_period(phone).locator(".logged")).to_contain_text("–20:30")

    justify = f"justify-{_period_id(_first_period(phone))}"
    _first_period(phone).locator("summary", has_text="Say why").click()
    phone.select_option(f"#{justify}-reason", "severely_ill_patient")
    phone.fill(f"#{justify}-note", "bed 4 bled after the Whipple")
    _first_period(phone).get_by_role("button", name="Send the reason").click()
    expect(_first_period(phone).locator(".justification")).to_contain_text("Waiting for the program director")

    phone.goto("/hours")
    expect(phone.locator("#weekly-chart")).to_have_attribute("data-drawn", "1")
    labels = phone.evaluate("document.getElementById('weekly-chart').chart.data.datasets.map(d => d.label)")
    assert labels == ["Scheduled hours", "Logged hours", "80-hour limit"]
    first_week = phone.locator("#weeks-table tbody tr").first.locator("td")
    scheduled, logged = float(first_week.nth(1).inner_text()), float(first_week.nth(2).inner_text())
    assert logged > scheduled > 0  # the corrected day ran past its schedule
    screenshot(phone, "hours-logged-beside-scheduled-phone")

    director = browsing.as_user("director")
    director.goto("/hours/review")
    card = director.locator("#pending li", has_text="Kwame Mensah")
    expect(card).to_contain_text("care of a single severely ill or unstable patient")
    screenshot(director, "hours-review")
    card.locator("input[name=note]").fill("agreed: a single unstable patient")
    card.get_by_role("button", name="Accept").click()
    expect(director.locator("#review-notice")).to_contain_text("accepted")
    expect(director.locator("#decided")).to_contain_text("Kwame Mensah")

    phone.goto("/hours/week?week=1")
    expect(_first_period(phone).locator(".justification")).to_contain_text(
        "Accepted by Nadia Rahimi: agreed: a single unstable patient"
    )
    screenshot(phone, "hours-week-decided-phone")


def test_a_refused_correction_is_explained_next_to_the_field_and_keeps_what_was_typed(
    browsing: Browsing,
) -> None:
    phone = browsing.as_user("resident2", phone=True)
    _confirm_week_one(phone)
    first, second = phone.locator(".period").nth(0), phone.locator(".period").nth(1)
    key = f"correct-{_period_id(first)}"
    start = phone.input_value(f"#{key}-start")
    first.locator("summary", has_text="Correct the times").click()
    before_start = start[:11] + "06:00"
    phone.fill(f"#{key}-end", before_start)
    phone.fill(f"#{key}-note", "typed at 3 a.m.")
    first.get_by_role("button", name="Save correction").click()
    expect(phone.locator(f"#{key}-end-error")).to_contain_text("is not after the start")
    expect(phone.locator(f"#{key}-end")).to_have_value(before_start)
    expect(phone.locator(f"#{key}-note")).to_have_value("typed at 3 a.m.")
    expect(phone.locator(f"#{key}-end")).to_have_attribute("aria-invalid", "true")
    screenshot(phone, "hours-correction-refused-phone")

    later = phone.input_value(f"#correct-{_period_id(second)}-start")
    phone.fill(f"#{key}-start", later)
    phone.fill(f"#{key}-end", later[:11] + "23:30")
    phone.locator(f"#period-{_period_id(first)}").get_by_role("button", name="Save correction").click()
    expect(phone.locator(f"#{key}-start-error")).to_contain_text(
        f"overlaps the logged period {_period_id(second)}"
    )
    expect(phone.locator(f"#{key}-start")).to_have_value(later)
    expect(phone.locator(f"#{key}-end")).to_have_value(later[:11] + "23:30")


def test_clocking_in_and_out_is_one_tap_each_and_a_tap_in_by_mistake_logs_nothing(browsing: Browsing) -> None:
    """Out again within the minute (here, at once): a mistaken tap, so no empty period is
    logged. A whole period clocked in and out is the hours tests' (their clock is moved)."""
    phone = browsing.as_user("colleague", phone=True)
    phone.goto("/hours/week")
    phone.click("#clock-in")
    expect(phone.locator("#clock")).to_contain_text("Clocked in")
    expect(phone.locator("#clock-out")).to_be_visible()
    phone.click("#clock-out")
    expect(phone.locator("#clock-notice")).to_contain_text("nothing logged")
    expect(phone.locator("#clock-in")).to_be_visible()


@pytest.mark.parametrize(("rotation", "limit"), [("neurosurgery", 88), ("gen-surg", 80)])
def test_a_resident_is_drawn_against_the_limit_of_their_rotation(
    browsing: Browsing, rotation: str, limit: int
) -> None:
    person = resident_on(rotation)
    chief = browsing.as_user("chief")
    chief.goto(f"/hours?person={person.id}")
    expect(chief.locator("#weekly-chart")).to_have_attribute("data-drawn", "1")
    line = chief.evaluate("document.getElementById('weekly-chart').chart.data.datasets.at(-1)")
    assert line["label"] == f"{limit}-hour limit" and set(line["data"]) == {limit}
    expect(chief.locator("#chosen-limit")).to_have_text(str(limit))
    chief.goto("/hours")
    expect(chief.locator("#overview-chart")).to_have_attribute("data-drawn", "1")
    marks = chief.evaluate(
        "(() => { const c = document.getElementById('overview-chart').chart;"
        " return Object.fromEntries(c.data.labels.map((l, i) => [l, c.data.datasets.at(-1).data[i]])); })()"
    )
    assert marks[person.name] == limit
    expect(chief.locator(f'#hours-table tr[data-person="{person.id}"] td.limit')).to_have_text(str(limit))
    if rotation == "neurosurgery":
        screenshot(chief, "hours-overview-own-limits")


def _page_the_operators_with_a_long_link(page: Page) -> None:
    """A page whose text has a word longer than a phone is wide: a link to a lab result."""
    page.goto("/inbox")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    form: dict[str, str | float | bool] = {
        "csrf_token": token,
        "target": "operators",
        "body": LONG_LINK,
        "callback": "4411",
        "priority": "urgent",
    }
    sent = page.request.post("/oncall/page", form=form)
    assert sent.ok and "sent" in sent.text(), sent.text()[-800:]


@pytest.mark.parametrize(("username", "path"), PHONE_PAGES)
def test_the_page_fits_a_phone_without_sideways_scrolling(
    browsing: Browsing, username: str, path: str
) -> None:
    """Measured with the content that widened pages before: the chief's table of every
    resident, the operators' queue holding a page with a long link."""
    phone = browsing.as_user(username, phone=True)
    if path == "/inbox":
        _page_the_operators_with_a_long_link(phone)
    phone.goto(path)
    phone.wait_for_load_state("load")
    widths = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    name = path.strip("/").replace("/", "-").split("?")[0]
    screenshot(phone, f"phone-{name}-{username}")
    assert widths[0] <= widths[1], f"{path} as {username} is {widths[0]} px wide on a {widths[1]} px phone"
