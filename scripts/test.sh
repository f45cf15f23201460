#!/usr/bin/env bash
# `make test`: run pytest against a real Neo4j.
# If NEO4J_URI is unset and Java is present, starts the project's local Neo4j on KG_TEST_NEO4J_PORT
# (default 7689), exports NEO4J_URI for pytest, and stops it afterwards — also on failure or Ctrl-C.
# Extra arguments go to pytest (e.g. `make test PYTEST_ARGS="-k compose"`).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV_BIN="${VENV_BIN:-.venv/bin}"
port="${KG_TEST_NEO4J_PORT:-7689}"
started=""

stop_engine() {
    trap '' INT TERM    # finish the cleanup even if more signals arrive
    if [ -n "$started" ]; then
        "$VENV_BIN/kg" neo4j stop --port "$port" >/dev/null || true
        started=""
    fi
}
trap stop_engine EXIT
trap 'exit 130' INT TERM

if [ -z "${NEO4J_URI:-}" ]; then
    if command -v java >/dev/null 2>&1; then
        # Only stop what this run starts; mark it before starting, so a signal mid-start cleans up too.
        # An engine this run starts gets a fresh database in .neo4j/test-db (a running one is reused as is).
        state="$("$VENV_BIN/kg" neo4j status --port "$port" 2>/dev/null || true)"
        case "$state" in
            "not running"*) started=1; rm -rf .neo4j/test-db ;;
        esac
        uri="$("$VENV_BIN/kg" neo4j start --port "$port" --data-dir .neo4j/test-db | tail -n 1)"
        export NEO4J_URI="$uri"
        unset NEO4J_USER NEO4J_PASSWORD NEO4J_DATABASE
        echo "test: local Neo4j at $NEO4J_URI"
    else
        echo "test: NEO4J_URI unset and no java: Neo4j tests will skip (fail with CI set)" >&2
    fi
fi

set +e
"$VENV_BIN/python" -m pytest -ra "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
    echo "test: pytest collected no tests — treating as failure" >&2
    rc=1
fi
exit "$rc"
