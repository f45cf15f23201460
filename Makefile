# Two commands: `make run` (app on the seed graph, embedded store) and `make test` (whole suite, real Neo4j);
# `make test-fast` is the suite without the slow and browser tests, for the edit-test loop.
# Re-running is cheap: the install step re-runs only when pyproject.toml changes.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
KG_DATA     ?= data/graph.json
NEO4J_PORT  ?= $(or $(KG_NEO4J_PORT),7687)
PYTEST_ARGS ?=
TEST_WORKERS ?= auto
FAST_JAVA_OPTS ?= -XX:TieredStopAtLevel=1

export KG_DATA

.PHONY: install run test test-fast neo4j-start neo4j-stop neo4j-status system-deps clean

install: $(STAMP)
	@:

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { echo "make: '$(PYTHON) -m venv' failed (Debian: apt-get install python3-venv)" >&2; exit 1; }
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "install: pip install -e '.[dev]' into $(VENV)"
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]' >$(VENV)/install.log 2>&1 \
		|| { tail -n 20 $(VENV)/install.log >&2; echo "make: pip install failed (full log: $(VENV)/install.log)" >&2; exit 1; }
	@touch $@

run: install
	@mkdir -p $(dir $(KG_DATA))
	$(BIN)/kg build seeds/
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port 8501 --server.headless true --browser.gatherUsageStats false

system-deps:
	@bash scripts/system-deps.sh

test: install system-deps
	@VENV_BIN=$(BIN) bash scripts/test.sh $(PYTEST_ARGS)

# Under 2 minutes: no test marked slow (stress, fuzz, load, starts processes) or browser; still on Neo4j.
# Runs on TEST_WORKERS xdist workers (default: one per core); every Neo4j test is in one worker's group.
# The engine it starts compiles with C1 only (KG_NEO4J_JAVA_OPTS): a short run spends less CPU on JIT.
test-fast: install system-deps
	@VENV_BIN=$(BIN) KG_NEO4J_JAVA_OPTS="$(FAST_JAVA_OPTS)" bash scripts/test.sh -m "not slow and not browser" -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder $(PYTEST_ARGS)

neo4j-start: install
	@$(BIN)/kg neo4j start --port $(NEO4J_PORT)

neo4j-stop: install
	@$(BIN)/kg neo4j stop --port $(NEO4J_PORT)

neo4j-status: install
	@$(BIN)/kg neo4j status --port $(NEO4J_PORT)

# Removes build outputs and the local engines' files (stops them first); keeps .venv.
clean:
	-@[ -x $(BIN)/kg ] && $(BIN)/kg neo4j stop --all >/dev/null
	rm -rf .neo4j data test-artifacts .pytest_cache
