"""The chief's CPT table page, step by step: the table shown with category names and the CSV in
the line-numbered editor, a refused edit (each problem listed once above the editor, linking to
its line, the text kept), a saved edit (the next version), and a save from an editor opened
before someone else saved (409, the text kept). Linked from the OR board for the chief only."""

from __future__ import annotations

import html
import re

from tests.integration.web.conftest import Web
from tests.integration.web.test_or_pages import text_of


def editor_text(page: str) -> str:
    found = re.search(r'<textarea id="source"[^>]*>(.*?)</textarea>', page, re.S)
    assert found is not None
    return html.unescape(found.group(1))


def base_of(page: str) -> str:
    found = re.search(r'name="base" value="(\d*)"', page)
    assert found is not None
    return found.group(1)


def test_the_chief_reads_refuses_saves_and_is_told_when_someone_saved_first(sqlite_web: Web) -> None:
    chief, csrf = sqlite_web.signed_in("chief")
    page = chief.get("/or/cpt")
    assert page.status_code == 200
    said = text_of(page.text)
    assert "47562 Laparoscopic cholecystectomy Biliary, " in said and "abdominal.biliary" in editor_text(
        page.text
    )
    assert "PGY-2" in said and base_of(page.text) == "0"
    text = editor_text(page.text)
    chole = next(row for row in text.splitlines() if row.startswith("47562,"))
    assert chole.endswith(",PGY-2,no")

    broken = text.replace(chole, chole.replace("PGY-2,no", "PGY-9,maybe"))
    refused = chief.post("/or/cpt", data={"csrf_token": csrf, "base": "0", "source": broken})
    assert refused.status_code == 422
    line = text.splitlines().index(chole) + 1
    assert refused.text.count(f'data-line="{line}"') == 2, "each problem once, linking to its line"
    assert "Nothing was saved: 2 problems in the table" in text_of(refused.text)
    assert editor_text(refused.text) == broken and 'aria-invalid="true"' in refused.text

    renamed = text.replace(chole, chole.replace("PGY-2", "PGY-3"))
    saved = chief.post("/or/cpt", data={"csrf_token": csrf, "base": "0", "source": renamed})
    assert saved.status_code == 303 and saved.headers["location"] == "/or/cpt?saved=1"
    after = chief.get(saved.headers["location"])
    assert "Saved as version 1" in text_of(after.text) and base_of(after.text) == "1"

    stale = chief.post("/or/cpt", data={"csrf_token": csrf, "base": "0", "source": text})
    assert stale.status_code == 409
    assert "someone saved the CPT table since you opened it (version 0, now 1)" in text_of(stale.text)
    assert editor_text(stale.text) == text and base_of(stale.text) == "0"


def test_the_or_board_links_the_cpt_table_for_the_chief_only(sqlite_web: Web) -> None:
    chief, _ = sqlite_web.signed_in("chief")
    resident, _ = sqlite_web.signed_in("resident")

    assert 'href="/or/cpt"' in chief.get("/or").text
    assert 'href="/or/cpt"' not in resident.get("/or").text
    assert resident.get("/or/cpt").status_code == 403
