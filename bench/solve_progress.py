"""Benchmark: from the chief pressing "Solve a draft" in the browser to the first progress of the
solve on the page. Goal: median ≤ 1 s.

    .venv/bin/python bench/solve_progress.py [--rounds 10]

Set-up (not timed): a fresh SQLite database in a temporary folder, the demo's block program with
a live roster, a chief's account; a real `callroom serve` (its job runner in the process, every
setting at its default) and Debian's headless Chromium driven by Playwright, signed in.

Each round (timed by the client): on /rosters, press Solve; the browser follows the redirect to
the job's page, which opens the job's event stream; the job runner claims the job and starts
CP-SAT; the heartbeat writes the job's progress and the stream sends it. Two times per round:
until the page shows the first progress event (the job running, in its first phase), and until
it shows the first roster found (the solver's first solution, seconds later on this model).
Then the round cancels the job and waits for the page to say so.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountSpec
from callroom.config import Settings
from callroom.demo import demo_program_path
from callroom.formats.program_file import load_program
from callroom.services import open_services
from callroom.storage import ProgramRepository

GOAL_S = 1.0
NAME = "st-elsewhere"
PASSWORD = "bench-chief-password"
CHROMIUM = "/usr/lib/chromium/chromium"
ADMIN = Principal("bench", Role.ADMIN)
FOUND = """() => {
  const shown = document.querySelector('[data-field="solutions"]');
  return shown && shown.textContent !== "0";
}"""


def _seed(url: str) -> None:
    """The demo block with a live roster (solved by a job run here) and a chief's account."""
    chief = Principal("bench-chief", Role.CHIEF)
    with open_services(Settings(database_url=url)) as services:
        text = demo_program_path().read_text(encoding="utf-8")
        with services.database.session() as session:
            ProgramRepository(session).save_source(NAME, text, str(demo_program_path()))
        services.jobs.submit_solve(chief, NAME, 3.0, draft=False)
        assert services.runner("bench").run_once(), "the first solve was not run"
        person = load_program(demo_program_path()).people[0].id
        spec = AccountSpec("chief", "Bench chief", Role.CHIEF, person, PASSWORD)
        services.accounts.add_account(ADMIN, spec)


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(url_db: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    environment = os.environ | {"CALLROOM_DATABASE_URL": url_db}
    command = [str(Path(sys.executable).parent / "callroom"), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=environment, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    while True:
        assert process.poll() is None, log.read_text()[-2000:]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/signin", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)


def _round(page: Page) -> tuple[float, float]:
    page.goto("/rosters")
    page.select_option("select[name=time_limit]", index=0)
    started = time.perf_counter()
    page.click("text=Solve a draft")
    page.wait_for_selector('[data-field="phase"]:has-text("·")', timeout=30_000)
    progress = time.perf_counter() - started
    page.wait_for_function(FOUND, timeout=60_000)
    found = time.perf_counter() - started
    page.click("text=Cancel")
    page.wait_for_selector('[data-field="state"]:text-is("cancelled")', timeout=30_000)
    return progress, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url_db = f"sqlite:///{Path(folder) / 'bench.db'}"
        _seed(url_db)
        port = _port()
        server = _serve(url_db, port, Path(folder) / "serve.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                page = browser.new_page(base_url=f"http://127.0.0.1:{port}")
                page.goto("/signin")
                page.fill("input[name=username]", "chief")
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                _round(page)  # warm-up: the first solve imports and builds what later ones reuse
                rounds = [_round(page) for _ in range(args.rounds)]
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    progress = [p for p, _ in rounds]
    found = [f for _, f in rounds]
    print(f"Press Solve to first progress on the page, demo block, {args.rounds} rounds (after one warm-up)")
    for label, values in (("first progress event (s)", progress), ("first roster found (s)", found)):
        median = statistics.median(values)
        print(f"{label:28} median {median:.2f}  min {min(values):.2f}  max {max(values):.2f}")
    verdict = "meets" if statistics.median(progress) <= GOAL_S else "misses"
    print(f"Goal: median ≤ {GOAL_S} s to the first progress event: {verdict} it.")


if __name__ == "__main__":
    main()
