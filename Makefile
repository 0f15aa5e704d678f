# Two commands on a fresh machine: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PORT   ?= 8501
DEMO_ITEMS ?= 5000

.PHONY: install run test test-fast bench soak lint clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Embedded SQLite ledger with demo data and one demo account per role, on http://localhost:$(PORT)
run: install
	LEDGER_DEMO=1 $(BIN)/python manage.py migrate
	LEDGER_DEMO=1 $(BIN)/python manage.py seed-demo --items $(DEMO_ITEMS) --if-empty
	LEDGER_DEMO=1 $(BIN)/python -m streamlit run server.py --server.port $(PORT)

# Lint (incl. complexity), then the whole suite: core, db, pages (AppTest) and browser tests,
# on SQLite and (if LEDGER_TEST_POSTGRES_URL is set) PostgreSQL
test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/run_all.py

# Longer runs of what `make test` runs briefly (tests/soak): fuzzing, many editors against
# PostgreSQL with browser sessions, database faults on a private PostgreSQL. Bounded in time.
SOAK_SECONDS ?= 300
soak: install
	$(BIN)/python soak/fuzz.py --seconds $(SOAK_SECONDS)
	$(BIN)/python soak/load.py --seconds $(SOAK_SECONDS) --workers 12 --browsers 3
	$(BIN)/python soak/faults.py --rounds 3

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
