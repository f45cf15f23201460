"""The Neo4j store's write transactions are bounded (rows and bytes), split when the server runs out
of memory, and driver errors get one wording per kind — against a recording fake driver, no server.

The real-server counterpart (a small transaction-memory limit, an interrupted build resumed) is
tests/graph/test_neo4j_big_build.py.
"""
from __future__ import annotations

from typing import Any

import pytest
from neo4j import exceptions as nx_exc

from graph import neo4j_errors
from common.errors import (EXIT_CODES, ConfigError, QueryRefused, StoreResourceError, StoreUnavailable)
from graph.neo4j_store import Neo4jStore
from graph.records import prepare
from tests.support.synthetic import synthetic_graphs
from tests.support.samples import sample_graphs
from tests.support.fake_neo4j import FakeDriver, FakeSession, FakeTx

MEMORY_ERROR = ("Neo.TransientError.General.MemoryPoolOutOfMemoryError",
                "The allocation of an extra 2.0 MiB would use more than the limit 716.8 MiB. Currently using "
                "715.0 MiB. dbms.memory.transaction.total.max threshold reached")


def _neo4j_error(code: str, message: str) -> nx_exc.Neo4jError:
    return nx_exc.Neo4jError._hydrate_neo4j(code=code, message=message)


class TxLog(FakeDriver):
    """Records each write transaction's rows; `fail(rows, n)` may raise instead of committing."""

    def __init__(self, fail=None):
        super().__init__()
        self.committed: list[list[tuple[str, dict[str, Any]]]] = []
        self.fail = fail
        self.attempts = 0

    def session(self, **config):
        return TxSession(self, **config)


class TxSession(FakeSession):
    def begin_transaction(self):
        return RecordingTx(self.driver, self.config)


class RecordingTx(FakeTx):
    """One explicit write transaction: its rows count as committed only when commit() is reached."""

    def __init__(self, driver: TxLog, config: dict[str, Any]):
        super().__init__(driver.log, driver.answers)
        self.driver, self.writes = driver, []
        driver.attempts += 1
        driver.transactions.append(("write", config, None))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def run(self, query, parameters=None, **kw):
        result = super().run(query, parameters, **kw)
        if query.startswith("UNWIND $rows"):
            self.writes += [(query, row) for row in kw["rows"]]
        return result

    def commit(self):
        if self.driver.fail:                 # the server may refuse at commit, as Neo4j does
            self.driver.fail(len(self.writes), self.driver.attempts)
        if self.writes:
            self.driver.committed.append(self.writes)


def _store(driver: FakeDriver, **kw) -> Neo4jStore:
    store = Neo4jStore("bolt://fake:7687", batch_size=4, retry_s=0, **kw)
    store._driver.close()
    store._driver = driver
    store._schema_ready = True
    return store


def _expected_rows(graphs) -> int:
    return prepare(graphs).size


def test_a_small_merge_is_one_transaction():
    driver = TxLog()
    _store(driver).merge(sample_graphs())
    assert len(driver.committed) == 1
    assert len(driver.committed[0]) == _expected_rows(sample_graphs())


def test_transactions_are_bounded_in_rows_nodes_first_and_every_row_written_once():
    graphs = synthetic_graphs(2, 30)
    driver = TxLog()
    report = _store(driver, tx_rows=7).merge(graphs)
    assert len(driver.committed) > 10
    assert all(1 <= len(tx) <= 7 for tx in driver.committed)
    kinds = ["rels" if "MERGE (a)-[r:" in q else "nodes" for tx in driver.committed for q, _ in tx]
    assert kinds == sorted(kinds, key=lambda k: k == "rels")          # every node before any relationship
    keys = [r.get("id") or (r["source"], q.split("[r:")[1].split("]")[0], r["target"])
            for tx in driver.committed for q, r in tx]
    assert len(keys) == len(set(keys)) == _expected_rows(graphs)
    assert report.documents == 2


def test_transactions_are_bounded_in_bytes():
    graphs = synthetic_graphs(1, 20)
    driver = TxLog()
    _store(driver, tx_bytes=3000).merge(graphs)
    assert max(len(tx) for tx in driver.committed) < 10 < len(driver.committed)
    one = TxLog()
    _store(one, tx_bytes=1).merge(graphs)                  # every row over the budget: one row each
    assert {len(tx) for tx in one.committed} == {1}


def test_progress_counts_documents_once_each():
    told: list[int] = []
    _store(TxLog(), tx_rows=5).merge(synthetic_graphs(3, 10), progress=told.append)
    assert sum(told) == 3 and all(n > 0 for n in told)


def test_a_transaction_the_server_has_no_memory_for_is_split_until_it_fits():
    def fail(rows: int, attempt: int) -> None:
        if rows > 6:
            raise _neo4j_error(*MEMORY_ERROR)
    graphs = synthetic_graphs(2, 20)
    driver = TxLog(fail)
    report = _store(driver, tx_rows=50).merge(graphs)
    assert driver.attempts > len(driver.committed)                     # some transactions were refused
    assert all(len(tx) <= 6 for tx in driver.committed)
    written = [r.get("id") or (r["source"], r["target"], q) for tx in driver.committed for q, r in tx]
    assert len(written) == len(set(written)) == _expected_rows(graphs)
    assert report.nodes_created > 0


