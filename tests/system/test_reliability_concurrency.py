"""Concurrent writers: two (or three) builds/ingests at the same time never corrupt the embedded store
file, never lose each other's documents, and never duplicate a node or relationship in Neo4j."""
from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from graph.memory_store import MemoryStore
from tests.support.store_file_check import read_raw
from tests.support.kg import kg_stats, spawn_kg
from tests.support.samples import hostile_doc, sample_graphs
from tests.support.synthetic import expected_counts, synthetic_graphs, write_jsonl

pytestmark = pytest.mark.slow          # bounded, runs in CI; deselect locally with -m 'not slow'


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("concurrent_inputs")
    a = sample_graphs() + synthetic_graphs(8, 150, first=0)
    b = [hostile_doc()] + synthetic_graphs(8, 150, first=8)
    c = synthetic_graphs(8, 150, first=4)          # overlaps both: the same documents merged twice
    return {"a": write_jsonl(a, folder / "a.jsonl"), "b": write_jsonl(b, folder / "b.jsonl"),
            "c": write_jsonl(c, folder / "c.jsonl"), "expected": expected_counts(a + b + c),
            "graphs": (a, b, c)}


def _concurrent_builds(paths: list[Path], env: dict, backend: str) -> list[subprocess.CompletedProcess]:
    """Real `kg build` processes at the same time: the locks between processes are under test."""
    procs = [spawn_kg("build", str(p), "--backend", backend, env=env, stdout=subprocess.PIPE,
                      stderr=subprocess.PIPE, text=True) for p in paths]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=600)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def test_three_concurrent_kg_builds_into_one_embedded_file_lose_nothing(tmp_path, parts):
    data = tmp_path / "graph.json"
    env = dict(KG_DATA=str(data), KG_BACKEND="memory")
    results = _concurrent_builds([parts["a"], parts["b"], parts["c"]], env, "memory")
    for r in results:
        assert r.returncode == 0, r.stderr
    raw = read_raw(data)
    assert len({n["id"] for n in raw["nodes"]}) == len(raw["nodes"]), "duplicate node in the file"
    st = kg_stats(env, "memory")
    assert (st["total_nodes"], st["total_relationships"]) == parts["expected"]
    assert not list(tmp_path.glob(".graph.json.*.tmp")), "a temporary file was left behind"


def test_threads_with_separate_store_objects_on_one_file_lose_nothing(tmp_path, parts):
    path = tmp_path / "graph.json"
    errors: list[BaseException] = []

    def writer(graphs) -> None:
        try:
            store = MemoryStore(path)            # like two app sessions / processes: own objects
            for g in graphs:
                store.merge([g])
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(gs,)) for gs in parts["graphs"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    assert not errors, errors
    st = MemoryStore(path).stats()
    assert (st.total_nodes, st.total_relationships) == parts["expected"]


@pytest.mark.neo4j
def test_concurrent_neo4j_builds_never_duplicate_nodes(clean_neo4j, neo4j_settings, parts, tmp_path):
    env = {**neo4j_settings.env(), "KG_BACKEND": "neo4j", "KG_DATA": str(tmp_path / "unused.json")}
    results = _concurrent_builds([parts["a"], parts["b"], parts["c"]], env, "neo4j")
    for r in results:
        assert r.returncode == 0, r.stderr
    db = neo4j_settings.database
    q = clean_neo4j.execute_query
    dup_nodes = q("MATCH (n:Entity) WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN count(*) AS d",
                  database_=db).records[0]["d"]
    dup_rels = q("MATCH (a)-[r]->(b) WITH a, type(r) AS t, b, count(*) AS c WHERE c > 1 RETURN count(*) AS d",
                 database_=db).records[0]["d"]
    assert dup_nodes == 0 and dup_rels == 0
    st = kg_stats(env, "neo4j")
    assert (st["total_nodes"], st["total_relationships"]) == parts["expected"]
    # provenance of a document merged by two writers at once is not doubled either
    ev = q("MATCH (:Entity {id: 'document:synthetic_0005'})-[r:HAS_CLAUSE]->(:Entity {id: 'clause:synthetic_0005#1'}) "
           "RETURN size(r.ev_keys) AS n", database_=db).records[0]["n"]
    assert ev == 1
