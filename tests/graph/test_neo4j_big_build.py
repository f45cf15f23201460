"""A build bigger than the server's transaction memory finishes, in bounded transactions.

A local engine of its own is started with a small per-transaction memory limit
(`db.memory.transaction.max`; Community Neo4j takes the setting only at start, so the test cannot
lower it on the shared test engine) and the real corpus is repeated into a file of DOCS documents
(bench/big_corpus.py, the generator of the page benchmarks). One transaction holding the whole
build is refused by this engine (the control: that is what the old store sent); `kg build` commits
it in several bounded transactions and gives the same graph as the embedded store; a query that
needs more memory than the limit exits with StoreResourceError's code, in one line.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bench.big_corpus import big_corpus, corpus_json
from tests.support import ROOT as PROJECT_ROOT, skip_or_fail
from graph import local_neo4j
from common.errors import EXIT_CODES, KGError, StoreResourceError
from graph.memory_store import MemoryStore
from graph.model import DocumentGraph
from graph.neo4j_store import Neo4jStore, _run_chunk
from graph.records import prepare

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
LIMIT = "8m"          # db.memory.transaction.max of the test engine
DOCS = 60             # corpus documents and copies: ~3.5k nodes, ~15k relationships


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def small_engine(tmp_path_factory) -> str:
    """A local engine with an 8 MiB transaction-memory limit, stopped after the module."""
    if not shutil.which("java"):
        skip_or_fail("the small-limit engine needs Java")
    port = _free_port()
    try:
        engine = local_neo4j.start(port, data_dir=tmp_path_factory.mktemp("small_tx_db"),
                                   settings={"db.memory.transaction.max": LIMIT})
    except KGError as err:
        skip_or_fail(f"cannot start a local Neo4j with a small transaction limit: {err}")
    yield engine.uri
    local_neo4j.stop(port)
    shutil.rmtree(local_neo4j._instance_dir(port), ignore_errors=True)


@pytest.fixture(scope="module")
def big_input(tmp_path_factory) -> tuple[Path, list[DocumentGraph]]:
    """DOCS documents of the real corpus (extracted now) and its renamed copies, as JSON Lines."""
    docs = list(big_corpus(corpus_json(None), DOCS))
    path = tmp_path_factory.mktemp("big_input") / "big.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path, [DocumentGraph.from_dict(d) for d in docs]


def _kg(args: list[str], uri: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KG_"))}
    env.update(NEO4J_URI=uri, KG_DATA=str(tmp_path / "unused.json"), KG_NEO4J_RETRY_S="0")
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def _graph(store) -> dict:
    """The whole graph through the store contract: nodes and edges with properties and evidence."""
    sub = store.subgraph()
    return {"nodes": [(n.id, n.label, n.name, json.dumps(n.properties, ensure_ascii=False, sort_keys=True))
                      for n in sub.nodes],
            "edges": [(e.source, e.type, e.target, json.dumps(e.properties, ensure_ascii=False, sort_keys=True),
                       json.dumps(e.evidence, ensure_ascii=False, sort_keys=True)) for e in sub.edges]}


def test_one_transaction_holding_the_whole_build_is_over_the_limit(small_engine, big_input):
    _, graphs = big_input
    store = Neo4jStore(small_engine, tx_rows=10**9, tx_bytes=10**15, retry_s=0)
    try:
        (setting,) = store._driver.execute_query(
            "SHOW SETTINGS YIELD name, value WHERE name = 'db.memory.transaction.max' RETURN value").records
        assert setting["value"] == "8.00MiB"                 # the launcher passed it on
        store.reset()
        (whole,) = list(store._chunks(prepare(graphs)))
        assert whole.rows > 15000
        with pytest.raises(StoreResourceError, match=r"ran out of .*\(db\.memory\.transaction\.max\)"):
            store._tx(True, lambda tx: _run_chunk(tx, whole))
        assert store.stats().total_nodes == 0             # rolled back as a whole
    finally:
        store.close()


def test_kg_build_commits_in_bounded_transactions_and_matches_the_embedded_store(small_engine, big_input,
                                                                                 tmp_path):
    path, graphs = big_input
    res = _kg(["build", str(path), "--backend", "neo4j", "--reset"], small_engine, tmp_path)
    assert res.returncode == 0, res.stderr
    mem = MemoryStore(tmp_path / "mem.json")
    mem.merge(graphs)
    store = Neo4jStore(small_engine, retry_s=0)
    try:
        assert store.stats() == mem.stats()
        assert _graph(store) == _graph(mem)
        again = _kg(["build", str(path), "--backend", "neo4j"], small_engine, tmp_path)
        assert again.returncode == 0, again.stderr
        assert f"{DOCS} documents merged into neo4j: 0 nodes and 0 relationships created" in again.stdout
        assert store.stats() == mem.stats()
    finally:
        store.close()


def test_a_query_over_the_memory_limit_is_a_resource_error_with_its_own_exit_code(small_engine, tmp_path):
    res = _kg(["cypher", "--backend", "neo4j", "UNWIND range(1, 3000000) AS i RETURN size(collect(i)) AS n"],
              small_engine, tmp_path)
    assert res.returncode == EXIT_CODES["StoreResourceError"] == StoreResourceError.exit_code == 7, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr
    assert lines[0].startswith(f"kg: error: Neo4j at {small_engine} ran out of the transaction memory pool "
                               "(db.memory.transaction.max): the transaction was rolled back")
