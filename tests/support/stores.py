"""Store fixtures for the graph-layer tests (imported by tests/test_store_*.py and friends).

`make_store(kind, tmp_path, request)` opens an empty store of one backend: `memory` in a temporary
file, `neo4j` on NEO4J_URI through the conftest fixtures (a clean database each time).
`graph_sets()` names the inputs: the hand-built samples always, the extracted seeds when the
extractor is available.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from graph.memory_store import MemoryStore
from graph.store import GraphStore

PROJECT = Path(__file__).resolve().parent.parent
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
    import store_samples
    return store_samples.sample_graphs()


GRAPH_SETS = {"samples": sample_set, "seeds": seed_graphs}
