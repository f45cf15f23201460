"""Shared pytest fixtures (helpers live in tests/support). Add new fixtures under a section header of
their own, documented.

kg
--
`kg(*argv, env={...})` runs the CLI's `main(argv)` in this process and returns
`KgResult(returncode, stdout, stderr)`; exit codes are main's return value or argparse's SystemExit.
The store variables of the shell (KG_BACKEND, KG_DATA, NEO4J_*) are removed for the call, `env` is
set for the call only (None removes a variable), KG_DATA defaults to `tmp_path/graph.json`, and the
working directory is the project root. A test of the process itself (signals, the real exit status,
locks between processes) uses `tests.support.kg.run_kg_process` / `spawn_kg` instead.

    def test_something(kg):
        code, out, err = kg("stats", "--json", env={"KG_BACKEND": "memory"})

Neo4j
-----
Tests reach Neo4j only through NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE
(`make test` starts the project's local engine and sets NEO4J_URI). Without NEO4J_URI, or when the
server does not answer, a Neo4j test is skipped with a hint — except when CI is set: then it fails,
so CI can never pass on skipped Neo4j tests.

    @pytest.mark.neo4j
    def test_something(clean_neo4j):          # an empty database, and the driver to use
        clean_neo4j.execute_query("CREATE (:X {v: $v})", v=1, database_=...)

Fixtures: `neo4j_settings` (session; where to connect), `neo4j_driver` (session; a verified driver),
`clean_neo4j` (function; deletes every node and relationship first, in batches of 10,000 nodes per
transaction, drops nothing else, returns the driver). Any test that uses one of them gets the `neo4j` marker
automatically; a test that reaches the server another way carries the marker itself. Every `neo4j` test runs
in one xdist group, so parallel workers never share the database.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest

from graph.config import StoreConfig
from graph.file_lock import locked

pytest.register_assert_rewrite("tests.support")

from tests.support import skip_or_fail  # noqa: E402
from tests.support.kg import Kg  # noqa: E402
from tests.support.neo4j import NEO4J_HINT, Neo4jSettings, empty_neo4j  # noqa: E402

if TYPE_CHECKING:
    import neo4j

NEO4J_FIXTURES = {"neo4j_settings", "neo4j_driver", "clean_neo4j"}


@pytest.hookimpl(tryfirst=True)   # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if NEO4J_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)
        # One database for the whole run: under `pytest -n N --dist loadgroup` (make test-fast) every
        # Neo4j test runs in one worker, one at a time, while the others share out the rest.
        if item.get_closest_marker("neo4j"):
            item.add_marker(pytest.mark.xdist_group("neo4j"))
    if getattr(config.option, "loadgroup", False):
        # The Neo4j group is the longest unit of work: first in line (with --no-loadscope-reorder), so
        # one worker starts on it while the others take the rest, instead of it running last on its own.
        items.sort(key=lambda item: item.get_closest_marker("neo4j") is None)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Say so when xdist's grouping is not in effect (pytest-xdist#1386: its loadgroup writes a node-id
    field that pytest 9.2 no longer reads); the lock below still keeps the Neo4j tests apart, slower."""
    if getattr(session.config.option, "loadgroup", False) and any(
            item.get_closest_marker("neo4j") and not item.nodeid.endswith("@neo4j") for item in session.items):
        session.config.issue_config_time_warning(pytest.PytestWarning(
            "xdist --dist loadgroup did not group the Neo4j tests; they wait on a lock instead"), stacklevel=2)


@pytest.fixture(autouse=True)
def _one_neo4j_test_at_a_time(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Under xdist, a Neo4j test holds a lock shared by the workers (in their common temporary folder),
    so two workers never use the one database at once, whatever the distribution mode."""
    if not os.environ.get("PYTEST_XDIST_WORKER") or not request.node.get_closest_marker("neo4j"):
        yield
        return
    with locked(tmp_path_factory.getbasetemp().parent / "neo4j-tests.lock"):
        yield


# ---------------------------------------------------------------- kg

@pytest.fixture
def kg(tmp_path: Path) -> Kg:
    """The `kg` command line in-process: `kg(*argv, env=…)` → KgResult(returncode, stdout, stderr)."""
    return Kg({"KG_DATA": str(tmp_path / "graph.json")})


# ---------------------------------------------------------------- Neo4j

@pytest.fixture(scope="session")
def neo4j_settings() -> Neo4jSettings:
    """NEO4J_URI (required), NEO4J_USER (default neo4j), NEO4J_PASSWORD (none = no auth), NEO4J_DATABASE."""
    conf = StoreConfig.from_env()          # the one reading of NEO4J_* (graph.config)
    if not conf.uri:
        skip_or_fail(f"Neo4j test: NEO4J_URI is not set; {NEO4J_HINT}")
    return Neo4jSettings(uri=conf.uri, user=conf.user or "neo4j", password=conf.password, database=conf.database)


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_settings: Neo4jSettings) -> Iterator[neo4j.Driver]:
    """One driver for the whole session, verified to answer before any test uses it."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import DriverError, Neo4jError

    driver = GraphDatabase.driver(neo4j_settings.uri, auth=neo4j_settings.auth, connection_timeout=10)
    problem = None
    try:
        driver.verify_connectivity()
    except (DriverError, Neo4jError, OSError, ValueError) as err:
        problem = (str(err).strip().splitlines() or [type(err).__name__])[0]
    if problem:
        driver.close()
        skip_or_fail(f"Neo4j at {neo4j_settings.uri} cannot be reached ({problem}); {NEO4J_HINT}")
    yield driver
    driver.close()


@pytest.fixture
def clean_neo4j(neo4j_driver: neo4j.Driver, neo4j_settings: Neo4jSettings) -> neo4j.Driver:
    """An empty database for this test: every node and relationship deleted (indexes and constraints
    are kept). Returns the driver; pass `database_=neo4j_settings.database` to execute_query."""
    empty_neo4j(neo4j_driver, neo4j_settings.database)
    return neo4j_driver
