"""A program set up from nothing in a real headless Chromium: the admin makes it with the
new-program form, imports its residents from a pasted CSV, adds a shift type, posts and cover;
the chief solves it from /rosters (real CP-SAT in the server's job runner) and finds a draft
roster. Two tabs open on the same list find the second refused once the first has saved, with
the program as it is now. On a server of its own, since it stores a second program."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Browsing, Server, browse, screenshot, serving

SOLVE_S = 60_000  # ms a 10-second solve may take to end on a busy machine before the test gives up
PROGRAM = "small-ward"
RESIDENTS = """name, email, grade, start date
Nia Brook, nia@example.org, PGY-1,
Omar Vale, omar@example.org, PGY-2,
Pia Lund, pia@example.org, PGY-3,
Quinn Ash, quinn@example.org, PGY-4,
Rui Sol, rui@example.org, PGY-5,
"""


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("e2e-setup")) as found:
        yield found


@pytest.fixture
def browsing(browser: Browser, own_server: Server) -> Iterator[Browsing]:
    yield from browse(browser, own_server)


def _fill(page: Page, fields: dict[str, str | list[str]]) -> None:
    for name, value in fields.items():
        if isinstance(value, list):  # a list: its checkboxes, ticked by the names they show
            for label in value:
                page.locator(f"#f-{name}").get_by_label(label, exact=True).check()
            continue
        field = page.locator(f"#entry-form [name={name}]")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)  # a reference: the names shown, the id sent
        else:
            field.fill(value)


def _add(page: Page, section: str, fields: dict[str, str | list[str]], said: str) -> None:
    page.goto(f"/setup/{section}?program={PROGRAM}")
    _fill(page, fields)
    page.click("#entry-form button:text('Add')")
    expect(page.locator(".notice")).to_contain_text(said)


def _fits_a_phone(page: Page, name: str) -> None:
    """The page at 390 px, with nothing wider than the screen, and at 1280 px."""
    page.set_viewport_size({"width": 390, "height": 844})
    wide = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, f"{name}-phone")
    assert wide <= 390, f"{name} is {wide} px wide on a 390 px phone"
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, name)


def test_a_program_built_from_forms_and_a_csv_import_solves(browsing: Browsing) -> None:
    admin = browsing.as_user("admin")
    admin.goto("/setup")
    new = admin.locator("#new-program")
    new.locator("[name=name]").fill("Small ward")
    new.locator("[name=hospital]").fill("Small General")
    new.locator("[name=timezone]").fill("America/New_York")
    new.locator("[name=start]").fill("2027-03-01")
    new.locator("[name=days]").fill("7")
    new.locator("[name=service]").fill("Ward")
    new.locator("[name=shift]").fill("Day")
    new.locator("[name=shift_start]").fill("07:00")
    new.locator("[name=shift_hours]").fill("12")
    new.locator("[name=shift_kind]").select_option("day")
    new.locator("button[type=submit]").click()
    expect(admin.locator(".notice")).to_contain_text("Program small-ward made")
    _fits_a_phone(admin, "setup")

    admin.goto(f"/setup/people?program={PROGRAM}")
    admin.fill("#csv-text", RESIDENTS)
    admin.click("text=Import every resident")
    expect(admin.locator(".notice")).to_contain_text("Imported 5 residents")
    expect(admin.locator(".setup-list")).to_contain_text("Quinn Ash")

    _add(admin, "shifts", {"name": "Night", "start": "19:00", "duration": "12h"}, "Added shift type Night")
    admin.goto(f"/setup/shifts?program={PROGRAM}")
    # A refusal: the field says why, and what was typed stays
    _fill(admin, {"name": "Late", "start": "25:00", "duration": "4h"})
    admin.click("#entry-form button:text('Add')")
    expect(admin.locator("#start-error")).to_be_visible()
    expect(admin.locator("#entry-form [name=name]")).to_have_value("Late")

    _add(admin, "posts", {"service": "ward", "name": "Ward day", "shifts": ["Day"]}, "Added post Ward day")
    _fits_a_phone(admin, "setup-posts")
    _add(
        admin,
        "posts",
        {"service": "ward", "name": "Ward night", "shifts": ["Night"]},
        "Added post Ward night",
    )
    _add(admin, "cover", {"post": "ward-day", "shift": "day", "min": "1"}, "Added cover demand Ward day, Day")
    _add(
        admin, "cover", {"post": "ward-night", "shift": "night", "min": "1"}, "Added cover demand Ward night"
    )
    _fits_a_phone(admin, "setup-cover")
    admin.goto(f"/setup/people/nia-brook?program={PROGRAM}")
    posts = admin.locator("#f-posts")
    expect(posts.get_by_label("Ward day", exact=True)).to_be_checked()
    expect(posts.get_by_label("Ward night", exact=True)).to_be_checked()
    _fits_a_phone(admin, "setup-person")
    # A post unticked is a post they may no longer work, the rest kept
    posts.get_by_label("Ward night", exact=True).uncheck()
    admin.click("#entry-form button:text('Save')")
    expect(admin.locator(".notice")).to_contain_text("Changed person Nia Brook")
    admin.goto(f"/setup/people/nia-brook?program={PROGRAM}")
    expect(posts.get_by_label("Ward day", exact=True)).to_be_checked()
    expect(posts.get_by_label("Ward night", exact=True)).not_to_be_checked()
    for section in ("services", "shifts", "leave", "requests", "rotations"):
        admin.goto(f"/setup/{section}?program={PROGRAM}")
        _fits_a_phone(admin, f"setup-{section}")

    chief = browsing.as_user("chief")
    chief.goto(f"/rosters?program={PROGRAM}")
    chief.select_option("select[name=time_limit]", "10")
    chief.click("text=Solve a draft")
    expect(chief).to_have_url(re.compile(r"/rosters/jobs/\d+$"))
    expect(chief.locator('[data-field="state"]')).to_have_text("done", timeout=SOLVE_S)
    chief.click("text=/Compare draft \\d+/")
    expect(chief.locator("h1")).to_contain_text("(draft)")
    expect(chief.locator("#main")).to_contain_text("Nia Brook")
    screenshot(chief, "setup-solved-draft")
    assert not browsing.problems, browsing.problems


def test_two_tabs_remove_different_people_and_the_second_is_refused_with_the_list_as_it_is_now(
    browsing: Browsing,
) -> None:
    admin = browsing.as_user("admin")
    admin.on("dialog", lambda dialog: dialog.accept())  # "Remove this person from the program?"
    names = ["Tab One", "Tab Two"]  # two people on no shift, so either may be removed
    for name in names:
        admin.goto("/setup/people")
        _fill(admin, {"name": name, "grade": "PGY-1"})
        admin.click("#entry-form button:text('Add')")
        expect(admin.locator(".notice")).to_contain_text(f"Added person {name}")
    other = admin.context.new_page()
    other.on("dialog", lambda dialog: dialog.accept())
    admin.goto("/setup/people/tab-one")
    other.goto(admin.url.replace("tab-one", "tab-two"))
    admin.click("button:text('Remove this person')")
    expect(admin.locator(".notice")).to_contain_text(f"Removed person {names[0]}")
    other.click("button:text('Remove this person')")
    refused = other.locator("#form-errors")
    expect(refused).to_contain_text("The program changed since you opened this form")
    expect(other.locator(".setup-list")).not_to_contain_text(names[0])
    expect(other.locator(".setup-list")).to_contain_text(names[1])
    _fits_a_phone(other, "setup-refused-stale")
    other.click("button:text('Remove this person')")  # the page is now the newest: it removes
    expect(other.locator(".notice")).to_contain_text(f"Removed person {names[1]}")
    expect(other.locator(".setup-list")).not_to_contain_text(names[1])


def test_a_refused_program_file_lands_on_its_problems_and_a_line_link_selects_that_line(
    browsing: Browsing,
) -> None:
    admin = browsing.as_user("admin")
    admin.goto("/admin#program")
    source = admin.locator("#source")
    text = source.input_value()
    expect(admin.locator("#source-gutter")).to_contain_text("120")  # the gutter numbers every line
    broken = text.replace("duration: 12h", "duration: -3h", 1)
    line = broken.split("\n").index(next(row for row in broken.split("\n") if "duration: -3h" in row)) + 1
    # Set as a paste would (Playwright's fill of a 900-line text outlasts its timeout)
    source.evaluate(
        "(element, text) => { element.value = text; element.dispatchEvent(new Event('input')); }", broken
    )
    admin.fill("#reason", "shorter days")
    admin.click("text=Save as a new program version")
    issues = admin.locator("#source-issues")
    expect(issues).to_be_in_viewport()
    expect(issues).to_be_focused()
    screenshot(admin, "admin-editor-refused")
    admin.click(f"#source-issues a[data-line='{line}']")
    expect(source).to_be_focused()
    selected = source.evaluate("element => element.value.slice(element.selectionStart, element.selectionEnd)")
    assert "duration: -3h" in selected
    _fits_a_phone(admin, "admin-editor")


def test_the_chief_declares_a_conflict_on_a_phone(browsing: Browsing) -> None:
    chief = browsing.as_user("chief", phone=True)
    chief.goto("/setup/conflicts")
    people = chief.locator("#first option")
    first, second = people.nth(1).get_attribute("value"), people.nth(2).get_attribute("value")
    assert first and second
    chief.select_option("#first", first)
    chief.select_option("#second", second)
    chief.fill("#reason", "Siblings")
    chief.click("#entry-form button[type=submit]")
    expect(chief.locator(".notice")).to_contain_text("Declared")
    expect(chief.locator(".setup-list")).to_contain_text("Siblings")
    wide = chief.evaluate("document.documentElement.scrollWidth")
    screenshot(chief, "setup-conflicts-phone")
    assert wide <= 390
    # Back, and sent again (the browser keeps what was chosen): declared once, and said so
    chief.go_back()
    expect(chief.locator("#reason")).to_have_value("Siblings")
    chief.click("#entry-form button[type=submit]")
    expect(chief.locator(".notice")).to_contain_text("Already saved")
    expect(chief.locator(".setup-list tbody tr").filter(has_text="Siblings")).to_have_count(1)
    chief.set_viewport_size({"width": 1280, "height": 900})
    screenshot(chief, "setup-conflicts")
