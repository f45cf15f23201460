"""The embedded store's file format (graph/store_file.py) on the real seed graph: an exact round trip,
old format-1 files still open and are upgraded on the next save, bad files are one-line errors, and
the search index finds exactly what a full scan finds."""
from __future__ import annotations

import gc

import pytest

from common.errors import StoreUnavailable
from graph.memory_store import MemoryStore
from graph.model import DocumentGraph, Entity
from graph.search_rank import norm, score, tokens
from tests.support.samples import news_doc, policy_doc, sample_graphs
from tests.support.store_file_check import read_raw, write_format_1
from tests.support.stores import seed_graphs


def _content(store: MemoryStore) -> tuple:
    g = store.graph
    nodes = dict(g.nodes(data=True))
    edges = sorted((s, k, t, repr(a)) for s, t, k, a in g.edges(keys=True, data=True))
    incoming = {n: sorted((s, k) for s, _t, k in g.in_edges(n, keys=True)) for n in g}
    return nodes, edges, incoming


def _as_format_1(store: MemoryStore, path) -> None:
    g = store.graph
    write_format_1([{"id": n, **a} for n, a in g.nodes(data=True)],
                   [{"source": s, "type": k, "target": t, **a} for s, t, k, a in g.edges(keys=True, data=True)],
                   path)


@pytest.fixture(scope="module")
def seeds_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("store_file") / "graph.json"
    MemoryStore(path).merge(seed_graphs() + sample_graphs())     # the samples share an alias: 发展改革部门
    return path


def test_a_reopened_store_holds_exactly_the_graph_that_was_saved(tmp_path):
    built = MemoryStore(tmp_path / "graph.json")
    built.merge(seed_graphs())
    reopened = MemoryStore(tmp_path / "graph.json")
    assert reopened.stats().total_relationships > 500
    assert _content(reopened) == _content(built)        # nodes, edges with their data, incoming adjacency
    assert reopened.subgraph() == built.subgraph()
    customs = built.resolve("上海海关")
    assert reopened.who_leads(customs) == built.who_leads(customs)


def test_an_old_format_1_file_opens_and_the_next_save_writes_format_2(tmp_path):
    seeds = seed_graphs()
    current = MemoryStore(tmp_path / "current.json")
    current.merge(seeds[:3])
    old = tmp_path / "graph.json"
    _as_format_1(current, old)
    assert read_raw(old)["format"] == "yrd-policy-graph/1"
    store = MemoryStore(old)
    assert _content(store) == _content(current)
    assert store.search("海关") == current.search("海关") != []
    store.merge(seeds[3:])                                # the next save writes the new format
    assert read_raw(old)["format"] == "yrd-policy-graph/2"
    everything = MemoryStore(tmp_path / "all.json")
    everything.merge(seeds)
    assert _content(MemoryStore(old)) == _content(everything)


def test_integers_beyond_64_bits_round_trip_exactly(tmp_path):
    doc = policy_doc()
    big = Entity(id="agency:大数局", type="Agency", name="大数局", properties={"code": 2**70, "small": 7})
    graph = DocumentGraph(document=doc.document, entities=[*doc.entities, big], relations=doc.relations)
    path = tmp_path / "graph.json"
    MemoryStore(path).merge([graph, news_doc()])
    assert MemoryStore(path).entity("agency:大数局")[0].properties["code"] == 2**70
    assert b"\n [[" in path.read_bytes()                  # that one line went through the stdlib json
    assert {n["id"]: n["props"] for n in read_raw(path)["nodes"]}["agency:大数局"]["code"] == 2**70


def _damaged(data: bytes) -> dict[str, bytes]:
    lines = data.split(b"\n")
    header = b'{"format":"yrd-policy-graph/2","nodes":1,"edges":1}\n'
    return {
        "last line missing": b"\n".join(lines[:-2]) + b"\n",
        "cut mid-line": data[: len(data) - len(lines[-2]) // 2 - 1],
        "edge to no node": header + b'[["agency:x","Agency","x",[],[],{}]]\n[[0,7,"SUPPORTS",{},[]]]\n',
        "node row of the wrong shape": header + b'[["agency:x","Agency"]]\n',
        "empty": b"",
        "SQLite database": b"SQLite format 3\x00" + bytes(200),
        "PNG image": b"\x89PNG\r\n\x1a\n" + bytes(50),
        "other JSON": b'{"nodes": [], "edges": []}',
        "newer format": b'{"format":"yrd-policy-graph/9","nodes":0,"edges":0}\n',
        "old format truncated": b'{"format":"yrd-policy-graph/1","nodes":[{"id":"agency:x"',
        "old format, edge to no node": b'{"format":"yrd-policy-graph/1","nodes":[],"edges":[{"source":"a",'
                                       b'"type":"LEADS","target":"b"}]}',
    }


EXPECTED = {"last line missing": "truncated", "cut mid-line": "not valid JSON", "edge to no node": "damaged",
            "node row of the wrong shape": "damaged", "empty": "empty", "SQLite database": "not a graph file",
            "PNG image": "not a graph file", "other JSON": "not a graph file",
            "newer format": "yrd-policy-graph/9, which this version cannot read",
            "old format truncated": "not valid JSON", "old format, edge to no node": "damaged"}


def test_truncated_corrupt_or_foreign_files_are_one_line_errors(tmp_path, seeds_file):
    cases = _damaged(seeds_file.read_bytes())
    assert cases.keys() == EXPECTED.keys()
    for case, data in cases.items():
        path = tmp_path / "graph.json"
        path.write_bytes(data)
        with pytest.raises(StoreUnavailable) as err:
            MemoryStore(path).stats()
        message = str(err.value)
        assert EXPECTED[case] in message, (case, message)
        assert str(path) in message and "\n" not in message and len(message) < 400, (case, message)
        assert gc.isenabled()                            # the paused collector is back on after an error


def test_the_search_index_finds_exactly_what_a_full_scan_finds(seeds_file):
    store = MemoryStore(seeds_file)
    g = store.graph
    names = sorted({a["name"] for _n, a in g.nodes(data=True)} | {x for _n, a in g.nodes(data=True)
                                                                   for x in a["aliases"]})
    queries = set()
    for name in names[::3]:
        queries.update({name, name[:2], name[1:4], name[::-1][:4], name + "办公室"})
    queries.add("改革发展部门")                   # fuzzy only (Dice 0.6) with the shared alias 发展改革部门
    index = store._search_index()
    for q in sorted(queries):
        q = norm(q)                                 # what store.search passes
        scan = {n for n, a in g.nodes(data=True) if score(q, a["name"], a["aliases"]) > 0}
        assert index.candidates(q, tokens(q)) == scan, q
    shared = [k for k, ids in index.exact.items() if len(ids) > 1]
    assert "发展改革部门" in shared          # a key of several entities: the fuzzy index is per distinct key
    assert len(index.candidates("改革发展部门", tokens("改革发展部门"))) >= 3
