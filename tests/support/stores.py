"""Stores for the graph-layer tests (tests/graph/test_store_*.py and friends).

`make_store(kind, tmp_path, request)` opens an empty store of one backend: `memory` in a temporary
file, `neo4j` on NEO4J_URI through the conftest fixtures (a clean database each time).
`graph_sets()` names the inputs: the hand-built samples always, the extracted seeds when the
extractor is available. `fingerprint(store)` and `raw_neo4j_state(store)` tell whether a graph changed.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from graph.memory_store import MemoryStore
from graph.store import GraphStore
from tests.support import ROOT as PROJECT
SEEDS = sorted((PROJECT / "seeds").glob("*.txt"))

BACKENDS = [pytest.param("memory", id="memory"),
            pytest.param("neo4j", id="neo4j", marks=pytest.mark.neo4j)]


def make_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest, name: str = "graph.json") -> GraphStore:
    if kind == "memory":
        return MemoryStore(tmp_path / name)
    from graph.neo4j_store import Neo4jStore
    settings = request.getfixturevalue("neo4j_settings")
    request.getfixturevalue("clean_neo4j")
    store = Neo4jStore(settings.uri, user=settings.user, password=settings.password,
                       database=settings.database)
    request.addfinalizer(store.close)
    return store


_SEED_CACHE: dict[str, list] = {}


def seed_graphs() -> list:
    """The five seeds through the real extractor (cached per session); skip when it is missing."""
    if "seeds" not in _SEED_CACHE:
        try:
            import extract
            extract_path = extract.extract_path
        except (ImportError, AttributeError):
            pytest.skip("extract.extract_path is not available yet")
        if len(SEEDS) < 5:
            pytest.skip("seeds/ does not hold the five seed documents")
        try:
            _SEED_CACHE["seeds"] = [extract_path(str(p)) for p in SEEDS]
        except Exception as exc:  # noqa: BLE001 - the extractor's own tests report its failures
            pytest.skip(f"the extractor cannot read the seeds yet ({type(exc).__name__}: {exc})")
    return _SEED_CACHE["seeds"]


def sample_set() -> list:
    from tests.support.samples import sample_graphs
    return sample_graphs()


GRAPH_SETS = {"samples": sample_set, "seeds": seed_graphs}


def fingerprint(store) -> str:
    """A digest of the whole graph: every node with properties, every edge with its evidence."""
    sub = store.subgraph()
    nodes = sorted((n.id, n.label, n.name, json.dumps(n.properties, ensure_ascii=False, sort_keys=True, default=str))
                   for n in sub.nodes)
    edges = sorted((e.source, e.type, e.target, json.dumps(e.properties, ensure_ascii=False, sort_keys=True, default=str),
                    json.dumps(e.evidence, ensure_ascii=False, sort_keys=True, default=str)) for e in sub.edges)
    return hashlib.sha256(json.dumps([nodes, edges], ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()


def raw_neo4j_state(store) -> tuple:
    """Counts, labels, types and property keys straight from the server (a new label would show);
    the store's own maintained-aggregates node (graph.cypher.AGGREGATES_LABEL) is not graph data."""
    from graph.cypher import AGGREGATES_LABEL
    with store._driver.session(database=store.database) as s:
        n = s.run(f"MATCH (n) WHERE NOT n:{AGGREGATES_LABEL} RETURN count(n) AS c").single()["c"]
        r = s.run("MATCH ()-[r]->() RETURN count(r) AS c").single()["c"]
        labels = sorted(x["label"] for x in s.run("CALL db.labels() YIELD label RETURN label")
                        if x["label"] != AGGREGATES_LABEL)
        types = sorted(x["relationshipType"] for x in s.run("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType"))
    return n, r, labels, types
