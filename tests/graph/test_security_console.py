"""The read-only Cypher console on the real Neo4j: every way to write, administer or read files is
refused with a one-line QueryRefused (exit 5 in the CLI); runaway queries stop at the timeout;
results stop at the row cap; and the graph is exactly unchanged afterwards."""
from __future__ import annotations

import time

import pytest

from graph.console import check_read_only
from common.errors import EXIT_CODES, QueryRefused
from tests.support.samples import hostile_doc, sample_graphs
from tests.support.stores import fingerprint, make_store, raw_neo4j_state

REFUSED = [
    "CREATE (n:Agency {id: 'evil'})", "create (n:Agency {id: 'evil'})", "MERGE (n:Entity {id: 'evil'})",
    "MATCH (n) SET n.name = 'evil'", "MATCH (n) SET n:Evil", "MATCH (n) DELETE n", "MATCH (n) DETACH DELETE n",
    "MATCH ()-[r]->() DELETE r", "MATCH (n) REMOVE n.name", "MATCH (n) REMOVE n:Agency",
    "MATCH (n) WITH n LIMIT 1 /* harmless? */ DETACH DELETE n",
    "FOREACH (x IN [1] | CREATE (:Agency {id: 'evil'}))", "CALL { CREATE (:X) RETURN 1 AS one } RETURN one",
    "UNWIND [1] AS x CALL { WITH x CREATE (:X) } IN TRANSACTIONS", "UNWIND [1] AS x CALL { WITH x CREATE (:X) } IN TRANSACTIONS OF 1 ROW",
    "UNWIND [1] AS x CALL { WITH x MATCH (n) DETACH DELETE n } IN 2 CONCURRENT TRANSACTIONS",
    "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "load csv with headers from 'http://127.0.0.1/x' as l return l",
    "LOAD/**/CSV FROM 'file:///etc/passwd' AS l RETURN l",
    "CALL dbms.listConfig()", "call DBMS.listConfig()", "CALL `dbms`.listConfig() YIELD name RETURN name",
    "CALL dbms.`listConfig`()", "CALL dbms.security.createUser('x', 'y', false)", "CALL dbms.killQueries(['x'])",
    "CALL dbms.components()", "CALL db.createLabel('Evil')", "CALL db.createProperty('evil')",
    "CALL db.createRelationshipType('EVIL')", "CALL db.clearQueryCaches()", "CALL db.stats.clear('QUERIES')",
    "CREATE INDEX evil FOR (n:Agency) ON (n.evil)", "DROP CONSTRAINT entity_id IF EXISTS", "DROP INDEX entity_name IF EXISTS",
    "CREATE DATABASE evil", "STOP DATABASE neo4j", "CREATE USER evil SET PASSWORD 'x'", "SHOW USERS",
    "SHOW SETTINGS YIELD name RETURN name", "SHOW TRANSACTIONS", "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "MATCH (n) CALL { WITH n DETACH DELETE n } RETURN count(*)", "", "   ",
]
ALLOWED = [
    ("RETURN 'CREATE (n) DETACH DELETE n' AS s", [["CREATE (n) DETACH DELETE n"]]),
    ("MATCH (n:Customs) // DELETE n\nRETURN count(n) AS c", None),
    ("MATCH (n:`Customs`) RETURN count(n) AS c", None),
    ("RETURN '`dbms`.x' AS s", [["`dbms`.x"]]),
]


@pytest.fixture
def neo(request, tmp_path):
    store = make_store("neo4j", tmp_path, request)
    store.merge(sample_graphs() + [hostile_doc()])
    return store


@pytest.mark.neo4j
def test_console_refuses_every_write_and_admin_statement_and_the_graph_is_unchanged(neo):
    before, raw_before = fingerprint(neo), raw_neo4j_state(neo)
    for q in REFUSED:
        with pytest.raises(QueryRefused) as err:
            neo.cypher(q, timeout_s=10)
        msg = str(err.value)
        assert msg and "\n" not in msg, (q, msg)
        assert any(w in msg for w in ("read-only", "refused", "empty")), (q, msg)
    assert fingerprint(neo) == before
    assert raw_neo4j_state(neo) == raw_before


@pytest.mark.neo4j
def test_console_runs_reads_whose_strings_or_comments_mention_writes(neo):
    for q, rows in ALLOWED:
        cols, got = neo.cypher(q)
        if rows is not None:
            assert got == rows
        else:
            assert got[0][0] == 4      # the four customs of the samples


@pytest.mark.neo4j
@pytest.mark.slow          # runaway queries load the server until they time out
def test_runaway_query_stops_at_the_timeout(neo):
    before = fingerprint(neo)
    for q in ["UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 99 RETURN count(x)",
              "MATCH (a), (b), (c), (d), (e) WHERE a.name + b.name + c.name <> d.name + e.name RETURN count(*)"]:
        began = time.monotonic()
        with pytest.raises(QueryRefused, match="timeout"):
            neo.cypher(q, timeout_s=1.0)
        assert time.monotonic() - began < 20, "the timeout is enforced by the server, not after the fact"
    assert fingerprint(neo) == before
    assert neo.cypher("RETURN 1 AS one")[1] == [[1]]     # the session is usable right after


@pytest.mark.neo4j
def test_results_stop_at_the_row_cap(neo):
    for cap in (1, 10, 1000):
        cols, rows = neo.cypher("UNWIND range(1, 1000000) AS x RETURN x", row_cap=cap)
        assert cols == ["x"] and len(rows) == cap and rows[-1] == [cap]
    _, rows = neo.cypher("MATCH (n:Entity) RETURN n", row_cap=5)
    assert len(rows) == 5 and all(r[0].id for r in rows)


def test_guard_is_lexical_and_sees_through_quoting_and_comments():
    for q in ["CALL `dbms`.listConfig()", "CALL/**/dbms.listConfig()", "CALL\n  dbms\n.listConfig()",
              "LOAD // x\n CSV FROM 'f' AS l RETURN l", "call { create (:X) } in transactions"]:
        with pytest.raises(QueryRefused):
            check_read_only(q)
    for q in ["RETURN 'LOAD CSV' AS s", "// CALL dbms.listConfig()\nRETURN 1", "RETURN \"IN TRANSACTIONS\""]:
        check_read_only(q)


@pytest.mark.neo4j
def test_kg_cypher_refuses_a_write_with_exit_5_and_one_line(neo, neo4j_settings, kg):
    res = kg("cypher", "MATCH (n) DETACH DELETE n", env={**neo4j_settings.env(), "KG_BACKEND": "neo4j"})
    assert res.returncode == EXIT_CODES["QueryRefused"] == 5, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("kg: error:") and "Traceback" not in res.stderr
    assert neo.stats().total_nodes > 0
