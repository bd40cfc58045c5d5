# Crux: `make run` starts the service on its embedded default; `make test` runs the suite on
# PostgreSQL and Redis. Both install what they need.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/crux
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# Three pytest-xdist workers (most tests wait on workers, browsers and servers, so three
# beat two on two cores), each with its own test database and Redis database
# (tests/isolation.py); TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 3

.PHONY: run test bench lint typecheck install services clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Crux needs $(PYTHON)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python scripts/run.py

services:
	bash scripts/ensure-services.sh

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

test: install services lint typecheck
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python manage.py makemigrations --check --dry-run
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) PYTHONPATH=. \
		$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal -p tests.isolation $(PYTEST_ARGS)

bench: install
	bash scripts/ensure-services.sh bench
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python bench/run_all.py

clean:
	rm -rf var $(VENV)
