"""Hostile strings through every query, filter, analytic and export, on both backends: nothing but
project errors, and the graph is exactly unchanged afterwards (full fingerprint of every node,
relationship and evidence entry; on Neo4j also raw counts and the set of labels/types/properties).

Values reach Cypher only as parameters; labels/types only from the schema, so these must be inert.
"""
from __future__ import annotations

import json

import pytest

from graph import analytics, export
from common.errors import KGError
from graph.model import LABELS, REL_TYPES
from tests.support.samples import hostile_doc, sample_graphs
from tests.support.stores import BACKENDS, fingerprint, make_store, raw_neo4j_state

HOSTILE = [
    "'", '"', "`", "\\", "\\'", "}) DETACH DELETE n //", "'}) DETACH DELETE n //", "\"}) DETACH DELETE n //",
    "`) DETACH DELETE n //", "') MATCH (m) DETACH DELETE m RETURN 1 //", "*/ MATCH (n) DETACH DELETE n /*",
    "$param", "$id", "{id: $x}", "\u0000", "a\u0000b", "\n", "\r\n", "\u2028", "\u202e上海海关", "😀",
    "' OR 1=1 --", "%s%s%s", "{0}", "${jndi:ldap://127.0.0.1/x}", "../../../etc/passwd", "..\\..\\x",
    "<script>alert(1)</script>", "MATCH (n) DETACH DELETE n", "CALL dbms.shutdown()", "CALL db.clearQueryCaches()",
    "上海海关'})-[r]-() DELETE r //", "上海海关", "customs:上海海关", "*", "~", "?", "AND", "OR NOT",
    "\"上海\" OR name:*", "name:上海~0.1", "+-&&||!(){}[]^\"~*?:\\/", "x" * 100_000, "长" * 20_000,
    "\udcff", "\ud800",   # lone surrogates: what non-UTF-8 bytes in a shell argument turn into
]
VALID = "customs:上海海关"
CLAUSE = "clause:002_sample_policy#3"


@pytest.fixture(params=BACKENDS)
def loaded(request, tmp_path):
    store = make_store(request.param, tmp_path, request)
    store.merge(sample_graphs() + [hostile_doc()])
    return store


def _safe(fn, *args, **kwargs):
    """Run a query; a KGError is an acceptable answer, anything else fails the test."""
    try:
        return fn(*args, **kwargs)
    except KGError as err:
        msg = str(err)
        assert msg.strip() and "\n" not in msg.strip(), msg[:200]      # one line (may quote the input)
        return err


def _every_query(store, s: str) -> int:
    """Every user-facing read with `s` in each user-controlled slot. Returns the number of calls."""
    calls = [
        (store.search, (s,), {}), (store.search, (s,), {"labels": ["Agency"], "limit": 5}),
        (store.resolve, (s,), {}), (store.entity, (s,), {}), (store.who_leads, (s,), {}),
        (store.who_leads, (VALID,), {"documents": [s]}), (store.who_leads, (VALID,), {"areas": [s]}),
        (store.who_leads, (CLAUSE,), {"roles": [s]}),
        (store.neighbourhood, ([s],), {}), (store.neighbourhood, ([VALID],), {"depth": 2, "documents": [s]}),
        (store.neighbourhood, ([VALID],), {"labels": [s]}), (store.neighbourhood, ([VALID],), {"rel_types": [s]}),
        (store.paths, (VALID, s), {}), (store.paths, (s, VALID), {}),
        (store.paths, (VALID, CLAUSE), {"rel_types": [s]}),
        (store.subgraph, (), {"documents": [s]}), (store.subgraph, (), {"areas": [s]}),
        (store.subgraph, (), {"labels": [s]}), (store.subgraph, (), {"rel_types": [s]}),
    ]
    for fn, args, kwargs in calls:
        _safe(fn, *args, **kwargs)
    sub = store.subgraph()
    for fn, args in [(analytics.compare_documents, (sub, s, s)), (analytics.responsibility_matrix, (sub, s))]:
        _safe(fn, *args)
    for agg in (store.role_load, store.co_responsible, store.area_load, store.count):
        _safe(agg, documents=[s])
        _safe(agg, areas=[s])
    _safe(store.count, labels=[s])
    _safe(store.count, rel_types=[s])
    if store.backend == "neo4j":
        _safe(store.cypher, "MATCH (n:Entity) WHERE n.name = $x OR n.id = $x RETURN n.id LIMIT 5", params={"x": s})
        _safe(store.cypher, s)     # the hostile string as the whole console query
    return len(calls) + 8


@pytest.mark.slow          # a sweep: every hostile string × every query
def test_hostile_strings_through_every_query_leave_the_graph_unchanged(loaded):
    before = fingerprint(loaded)
    raw_before = raw_neo4j_state(loaded) if loaded.backend == "neo4j" else None
    calls = sum(_every_query(loaded, s) for s in HOSTILE)
    assert calls >= 25 * len(HOSTILE)
    assert fingerprint(loaded) == before
    if raw_before is not None:
        assert raw_neo4j_state(loaded) == raw_before
        assert set(raw_before[2]) <= set(LABELS) | {"Entity"}
        assert set(raw_before[3]) <= set(REL_TYPES)
    assert loaded.resolve("上海海关") == VALID


