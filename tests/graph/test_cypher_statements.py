"""Exact Cypher and parameters sent by the Neo4j store, against a recording fake driver.

No server: these pin down what reaches Neo4j (values only as parameters, labels/types only from the
schema, batching by label/type, one transaction per merge, read mode and timeout for the console).
"""
from __future__ import annotations

from typing import Any

import neo4j
import pytest

from graph import cypher
from common.errors import QueryRefused
from graph.model import LABELS, REL_TYPES
from graph.neo4j_store import Neo4jStore
from tests.support.fake_neo4j import FakeDriver
from tests.support.samples import HOSTILE, hostile_doc, sample_graphs


@pytest.fixture
def fake():
    store = Neo4jStore("bolt://fake:7687", database="policies", batch_size=4)
    store._driver.close()
    store._driver = FakeDriver()
    return store, store._driver


def _writes(driver: FakeDriver) -> list[tuple[str, dict[str, Any]]]:
    return [(q, p) for q, p in driver.log if q.startswith("UNWIND $rows")]


def test_schema_is_created_once_with_constraint_indexes_and_cjk_fulltext(fake):
    store, driver = fake
    store.stats()
    store.stats()
    schema = [q for q, _ in driver.log if q.startswith("CREATE")]
    assert schema == cypher.schema_statements()
    assert "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE" in schema
    assert any("FULLTEXT INDEX" in q and "ON EACH [n.name, n.aliases]" in q and "'cjk'" in q for q in schema)
    assert all(cfg.get("database") == "policies" for _, cfg, _ in driver.transactions)


def test_merge_is_one_write_transaction_of_batches_grouped_by_label_and_type(fake):
    store, driver = fake
    store._schema_ready = True
    store.merge(sample_graphs())
    kinds = [kind for kind, _, _ in driver.transactions]
    # the maintained aggregates are dropped first, the data is one write, then they are read and kept
    assert kinds[:2] == ["write", "write"] and kinds[-1] == "write" and set(kinds[2:-1]) == {"read"}
    assert driver.log[0][0] == cypher.DROP_AGGREGATES and driver.log[-1][0] == cypher.SAVE_AGGREGATES
    writes = _writes(driver)
    node_writes = [(q, p) for q, p in writes if "MERGE (n:Entity {id: row.id})" in q]
    rel_writes = [(q, p) for q, p in writes if "MERGE (a)-[r:" in q]
    assert writes == node_writes + rel_writes                     # nodes first
    for q, p in node_writes:
        (label,) = [lab for lab in LABELS if f"SET n:{lab}," in q]
        assert q == cypher.merge_nodes(label)
        assert 1 <= len(p["rows"]) <= 4                           # batch_size
        assert set(p) == {"rows"}
    for q, p in rel_writes:
        (rtype,) = [t for t in REL_TYPES if f"[r:{t}]" in q]
        assert q == cypher.merge_relationships(rtype)
        row = p["rows"][0]
        assert set(row) == {"source", "target", "props", "ev_keys", "ev_docs", "ev_text", "ev_start",
                            "ev_end", "ev_rule"}
        assert len(row["ev_keys"]) == len(row["ev_docs"]) == len(row["ev_text"])
    labels = [next(lab for lab in LABELS if f"SET n:{lab}," in q) for q, _ in node_writes]
    assert labels == sorted(labels)                                # grouped, one run per batch


def test_node_rows_carry_unions_and_search_keys(fake):
    store, driver = fake
    store._schema_ready = True
    store.merge(sample_graphs())
    rows = [r for q, p in _writes(driver) if "SET n:Agency," in q for r in p["rows"]]
    exec_row = next(r for r in rows if r["name"] == "长三角生态绿色一体化发展示范区执行委员会")
    assert exec_row["aliases"] == ["示范区执委会", "执委会"]
    assert exec_row["docs"] == ["002_sample_policy", "000_sample_news"]
    assert exec_row["keys"][0] == "长三角生态绿色一体化发展示范区执行委员会"
    assert exec_row["text"] == "\n长三角生态绿色一体化发展示范区执行委员会\n示范区执委会\n执委会\n"
    q = cypher.merge_nodes("Agency")
    assert "[a IN row.aliases WHERE NOT a IN coalesce(n.aliases, [])]" in q
    rq = cypher.merge_relationships("LEADS")
    assert "WHERE NOT row.ev_keys[i] IN r.ev_keys" in rq
    assert rq.rstrip().splitlines()[-1].lstrip().startswith("r.ev_keys = ")   # keys last


def test_hostile_values_travel_only_as_parameters(fake):
    store, driver = fake
    store._schema_ready = True
    store.merge([hostile_doc()])
    for name in HOSTILE:
        store.search(name)
        with pytest.raises(Exception):
            store.resolve(name)       # the fake finds nothing
    for query, params in driver.log:
        for name in HOSTILE:
            assert name not in query
        assert "DETACH DELETE n //" not in query
    assert any(r["name"] == HOSTILE[2] for q, p in _writes(driver) for r in p.get("rows", []) if "name" in r)


