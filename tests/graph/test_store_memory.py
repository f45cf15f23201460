"""The embedded store's file handling: lazy load, atomic save, concurrent writers, configuration."""
from __future__ import annotations

import multiprocessing
import subprocess
import sys

import pytest

from graph import open_store
import graph.store_file
from common.errors import ConfigError, StoreUnavailable
from graph.memory_store import MemoryStore
from tests.support.store_file_check import read_raw
from tests.support.samples import hostile_doc, news_doc, policy_doc, sample_graphs
from tests.support.stores import PROJECT


def test_save_is_atomic_utf8_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "data" / "graph.json"
    MemoryStore(path).merge(sample_graphs())
    text = path.read_text(encoding="utf-8")
    assert "上海海关" in text and "\\u4e0a" not in text         # Chinese readable
    data = read_raw(path)
    assert data["format"] == "yrd-policy-graph/2"
    assert "上海海关" in {n["name"] for n in data["nodes"]}
    assert sorted(p.name for p in path.parent.iterdir()) == ["graph.json", "graph.json.lock"]


def test_load_is_lazy_and_follows_other_writers(tmp_path):
    path = tmp_path / "graph.json"
    reader = MemoryStore(path)
    assert reader._g is None                           # nothing read at construction
    assert reader.stats().total_nodes == 0
    MemoryStore(path).merge([policy_doc()])            # another instance (another process) writes
    assert reader.resolve("执委会").startswith("agency:")
    n = reader.stats().total_nodes
    MemoryStore(path).merge([news_doc()])
    assert reader.stats().total_nodes > n


def test_a_replaced_graph_is_freed_and_the_live_one_is_out_of_the_collectors_sight(tmp_path):
    """A networkx graph is cyclic: after a reload or a merge the old one must still be freed by the
    store's own collection (automatic ones are off here), and the new one frozen (gc.freeze), never
    walked by a page."""
    import gc
    import weakref
    path = tmp_path / "graph.json"
    MemoryStore(path).merge([policy_doc()])
    reader = MemoryStore(path)
    gc.disable()                                       # only the store's own collections run
    try:
        reader.subgraph()                              # queries give the graph its cyclic cached views
        assert reader.graph.succ is not None and gc.get_referrers(reader.graph)
        old = weakref.ref(reader.graph)
        MemoryStore(path).merge([news_doc()])          # another writer: the reader reloads
        live = reader.graph
        assert old() is None, "the graph read before is freed on reload"
        assert not gc.is_tracked(live) or gc.get_freeze_count() > 0
        assert all(live is not obj for obj in gc.get_objects()), "the live graph is frozen"
        old = weakref.ref(live)
        reader.subgraph()
        del live
        reader.merge([policy_doc(), news_doc()])
        assert old() is None, "the graph before a merge is freed"
        assert all(reader.graph is not obj for obj in gc.get_objects())
    finally:
        reader._drop_graph()                           # unfreeze: leave the collector as it was
        gc.enable()


def test_a_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "graph.json"
    store = MemoryStore(path)
    store.merge([policy_doc()])
    before = path.read_bytes()

    calls = []
    encode = graph.store_file.encode_line

    def disk_full_on_the_second_line(obj):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return encode(obj)
    monkeypatch.setattr(graph.store_file, "encode_line", disk_full_on_the_second_line)
    with pytest.raises(OSError):
        store.merge([news_doc()])
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert MemoryStore(path).stats() == store.stats()          # memory unchanged too
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def _merge_in_child(path: str, which: str) -> None:
    from tests.support.samples import hostile_doc, news_doc, policy_doc
    doc = {"policy": policy_doc, "news": news_doc, "hostile": hostile_doc}[which]()
    for _ in range(3):
        MemoryStore(path).merge([doc])


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(tmp_path):
    path = str(tmp_path / "graph.json")
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_merge_in_child, args=(path, w)) for w in ("policy", "news", "hostile")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    expected = MemoryStore(tmp_path / "expected.json")
    expected.merge([policy_doc(), news_doc(), hostile_doc()])
    got = MemoryStore(path)
    assert got.stats() == expected.stats()
    assert got.subgraph() == expected.subgraph() or _same_up_to_order(got, expected)


def _same_up_to_order(a: MemoryStore, b: MemoryStore) -> bool:
    """Concurrent merges may interleave in any order: compare evidence as sets."""
    def norm(sub):
        return ({(n.id, n.name, tuple(sorted(n.aliases)), tuple(sorted(n.documents))) for n in sub.nodes},
                {(e.key, tuple(sorted(map(str, e.evidence)))) for e in sub.edges})
    return norm(a.subgraph()) == norm(b.subgraph())