def test_hostile_names_are_found_verbatim_not_executed(loaded):
    """The stored hostile entities come back exactly through search, resolve and detail."""
    from tests.support.samples import HOSTILE as STORED
    for name in STORED:
        eid = loaded.resolve(name)
        node, _ = loaded.entity(eid)
        assert node.name == name
        assert any(h.id == eid for h in loaded.search(name, limit=50))


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_every_export_of_a_hostile_graph_leaves_it_unchanged_and_reads_back(loaded, fmt, tmp_path):
    before = fingerprint(loaded)
    for sub in (loaded.subgraph(), loaded.neighbourhood([loaded.resolve("`backtick` 委员会")], depth=2)):
        data, _mime, _name = export.to_bytes(sub, fmt, stem="yrd")
        assert data
        out = tmp_path / f"export_{fmt}"
        files = export.export(sub, fmt, out if fmt == "csv" else out.with_suffix("." + fmt))
        for f in files:
            assert f.resolve().is_relative_to(tmp_path.resolve())
            assert f.stat().st_size > 0
    if fmt == "json":
        back = json.loads(files[0].read_text(encoding="utf-8"))
        names = {n.get("name") for n in back["nodes"]}
        assert "x'}) DETACH DELETE n //" in names
    if fmt == "graphml":
        import networkx as nx
        g = nx.read_graphml(files[0])
        assert g.number_of_nodes() == len(sub.nodes)
    assert fingerprint(loaded) == before


@pytest.mark.neo4j
def test_cypher_export_of_hostile_graph_replays_to_the_same_graph(tmp_path, request):
    """The parameter-free script escapes every literal: replaying it recreates the graph exactly."""
    mem = make_store("memory", tmp_path, request)
    mem.merge(sample_graphs() + [hostile_doc()])
    neo = make_store("neo4j", tmp_path, request)
    script = export.cypher_script(mem.subgraph())
    with neo._driver.session(database=neo.database) as s:
        for stmt in export.iter_script_statements(script):
            s.run(stmt).consume()
    neo._schema_ready = False
    assert fingerprint(neo) == fingerprint(mem)


def test_export_file_names_cannot_escape_the_folder(tmp_path):
    target = tmp_path / "exports"
    target.mkdir()
    escapes = ["../x.csv", "../../etc/passwd", "/etc/passwd", "a/../../b", "..", ".", "", "a/b.csv",
               "..\\x.csv", "x\x00.csv", "nodes.csv/../../y", str(tmp_path / "abs.csv")]
    for name in escapes:
        try:
            p = export.safe_join(target, name)
        except KGError:
            continue
        assert p.parent == target.resolve(), name
    for ok in ["nodes.csv", "关系.csv", "a..b.csv", "x'`}) DETACH.csv"]:
        assert export.safe_join(target, ok).parent == target.resolve()


@pytest.mark.slow          # 31 hostile strings × 11 commands
def test_hostile_strings_through_every_cli_command_leave_the_graph_unchanged(loaded, kg, tmp_path, request):
    """`kg search/show/leads/neighbors/path/export/cypher` with hostile arguments: exit codes of the
    documented errors, one line on stderr, graph unchanged (in-process, so it stays fast)."""
    if loaded.backend == "memory":
        env = {"KG_DATA": str(loaded.path)}
    else:
        env = request.getfixturevalue("neo4j_settings").env()
    env["KG_BACKEND"] = loaded.backend
    before = fingerprint(loaded)
    out = tmp_path / "out"
    out.mkdir()
    ran = 0
    for s in HOSTILE[:30] + ["x" * 5000]:
        for argv in (["search", s], ["show", s], ["leads", s], ["leads", "上海海关", "--document", s],
                     ["neighbors", s], ["neighbors", "上海海关", "--document", s], ["path", "上海海关", s],
                     ["export", "--format", "json", "--out", str(out / "g.json"), "--center", s],
                     ["export", "--format", "json", "--out", str(out / "g.json"), "--document", s],
                     ["cypher", "MATCH (n:Entity) WHERE n.name = $x RETURN n.id"], ["cypher", s]):
            code, _, err = kg(*argv, env=env)     # argparse refusing an argument (e.g. one starting with '-') too
            ran += 1
            assert code in (0, 1, 2, 3, 5, 6), (argv[:2], code, err[-300:])
            errs = [ln for ln in err.splitlines() if ln.startswith("kg: error:")]
            assert len(errs) <= 1 and "Traceback" not in err
    assert ran >= 300
    assert fingerprint(loaded) == before
    assert {p.name for p in out.iterdir()} <= {"g.json"}, "exports landed only where --out said"
