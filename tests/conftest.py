"""Shared pytest fixtures. Add new fixtures under a section header of their own, documented.

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
transaction, drops nothing else, returns the driver). Any test that uses one of them gets the `neo4j` marker automatically.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    import neo4j

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NEO4J_HINT = "run `make test` or set NEO4J_URI"
NEO4J_FIXTURES = {"neo4j_settings", "neo4j_driver", "clean_neo4j"}


def in_ci() -> bool:
    """True when the CI variable is set to anything but an empty/false value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> None:
    """Skip with `reason` locally; fail in CI, where a missing dependency is a broken setup."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if NEO4J_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)


# ---------------------------------------------------------------- Neo4j

@dataclass(frozen=True)
class Neo4jSettings:
    """Where the Neo4j tests connect, read from the NEO4J_* environment variables."""
    uri: str
    user: str
    password: str | None
    database: str | None

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.user, self.password) if self.password else None


@pytest.fixture(scope="session")
def neo4j_settings() -> Neo4jSettings:
    """NEO4J_URI (required), NEO4J_USER (default neo4j), NEO4J_PASSWORD (none = no auth), NEO4J_DATABASE."""
    uri = os.environ.get("NEO4J_URI", "").strip()
    if not uri:
        skip_or_fail(f"Neo4j test: NEO4J_URI is not set; {NEO4J_HINT}")
    return Neo4jSettings(uri=uri,
                         user=os.environ.get("NEO4J_USER", "").strip() or "neo4j",
                         password=os.environ.get("NEO4J_PASSWORD") or None,
                         database=os.environ.get("NEO4J_DATABASE", "").strip() or None)


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


def empty_neo4j(driver: neo4j.Driver, database: str | None, batch: int = 10_000) -> None:
    """Delete every node and relationship, `batch` nodes per transaction (a single transaction runs
    out of transaction memory on ~100k nodes); indexes and constraints stay."""
    from graph.cypher import DELETE_ALL_BATCH

    while True:
        result = driver.execute_query(DELETE_ALL_BATCH, limit=batch, database_=database)
        if result.records[0]["deleted"] < batch:
            return


@pytest.fixture
def clean_neo4j(neo4j_driver: neo4j.Driver, neo4j_settings: Neo4jSettings) -> neo4j.Driver:
    """An empty database for this test: every node and relationship deleted (indexes and constraints
    are kept). Returns the driver; pass `database_=neo4j_settings.database` to execute_query."""
    empty_neo4j(neo4j_driver, neo4j_settings.database)
    return neo4j_driver
