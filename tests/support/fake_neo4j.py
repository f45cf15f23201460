"""A stand-in for the neo4j driver that records every transaction and statement (no server): for
tests of which Cypher the Neo4j store sends, with which parameters, in which transactions."""
from __future__ import annotations

from typing import Any


class FakeCounters:
    nodes_created = 1
    relationships_created = 1


class FakeSummary:
    counters = FakeCounters()


class FakeResult:
    def __init__(self, rows: list[dict[str, Any]]):
        self.rows = rows

    def __iter__(self):
        return iter(FakeRecord(r) for r in self.rows)

    def consume(self):
        return FakeSummary()

    def single(self):
        return FakeRecord(self.rows[0]) if self.rows else None

    def keys(self):
        return list(self.rows[0]) if self.rows else []


class FakeRecord(dict):
    def data(self):
        return dict(self)

    def values(self):
        return list(super().values())


class FakeTx:
    def __init__(self, log: list, answers: dict[str, list[dict[str, Any]]]):
        self.log, self.answers = log, answers

    def run(self, query, parameters=None, **kw):
        params = {**(parameters or {}), **kw}
        self.log.append((query, params))
        for key, rows in self.answers.items():
            if key in query:
                return FakeResult(rows)
        return FakeResult([])


class FakeExplicitTx(FakeTx):
    """An explicit write transaction (the store's splittable writes): logged as one write."""

    def __init__(self, driver: "FakeDriver", config: dict[str, Any]):
        super().__init__(driver.log, driver.answers)
        driver.transactions.append(("write", config, None))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def commit(self):
        pass


class FakeSession:
    def __init__(self, driver: "FakeDriver", **config):
        self.driver, self.config = driver, config

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def _tx(self, kind: str, work, *args):
        self.driver.transactions.append((kind, self.config, getattr(work, "timeout", None)))
        return work(FakeTx(self.driver.log, self.driver.answers), *args)

    def execute_write(self, work, *args):
        return self._tx("write", work, *args)

    def begin_transaction(self):
        return FakeExplicitTx(self.driver, self.config)

    def execute_read(self, work, *args):
        return self._tx("read", work, *args)

    def run(self, query, parameters=None, **kw):
        self.driver.transactions.append(("auto", self.config, None))
        return FakeTx(self.driver.log, self.driver.answers).run(query, parameters, **kw)


class FakeDriver:
    def __init__(self):
        self.log: list[tuple[str, dict[str, Any]]] = []
        self.transactions: list[tuple[str, dict[str, Any], Any]] = []
        self.answers: dict[str, list[dict[str, Any]]] = {}

    def session(self, **config):
        return FakeSession(self, **config)

    def verify_connectivity(self):
        return None

    def close(self):
        pass