def test_no_memory_even_for_one_row_is_a_resource_error_with_its_own_exit_code():
    def fail(rows: int, attempt: int) -> None:
        raise _neo4j_error(*MEMORY_ERROR)
    store = _store(TxLog(fail))
    with pytest.raises(StoreResourceError) as err:
        store.merge(sample_graphs())
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith("Neo4j at bolt://fake:7687 ran out of the transaction memory pool "
                           "(dbms.memory.transaction.total.max): the transaction was rolled back")
    assert EXIT_CODES["StoreResourceError"] == StoreResourceError.exit_code == 7
    assert StoreResourceError.exit_code not in {EXIT_CODES[k] for k in EXIT_CODES if k != "StoreResourceError"}


def test_a_failure_after_some_commits_says_how_much_was_written_and_how_to_complete_it():
    def fail(rows: int, attempt: int) -> None:
        if attempt == 3:
            raise nx_exc.ServiceUnavailable("Couldn't connect to fake:7687 (reason [Errno 111] Connection refused)")
    graphs = synthetic_graphs(2, 20)
    store = _store(TxLog(fail), tx_rows=10)
    with pytest.raises(StoreUnavailable) as err:
        store.merge(graphs)
    assert str(err.value) == (f"Neo4j unreachable at bolt://fake:7687 (Connection refused); 20 of "
                              f"{_expected_rows(graphs):,} nodes and relationships were written — run the same "
                              f"build again to complete it")


URI = "bolt://neo4j:pw@db.example:7687"
CASES = [
    (nx_exc.AuthError("auth failed"), None, StoreUnavailable,
     "Neo4j at bolt://db.example:7687 refused the credentials (check NEO4J_USER/NEO4J_PASSWORD)"),
    (nx_exc.ServiceUnavailable("Couldn't connect to db.example:7687 (resolved to ()):\n"
                               "Failed to establish connection to ResolvedIPv4Address(('10.0.0.1', 7687)) "
                               "(reason [Errno 111] Connection refused)"), None, StoreUnavailable,
     "Neo4j unreachable at bolt://db.example:7687 (Connection refused)"),
    (_neo4j_error("Neo.ClientError.Database.DatabaseNotFound", "Database does not exist."), None, StoreUnavailable,
     "Neo4j at bolt://db.example:7687 has no database 'policies'"),
    (_neo4j_error("Neo.TransientError.General.OutOfMemoryError", "There is not enough memory to perform the "
                  "current task."), None, StoreResourceError,
     "Neo4j at bolt://db.example:7687 ran out of heap memory: the transaction was rolled back (There is not "
     "enough memory to perform the current task); give the server more memory (KG_NEO4J_HEAP for the local "
     "engine) or ask for less"),
    (_neo4j_error("Neo.TransientError.General.MemoryPoolOutOfMemoryError", "x. db.memory.transaction.max "
                  "threshold reached"), 10.0, StoreResourceError, None),
    (_neo4j_error("Neo.TransientError.Transaction.MaximumTransactionLimitReached", "Reached maximum number of "
                  "active transactions"), None, StoreResourceError, None),
    (_neo4j_error("Neo.ClientError.Statement.AccessMode", "Writing in read access mode not allowed."), 10.0,
     QueryRefused, "read-only console: writes are refused (Writing in read access mode not allowed.)"),
    (_neo4j_error("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", "timed out"), 2.5,
     QueryRefused, "query stopped at the 2.5 s timeout"),
    (_neo4j_error("Neo.ClientError.Statement.SyntaxError", "Invalid input 'MATC'"), 10.0, QueryRefused,
     "Cypher error: Invalid input 'MATC'"),
    (_neo4j_error("Neo.DatabaseError.General.UnknownError", "boom"), None, StoreUnavailable,
     "Neo4j at bolt://db.example:7687 failed the request (Neo.DatabaseError.General.UnknownError: boom)"),
    (UnicodeEncodeError("utf-8", "\udcff", 0, 1, "surrogates not allowed"), None, ConfigError, None),
]


@pytest.mark.parametrize("exc,console,cls,text", CASES, ids=[type(c[0]).__name__ + str(i) for i, c in enumerate(CASES)])
def test_one_translation_one_wording_per_kind(exc, console, cls, text):
    got = neo4j_errors.translate(exc, URI, "policies", console_timeout_s=console)
    assert type(got) is cls
    assert "pw@" not in str(got) and "\n" not in str(got)
    if text:
        assert str(got) == text
    with pytest.raises(cls):
        with neo4j_errors.neo4j_errors(URI, "policies", console_timeout_s=console):
            raise exc


def test_the_store_and_the_app_use_the_shared_translation():
    """No other module words Neo4j driver errors itself."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    for path in [*root.glob("graph/*.py"), *root.glob("kg/*.py"), *root.glob("ui/*.py"), root / "app.py"]:
        if path.name == "neo4j_errors.py":
            continue
        text = path.read_text(encoding="utf-8")
        for phrase in ('Unavailable(f"Neo4j', 'QueryRefused(f"read-only console: writes', 'QueryRefused(f"Cypher error',
                       "except nx_exc.AuthError", "except _UNAVAILABLE", "except nx_exc.ServiceUnavailable"):
            assert phrase not in text, (path.name, phrase)