def test_a_corrupt_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "graph.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreUnavailable, match="cannot read the graph file"):
        MemoryStore(path).stats()
    path.write_text('{"nodes": []}', encoding="utf-8")
    with pytest.raises(StoreUnavailable, match="not a graph file"):
        MemoryStore(path).stats()


def test_open_store_reads_backend_and_data_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_DATA", str(tmp_path / "x.json"))
    monkeypatch.delenv("KG_BACKEND", raising=False)
    store = open_store()
    assert store.backend == "memory" and store.describe()["address"] == str(tmp_path / "x.json")
    monkeypatch.setenv("KG_BACKEND", "memory")
    assert open_store(path=str(tmp_path / "y.json")).describe()["address"] == str(tmp_path / "y.json")
    with pytest.raises(ConfigError, match="unknown backend"):
        open_store("oracle")
    monkeypatch.setenv("KG_BACKEND", "sqlite")
    with pytest.raises(ConfigError):
        open_store()


def test_neo4j_without_a_server_names_the_uri(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
    monkeypatch.setenv("KG_NEO4J_RETRY_S", "0")           # fail fast, no retry window
    store = open_store("neo4j")
    with pytest.raises(StoreUnavailable, match=r"bolt://127\.0\.0\.1:9"):
        store.stats()
    store.close()


@pytest.mark.slow          # a fresh interpreter
def test_importing_graph_does_not_import_the_driver():
    code = ("import sys, graph, graph.store, graph.memory_store, graph.analytics, graph.export; "
            "print('neo4j' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.slow
def test_a_writer_killed_mid_save_leaves_a_consistent_file(tmp_path):
    """SIGKILL a build while it writes: the file is either the old or the new graph, never torn,
    and a rerun completes to exactly the counts of an uninterrupted build."""
    import signal
    import time

    path = tmp_path / "graph.json"
    MemoryStore(path).merge([policy_doc()])
    code = (
        "import sys; sys.path.insert(0, sys.argv[2])\n"
        "from graph.memory_store import MemoryStore\n"
        "from graph.model import DocumentGraph, Entity, Relation, Evidence\n"
        "doc = Entity(id='document:big', type='Document', name='big')\n"
        "ents = [Entity(id=f'agency:a{i}', type='Agency', name=f'机构{i}', properties={'x': 'y' * 200})"
        " for i in range(40000)]\n"
        "rels = [Relation('MENTIONS', 'document:big', e.id, Evidence('t' * 100, i, i + 1), 'r')"
        " for i, e in enumerate(ents)]\n"
        "g = DocumentGraph(document=doc, entities=ents, relations=rels)\n"
        "print('go', flush=True)\n"
        "while True:\n"
        "    MemoryStore(sys.argv[1]).merge([g])\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(path), str(PROJECT)], stdout=subprocess.PIPE,
                            cwd=PROJECT)
    assert proc.stdout.readline().strip() == b"go"
    time.sleep(2.5)                     # inside a merge or a save
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    store = MemoryStore(path)
    policy_only = MemoryStore(tmp_path / "p.json")
    policy_only.merge([policy_doc()])
    n = store.stats().total_nodes                     # loads: the file is whole
    assert n in (policy_only.stats().total_nodes, policy_only.stats().total_nodes + 40001)
    store.merge([news_doc()])
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("name", ["graph.json", "graph[1].json"])
def test_a_save_removes_temp_files_left_by_a_killed_writer(tmp_path, name):
    path = tmp_path / name
    MemoryStore(path).merge([policy_doc()])
    expected = MemoryStore(tmp_path / "expected.json")
    expected.merge([policy_doc(), news_doc()])
    stale = tmp_path / f".{name}.k1ll3d_x.tmp"          # what mkstemp names a SIGKILLed save's file
    stale.write_text('{"format": "yrd-policy-graph/1", "nodes": [', encoding="utf-8")
    MemoryStore(path).merge([news_doc()])
    assert not stale.exists()
    reopened = MemoryStore(path)
    assert reopened.stats() == expected.stats()
    assert reopened.subgraph() == expected.subgraph()


def test_a_save_leaves_other_stores_temp_files_alone(tmp_path):
    """`graph.json.bak` in the same folder is another store with its own lock: its temporary file
    may belong to a live writer, so a save of `graph.json` must not delete it."""
    other_tmp = tmp_path / ".graph.json.bak.abc123_x.tmp"
    other_tmp.write_text("{}", encoding="utf-8")
    unrelated = tmp_path / ".graph.json.tmp"
    unrelated.write_text("{}", encoding="utf-8")
    MemoryStore(tmp_path / "graph.json").merge([policy_doc()])
    assert other_tmp.exists() and unrelated.exists()