def test_labels_and_types_outside_the_schema_never_reach_cypher():
    with pytest.raises(ValueError):
        cypher.merge_nodes("Agency:Admin")
    with pytest.raises(ValueError):
        cypher.merge_relationships("LEADS]->() DETACH DELETE n //")
    with pytest.raises(ValueError):
        cypher.shortest_paths("3]-() DELETE n //")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        cypher.shortest_paths(99)


def test_reads_use_parameters(fake):
    store, driver = fake
    store._schema_ready = True
    driver.answers = {"UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN": [
        {"node": {"id": "agency:a", "labels": ["Entity", "Agency"], "props": {"name": "a", "aliases": []}}}]}
    store.neighbourhood(["agency:a"], depth=2, labels=["Agency"], rel_types=["LEADS"], documents=["d1"])
    expand = [(q, p) for q, p in driver.log if q == cypher.EXPAND]
    assert expand and expand[0][1] == {"frontier": ["agency:a"], "labels": ["Agency"], "types": ["LEADS"],
                                       "docs": ["d1"], "exclude": ["agency:a"], "limit": 300}
    among = [(q, p) for q, p in driver.log if q == cypher.EDGES_AMONG]
    assert among[0][1] == {"ids": ["agency:a"], "types": ["LEADS"], "docs": ["d1"]}
    assert all(kind == "read" for kind, _, _ in driver.transactions)


def test_search_sends_substring_needle_and_escaped_lucene_query(fake):
    store, driver = fake
    store._schema_ready = True
    store.search('上海"海关~', labels=["Customs"])
    (contains,) = [p for q, p in driver.log if q == cypher.SEARCH_CONTAINS]
    assert contains == {"needle": '上海"海关~', "labels": ["Customs"], "cap": 20 + store.SEARCH_MARGIN}
    (fulltext,) = [p for q, p in driver.log if q == cypher.SEARCH_FULLTEXT]
    assert fulltext == {"lucene": '"上海" OR "海关"', "labels": ["Customs"], "cap": store.FULLTEXT_CANDIDATES}
    store.search("x+y (z) the")
    assert [p["lucene"] for q, p in driver.log if q == cypher.SEARCH_FULLTEXT][-1] == '"x" OR "y" OR "z"'
    assert cypher.SEARCH_FULLTEXT.count("$lucene") == 1


def test_console_runs_in_a_read_transaction_with_the_timeout(fake):
    store, driver = fake
    driver.answers = {"RETURN 1 AS one": [{"one": 1}]}
    cols, rows = store.cypher("RETURN 1 AS one", timeout_s=2.5, row_cap=10)
    assert (cols, rows) == (["one"], [[1]])
    kind, config, timeout = driver.transactions[-1]
    assert kind == "read" and config["default_access_mode"] == neo4j.READ_ACCESS and timeout == 2.5
    with pytest.raises(QueryRefused, match="LOAD CSV"):
        store.cypher("load csv from 'file:///x' as l return l")
    with pytest.raises(QueryRefused, match="IN TRANSACTIONS"):
        store.cypher("CALL { MATCH (n) RETURN n } IN 10 ROWS OF TRANSACTIONS RETURN 1".replace(
            "IN 10 ROWS OF TRANSACTIONS", "IN TRANSACTIONS"))
    # a keyword inside a string literal is not a refusal
    driver.answers = {"'LOAD CSV'": [{"s": "LOAD CSV"}]}
    assert store.cypher("RETURN 'LOAD CSV' AS s")[1] == [["LOAD CSV"]]


def test_bulk_merge_commits_bounded_transactions_and_rebuilds_search_indexes_once(fake, monkeypatch):
    store, driver = fake
    store._schema_ready = True
    store.tx_rows = 4
    store.merge(sample_graphs(), bulk=True)
    writes = [t for t in driver.transactions if t[0] == "write"]
    from graph.records import prepare
    # 4 rows a transaction, packed; + dropping and keeping the maintained aggregates
    assert len(writes) - 2 == -(-prepare(sample_graphs()).size // 4) > 1
    assert not any(q.startswith("DROP INDEX") for q, _ in driver.log)   # small: the indexes stay
    import graph.neo4j_store as ns
    monkeypatch.setattr(ns, "BULK_THRESHOLD", 1)
    driver.log.clear()
    store.merge(sample_graphs(), bulk=True)
    queries = [q for q, _ in driver.log]
    first_write = next(i for i, q in enumerate(queries) if q.startswith("UNWIND $rows"))
    assert set(queries[:first_write]) >= set(cypher.DROP_SEARCH_INDEXES)
    rebuilt = queries[:queries.index(cypher.SAVE_AGGREGATES)]         # then the aggregates are kept
    last = len(rebuilt) - 1 - rebuilt[::-1].index(cypher.search_index_statements()[-1])
    assert rebuilt[last + 1 - len(cypher.search_index_statements()):last + 1] == cypher.search_index_statements()
