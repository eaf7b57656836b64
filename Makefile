# The two commands of the README: `make demo` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := demo/coop.db
DEMO_DATE := 2022-01-15

.PHONY: demo test lint stress bench load bench-calendar install reference dist clean catalogs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Calendar clients' parsers the tests read exports with (ical.js, pinned in package-lock.json);
# only where node is installed: the tests that need it say so and run where it is.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "node/npm not found: the ical.js calendar test will be skipped"; fi

# Byte-compile the package as a regular install does: the environment may forbid writing
# bytecode (PYTHONDONTWRITEBYTECODE), and recompiling every module on each run slows start-up.
# The gettext catalogs (.po) are compiled into the .mo files the program reads, as the wheel's build does.
install: $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m compileall -q src
	$(BIN)/python hatch_build.py

# Extract the strings to translate into locale/coop.pot and bring every language's coop.po up to
# date with it (new strings empty, changed ones fuzzy): then translate them (docs/translating.md).
LOCALE := src/coopprogram/locale
LANGUAGES := es pt
catalogs: install
	$(BIN)/pybabel extract -F babel.cfg -k lang -k plural:1,2 --sort-by-file --no-wrap \
		--project coopprogram --copyright-holder "the coopprogram authors" -o $(LOCALE)/coop.pot src/coopprogram
	@for code in $(LANGUAGES); do \
		if [ -f $(LOCALE)/$$code/LC_MESSAGES/coop.po ]; then \
			$(BIN)/pybabel update -i $(LOCALE)/coop.pot -d $(LOCALE) -D coop -l $$code --no-wrap; \
		else $(BIN)/pybabel init -i $(LOCALE)/coop.pot -d $(LOCALE) -D coop -l $$code --no-wrap; fi; \
	done
	$(BIN)/python hatch_build.py

demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/coop --db $(DEMO_DB) init --demo
	$(BIN)/coop --db $(DEMO_DB) status --as-of $(DEMO_DATE)

# The whole suite on SQLite; then, when COOP_TEST_DATABASE_URL names a PostgreSQL server
# (.ci/run sets it where one answers), the whole suite again on a fresh database there.
# Each run spreads the tests over the machine's cores (pytest-xdist); every worker has its own
# databases (SQLite files, or its own database on the server).
test: install
	env -u COOP_TEST_DATABASE_URL $(BIN)/python -m pytest -q -n auto
	@if [ -n "$$COOP_TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL =="; \
		$(BIN)/python -m pytest -q -n auto; \
	fi

# The quality gate: lint rules, formatting and types (configured in pyproject.toml).
lint: install
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy

# Start-up and large-program timings against their targets (generates benchmarks/.data once);
# SIZE=10x for the ten-times program; on PostgreSQL too when COOP_BENCH_DATABASE_URL is set.
SIZE ?= 1x
bench: install
	$(BIN)/python benchmarks/bench.py --size $(SIZE)

# Many at once: CLIENTS (8) processes running coop in a loop for SECONDS (60) on a copy of the
# large program, on SQLite and on PostgreSQL when COOP_BENCH_DATABASE_URL is set; then checks that nothing was lost.
CLIENTS ?= 8
SECONDS ?= 60
load: install
	$(BIN)/python benchmarks/load.py --clients $(CLIENTS) --seconds $(SECONDS)

# Only the calendar measurements (publish, unchanged CalDAV sync), on a sessions-only program
# made in a few minutes when the large one is not there; merged into benchmarks/results.json.
bench-calendar: install
	$(BIN)/python benchmarks/bench.py --calendar

# The concurrency, crash and fuzz tests at full length (minutes, not seconds).
stress: install
	COOP_STRESS=1 $(BIN)/python -m pytest -q -s tests/stress

# The command reference, docs/reference.md, from the commands' help (a test fails when it is stale).
reference: install
	$(BIN)/python scripts/reference.py

# The wheel and the source archive, and the manual page coop.1, in dist/ (see the README's
# "Installing from a wheel"): the wheel carries templates, migrations and the sample program.
dist: install
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	$(BIN)/python scripts/reference.py --man dist/coop.1
	@ls -1 dist

clean:
	rm -rf $(VENV) node_modules demo dist .pytest_cache .hypothesis
