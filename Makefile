# One entry per job. `make demo` and `make test` each set up .venv first, so a fresh clone needs
# nothing else (PostgreSQL for the integration tests is started by the test suite itself).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/callroom demo

check: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: check
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/solve_demo.py
	$(BIN)/python bench/grid.py
	$(BIN)/python bench/solve_progress.py
	$(BIN)/python bench/publish.py
	$(BIN)/python bench/jobs.py
	$(BIN)/python bench/or_assign.py
	$(BIN)/python bench/oncall.py
	$(BIN)/python bench/repair.py
	$(BIN)/python bench/paging.py
	$(BIN)/python bench/send_cpu.py
	$(BIN)/python bench/mass_page.py
	$(BIN)/callroom bench curtois --instances 1-24 --time-limit 60 --workers 2

clean:
	rm -rf $(VENV) callroom.db callroom.db-* out
