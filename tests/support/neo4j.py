"""The Neo4j test database: where to connect (NEO4J_* variables) and how to empty it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import neo4j

NEO4J_HINT = "run `make test` or set NEO4J_URI"


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

    def env(self) -> dict[str, str]:
        """NEO4J_* variables for a `kg … --backend neo4j` run aimed at this database."""
        env = {"NEO4J_URI": self.uri}
        if self.password:
            env.update(NEO4J_USER=self.user, NEO4J_PASSWORD=self.password)
        if self.database:
            env["NEO4J_DATABASE"] = self.database
        return env


def empty_neo4j(driver: neo4j.Driver, database: str | None, batch: int = 10_000) -> None:
    """Delete every node and relationship, `batch` nodes per transaction (a single transaction runs
    out of transaction memory on ~100k nodes); indexes and constraints stay."""
    from graph.cypher import DELETE_ALL_BATCH

    while True:
        result = driver.execute_query(DELETE_ALL_BATCH, limit=batch, database_=database)
        if result.records[0]["deleted"] < batch:
            return
